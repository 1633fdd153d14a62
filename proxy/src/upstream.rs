//! Talking to upstream: one request per route, bounded in time, concurrency and memory.
//!
//! The browser's request is never copied: each upstream request is built from the route alone,
//! so cookies, `Authorization` (the player token) and any other browser header cannot reach
//! upstream. Only the status, the JSON body and `Retry-After` come back; upstream's `Set-Cookie`
//! and hop-by-hop headers are dropped with the rest.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::http::{header, HeaderValue, Request, StatusCode, Uri};
use bytes::Bytes;
use http_body_util::{BodyExt, Empty};
use hyper::body::{Body as _, Incoming};
use hyper_rustls::HttpsConnector;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::client::legacy::Client;
use hyper_util::rt::{TokioExecutor, TokioTimer};
use progress_contract::{Provider, ProxyRoute};
use tokio::sync::Semaphore;
use url::Url;

use crate::config::{ApiKey, Config};
use crate::error::ProxyError;
use crate::{giftoin, metrics, whalepass};

/// The largest upstream body passed on. Progress payloads are kilobytes; anything far larger is
/// a fault upstream and must not be buffered without bound.
pub const MAX_BODY_BYTES: usize = 4 * 1024 * 1024;

/// What upstream answered, as the proxy passes it on.
#[derive(Debug, Clone)]
pub struct Fetched {
    /// Upstream's status.
    pub status: StatusCode,
    /// A JSON body (upstream's own, or the proxy's explanation of a non-JSON error page).
    pub body: Bytes,
    /// Upstream's `Retry-After`, kept for 429 and 503.
    pub retry_after: Option<HeaderValue>,
}

impl Fetched {
    /// Whether this answer says upstream is failing (so a stale copy is better than it).
    pub fn is_upstream_failure(&self) -> bool {
        self.status.is_server_error() || self.status == StatusCode::TOO_MANY_REQUESTS
    }
}

/// One upstream service: where it is, the key that opens it, and its share of the proxy.
struct Upstream {
    provider: Provider,
    base: Url,
    key: Option<Key>,
    /// Requests in flight to this provider: a burst queues here instead of hitting the
    /// provider's own rate limit at full width, and each permit bounds one buffered body.
    slots: Semaphore,
}

/// A provider's API key, and the same key as its (sensitive) header value, built once.
struct Key {
    secret: ApiKey,
    header: HeaderValue,
}

impl Key {
    fn new(secret: &ApiKey) -> Self {
        let mut header = HeaderValue::from_str(secret.expose()).expect("keys are checked to be printable ASCII");
        // Marked sensitive so no debug output of a request prints it.
        header.set_sensitive(true);
        Key { secret: secret.clone(), header }
    }
}

/// Both upstream services and the HTTP clients that reach them.
pub struct Upstreams {
    client: ClientSettings,
    timeout: Duration,
    whalepass: Upstream,
    giftoin: Upstream,
    /// Bytes of upstream bodies that may be buffered at once: each response reserves its
    /// `Content-Length` (or the 4 MiB cap when it sends none) before its body is read, all at
    /// once, so readers never hold part of the budget while waiting for more.
    body_budget: Semaphore,
    memory: Arc<BodyMemory>,
}

/// The upstream HTTP client: hyper's pooled client over rustls (HTTP/1.1, or HTTP/2 where the
/// provider offers it). It sends exactly what [`Upstreams::exchange`] builds and follows no
/// redirect (one would carry the key header to wherever it points).
type HttpClient = Client<HttpsConnector<HttpConnector>, Empty<Bytes>>;

/// How upstream clients are built.
#[derive(Clone, Copy)]
struct ClientSettings {
    connect_timeout: Duration,
}

impl ClientSettings {
    /// This thread's client. Each serving thread runs its own single-threaded runtime, and a
    /// pooled connection is driven by the runtime that opened it; a client (and pool) per thread
    /// keeps every upstream exchange on the thread that asked for it.
    ///
    /// No idle cap: the providers' slots already bound the connections a thread opens, and a
    /// cap below them closes and reopens connections under load.
    fn client(self) -> HttpClient {
        thread_local! {
            static CLIENT: std::cell::OnceCell<HttpClient> = const { std::cell::OnceCell::new() };
        }
        CLIENT.with(|client| {
            client
                .get_or_init(|| {
                    let mut tcp = HttpConnector::new();
                    tcp.enforce_http(false);
                    tcp.set_connect_timeout(Some(self.connect_timeout));
                    tcp.set_nodelay(true);
                    let tls = hyper_rustls::HttpsConnectorBuilder::new()
                        .with_provider_and_webpki_roots(rustls::crypto::ring::default_provider())
                        .expect("ring offers the default TLS versions")
                        .https_or_http()
                        .enable_http1()
                        .enable_http2()
                        .wrap_connector(tcp);
                    Client::builder(TokioExecutor::new()).timer(TokioTimer::new()).pool_timer(TokioTimer::new()).build(tls)
                })
                .clone()
        })
    }
}

