//! Runs the real proxy binary against the fake upstream and talks to it over raw HTTP/1.1, so
//! paths reach the proxy exactly as written (an HTTP client library would normalise `..`).
//!
//! Each test binary uses its own part of this module.
#![allow(dead_code)]

pub mod redis;

use std::process::Stdio;
use std::sync::{Arc, Mutex};

use fake_upstream::{FakeUpstream, Keys};
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpStream;
use tokio::process::{Child, Command};

/// A proxy process and the fake upstream behind it.
pub struct Stack {
    pub upstream: FakeUpstream,
    pub proxy: Proxy,
    pub keys: Keys,
}

impl Stack {
    /// The proxy with both keys, pointed at a fresh fake upstream.
    pub async fn start() -> Self {
        Self::start_with(&[]).await
    }

    /// Like `start`, with extra (or overriding) environment for the proxy; an empty value removes
    /// the variable.
    pub async fn start_with(extra: &[(&str, &str)]) -> Self {
        let Replicas { upstream, mut proxies, keys } = Replicas::start(1, extra).await;
        Stack { upstream, proxy: proxies.remove(0), keys }
    }
}

/// Several proxy processes (replicas) in front of one fake upstream.
pub struct Replicas {
    pub upstream: FakeUpstream,
    pub proxies: Vec<Proxy>,
    pub keys: Keys,
}

impl Replicas {
    /// `count` proxies with both keys and the same `extra` environment (an empty value removes
    /// a variable), pointed at one fresh fake upstream.
    pub async fn start(count: usize, extra: &[(&str, &str)]) -> Self {
        let keys = Keys::for_tests();
        let upstream = FakeUpstream::spawn(keys.clone()).await;
        let whalepass = upstream.url();
        let giftoin = format!("{whalepass}/api/v1");
        let mut env = vec![
            ("WHALEPASS_API_KEY", keys.whalepass.as_str()),
            ("GIFTOIN_API_KEY", keys.giftoin.as_str()),
            ("WHALEPASS_BASE_URL", whalepass.as_str()),
            ("GIFTOIN_BASE_URL", giftoin.as_str()),
            ("ALLOWED_ORIGINS", "https://game.example"),
        ];
        for (name, value) in extra {
            env.retain(|(n, _)| n != name);
            if !value.is_empty() {
                env.push((name, value));
            }
        }
        let mut proxies = Vec::new();
        for _ in 0..count {
            proxies.push(Proxy::spawn(&env, &[]).await);
        }
        Replicas { upstream, proxies, keys }
    }

    /// Upstream requests for `path` so far.
    pub fn upstream_calls(&self, path: &str) -> usize {
        self.upstream.requests().iter().filter(|r| r.path == path).count()
    }

    /// Waits until every replica's `/healthz` reports `"redis": status` (at most 15 s, a guard
    /// against a hang, not a timing check).
    pub async fn wait_for_redis(&self, status: &str) {
        for proxy in &self.proxies {
            assert!(proxy.wait_for_redis(status).await, "redis never became {status:?}: {}", proxy.logs());
        }
    }
}

/// The shared secret the token tests sign with.
pub const SECRET: &str = "test-secret-for-player-tokens-0123456789";

/// A running `progress-proxy` process; killed on drop.
pub struct Proxy {
    child: Child,
    pub addr: String,
    logs: Arc<Mutex<Vec<String>>>,
}

impl Proxy {
    /// Starts the binary with exactly this environment (plus PATH) and these arguments, and waits
    /// for its `listening on` line.
    pub async fn spawn(env: &[(&str, &str)], args: &[&str]) -> Self {
        let mut command = Command::new(env!("CARGO_BIN_EXE_progress-proxy"));
        command
            .env_clear()
            .env("PROXY_LISTEN", "127.0.0.1:0")
            .env("RUST_LOG", "info")
            .envs(env.iter().copied())
            .args(args)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .kill_on_drop(true);
        let mut child = command.spawn().expect("start progress-proxy");
        // Keep every log line (and echo it), so tests can check what the proxy logs.
        let logs = Arc::new(Mutex::new(Vec::new()));
        let mut stderr = BufReader::new(child.stderr.take().unwrap()).lines();
        let kept = logs.clone();
        tokio::spawn(async move {
            while let Ok(Some(line)) = stderr.next_line().await {
                eprintln!("{line}");
                kept.lock().unwrap().push(line);
            }
        });
        let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
        let mut log = Vec::new();
        let addr = loop {
            let line = lines.next_line().await.unwrap().unwrap_or_else(|| panic!("proxy exited: {log:#?}"));
            if let Some(addr) = line.split("listening on http://").nth(1) {
                break addr.split_whitespace().next().unwrap().to_owned();
            }
            log.push(line);
        };
        // Keep draining the log so the proxy never blocks on a full pipe.
        tokio::spawn(async move { while let Ok(Some(_)) = lines.next_line().await {} });
        Proxy { child, addr, logs }
    }

    /// Every line the proxy logged so far.
    pub fn logs(&self) -> String {
        self.logs.lock().unwrap().join("\n")
    }

