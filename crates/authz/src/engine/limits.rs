//! Phase 4: a permissions boundary and session policies limit what the grant did not exempt
//! (reference §1.3): each must allow too.

use policy::PrincipalType;

use super::found::{missing, Found};
use super::gather::Gathered;
use super::grant::Grant;
use crate::layer::Layer;
use crate::principal::is_session;

pub(super) fn check(g: &Gathered, grant: &Grant) -> Option<Found> {
    if grant.unlimited {
        return None;
    }
    if let Some(b) = g.boundary {
        if b.allow.is_none() {
            return Some(missing(
                Layer::PermissionsBoundary,
                "the permissions boundary does not allow it",
            ));
        }
    }
    let p = g.principal;
    if is_session(p) {
        let no_session_allow = if g.policies.session.is_empty() {
            // A federated-user session without a session policy has no permissions
            // [STS GetFederationToken]; a role session without one is not limited.
            p.kind == PrincipalType::FederatedUser
        } else {
            // Inline `Policy` and `PolicyArns` together are the session's policies: an allow
            // in any of them is an allow of the session policy.
            g.session.allow.is_none()
        };
        if no_session_allow {
            return Some(missing(Layer::Session, "no session policy allows it"));
        }
    }
    None
}