/// Accounting of the bytes of upstream bodies being read, for `/metrics` and the tests.
#[derive(Default)]
struct BodyMemory {
    in_flight: AtomicUsize,
    bytes: AtomicUsize,
    max_bytes: AtomicUsize,
}

impl BodyMemory {
    fn add(&self, bytes: usize) {
        let now = self.bytes.fetch_add(bytes, Ordering::Relaxed) + bytes;
        self.max_bytes.fetch_max(now, Ordering::Relaxed);
    }

    fn publish(&self) {
        metrics::upstream_memory(
            self.in_flight.load(Ordering::Relaxed),
            self.bytes.load(Ordering::Relaxed),
            self.max_bytes.load(Ordering::Relaxed),
        );
    }
}

/// One upstream request's share of [`BodyMemory`], given back when it is dropped.
struct Reading<'a> {
    memory: &'a BodyMemory,
    bytes: usize,
}

impl<'a> Reading<'a> {
    fn start(memory: &'a BodyMemory) -> Self {
        memory.in_flight.fetch_add(1, Ordering::Relaxed);
        Reading { memory, bytes: 0 }
    }

    /// Accounts for a buffer that now holds `capacity` bytes.
    fn track(&mut self, capacity: usize) {
        if capacity > self.bytes {
            self.memory.add(capacity - self.bytes);
            self.bytes = capacity;
        }
    }
}

impl Drop for Reading<'_> {
    fn drop(&mut self) {
        self.memory.bytes.fetch_sub(self.bytes, Ordering::Relaxed);
        self.memory.in_flight.fetch_sub(1, Ordering::Relaxed);
        self.memory.publish();
    }
}

