//! The response cache: fresh answers without an upstream call, one upstream call for many
//! concurrent misses, and the last good answer while upstream fails.
//!
//! Entries are keyed by the canonical upstream request (the route's canonical form, which fixes
//! the upstream URL and the battle-pass selector), never by a token or anything else the browser
//! sends, and only upstream 200s are stored. An
//! entry stays fresh for its route's TTL, then may still be answered for `STALE_IF_ERROR` when
//! upstream fails (timeout, 5xx, 429, unreachable); after that it is gone. The total is bounded
//! in bytes (`CACHE_MAX_BYTES`).

use std::collections::HashMap;
use std::future::Future;
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use axum::body::Body;
use axum::http::{header, HeaderMap, HeaderName, HeaderValue, StatusCode};
use axum::response::Response;
use bytes::Bytes;
use futures_util::future::{BoxFuture, FutureExt, Shared};
use moka::Expiry;

use crate::error::ProxyError;
use crate::metrics;
use crate::upstream::{Fetched, MAX_BODY_BYTES};

/// The second tier's value format (see [`Entry::encode`]).
const FORMAT_VERSION: u8 = 1;
const HEADER_BYTES: usize = 1 + 8 * 3;

/// Marks an answer served from a stale entry because upstream failed.
pub const STALE_HEADER: HeaderName = HeaderName::from_static("x-progress-proxy-stale");

/// A stored upstream 200.
#[derive(Debug)]
pub struct Entry {
    body: Bytes,
    etag: HeaderValue,
    stored: Instant,
    fresh_for: Duration,
    /// Freshness plus the stale-if-error window: how long the cache keeps it at all.
    keep_for: Duration,
}

impl Entry {
    fn new(body: Bytes, fresh_for: Duration, stale_if_error: Duration) -> Self {
        let etag = format!("\"{:016x}\"", xxhash_rust::xxh3::xxh3_64(&body));
        Entry {
            body,
            etag: HeaderValue::from_str(&etag).expect("hex is a valid header value"),
            stored: Instant::now(),
            fresh_for,
            keep_for: fresh_for + stale_if_error,
        }
    }

    /// The entry as the second tier stores it: a version byte, when it was stored (Unix ms),
    /// its freshness and its whole lifetime (ms), then the body. Any replica answers `Age`,
    /// `ETag` (a hash of the body) and staleness from it exactly as the one that stored it.
    fn encode(&self) -> Bytes {
        let stored = SystemTime::now().checked_sub(self.age()).unwrap_or(SystemTime::now());
        let stored_ms = stored.duration_since(UNIX_EPOCH).unwrap_or_default().as_millis() as u64;
        let mut bytes = Vec::with_capacity(HEADER_BYTES + self.body.len());
        bytes.push(FORMAT_VERSION);
        bytes.extend_from_slice(&stored_ms.to_be_bytes());
        bytes.extend_from_slice(&(self.fresh_for.as_millis() as u64).to_be_bytes());
        bytes.extend_from_slice(&(self.keep_for.as_millis() as u64).to_be_bytes());
        bytes.extend_from_slice(&self.body);
        Bytes::from(bytes)
    }

    /// An entry from [`Entry::encode`]'s bytes, aged by the time since it was stored (replicas'
    /// clocks are assumed to agree to well under a second, as NTP keeps them).
    fn decode(bytes: Bytes) -> Option<Self> {
        if bytes.len() < HEADER_BYTES || bytes[0] != FORMAT_VERSION || bytes.len() > HEADER_BYTES + MAX_BODY_BYTES {
            return None;
        }
        let number = |at: usize| u64::from_be_bytes(bytes[at..at + 8].try_into().expect("8 bytes"));
        let stored = UNIX_EPOCH + Duration::from_millis(number(1));
        let age = SystemTime::now().duration_since(stored).unwrap_or_default();
        let (fresh_for, keep_for) = (Duration::from_millis(number(9)), Duration::from_millis(number(17)));
        let mut entry = Entry::new(bytes.slice(HEADER_BYTES..), fresh_for, keep_for.saturating_sub(fresh_for));
        entry.stored = Instant::now().checked_sub(age).unwrap_or(entry.stored);
        Some(entry)
    }

    fn age(&self) -> Duration {
        self.stored.elapsed()
    }

    fn is_fresh(&self) -> bool {
        self.age() < self.fresh_for
    }

    fn may_serve_stale(&self) -> bool {
        self.age() < self.keep_for
    }
}

/// What a request gets.
#[derive(Debug)]
pub enum Answer {
    /// A fresh entry (just fetched or from the cache).
    Fresh(Arc<Entry>),
    /// A stale entry, because upstream failed just now.
    Stale(Arc<Entry>),
    /// Upstream's answer, not cached (an error status, or caching is off for the route).
    Passed(Fetched),
}

