//! `gatehouse doctor`: on a running server's data directory, each proposed fix applied through
//! the real APIs turns the real request's 403 into a 200 (`tests/doctor/fixes.py`).

mod common;

#[test]
fn each_proposed_fix_turns_the_403_into_a_200() {
    common::run_script("doctor/fixes.py", "doctor", &[&common::server_config()]);
}
