//! Decode errors, and reading a human message out of either service's error body.

use std::fmt;

use serde_json::Value;

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
    pub fn unexpected(body: &str) -> Self {
        match upstream_message(body) {
            Some(message) => DecodeError(format!("unexpected answer: {message}")),
            None => DecodeError("unexpected answer".to_owned()),
        }
    }
}

impl From<serde_json::Error> for DecodeError {
    fn from(err: serde_json::Error) -> Self {
        DecodeError(err.to_string())
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
    let value: Value = serde_json::from_str(body).ok()?;
    let text = |v: &Value| match v {
        Value::String(s) if !s.trim().is_empty() => Some(s.trim().to_owned()),
        Value::Array(items) => {
            let parts: Vec<&str> = items.iter().filter_map(Value::as_str).collect();
            (!parts.is_empty()).then(|| parts.join("; "))
        }
        _ => None,
    };
    if let Some(status) = value.get("status").filter(|s| s.is_object()) {
        if let Some(message) = status.get("errorMessage").and_then(text) {
            return Some(match status.get("errorCode").filter(|c| !c.is_null()) {
                Some(code) => format!("{message} (code {})", code.to_string().trim_matches('"')),
                None => message,
            });
        }
    }
    ["message", "errorMessage", "error_description", "detail"]
        .iter()
        .find_map(|key| value.get(key).and_then(text))
        .or_else(|| match value.get("error") {
            Some(Value::Object(inner)) => inner.get("message").and_then(text),
            Some(other) => text(other),
            None => None,
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
