//! `progress-proxy`: the reference proxy for the progress widgets.
//!
//! It forwards only the read routes of [`progress_contract::ProxyRoute`] to Whalepass and
//! Giftoin, adding the API keys, which never reach a browser; checks player tokens; caches;
//! and limits what any client, connection or upstream body can cost.
//!
//! ```text
//! WHALEPASS_API_KEY=... GIFTOIN_API_KEY=... PLAYER_TOKEN_SECRET=... ALLOWED_ORIGINS=https://game.example progress-proxy
//! progress-proxy --demo --static .   # sample data, no keys, serves the demo page
//! progress-proxy token --sub p-42    # a player token for local testing
//! ```

mod app;
mod auth;
mod budget;
mod cache;
mod config;
mod demo;
mod error;
mod giftoin;
mod limits;
mod metrics;
mod server;
mod shared;
mod upstream;
mod whalepass;

use std::sync::Arc;

use progress_contract::Provider;
use tracing_subscriber::EnvFilter;

use crate::auth::PlayerTokens;

/// mimalloc: a request allocates and frees many small buffers across threads, where glibc's
/// allocator measured 10 % of the proxy's CPU under load (`cargo xtask bench-proxy`, perf).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;
use crate::config::{Command, Config, Secret};

fn main() -> std::process::ExitCode {
    // Settings first, while the process is single-threaded: the config file may set variables.
    let mut config = match Config::load() {
        Ok(config) => config,
        Err(message) => {
            eprintln!("progress-proxy: {message}");
            return std::process::ExitCode::from(2);
        }
    };
    init_logging(&config);
    if let Some(Command::Token { sub, gft, ttl }) = &config.command {
        return match PlayerTokens::from_config(&config).and_then(|tokens| {
            let tokens = tokens.ok_or("`token` needs PLAYER_TOKEN_SECRET")?;
            tokens.sign(sub.as_deref(), gft.as_deref(), *ttl)
        }) {
            Ok(token) => {
                println!("{token}");
                std::process::ExitCode::SUCCESS
            }
            Err(message) => {
                eprintln!("progress-proxy token: {message}");
                std::process::ExitCode::FAILURE
            }
        };
    }
    if let Some(Command::Settings) = &config.command {
        println!("{}", config::settings_json());
        return std::process::ExitCode::SUCCESS;
    }
    if config.demo && !config.tokens_on() {
        config.player_token_secret = Some(Secret::random());
    }
    // The demo's season is for everyone: the guest view (and the docs site) reads it with no token.
    if config.demo && config.public_battlepass_ids.is_none() {
        config.public_battlepass_ids = Some("*".into());
    }
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("a tokio runtime");
    match runtime.block_on(run(config)) {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(message) => {
            tracing::error!("{message}");
            std::process::ExitCode::FAILURE
        }
    }
}

fn init_logging(config: &Config) {
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info"));
    let logs = tracing_subscriber::fmt().with_env_filter(filter).with_target(false).with_writer(std::io::stderr);
    match config.log_format.as_str() {
        "json" => logs.json().flatten_event(true).init(),
        _ => logs.with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr())).init(),
    }
}