impl Answer {
    /// The browser response: `ETag`, `Cache-Control` with the freshness left, and a 304 without
    /// a body when `If-None-Match` names what would be sent.
    pub fn into_response(self, request: &HeaderMap) -> Response {
        let (entry, stale) = match self {
            Answer::Passed(fetched) => {
                let mut response = json_response(fetched.status, fetched.body);
                if let Some(retry_after) = fetched.retry_after {
                    response.headers_mut().insert(header::RETRY_AFTER, retry_after);
                }
                return response;
            }
            Answer::Fresh(entry) => (entry, false),
            Answer::Stale(entry) => (entry, true),
        };
        let not_modified = request.get(header::IF_NONE_MATCH).is_some_and(|inm| etag_matches(inm, &entry.etag));
        let mut response = if not_modified {
            metrics::cache("not_modified");
            let mut response = Response::new(Body::empty());
            *response.status_mut() = StatusCode::NOT_MODIFIED;
            response
        } else {
            json_response(StatusCode::OK, entry.body.clone())
        };
        let headers = response.headers_mut();
        headers.insert(header::ETAG, entry.etag.clone());
        let left = entry.fresh_for.saturating_sub(entry.age()).as_secs();
        headers.insert(header::CACHE_CONTROL, cache_control(if stale { 0 } else { left }));
        if stale {
            headers.insert(header::AGE, HeaderValue::from(entry.age().as_secs()));
            headers.insert(STALE_HEADER, HeaderValue::from_static("1"));
        }
        response
    }
}

/// A JSON response with the headers every proxy answer carries.
pub fn json_response(status: StatusCode, body: Bytes) -> Response {
    let mut response = Response::new(Body::from(body));
    *response.status_mut() = status;
    let headers = response.headers_mut();
    // Room for these, the caching headers and CORS's `Vary` at once, not grown insert by insert.
    headers.reserve(8);
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static("application/json"));
    headers.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("private, no-store"));
    response
}

fn cache_control(max_age: u64) -> HeaderValue {
    // Progress is per player: only the player's own browser may keep it.
    match max_age {
        0 => HeaderValue::from_static("private, max-age=0, must-revalidate"),
        n => HeaderValue::from_str(&format!("private, max-age={n}")).expect("ASCII"),
    }
}

/// `If-None-Match: "a", W/"b"` or `*` against an entry's tag (weak comparison, as RFC 9110 asks
/// for `If-None-Match`).
fn etag_matches(if_none_match: &HeaderValue, etag: &HeaderValue) -> bool {
    let Ok(list) = if_none_match.to_str() else { return false };
    let etag = etag.to_str().unwrap_or_default();
    list.split(',').map(str::trim).any(|tag| tag == "*" || tag.trim_start_matches("W/") == etag)
}

/// What one upstream call gave every request that waited for it.
type Landed = Result<Outcome, ProxyError>;

/// One upstream call's outcome, cloneable so every waiting request gets it.
#[derive(Debug, Clone)]
enum Outcome {
    Stored(Arc<Entry>),
    Passed(Fetched),
}

/// A flight's outcome, with the stale copy the second tier held (if any) for a failure.
type Flight = Shared<BoxFuture<'static, (Landed, Option<Arc<Entry>>)>>;

struct Expire;

impl Expiry<Arc<str>, Arc<Entry>> for Expire {
    fn expire_after_create(&self, _key: &Arc<str>, entry: &Arc<Entry>, _now: std::time::Instant) -> Option<Duration> {
        // An entry from the second tier arrives already aged.
        Some(entry.keep_for.saturating_sub(entry.age()))
    }

    fn expire_after_update(
        &self,
        _key: &Arc<str>,
        entry: &Arc<Entry>,
        _now: std::time::Instant,
        _left: Option<Duration>,
    ) -> Option<Duration> {
        Some(entry.keep_for.saturating_sub(entry.age()))
    }
}

/// The cache, shared by every request.
pub struct Cache {
    entries: moka::future::Cache<Arc<str>, Arc<Entry>>,
    /// Upstream calls in progress, by key. An async mutex: a miss re-checks the entries while
    /// holding it, so a call that lands between a request's lookup and its joining cannot be
    /// made twice.
    flights: Arc<tokio::sync::Mutex<HashMap<Arc<str>, Flight>>>,
    stale_if_error: Duration,
    /// The second tier, shared with the other replicas.
    second: Option<SecondTier>,
}

