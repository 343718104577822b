//! Phase 5: a role's trust policy, and a KMS key's policy for requests on the key, must allow
//! the caller themselves, whatever else allows (reference §1.7).

use super::found::{missing, Found};
use super::gather::Gathered;
use super::grant::Grant;
use crate::layer::Layer;

pub(super) fn check(g: &Gathered, grant: &Grant) -> Option<Found> {
    if !g.resource_policy_required || !grant.resource_allows.is_empty() {
        return None;
    }
    let what = if g.resource_layer == Layer::Trust {
        "the role trust policy"
    } else {
        "the key policy"
    };
    Some(missing(
        g.resource_layer,
        format!("{what} does not allow this caller"),
    ))
}
