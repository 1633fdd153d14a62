//! Giftoin specifics: the key header (with its underscore) and the JSON `Accept` its conventions
//! page asks for.

use reqwest::RequestBuilder;

use crate::config::ApiKey;

/// Giftoin's documented key header. The underscore is legal in HTTP header names, and hyper
/// sends it as is (the fake upstream in the tests checks exactly this spelling).
const API_KEY_HEADER: &str = "x-gft_api_key";

/// Adds Giftoin's headers to an upstream request.
pub fn authorize(request: RequestBuilder, key: &ApiKey) -> RequestBuilder {
    request.header(API_KEY_HEADER, crate::secret_header(key)).header("Accept", "application/json")
}
