//! Settings: flags, environment variables and an optional TOML file, all with the same names.
//!
//! Precedence, highest first: a command-line flag, the environment, `--config FILE`, the default.
//! `progress-proxy --help` lists every setting with its variable and default.

use std::fmt;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use clap::{CommandFactory, Parser, Subcommand};
use url::Url;

/// The proxy's settings. Every setting also reads from the environment variable named here, and
/// from the same name in the `--config` file.
#[derive(Debug, Parser)]
#[command(name = "progress-proxy", version, about, after_help = AFTER_HELP)]
pub struct Config {
    /// A TOML file of settings, keyed by the variable names below (`ALLOWED_ORIGINS = ["https://a.example"]`).
    #[arg(long, env = "PROXY_CONFIG", value_name = "FILE", global = true)]
    pub config: Option<PathBuf>,

    /// Address to listen on.
    #[arg(long, env = "PROXY_LISTEN", default_value = "127.0.0.1:8080", help_heading = "Server")]
    pub listen: SocketAddr,

    /// A client that has not sent a whole request head within this time is disconnected.
    #[arg(long, env = "HEADER_READ_TIMEOUT", default_value = "10s", value_parser = duration, help_heading = "Server")]
    pub header_read_timeout: Duration,

    /// A keep-alive connection with no request for this long is closed.
    #[arg(long, env = "IDLE_TIMEOUT", default_value = "60s", value_parser = duration, help_heading = "Server")]
    pub idle_timeout: Duration,

    /// Open client connections at most; further clients wait in the listen backlog.
    #[arg(long, env = "MAX_CONNECTIONS", default_value_t = 4096, help_heading = "Server")]
    pub max_connections: usize,

    /// Threads serving connections, each with its own single-threaded runtime. Default: one per core.
    #[arg(long, env = "WORKER_THREADS", value_parser = clap::value_parser!(u16).range(1..=1024), help_heading = "Server")]
    pub worker_threads: Option<u16>,

    /// Origins allowed to call the proxy from a browser, comma-separated
    /// (`https://game.example,https://www.game.example`), or `*` for any. Requests without an
    /// `Origin` header (same-origin GETs, servers) need no entry. In demo mode the proxy's own
    /// origin is added.
    #[arg(long, env = "ALLOWED_ORIGINS", value_delimiter = ',', help_heading = "Server")]
    pub allowed_origins: Vec<String>,

    /// Serve the files in this folder (the demo page, `www/`, `pkg/`) on every other path.
    #[arg(long = "static", env = "STATIC_DIR", value_name = "DIR", help_heading = "Server")]
    pub static_dir: Option<PathBuf>,

    /// Answer every route from built-in sample data, for any player. Needs no keys; never use it
    /// for real players. Turns player tokens on with a random secret (unless one is set) and
    /// serves `GET /demo/token` so the demo page can sign in.
    #[arg(long, env = "DEMO", help_heading = "Server")]
    pub demo: bool,

    /// Whalepass API key (sent upstream as `X-API-KEY`). Without it the Whalepass routes answer 503.
    #[arg(long, env = "WHALEPASS_API_KEY", hide_env_values = true, value_parser = ApiKey::parse, help_heading = "Upstream")]
    pub whalepass_api_key: Option<ApiKey>,

    /// Giftoin API key (sent upstream as `x-gft_api_key`). Without it the Giftoin routes answer 503.
    #[arg(long, env = "GIFTOIN_API_KEY", hide_env_values = true, value_parser = ApiKey::parse, help_heading = "Upstream")]
    pub giftoin_api_key: Option<ApiKey>,

    /// Whalepass API base URL.
    #[arg(long, env = "WHALEPASS_BASE_URL", default_value = "https://api.whalepass.gg", help_heading = "Upstream")]
    pub whalepass_base_url: Url,

    /// Giftoin API base URL.
    #[arg(long, env = "GIFTOIN_BASE_URL", default_value = "https://api.giftoin.org/api/v1", help_heading = "Upstream")]
    pub giftoin_base_url: Url,

