//! Several proxy replicas sharing one Redis (and a three-node Redis Cluster): one upstream call
//! per key across replicas, stale answers from another replica's copy, limits and budgets
//! counted over all replicas, and Redis failing without taking a request down with it.

mod support;

use std::time::Duration;

use support::redis::{Cluster, Redis};
use support::{token, Replicas, SECRET};

const PROGRESS: &str = "/whalepass/players/p-42/progress?gameId=g-1";

fn progress(player: &str) -> String {
    format!("/whalepass/players/{player}/progress?gameId=g")
}

fn upstream_path(player: &str) -> String {
    format!("/players/{player}/progress")
}

async fn replicas(count: usize, redis: &str, extra: &[(&str, &str)]) -> Replicas {
    let mut env = vec![("REDIS_URL", redis), ("RATE_LIMIT_RPS", "0")];
    env.extend_from_slice(extra);
    let replicas = Replicas::start(count, &env).await;
    replicas.wait_for_redis("ok").await;
    replicas
}

async fn cluster_replicas(cluster: &Cluster, count: usize) -> Replicas {
    let nodes = cluster.nodes_setting();
    let replicas = Replicas::start(count, &[("REDIS_CLUSTER_NODES", &nodes), ("RATE_LIMIT_RPS", "0")]).await;
    replicas.wait_for_redis("ok").await;
    replicas
}

