//! Reusable components, one per file.

pub mod agency_stats_table;
pub mod async_view;
pub mod breadcrumbs;
pub mod citizen_page;
pub mod claims;
pub mod error_view;
pub mod filter_bar;
pub mod footer;
pub mod form_field;
pub mod header;
pub mod headline_figures;
pub mod install_prompt;
pub mod later;
pub mod lazy_page;
pub mod level_badge;
pub mod loading;
pub mod offline_banner;
pub mod page_load_failed;
pub mod pager;
pub mod reply_form;
pub mod search_box;
pub mod service_list;
pub mod session_timeout;
pub mod stage_chart;
pub mod target_progress;
pub mod update_prompt;