async fn run(config: Config) -> Result<(), String> {
    for (name, base) in [("WHALEPASS_BASE_URL", &config.whalepass_base_url), ("GIFTOIN_BASE_URL", &config.giftoin_base_url)] {
        if base.cannot_be_a_base() || !matches!(base.scheme(), "http" | "https") {
            return Err(format!("{name} must be an http(s) URL, got {base}"));
        }
    }
    let tokens = PlayerTokens::from_config(&config)?.map(Arc::new);
    announce(&config, tokens.as_deref());
    let handle = metrics::install()?;
    let (main_metrics, metrics_listener) = match config.metrics_listen {
        Some(addr) => {
            let listener = tokio::net::TcpListener::bind(addr).await.map_err(|e| format!("cannot listen on {addr}: {e}"))?;
            (None, Some(listener))
        }
        None => (Some(handle.clone()), None),
    };
    let router = app::router(&config, tokens, main_metrics)?;
    let shared = server::bind(config.listen).map_err(|err| format!("cannot listen on {}: {err}", config.listen))?;
    let addr = shared.local_addr().map_err(|err| err.to_string())?;
    let listener = tokio::net::TcpListener::from_std(shared.try_clone().map_err(|e| e.to_string())?).map_err(|e| e.to_string())?;
    // One single-threaded runtime per core, as nginx runs one worker per core, all accepting
    // from the one listening socket: whichever thread is free takes the next connection, and a
    // request never hops between threads. (A socket per thread with SO_REUSEPORT measured 20 %
    // slower: the kernel's hash can load one thread while the other idles.) Shared state (cache,
    // limits, upstream settings) is thread-safe.
    let threads = config.worker_threads.map_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()), usize::from);
    let limits = server::Limits {
        header_read: config.header_read_timeout,
        idle: config.idle_timeout,
        connections: Arc::new(tokio::sync::Semaphore::new(config.max_connections)),
    };
    for index in 1..threads {
        let (router, limits) = (router.clone(), limits.clone());
        let socket = shared.try_clone().map_err(|e| e.to_string())?;
        std::thread::Builder::new()
            .name(format!("progress-proxy-{index}"))
            .spawn(move || {
                let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("a tokio runtime");
                runtime.block_on(async move {
                    match tokio::net::TcpListener::from_std(socket) {
                        Ok(listener) => server::serve(listener, router, limits, std::future::pending()).await,
                        Err(err) => tracing::error!("worker {index} cannot listen on {addr}: {err}"),
                    }
                });
            })
            .map_err(|e| format!("cannot start a worker thread: {e}"))?;
    }
    if let Some(listener) = metrics_listener {
        let metrics_addr = listener.local_addr().map_err(|e| e.to_string())?;
        let metrics_app = axum::Router::new().route(
            "/metrics",
            axum::routing::get(move || {
                let handle = handle.clone();
                async move { metrics::render(&handle) }
            }),
        );
        tokio::spawn(async move { axum::serve(listener, metrics_app).await });
        tracing::info!("metrics on http://{metrics_addr}/metrics");
    }
    // Always printed, whatever RUST_LOG says: scripts and tests wait for this line.
    println!("progress-proxy listening on http://{addr}");
    server::serve(listener, router, limits, shutdown_signal()).await;
    Ok(())
}

/// Says at start what this proxy will and will not protect.
fn announce(config: &Config, tokens: Option<&PlayerTokens>) {
    if config.demo {
        tracing::warn!("DEMO MODE: every route answers built-in sample data for any player; no upstream is called");
    } else {
        for (provider, key) in
            [(Provider::Whalepass, &config.whalepass_api_key), (Provider::Giftoin, &config.giftoin_api_key)]
        {
            if key.is_none() {
                tracing::warn!(
                    "{} is off: {} is not set, so its routes answer 503",
                    provider.name(),
                    error::key_setting(provider)
                );
            }
        }
    }
    match tokens {
        Some(tokens) => match tokens.public() {
            auth::PublicIds::None => tracing::info!(algorithm = ?tokens.algorithm(), "player tokens required on every proxy route"),
            public => tracing::info!(
                algorithm = ?tokens.algorithm(),
                public = ?public,
                "player tokens required on every proxy route but the public battle passes' definitions (PUBLIC_BATTLEPASS_IDS)"
            ),
        },
        None => tracing::warn!(
            "player tokens are OFF: any visitor can read any player's progress by changing the id (set PLAYER_TOKEN_SECRET or PLAYER_TOKEN_PUBLIC_KEY); Giftoin reward values are {}",
            if config.redacts_reward_values() { "withheld" } else { "SENT (REDACT_REWARD_VALUES=false)" }
        ),
    }
    let origins = config.origins();
    if origins.iter().any(|o| o == "*") {
        tracing::warn!("ALLOWED_ORIGINS=*: any web page may call this proxy");
    }
    tracing::info!(
        allowed_origins = ?origins,
        upstream_concurrency = config.upstream_concurrency,
        upstream_body_memory_worst_case_mib = config.upstream_body_memory / (1024 * 1024),
        cache_max_mib = config.cache_max_bytes / (1024 * 1024),
        rate_limit = %match config.rate_limit_rps { 0 => "off".to_owned(), rps => format!("{rps}/s, burst {}", config.rate_limit_burst) },
        "ready"
    );
}

async fn shutdown_signal() {
    let interrupt = tokio::signal::ctrl_c();
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        _ = interrupt => {}
        () = terminate => {}
    }
}
