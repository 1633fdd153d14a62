//! Prometheus metrics: what the proxy counts, and `GET /metrics`.
//!
//! Every name is defined here once; the rest of the proxy calls the small functions below, so a
//! dashboard's queries and the code cannot disagree about a label.
//!
//! | metric | labels |
//! |---|---|
//! | `progress_proxy_requests_total` | `route` (progress, battlepass, collections, collection, other), `status` |
//! | `progress_proxy_upstream_seconds` (histogram) | `provider`, `outcome` (HTTP status or error) |
//! | `progress_proxy_cache_total` | `outcome`: hit (first tier), shared_hit (second tier, Redis), miss, stale, not_modified, coalesced |
//! | `progress_proxy_lock_waits_total` | `outcome`: filled (another replica's call answered), expired (went upstream itself) |
//! | `progress_proxy_redis_total` | `op` (get, set, lock, unlock, rate_limit, budget), `outcome`: ok, error, timeout, skipped (Redis down) |
//! | `progress_proxy_redis_up` (gauge) | 1 while Redis answers |
//! | `progress_proxy_budget_refused_total` | `provider`: requests the provider budget refused |
//! | `progress_proxy_rate_limited_total` | |
//! | `progress_proxy_tokens_rejected_total` | `reason` |
//! | `progress_proxy_upstream_in_flight` / `_body_bytes` / `_body_bytes_max` (gauges) | |
//! | `progress_proxy_cache_bytes`, `progress_proxy_cache_entries` (gauges) | |

use std::time::Duration;

use axum::http::{header, HeaderValue};
use axum::response::{IntoResponse, Response};
use metrics_exporter_prometheus::{Matcher, PrometheusBuilder, PrometheusHandle};

const REQUESTS: &str = "progress_proxy_requests_total";
const UPSTREAM_SECONDS: &str = "progress_proxy_upstream_seconds";
const CACHE: &str = "progress_proxy_cache_total";
const RATE_LIMITED: &str = "progress_proxy_rate_limited_total";
const LOCK_WAITS: &str = "progress_proxy_lock_waits_total";
const REDIS: &str = "progress_proxy_redis_total";
const REDIS_UP: &str = "progress_proxy_redis_up";
const BUDGET_REFUSED: &str = "progress_proxy_budget_refused_total";
const TOKENS_REJECTED: &str = "progress_proxy_tokens_rejected_total";
const IN_FLIGHT: &str = "progress_proxy_upstream_in_flight";
const BODY_BYTES: &str = "progress_proxy_upstream_body_bytes";
const BODY_BYTES_MAX: &str = "progress_proxy_upstream_body_bytes_max";
const CACHE_BYTES: &str = "progress_proxy_cache_bytes";
const CACHE_ENTRIES: &str = "progress_proxy_cache_entries";

/// Installs the process-wide recorder and returns the handle `/metrics` renders.
pub fn install() -> Result<PrometheusHandle, String> {
    let handle = PrometheusBuilder::new()
        .set_buckets_for_metric(
            Matcher::Full(UPSTREAM_SECONDS.into()),
            &[0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0],
        )
        .map_err(|e| e.to_string())?
        .install_recorder()
        .map_err(|e| format!("cannot install the metrics recorder: {e}"))?;
    metrics::describe_counter!(REQUESTS, "Proxy requests answered, by route kind and status");
    metrics::describe_histogram!(UPSTREAM_SECONDS, "Upstream request latency");
    metrics::describe_counter!(CACHE, "Cache lookups by outcome");
    metrics::describe_counter!(RATE_LIMITED, "Requests refused by the per-client rate limit");
    metrics::describe_counter!(LOCK_WAITS, "Waits for another replica's upstream call, by outcome");
    metrics::describe_counter!(REDIS, "Redis calls by operation and outcome");
    metrics::describe_gauge!(REDIS_UP, "1 while Redis answers, 0 while it is down");
    metrics::describe_counter!(BUDGET_REFUSED, "Upstream calls refused by the provider budget");
    metrics::describe_counter!(TOKENS_REJECTED, "Requests refused for their player token, by reason");
    metrics::describe_gauge!(IN_FLIGHT, "Upstream requests in flight");
    metrics::describe_gauge!(BODY_BYTES, "Bytes of upstream bodies being read");
    metrics::describe_gauge!(BODY_BYTES_MAX, "The most bytes of upstream bodies ever being read at once");
    let upkeep = handle.clone();
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(Duration::from_secs(5));
        loop {
            tick.tick().await;
            upkeep.run_upkeep();
        }
    });
    Ok(handle)
}

/// `GET /metrics`.
pub fn render(handle: &PrometheusHandle) -> Response {
    let mut response = handle.render().into_response();
    response
        .headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static("text/plain; version=0.0.4; charset=utf-8"));
    response
}

