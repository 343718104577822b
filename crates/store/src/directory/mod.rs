//! The IAM directory: users, roles and groups, their inline and attached policies, permissions
//! boundaries, group membership, tags, customer and AWS managed policies with their versions, and
//! the sessions STS grants. The store keeps documents as text by digest and never reads them:
//! what a policy means is the engine's business.
//!
//! Every write bumps [`Store::generation`], so a cache of anything derived from the directory (a
//! caller's compiled policies) knows when to drop it (the rule is in `cache.rs`).

mod documents;
mod entities;
mod identity;
mod imported;
mod keys;
mod managed;
mod policies;
mod sessions;
mod tags;

pub use entities::{Entity, EntityKind, EntityUpdate, NewEntity};
pub use identity::{IdentityDocument, IdentityInputs};
pub use keys::{KeyInfo, MAX_KEYS_PER_USER};
pub use managed::{ManagedPolicy, PolicyVersion, MAX_POLICY_VERSIONS};
pub use sessions::{NewSession, Session, SessionTag};

pub use tags::MAX_TAGS;