impl Cache {
    /// A cache of at most `max_bytes` of keys and bodies; with `shared`, Redis is its second
    /// tier and its cross-replica single-flight, and a holder of the upstream lock keeps it for
    /// at most `lock_for` (the upstream time-out).
    pub fn new(max_bytes: u64, stale_if_error: Duration, shared: Option<Arc<crate::shared::Shared>>, lock_for: Duration) -> Self {
        let entries = moka::future::Cache::builder()
            .max_capacity(max_bytes)
            .weigher(|key: &Arc<str>, entry: &Arc<Entry>| {
                u32::try_from(key.len() + entry.body.len() + 96).unwrap_or(u32::MAX)
            })
            .expire_after(Expire)
            .build();
        let second = shared.map(|redis| SecondTier { redis, lock_for });
        Cache { entries, flights: Arc::default(), stale_if_error, second }
    }

    /// Publishes the cache's size to the metrics.
    pub fn publish_size(&self) {
        metrics::cache_size(self.entries.weighted_size(), self.entries.entry_count());
    }

    /// Answers `key` from the cache, or from `fetch` (one call however many ask at once, on
    /// this replica and, with a second tier, on every replica), or from a stale entry when
    /// `fetch` says upstream is failing. `shared_key` names the entry in the second tier: a
    /// hash of the upstream URL, computed only on a first-tier miss. `fresh_for` zero turns
    /// caching off for this request: `fetch` is called and its answer passed on.
    ///
    /// `fetch` comes boxed: held inline, the upstream call's state would be carried (twice) by
    /// every request's future, which the server moves around as it runs.
    pub async fn get_or_fetch(
        &self,
        key: String,
        shared_key: impl FnOnce() -> String,
        fresh_for: Duration,
        fetch: BoxFuture<'static, Result<Fetched, ProxyError>>,
    ) -> Result<Answer, ProxyError> {
        if fresh_for.is_zero() {
            return fetch.await.map(Answer::Passed);
        }
        let key: Arc<str> = key.into();
        let mut previous = self.entries.get(&key).await;
        if let Some(entry) = previous.as_ref().filter(|e| e.is_fresh()) {
            metrics::cache("hit");
            return Ok(Answer::Fresh(entry.clone()));
        }
        let flight = {
            let mut flights = self.flights.lock().await;
            match flights.get(&key) {
                Some(flight) => {
                    metrics::cache("coalesced");
                    flight.clone()
                }
                None => {
                    // A call may have landed since the lookup above.
                    previous = self.entries.get(&key).await;
                    if let Some(entry) = previous.as_ref().filter(|e| e.is_fresh()) {
                        metrics::cache("hit");
                        return Ok(Answer::Fresh(entry.clone()));
                    }
                    let fill = Fill {
                        key: key.clone(),
                        shared_key: self.second.as_ref().map(|_| shared_key()),
                        fresh_for,
                        stale_if_error: self.stale_if_error,
                        entries: self.entries.clone(),
                        second: self.second.clone(),
                    };
                    let flight = self.launch(fill, fetch);
                    flights.insert(key.clone(), flight.clone());
                    flight
                }
            }
        };
        let (landed, shared_stale) = flight.await;
        let failed = match &landed {
            Ok(Outcome::Passed(fetched)) => fetched.is_upstream_failure(),
            Ok(Outcome::Stored(_)) => false,
            Err(err) => err.is_upstream_failure(),
        };
        if failed {
            // The newer of this replica's copy and the second tier's.
            let stale = [previous, shared_stale]
                .into_iter()
                .flatten()
                .filter(|e| e.may_serve_stale())
                .min_by_key(|e| e.age());
            if let Some(entry) = stale {
                tracing::warn!(age_s = entry.age().as_secs(), "upstream failed; answering a stale entry");
                metrics::cache("stale");
                return Ok(Answer::Stale(entry));
            }
        }
        landed.map(|answer| match answer {
            Outcome::Stored(entry) => Answer::Fresh(entry),
            Outcome::Passed(fetched) => Answer::Passed(fetched),
        })
    }

    /// Starts filling `fill.key` as its own task, so it completes (and is stored) even if every
    /// request waiting for it goes away.
    fn launch<F>(&self, fill: Fill, fetch: F) -> Flight
    where
        F: Future<Output = Result<Fetched, ProxyError>> + Send + 'static,
    {
        let flights = self.flights.clone();
        let task = tokio::spawn(async move {
            let key = fill.key.clone();
            let landed = fill.run(fetch).await;
            // Only after the entry is stored: a request that finds no flight finds the entry.
            flights.lock().await.remove(&key);
            landed
        });
        async move {
            task.await.unwrap_or_else(|err| {
                tracing::error!(error = %err, "the upstream task failed");
                (Err(ProxyError::Internal), None)
            })
        }
        .boxed()
        .shared()
    }
}

/// Redis as the cache's second tier.
#[derive(Clone)]
struct SecondTier {
    redis: Arc<crate::shared::Shared>,
    /// How long a replica may hold a key's upstream lock.
    lock_for: Duration,
}

