//! The shared tier: one Redis (or Valkey, or a Redis Cluster) that every replica of the proxy
//! uses for the cache's second tier, the cross-replica single-flight lock, and the rate limits.
//!
//! Redis is never a new way to fail. Every call is bounded by `REDIS_TIMEOUT` and answers `None`
//! when Redis is slow, down or refusing, and the caller goes on as if Redis were not configured
//! (its own cache, its own upstream call, per-process limits). After a failure the tier is
//! marked down and skipped by requests, so an outage costs each request nothing; a probe every
//! second brings it back as soon as Redis answers. Each change of state is logged once.
//!
//! Nothing secret is written: keys are the prefix plus a hash, values are upstream bodies (with
//! the API key already redacted) and rate-limit timestamps.
//!
//! ```text
//! REDIS_URL=redis://:password@redis.internal:6379 progress-proxy
//! REDIS_CLUSTER_NODES=redis://10.0.0.1:6379,redis://10.0.0.2:6379 progress-proxy
//! ```

use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use fred::prelude::{ClientLike, Config as RedisConfig, Error as RedisError, ErrorKind, KeysInterface, ReconnectPolicy};
use fred::types::scripts::Script;
use fred::types::{Builder, Expiration, SetOptions};

use crate::config::Config;
use crate::metrics;

/// GCRA (the generic cell rate algorithm, as `governor` runs it in process) in one atomic
/// script: the key holds the theoretical arrival time in microseconds of Redis's own clock, so
/// replicas' clocks never matter. `ARGV[1]` is the interval between requests (µs), `ARGV[2]` the
/// burst. Answers `{1, 0}` when allowed, else `{0, µs until the next request would be}`.
const GCRA: &str = r"
local interval = tonumber(ARGV[1])
local burst = tonumber(ARGV[2])
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000000 + tonumber(time[2])
local tat = tonumber(redis.call('GET', KEYS[1]) or '0')
if tat < now then tat = now end
local next_tat = tat + interval
local allowed_at = next_tat - interval * burst
if allowed_at > now then
  return {0, allowed_at - now}
end
redis.call('SET', KEYS[1], string.format('%d', next_tat), 'PX', math.ceil((next_tat - now) / 1000) + 1)
return {1, 0}
";

/// Deletes a lock only if this replica still holds it (its token is the value), so a holder
/// that outlived its lock never releases another replica's.
const RELEASE: &str = r"
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('DEL', KEYS[1])
end
return 0
";

/// The shared tier, when `REDIS_URL` or `REDIS_CLUSTER_NODES` is set.
pub struct Shared {
    client: fred::clients::Client,
    prefix: String,
    timeout: Duration,
    up: AtomicBool,
    gcra: Script,
    release: Script,
}

/// A rate-limit decision, from Redis or from this process's `governor`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    /// Go on.
    Allowed,
    /// Refused; the next request would be allowed after this long.
    Wait(Duration),
}

impl Decision {
    /// The decision of an in-process `governor` check.
    pub fn local(check: Result<(), governor::NotUntil<governor::clock::QuantaInstant>>) -> Self {
        use governor::clock::{Clock, DefaultClock};
        match check {
            Ok(()) => Decision::Allowed,
            Err(not_until) => Decision::Wait(not_until.wait_time_from(DefaultClock::default().now())),
        }
    }

    /// `Retry-After` for a refusal: whole seconds, at least one.
    pub fn retry_after_secs(wait: Duration) -> u64 {
        wait.as_secs_f64().ceil().max(1.0) as u64
    }
}

impl Shared {
    /// Connects in the background (the proxy starts and serves whether Redis is reachable or
    /// not) and starts the probe that tracks whether it is. `None` when no Redis is configured.
    /// Call it inside the runtime that should drive the connection.
    pub fn connect(config: &Config) -> Result<Option<Arc<Self>>, String> {
        let Some(redis_config) = redis_config(config)? else { return Ok(None) };
        let client = Builder::from_config(redis_config)
            .with_config(|c| {
                // Keep trying to connect in the background instead of failing the start.
                c.fail_fast = false;
            })
            .with_performance_config(|p| p.default_command_timeout = config.redis_timeout)
            .with_connection_config(|c| {
                c.connection_timeout = Duration::from_secs(2).max(config.redis_timeout);
                c.internal_command_timeout = Duration::from_secs(2).max(config.redis_timeout);
                // A command caught by a broken connection is not resent: the caller has
                // already gone on without it.
                c.max_command_attempts = 1;
                c.tcp.nodelay = Some(true);
            })
            // Forever, 100 ms doubling to 2 s: sharing resumes within seconds of Redis coming back.
            .set_policy(ReconnectPolicy::new_exponential(0, 100, 2_000, 2))
            .build()
            .map_err(|err| format!("REDIS settings: {err}"))?;
        // The connection task runs for the life of the process, reconnecting by itself.
        drop(client.connect());
        let shared = Arc::new(Shared {
            client,
            prefix: config.redis_key_prefix.clone(),
            timeout: config.redis_timeout,
            up: AtomicBool::new(false),
            gcra: Script::from_lua(GCRA),
            release: Script::from_lua(RELEASE),
        });
        shared.clone().spawn_probe();
        Ok(Some(shared))
    }

