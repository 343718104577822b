//! `gatehouse replay`: the flips it reports for a proposed bucket policy are exactly the
//! requests whose answer changes once the policy is applied (`tests/replay/flips.py`).

mod common;

#[test]
fn the_reported_flips_are_the_server_s() {
    common::run_script("replay/flips.py", "replay", &[&common::server_config()]);
}
