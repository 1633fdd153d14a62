//! The router: the whole request path on one screen.
//!
//! origin check → player token → rate limit → route → cache (this replica, then Redis) →
//! provider budget → upstream
//!
//! plus `/healthz`, `/metrics`, the demo's `/demo/token`, and optional static files.

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use axum::extract::{Query, Request, State};
use axum::http::{header, HeaderValue, Method};
use axum::response::{IntoResponse, Response};
use axum::routing::{get_service, on, MethodFilter, MethodRouter};
use axum::Router;
use metrics_exporter_prometheus::PrometheusHandle;
use progress_contract::{Provider, ProxyRoute};
use tower_http::cors::{AllowOrigin, CorsLayer};
use tower_http::services::ServeDir;

use crate::auth::{self, Player, PlayerTokens};
use crate::budget::Budgets;
use crate::shared::Shared;
use crate::cache::{Cache, STALE_HEADER};
use crate::config::Config;
use crate::error::ProxyError;
use crate::upstream::{Fetched, Upstreams};
use crate::{demo, giftoin, limits, metrics};

/// What every handler shares.
struct AppState {
    /// Also holds the player-token verifier, which `/healthz` and the demo's token use.
    gate: Gate,
    upstreams: Arc<Upstreams>,
    budgets: Arc<Budgets>,
    shared: Option<Arc<Shared>>,
    cache: Cache,
    demo: bool,
    withhold_reward_values: bool,
    fresh_for: FreshFor,
    metrics: Option<PrometheusHandle>,
}

/// The cache TTL of each kind of route.
#[derive(Clone, Copy)]
struct FreshFor {
    battlepass: Duration,
    progress: Duration,
    giftoin: Duration,
}

impl FreshFor {
    fn of(&self, route: &ProxyRoute) -> Duration {
        match route {
            ProxyRoute::WhalepassBattlepass { .. } => self.battlepass,
            ProxyRoute::WhalepassProgress { .. } => self.progress,
            ProxyRoute::GiftoinCollections { .. } | ProxyRoute::GiftoinCollection { .. } => self.giftoin,
        }
    }
}

/// The browser origins allowed to call the proxy.
#[derive(Clone)]
enum Origins {
    Any,
    List(Arc<Vec<HeaderValue>>),
}

impl Origins {
    fn from_config(config: &Config) -> Self {
        let origins = config.origins();
        if origins.iter().any(|o| o == "*") {
            return Origins::Any;
        }
        Origins::List(Arc::new(origins.iter().filter_map(|o| HeaderValue::from_str(o).ok()).collect()))
    }

    fn allows(&self, origin: &HeaderValue) -> bool {
        match self {
            Origins::Any => true,
            Origins::List(list) => list.contains(origin),
        }
    }
}

/// Builds the proxy's router. `metrics` is the handle `/metrics` renders on this listener, or
/// `None` when metrics have a listener of their own.
pub fn router(config: &Config, tokens: Option<Arc<PlayerTokens>>, metrics: Option<PrometheusHandle>) -> Result<Router, String> {
    let origins = Origins::from_config(config);
    let upstreams = Upstreams::new(config);
    let shared = Shared::connect(config)?;
    let rate_limit = limits::RateLimit::new(config, shared.clone());
    let state = Arc::new(AppState {
        gate: Gate { origins: origins.clone(), tokens, rate_limit },
        upstreams: Arc::new(upstreams),
        budgets: Arc::new(Budgets::new(config, shared.clone())),
        cache: Cache::new(config.cache_max_bytes, config.stale_if_error, shared.clone(), config.upstream_timeout()),
        shared,
        demo: config.demo,
        withhold_reward_values: config.redacts_reward_values(),
        fresh_for: FreshFor {
            battlepass: config.cache_ttl_battlepass,
            progress: config.cache_ttl_progress,
            giftoin: config.cache_ttl_giftoin,
        },
        metrics,
    });
    spawn_cache_gauges(state.clone());

    let cors = CorsLayer::new()
        .allow_methods([Method::GET, Method::OPTIONS])
        .allow_headers([header::ACCEPT, header::AUTHORIZATION])
        .expose_headers([header::RETRY_AFTER, header::AGE, demo::MODE_HEADER, STALE_HEADER])
        .max_age(Duration::from_secs(600))
        .allow_origin(match origins.clone() {
            Origins::Any => AllowOrigin::any(),
            Origins::List(list) => AllowOrigin::list(list.iter().cloned()),
        });

    // GET only: the proxy forwards reads and nothing else. OPTIONS never gets here: the CORS
    // layer answers it.
    let proxy_route = get_only(on(MethodFilter::GET, forward));
    let api = Router::new()
        .route("/whalepass/{*rest}", proxy_route.clone())
        .route("/giftoin/{*rest}", proxy_route)
        .route("/healthz", get_only(on(MethodFilter::GET, health)));
    let api = match state.metrics.is_some() {
        true => api.route("/metrics", get_only(on(MethodFilter::GET, render_metrics))),
        false => api,
    };
    let api = match config.demo {
        true => api
            .route("/demo/token", get_only(on(MethodFilter::GET, demo_token)))
            .route("/demo/img/{name}", get_only(on(MethodFilter::GET, demo_picture))),
        false => api,
    };
    let api = api.with_state(state);

    let router = match &config.static_dir {
        Some(dir) => {
            let files = ServeDir::new(dir)
                .append_index_html_on_directories(true)
                .not_found_service(tower::service_fn(|_| async { Ok(ProxyError::NotFound.into_response()) }));
            api.fallback_service(get_only(get_service(files)))
        }
        None => api.fallback(|| async { ProxyError::NotFound }),
    };
    Ok(router.layer(cors))
}

