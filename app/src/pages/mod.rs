//! The routes' pages, one per file.

pub mod agencies;
pub mod agency;
pub mod dashboard;
pub mod data_use;
pub mod draft;
pub mod home;
pub mod inbox;
pub mod not_found;
pub mod offer;
pub mod pay_bill;
pub mod payment;
pub mod payments;
pub mod profile;
pub mod request;
pub mod requests;
pub mod search;
pub mod service;
pub mod services;
pub mod sessions;
pub mod sign_in;
pub mod status;
pub mod topic;
pub mod track;
pub mod use_service;
