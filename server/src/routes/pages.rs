//! What a citizen's page shows of their records, read for the server to
//! paint it on a direct visit (`web::PageData`): the same reads as the API
//! answers the app with, so the painted page is the one the app renders.

use std::sync::Arc;

use panjere_api::pages::Paint;

use crate::state::AppState;
use crate::web::{CitizenPages, PageData};

/// Reads a signed-in citizen's page's records by its paint kind.
pub fn citizen_pages(state: AppState) -> CitizenPages {
    Arc::new(move |pseudonym, paint| {
        let state = state.clone();
        Box::pin(async move {
            match paint {
                Paint::Payments => match super::payments::of_citizen(&state, &pseudonym).await {
                    Ok(items) => Some(PageData::Payments(items)),
                    Err(e) => {
                        tracing::warn!(error = %e, "a citizen's payments could not be read to paint their page");
                        None
                    }
                },
                Paint::Inbox => match super::requests::inbox_of(&state, &pseudonym).await {
                    Ok(inbox) => Some(PageData::Inbox(inbox)),
                    Err(e) => {
                        tracing::warn!(error = %e, "a citizen's inbox could not be read to paint their page");
                        None
                    }
                },
                _ => Some(PageData::None),
            }
        })
    })
}
