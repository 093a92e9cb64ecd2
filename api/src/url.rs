//! Percent-encoding of URL path and query components, one implementation
//! for the browser and the server (the `percent-encoding` crate): RFC 3986's
//! unreserved characters pass, everything else is `%XX`-encoded, so a value
//! can never add a path segment, a query or a host.

use percent_encoding::{percent_decode_str, utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};

/// Every byte but RFC 3986's unreserved characters (`A-Z a-z 0-9 - _ . ~`).
const COMPONENT: &AsciiSet = &NON_ALPHANUMERIC.remove(b'-').remove(b'_').remove(b'.').remove(b'~');

/// Percent-encodes one path segment or query value.
pub fn encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    encode_into(&mut out, s);
    out
}

/// [`encode`], appended to `out`.
pub fn encode_into(out: &mut String, s: &str) {
    out.extend(utf8_percent_encode(s, COMPONENT));
}

/// `%XX` sequences decoded as UTF-8 (invalid sequences replaced); a `%`
/// not followed by two hex digits is kept as it is.
pub fn decode(s: &str) -> String {
    percent_decode_str(s).decode_utf8_lossy().into_owned()
}

#[cfg(test)]
mod tests {
    use super::{decode, encode};

    #[test]
    fn unreserved_pass_everything_else_is_encoded() {
        assert_eq!(encode("a b&c=d"), "a%20b%26c%3Dd");
        assert_eq!(encode("tax-clearance_1.2~"), "tax-clearance_1.2~");
        assert_eq!(encode("a/b?c=d#e@f"), "a%2Fb%3Fc%3Dd%23e%40f");
        assert_eq!(encode("سند"), "%D8%B3%D9%86%D8%AF");
        let mut path = String::from("/v1/");
        super::encode_into(&mut path, "a b");
        assert_eq!(path, "/v1/a%20b");
    }

    #[test]
    fn decoding() {
        assert_eq!(decode("%D8%B3%D9%86%D8%AF.pdf"), "سند.pdf");
        assert_eq!(decode("a%2"), "a%2");
        assert_eq!(decode("%zz%"), "%zz%");
        assert_eq!(decode("plain"), "plain");
        assert_eq!(decode(&encode("نام فایل/۱.pdf")), "نام فایل/۱.pdf");
    }
}
