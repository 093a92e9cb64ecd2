//! Plain functions behind the components, by job: labels of coded values,
//! what a service page says, lists and the browser's own search, texts of
//! refusals and values, signing in. Unit-tested natively; components stay
//! thin. Numbers, digits, dates and durations are `crate::fmt`'s.

mod labels;
mod lists;
mod messages;
mod offers;
mod payments;
mod service_info;
mod sign_in;

pub use labels::*;
pub use lists::*;
pub use messages::*;
pub use offers::*;
pub use payments::*;
pub use service_info::*;
pub use sign_in::*;

#[cfg(test)]
mod local_search_tests;
#[cfg(test)]
mod tests;
