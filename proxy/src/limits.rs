//! The per-client rate limit: `RATE_LIMIT_RPS` with bursts of `RATE_LIMIT_BURST`, per verified
//! token subject, or else per client IP; one budget across every replica when Redis is
//! configured (a GCRA script in Redis), else `governor`'s GCRA in this process.
//!
//! Keyed by the *verified* subject only (the gate checks the token first), so nobody can spend
//! another player's budget by naming them in a forged token, nor dodge their own by inventing
//! subjects. Behind a load balancer the peer is the balancer: `TRUST_FORWARDED_FOR` reads the
//! client from `X-Forwarded-For` / `Forwarded` instead.

use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::num::NonZeroU32;
use std::sync::Arc;
use std::time::Duration;

use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::Request;
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};

use crate::auth::Player;
use crate::config::Config;
use crate::error::ProxyError;
use crate::metrics;
use crate::shared::{Decision, Shared};

/// Who a rate-limit budget belongs to.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Client {
    /// A verified player token's subject.
    Player(Arc<str>),
    /// A client IP.
    Ip(IpAddr),
}

/// Picks the [`Client`] of a request.
#[derive(Debug, Clone, Copy)]
pub struct ClientKey {
    trust_forwarded_for: bool,
}

impl ClientKey {
    fn extract<T>(&self, request: &Request<T>, player: &Player) -> Client {
        if let Some(subject) = player.subject() {
            return Client::Player(subject.into());
        }
        let forwarded = self.trust_forwarded_for.then(|| forwarded_for(request)).flatten();
        let peer = || request.extensions().get::<ConnectInfo<SocketAddr>>().map(|info| info.0.ip());
        Client::Ip(forwarded.or_else(peer).unwrap_or(IpAddr::V4(Ipv4Addr::UNSPECIFIED)))
    }
}

impl Client {
    /// The client as a Redis key name: a hash, so no player id or IP is written to Redis.
    fn hashed(&self) -> String {
        let digest = match self {
            Client::Player(subject) => xxhash_rust::xxh3::xxh3_128_with_seed(subject.as_bytes(), 1),
            Client::Ip(ip) => xxhash_rust::xxh3::xxh3_128_with_seed(ip.to_string().as_bytes(), 2),
        };
        format!("{digest:032x}")
    }
}

/// The client named by the nearest proxy: the last `X-Forwarded-For` entry (what the trusted
/// balancer appended), else `Forwarded: for=`.
fn forwarded_for<T>(request: &Request<T>) -> Option<IpAddr> {
    let headers = request.headers();
    let xff = headers.get_all("x-forwarded-for").iter().filter_map(|v| v.to_str().ok()).next_back();
    if let Some(ip) = xff.and_then(|list| list.rsplit(',').next()).and_then(|ip| ip.trim().parse().ok()) {
        return Some(ip);
    }
    let forwarded = headers.get("forwarded")?.to_str().ok()?;
    forwarded.split([';', ',']).filter_map(|part| part.trim().strip_prefix("for=")).next_back().and_then(|value| {
        let value = value.trim_matches('"');
        let value = value.strip_prefix('[').and_then(|v| v.split_once(']')).map_or(value, |(ip, _)| ip);
        value.parse().ok().or_else(|| value.rsplit_once(':').and_then(|(ip, _)| ip.parse().ok()))
    })
}

/// The per-client rate limit, enforced in Redis across every replica when the shared tier is
/// configured, and in this process otherwise (or while Redis is down).
#[derive(Clone)]
pub struct RateLimit {
    key: ClientKey,
    interval: Duration,
    burst: u32,
    local: Arc<DefaultKeyedRateLimiter<Client>>,
    shared: Option<Arc<Shared>>,
}

impl RateLimit {
    /// The limit the settings ask for, or `None` when `RATE_LIMIT_RPS` is 0.
    pub fn new(config: &Config, shared: Option<Arc<Shared>>) -> Option<Self> {
        let rps = NonZeroU32::new(config.rate_limit_rps)?;
        let burst = NonZeroU32::new(config.rate_limit_burst).unwrap_or(NonZeroU32::MIN);
        let local = Arc::new(RateLimiter::keyed(Quota::per_second(rps).allow_burst(burst)));
        // Forget clients that have been quiet long enough to have a full budget again.
        let upkeep = local.clone();
        tokio::spawn(async move {
            let mut tick = tokio::time::interval(Duration::from_secs(60));
            loop {
                tick.tick().await;
                upkeep.retain_recent();
                upkeep.shrink_to_fit();
            }
        });
        Some(RateLimit {
            key: ClientKey { trust_forwarded_for: config.trust_forwarded_for },
            interval: Duration::from_secs(1) / rps.get(),
            burst: burst.get(),
            local,
            shared,
        })
    }

    async fn decide(&self, client: Client) -> Decision {
        if let Some(redis) = &self.shared {
            if let Some(decision) = redis.allow("rate_limit", &redis.key("rate", &client.hashed()), self.interval, self.burst).await {
                return decision;
            }
        }
        Decision::local(self.local.check_key(&client))
    }

    /// The client `request` (from `player`, whose token is verified) counts against.
    pub fn client(&self, request: &Request<Body>, player: &Player) -> Client {
        self.key.extract(request, player)
    }

    /// Spends one request of `client`'s budget, or refuses it with 429 and `Retry-After`.
    pub async fn check(&self, client: Client) -> Result<(), ProxyError> {
        match self.decide(client).await {
            Decision::Allowed => Ok(()),
            Decision::Wait(wait) => {
                metrics::rate_limited();
                Err(ProxyError::RateLimited(Decision::retry_after_secs(wait)))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request(headers: &[(&str, &str)]) -> Request<()> {
        let mut builder = Request::builder();
        for (name, value) in headers {
            builder = builder.header(*name, *value);
        }
        builder.body(()).unwrap()
    }

    #[test]
    fn the_nearest_forwarded_client_is_used() {
        let ip = |h: &[(&str, &str)]| forwarded_for(&request(h));
        assert_eq!(ip(&[("x-forwarded-for", "1.1.1.1, 2.2.2.2")]), "2.2.2.2".parse().ok());
        assert_eq!(ip(&[("forwarded", "for=\"[2001:db8::1]:443\"")]), "2001:db8::1".parse().ok());
        assert_eq!(ip(&[("forwarded", "for=3.3.3.3;proto=https")]), "3.3.3.3".parse().ok());
        assert_eq!(ip(&[]), None);
    }

    #[test]
    fn forwarded_headers_are_ignored_unless_trusted() {
        let key = ClientKey { trust_forwarded_for: false };
        let client = key.extract(&request(&[("x-forwarded-for", "9.9.9.9")]), &Player::Anyone);
        assert_eq!(client, Client::Ip(IpAddr::V4(Ipv4Addr::UNSPECIFIED)));
    }
}