/// One first-tier miss being filled: from the second tier, else from upstream (once across
/// replicas, through the second tier's lock).
struct Fill {
    key: Arc<str>,
    shared_key: Option<String>,
    fresh_for: Duration,
    stale_if_error: Duration,
    entries: moka::future::Cache<Arc<str>, Arc<Entry>>,
    second: Option<SecondTier>,
}

impl Fill {
    async fn run<F>(self, fetch: F) -> (Landed, Option<Arc<Entry>>)
    where
        F: Future<Output = Result<Fetched, ProxyError>>,
    {
        let (Some(second), Some(name)) = (self.second.clone(), self.shared_key.clone()) else {
            metrics::cache("miss");
            return (self.upstream(fetch, None).await, None);
        };
        let value_key = second.redis.key("cache", &name);
        let mut stale = None;
        if let Some(entry) = self.read_fresh(&second, &value_key, &mut stale).await {
            metrics::cache("shared_hit");
            return (Ok(Outcome::Stored(entry)), None);
        }
        metrics::cache("miss");
        // Cross-replica single-flight: whoever takes the lock calls upstream; the others wait
        // for its value, and go themselves only if it has not come within the lock's time.
        let lock_key = second.redis.key("lock", &name);
        let token = lock_token();
        let deadline = Instant::now() + second.lock_for;
        let mut pause = Duration::from_millis(5);
        loop {
            match second.redis.lock(&lock_key, &token, second.lock_for).await {
                Some(true) => {
                    let landed = self.upstream(fetch, Some((&second, &value_key))).await;
                    second.redis.unlock(&lock_key, &token).await;
                    return (landed, stale);
                }
                // Redis cannot say: go on as if it were not configured.
                None => return (self.upstream(fetch, None).await, stale),
                Some(false) if Instant::now() >= deadline => {
                    metrics::lock_wait("expired");
                    return (self.upstream(fetch, Some((&second, &value_key))).await, stale);
                }
                Some(false) => {}
            }
            tokio::time::sleep(pause.min(deadline.saturating_duration_since(Instant::now()))).await;
            pause = (pause * 2).min(Duration::from_millis(50));
            if let Some(entry) = self.read_fresh(&second, &value_key, &mut stale).await {
                metrics::lock_wait("filled");
                return (Ok(Outcome::Stored(entry)), None);
            }
        }
    }

    /// The second tier's entry if it is fresh, stored in this replica too; a stale one is kept
    /// in `stale` for a failing upstream.
    async fn read_fresh(&self, second: &SecondTier, value_key: &str, stale: &mut Option<Arc<Entry>>) -> Option<Arc<Entry>> {
        let entry = self.read(second, value_key).await?;
        if !entry.is_fresh() {
            *stale = Some(entry);
            return None;
        }
        self.entries.insert(self.key.clone(), entry.clone()).await;
        Some(entry)
    }

    /// The second tier's entry, if it holds a readable one.
    async fn read(&self, second: &SecondTier, value_key: &str) -> Option<Arc<Entry>> {
        let bytes = second.redis.get(value_key).await.flatten()?;
        let entry = Entry::decode(bytes);
        if entry.is_none() {
            tracing::warn!("an unreadable entry in the shared cache was ignored");
        }
        entry.map(Arc::new)
    }

    /// Calls upstream and stores a 200 in this replica and, with `second`, in Redis.
    async fn upstream<F>(&self, fetch: F, second: Option<(&SecondTier, &str)>) -> Landed
    where
        F: Future<Output = Result<Fetched, ProxyError>>,
    {
        match fetch.await? {
            fetched if fetched.status == StatusCode::OK => {
                let entry = Arc::new(Entry::new(fetched.body, self.fresh_for, self.stale_if_error));
                self.entries.insert(self.key.clone(), entry.clone()).await;
                if let Some((second, value_key)) = second {
                    if entry.body.len() <= MAX_BODY_BYTES {
                        second.redis.put(value_key, entry.encode(), entry.keep_for).await;
                    }
                }
                Ok(Outcome::Stored(entry))
            }
            fetched => Ok(Outcome::Passed(fetched)),
        }
    }
}

/// A random token naming one lock holder.
fn lock_token() -> String {
    let mut bytes = [0u8; 12];
    // Only tells holders apart; a weak token costs at most one extra upstream call.
    let _ = getrandom::fill(&mut bytes);
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn if_none_match_lists_and_weak_tags_match() {
        let etag = HeaderValue::from_static("\"abc\"");
        for inm in ["\"abc\"", "W/\"abc\"", "\"x\", \"abc\"", "*"] {
            assert!(etag_matches(&HeaderValue::from_static(inm), &etag), "{inm}");
        }
        assert!(!etag_matches(&HeaderValue::from_static("\"abcd\""), &etag));
    }
}