/// Asserts that a key read through the first replica is answered by the others from the shared
/// tier, with the same body and `ETag`.
async fn read_once_answered_everywhere(replicas: &Replicas) {
    let first = replicas.proxies[0].get(PROGRESS).await;
    assert_eq!(first.status, 200, "{}", first.body);
    for proxy in &replicas.proxies[1..] {
        let answer = proxy.get(PROGRESS).await;
        assert_eq!(answer.status, 200, "{}", answer.body);
        assert_eq!(answer.body, first.body);
        assert_eq!(answer.header("etag"), first.header("etag"));
        assert!(answer.header("cache-control").unwrap().starts_with("private, max-age="));
        assert_eq!(proxy.metric(r#"progress_proxy_cache_total{outcome="shared_hit"}"#).await, 1.0);
    }
    assert_eq!(replicas.upstream_calls("/players/p-42/progress"), 1);
}

/// Asserts that 100 concurrent cold requests spread over the replicas make at most two upstream
/// calls (one, unless a lock expires in a race).
async fn cold_crowd_makes_at_most_two_calls(replicas: &Replicas) {
    // `slow-once` holds the first answer 300 ms, so the crowd arrives while it is in flight.
    let target = progress("slow-once");
    let requests = (0..100).map(|i| replicas.proxies[i % replicas.proxies.len()].get(&target));
    let answers = futures_util::future::join_all(requests).await;
    assert!(answers.iter().all(|a| a.status == 200), "{:?}", answers.iter().map(|a| a.status).collect::<Vec<_>>());
    let calls = replicas.upstream_calls(&upstream_path("slow-once"));
    assert!((1..=2).contains(&calls), "{calls} upstream calls for one cold key");
    let mut waits = 0.0;
    for proxy in &replicas.proxies {
        waits += proxy.metric(r#"progress_proxy_lock_waits_total{outcome="filled"}"#).await;
    }
    assert!(waits >= 1.0, "no replica waited for another's call");
}

#[tokio::test]
async fn a_key_read_through_one_replica_is_answered_by_the_others_without_upstream() {
    let redis = Redis::start().await;
    let replicas = replicas(3, &redis.url(), &[]).await;
    read_once_answered_everywhere(&replicas).await;
}

#[tokio::test]
async fn a_tls_redis_with_a_password_is_shared_the_same_way() {
    let redis = Redis::start_tls("tls-test-password-51").await;
    let ca = redis.ca_file();
    let url = redis.url();
    let replicas = replicas(2, &url, &[("SSL_CERT_FILE", ca.to_str().unwrap())]).await;
    read_once_answered_everywhere(&replicas).await;
    for proxy in &replicas.proxies {
        assert!(!proxy.logs().contains("tls-test-password-51"), "the Redis password was logged");
    }
}

#[tokio::test]
async fn a_hundred_concurrent_cold_requests_over_three_replicas_make_at_most_two_upstream_calls() {
    let redis = Redis::start().await;
    let replicas = replicas(3, &redis.url(), &[]).await;
    cold_crowd_makes_at_most_two_calls(&replicas).await;
}

#[tokio::test]
async fn a_replica_that_never_saw_a_key_answers_it_stale_when_upstream_fails() {
    let redis = Redis::start().await;
    let replicas = replicas(2, &redis.url(), &[("CACHE_TTL_PROGRESS", "1ms")]).await;
    let target = progress("fail-after-first");
    let fresh = replicas.proxies[0].get(&target).await;
    assert_eq!(fresh.status, 200);
    tokio::time::sleep(Duration::from_millis(20)).await;
    // Upstream now answers 503 for this key; replica B never saw it.
    let stale = replicas.proxies[1].get(&target).await;
    assert_eq!(stale.status, 200, "{}", stale.body);
    assert_eq!(stale.body, fresh.body);
    assert_eq!(stale.header("x-progress-proxy-stale"), Some("1"));
    assert_eq!(stale.header("etag"), fresh.header("etag"));
    assert!(stale.header("age").is_some());
    assert_eq!(replicas.upstream_calls(&upstream_path("fail-after-first")), 2);
}

#[tokio::test]
async fn the_per_client_limit_holds_across_replicas() {
    let redis = Redis::start().await;
    let replicas =
        replicas(3, &redis.url(), &[("RATE_LIMIT_RPS", "1"), ("RATE_LIMIT_BURST", "3"), ("CACHE_TTL_PROGRESS", "0")]).await;
    // Each replica alone would allow 3 at once (9 in all); shared, the client gets 3 in total
    // (4 if a second passes meanwhile).
    let mut allowed = 0;
    let mut refused = 0.0;
    let started = std::time::Instant::now();
    for i in 0..9 {
        let answer = replicas.proxies[i % 3].get(PROGRESS).await;
        match answer.status {
            200 => allowed += 1,
            429 => {
                answer.assert_json_error(429, "rate_limited");
                assert!(answer.header("retry-after").is_some_and(|s| s.parse::<u64>().unwrap() >= 1));
                refused += 1.0;
            }
            other => panic!("unexpected {other}: {}", answer.body),
        }
    }
    // The budget refills one request a second: a slow machine may earn one more per second taken.
    let refilled = started.elapsed().as_secs() as usize + 1;
    assert!(allowed >= 3 && allowed <= 3 + refilled, "{allowed} of 9 allowed with a shared burst of 3");
    let mut counted = 0.0;
    for proxy in &replicas.proxies {
        counted += proxy.metric("progress_proxy_rate_limited_total").await;
    }
    assert_eq!(counted, refused);
}

#[tokio::test]
async fn the_provider_budget_holds_across_replicas_and_falls_back_to_stale() {
    let redis = Redis::start().await;
    let replicas = replicas(3, &redis.url(), &[("UPSTREAM_RPS_WHALEPASS", "1")]).await;
    // Three cold keys, one per replica: the deployment's budget of 1/s lets one through.
    let mut answers = Vec::new();
    let started = std::time::Instant::now();
    for (i, player) in ["a-1", "a-2", "a-3"].iter().enumerate() {
        answers.push(replicas.proxies[i].get(&progress(player)).await);
    }
    let calls: usize = ["a-1", "a-2", "a-3"].iter().map(|p| replicas.upstream_calls(&upstream_path(p))).sum();
    let busy: Vec<_> = answers.iter().filter(|a| a.status == 503).collect();
    let refilled = started.elapsed().as_secs() as usize + 1;
    assert!(calls <= 1 + refilled && calls < 3, "{calls} upstream calls with a budget of 1/s");
    assert_eq!(calls + busy.len(), 3, "{:?}", answers.iter().map(|a| a.status).collect::<Vec<_>>());
    for answer in busy {
        answer.assert_json_error(503, "upstream_busy");
        assert!(answer.header("retry-after").is_some());
    }
    let mut refused = 0.0;
    for proxy in &replicas.proxies {
        refused += proxy.metric(r#"progress_proxy_budget_refused_total{provider="whalepass"}"#).await;
    }
    assert!(refused >= 1.0);
}

#[tokio::test]
async fn a_spent_budget_answers_a_stale_copy_when_there_is_one() {
    let redis = Redis::start().await;
    let replicas = replicas(2, &redis.url(), &[("UPSTREAM_RPS_WHALEPASS", "1"), ("CACHE_TTL_PROGRESS", "1ms")]).await;
    let fresh = replicas.proxies[0].get(PROGRESS).await;
    assert_eq!(fresh.status, 200);
    tokio::time::sleep(Duration::from_millis(20)).await;
    // The entry is stale now and the budget spent by the first call (unless a second passed).
    let again = replicas.proxies[1].get(PROGRESS).await;
    assert_eq!(again.status, 200, "{}", again.body);
    assert_eq!(again.body, fresh.body);
    if replicas.upstream_calls("/players/p-42/progress") == 1 {
        assert_eq!(again.header("x-progress-proxy-stale"), Some("1"));
    }
}

#[tokio::test]
async fn redis_stopped_mid_run_loses_no_request_and_sharing_resumes_when_it_is_back() {
    let mut redis = Redis::start().await;
    let replicas = replicas(2, &redis.url(), &[]).await;
    let (a, b) = (&replicas.proxies[0], &replicas.proxies[1]);
    assert_eq!(a.get(&progress("before")).await.status, 200);
    assert_eq!(b.get(&progress("before")).await.status, 200);
    assert_eq!(replicas.upstream_calls(&upstream_path("before")), 1);

    redis.stop();
    for proxy in [a, b] {
        for _ in 0..5 {
            let answer = proxy.get(&progress("during")).await;
            assert_eq!(answer.status, 200, "{}", answer.body);
        }
    }
    replicas.wait_for_redis("down").await;
    let health = a.get("/healthz").await;
    assert_eq!(health.status, 200);
    // Each replica on its own now: one call each.
    assert_eq!(replicas.upstream_calls(&upstream_path("during")), 2);

    redis.restart().await;
    replicas.wait_for_redis("ok").await;
    assert_eq!(a.get(&progress("after")).await.status, 200);
    assert_eq!(b.get(&progress("after")).await.status, 200);
    assert_eq!(replicas.upstream_calls(&upstream_path("after")), 1, "sharing did not resume");
    for proxy in [a, b] {
        let logs = proxy.logs();
        assert_eq!(logs.matches("redis is down").count(), 1, "one warning per state change: {logs}");
        assert_eq!(logs.matches("redis is up").count(), 2, "{logs}");
    }
}

#[tokio::test]
async fn a_frozen_redis_costs_each_request_at_most_the_timeout() {
    let redis = Redis::start().await;
    let replicas = replicas(1, &redis.url(), &[("REDIS_TIMEOUT", "100ms")]).await;
    let proxy = &replicas.proxies[0];
    redis.freeze(true);
    // Connections stay open and Redis never answers: every request still completes (the guard
    // is far above the time-out; it only stops a hang from hanging the test run).
    for i in 0..10 {
        let answer = tokio::time::timeout(Duration::from_secs(10), proxy.get(&progress(&format!("frozen-{i}"))))
            .await
            .expect("a request hung on a frozen Redis");
        assert_eq!(answer.status, 200, "{}", answer.body);
    }
    assert!(proxy.metric(r#"progress_proxy_redis_total{op="get",outcome="timeout"}"#).await >= 1.0);
    redis.freeze(false);
    replicas.wait_for_redis("ok").await;
}

#[tokio::test]
async fn the_proxy_starts_and_serves_while_redis_is_unreachable() {
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let replicas = Replicas::start(1, &[("REDIS_URL", &format!("redis://127.0.0.1:{port}"))]).await;
    let proxy = &replicas.proxies[0];
    let health = proxy.get("/healthz").await;
    assert_eq!(health.status, 200);
    assert_eq!(health.json()["redis"], "down");
    assert_eq!(proxy.get(PROGRESS).await.status, 200);
    assert!(proxy.wait_for_log("redis is not reachable yet").await);
}

#[tokio::test]
async fn without_redis_health_says_off() {
    let replicas = Replicas::start(1, &[]).await;
    assert_eq!(replicas.proxies[0].get("/healthz").await.json()["redis"], "off");
}

#[tokio::test]
async fn conflicting_redis_settings_stop_the_start_with_a_clear_message() {
    let output = tokio::process::Command::new(env!("CARGO_BIN_EXE_progress-proxy"))
        .env_clear()
        .env("REDIS_URL", "redis://127.0.0.1:1")
        .env("REDIS_CLUSTER_NODES", "redis://127.0.0.1:2")
        .env("PROXY_LISTEN", "127.0.0.1:0")
        .output()
        .await
        .unwrap();
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("REDIS_URL or REDIS_CLUSTER_NODES"), "{stderr}");
}

#[tokio::test]
async fn a_cluster_shares_the_cache_and_the_single_flight() {
    let cluster = Cluster::start().await;
    let replicas = cluster_replicas(&cluster, 3).await;
    read_once_answered_everywhere(&replicas).await;
    cold_crowd_makes_at_most_two_calls(&replicas).await;
}

#[tokio::test]
async fn the_keyspace_holds_no_key_no_token_and_only_prefixed_keys() {
    let redis = Redis::start().await;
    let prefix = "studio-a:test:";
    let replicas = replicas(
        2,
        &redis.url(),
        &[
            ("REDIS_KEY_PREFIX", prefix),
            ("PLAYER_TOKEN_SECRET", SECRET),
            // 1/s with a large burst: the client's rate key lives for seconds, long enough to be read.
            ("RATE_LIMIT_RPS", "1"),
            ("RATE_LIMIT_BURST", "100"),
            ("UPSTREAM_RPS_WHALEPASS", "100"),
            ("UPSTREAM_RPS_GIFTOIN", "100"),
        ],
    )
    .await;
    let player_token = token(&["--sub", "p-42", "--gft", "discord:123456789012345678"]).await;
    let bearer = format!("Bearer {player_token}");
    let targets = [
        PROGRESS,
        "/whalepass/battlepass/bp-1",
        "/giftoin/users/discord/123456789012345678/progress/collection-challenges",
    ];
    for proxy in &replicas.proxies {
        for target in targets {
            let answer = proxy.send("GET", target, &[("Authorization", &bearer)]).await;
            assert_eq!(answer.status, 200, "{target}: {}", answer.body);
        }
    }
    let keyspace = redis.dump();
    let count = |kind: &str| keyspace.iter().filter(|(key, _)| key.starts_with(&format!("{prefix}{kind}:"))).count();
    assert_eq!((count("cache"), count("rate")), (3, 1), "three cache entries and one client's rate key: {keyspace:?}");
    for (key, value) in &keyspace {
        assert!(key.starts_with(prefix), "{key} is outside the prefix");
        for secret in [replicas.keys.whalepass.as_str(), replicas.keys.giftoin.as_str(), player_token.as_str(), "Bearer", SECRET] {
            assert!(!key.contains(secret) && !value.contains(secret), "{key} holds a secret");
        }
        // Player ids and IPs are not written as key names either.
        assert!(!key.contains("p-42") && !key.contains("127.0.0.1"), "{key}");
    }
}