    /// `"ok"` or `"down"`, for `/healthz`.
    pub fn status(&self) -> &'static str {
        if self.up.load(Ordering::Relaxed) {
            "ok"
        } else {
            "down"
        }
    }

    /// The Redis key of `name` (already a hash or a fixed word) in `kind`'s part of the keyspace.
    pub fn key(&self, kind: &str, name: &str) -> String {
        format!("{}{kind}:{name}", self.prefix)
    }

    /// Runs one Redis call under the time-out, or skips it while Redis is down. `None` means
    /// "as if Redis were not configured".
    ///
    /// Callers box the call: fred's command futures are about 14 KB, and held inline they would
    /// size every request's future for the Redis path (a request's future was 45 KB with Redis
    /// off), which the server then copies each time it moves it.
    async fn call<T>(&self, op: &'static str, call: Pin<Box<impl Future<Output = Result<T, RedisError>>>>) -> Option<T> {
        if !self.up.load(Ordering::Relaxed) {
            metrics::redis(op, "skipped");
            return None;
        }
        // fred's own command time-out and ours are the same event.
        let result = tokio::time::timeout(self.timeout, call).await.ok().filter(|r| !matches!(r, Err(e) if e.kind() == &ErrorKind::Timeout));
        match result {
            Some(Ok(value)) => {
                metrics::redis(op, "ok");
                Some(value)
            }
            Some(Err(err)) => {
                metrics::redis(op, "error");
                if is_connection_error(&err) {
                    self.went_down(&err.to_string());
                } else {
                    tracing::warn!(op, error = %err, "redis call failed");
                }
                None
            }
            None => {
                metrics::redis(op, "timeout");
                self.went_down(&format!("a call took longer than REDIS_TIMEOUT ({:?})", self.timeout));
                None
            }
        }
    }

    fn went_down(&self, why: &str) {
        if self.up.swap(false, Ordering::Relaxed) {
            tracing::warn!(
                reason = why,
                "redis is down: serving from this replica's own cache with per-process limits until it answers again"
            );
            metrics::redis_up(false);
        }
    }

    fn came_up(&self) {
        if !self.up.swap(true, Ordering::Relaxed) {
            tracing::info!("redis is up: sharing the cache, single-flight and limits with the other replicas");
            metrics::redis_up(true);
        }
    }

    /// Pings Redis every second while down (every 5 s while up, to notice a silent outage), and
    /// marks the tier up as soon as it answers in time.
    fn spawn_probe(self: Arc<Self>) {
        tokio::spawn(async move {
            // The first connection gets a moment before Redis is called unreachable.
            let first = tokio::time::timeout(Duration::from_secs(2), self.client.wait_for_connect()).await;
            if !matches!(first, Ok(Ok(()))) {
                tracing::warn!("redis is not reachable yet: serving without it, and retrying in the background");
            }
            loop {
                let answered = matches!(
                    tokio::time::timeout(self.timeout.max(Duration::from_millis(500)), self.client.ping::<String>(None)).await,
                    Ok(Ok(_))
                );
                if answered {
                    self.came_up();
                } else if self.up.load(Ordering::Relaxed) {
                    self.went_down("no answer to PING");
                }
                let every = if self.up.load(Ordering::Relaxed) { 5 } else { 1 };
                tokio::time::sleep(Duration::from_secs(every)).await;
            }
        });
    }

    /// The stored bytes at `key`.
    pub async fn get(&self, key: &str) -> Option<Option<Bytes>> {
        self.call("get", Box::pin(self.client.get::<Option<Bytes>, _>(key))).await
    }

    /// Stores `value` at `key` for `ttl`.
    pub async fn put(&self, key: &str, value: Bytes, ttl: Duration) -> Option<()> {
        let ttl = Expiration::PX(ttl.as_millis().clamp(1, i64::MAX as u128) as i64);
        self.call("set", Box::pin(self.client.set::<(), _, _>(key, value, Some(ttl), None, false))).await
    }

    /// Takes the lock at `key` for `ttl` with this holder's `token`: `Some(true)` if taken,
    /// `Some(false)` if another replica holds it, `None` if Redis cannot say.
    pub async fn lock(&self, key: &str, token: &str, ttl: Duration) -> Option<bool> {
        let ttl = Expiration::PX(ttl.as_millis().clamp(1, i64::MAX as u128) as i64);
        let set = self.client.set::<Option<String>, _, _>(key, token, Some(ttl), Some(SetOptions::NX), false);
        self.call("lock", Box::pin(set)).await.map(|answer| answer.is_some())
    }

    /// Releases the lock at `key` if `token` still holds it.
    pub async fn unlock(&self, key: &str, token: &str) {
        let release = self.release.evalsha_with_reload::<i64, _, _>(&self.client, key, token);
        self.call("unlock", Box::pin(release)).await;
    }

    /// One request against the GCRA budget at `key`: `interval` between requests, bursts of
    /// `burst`. `op` names the caller in the metrics.
    pub async fn allow(&self, op: &'static str, key: &str, interval: Duration, burst: u32) -> Option<Decision> {
        let args = vec![interval.as_micros().max(1).to_string(), burst.max(1).to_string()];
        let answer = self.gcra.evalsha_with_reload::<Vec<i64>, _, _>(&self.client, key, args);
        let answer = self.call(op, Box::pin(answer)).await?;
        match answer.as_slice() {
            [1, _] => Some(Decision::Allowed),
            [0, wait_us] => Some(Decision::Wait(Duration::from_micros((*wait_us).max(0) as u64))),
            other => {
                tracing::warn!(answer = ?other, "unexpected rate-limit script answer");
                None
            }
        }
    }
}