/// A method router that answers every method it does not name (and HEAD, which axum would
/// otherwise answer with GET's handler) with the JSON 405.
fn get_only<S: Clone + Send + Sync + 'static>(router: MethodRouter<S>) -> MethodRouter<S> {
    router.on(MethodFilter::HEAD, || async { ProxyError::MethodNotAllowed }).fallback(|| async { ProxyError::MethodNotAllowed })
}

/// A proxy route: the gate, then the answer (upstream's, or sample data in demo mode) through
/// the cache; every answer is counted, refusals included.
///
/// The gate runs here rather than as middleware: each layer would box the request's future
/// and clone the routes again on every request. The request is read in place (route, player,
/// `If-None-Match`) rather than through extractors that copy its URI and header map.
async fn forward(State(state): State<Arc<AppState>>, request: Request) -> Response {
    let kind = metrics::route_kind(request.uri().path());
    let response = match state.gate.admit(&request).await {
        Ok(player) => answer(&state, request, player).await.unwrap_or_else(IntoResponse::into_response),
        Err(refused) => refused.into_response(),
    };
    metrics::request(kind, response.status().as_u16());
    response
}

async fn answer(state: &AppState, request: Request, player: Player) -> Result<Response, ProxyError> {
    let (parts, _) = request.into_parts();
    let route = ProxyRoute::parse(parts.uri.path(), parts.uri.query())?;
    player.may_read(&route)?;
    let key = cache_key(&route);
    let fresh_for = state.fresh_for.of(&route);
    let withhold = state.withhold_reward_values && route.provider() == Provider::Giftoin;
    let shared_key = {
        let (upstreams, route) = (state.upstreams.clone(), route.clone());
        move || shared_cache_key(&upstreams, &route)
    };
    let (upstreams, budgets, demo) = (state.upstreams.clone(), state.budgets.clone(), state.demo);
    let fetch = Box::pin(async move {
        budgets.take(route.provider()).await?;
        let fetched = match demo {
            true => demo::answer(&route),
            false => upstreams.fetch(&route, !fresh_for.is_zero()).await?,
        };
        Ok(match withhold && fetched.status.is_success() {
            true => Fetched { body: giftoin::withhold_reward_values(fetched.body), ..fetched },
            false => fetched,
        })
    });
    let mut response = state.cache.get_or_fetch(key, shared_key, fresh_for, fetch).await?.into_response(&parts.headers);
    if state.demo {
        demo::mark(&mut response);
    }
    Ok(response)
}

/// The canonical upstream request, as this replica's cache key. The upstream URL and headers are
/// a function of the route alone, so the route's own canonical form (re-encoded from the parsed
/// parameters, battle-pass selector included) names it exactly, without building the URL on
/// every request. Never anything else the browser sent.
fn cache_key(route: &ProxyRoute) -> String {
    route.path_and_query()
}

