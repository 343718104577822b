//! `cargo fuzz run precheck` (from crates/server): the authentication parts the front door
//! reads itself — Authorization header, query string, header names — never panic, and a
//! refusal is always one of AWS's codes.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let mut parts = text.splitn(3, '\n');
    let auth = parts.next().unwrap_or("");
    let query = parts.next().unwrap_or("");
    let headers: Vec<&str> = parts.next().unwrap_or("").split(',').collect();
    if let Some(r) = sigv4::precheck::precheck(auth, query, headers.iter().copied()) {
        assert!(matches!(r.code, "InvalidRequest" | "AuthorizationHeaderMalformed" | "AuthorizationQueryParametersError" | "AccessDenied"));
        assert!(matches!(r.status, 400 | 403));
    }
});
