//! `progress-proxy`: the reference proxy for the progress widgets.
//!
//! It forwards only the read routes of [`progress_contract::ProxyRoute`] to Whalepass and
//! Giftoin, adding the API keys, which never reach a browser.
//!
//! ```text
//! WHALEPASS_API_KEY=... GIFTOIN_API_KEY=... ALLOWED_ORIGINS=https://game.example progress-proxy
//! progress-proxy --demo --static .   # sample data, no keys, serves the demo page
//! ```

mod app;
mod config;
mod demo;
mod error;
mod giftoin;
mod upstream;
mod whalepass;

use clap::Parser;
use progress_contract::Provider;
use reqwest::header::HeaderValue;
use tracing_subscriber::EnvFilter;

use crate::config::{ApiKey, Config};

/// A header value for a key, marked sensitive so no debug output of the request prints it.
fn secret_header(key: &ApiKey) -> HeaderValue {
    let mut value = HeaderValue::from_str(key.expose()).expect("keys are checked to be printable ASCII");
    value.set_sensitive(true);
    value
}

#[tokio::main]
async fn main() -> std::process::ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info,tower_http=info")))
        .with_target(false)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stdout()))
        .init();
    let config = Config::parse();
    match run(config).await {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(message) => {
            tracing::error!("{message}");
            std::process::ExitCode::FAILURE
        }
    }
}

async fn run(config: Config) -> Result<(), String> {
    for (name, base) in [("WHALEPASS_BASE_URL", &config.whalepass_base_url), ("GIFTOIN_BASE_URL", &config.giftoin_base_url)] {
        if base.cannot_be_a_base() || !matches!(base.scheme(), "http" | "https") {
            return Err(format!("{name} must be an http(s) URL, got {base}"));
        }
    }
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
    let origins = config.origins();
    if origins.iter().any(|o| o == "*") {
        tracing::warn!("ALLOWED_ORIGINS=*: any web page may call this proxy");
    }
    let router = app::router(&config).map_err(|err| format!("cannot build the HTTP client: {err}"))?;
    let listener = tokio::net::TcpListener::bind(config.listen)
        .await
        .map_err(|err| format!("cannot listen on {}: {err}", config.listen))?;
    let addr = listener.local_addr().map_err(|err| err.to_string())?;
    tracing::info!(allowed_origins = ?origins, "ready");
    // Always printed, whatever RUST_LOG says: scripts and tests wait for this line.
    println!("progress-proxy listening on http://{addr}");
    axum::serve(listener, router)
        .with_graceful_shutdown(async {
            let _ = tokio::signal::ctrl_c().await;
        })
        .await
        .map_err(|err| err.to_string())
}
