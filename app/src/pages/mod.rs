//! The routes' pages, one per file.

pub mod agencies;
pub mod agency;
pub mod home;
pub mod not_found;
pub mod search;
pub mod service;
pub mod services;
pub mod status;
pub mod topic;