    /// Milliseconds to wait for an upstream answer (including a free upstream slot) before replying 504.
    #[arg(long, env = "UPSTREAM_TIMEOUT_MS", default_value_t = 10_000, help_heading = "Upstream")]
    pub upstream_timeout_ms: u64,

    /// Upstream requests in flight at once, per provider: a burst queues here instead of
    /// reaching the provider's own rate limit at full width.
    #[arg(long, env = "UPSTREAM_CONCURRENCY", default_value_t = 32, value_parser = clap::value_parser!(u32).range(1..=4096), help_heading = "Upstream")]
    pub upstream_concurrency: u32,

    /// Bytes of upstream bodies buffered at once, at most (each body is capped at 4 MiB, and
    /// reserves its length before it is read). At least 4 MiB.
    #[arg(long, env = "UPSTREAM_BODY_MEMORY", default_value_t = 64 * 1024 * 1024, value_parser = clap::value_parser!(u64).range(4 * 1024 * 1024..=u32::MAX as u64 * 64), help_heading = "Upstream")]
    pub upstream_body_memory: u64,

    /// HS256 secret that signs player tokens (at least 32 bytes). With this or
    /// PLAYER_TOKEN_PUBLIC_KEY set, every proxy route requires a valid token.
    #[arg(long, env = "PLAYER_TOKEN_SECRET", hide_env_values = true, value_parser = Secret::parse, help_heading = "Player tokens")]
    pub player_token_secret: Option<Secret>,

    /// A PEM file with the public key that verifies player tokens (RS256 or ES256).
    #[arg(long, env = "PLAYER_TOKEN_PUBLIC_KEY", value_name = "PEM_FILE", help_heading = "Player tokens")]
    pub player_token_public_key: Option<PathBuf>,

    /// Required `iss` claim, if set.
    #[arg(long, env = "PLAYER_TOKEN_ISSUER", help_heading = "Player tokens")]
    pub player_token_issuer: Option<String>,

    /// Required `aud` claim, if set.
    #[arg(long, env = "PLAYER_TOKEN_AUDIENCE", help_heading = "Player tokens")]
    pub player_token_audience: Option<String>,

    /// Battle-pass ids whose definition answers without a player token (the guest view's
    /// season), comma-separated, or `*` for every id. Player routes always need a token.
    #[arg(long, env = "PUBLIC_BATTLEPASS_IDS", value_name = "IDS", help_heading = "Player tokens")]
    pub public_battlepass_ids: Option<String>,

    /// Withhold Giftoin reward values (claim codes) from answers not authorised by a player token.
    /// Default: on when player tokens are off (with tokens on, every answer is authorised).
    #[arg(long, env = "REDACT_REWARD_VALUES", value_parser = clap::builder::BoolishValueParser::new(), help_heading = "Player tokens")]
    pub redact_reward_values: Option<bool>,

    /// How long a battle-pass definition stays fresh in the cache (`0` turns its caching off).
    #[arg(long, env = "CACHE_TTL_BATTLEPASS", default_value = "5m", value_parser = duration, help_heading = "Cache")]
    pub cache_ttl_battlepass: Duration,

    /// How long a player's Whalepass progress stays fresh (`0` turns its caching off).
    #[arg(long, env = "CACHE_TTL_PROGRESS", default_value = "10s", value_parser = duration, help_heading = "Cache")]
    pub cache_ttl_progress: Duration,

    /// How long a user's Giftoin progress stays fresh (`0` turns its caching off).
    #[arg(long, env = "CACHE_TTL_GIFTOIN", default_value = "10s", value_parser = duration, help_heading = "Cache")]
    pub cache_ttl_giftoin: Duration,

    /// How long past its freshness an entry may still be answered while upstream fails
    /// (timeout, 5xx, 429, unreachable). `0` turns stale answers off.
    #[arg(long, env = "STALE_IF_ERROR", default_value = "10m", value_parser = duration, help_heading = "Cache")]
    pub stale_if_error: Duration,

