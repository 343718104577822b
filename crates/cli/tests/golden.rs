//! Golden files of the reports for a person: `gatehouse doctor` on one scenario per layer of
//! AWS's authorization (`tests/golden/doctor.py`, `tests/golden/doctor/NAME.txt`) and
//! `gatehouse explain` on real requests refused by each layer, and one allowed
//! (`tests/golden/explain.py`, `tests/golden/explain/NAME.txt`). Each scenario is built through
//! the real APIs on a running server; what is random is normalized into placeholders. On a
//! difference the test prints a unified diff and fails; `GATEHOUSE_BLESS=1 cargo test -p
//! gatehouse --test golden` rewrites the files instead — read each one before committing it.

mod common;

#[test]
fn doctor_reports_match_the_golden_files() {
    common::run_script(
        "golden/doctor.py",
        "golden-doctor",
        &[&common::server_config()],
    );
}

#[test]
fn explain_reports_match_the_golden_files() {
    common::run_script(
        "golden/explain.py",
        "golden-explain",
        &[&common::server_config()],
    );
}
