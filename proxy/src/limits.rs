//! The per-client rate limit (`tower_governor`): `RATE_LIMIT_RPS` with bursts of
//! `RATE_LIMIT_BURST`, per verified token subject, or else per client IP.
//!
//! Keyed by the *verified* subject only (the token middleware runs first), so nobody can spend
//! another player's budget by naming them in a forged token, nor dodge their own by inventing
//! subjects. Behind a load balancer the peer is the balancer: `TRUST_FORWARDED_FOR` reads the
//! client from `X-Forwarded-For` / `Forwarded` instead.

use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;

use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::Request;
use axum::response::IntoResponse;
use governor::middleware::NoOpMiddleware;
use tower_governor::governor::GovernorConfigBuilder;
use tower_governor::key_extractor::KeyExtractor;
use tower_governor::{GovernorError, GovernorLayer};

use crate::auth::Player;
use crate::config::Config;
use crate::error::ProxyError;
use crate::metrics;

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

impl KeyExtractor for ClientKey {
    type Key = Client;

    fn extract<T>(&self, request: &Request<T>) -> Result<Client, GovernorError> {
        if let Some(subject) = request.extensions().get::<Player>().and_then(Player::subject) {
            return Ok(Client::Player(subject.into()));
        }
        let forwarded = self.trust_forwarded_for.then(|| forwarded_for(request)).flatten();
        let peer = || request.extensions().get::<ConnectInfo<SocketAddr>>().map(|info| info.0.ip());
        Ok(Client::Ip(forwarded.or_else(peer).unwrap_or(IpAddr::V4(Ipv4Addr::UNSPECIFIED))))
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

/// The rate-limit layer, or `None` when `RATE_LIMIT_RPS` is 0.
pub fn rate_limit(config: &Config) -> Option<GovernorLayer<ClientKey, NoOpMiddleware, Body>> {
    if config.rate_limit_rps == 0 {
        return None;
    }
    let governor = GovernorConfigBuilder::default()
        .key_extractor(ClientKey { trust_forwarded_for: config.trust_forwarded_for })
        .period(Duration::from_secs(1) / config.rate_limit_rps)
        .burst_size(config.rate_limit_burst)
        .finish()
        .expect("a non-zero period and burst");
    // Forget clients that have been quiet long enough to have a full budget again.
    let limiter = governor.limiter().clone();
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(Duration::from_secs(60));
        loop {
            tick.tick().await;
            limiter.retain_recent();
            limiter.shrink_to_fit();
        }
    });
    Some(GovernorLayer::new(governor).error_handler(|error| match error {
        GovernorError::TooManyRequests { wait_time, .. } => {
            metrics::rate_limited();
            ProxyError::RateLimited(wait_time).into_response()
        }
        other => {
            tracing::error!(error = %other, "rate limiter failed");
            ProxyError::Internal.into_response()
        }
    }))
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
        let client = key.extract(&request(&[("x-forwarded-for", "9.9.9.9")])).unwrap();
        assert_eq!(client, Client::Ip(IpAddr::V4(Ipv4Addr::UNSPECIFIED)));
    }
}
