//! Whalepass specifics: the key header and the battle-pass selector header.

use progress_contract::ProxyRoute;
use axum::http::request::Builder;
use axum::http::HeaderValue;

use crate::config::ApiKey;

/// Whalepass's key header. The same key authorises the write endpoints, which is why only the
/// read routes of [`ProxyRoute`] are ever forwarded.
const API_KEY_HEADER: &str = "X-API-KEY";
/// Selects a specific (e.g. draft) battle pass instead of the game's active one.
const BATTLEPASS_HEADER: &str = "X-Battlepass-Id";

/// Adds Whalepass's headers to an upstream request.
pub fn authorize(request: Builder, key: &ApiKey, route: &ProxyRoute) -> Builder {
    let request = request.header(API_KEY_HEADER, crate::secret_header(key)).header("Accept", "application/json");
    match route.selected_battlepass() {
        // Contract-validated: a safe ASCII subset, so always a valid header value.
        Some(id) => request.header(BATTLEPASS_HEADER, HeaderValue::from_str(id).expect("validated segment")),
        None => request,
    }
}
