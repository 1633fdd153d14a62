//! Whalepass specifics: the key header and the battle-pass selector header.

use progress_contract::ProxyRoute;
use axum::http::{header, HeaderMap, HeaderName, HeaderValue};

/// Whalepass's key header. The same key authorises the write endpoints, which is why only the
/// read routes of [`ProxyRoute`] are ever forwarded.
const API_KEY_HEADER: HeaderName = HeaderName::from_static("x-api-key");
/// Selects a specific (e.g. draft) battle pass instead of the game's active one.
const BATTLEPASS_HEADER: HeaderName = HeaderName::from_static("x-battlepass-id");

/// Adds Whalepass's headers to an upstream request: `key` is the API key's (sensitive) value.
pub fn authorize(headers: &mut HeaderMap, key: &HeaderValue, route: &ProxyRoute) {
    headers.insert(API_KEY_HEADER, key.clone());
    headers.insert(header::ACCEPT, HeaderValue::from_static("application/json"));
    if let Some(id) = route.selected_battlepass() {
        // Contract-validated: a safe ASCII subset, so always a valid header value.
        headers.insert(BATTLEPASS_HEADER, HeaderValue::from_str(id).expect("validated segment"));
    }
}
