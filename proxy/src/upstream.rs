//! Forwarding a matched route to its upstream and turning the answer into a browser response.
//!
//! The browser's request is never copied: each upstream request is built from the route alone,
//! so cookies, `Authorization` and any other browser header cannot reach upstream. Only the
//! status, the JSON body and `Retry-After` come back; upstream's `Set-Cookie` and hop-by-hop
//! headers are dropped with the rest.

use std::time::Duration;

use axum::body::Body;
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::Response;
use progress_contract::{Provider, ProxyRoute};
use reqwest::redirect::Policy;
use url::Url;

use crate::config::{ApiKey, Config};
use crate::error::ProxyError;
use crate::{giftoin, whalepass};

/// The largest upstream body passed on. Progress payloads are kilobytes; anything far larger is
/// a fault upstream and must not be buffered without bound.
pub const MAX_BODY_BYTES: usize = 4 * 1024 * 1024;

/// One upstream service: where it is and the key that opens it.
struct Upstream {
    base: Url,
    key: Option<ApiKey>,
}

/// Both upstream services and the HTTP client that reaches them.
pub struct Upstreams {
    client: reqwest::Client,
    whalepass: Upstream,
    giftoin: Upstream,
}

impl Upstreams {
    /// Builds the client from the settings.
    pub fn new(config: &Config) -> Result<Self, reqwest::Error> {
        let client = reqwest::Client::builder()
            .timeout(Duration::from_millis(config.upstream_timeout_ms))
            .connect_timeout(Duration::from_millis(config.upstream_timeout_ms.min(5_000)))
            // A redirect would carry the key header to wherever it points.
            .redirect(Policy::none())
            .user_agent(concat!("progress-proxy/", env!("CARGO_PKG_VERSION")))
            .build()?;
        Ok(Upstreams {
            client,
            whalepass: Upstream { base: config.whalepass_base_url.clone(), key: config.whalepass_api_key.clone() },
            giftoin: Upstream { base: config.giftoin_base_url.clone(), key: config.giftoin_api_key.clone() },
        })
    }

    /// Whether a provider has its key.
    pub fn is_configured(&self, provider: Provider) -> bool {
        self.upstream(provider).key.is_some()
    }

    fn upstream(&self, provider: Provider) -> &Upstream {
        match provider {
            Provider::Whalepass => &self.whalepass,
            Provider::Giftoin => &self.giftoin,
        }
    }

    /// Forwards `route` upstream and returns what the browser gets.
    pub async fn fetch(&self, route: &ProxyRoute) -> Result<Response, ProxyError> {
        let provider = route.provider();
        let upstream = self.upstream(provider);
        let key = upstream.key.as_ref().ok_or(ProxyError::NotConfigured(provider))?;

        let mut url = upstream.base.clone();
        url.path_segments_mut()
            .expect("base URLs are checked at start-up")
            .pop_if_empty()
            .extend(route.upstream_segments());
        let query = route.upstream_query();
        if !query.is_empty() {
            url.query_pairs_mut().extend_pairs(query);
        }

        let request = self.client.get(url);
        let request = match provider {
            Provider::Whalepass => whalepass::authorize(request, key, route),
            Provider::Giftoin => giftoin::authorize(request, key),
        };
        let response = request.send().await.map_err(|err| classify(provider, &err))?;
        let status = response.status();
        let retry_after = response.headers().get(header::RETRY_AFTER).cloned();
        let body = read_bounded(provider, response).await?;
        tracing::debug!(provider = provider.name(), %status, bytes = body.len(), "upstream answered");

        if status.is_redirection() {
            tracing::warn!(provider = provider.name(), %status, "upstream redirected; not followed");
            return Err(ProxyError::Unreachable(provider));
        }
        let body = if serde_json::from_slice::<serde::de::IgnoredAny>(&body).is_ok() {
            redact(body, key)
        } else if status.is_success() {
            return Err(ProxyError::NotJson(provider));
        } else {
            // An error page (HTML from a load balancer, say): keep the status, explain in JSON.
            serde_json::to_vec(&serde_json::json!({
                "error": "upstream_error",
                "message": format!("{} answered HTTP {}", provider.name(), status.as_u16()),
            }))
            .expect("static JSON")
        };
        let mut response = json_response(status, body);
        if let Some(retry_after) = retry_after {
            response.headers_mut().insert(header::RETRY_AFTER, retry_after);
        }
        Ok(response)
    }
}

/// A JSON response that no cache shares: progress is per player.
pub fn json_response(status: StatusCode, body: Vec<u8>) -> Response {
    let mut response = Response::new(Body::from(body));
    *response.status_mut() = status;
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static("application/json"));
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("private, no-store"));
    headers.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    response
}

fn classify(provider: Provider, err: &reqwest::Error) -> ProxyError {
    // reqwest's messages hold the URL, never headers, so they are safe to log.
    tracing::warn!(provider = provider.name(), error = %err, "upstream request failed");
    if err.is_timeout() {
        ProxyError::Timeout(provider)
    } else {
        ProxyError::Unreachable(provider)
    }
}

async fn read_bounded(provider: Provider, mut response: reqwest::Response) -> Result<Vec<u8>, ProxyError> {
    if response.content_length().is_some_and(|len| len > MAX_BODY_BYTES as u64) {
        return Err(ProxyError::TooLarge(provider));
    }
    let mut body = Vec::new();
    while let Some(chunk) = response.chunk().await.map_err(|err| classify(provider, &err))? {
        if body.len() + chunk.len() > MAX_BODY_BYTES {
            return Err(ProxyError::TooLarge(provider));
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body)
}

/// An upstream that echoes the key it was sent (in an "invalid key: ..." message, say) must not
/// hand it to the browser.
fn redact(body: Vec<u8>, key: &ApiKey) -> Vec<u8> {
    let needle = key.expose().as_bytes();
    if !body.windows(needle.len()).any(|window| window == needle) {
        return body;
    }
    tracing::warn!("upstream response contained the API key; redacted before answering");
    String::from_utf8_lossy(&body).replace(key.expose(), "[redacted]").into_bytes()
}
