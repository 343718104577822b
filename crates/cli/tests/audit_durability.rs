//! An acknowledged write's audit event is as durable as the write (issue 11): the real binary
//! is killed with SIGKILL right after answering 200 concurrent PutObjects, and every request id
//! a client was answered 2xx for is in the trail; and a clean shutdown (SIGTERM) loses no
//! event, reads included (`tests/durability/acknowledged.py`).

mod common;

#[test]
fn acknowledged_writes_keep_their_audit_events_through_sigkill() {
    common::run_script("durability/acknowledged.py", "durability", &[]);
}
