//! `gatehouse import EXPORT --data-dir NEW [--json]`: a new data directory from an export of an
//! AWS account (`scripts/export-aws.sh`, `docs/import-layout.md`), and the import's report —
//! what was imported, what the export could not read (unknown, not none), what was refused or
//! approximated. Exit status 0 when the directory was made, 1 when the export cannot be used
//! (or the import failed, leaving nothing), 2 for a usage error (a target that is not empty).

use std::path::Path;
use std::process::ExitCode;

pub fn run(export: &Path, data_dir: &Path, json: bool) -> ExitCode {
    match server::import::import(export, data_dir) {
        Ok(report) => {
            if json {
                println!(
                    "{}",
                    serde_json::to_string(&report).expect("a report serializes")
                );
            } else {
                print!("{}", report.render());
            }
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("gatehouse import: {e}");
            ExitCode::from(e.exit_code())
        }
    }
}