/// One answered proxy request.
pub fn request(route: &'static str, status: u16) {
    let status = status_label(status);
    thread_local! {
        static COUNTERS: Handles<metrics::Counter> = const { Handles::new() };
    }
    COUNTERS.with(|counters| counters.get((route, status), || metrics::counter!(REQUESTS, "route" => route, "status" => status)).increment(1));
}

/// The handles of one labelled metric, by label values, kept per thread. Every label value is
/// a `&'static str`, so a handful of pairs cover every combination the proxy produces, and a
/// lookup here replaces the registry's (which builds and hashes the labelled key each time).
struct Handles<H> {
    handles: std::cell::RefCell<Vec<((&'static str, &'static str), H)>>,
}

impl<H: Clone> Handles<H> {
    const fn new() -> Self {
        Handles { handles: std::cell::RefCell::new(Vec::new()) }
    }

    fn get(&self, labels: (&'static str, &'static str), register: impl FnOnce() -> H) -> H {
        let mut handles = self.handles.borrow_mut();
        if let Some((_, handle)) = handles.iter().find(|(known, _)| *known == labels) {
            return handle.clone();
        }
        let handle = register();
        handles.push((labels, handle.clone()));
        handle
    }
}

/// The route kind of a proxy path, as the `route` label names it.
pub fn route_kind(path: &str) -> &'static str {
    if path.starts_with("/whalepass/players/") {
        "progress"
    } else if path.starts_with("/whalepass/battlepass/") {
        "battlepass"
    } else if path.starts_with("/giftoin/") {
        match path.trim_end_matches('/').ends_with("/collection-challenges") {
            true => "collections",
            false => "collection",
        }
    } else {
        "other"
    }
}

/// One upstream request, with how it ended.
pub fn upstream(provider: &'static str, outcome: &'static str, took: Duration) {
    thread_local! {
        static HISTOGRAMS: Handles<metrics::Histogram> = const { Handles::new() };
    }
    let histogram = HISTOGRAMS.with(|histograms| {
        histograms.get((provider, outcome), || metrics::histogram!(UPSTREAM_SECONDS, "provider" => provider, "outcome" => outcome))
    });
    histogram.record(took.as_secs_f64());
}

/// One cache lookup.
pub fn cache(outcome: &'static str) {
    thread_local! {
        static COUNTERS: Handles<metrics::Counter> = const { Handles::new() };
    }
    COUNTERS.with(|counters| counters.get((outcome, ""), || metrics::counter!(CACHE, "outcome" => outcome)).increment(1));
}

/// One wait for another replica's upstream call.
pub fn lock_wait(outcome: &'static str) {
    metrics::counter!(LOCK_WAITS, "outcome" => outcome).increment(1);
}

/// One Redis call.
pub fn redis(op: &'static str, outcome: &'static str) {
    metrics::counter!(REDIS, "op" => op, "outcome" => outcome).increment(1);
}

/// Whether Redis answers.
pub fn redis_up(up: bool) {
    metrics::gauge!(REDIS_UP).set(if up { 1.0 } else { 0.0 });
}

/// One upstream call refused by the provider budget.
pub fn budget_refused(provider: &'static str) {
    metrics::counter!(BUDGET_REFUSED, "provider" => provider).increment(1);
}

/// One request refused by the rate limit.
pub fn rate_limited() {
    metrics::counter!(RATE_LIMITED).increment(1);
}

/// One request refused for its token.
pub fn token_rejected(reason: &'static str) {
    metrics::counter!(TOKENS_REJECTED, "reason" => reason).increment(1);
}

/// Upstream requests and body bytes in flight, and the high-water mark of the bytes.
pub fn upstream_memory(in_flight: usize, bytes: usize, max_bytes: usize) {
    // Set after every upstream call: the handles are looked up once, not per call.
    static GAUGES: std::sync::OnceLock<[metrics::Gauge; 3]> = std::sync::OnceLock::new();
    let [in_flight_gauge, bytes_gauge, max_gauge] =
        GAUGES.get_or_init(|| [metrics::gauge!(IN_FLIGHT), metrics::gauge!(BODY_BYTES), metrics::gauge!(BODY_BYTES_MAX)]);
    in_flight_gauge.set(in_flight as f64);
    bytes_gauge.set(bytes as f64);
    max_gauge.set(max_bytes as f64);
}

/// The cache's size.
pub fn cache_size(bytes: u64, entries: u64) {
    metrics::gauge!(CACHE_BYTES).set(bytes as f64);
    metrics::gauge!(CACHE_ENTRIES).set(entries as f64);
}

/// A status code as a label (requests, upstream outcomes) without allocating for the common ones.
pub fn status_label(status: u16) -> &'static str {
    match status {
        200 => "200",
        304 => "304",
        400 => "400",
        401 => "401",
        403 => "403",
        404 => "404",
        405 => "405",
        429 => "429",
        500 => "500",
        502 => "502",
        503 => "503",
        504 => "504",
        other => match other / 100 {
            2 => "2xx",
            3 => "3xx",
            4 => "4xx",
            _ => "5xx",
        },
    }
}