/// The entry's name in the shared tier: a hash of the upstream URL itself, so replicas (and
/// deployments sharing one Redis under one prefix) agree on it exactly when they would call the
/// same URL. Built only on a first-tier miss.
fn shared_cache_key(upstreams: &Upstreams, route: &ProxyRoute) -> String {
    format!("{:032x}", xxhash_rust::xxh3::xxh3_128(upstreams.url(route).as_str().as_bytes()))
}

async fn health(State(state): State<Arc<AppState>>) -> impl IntoResponse {
    use progress_contract::Provider::{Giftoin, Whalepass};
    let ready = |p| state.demo || state.upstreams.is_configured(p);
    axum::Json(serde_json::json!({
        "status": "ok",
        "mode": if state.demo { "demo" } else { "live" },
        "providers": { "whalepass": ready(Whalepass), "giftoin": ready(Giftoin) },
        "playerTokens": state.gate.tokens.is_some(),
        "redis": state.shared.as_ref().map_or("off", |shared| shared.status()),
    }))
}

async fn render_metrics(State(state): State<Arc<AppState>>) -> Response {
    match &state.metrics {
        Some(handle) => metrics::render(handle),
        None => ProxyError::NotFound.into_response(),
    }
}

/// The demo's stand-in for a game backend: signs a short-lived token for the player the demo
/// page picked. Only in `--demo` mode, where every player's data is sample data anyway.
async fn demo_token(
    State(state): State<Arc<AppState>>,
    Query(who): Query<std::collections::HashMap<String, String>>,
) -> Result<Response, ProxyError> {
    let tokens = state.gate.tokens.as_ref().ok_or(ProxyError::NotFound)?;
    let token = tokens
        .sign(who.get("sub").map(String::as_str), who.get("gft").map(String::as_str), Duration::from_secs(15 * 60))
        .map_err(|_| ProxyError::Internal)?;
    let mut response = axum::Json(serde_json::json!({ "token": token, "expiresIn": 900 })).into_response();
    response.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    Ok(response)
}

/// The sample data's pictures, in demo mode.
async fn demo_picture(axum::extract::Path(name): axum::extract::Path<String>) -> Result<Response, ProxyError> {
    let svg = demo::picture(&name).ok_or(ProxyError::NotFound)?;
    let headers = [(header::CONTENT_TYPE, "image/svg+xml"), (header::CACHE_CONTROL, "public, max-age=86400")];
    Ok((headers, svg).into_response())
}

/// What a proxy request must pass before it costs anything, in this order: its origin, its
/// player token, its client's rate limit (keyed by the verified token, so it comes after it).
struct Gate {
    origins: Origins,
    tokens: Option<Arc<PlayerTokens>>,
    rate_limit: Option<limits::RateLimit>,
}

impl Gate {
    /// Who is asking, if the request may go on. What needs the request is read before the one
    /// wait (the rate limit's, in Redis), so the future does not hold the request.
    fn admit(&self, request: &Request) -> impl Future<Output = Result<Player, ProxyError>> + Send + '_ {
        let player = check_origin(&self.origins, request).and_then(|()| auth::player(self.tokens.as_deref(), request));
        let client = match (&player, &self.rate_limit) {
            (Ok(player), Some(limit)) => Some((limit, limit.client(request, player))),
            _ => None,
        };
        async move {
            let player = player?;
            if let Some((limit, client)) = client {
                limit.check(client).await?;
            }
            Ok(player)
        }
    }
}

/// Refuses browser requests from origins outside the allowlist. Same-origin GETs carry no
/// `Origin` header and pass; a request whose `Origin` merely equals its `Host` does not (DNS
/// rebinding makes that pair say nothing).
fn check_origin(origins: &Origins, request: &Request) -> Result<(), ProxyError> {
    match request.headers().get(header::ORIGIN) {
        Some(origin) if !origins.allows(origin) => {
            Err(ProxyError::OriginNotAllowed(String::from_utf8_lossy(origin.as_bytes()).into_owned()))
        }
        _ => Ok(()),
    }
}

/// Keeps the cache-size gauges current.
fn spawn_cache_gauges(state: Arc<AppState>) {
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(Duration::from_secs(5));
        loop {
            tick.tick().await;
            state.cache.publish_size();
        }
    });
}
