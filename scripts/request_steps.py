"""The steps of a request's path, named once for the two profiles of it:
`profile_request.py` (perf, shares of samples, mangled symbols) and `request_instructions.py`
(callgrind, instructions, demangled names). A step is one or more functions, each by enough
trailing segments of its Rust path to be unique; its cost is the sum of its functions'
inclusive costs (they are called one after the other, never one inside another)."""
import re

STEPS = [
    ("front door: prechecks and refusals", ["server::front_door::refuse"]),
    ("front door: request and event ids", ["audit::ids::unique_hex"]),
    ("s3s: query string", ["s3s::ops::extract_qs"]),
    ("s3s: SigV4 (canonical request, HMAC chain)",
     ["SignatureVerificationContext::verify_with_raw_path_fallback"]),
    ("caller lookup (access key, identity, session token)",
     ["server::caller::Resolved::of", "server::auth::check_session_token"]),
    ("object lookup (store)", ["object_with_segments"]),
    ("gather: the question and its context", ["server::authorize::prepare"]),
    ("decide (authz engine)", ["authz::engine::authorize"]),
    ("record the decision", ["server::authorize::record::record"]),
    ("audit: build the event", ["audit::record::Record::event"]),
    ("audit writer thread (serialize, append)", ["audit::writer::run"]),
]


def demangled(path):
    """A pattern for `path` among demangled names (`audit::writer::run`)."""
    return re.compile(r"(^|::)" + re.escape(path) + r"$")


def mangled(path):
    """A pattern for `path` among Rust's legacy mangled symbols (`_ZN5audit6writer3run17h…E`)."""
    return re.compile("".join(f"{len(s)}{re.escape(s)}" for s in path.split("::")) + r"17h[0-9a-f]{16}E")


def step_costs(costs, pattern_of):
    """(step, cost) for each step: `costs` maps a function's name to its inclusive cost; a
    function matched by more than one name (variants of one symbol) counts once, at its most."""
    for step, paths in STEPS:
        total = 0
        for pattern in map(pattern_of, paths):
            total += max((c for name, c in costs.items() if pattern.search(name)), default=0)
        yield step, total
