//! Every way a proxy request can fail, and the JSON body each becomes.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use progress_contract::{Provider, RouteError};
use serde_json::json;

/// A failed proxy request. Messages never contain a key: none of these variants holds one.
#[derive(Debug, thiserror::Error)]
pub enum ProxyError {
    /// The request names no route, or a route with a bad parameter.
    #[error(transparent)]
    Route(#[from] RouteError),
    /// The provider has no key configured (and the proxy is not in demo mode).
    #[error("{provider} is not configured on this proxy: set {setting}", provider = .0.name(), setting = key_setting(*.0))]
    NotConfigured(Provider),
    /// Upstream did not answer in time.
    #[error("{} did not answer in time", .0.name())]
    Timeout(Provider),
    /// Upstream could not be reached, or its answer could not be read.
    #[error("{} could not be reached", .0.name())]
    Unreachable(Provider),
    /// Upstream answered with a body that is too large to pass on.
    #[error("{} sent a response larger than {} bytes", .0.name(), crate::upstream::MAX_BODY_BYTES)]
    TooLarge(Provider),
    /// Upstream answered success with something that is not JSON.
    #[error("{} answered with a body that is not JSON", .0.name())]
    NotJson(Provider),
    /// The browser's origin is not in `ALLOWED_ORIGINS`.
    #[error("origin {0:?} is not allowed to use this proxy (see ALLOWED_ORIGINS)")]
    OriginNotAllowed(String),
    /// A method other than GET or OPTIONS.
    #[error("only GET and OPTIONS are allowed")]
    MethodNotAllowed,
    /// A path outside the proxy's routes and static files.
    #[error("not found")]
    NotFound,
}

/// The environment variable that holds a provider's key.
pub fn key_setting(provider: Provider) -> &'static str {
    match provider {
        Provider::Whalepass => "WHALEPASS_API_KEY",
        Provider::Giftoin => "GIFTOIN_API_KEY",
    }
}

impl ProxyError {
    fn status_and_code(&self) -> (StatusCode, &'static str) {
        match self {
            ProxyError::Route(err) if err.is_bad_request() => (StatusCode::BAD_REQUEST, "bad_request"),
            ProxyError::Route(_) | ProxyError::NotFound => (StatusCode::NOT_FOUND, "not_found"),
            ProxyError::NotConfigured(_) => (StatusCode::SERVICE_UNAVAILABLE, "provider_not_configured"),
            ProxyError::Timeout(_) => (StatusCode::GATEWAY_TIMEOUT, "upstream_timeout"),
            ProxyError::Unreachable(_) => (StatusCode::BAD_GATEWAY, "upstream_unreachable"),
            ProxyError::TooLarge(_) => (StatusCode::BAD_GATEWAY, "upstream_too_large"),
            ProxyError::NotJson(_) => (StatusCode::BAD_GATEWAY, "upstream_not_json"),
            ProxyError::OriginNotAllowed(_) => (StatusCode::FORBIDDEN, "origin_not_allowed"),
            ProxyError::MethodNotAllowed => (StatusCode::METHOD_NOT_ALLOWED, "method_not_allowed"),
        }
    }
}

impl IntoResponse for ProxyError {
    fn into_response(self) -> Response {
        let (status, code) = self.status_and_code();
        let mut response = (status, Json(json!({ "error": code, "message": self.to_string() }))).into_response();
        if status == StatusCode::METHOD_NOT_ALLOWED {
            response.headers_mut().insert(axum::http::header::ALLOW, "GET, OPTIONS".parse().unwrap());
        }
        response
    }
}
