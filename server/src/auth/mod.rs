//! Citizen sign-in and sessions.
//!
//! Sessions are tower-sessions records in a [`SessionStore`] (SQLite by
//! default, behind [`DynStore`] so Redis or PostgreSQL can replace it). The
//! citizen's own data in a session is [`SignedIn`]; idle and absolute
//! timeouts are checked by [`Auth::check`] (the HTTP layer's `Citizen`
//! extractor) against the window's clock. The index of a citizen's sessions
//! ("my sessions"), the one-time-code challenges and the sign-in record live
//! in an [`AuthStore`].

pub mod device;
pub mod limit;
pub mod store;

use std::sync::Arc;

use async_trait::async_trait;
use hmac::{Hmac, Mac};
use serde::{Deserialize, Serialize};
use sha2::Sha256;
use tower_sessions::cookie::SameSite;
use tower_sessions::session::{Id, Record};
use tower_sessions::session_store::{self, SessionStore};
use tower_sessions::{Expiry, Session, SessionManagerLayer};

use crate::config::{AuthSettings, Secret};

use self::limit::Limiter;
use self::store::AuthStore;

/// Session keys.
const CITIZEN: &str = "citizen";
pub const PENDING: &str = "pending";

/// Any session store, so the layer's type does not name the backend.
#[derive(Clone, Debug)]
pub struct DynStore(pub Arc<dyn SessionStore>);

#[async_trait]
impl SessionStore for DynStore {
    async fn create(&self, record: &mut Record) -> session_store::Result<()> {
        self.0.create(record).await
    }
    async fn save(&self, record: &Record) -> session_store::Result<()> {
        self.0.save(record).await
    }
    async fn load(&self, id: &Id) -> session_store::Result<Option<Record>> {
        self.0.load(id).await
    }
    async fn delete(&self, id: &Id) -> session_store::Result<()> {
        self.0.delete(id).await
    }
}

/// The signed-in citizen, as kept in their session.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SignedIn {
    pub national_code: String,
    /// The citizen's pseudonym (`Gateway::pseudonym`), made at sign-in:
    /// every signed-in request names them by it, and a keyed SHA-256 per
    /// request was 6% of a signed-in inquiry's instructions. Empty in a
    /// session from before it was kept, for which it is made per request.
    #[serde(default)]
    pub pseudonym: String,
    pub mobile: String,
    /// The session's handle in the index (not its id).
    pub handle: String,
    pub started_at: i64,
    pub last_seen: i64,
    /// When the index's `last_seen` was last written.
    pub indexed_at: i64,
    pub names: Names,
}

impl SignedIn {
    /// The session's signed-in citizen, if any: the derived `Deserialize`
    /// reads the array [`Kept`] writes, and the object written before it.
    pub async fn of(session: &Session) -> Result<Option<SignedIn>, tower_sessions::session::Error> {
        session.get::<SignedIn>(CITIZEN).await
    }

    /// Keeps this citizen in the session (see [`Kept`]).
    pub async fn keep(&self, session: &Session) -> Result<(), tower_sessions::session::Error> {
        session.insert(CITIZEN, Kept(self)).await
    }
}

/// How a session keeps its citizen: the [`SignedIn`]'s fields as one JSON
/// array, in their declared order, not as an object of 13 named values. A
/// signed-in request copies the session's record twice (the cached record,
/// then `Session::get`'s value), and an object's copy was a map node and a
/// key string per field: reading the citizen went from 9,700 instructions
/// to 6,200 (`bench/gateway/profile.sh inquiry`). JSON text would copy in
/// one allocation but cost more to parse than both copies. The derived
/// `Deserialize` reads the array in the same order and still reads a
/// session written before, with the object; a field added later goes last,
/// with `#[serde(default)]`, so that a live session's shorter array reads.
struct Kept<'a>(&'a SignedIn);

