//! Giftoin specifics: the key header (with its underscore) and the JSON `Accept` its conventions
//! page asks for.

use bytes::Bytes;
use axum::http::{header, HeaderMap, HeaderName, HeaderValue};
use serde_json::Value;

/// Giftoin's documented key header. The underscore is legal in HTTP header names, and hyper
/// sends it as is (the fake upstream in the tests checks exactly this spelling).
const API_KEY_HEADER: HeaderName = HeaderName::from_static("x-gft_api_key");

/// Adds Giftoin's headers to an upstream request: `key` is the API key's (sensitive) value.
pub fn authorize(headers: &mut HeaderMap, key: &HeaderValue) {
    headers.insert(API_KEY_HEADER, key.clone());
    headers.insert(header::ACCEPT, HeaderValue::from_static("application/json"));
}

/// Withholds every reward's `value` (a claim code, a link) from a collection-progress body:
/// `value` becomes `null` and `valueWithheld: true` tells the widget why. Used when no player
/// token proves whose progress this is, since platform ids (Discord's) are public.
///
/// ```text
/// {"reward": {"value": "ICE-777"}}  →  {"reward": {"value": null, "valueWithheld": true}}
/// ```
pub fn withhold_reward_values(body: Bytes) -> Bytes {
    let Ok(mut value) = serde_json::from_slice::<Value>(&body) else { return body };
    // Both documented shapes: the bare result, or the result under `data`.
    let result = match value.get_mut("data") {
        Some(data) => data,
        None => &mut value,
    };
    let programs: Vec<&mut Value> = match result {
        Value::Array(programs) => programs.iter_mut().collect(),
        program => vec![program],
    };
    let mut withheld = false;
    for reward in programs.into_iter().filter_map(|p| p.get_mut("reward")).filter_map(Value::as_object_mut) {
        if reward.get("value").is_some_and(|v| !v.is_null()) {
            reward.insert("value".into(), Value::Null);
            reward.insert("valueWithheld".into(), Value::Bool(true));
            withheld = true;
        }
    }
    match withheld {
        true => Bytes::from(serde_json::to_vec(&value).expect("a Value serialises")),
        false => body,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reward_values_are_withheld_in_both_shapes() {
        for body in [
            r#"[{"reward":{"value":"ICE-777"}},{"reward":null},{}]"#,
            r#"{"data":[{"reward":{"value":"ICE-777"}}],"status":{}}"#,
            r#"{"id":"p","reward":{"value":"ICE-777","viewType":"QR"}}"#,
        ] {
            let out = withhold_reward_values(Bytes::from(body));
            let text = std::str::from_utf8(&out).unwrap();
            assert!(!text.contains("ICE-777"), "{text}");
            assert!(text.contains(r#""valueWithheld":true"#), "{text}");
        }
        let untouched = Bytes::from_static(br#"[{"reward":{"name":"x"}}]"#);
        assert_eq!(withhold_reward_values(untouched.clone()), untouched);
    }
}
