//! What the evaluation found, before it becomes a [`crate::Decision`]: an allow with the
//! statement that allows, or a denial naming its layer.

use std::sync::Arc;

use std::borrow::Cow;

use super::evaluator::Hit;
use crate::layer::Layer;

pub(super) enum Found {
    Allowed {
        policy: Option<Arc<str>>,
        statement: Option<Arc<str>>,
        how: Cow<'static, str>,
    },
    Denied {
        layer: Layer,
        explicit: bool,
        policy: Option<Arc<str>>,
        statement: Option<Arc<str>>,
        why: Cow<'static, str>,
    },
}

/// An explicit deny by `hit`'s statement, or (`hit` `None`) a denial with no statement to name.
pub(super) fn denied(layer: Layer, explicit: bool, hit: Option<Hit>, why: &'static str) -> Found {
    let (policy, statement) = hit.map(|h| h.names()).unwrap_or((None, None));
    Found::Denied {
        layer,
        explicit,
        policy,
        statement,
        why: Cow::Borrowed(why),
    }
}

/// An implicit deny: `layer` has no allow where one is needed.
pub(super) fn missing(layer: Layer, why: impl Into<Cow<'static, str>>) -> Found {
    Found::Denied {
        layer,
        explicit: false,
        policy: None,
        statement: None,
        why: why.into(),
    }
}