    /// The cache's size bound, in bytes of bodies and keys.
    #[arg(long, env = "CACHE_MAX_BYTES", default_value_t = 64 * 1024 * 1024, help_heading = "Cache")]
    pub cache_max_bytes: u64,

    /// Requests per second allowed to one client (the token's subject, or else the client's IP),
    /// over all replicas when REDIS_URL is set, else per process. `0` turns the limit off.
    #[arg(long, env = "RATE_LIMIT_RPS", default_value_t = 10, help_heading = "Limits")]
    pub rate_limit_rps: u32,

    /// Requests a client may make at once above its rate before being refused.
    #[arg(long, env = "RATE_LIMIT_BURST", default_value_t = 60, value_parser = clap::value_parser!(u32).range(1..), help_heading = "Limits")]
    pub rate_limit_burst: u32,

    /// Take the client IP from `X-Forwarded-For` / `Forwarded` (only behind a proxy you run,
    /// which sets them: otherwise clients choose their own IP).
    #[arg(long, env = "TRUST_FORWARDED_FOR", help_heading = "Limits")]
    pub trust_forwarded_for: bool,

    /// A Redis or Valkey shared by every replica (`redis://[user:password@]host:port[/db]`, or
    /// `rediss://` for TLS): the cache's second tier, one upstream call per key across replicas,
    /// and rate limits and provider budgets counted over all replicas. Off unless set; the proxy
    /// serves on its own whenever Redis is down.
    #[arg(long, env = "REDIS_URL", hide_env_values = true, help_heading = "Shared (Redis)")]
    pub redis_url: Option<String>,

    /// A Redis Cluster instead of REDIS_URL: some of its nodes, comma-separated
    /// (`redis://10.0.0.1:6379,redis://10.0.0.2:6379`); credentials and TLS from the first.
    #[arg(long, env = "REDIS_CLUSTER_NODES", value_delimiter = ',', hide_env_values = true, help_heading = "Shared (Redis)")]
    pub redis_cluster_nodes: Vec<String>,

    /// Prefix of every Redis key this proxy writes, so environments and studios can share one Redis.
    #[arg(long, env = "REDIS_KEY_PREFIX", default_value = "progress-proxy:", help_heading = "Shared (Redis)")]
    pub redis_key_prefix: String,

    /// A Redis call slower than this is abandoned and the request goes on without Redis.
    #[arg(long, env = "REDIS_TIMEOUT", default_value = "100ms", value_parser = duration, help_heading = "Shared (Redis)")]
    pub redis_timeout: Duration,

    /// Whalepass calls per second for the whole deployment (its API key's budget), shared by every
    /// replica through Redis; without Redis, per process. Past it, a stale copy is answered, or 503
    /// with Retry-After. Unset: no budget.
    #[arg(long, env = "UPSTREAM_RPS_WHALEPASS", value_parser = clap::value_parser!(u32).range(1..), help_heading = "Limits")]
    pub upstream_rps_whalepass: Option<u32>,

    /// Giftoin calls per second for the whole deployment, as UPSTREAM_RPS_WHALEPASS.
    #[arg(long, env = "UPSTREAM_RPS_GIFTOIN", value_parser = clap::value_parser!(u32).range(1..), help_heading = "Limits")]
    pub upstream_rps_giftoin: Option<u32>,

    /// Serve `GET /metrics` (Prometheus) on this address instead of the main listener.
    #[arg(long, env = "METRICS_LISTEN", help_heading = "Observability")]
    pub metrics_listen: Option<SocketAddr>,

    /// Log format: `text` or `json` (one JSON object per line).
    #[arg(long, env = "LOG_FORMAT", default_value = "text", value_parser = ["text", "json"], help_heading = "Observability")]
    pub log_format: String,

    #[command(subcommand)]
    pub command: Option<Command>,
}

