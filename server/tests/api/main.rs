//! The server's integration tests: one crate, one harness
//! ([`helpers::TestApp`]).

mod auth;
mod gateway;
mod helpers;
mod hostile;
mod payments;
mod requests;
mod router;
mod scale;
mod services;
mod smart;
mod stats;
mod stores;
