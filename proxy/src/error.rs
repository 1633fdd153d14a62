//! Every way a proxy request can fail, and the JSON body each becomes.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use progress_contract::{Provider, RouteError};
use serde_json::json;

use crate::auth::TokenError;

/// A failed proxy request. Messages never contain a key or a token: none of these variants holds
/// one.
#[derive(Debug, Clone, thiserror::Error)]
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
    /// Player tokens are on and this request's token is missing or invalid.
    #[error("{}", token_message(*.0))]
    Token(TokenError),
    /// A valid token, for another player than the route names.
    #[error("this player token is for another player")]
    OtherPlayer,
    /// The provider budget (`UPSTREAM_RPS_*`) is spent and no stale copy can stand in.
    #[error("{provider} is busy: this deployment's request budget for it is spent; retry in {seconds} s", provider = .0.name(), seconds = .1)]
    Busy(Provider, u64),
    /// The client is over its rate limit.
    #[error("too many requests from this client; retry in {0} s")]
    RateLimited(u64),
    /// A bug in the proxy (a task that panicked).
    #[error("internal error")]
    Internal,
}

fn token_message(error: TokenError) -> String {
    match error {
        TokenError::Missing => "a player token is required: send `Authorization: Bearer <token>`".into(),
        TokenError::Expired => "the player token has expired".into(),
        TokenError::NotYetValid => "the player token is not valid yet".into(),
        other => format!("the player token is not valid ({})", other.reason()),
    }
}

/// The environment variable that holds a provider's key.
pub fn key_setting(provider: Provider) -> &'static str {
    match provider {
        Provider::Whalepass => "WHALEPASS_API_KEY",
        Provider::Giftoin => "GIFTOIN_API_KEY",
    }
}

impl ProxyError {
    /// The short code in the error body (and in metrics).
    pub fn code(&self) -> &'static str {
        self.status_and_code().1
    }

    /// Whether this says upstream is failing or out of reach (so a stale copy is better).
    pub fn is_upstream_failure(&self) -> bool {
        matches!(self, ProxyError::Timeout(_) | ProxyError::Unreachable(_) | ProxyError::Busy(..))
    }

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
            ProxyError::Token(_) => (StatusCode::UNAUTHORIZED, "unauthorized"),
            ProxyError::OtherPlayer => (StatusCode::FORBIDDEN, "forbidden"),
            ProxyError::RateLimited(_) => (StatusCode::TOO_MANY_REQUESTS, "rate_limited"),
            ProxyError::Busy(..) => (StatusCode::SERVICE_UNAVAILABLE, "upstream_busy"),
            ProxyError::Internal => (StatusCode::INTERNAL_SERVER_ERROR, "internal"),
        }
    }
}

impl IntoResponse for ProxyError {
    fn into_response(self) -> Response {
        use axum::http::{header, HeaderValue};
        let (status, code) = self.status_and_code();
        let mut body = json!({ "error": code, "message": self.to_string() });
        if let ProxyError::Token(reason) = self {
            body["reason"] = reason.reason().into();
        }
        let mut response = (status, Json(body)).into_response();
        let headers = response.headers_mut();
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
        match self {
            ProxyError::MethodNotAllowed => {
                headers.insert(header::ALLOW, HeaderValue::from_static("GET, OPTIONS"));
            }
            ProxyError::Token(TokenError::Missing) => {
                headers.insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
            }
            ProxyError::Token(_) => {
                headers.insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer error=\"invalid_token\""));
            }
            ProxyError::RateLimited(seconds) | ProxyError::Busy(_, seconds) => {
                headers.insert(header::RETRY_AFTER, HeaderValue::from(seconds.max(1)));
            }
            _ => {}
        }
        response
    }
}