impl Serialize for Kept<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let SignedIn { national_code, pseudonym, mobile, handle, started_at, last_seen, indexed_at, names } = self.0;
        let Names { first_name, last_name, first_name_en, last_name_en } = names;
        let names = (first_name, last_name, first_name_en, last_name_en);
        (national_code, pseudonym, mobile, handle, started_at, last_seen, indexed_at, names).serialize(s)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct Names {
    pub first_name: String,
    pub last_name: String,
    pub first_name_en: String,
    pub last_name_en: String,
}

/// A sign-in waiting for its one-time code.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Pending {
    pub national_code: String,
    pub mobile: String,
    pub challenge: String,
    pub names: Names,
}

/// Why sign-in or a session refused a request. Each has its own code the
/// app shows in Persian and English.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AuthError {
    #[error("national code: {0:?}")]
    NationalCode(panjere_api::ids::NationalCodeError),
    #[error("mobile: {0:?}")]
    Mobile(panjere_api::ids::MobileError),
    #[error("the code must be 6 digits")]
    CodeFormat,
    #[error("this mobile number is not registered to this national code")]
    MobileNotOwned,
    #[error("the civil registry has no person with this national code")]
    PersonUnknown,
    #[error("the civil registry records this person as deceased")]
    PersonDeceased,
    #[error("only people aged 18 or over can sign in")]
    PersonMinor,
    #[error("no sign-in is waiting for a code in this browser; start again")]
    NoPendingSignIn,
    #[error("the code has expired; ask for a new one")]
    CodeExpired,
    #[error("the code is wrong")]
    CodeWrong { attempts_left: u32 },
    #[error("too many wrong codes; wait before asking for a new one")]
    CodeLocked { retry_after_s: u64 },
    #[error("a new code can be sent shortly")]
    ResendTooSoon { retry_after_s: u64 },
    #[error("too many sign-in attempts; wait a while")]
    RateLimited { retry_after_s: u64 },
    #[error("sign in to continue")]
    NotSignedIn,
    #[error("the session ended after a period of inactivity; sign in again")]
    IdleTimeout,
    #[error("the session reached its maximum length; sign in again")]
    AbsoluteTimeout,
    #[error("paying this much needs a fresh one-time code: ask for one (POST /api/me/reauth/code) and confirm it")]
    ReauthRequired,
}

impl AuthError {
    /// (HTTP status, stable code, field at fault).
    pub fn parts(&self) -> (u16, &'static str, Option<&'static str>) {
        use panjere_api::auth::{mobile_error_code, national_code_error_code};
        match self {
            AuthError::NationalCode(e) => (400, national_code_error_code(*e), Some("national_code")),
            AuthError::Mobile(e) => (400, mobile_error_code(*e), Some("mobile")),
            AuthError::CodeFormat => (400, "code_format", Some("code")),
            AuthError::MobileNotOwned => (422, "mobile_not_owned", Some("mobile")),
            AuthError::PersonUnknown => (422, "person_unknown", Some("national_code")),
            AuthError::PersonDeceased => (422, "person_deceased", Some("national_code")),
            AuthError::PersonMinor => (422, "person_minor", Some("national_code")),
            AuthError::NoPendingSignIn => (409, "no_pending_sign_in", None),
            AuthError::CodeExpired => (400, "code_expired", Some("code")),
            AuthError::CodeWrong { .. } => (400, "code_wrong", Some("code")),
            AuthError::CodeLocked { .. } => (429, "code_locked", None),
            AuthError::ResendTooSoon { .. } => (429, "resend_too_soon", None),
            AuthError::RateLimited { .. } => (429, "rate_limited", None),
            AuthError::NotSignedIn => (401, "not_signed_in", None),
            AuthError::IdleTimeout => (401, "session_idle_timeout", None),
            AuthError::AbsoluteTimeout => (401, "session_absolute_timeout", None),
            AuthError::ReauthRequired => (403, "reauth_required", None),
        }
    }

