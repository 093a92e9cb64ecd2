//! A citizen's page on a direct visit: who the visitor is, checked as the
//! API checks a session, and what their page shows first, read as the API
//! answers the app (`web::PageData`), so the painted page is the one the
//! app renders.

use std::sync::Arc;

use panjere_api::pages::Paint;
use tower_sessions::Session;

use crate::auth::{AuthError, CheckError};
use crate::error::AppError;
use crate::routes::extract::Citizen;
use crate::state::AppState;
use crate::web::{CitizenPage, CitizenPages, PageData, Visitor};

/// Checks a citizen page's visitor and reads what the page shows them by
/// its paint kind (and, for one record's page, the id its path ends with).
pub fn citizen_pages(state: AppState) -> CitizenPages {
    Arc::new(move |session: Session, paint, path| {
        let state = state.clone();
        Box::pin(async move {
            let data = match state.auth().check(&session, state.clock().now()).await {
                Ok(data) => data,
                Err(e) => return signed_out(e),
            };
            let citizen = Citizen::new(&state, data, session);
            let id = path.trim_end_matches('/').rsplit('/').next().unwrap_or_default().to_owned();
            let p = citizen.pseudonym();
            let read = match paint {
                Paint::Payments => {
                    super::payments::of_citizen(&state, p).await.map(|items| PageData::Payments(panjere_api::payments::Payments { items }))
                }
                Paint::Inbox => super::requests::inbox_of(&state, p).await.map(PageData::Inbox),
                Paint::Request => super::requests::detail_of(&state, p, &id).await.map(|r| PageData::Request(Box::new(r))),
                Paint::Payment => super::payments::one_of(&state, p, &id).await.map(|p| PageData::Payment(Box::new(p))),
                Paint::Profile => super::me::profile_of(&state, &citizen).await.map(|p| PageData::Profile(Box::new(p))),
                Paint::Offer => super::offers::seen_by(&state, &citizen, &id).await.map(|o| PageData::Offer(Box::new(o))),
                Paint::Draft => super::drafts::draft_of(&state, &citizen, &id).await.map(|d| PageData::Draft(Box::new(d))),
                _ => Ok(PageData::None),
            };
            let data = read.unwrap_or_else(|e| {
                // Not theirs, or none: the app says so.
                if !matches!(e, AppError::NotFound { .. }) {
                    tracing::warn!(error = %e, ?paint, "a citizen's records could not be read to paint their page");
                }
                PageData::None
            });
            // Who they are, for the header and the app.
            let me = super::me::me_of(&state, &citizen.data, state.clock().now());
            Visitor::Citizen(Box::new(CitizenPage { me, data }))
        })
    })
}

/// Who a session the check refused is: sent to sign in (told why when it
/// ended for being idle); not known when the store did not answer.
fn signed_out(e: CheckError) -> Visitor {
    match e {
        CheckError::Auth(AuthError::IdleTimeout) => Visitor::SignedOut { reason: Some("idle") },
        CheckError::Auth(_) => Visitor::SignedOut { reason: None },
        CheckError::Session(_) | CheckError::Database(_) => Visitor::Unknown,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A session the check refuses sends its visitor to sign in (saying so
    /// when it ended for being idle); a store that did not answer tells
    /// nothing.
    #[test]
    fn the_check_says_who_visits() {
        assert_eq!(signed_out(AuthError::IdleTimeout.into()), Visitor::SignedOut { reason: Some("idle") });
        assert_eq!(signed_out(AuthError::AbsoluteTimeout.into()), Visitor::SignedOut { reason: None });
        assert_eq!(signed_out(AuthError::NotSignedIn.into()), Visitor::SignedOut { reason: None });
        assert_eq!(signed_out(sqlx::Error::PoolTimedOut.into()), Visitor::Unknown);
    }
}
