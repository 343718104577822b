//! `gatehouse who-can ACTION RESOURCE`: every principal allowed, with the statements that grant
//! it and their conditions (`server::diagnose::Directory::who_can`), for a person or as JSON.

use std::path::Path;
use std::process::ExitCode;

use server::diagnose::{Directory, Entry, WhoCan};

pub fn run(action: &str, resource: &str, data_dir: &Path, json: bool) -> ExitCode {
    let directory = match Directory::open(data_dir, server::config::Config::default()) {
        Ok(d) => d,
        Err(e) => {
            eprintln!("gatehouse who-can: cannot open {}: {e}", data_dir.display());
            return ExitCode::from(2);
        }
    };
    let resource = match resource.strip_prefix("s3://") {
        Some(path) => format!("arn:aws:s3:::{path}"),
        None => resource.to_string(),
    };
    let mut progress = crate::progress::Bar::new("principals");
    let answer = directory.who_can(action, &resource, &mut |done, total| {
        progress.show(done, total)
    });
    progress.finish();
    match answer {
        Ok(answer) if json => {
            let text = serde_json::to_string(&answer).expect("an answer serializes");
            println!("{text}");
            ExitCode::SUCCESS
        }
        Ok(answer) => {
            print!("{}", render(&answer));
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("gatehouse who-can: {e}");
            ExitCode::from(2)
        }
    }
}

pub fn render(a: &WhoCan) -> String {
    let mut out = format!(
        "who can {} on {} ({} principals examined)\n",
        a.action, a.resource, a.examined
    );
    let mut section = |title: &str, entries: &[Entry]| {
        out.push_str(&format!("{title}: {}\n", entries.len()));
        for e in entries {
            out.push_str(&format!("  {} ({}", e.principal, e.kind));
            if let Some(note) = e.note {
                out.push_str(&format!("; {note}"));
            }
            out.push_str(")\n");
            if e.granted_by.is_empty() {
                out.push_str("    by the account root's own authority (nothing denies it)\n");
            }
            for g in &e.granted_by {
                out.push_str(&format!(
                    "    {} policy {} statement {}\n",
                    g.layer, g.policy, g.statement
                ));
                for c in &g.conditions {
                    out.push_str(&format!(
                        "      when {} {} {:?}{}\n",
                        c.key,
                        c.operator,
                        c.values,
                        if c.met {
                            ""
                        } else {
                            "  (not met by a plain request)"
                        }
                    ));
                }
            }
        }
    };
    section("allowed", &a.allowed);
    section("allowed only when the conditions hold", &a.conditional);
    out
}
