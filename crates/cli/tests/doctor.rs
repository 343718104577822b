//! `gatehouse doctor`: on a running server's data directory, each proposed fix applied through
//! the real APIs turns the real request's 403 into a 200 (`tests/doctor/fixes.py`).

use std::process::Command;

#[test]
fn each_proposed_fix_turns_the_403_into_a_200() {
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
    let work = std::env::temp_dir().join(format!("gatehouse-doctor-{}", std::process::id()));
    std::fs::create_dir_all(&work).unwrap();
    let manifest = env!("CARGO_MANIFEST_DIR");
    let out = Command::new("python3")
        .arg(format!("{manifest}/tests/doctor/fixes.py"))
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
