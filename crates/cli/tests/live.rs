//! `gatehouse doctor --live` against a running server, with each caller's own credentials: for
//! each layer a 403 set up through the real APIs is named, and the fix applied turns it into a
//! 200; callers who cannot read a layer see it as the suspect; every walk is read-only, and
//! `--dry-run` makes no call (`tests/live/walk.py`).

mod common;

#[test]
fn each_layer_is_named_and_its_fix_turns_the_403_into_a_200() {
    common::run_script("live/walk.py", "live", &[&common::server_config()]);
}
