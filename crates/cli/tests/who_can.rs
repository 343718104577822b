//! `gatehouse who-can`: the principals it lists are the ones the server lets read, and those it
//! leaves out are refused (`tests/who_can/principals.py`).

mod common;

#[test]
fn the_listed_principals_are_the_server_s() {
    common::run_script(
        "who_can/principals.py",
        "who-can",
        &[&common::server_config()],
    );
}
