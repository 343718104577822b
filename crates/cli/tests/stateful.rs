//! The stateful, randomized test of issue 11: thousands of steps across three accounts on one
//! long-lived `gatehouse serve` (restarted midway on the same data directory), in verification
//! mode, each read compared with a model of AWS's decision. Hypothesis's rule-based state
//! machine drives boto3 (`tests/stateful/machine.py` says what is modelled); both are
//! pip-installed when missing. A failure prints the seed and the shortest failing sequence;
//! `GATEHOUSE_STATEFUL_SEED`, `_EXAMPLES` and `_STEPS` repeat or lengthen a run.

use std::process::Command;

fn python_has(module: &str) -> bool {
    Command::new("python3")
        .args(["-c", &format!("import {module}")])
        .status()
        .is_ok_and(|s| s.success())
}

#[test]
fn decisions_follow_the_present_through_thousands_of_random_changes() {
    for (module, package) in [("boto3", "boto3"), ("hypothesis", "hypothesis")] {
        if !python_has(module) {
            let installed = Command::new("python3")
                .args(["-m", "pip", "install", "--quiet", package])
                .status();
            assert!(
                installed.is_ok_and(|s| s.success()) && python_has(module),
                "{package} could not be installed"
            );
        }
    }
    let work = std::env::temp_dir().join(format!("gatehouse-stateful-{}", std::process::id()));
    std::fs::create_dir_all(&work).unwrap();
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/stateful/machine.py");
    let out = Command::new("python3")
        .arg(script)
        .arg(env!("CARGO_BIN_EXE_gatehouse"))
        .arg(&work)
        .env("PYTHONDONTWRITEBYTECODE", "1")
        .output()
        .unwrap();
    let _ = std::fs::remove_dir_all(&work);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(stdout.contains("passed"), "{stdout}");
}
