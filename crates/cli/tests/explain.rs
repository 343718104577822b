//! `gatehouse explain`: the real binary serves three requests (an explicit deny by a condition,
//! an implicit deny by the identity layer, an allowed read) and explains each from the audit
//! trail after a clean stop (`tests/explain/requests.py`).

use std::process::Command;

#[test]
fn explain_tells_each_layer_statement_and_condition() {
    let has_boto3 = || {
        Command::new("python3")
            .args(["-c", "import boto3"])
            .status()
            .is_ok_and(|s| s.success())
    };
    if !has_boto3() {
        let installed = Command::new("python3")
            .args(["-m", "pip", "install", "--quiet", "boto3"])
            .status();
        assert!(installed.is_ok_and(|s| s.success()) && has_boto3());
    }
    let work = std::env::temp_dir().join(format!("gatehouse-explain-{}", std::process::id()));
    std::fs::create_dir_all(&work).unwrap();
    let manifest = env!("CARGO_MANIFEST_DIR");
    let out = Command::new("python3")
        .arg(format!("{manifest}/tests/explain/requests.py"))
        .arg(env!("CARGO_BIN_EXE_gatehouse"))
        .arg(&work)
        .arg(format!("{manifest}/../server/tests/common/config.toml"))
        .env("PYTHONDONTWRITEBYTECODE", "1")
        .output()
        .unwrap();
    let _ = std::fs::remove_dir_all(&work);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success() && stdout.contains("passed"),
        "{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
}
