//! Limits over real HTTP: slow and idle connections are closed, clients are rate limited,
//! upstream bodies are bounded in memory, and every error the server makes itself is JSON.

mod support;

use std::time::Duration;

use support::{token, RawResponse, Stack, SECRET};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

const PROGRESS: &str = "/whalepass/players/p-42/progress?gameId=g-1";

/// Reads until the proxy closes the connection; a guard, not a timing assertion, stops a hang.
async fn read_until_closed(stream: &mut TcpStream) -> Vec<u8> {
    let mut received = Vec::new();
    tokio::time::timeout(Duration::from_secs(20), stream.read_to_end(&mut received))
        .await
        .expect("the proxy never closed the connection")
        .ok();
    received
}

#[tokio::test]
async fn a_half_sent_request_line_is_closed_after_the_header_timeout() {
    let stack = Stack::start_with(&[("HEADER_READ_TIMEOUT", "300ms")]).await;
    let mut stream = TcpStream::connect(&stack.proxy.addr).await.unwrap();
    stream.write_all(b"GET /whalepass/players/p-4").await.unwrap();
    let received = read_until_closed(&mut stream).await;
    assert!(!String::from_utf8_lossy(&received).contains("200 OK"));
    // The proxy still serves others.
    assert_eq!(stack.proxy.get("/healthz").await.status, 200);
}

#[tokio::test]
async fn an_idle_keep_alive_connection_is_closed_after_the_idle_timeout() {
    let stack = Stack::start_with(&[("IDLE_TIMEOUT", "300ms"), ("HEADER_READ_TIMEOUT", "10s")]).await;
    let mut stream = TcpStream::connect(&stack.proxy.addr).await.unwrap();
    let request = format!("GET /healthz HTTP/1.1\r\nHost: {}\r\n\r\n", stack.proxy.addr);
    stream.write_all(request.as_bytes()).await.unwrap();
    let received = read_until_closed(&mut stream).await;
    assert!(String::from_utf8_lossy(&received).starts_with("HTTP/1.1 200 OK"), "{}", String::from_utf8_lossy(&received));
}

#[tokio::test]
async fn a_client_over_its_rate_gets_a_json_429_with_retry_after() {
    let stack = Stack::start_with(&[("RATE_LIMIT_RPS", "1"), ("RATE_LIMIT_BURST", "3")]).await;
    let statuses: Vec<u16> = futures_util::future::join_all((0..5).map(|_| stack.proxy.get(PROGRESS))).await.iter().map(|r| r.status).collect();
    assert_eq!(statuses.iter().filter(|s| **s == 200).count(), 3, "{statuses:?}");
    let refused = stack.proxy.get(PROGRESS).await;
    refused.assert_json_error(429, "rate_limited");
    let retry_after: u64 = refused.header("retry-after").expect("Retry-After").parse().unwrap();
    assert!((1..=2).contains(&retry_after), "{retry_after}");
    // Health checks are not rate limited.
    assert_eq!(stack.proxy.get("/healthz").await.status, 200);
    assert!(stack.proxy.metric("progress_proxy_rate_limited_total").await >= 3.0);
}

#[tokio::test]
async fn with_tokens_each_player_has_a_budget_of_their_own() {
    let stack =
        Stack::start_with(&[("PLAYER_TOKEN_SECRET", SECRET), ("RATE_LIMIT_RPS", "1"), ("RATE_LIMIT_BURST", "2")]).await;
    let one = format!("Bearer {}", token(&["--sub", "p-1"]).await);
    let two = format!("Bearer {}", token(&["--sub", "p-2"]).await);
    let proxy = &stack.proxy;
    let get = |player: &str, auth: &str| {
        let target = format!("/whalepass/players/{player}/progress?gameId=g");
        let auth = auth.to_owned();
        async move { proxy.send("GET", &target, &[("Authorization", &auth)]).await.status }
    };
    assert_eq!([get("p-1", &one).await, get("p-1", &one).await, get("p-1", &one).await], [200, 200, 429]);
    // Same IP, another player: a budget of their own.
    assert_eq!(get("p-2", &two).await, 200);
}

#[tokio::test]
async fn forwarded_for_is_trusted_only_when_configured() {
    for (trust, expected) in [("false", [200, 429]), ("true", [200, 200])] {
        let stack = Stack::start_with(&[("RATE_LIMIT_RPS", "1"), ("RATE_LIMIT_BURST", "1"), ("TRUST_FORWARDED_FOR", trust)]).await;
        let first = stack.proxy.send("GET", PROGRESS, &[("X-Forwarded-For", "10.0.0.1")]).await.status;
        let second = stack.proxy.send("GET", PROGRESS, &[("X-Forwarded-For", "10.0.0.2")]).await.status;
        assert_eq!([first, second], expected, "TRUST_FORWARDED_FOR={trust}");
    }
}