    pub fn retry_after_s(&self) -> Option<u64> {
        match self {
            AuthError::CodeLocked { retry_after_s }
            | AuthError::ResendTooSoon { retry_after_s }
            | AuthError::RateLimited { retry_after_s } => Some(*retry_after_s),
            _ => None,
        }
    }

    pub fn attempts_left(&self) -> Option<u32> {
        match self {
            AuthError::CodeWrong { attempts_left } => Some(*attempts_left),
            _ => None,
        }
    }
}

pub struct Auth {
    pub settings: AuthSettings,
    pub secure_cookie: bool,
    pub store: Arc<dyn AuthStore>,
    pub sessions: DynStore,
    pub limiter: Arc<dyn Limiter>,
    otp_key: Vec<u8>,
}

impl Auth {
    pub fn new(
        settings: AuthSettings,
        secure_cookie: bool,
        store: Arc<dyn AuthStore>,
        sessions: DynStore,
        limiter: Arc<dyn Limiter>,
        otp_key: &Secret,
    ) -> Self {
        Auth { settings, secure_cookie, store, sessions, limiter, otp_key: otp_key.expose().as_bytes().to_vec() }
    }

    /// The session cookie's name: `__Host-` prefixed when it is `Secure`
    /// (the browser then also insists on `Path=/` and no `Domain`).
    pub fn cookie_name(&self) -> &'static str {
        if self.secure_cookie {
            "__Host-panjere"
        } else {
            "panjere"
        }
    }

    /// The tower-sessions layer: HttpOnly, SameSite=Strict, Secure over
    /// HTTPS, expiring after the idle timeout without a write.
    pub fn layer(&self) -> SessionManagerLayer<DynStore> {
        SessionManagerLayer::new(self.sessions.clone())
            .with_name(self.cookie_name())
            .with_http_only(true)
            .with_same_site(SameSite::Strict)
            .with_secure(self.secure_cookie)
            .with_path("/")
            .with_expiry(Expiry::OnInactivity(tower_sessions::cookie::time::Duration::seconds(self.settings.idle_timeout_s as i64)))
    }

    /// The stored form of a code: HMAC-SHA256 under the window's key, bound
    /// to its challenge.
    pub fn code_hash(&self, challenge: &str, code: &str) -> String {
        hex::encode(self.code_mac(challenge, code).finalize().into_bytes())
    }

    /// Compares a typed code with the stored hash in constant time.
    pub fn code_matches(&self, challenge: &str, code: &str, stored_hex: &str) -> bool {
        hex::decode(stored_hex).is_ok_and(|stored| self.code_mac(challenge, code).verify_slice(&stored).is_ok())
    }

    fn code_mac(&self, challenge: &str, code: &str) -> Hmac<Sha256> {
        let mut mac = Hmac::<Sha256>::new_from_slice(&self.otp_key).expect("any key length");
        mac.update(challenge.as_bytes());
        mac.update(b":");
        mac.update(code.as_bytes());
        mac
    }

    /// The session clock the app counts down from.
    pub fn clock_for(&self, s: &SignedIn, now: i64) -> panjere_api::auth::SessionClock {
        let idle = self.settings.idle_timeout_s;
        let absolute_left = (s.started_at + self.settings.absolute_timeout_s as i64 - now).max(0) as u64;
        panjere_api::auth::SessionClock {
            idle_timeout_s: idle,
            idle_remaining_s: (s.last_seen + idle as i64 - now).max(0) as u64,
            absolute_remaining_s: absolute_left,
            warn_before_s: self.settings.warn_before_s,
        }
    }
}

