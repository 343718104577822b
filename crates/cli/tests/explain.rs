//! `gatehouse explain`: the real binary serves three requests (an explicit deny by a condition,
//! an implicit deny by the identity layer, an allowed read) and explains each from the audit
//! trail after a clean stop (`tests/explain/requests.py`).

mod common;

#[test]
fn explain_tells_each_layer_statement_and_condition() {
    common::run_script(
        "explain/requests.py",
        "explain",
        &[&common::server_config()],
    );
}
