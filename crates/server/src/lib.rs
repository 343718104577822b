//! Gatehouse's server: the front door (hyper), S3 REST through s3s behind one adapter, every
//! request authorized by the engine and every denial explained. It knows how to ask the engine
//! and the store; it does not know how a decision is reached.

pub mod api;
pub mod auth;
pub mod authorize;
pub mod caller;
pub mod config;
pub mod front_door;
pub mod identity;
pub mod principal_binding;
pub mod serve;
pub mod state;
pub mod tls;
pub mod unread;
pub mod verify;
