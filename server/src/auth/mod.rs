//! Citizen sign-in and sessions.
//!
//! Sessions are tower-sessions records in a [`SessionStore`] (SQLite by
//! default, behind [`DynStore`] so Redis or PostgreSQL can replace it). The
//! citizen's own data in a session is [`SignedIn`]; idle and absolute
//! timeouts are checked by the [`Citizen`] extractor against the window's
//! [`Clock`]. The index of a citizen's sessions ("my sessions"), the
//! one-time-code challenges and the sign-in record live in an [`AuthStore`].

pub mod device;
pub mod limit;
pub mod store;

use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::Arc;

use async_trait::async_trait;
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use hmac::{Hmac, Mac};
use serde::{Deserialize, Serialize};
use sha2::Sha256;
use tower_sessions::cookie::SameSite;
use tower_sessions::session::{Id, Record};
use tower_sessions::session_store::{self, SessionStore};
use tower_sessions::{Expiry, Session, SessionManagerLayer};

use crate::config::AuthSettings;
use crate::error::AppError;
use crate::state::AppState;

use self::limit::Limiter;
use self::store::AuthStore;

/// Session keys.
pub const CITIZEN: &str = "citizen";
pub const PENDING: &str = "pending";

/// The window's idea of now, in Unix seconds (a manual clock in tests).
pub trait Clock: Send + Sync + 'static {
    fn now(&self) -> i64;
}

pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> i64 {
        std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_secs() as i64).unwrap_or(0)
    }
}

/// A clock tests move by hand.
#[derive(Default)]
pub struct ManualClock(AtomicI64);

impl ManualClock {
    pub fn at(now: i64) -> Self {
        ManualClock(AtomicI64::new(now))
    }
    pub fn advance(&self, secs: i64) {
        self.0.fetch_add(secs, Ordering::SeqCst);
    }
}

impl Clock for ManualClock {
    fn now(&self) -> i64 {
        self.0.load(Ordering::SeqCst)
    }
}

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
    pub mobile: String,
    /// The session's handle in the index (not its id).
    pub handle: String,
    pub started_at: i64,
    pub last_seen: i64,
    /// When the index's `last_seen` was last written.
    pub indexed_at: i64,
    pub names: Names,
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
    pub clock: Arc<dyn Clock>,
    pub limiter: Arc<dyn Limiter>,
    otp_key: Vec<u8>,
}

impl Auth {
    pub fn new(
        settings: AuthSettings,
        secure_cookie: bool,
        store: Arc<dyn AuthStore>,
        sessions: DynStore,
        clock: Arc<dyn Clock>,
        otp_key: &str,
    ) -> Self {
        Auth {
            settings,
            secure_cookie,
            store,
            sessions,
            clock,
            limiter: Arc::new(limit::MemoryLimiter::default()),
            otp_key: otp_key.as_bytes().to_vec(),
        }
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
        crate::hex::encode(&self.code_mac(challenge, code).finalize().into_bytes())
    }

    /// Compares a typed code with the stored hash in constant time.
    pub fn code_matches(&self, challenge: &str, code: &str, stored_hex: &str) -> bool {
        crate::hex::decode(stored_hex).is_some_and(|stored| self.code_mac(challenge, code).verify_slice(&stored).is_ok())
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

/// Random bytes from the operating system's CSPRNG.
fn random_bytes<const N: usize>() -> [u8; N] {
    let mut b = [0u8; N];
    getrandom::getrandom(&mut b).expect("the operating system's random source");
    b
}

/// A random, unguessable identifier (128 bits, hex).
pub fn random_id() -> String {
    crate::hex::encode(&random_bytes::<16>())
}

/// A uniformly random six-digit code (rejection sampling: no modulo bias).
pub fn random_code() -> String {
    loop {
        let n = u32::from_le_bytes(random_bytes::<4>());
        // 4_294_000_000 is the largest multiple of 1_000_000 below 2^32.
        if n < 4_294_000_000 {
            return format!("{:06}", n % 1_000_000);
        }
    }
}

/// A signed-in citizen, extracted from the session. Refuses with 401 when
/// nobody is signed in or the session passed its idle or absolute timeout
/// (and then ends it); otherwise counts the request as activity.
pub struct Citizen {
    pub data: SignedIn,
    pub session: Session,
}

impl FromRequestParts<AppState> for Citizen {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, AppError> {
        let session = parts.extensions.get::<Session>().cloned().ok_or(AuthError::NotSignedIn)?;
        let auth = state.auth();
        let mut data = session.get::<SignedIn>(CITIZEN).await?.ok_or(AuthError::NotSignedIn)?;
        let now = auth.clock.now();
        let s = &auth.settings;
        let expired = if now - data.started_at >= s.absolute_timeout_s as i64 {
            Some(AuthError::AbsoluteTimeout)
        } else if now - data.last_seen >= s.idle_timeout_s as i64 {
            Some(AuthError::IdleTimeout)
        } else {
            None
        };
        if let Some(e) = expired {
            let reason = if e == AuthError::IdleTimeout { "idle" } else { "absolute" };
            auth.store.end_session(&data.handle, now, reason).await?;
            session.flush().await?;
            return Err(e.into());
        }
        data.last_seen = now;
        // "My sessions" shows last-seen to the minute: write the index at
        // most once a minute per session.
        if now - data.indexed_at >= 60 {
            auth.store.touch_session(&data.handle, now).await?;
            data.indexed_at = now;
        }
        session.insert(CITIZEN, &data).await?;
        Ok(Citizen { data, session })
    }
}

/// The client's address, for rate limits: the connection's peer, or the
/// last `X-Forwarded-For` entry when configured to trust a proxy.
pub struct ClientAddress(pub String);

impl FromRequestParts<AppState> for ClientAddress {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        if state.auth().settings.trust_forwarded {
            let forwarded = parts.headers.get_all("x-forwarded-for").iter().filter_map(|v| v.to_str().ok()).collect::<Vec<_>>().join(",");
            if let Some(last) = forwarded.rsplit(',').map(str::trim).find(|s| !s.is_empty()) {
                return Ok(ClientAddress(last.to_owned()));
            }
        }
        let peer = parts.extensions.get::<axum::extract::ConnectInfo<std::net::SocketAddr>>().map(|c| c.0.ip().to_string());
        Ok(ClientAddress(peer.unwrap_or_else(|| "unknown".to_owned())))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_six_digits_and_vary() {
        let codes: std::collections::BTreeSet<String> = (0..50).map(|_| random_code()).collect();
        assert!(codes.iter().all(|c| c.len() == 6 && c.bytes().all(|b| b.is_ascii_digit())));
        assert!(codes.len() > 45, "50 random codes gave only {} distinct", codes.len());
        assert_ne!(random_id(), random_id());
        assert_eq!(random_id().len(), 32);
    }
}