const AFTER_HELP: &str = "Every setting can also be given as an environment variable (shown in brackets) or in the \
--config TOML file under the same name. Durations take units: 500ms, 10s, 5m, 1h.";

/// Subcommands besides serving.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Print a player token signed with PLAYER_TOKEN_SECRET, for local testing and the demo.
    Token {
        /// The game's player id (`sub`): Whalepass `playerId`.
        #[arg(long)]
        sub: Option<String>,
        /// The Giftoin user, as `platform:platformUserId` (`gft`).
        #[arg(long)]
        gft: Option<String>,
        /// How long the token is valid.
        #[arg(long, default_value = "15m", value_parser = duration)]
        ttl: Duration,
    },
    /// Print every setting as JSON (variable, flag, default, section, help): the same definitions
    /// as `--help`, for the documentation site's settings table.
    Settings,
}

/// Every setting of [`Config`] as a JSON array, read from the same clap definitions as `--help`,
/// so a generated table cannot drift from the binary.
///
/// ```text
/// $ progress-proxy settings
/// [{"variable": "PROXY_CONFIG", "flag": "--config", "default": null, "section": "General", "help": "A TOML file…"}, …]
/// ```
pub fn settings_json() -> String {
    let command = Config::command();
    let settings: Vec<&clap::Arg> = command.get_arguments().filter(|arg| arg.get_env().is_some()).collect();
    fn section(arg: &clap::Arg) -> &str {
        arg.get_help_heading().unwrap_or("General")
    }
    // `--help`'s order: sections as they first appear, each with its settings in declaration order.
    let mut sections: Vec<&str> = Vec::new();
    for arg in &settings {
        if !sections.contains(&section(arg)) {
            sections.push(section(arg));
        }
    }
    let json: Vec<serde_json::Value> = sections
        .iter()
        .flat_map(|name| settings.iter().filter(move |arg| section(arg) == *name))
        .map(|arg| {
            let defaults: Vec<String> = arg.get_default_values().iter().map(|v| v.to_string_lossy().into_owned()).collect();
            serde_json::json!({
                "variable": arg.get_env().map(|e| e.to_string_lossy().into_owned()),
                "flag": arg.get_long().map(|l| format!("--{l}")),
                "default": (!defaults.is_empty()).then(|| defaults.join(",")),
                "section": section(arg),
                "help": arg.get_long_help().or(arg.get_help()).map(ToString::to_string).unwrap_or_default(),
            })
        })
        .collect();
    serde_json::to_string_pretty(&json).expect("settings serialise")
}