impl Upstreams {
    /// Builds the clients' settings from the proxy's.
    pub fn new(config: &Config) -> Self {
        let client = ClientSettings {
            connect_timeout: config.upstream_timeout().min(Duration::from_secs(5)),
        };
        // Built once here so a broken TLS setup fails at start, not on the first request.
        client.client();
        let slots = || Semaphore::new(config.upstream_concurrency as usize);
        Upstreams {
            client,
            timeout: config.upstream_timeout(),
            whalepass: Upstream {
                provider: Provider::Whalepass,
                base: config.whalepass_base_url.clone(),
                key: config.whalepass_api_key.as_ref().map(Key::new),
                slots: slots(),
            },
            giftoin: Upstream {
                provider: Provider::Giftoin,
                base: config.giftoin_base_url.clone(),
                key: config.giftoin_api_key.as_ref().map(Key::new),
                slots: slots(),
            },
            body_budget: Semaphore::new(config.upstream_body_memory as usize),
            memory: Arc::default(),
        }
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

    /// The upstream URL of `route`.
    pub fn url(&self, route: &ProxyRoute) -> Url {
        let mut url = self.upstream(route.provider()).base.clone();
        url.path_segments_mut()
            .expect("base URLs are checked at start-up")
            .pop_if_empty()
            .extend(route.upstream_segments());
        let query = route.upstream_query();
        if !query.is_empty() {
            url.query_pairs_mut().extend_pairs(query);
        }
        url
    }

    /// Asks upstream for `route`, waiting for a free slot first; the whole exchange (slot
    /// included) is bounded by the upstream timeout. `cached`: the answer is meant for the
    /// cache, so a success must be JSON (else [`ProxyError::NotJson`]).
    pub async fn fetch(&self, route: &ProxyRoute, cached: bool) -> Result<Fetched, ProxyError> {
        let upstream = self.upstream(route.provider());
        let key = upstream.key.as_ref().ok_or(ProxyError::NotConfigured(upstream.provider))?;
        let started = Instant::now();
        let result = match tokio::time::timeout(self.timeout, self.exchange(upstream, key, route, cached)).await {
            Ok(result) => result,
            Err(_) => {
                tracing::warn!(provider = upstream.provider.name(), "upstream did not answer in time");
                Err(ProxyError::Timeout(upstream.provider))
            }
        };
        let outcome = match &result {
            Ok(fetched) => metrics::status_label(fetched.status.as_u16()),
            Err(err) => err.code(),
        };
        metrics::upstream(upstream.provider.name(), outcome, started.elapsed());
        result
    }

    async fn exchange(&self, upstream: &Upstream, key: &Key, route: &ProxyRoute, check_json: bool) -> Result<Fetched, ProxyError> {
        let provider = upstream.provider;
        let _slot = upstream.slots.acquire().await.expect("the semaphore is never closed");
        let uri = Uri::try_from(self.url(route).as_str()).map_err(|_| ProxyError::Internal)?;
        let mut request = Request::new(Empty::new());
        *request.uri_mut() = uri;
        let headers = request.headers_mut();
        headers.reserve(4);
        headers.insert(header::USER_AGENT, USER_AGENT);
        match provider {
            Provider::Whalepass => whalepass::authorize(headers, &key.header, route),
            Provider::Giftoin => giftoin::authorize(headers, &key.header),
        }
        let response = self.client.client().request(request).await.map_err(|err| classify(provider, &err))?;
        let status = response.status();
        let retry_after = response.headers().get(header::RETRY_AFTER).cloned();
        if status.is_redirection() {
            tracing::warn!(provider = provider.name(), %status, "upstream redirected; not followed");
            return Err(ProxyError::Unreachable(provider));
        }
        let body = self.read_bounded(provider, response).await?;
        tracing::debug!(provider = provider.name(), %status, bytes = body.len(), "upstream answered");

        // A success is checked only when it will be cached (a bad body must not be kept and
        // served for the TTL); with caching off it passes unparsed, as any proxy passes a body,
        // and the widget reports an unreadable answer itself. Errors are always checked, so an
        // HTML error page still becomes JSON.
        let body = if (status.is_success() && !check_json) || serde_json::from_slice::<serde::de::IgnoredAny>(&body).is_ok() {
            redact_key(body, &key.secret)
        } else if status.is_success() {
            return Err(ProxyError::NotJson(provider));
        } else {
            // An error page (HTML from a load balancer, say): keep the status, explain in JSON.
            Bytes::from(
                serde_json::to_vec(&serde_json::json!({
                    "error": "upstream_error",
                    "message": format!("{} answered HTTP {}", provider.name(), status.as_u16()),
                }))
                .expect("static JSON"),
            )
        };
        Ok(Fetched { status, body, retry_after })
    }

    async fn read_bounded(&self, provider: Provider, response: hyper::Response<Incoming>) -> Result<Bytes, ProxyError> {
        let mut body = response.into_body();
        let length = body.size_hint().exact();
        if length.is_some_and(|len| len > MAX_BODY_BYTES as u64) {
            return Err(ProxyError::TooLarge(provider));
        }
        let reserve = length.map_or(MAX_BODY_BYTES, |len| len as usize).clamp(1, MAX_BODY_BYTES);
        let _reserved = self.body_budget.acquire_many(reserve as u32).await.expect("the semaphore is never closed");
        let mut reading = Reading::start(&self.memory);
        // Capacity is managed by hand so a body never holds more than MAX_BODY_BYTES, whatever
        // the chunk sizes: the worst case printed at start is then a true bound.
        let mut buffer = Vec::with_capacity(length.unwrap_or(0) as usize);
        reading.track(buffer.capacity());
        while let Some(frame) = body.frame().await {
            let Ok(chunk) = frame.map_err(|err| classify(provider, &err))?.into_data() else { continue };
            let len = buffer.len() + chunk.len();
            if len > MAX_BODY_BYTES {
                return Err(ProxyError::TooLarge(provider));
            }
            if len > buffer.capacity() {
                let capacity = len.max(buffer.capacity() * 2).min(MAX_BODY_BYTES);
                buffer.reserve_exact(capacity - buffer.len());
                reading.track(buffer.capacity());
            }
            buffer.extend_from_slice(&chunk);
        }
        Ok(Bytes::from(buffer))
    }
}

/// Sent upstream as `User-Agent`.
const USER_AGENT: HeaderValue = HeaderValue::from_static(concat!("progress-proxy/", env!("CARGO_PKG_VERSION")));

fn classify(provider: Provider, err: &(dyn std::error::Error + 'static)) -> ProxyError {
    // The client's errors and their causes name hosts and I/O failures, never headers, so they
    // are safe to log.
    let mut chain = err.to_string();
    let mut timed_out = false;
    let mut source = err.source();
    while let Some(cause) = source {
        timed_out |= cause.downcast_ref::<std::io::Error>().is_some_and(|io| io.kind() == std::io::ErrorKind::TimedOut);
        chain.push_str(": ");
        chain.push_str(&cause.to_string());
        source = cause.source();
    }
    tracing::warn!(provider = provider.name(), error = %chain, "upstream request failed");
    if timed_out {
        ProxyError::Timeout(provider)
    } else {
        ProxyError::Unreachable(provider)
    }
}

/// An upstream that echoes the key it was sent (in an "invalid key: ..." message, say) must not
/// hand it to the browser.
fn redact_key(body: Bytes, key: &ApiKey) -> Bytes {
    if memchr::memmem::find(&body, key.expose().as_bytes()).is_none() {
        return body;
    }
    tracing::warn!("upstream response contained the API key; redacted before answering");
    Bytes::from(String::from_utf8_lossy(&body).replace(key.expose(), "[redacted]").into_bytes())
}
