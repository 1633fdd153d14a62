//! Settings, from the command line and the environment.

use std::fmt;
use std::net::SocketAddr;
use std::path::PathBuf;

use clap::Parser;
use url::Url;

/// The proxy's settings. Every setting also reads from the environment variable named here.
#[derive(Debug, Parser)]
#[command(name = "progress-proxy", version, about)]
pub struct Config {
    /// Address to listen on.
    #[arg(long, env = "PROXY_LISTEN", default_value = "127.0.0.1:8080")]
    pub listen: SocketAddr,

    /// Whalepass API key (sent upstream as `X-API-KEY`). Without it the Whalepass routes answer 503.
    #[arg(long, env = "WHALEPASS_API_KEY", hide_env_values = true, value_parser = ApiKey::parse)]
    pub whalepass_api_key: Option<ApiKey>,

    /// Giftoin API key (sent upstream as `x-gft_api_key`). Without it the Giftoin routes answer 503.
    #[arg(long, env = "GIFTOIN_API_KEY", hide_env_values = true, value_parser = ApiKey::parse)]
    pub giftoin_api_key: Option<ApiKey>,

    /// Whalepass API base URL.
    #[arg(long, env = "WHALEPASS_BASE_URL", default_value = "https://api.whalepass.gg")]
    pub whalepass_base_url: Url,

    /// Giftoin API base URL.
    #[arg(long, env = "GIFTOIN_BASE_URL", default_value = "https://api.giftoin.org/api/v1")]
    pub giftoin_base_url: Url,

    /// Origins allowed to call the proxy from a browser, comma-separated
    /// (`https://game.example,https://www.game.example`), or `*` for any. Same-origin pages need
    /// no entry. In demo mode the proxy's own origin is added.
    #[arg(long, env = "ALLOWED_ORIGINS", value_delimiter = ',')]
    pub allowed_origins: Vec<String>,

    /// Milliseconds to wait for an upstream answer before replying 504.
    #[arg(long, env = "UPSTREAM_TIMEOUT_MS", default_value_t = 10_000)]
    pub upstream_timeout_ms: u64,

    /// Serve the files in this folder (the demo page, `www/`, `pkg/`) on every other path.
    #[arg(long = "static", value_name = "DIR")]
    pub static_dir: Option<PathBuf>,

    /// Answer every route from built-in sample data, for any player. Needs no keys; never use it
    /// for real players.
    #[arg(long)]
    pub demo: bool,
}

/// A secret API key. It has no `Display`, and its `Debug` prints no byte of it, so it cannot end
/// up in a log line or an error body by accident.
#[derive(Clone)]
pub struct ApiKey(String);

impl ApiKey {
    fn parse(raw: &str) -> Result<Self, String> {
        let key = raw.trim();
        if key.is_empty() {
            return Err("the key is empty".into());
        }
        if !key.bytes().all(|b| b.is_ascii_graphic()) {
            return Err("the key must be printable ASCII without spaces".into());
        }
        Ok(ApiKey(key.to_owned()))
    }

    /// The key, for the one place that needs it: the upstream request header.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for ApiKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("ApiKey(<redacted>)")
    }
}

impl Config {
    /// The allowed browser origins, with the proxy's own origins added in demo mode.
    pub fn origins(&self) -> Vec<String> {
        let mut origins: Vec<String> = self
            .allowed_origins
            .iter()
            .map(|o| o.trim().trim_end_matches('/').to_owned())
            .filter(|o| !o.is_empty())
            .collect();
        if self.demo {
            let port = self.listen.port();
            origins.push(format!("http://{}", self.listen));
            origins.push(format!("http://localhost:{port}"));
            origins.push(format!("http://127.0.0.1:{port}"));
        }
        origins.sort();
        origins.dedup();
        origins
    }
}
