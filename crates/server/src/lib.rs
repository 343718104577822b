//! Gatehouse's server: the front door (hyper), every API behind it, every request authorized
//! by the engine and every denial explained. It knows how to ask the engine and the store; it
//! does not know how a decision is reached.
//!
//! Public: what the binary and the tests use (`serve`, `config`, `front_door`, `api`,
//! `diagnose` for `gatehouse doctor`); the rest
//! is the crate's own. The request path (DESIGN.md), module by module (their imports form no
//! cycle: `scripts/module-cycles.py` checks):
//! 1. [`front_door`]: accept, request ids, the prechecks (`sigv4::precheck`), routing to an
//!    API, error bodies with AWS's ids, the audit [`audit::Record`] of every request.
//! 2. [`api`]: `s3` (s3s's adapter, one file per area, bucket lookup and region redirect),
//!    `s3control`, the Query protocol's `query` endpoint for `iam` and `sts`, and the JSON
//!    protocol's `json` endpoint for `organizations` and `kms` (both verified by
//!    `api::signed`); SSE in `api::s3::sse`.
//! 3. `auth` and `caller`: the access key s3s asks for, session tokens, the caller with the
//!    connection's facts; `identity` resolves a key to its principal and policies, and
//!    (`identity::binding`) keeps policies bound to the entities they named.
//! 4. `authorize`: an operation's question, the request's context keys and S3's facts, the
//!    perimeter (SCPs, RCPs, the VPC endpoint's policy), KMS's key rule (`authorize::key`),
//!    decided by the engine and recorded; `verify` re-decides it uncached in verification
//!    mode.
//! 5. `state`: what every request shares (store, config, caches, audit log); [`config`];
//!    `organization`, the organizations and the view of them that adds SCPs, RCPs and the
//!    `aws:*Org*` keys to every decision; `kms`, keys, aliases, grants and their cryptography;
//!    `vpc_endpoint`, the configured endpoints.
//!
//! [`serve`] builds it all and starts the front door; `tls` and `unread` serve the
//! connection.

pub mod api;
mod auth;
mod authorize;
mod aws_lc_md5;
mod caller;
pub mod config;
pub mod diagnose;
mod error_body;
pub mod front_door;
mod identity;
pub mod import;
mod kms;
mod organization;
pub mod serve;
mod state;
mod tls;
mod unread;
mod verify;
mod vpc_endpoint;
