//! `gatehouse lint FILE|DIR... [--type T] [--json]`: every policy file's findings, one line
//! each (`FILE:LINE:COLUMN: severity CODE at PATH: message`), or JSON lines with `--json`.
//! Exit status 1 when any file has an error (what AWS would reject), 2 when one cannot be read.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use authz::lint::{lint, Severity};
use policy::PolicyType;

/// `--type`'s names for the policy types.
pub fn kind_of(name: &str) -> Option<PolicyType> {
    Some(match name {
        "identity" => PolicyType::Managed,
        "resource" => PolicyType::Bucket,
        "scp" => PolicyType::Scp,
        "rcp" => PolicyType::Rcp,
        "boundary" => PolicyType::PermissionsBoundary,
        "session" => PolicyType::Session,
        "trust" => PolicyType::Trust,
        "key" => PolicyType::Key,
        "endpoint" => PolicyType::VpcEndpoint,
        _ => return None,
    })
}

/// Without `--type`: a document whose statements name a principal is a resource policy,
/// otherwise an identity policy.
fn guess(text: &str) -> PolicyType {
    let names_principal = policy::json::parse(text).ok().is_some_and(|doc| {
        let statements = match doc.get("Statement").map(|s| &s.value) {
            Some(policy::json::Value::Array(items)) => items.iter().collect::<Vec<_>>(),
            Some(_) => doc.get("Statement").into_iter().collect(),
            None => Vec::new(),
        };
        statements
            .iter()
            .any(|s| s.get("Principal").is_some() || s.get("NotPrincipal").is_some())
    });
    if names_principal {
        PolicyType::Bucket
    } else {
        PolicyType::Managed
    }
}

/// The files named, a directory standing for its `.json` files (recursively, in name order).
fn files(paths: &[PathBuf]) -> std::io::Result<Vec<PathBuf>> {
    let mut out = Vec::new();
    for path in paths {
        if path.is_dir() {
            let mut found = Vec::new();
            let mut stack = vec![path.clone()];
            while let Some(dir) = stack.pop() {
                for entry in std::fs::read_dir(&dir)? {
                    let p = entry?.path();
                    if p.is_dir() {
                        stack.push(p);
                    } else if p.extension().is_some_and(|e| e == "json") {
                        found.push(p);
                    }
                }
            }
            found.sort();
            out.extend(found);
        } else {
            out.push(path.clone());
        }
    }
    Ok(out)
}

pub fn run(paths: &[PathBuf], kind: Option<PolicyType>, json: bool) -> ExitCode {
    let files = match files(paths) {
        Ok(f) => f,
        Err(e) => {
            eprintln!("gatehouse lint: {e}");
            return ExitCode::from(2);
        }
    };
    let mut errors = false;
    let mut unreadable = false;
    for file in &files {
        match std::fs::read_to_string(file) {
            Ok(text) => errors |= report(file, &text, kind.unwrap_or_else(|| guess(&text)), json),
            Err(e) => {
                eprintln!("gatehouse lint: cannot read {}: {e}", file.display());
                unreadable = true;
            }
        }
    }
    if unreadable {
        ExitCode::from(2)
    } else if errors {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}

/// Prints one file's findings; whether it had an error.
fn report(file: &Path, text: &str, kind: PolicyType, json: bool) -> bool {
    let findings = lint(text, kind);
    for f in &findings {
        if json {
            #[derive(serde::Serialize)]
            struct Line<'a> {
                file: String,
                #[serde(flatten)]
                finding: &'a authz::lint::Finding,
            }
            let line = Line {
                file: file.display().to_string(),
                finding: f,
            };
            println!(
                "{}",
                serde_json::to_string(&line).expect("a finding serializes")
            );
        } else {
            println!(
                "{}:{}:{}: {} {} at {}: {}",
                file.display(),
                f.line,
                f.column,
                f.severity.as_str(),
                f.code,
                if f.path.is_empty() {
                    "the document"
                } else {
                    &f.path
                },
                f.message
            );
        }
    }
    findings.iter().any(|f| f.severity == Severity::Error)
}