fn duration(raw: &str) -> Result<Duration, String> {
    match raw.trim() {
        "0" => Ok(Duration::ZERO),
        text => humantime::parse_duration(text).map_err(|err| format!("{err} (write e.g. 500ms, 10s, 5m)")),
    }
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

/// The player-token signing secret; like [`ApiKey`], never printed.
#[derive(Clone)]
pub struct Secret(Vec<u8>);

impl Secret {
    /// A secret of random bytes, for demo mode.
    pub fn random() -> Self {
        let mut bytes = vec![0u8; 32];
        getrandom::fill(&mut bytes).expect("the OS random source is available");
        Secret(bytes)
    }

    fn parse(raw: &str) -> Result<Self, String> {
        let secret = raw.trim();
        if secret.len() < 32 {
            return Err("the secret must be at least 32 bytes (e.g. `openssl rand -hex 32`)".into());
        }
        Ok(Secret(secret.as_bytes().to_vec()))
    }

    /// The secret's bytes, for the token signer and verifier only.
    pub fn expose(&self) -> &[u8] {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(<redacted>)")
    }
}

impl Config {
    /// Reads the settings: flags, then the environment, then the `--config` file.
    ///
    /// The file's values are put into the environment of this process for the names the
    /// environment does not already have, before anything else runs, so clap's own precedence
    /// (flag over environment over default) does the rest.
    pub fn load() -> Result<Self, String> {
        if let Some(path) = config_path() {
            let text = std::fs::read_to_string(&path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
            for (name, value) in file_settings(&text).map_err(|e| format!("{}: {e}", path.display()))? {
                if std::env::var_os(&name).is_none() {
                    // Single-threaded still: the runtime starts after the settings are read.
                    std::env::set_var(name, value);
                }
            }
        }
        Ok(Config::parse())
    }

    /// Whether player tokens are required.
    pub fn tokens_on(&self) -> bool {
        self.player_token_secret.is_some() || self.player_token_public_key.is_some()
    }

    /// Whether Giftoin reward values are withheld (never when tokens authorise every answer).
    pub fn redacts_reward_values(&self) -> bool {
        !self.tokens_on() && self.redact_reward_values.unwrap_or(true)
    }

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

    /// The upstream timeout.
    pub fn upstream_timeout(&self) -> Duration {
        Duration::from_millis(self.upstream_timeout_ms)
    }
}

/// `--config FILE` or `--config=FILE` from the command line, else `PROXY_CONFIG`.
fn config_path() -> Option<PathBuf> {
    let mut args = std::env::args_os().skip(1);
    while let Some(arg) = args.next() {
        let arg = arg.to_string_lossy().into_owned();
        if arg == "--config" {
            return args.next().map(PathBuf::from);
        }
        if let Some(path) = arg.strip_prefix("--config=") {
            return Some(PathBuf::from(path));
        }
    }
    std::env::var_os("PROXY_CONFIG").map(PathBuf::from)
}

/// The settings in a TOML file as (variable name, value) pairs. Keys are the environment names,
/// in any case, with `-` or `_`; lists become comma-separated values.
fn file_settings(text: &str) -> Result<Vec<(String, String)>, String> {
    let table: toml::Table = text.parse().map_err(|e: toml::de::Error| e.to_string())?;
    let known: Vec<String> = Config::command()
        .get_arguments()
        .filter_map(|arg| arg.get_env())
        .map(|env| env.to_string_lossy().into_owned())
        .collect();
    let scalar = |name: &str, value: &toml::Value| match value {
        toml::Value::String(s) => Ok(s.clone()),
        toml::Value::Integer(i) => Ok(i.to_string()),
        toml::Value::Float(f) => Ok(f.to_string()),
        toml::Value::Boolean(b) => Ok(b.to_string()),
        _ => Err(format!("`{name}` must be a string, number, boolean or a list of them")),
    };
    let mut settings = Vec::new();
    for (key, value) in &table {
        let name = key.to_ascii_uppercase().replace('-', "_");
        if !known.contains(&name) || name == "PROXY_CONFIG" {
            return Err(format!("unknown setting `{key}` (see progress-proxy --help)"));
        }
        let value = match value {
            toml::Value::Array(items) => items.iter().map(|v| scalar(&name, v)).collect::<Result<Vec<_>, _>>()?.join(","),
            other => scalar(&name, other)?,
        };
        settings.push((name, value));
    }
    Ok(settings)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_settings_use_the_variable_names_in_any_case() {
        let mut settings = file_settings(
            "allowed-origins = [\"https://a.example\", \"https://b.example\"]\nRATE_LIMIT_RPS = 5\nDEMO = true\n",
        )
        .unwrap();
        settings.sort();
        assert_eq!(
            settings,
            [
                ("ALLOWED_ORIGINS".to_owned(), "https://a.example,https://b.example".to_owned()),
                ("DEMO".to_owned(), "true".to_owned()),
                ("RATE_LIMIT_RPS".to_owned(), "5".to_owned()),
            ]
        );
    }

    #[test]
    fn unknown_file_settings_are_refused_by_name() {
        let err = file_settings("RATE_LIMITS = 5").unwrap_err();
        assert!(err.contains("RATE_LIMITS"), "{err}");
    }

    #[test]
    fn durations_take_units_and_zero() {
        assert_eq!(duration("0"), Ok(Duration::ZERO));
        assert_eq!(duration("5m"), Ok(Duration::from_secs(300)));
        assert!(duration("5").is_err());
    }
}
