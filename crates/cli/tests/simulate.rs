//! `gatehouse simulate` as a person or script runs it: the real binary, a real file.

use std::process::Command;
use std::sync::atomic::{AtomicUsize, Ordering};

static RUNS: AtomicUsize = AtomicUsize::new(0);

const DENIED: &str = r#"{"request":{"principal":"anonymous","action":"s3:GetObject","resource":"arn:aws:s3:::b/k","resource_account":"111122223333"}}"#;
const MALFORMED: &str = r#"{"request":{"principal":"anonymous","action":"s3:GetObject","resource":"arn:aws:s3:::b/k","resource_account":"111122223333"},"policies":{"resource":{"id":"arn:aws:s3:::b","document":{"Statement":[{"Effect":"Maybe","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"}]}}}}"#;
const PUBLIC: &str = r#"{"request":{"principal":"anonymous","action":"s3:GetObject","resource":"arn:aws:s3:::b/k","resource_account":"111122223333"},"policies":{"resource":{"id":"arn:aws:s3:::b","document":{"Statement":[{"Sid":"Public","Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"}]}}}}"#;

fn run(input: &str, extra: &[&str]) -> (i32, String) {
    let run = RUNS.fetch_add(1, Ordering::Relaxed);
    let dir = std::env::temp_dir().join(format!("gatehouse-simulate-{}-{run}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("scenarios.jsonl");
    std::fs::write(&file, input).unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_gatehouse"))
        .args(["simulate", "--input"])
        .arg(&file)
        .args(extra)
        .output()
        .unwrap();
    std::fs::remove_dir_all(&dir).ok();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8(out.stdout).unwrap(),
    )
}

#[test]
fn a_batch_is_answered_in_order_and_a_bad_line_fails_the_run() {
    let (status, out) = run(&format!("{DENIED}\n{MALFORMED}\n{PUBLIC}\n"), &[]);
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.len(), 3);
    assert!(
        lines[0].starts_with(r#"{"decision":"implicitDeny","denied_by":"resource""#),
        "{}",
        lines[0]
    );
    assert!(
        lines[1].contains(r#""path":"policies.resource.document.Statement[0].Effect","line":2"#),
        "{}",
        lines[1]
    );
    assert!(lines[2].starts_with(r#"{"decision":"allowed","denied_by":null,"policy":"arn:aws:s3:::b","statement":"Public""#), "{}", lines[2]);
    assert_eq!(status, 1);
}

#[test]
fn a_json_array_and_a_single_scenario_both_work() {
    let (status, out) = run(&format!("[{DENIED},{PUBLIC}]"), &[]);
    assert_eq!((status, out.lines().count()), (0, 2));
    let (status, out) = run(PUBLIC, &[]);
    assert_eq!((status, out.lines().count()), (0, 1));
}

#[test]
fn explain_prints_the_trace_for_people() {
    let (status, out) = run(PUBLIC, &["--explain"]);
    assert_eq!(status, 0);
    assert!(out.contains("decision: allowed"), "{out}");
    assert!(out.contains("[resource] arn:aws:s3:::b: allow"), "{out}");
    assert!(out.contains("Allow Public (line 1, column"), "{out}");
}