    /// Waits (up to 10 s, a guard against a hang) for a log line containing `needle`.
    pub async fn wait_for_log(&self, needle: &str) -> bool {
        for _ in 0..200 {
            if self.logs().contains(needle) {
                return true;
            }
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        }
        false
    }

    /// Waits (up to 15 s) until `/healthz` reports `"redis": status`.
    pub async fn wait_for_redis(&self, status: &str) -> bool {
        for _ in 0..300 {
            if self.get("/healthz").await.json()["redis"] == status {
                return true;
            }
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        }
        false
    }

    /// The proxy's `/metrics` text.
    pub async fn metrics(&self) -> String {
        let response = self.get("/metrics").await;
        assert_eq!(response.status, 200, "{}", response.body);
        response.body
    }

    /// The value of one metric line (`name{labels}` exactly as rendered), or 0 when absent.
    pub async fn metric(&self, series: &str) -> f64 {
        self.metrics()
            .await
            .lines()
            .find_map(|line| line.strip_prefix(series).and_then(|rest| rest.strip_prefix(' ')))
            .map_or(0.0, |value| value.trim().parse().unwrap())
    }

    /// Sends one request as written and returns the whole response.
    pub async fn send(&self, method: &str, target: &str, headers: &[(&str, &str)]) -> RawResponse {
        let mut stream = TcpStream::connect(&self.addr).await.expect("connect to proxy");
        let mut request = format!("{method} {target} HTTP/1.1\r\nHost: {}\r\nConnection: close\r\n", self.addr);
        for (name, value) in headers {
            request.push_str(&format!("{name}: {value}\r\n"));
        }
        request.push_str("\r\n");
        stream.write_all(request.as_bytes()).await.unwrap();
        let mut raw = Vec::new();
        stream.read_to_end(&mut raw).await.unwrap();
        RawResponse::parse(raw)
    }

    pub async fn get(&self, target: &str) -> RawResponse {
        self.send("GET", target, &[]).await
    }

    /// Sends raw bytes on a new connection and returns whatever comes back until the proxy
    /// closes it.
    pub async fn raw(&self, bytes: &[u8]) -> Vec<u8> {
        let mut stream = TcpStream::connect(&self.addr).await.expect("connect to proxy");
        stream.write_all(bytes).await.unwrap();
        let mut raw = Vec::new();
        let _ = stream.read_to_end(&mut raw).await;
        raw
    }
}

impl Drop for Proxy {
    fn drop(&mut self) {
        let _ = self.child.start_kill();
    }
}

/// A response as bytes, with its parts picked out.
pub struct RawResponse {
    pub raw: Vec<u8>,
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: String,
}

/// A token from the proxy's own `token` subcommand, signed with [`SECRET`].
pub async fn token(args: &[&str]) -> String {
    let output = Command::new(env!("CARGO_BIN_EXE_progress-proxy"))
        .env_clear()
        .env("PLAYER_TOKEN_SECRET", SECRET)
        .arg("token")
        .args(args)
        .output()
        .await
        .expect("run progress-proxy token");
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    String::from_utf8(output.stdout).unwrap().trim().to_owned()
}

impl RawResponse {
    /// Parses a response as bytes.
    pub fn parse(raw: Vec<u8>) -> Self {
        let text = String::from_utf8_lossy(&raw).into_owned();
        let (head, body) = text.split_once("\r\n\r\n").expect("a complete HTTP response");
        let mut lines = head.lines();
        let status = lines.next().unwrap().split_whitespace().nth(1).unwrap().parse().unwrap();
        let headers = lines
            .filter_map(|l| l.split_once(':'))
            .map(|(n, v)| (n.trim().to_ascii_lowercase(), v.trim().to_owned()))
            .collect::<Vec<_>>();
        let chunked = headers.iter().any(|(n, v)| n == "transfer-encoding" && v.contains("chunked"));
        let body = if chunked { dechunk(body) } else { body.to_owned() };
        RawResponse { raw, status, headers, body }
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(n, _)| n == name).map(|(_, v)| v.as_str())
    }

    /// The body as JSON; panics (failing the test) when it is not.
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.body).unwrap_or_else(|e| panic!("body is not JSON ({e}): {:?}", self.body))
    }

    /// Asserts the proxy's own error shape: JSON with `error` and `message`.
    pub fn assert_json_error(&self, status: u16, code: &str) -> String {
        assert_eq!(self.status, status, "body: {}", self.body);
        assert_eq!(self.header("content-type"), Some("application/json"));
        let body = self.json();
        assert_eq!(body["error"], code, "{body}");
        body["message"].as_str().expect("a message").to_owned()
    }
}

fn dechunk(mut body: &str) -> String {
    let mut out = String::new();
    while let Some((size, rest)) = body.split_once("\r\n") {
        let size = usize::from_str_radix(size.trim(), 16).unwrap_or(0);
        if size == 0 {
            break;
        }
        out.push_str(&rest[..size]);
        body = &rest[size + 2..];
    }
    out
}
