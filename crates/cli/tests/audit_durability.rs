//! An acknowledged write's audit event is as durable as the write (issue 11): the real binary
//! is killed with SIGKILL right after answering 200 concurrent PutObjects, and every request id
//! a client was answered 2xx for is in the trail; and a clean shutdown (SIGTERM) loses no
//! event, reads included (`tests/durability/acknowledged.py`).

use std::process::Command;

#[test]
fn acknowledged_writes_keep_their_audit_events_through_sigkill() {
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
    let work = tempfile_dir();
    let script = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/durability/acknowledged.py"
    );
    let out = Command::new("python3")
        .arg(script)
        .arg(env!("CARGO_BIN_EXE_gatehouse"))
        .arg(&work)
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

fn tempfile_dir() -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("gatehouse-durability-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}
