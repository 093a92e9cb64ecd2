//! The routes' pages, one per file.

pub mod agencies;
pub mod agency;
pub mod home;
pub mod not_found;
pub mod profile;
pub mod search;
pub mod service;
pub mod services;
pub mod sessions;
pub mod sign_in;
pub mod status;
pub mod topic;
