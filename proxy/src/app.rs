//! The router: the proxy routes, optional static files, and the layers around them.

use std::sync::Arc;

use axum::extract::{Request, State};
use axum::http::{header, HeaderValue, Method, Uri};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{on, MethodFilter};
use axum::Router;
use progress_contract::ProxyRoute;
use tower_http::cors::{AllowOrigin, CorsLayer};
use tower_http::services::ServeDir;
use tower_http::trace::TraceLayer;

use crate::config::Config;
use crate::demo;
use crate::error::ProxyError;
use crate::upstream::Upstreams;

/// What every handler shares.
struct AppState {
    upstreams: Upstreams,
    demo: bool,
    origins: Origins,
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

/// Builds the proxy's router.
pub fn router(config: &Config) -> Result<Router, reqwest::Error> {
    let origins = Origins::from_config(config);
    let state = Arc::new(AppState { upstreams: Upstreams::new(config)?, demo: config.demo, origins: origins.clone() });

    let cors = CorsLayer::new()
        .allow_methods([Method::GET, Method::OPTIONS])
        .allow_headers([header::ACCEPT, header::AUTHORIZATION])
        .expose_headers([header::RETRY_AFTER, demo::MODE_HEADER])
        .max_age(std::time::Duration::from_secs(600))
        .allow_origin(match origins {
            Origins::Any => AllowOrigin::any(),
            Origins::List(list) => AllowOrigin::list(list.iter().cloned()),
        });

    // GET only: the proxy forwards reads and nothing else. OPTIONS never gets here: the CORS
    // layer answers it.
    let proxy_route = on(MethodFilter::GET, forward)
        // axum answers HEAD with the GET handler unless told otherwise.
        .on(MethodFilter::HEAD, || async { ProxyError::MethodNotAllowed })
        .fallback(|| async { ProxyError::MethodNotAllowed });
    let api = Router::new()
        .route("/whalepass/{*rest}", proxy_route.clone())
        .route("/giftoin/{*rest}", proxy_route)
        .route_layer(middleware::from_fn_with_state(state.clone(), check_origin))
        .route("/healthz", on(MethodFilter::GET, health))
        .with_state(state);

    let router = match &config.static_dir {
        Some(dir) => api.fallback_service(ServeDir::new(dir).append_index_html_on_directories(true)),
        None => api.fallback(|| async { ProxyError::NotFound }),
    };
    Ok(router.layer(cors).layer(TraceLayer::new_for_http()))
}

/// Forwards one proxy route upstream (or answers it from sample data in demo mode).
async fn forward(State(state): State<Arc<AppState>>, uri: Uri) -> Result<Response, ProxyError> {
    let route = ProxyRoute::parse(uri.path(), uri.query())?;
    if state.demo {
        return Ok(demo::answer(&route));
    }
    state.upstreams.fetch(&route).await
}

async fn health(State(state): State<Arc<AppState>>) -> impl IntoResponse {
    use progress_contract::Provider::{Giftoin, Whalepass};
    let ready = |p| state.demo || state.upstreams.is_configured(p);
    axum::Json(serde_json::json!({
        "status": "ok",
        "mode": if state.demo { "demo" } else { "live" },
        "providers": { "whalepass": ready(Whalepass), "giftoin": ready(Giftoin) },
    }))
}

/// Refuses browser requests from origins outside the allowlist before they cost an upstream call.
/// Same-origin GETs carry no `Origin` header and pass.
async fn check_origin(State(state): State<Arc<AppState>>, request: Request, next: Next) -> Response {
    match request.headers().get(header::ORIGIN) {
        Some(origin) if !state.origins.allows(origin) && !is_same_origin(&request, origin) => {
            ProxyError::OriginNotAllowed(String::from_utf8_lossy(origin.as_bytes()).into_owned()).into_response()
        }
        _ => next.run(request).await,
    }
}

fn is_same_origin(request: &Request, origin: &HeaderValue) -> bool {
    let host = request.headers().get(header::HOST).and_then(|h| h.to_str().ok());
    let origin = origin.to_str().ok().and_then(|o| o.split_once("://")).map(|(_, rest)| rest);
    matches!((host, origin), (Some(host), Some(origin)) if host == origin)
}
