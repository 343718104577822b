#![allow(dead_code)]
//! What the binary's Python-driven tests share: boto3 (installed with pip when missing), a
//! work directory, and one script run against the real binary that must print `passed`.

use std::process::Command;

fn has_boto3() -> bool {
    Command::new("python3")
        .args(["-c", "import boto3"])
        .status()
        .is_ok_and(|s| s.success())
}

/// Runs `tests/SCRIPT` with the gatehouse binary, a fresh work directory and `extra` as its
/// arguments; fails the test unless it exits 0 having printed `passed`.
pub fn run_script(script: &str, name: &str, extra: &[&str]) {
    if !has_boto3() {
        let installed = Command::new("python3")
            .args(["-m", "pip", "install", "--quiet", "boto3"])
            .status();
        assert!(installed.is_ok_and(|s| s.success()) && has_boto3());
    }
    let work = std::env::temp_dir().join(format!("gatehouse-{name}-{}", std::process::id()));
    std::fs::create_dir_all(&work).unwrap();
    let out = Command::new("python3")
        .arg(format!("{}/tests/{script}", env!("CARGO_MANIFEST_DIR")))
        .arg(env!("CARGO_BIN_EXE_gatehouse"))
        .arg(&work)
        .args(extra)
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

/// The server tests' configuration (two accounts, every denial explained).
pub fn server_config() -> String {
    format!(
        "{}/../server/tests/common/config.toml",
        env!("CARGO_MANIFEST_DIR")
    )
}
