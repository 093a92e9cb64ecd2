//! Request ids: taken from a well-formed incoming `X-Request-Id` or made
//! anew, put on every log line of the request (a tracing span), returned in
//! the `X-Request-Id` response header, and quoted in error bodies. The edge
//! (`edge.rs`, which uses this module) sets and returns them; this module
//! decides what id is acceptable, makes new ones, and keeps the id where
//! error bodies and agency calls find it.

pub const HEADER: &str = "x-request-id";

tokio::task_local! {
    pub(crate) static REQUEST_ID: String;
}

/// The id of the request being served, if any.
pub fn current_request_id() -> Option<String> {
    REQUEST_ID.try_with(Clone::clone).ok()
}

pub(crate) fn acceptable(id: &str) -> bool {
    (1..=64).contains(&id.len()) && id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

/// A new random (version 4) UUID. Request ids need to be unique, not
/// secret: they come from `crate::rand`, not from a system call per request.
pub fn new_id() -> String {
    let mut bytes = [0u8; 16];
    bytes[..8].copy_from_slice(&crate::rand::next_u64().to_le_bytes());
    bytes[8..].copy_from_slice(&crate::rand::next_u64().to_le_bytes());
    let mut text = [0u8; uuid::fmt::Hyphenated::LENGTH];
    uuid::Builder::from_random_bytes(bytes).into_uuid().hyphenated().encode_lower(&mut text).to_owned()
}

#[cfg(test)]
mod tests {
    use super::acceptable;

    #[test]
    fn new_ids_are_distinct_v4_uuids() {
        let ids: std::collections::HashSet<String> = (0..10_000).map(|_| super::new_id()).collect();
        assert_eq!(ids.len(), 10_000);
        let id = uuid::Uuid::parse_str(ids.iter().next().unwrap()).unwrap();
        assert_eq!(id.get_version_num(), 4);
        let other_thread = std::thread::spawn(super::new_id).join().unwrap();
        assert!(!ids.contains(&other_thread));
    }

    #[test]
    fn only_short_plain_ids_are_kept() {
        assert!(acceptable("abc-123_DEF"));
        assert!(!acceptable(""));
        assert!(!acceptable("has space"));
        assert!(!acceptable("new\nline"));
        assert!(!acceptable(&"x".repeat(65)));
    }
}