#[tokio::test]
async fn many_concurrent_huge_upstream_bodies_stay_within_the_memory_bound() {
    let budget = 12 * 1024 * 1024;
    let stack = Stack::start_with(&[("RATE_LIMIT_RPS", "0"), ("UPSTREAM_BODY_MEMORY", &budget.to_string())]).await;
    // Distinct games: distinct cache keys, so no request joins another's upstream call.
    let targets: Vec<String> = (0..128).map(|i| format!("/whalepass/players/huge/progress?gameId=g{i}")).collect();
    let responses = futures_util::future::join_all(targets.iter().map(|t| stack.proxy.get(t))).await;
    for response in &responses {
        response.assert_json_error(502, "upstream_too_large");
    }
    // A chunked body reserves the whole 4 MiB cap: three at once fit the budget, and the
    // accounting of what was really buffered never saw more than the budget.
    let max = stack.proxy.metric("progress_proxy_upstream_body_bytes_max").await;
    assert!(max > 0.0, "nothing was accounted");
    assert!(max <= budget as f64, "{max} bytes buffered at once");
    assert_eq!(stack.proxy.metric("progress_proxy_upstream_body_bytes").await, 0.0);
    assert_eq!(stack.proxy.metric("progress_proxy_upstream_in_flight").await, 0.0);
}

#[tokio::test]
async fn errors_the_http_layer_makes_itself_are_json_too() {
    let stack = Stack::start().await;
    for bytes in [
        b"NOT A REQUEST\r\n\r\n".to_vec(),
        format!("GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: {}\r\n\r\n", "a".repeat(100 * 1024)).into_bytes(),
    ] {
        let response = RawResponse::parse(stack.proxy.raw(&bytes).await);
        assert!(matches!(response.status, 400 | 431), "{}", response.status);
        assert_eq!(response.header("content-type"), Some("application/json"));
        assert!(response.json()["message"].is_string());
    }
    for (method, target) in [("POST", "/healthz"), ("DELETE", "/metrics"), ("PUT", "/index.html")] {
        let response = stack.proxy.send(method, target, &[("Content-Length", "0")]).await;
        assert!(matches!(response.status, 404 | 405), "{method} {target}: {}", response.status);
        response.json();
    }
}

#[tokio::test]
async fn metrics_count_requests_by_route_and_status() {
    let stack = Stack::start().await;
    stack.proxy.get(PROGRESS).await;
    stack.proxy.get(PROGRESS).await;
    stack.proxy.get("/giftoin/users/discord/status-500/progress/collection-challenges").await;
    let metrics = stack.proxy.metrics().await;
    for line in [
        r#"progress_proxy_requests_total{route="progress",status="200"} 2"#,
        r#"progress_proxy_requests_total{route="collections",status="500"} 1"#,
        r#"progress_proxy_cache_total{outcome="miss"} 2"#,
        "progress_proxy_upstream_seconds_bucket{provider=\"whalepass\",outcome=\"200\",le=",
    ] {
        assert!(metrics.contains(line), "{line} missing from\n{metrics}");
    }
}

#[tokio::test]
async fn json_logs_and_a_separate_metrics_listener() {
    let stack = Stack::start_with(&[("LOG_FORMAT", "json"), ("METRICS_LISTEN", "127.0.0.1:0")]).await;
    assert!(stack.proxy.wait_for_log("metrics on http://").await);
    let logs = stack.proxy.logs();
    for line in logs.lines() {
        let entry: serde_json::Value = serde_json::from_str(line).unwrap_or_else(|e| panic!("{e}: {line}"));
        assert!(entry["level"].is_string() && entry["message"].is_string(), "{line}");
    }
    let address = logs.split("metrics on http://").nth(1).unwrap().split('/').next().unwrap();
    // Metrics are served there, and no longer on the public listener.
    assert_eq!(stack.proxy.get(PROGRESS).await.status, 200);
    stack.proxy.get("/metrics").await.assert_json_error(404, "not_found");
    let mut stream = TcpStream::connect(address).await.unwrap();
    stream.write_all(b"GET /metrics HTTP/1.1\r\nHost: m\r\nConnection: close\r\n\r\n").await.unwrap();
    let response = RawResponse::parse(read_until_closed(&mut stream).await);
    assert_eq!(response.status, 200);
    assert!(response.body.contains("progress_proxy_"), "{}", response.body);
}

#[tokio::test]
async fn past_max_connections_a_client_waits_until_a_connection_closes() {
    let stack = Stack::start_with(&[("MAX_CONNECTIONS", "1"), ("WORKER_THREADS", "1")]).await;
    let first = TcpStream::connect(&stack.proxy.addr).await.unwrap();
    tokio::time::sleep(Duration::from_millis(100)).await; // let the proxy accept it
    let mut second = TcpStream::connect(&stack.proxy.addr).await.unwrap();
    second.write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n").await.unwrap();
    // Not answered while the only slot is taken. (A slow machine can only make this pass
    // wrongly, never fail wrongly: the check is for the absence of an answer.)
    tokio::time::sleep(Duration::from_millis(300)).await;
    let mut byte = [0u8; 1];
    assert!(matches!(second.try_read(&mut byte), Err(e) if e.kind() == std::io::ErrorKind::WouldBlock), "answered past the cap");
    drop(first);
    let response = RawResponse::parse(read_until_closed(&mut second).await);
    assert_eq!(response.status, 200);
}
