//! The cache over real HTTP: one upstream call per key and TTL, however many ask; the last good
//! answer while upstream fails; 304s for the browser's own cache.

mod support;

use std::time::Duration;

use support::Stack;

const PROGRESS: &str = "/whalepass/players/p-42/progress?gameId=g-1";

fn upstream_calls(stack: &Stack, path: &str) -> usize {
    stack.upstream.requests().iter().filter(|r| r.path == path).count()
}

#[tokio::test]
async fn a_second_request_is_answered_from_the_cache() {
    let stack = Stack::start().await;
    let first = stack.proxy.get(PROGRESS).await;
    let second = stack.proxy.get(PROGRESS).await;
    assert_eq!((first.status, second.status), (200, 200));
    assert_eq!(first.body, second.body);
    assert_eq!(upstream_calls(&stack, "/players/p-42/progress"), 1);
    let cache_control = second.header("cache-control").unwrap();
    assert!(cache_control.starts_with("private, max-age="), "{cache_control}");
    assert!(second.header("etag").is_some());
    assert_eq!(stack.proxy.metric(r#"progress_proxy_cache_total{outcome="hit"}"#).await, 1.0);
}

#[tokio::test]
async fn twenty_concurrent_misses_make_one_upstream_call() {
    let stack = Stack::start_with(&[("RATE_LIMIT_RPS", "0")]).await;
    // `slow-once` holds the first answer for 300 ms, so the others arrive while it is in flight.
    let target = "/whalepass/players/slow-once/progress?gameId=g";
    let requests = (0..20).map(|_| stack.proxy.get(target));
    let responses = futures_util::future::join_all(requests).await;
    assert!(responses.iter().all(|r| r.status == 200), "{:?}", responses.iter().map(|r| r.status).collect::<Vec<_>>());
    assert_eq!(upstream_calls(&stack, "/players/slow-once/progress"), 1);
}

#[tokio::test]
async fn entries_are_keyed_by_the_upstream_request_never_by_a_browser_header() {
    let stack = Stack::start().await;
    stack.proxy.send("GET", PROGRESS, &[("Authorization", "Bearer a"), ("Cookie", "x=1"), ("Accept-Language", "fr")]).await;
    stack.proxy.send("GET", PROGRESS, &[("Authorization", "Bearer b"), ("Cookie", "x=2"), ("X-Forwarded-For", "9.9.9.9")]).await;
    assert_eq!(upstream_calls(&stack, "/players/p-42/progress"), 1);
    // What the upstream request depends on does split entries: the battle-pass selector header.
    stack.proxy.get(&format!("{PROGRESS}&battlepassId=draft-7")).await;
    assert_eq!(upstream_calls(&stack, "/players/p-42/progress"), 2);
    stack.proxy.get("/whalepass/players/p-42/progress?gameId=g-2").await;
    assert_eq!(upstream_calls(&stack, "/players/p-42/progress"), 3);
}

#[tokio::test]
async fn a_failing_upstream_is_answered_with_the_stale_entry_and_says_so() {
    let stack = Stack::start_with(&[("CACHE_TTL_PROGRESS", "1ms")]).await;
    let target = "/whalepass/players/fail-after-first/progress?gameId=g";
    let fresh = stack.proxy.get(target).await;
    assert_eq!(fresh.status, 200);
    assert_eq!(fresh.header("x-progress-proxy-stale"), None);
    tokio::time::sleep(Duration::from_millis(20)).await;
    let stale = stack.proxy.get(target).await;
    assert_eq!(stale.status, 200, "{}", stale.body);
    assert_eq!(stale.body, fresh.body);
    assert_eq!(stale.header("x-progress-proxy-stale"), Some("1"));
    assert!(stale.header("age").is_some());
    assert_eq!(upstream_calls(&stack, "/players/fail-after-first/progress"), 2, "upstream was asked again");
    assert!(stack.proxy.wait_for_log("answering a stale entry").await);
    assert_eq!(stack.proxy.metric(r#"progress_proxy_cache_total{outcome="stale"}"#).await, 1.0);
}

#[tokio::test]
async fn past_the_stale_window_the_upstream_error_is_answered() {
    let stack = Stack::start_with(&[("CACHE_TTL_PROGRESS", "1ms"), ("STALE_IF_ERROR", "50ms")]).await;
    let target = "/whalepass/players/fail-after-first/progress?gameId=g";
    assert_eq!(stack.proxy.get(target).await.status, 200);
    tokio::time::sleep(Duration::from_millis(200)).await;
    let response = stack.proxy.get(target).await;
    assert_eq!(response.status, 503);
    assert_eq!(response.header("x-progress-proxy-stale"), None);
}

#[tokio::test]
async fn errors_are_never_cached() {
    let stack = Stack::start().await;
    let target = "/whalepass/players/flaky-once/progress?gameId=g";
    assert_eq!(stack.proxy.get(target).await.status, 500);
    assert_eq!(stack.proxy.get(target).await.status, 200);
    assert_eq!(stack.proxy.get(target).await.status, 200);
    assert_eq!(upstream_calls(&stack, "/players/flaky-once/progress"), 2);
}

#[tokio::test]
async fn a_matching_if_none_match_gets_a_304_without_body_or_upstream_call() {
    let stack = Stack::start().await;
    let first = stack.proxy.get(PROGRESS).await;
    let etag = first.header("etag").unwrap().to_owned();
    let revalidated = stack.proxy.send("GET", PROGRESS, &[("If-None-Match", &etag)]).await;
    assert_eq!(revalidated.status, 304);
    assert_eq!(revalidated.body, "");
    assert_eq!(revalidated.header("etag"), Some(etag.as_str()));
    let changed = stack.proxy.send("GET", PROGRESS, &[("If-None-Match", "\"something-else\"")]).await;
    assert_eq!(changed.status, 200);
    assert_eq!(upstream_calls(&stack, "/players/p-42/progress"), 1);
}

#[tokio::test]
async fn a_zero_ttl_turns_the_cache_off_for_that_route() {
    let stack = Stack::start_with(&[("CACHE_TTL_PROGRESS", "0")]).await;
    stack.proxy.get(PROGRESS).await;
    let second = stack.proxy.get(PROGRESS).await;
    assert_eq!(second.header("cache-control"), Some("private, no-store"));
    assert_eq!(upstream_calls(&stack, "/players/p-42/progress"), 2);
    // The battle-pass definition keeps its own TTL.
    stack.proxy.get("/whalepass/battlepass/bp-1").await;
    stack.proxy.get("/whalepass/battlepass/bp-1").await;
    assert_eq!(upstream_calls(&stack, "/battlepass/bp-1"), 1);
}