/// Errors that say the connection (not the command) is broken.
fn is_connection_error(err: &RedisError) -> bool {
    matches!(
        err.kind(),
        ErrorKind::IO | ErrorKind::Canceled | ErrorKind::Routing | ErrorKind::Cluster | ErrorKind::Backpressure | ErrorKind::Tls
    ) || err.details().starts_with("LOADING")
        || err.details().starts_with("CLUSTERDOWN")
}

/// The client settings from `REDIS_URL` or `REDIS_CLUSTER_NODES` (one of them at most).
fn redis_config(config: &Config) -> Result<Option<RedisConfig>, String> {
    match (&config.redis_url, config.redis_cluster_nodes.is_empty()) {
        (None, true) => Ok(None),
        (Some(_), false) => Err("set REDIS_URL or REDIS_CLUSTER_NODES, not both".into()),
        (Some(url), true) => {
            let parsed = url::Url::parse(url).map_err(|err| format!("REDIS_URL: {err}"))?;
            if !matches!(parsed.scheme(), "redis" | "rediss" | "valkey" | "valkeys") {
                return Err("REDIS_URL must start with redis:// or rediss://".into());
            }
            RedisConfig::from_url(url).map(Some).map_err(|err| format!("REDIS_URL: {}", err.details()))
        }
        (None, false) => cluster_url(&config.redis_cluster_nodes)
            .and_then(|url| RedisConfig::from_url_clustered(&url).map_err(|err| err.details().to_owned()))
            .map(Some)
            .map_err(|err| format!("REDIS_CLUSTER_NODES: {err}")),
    }
}

/// `redis://a:1,redis://b:2` as the one cluster URL the client reads:
/// `redis-cluster://a:1?node=b:2` (credentials and TLS from the first node).
fn cluster_url(nodes: &[String]) -> Result<String, String> {
    let mut parsed = Vec::new();
    for node in nodes.iter().map(|n| n.trim()).filter(|n| !n.is_empty()) {
        let url = url::Url::parse(node).map_err(|err| format!("{node}: {err}"))?;
        if !matches!(url.scheme(), "redis" | "rediss") || url.host_str().is_none() {
            return Err(format!("{node}: each node must be a redis:// or rediss:// URL with a host"));
        }
        parsed.push(url);
    }
    let first = parsed.first().ok_or("no nodes given")?;
    let scheme = if first.scheme() == "rediss" { "rediss-cluster" } else { "redis-cluster" };
    let host_port = |url: &url::Url| format!("{}:{}", url.host_str().unwrap_or_default(), url.port().unwrap_or(6379));
    let credentials = match (first.username(), first.password()) {
        ("", None) => String::new(),
        (user, Some(password)) => format!("{user}:{password}@"),
        (user, None) => format!("{user}@"),
    };
    let others: Vec<String> = parsed[1..].iter().map(|u| format!("node={}", host_port(u))).collect();
    let query = if others.is_empty() { String::new() } else { format!("?{}", others.join("&")) };
    Ok(format!("{scheme}://{credentials}{}{query}", host_port(first)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cluster_nodes_become_one_cluster_url() {
        let nodes = ["redis://:pw@10.0.0.1:7000".to_owned(), " redis://10.0.0.2:7001".to_owned(), "redis://h3".to_owned()];
        assert_eq!(cluster_url(&nodes).unwrap(), "redis-cluster://:pw@10.0.0.1:7000?node=10.0.0.2:7001&node=h3:6379");
        assert_eq!(cluster_url(&["rediss://a:1".to_owned()]).unwrap(), "rediss-cluster://a:1");
        assert!(cluster_url(&["http://a:1".to_owned()]).is_err());
        assert!(cluster_url(&[]).is_err());
    }
}
