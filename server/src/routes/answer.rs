//! An agency's answer as the window passes it on: what was asked, by whom
//! it was answered and when, and the agency's answer as it sent it (checked
//! by the gateway to be one JSON value, never parsed into a tree and
//! written out again).

use axum::http::header::CONTENT_TYPE;
use axum::http::HeaderValue;
use axum::response::{IntoResponse, Response};
use serde::ser::{Serialize, SerializeStruct, Serializer};
use serde_json::value::RawValue;

/// [`panjere_api::LookupAnswer`] (asked by operation) and
/// [`panjere_api::requests::InquiryAnswer`] (asked by service) as written:
/// the same fields, borrowed.
pub struct Passed<'a> {
    pub asked: Asked<'a>,
    pub agency: &'a str,
    /// The agency's name as JSON ([`crate::catalog::Catalog::agency_name_json`]).
    pub agency_name: &'a RawValue,
    /// RFC 3339.
    pub answered_at: String,
    pub result: &'a RawValue,
}

/// What the citizen asked for: a public operation, or a service's inquiry.
pub enum Asked<'a> {
    Operation(&'a str),
    Service(&'a str),
}

impl IntoResponse for Passed<'_> {
    /// The answer as JSON, written once into a buffer of its size (the
    /// agency's answer is most of it).
    fn into_response(self) -> Response {
        let mut body = Vec::with_capacity(self.result.get().len() + self.agency_name.get().len() + 160);
        serde_json::to_writer(&mut body, &self).expect("strings and checked JSON values always serialize into memory");
        ([(CONTENT_TYPE, HeaderValue::from_static("application/json"))], body).into_response()
    }
}

impl Serialize for Passed<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut s = serializer.serialize_struct("Answer", 5)?;
        match self.asked {
            Asked::Operation(id) => s.serialize_field("operation", id)?,
            Asked::Service(id) => s.serialize_field("service", id)?,
        }
        s.serialize_field("agency", self.agency)?;
        s.serialize_field("agency_name", self.agency_name)?;
        s.serialize_field("answered_at", &self.answered_at)?;
        s.serialize_field("result", self.result)?;
        s.end()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use panjere_api::requests::InquiryAnswer;
    use panjere_api::{LookupAnswer, Text};

    /// The answer's body as the route sends it.
    async fn written(asked: Asked<'_>) -> String {
        let name = serde_json::value::to_raw_value(&Text { fa: "اداره پست".into(), en: "Post".into() }).unwrap();
        let raw = RawValue::from_string(r#"{"province":"تهران","n":[1,2]}"#.to_owned()).unwrap();
        let res =
            Passed { asked, agency: "post", agency_name: &name, answered_at: "2026-12-06T10:00:00Z".into(), result: &raw }.into_response();
        assert_eq!(res.status(), axum::http::StatusCode::OK);
        assert_eq!(res.headers()[CONTENT_TYPE], "application/json");
        String::from_utf8(axum::body::to_bytes(res.into_body(), usize::MAX).await.unwrap().to_vec()).unwrap()
    }

    /// What is written is the documented answer, field for field, and the
    /// agency's answer is passed on byte for byte.
    #[tokio::test]
    async fn the_written_answers_are_the_documented_ones() {
        let name = Text { fa: "اداره پست".into(), en: "Post".into() };
        let result = serde_json::json!({"province": "تهران", "n": [1, 2]});
        let inquiry = written(Asked::Service("postal-code-address")).await;
        let read: InquiryAnswer = serde_json::from_str(&inquiry).unwrap();
        let expected = InquiryAnswer {
            service: "postal-code-address".into(),
            agency: "post".into(),
            agency_name: name.clone(),
            answered_at: "2026-12-06T10:00:00Z".into(),
            result: result.clone(),
        };
        assert_eq!(serde_json::to_value(read).unwrap(), serde_json::to_value(expected).unwrap());
        let lookup = written(Asked::Operation("post.address")).await;
        let read: LookupAnswer = serde_json::from_str(&lookup).unwrap();
        let expected = LookupAnswer {
            operation: "post.address".into(),
            agency: "post".into(),
            agency_name: name,
            answered_at: "2026-12-06T10:00:00Z".into(),
            result,
        };
        assert_eq!(serde_json::to_value(read).unwrap(), serde_json::to_value(expected).unwrap());
        assert!(lookup.starts_with(r#"{"operation":"post.address","#), "{lookup}");
        assert!(inquiry.ends_with(r#""result":{"province":"تهران","n":[1,2]}}"#), "{inquiry}");
    }
}