/// The session's citizen, checked against the idle and absolute timeouts
/// at `now` (the expired session is ended); otherwise the request counts as
/// activity. `Err(NotSignedIn)` when nobody is signed in.
impl Auth {
    pub async fn check(&self, session: &Session, now: i64) -> Result<SignedIn, CheckError> {
        let mut data = SignedIn::of(session).await?.ok_or(AuthError::NotSignedIn)?;
        let s = &self.settings;
        let expired = if now - data.started_at >= s.absolute_timeout_s as i64 {
            Some(AuthError::AbsoluteTimeout)
        } else if now - data.last_seen >= s.idle_timeout_s as i64 {
            Some(AuthError::IdleTimeout)
        } else {
            None
        };
        if let Some(e) = expired {
            let reason = if e == AuthError::IdleTimeout { "idle" } else { "absolute" };
            self.store.end_session(&data.handle, now, reason).await?;
            session.flush().await?;
            return Err(e.into());
        }
        // Ended elsewhere (signed out on this or another device, while this
        // request's session was being read): a session record written back
        // by a request that raced the sign-out is never signed in.
        if self.store.session_ended(&data.handle).await? {
            session.flush().await?;
            return Err(AuthError::NotSignedIn.into());
        }
        if data.last_seen == now {
            // Nothing to write: requests of the same second do not save the
            // session again (which also keeps one in flight during a
            // sign-out from writing the session back).
            return Ok(data);
        }
        data.last_seen = now;
        // "My sessions" shows last-seen to the minute: write the index at
        // most once a minute per session.
        if now - data.indexed_at >= 60 {
            self.store.touch_session(&data.handle, now).await?;
            data.indexed_at = now;
        }
        data.keep(session).await?;
        Ok(data)
    }
}

/// Why [`Auth::check`] refused: the citizen's case, or a store failing.
#[derive(Debug, thiserror::Error)]
pub enum CheckError {
    #[error(transparent)]
    Auth(#[from] AuthError),
    #[error("session store: {0}")]
    Session(#[from] tower_sessions::session::Error),
    #[error("database: {0}")]
    Database(#[from] sqlx::Error),
}

#[cfg(test)]
mod tests {
    use super::*;

    fn citizen() -> SignedIn {
        SignedIn {
            national_code: "0076229645".into(),
            pseudonym: "p".repeat(64),
            mobile: "09121111111".into(),
            handle: "h1".into(),
            started_at: 1_700_000_000,
            last_seen: 1_700_000_060,
            indexed_at: 1_700_000_030,
            names: Names {
                first_name: "سارا".into(),
                last_name: "احمدی".into(),
                first_name_en: "Sara".into(),
                last_name_en: "Ahmadi".into(),
            },
        }
    }

    /// The session keeps its citizen as one array, reads it back whole
    /// (through the store too), and still reads a session written with the
    /// object form; anything else in its place is an error, not a citizen.
    #[tokio::test]
    async fn a_session_keeps_its_citizen_as_one_array() {
        let store = Arc::new(tower_sessions_moka_store::MokaStore::new(Some(10)));
        let session = Session::new(None, store.clone(), None);
        assert_eq!(SignedIn::of(&session).await.unwrap(), None);
        let data = citizen();
        data.keep(&session).await.unwrap();
        let kept = session.get_value(CITIZEN).await.unwrap().unwrap();
        assert!(kept.is_array(), "{kept}");
        assert_eq!(SignedIn::of(&session).await.unwrap(), Some(data.clone()));

        session.save().await.unwrap();
        let again = Session::new(session.id(), store, None);
        assert_eq!(SignedIn::of(&again).await.unwrap(), Some(data.clone()));

        let old = Session::new(None, Arc::new(tower_sessions_moka_store::MokaStore::new(Some(10))), None);
        old.insert(CITIZEN, &data).await.unwrap();
        assert!(old.get_value(CITIZEN).await.unwrap().unwrap().is_object());
        assert_eq!(SignedIn::of(&old).await.unwrap(), Some(data));

        old.insert(CITIZEN, ["0076229645"]).await.unwrap();
        assert!(SignedIn::of(&old).await.is_err());
        old.insert(CITIZEN, 7).await.unwrap();
        assert!(SignedIn::of(&old).await.is_err());
    }
}
