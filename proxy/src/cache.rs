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
use std::time::{Duration, Instant};

use axum::body::Body;
use axum::http::{header, HeaderMap, HeaderName, HeaderValue, StatusCode};
use axum::response::Response;
use bytes::Bytes;
use futures_util::future::{BoxFuture, FutureExt, Shared};
use moka::Expiry;

use crate::error::ProxyError;
use crate::metrics;
use crate::upstream::Fetched;

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

type Flight = Shared<BoxFuture<'static, Landed>>;

struct Expire;

impl Expiry<Arc<str>, Arc<Entry>> for Expire {
    fn expire_after_create(&self, _key: &Arc<str>, entry: &Arc<Entry>, _now: std::time::Instant) -> Option<Duration> {
        Some(entry.keep_for)
    }

    fn expire_after_update(
        &self,
        _key: &Arc<str>,
        entry: &Arc<Entry>,
        _now: std::time::Instant,
        _left: Option<Duration>,
    ) -> Option<Duration> {
        Some(entry.keep_for)
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
}

impl Cache {
    /// A cache of at most `max_bytes` of keys and bodies.
    pub fn new(max_bytes: u64, stale_if_error: Duration) -> Self {
        let entries = moka::future::Cache::builder()
            .max_capacity(max_bytes)
            .weigher(|key: &Arc<str>, entry: &Arc<Entry>| {
                u32::try_from(key.len() + entry.body.len() + 96).unwrap_or(u32::MAX)
            })
            .expire_after(Expire)
            .build();
        Cache { entries, flights: Arc::default(), stale_if_error }
    }

    /// Publishes the cache's size to the metrics.
    pub fn publish_size(&self) {
        metrics::cache_size(self.entries.weighted_size(), self.entries.entry_count());
    }

    /// Answers `key` from the cache, or from `fetch` (one call however many ask at once), or
    /// from a stale entry when `fetch` says upstream is failing. `fresh_for` zero turns caching
    /// off for this request: `fetch` is called and its answer passed on.
    pub async fn get_or_fetch<F>(&self, key: String, fresh_for: Duration, fetch: F) -> Result<Answer, ProxyError>
    where
        F: Future<Output = Result<Fetched, ProxyError>> + Send + 'static,
    {
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
                    metrics::cache("miss");
                    let flight = self.launch(key.clone(), fresh_for, fetch);
                    flights.insert(key.clone(), flight.clone());
                    flight
                }
            }
        };
        let landed = flight.await;
        let failed = match &landed {
            Ok(Outcome::Passed(fetched)) => fetched.is_upstream_failure(),
            Ok(Outcome::Stored(_)) => false,
            Err(err) => matches!(err, ProxyError::Timeout(_) | ProxyError::Unreachable(_)),
        };
        if failed {
            if let Some(entry) = previous.filter(|e| e.may_serve_stale()) {
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

    /// Starts the upstream call for `key` as its own task, so it completes (and is stored) even
    /// if every request waiting for it goes away.
    fn launch<F>(&self, key: Arc<str>, fresh_for: Duration, fetch: F) -> Flight
    where
        F: Future<Output = Result<Fetched, ProxyError>> + Send + 'static,
    {
        let entries = self.entries.clone();
        let flights = self.flights.clone();
        let stale_if_error = self.stale_if_error;
        let task = tokio::spawn(async move {
            let landed = match fetch.await {
                Ok(fetched) if fetched.status == StatusCode::OK => {
                    let entry = Arc::new(Entry::new(fetched.body, fresh_for, stale_if_error));
                    entries.insert(key.clone(), entry.clone()).await;
                    Ok(Outcome::Stored(entry))
                }
                Ok(fetched) => Ok(Outcome::Passed(fetched)),
                Err(err) => Err(err),
            };
            // Only after the entry is stored: a request that finds no flight finds the entry.
            flights.lock().await.remove(&key);
            landed
        });
        async move {
            task.await.unwrap_or_else(|err| {
                tracing::error!(error = %err, "the upstream task failed");
                Err(ProxyError::Internal)
            })
        }
        .boxed()
        .shared()
    }
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
