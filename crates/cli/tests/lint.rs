//! `gatehouse lint`: golden output over `tests/lint/policies` (one file per kind of finding,
//! and a clean policy that must stay silent), errors and the exit status, `--json`, `--type`.

use std::process::{Command, Output};

fn lint(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_gatehouse"))
        .arg("lint")
        .args(args)
        .current_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/lint"))
        .output()
        .unwrap()
}

#[test]
fn findings_match_the_golden_output() {
    let out = lint(&["policies"]);
    let expected = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/lint/expected.txt"
    ))
    .unwrap();
    assert_eq!(String::from_utf8_lossy(&out.stdout), expected);
    assert!(out.status.success(), "warnings and suggestions exit 0");
    let clean = lint(&["policies/clean.json"]);
    assert!(clean.status.success() && clean.stdout.is_empty());
}

#[test]
fn an_error_is_aws_s_and_exits_1() {
    let out = lint(&["malformed/effect.json"]);
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.starts_with("malformed/effect.json:3:27: error MALFORMED at Statement.Effect: Effect must be \"Allow\" or \"Deny\""),
        "{text}"
    );
}

#[test]
fn json_lines_carry_every_field() {
    let out = lint(&["--json", "policies"]);
    let lines: Vec<serde_json::Value> = String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 11);
    let first = &lines[0];
    assert_eq!(first["file"], "policies/broad-grants.json");
    assert_eq!(first["severity"], "SECURITY_WARNING");
    assert_eq!(first["code"], "ALLOW_WITH_NOT_ACTION");
    assert_eq!(first["path"], "Statement[0].NotAction");
    assert_eq!(
        (first["line"].as_u64(), first["column"].as_u64()),
        (Some(7), Some(20))
    );
}

#[test]
fn the_type_decides_what_is_an_error() {
    // An identity policy read as a bucket policy lacks its Principal.
    let out = lint(&["--type", "resource", "policies/clean.json"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stdout).contains("error MALFORMED"));
}
