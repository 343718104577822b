//! Phase 2: every RCP and SCP level, and the VPC endpoint policy, must allow (reference §1.2,
//! §5): a level with no allow denies implicitly.

use super::found::{missing, Found};
use super::gather::Gathered;
use crate::layer::Layer;

pub(super) fn check(g: &Gathered) -> Option<Found> {
    if let Some(level) = g.rcp_missing {
        return Some(missing(
            Layer::Rcp,
            format!(
                "no resource control policy attached at {} allows it",
                level.target
            ),
        ));
    }
    if let Some(level) = g.scp_missing {
        return Some(missing(
            Layer::Scp,
            format!(
                "no service control policy attached at {} allows it",
                level.target
            ),
        ));
    }
    if g.vpce.is_some_and(|v| v.allow.is_none()) {
        return Some(missing(
            Layer::VpcEndpoint,
            "the VPC endpoint policy does not allow it",
        ));
    }
    None
}
