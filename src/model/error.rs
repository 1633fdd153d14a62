//! Decode errors, and reading a human message out of either service's error body.

use std::fmt;

use super::{Json, JsonDoc, Kind};

/// A response body that could not be decoded into the expected model.
///
/// ```
/// let err = progress_widgets::model::whalepass::PlayerProgress::from_json("{").unwrap_err();
/// assert!(err.to_string().starts_with("unexpected response from the proxy"));
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DecodeError(pub String);

impl fmt::Display for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "unexpected response from the proxy: {}", self.0)
    }
}

impl std::error::Error for DecodeError {}

impl DecodeError {
    /// A well-formed answer that says nothing the widget expects (an error message under HTTP
    /// 200, an empty object), with the message it carries, if any.
    pub fn unexpected(doc: &Json) -> Self {
        match message_in(doc) {
            Some(message) => DecodeError("unexpected answer: ".to_owned() + &message),
            None => DecodeError("unexpected answer".to_owned()),
        }
    }
}

/// Reads the human message out of an error body from Giftoin
/// (`{"status": {"errorCode": 5250, "errorMessage": "Campaign not found"}}`), Whalepass or a
/// typical JSON API (`{"message": "..."}`, `{"message": ["..."]}`, `{"error": "..."}`), or the
/// proxy itself (`{"error": "code", "message": "..."}`).
///
/// ```
/// use progress_widgets::model::upstream_message;
/// let giftoin = r#"{"status":{"errorCode":5250,"errorMessage":"Campaign not found"}}"#;
/// assert_eq!(upstream_message(giftoin).as_deref(), Some("Campaign not found (code 5250)"));
/// assert_eq!(upstream_message(r#"{"message":"Player not found"}"#).as_deref(), Some("Player not found"));
/// assert_eq!(upstream_message("<html>"), None);
/// ```
pub fn upstream_message(body: &str) -> Option<String> {
    message_in(&Json::parse(body).ok()?)
}

/// [`upstream_message`] of a parsed body.
///
/// ```
/// use progress_widgets::model::{message_in, Json, JsonDoc};
/// assert_eq!(message_in(&Json::parse(r#"{"error":"nope"}"#).unwrap()).as_deref(), Some("nope"));
/// ```
pub fn message_in(doc: &Json) -> Option<String> {
    let text = |v: Json| match v.kind() {
        Kind::String => v.text().map(|s| s.trim().to_owned()).filter(|s| !s.is_empty()),
        Kind::Array => {
            let mut parts = String::new();
            let mut first = true;
            for item in v.items() {
                if let Some(text) = item.text() {
                    crate::format::push_part(&mut parts, first, "; ", &text);
                    first = false;
                }
            }
            (!parts.is_empty()).then_some(parts)
        }
        _ => None,
    };
    if let Some(status) = doc.member("status").filter(|s| s.kind() == Kind::Object) {
        if let Some(message) = status.member("errorMessage").and_then(text) {
            return Some(match status.member("errorCode").and_then(|c| c.scalar_text()) {
                Some(code) => message + " (code " + &code + ")",
                None => message,
            });
        }
    }
    ["message", "errorMessage", "error_description", "detail"]
        .iter()
        .find_map(|key| doc.member(key).and_then(text))
        .or_else(|| {
            let error = doc.member("error")?;
            match error.kind() {
                Kind::Object => error.member("message").and_then(text),
                _ => text(error),
            }
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_are_read_from_every_known_error_shape() {
        assert_eq!(upstream_message(r#"{"message":["a","b"],"statusCode":400}"#).as_deref(), Some("a; b"));
        assert_eq!(upstream_message(r#"{"error":{"message":"nested"}}"#).as_deref(), Some("nested"));
        assert_eq!(upstream_message(r#"{"error":"not_found"}"#).as_deref(), Some("not_found"));
        assert_eq!(
            upstream_message(r#"{"error":"upstream_timeout","message":"Whalepass did not answer"}"#).as_deref(),
            Some("Whalepass did not answer")
        );
        assert_eq!(
            upstream_message(r#"{"status":{"timestamp":"1","errorCode":"1001","errorMessage":"API_KEY_INVALID"}}"#)
                .as_deref(),
            Some("API_KEY_INVALID (code 1001)")
        );
        assert_eq!(upstream_message(r#"{"status":{"errorMessage":"x"}}"#).as_deref(), Some("x"));
        assert_eq!(upstream_message(r#"{"message":""}"#), None);
        assert_eq!(upstream_message("[]"), None);
    }
}
