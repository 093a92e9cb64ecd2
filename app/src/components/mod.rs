//! Reusable components, one per file.

pub mod async_view;
pub mod breadcrumbs;
pub mod error_view;
pub mod filter_bar;
pub mod footer;
pub mod form_field;
pub mod header;
pub mod level_badge;
pub mod loading;
pub mod pager;
pub mod require_auth;
pub mod search_box;
pub mod service_list;
pub mod session_timeout;
