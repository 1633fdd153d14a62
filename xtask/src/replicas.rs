//! Several proxy replicas as a studio runs them: a local `redis-server` they share and an nginx
//! round-robin balancer in front, each a real process from Debian's packages on a free loopback
//! port, stopped by process id. Used by `cargo xtask demo --replicas N` and
//! `cargo xtask bench-proxy --replicas N`.

use std::fmt::Write as _;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Duration;

use crate::bench::{free_port, nginx};
use crate::setup::{self, Result, Running, REDIS_CLI, REDIS_SERVER};

/// nginx, from Debian.
pub const NGINX: &str = "/usr/sbin/nginx";

/// Installs redis-server, redis-cli and nginx when absent (as root), or says which are missing.
pub fn programs() -> Result {
    setup::debian_programs(&[(REDIS_SERVER, "redis-server"), (REDIS_CLI, "redis-tools"), (NGINX, "nginx")])
}

/// A `redis-server` in `dir` on a free port, persistence off.
pub struct Redis {
    _process: Running,
    pub port: u16,
}

impl Redis {
    pub fn start(dir: &Path) -> Result<Self> {
        std::fs::create_dir_all(dir).map_err(|e| e.to_string())?;
        let port = free_port()?;
        let child = Command::new(REDIS_SERVER)
            .args(["--port", &port.to_string(), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"])
            .arg("--dir")
            .arg(dir)
            .stdout(Stdio::null())
            .spawn()
            .map_err(|e| format!("cannot start redis-server: {e}"))?;
        let redis = Redis { _process: Running(child), port };
        for _ in 0..100 {
            if redis.cli(&["PING"]).is_some_and(|answer| answer.trim() == "PONG") {
                return Ok(redis);
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        Err(format!("redis-server on port {port} did not answer"))
    }

    pub fn url(&self) -> String {
        format!("redis://127.0.0.1:{}", self.port)
    }

    /// What `redis-cli ARGS` printed, or `None` if it failed.
    pub fn cli(&self, args: &[&str]) -> Option<String> {
        let mut all = vec!["-h", "127.0.0.1"];
        let port = self.port.to_string();
        all.extend(["-p", &port]);
        all.extend_from_slice(args);
        setup::output(REDIS_CLI, &all)
    }

    /// Commands Redis has processed so far (`INFO stats`).
    pub fn commands(&self) -> u64 {
        self.info_field("stats", "total_commands_processed")
    }

    fn info_field(&self, section: &str, field: &str) -> u64 {
        let info = self.cli(&["INFO", section]).unwrap_or_default();
        info.lines().find_map(|l| l.strip_prefix(&format!("{field}:"))).and_then(|v| v.trim().parse().ok()).unwrap_or(0)
    }

    /// The keys matching `pattern` and the bytes Redis spends on them (`MEMORY USAGE`).
    pub fn memory_of(&self, pattern: &str) -> (u64, u64) {
        let keys = self.cli(&["--scan", "--pattern", pattern]).unwrap_or_default();
        let mut count = 0;
        let mut bytes = 0;
        for key in keys.lines().filter(|k| !k.is_empty()) {
            count += 1;
            bytes += self.cli(&["MEMORY", "USAGE", key]).and_then(|v| v.trim().parse::<u64>().ok()).unwrap_or(0);
        }
        (count, bytes)
    }
}

/// An nginx round-robin balancer on `listen` in front of `backends` (no stickiness), passing the
/// client address in `X-Forwarded-For` as a studio's balancer would.
pub fn balancer(dir: &Path, listen: &str, backends: &[String]) -> Result<Running> {
    std::fs::create_dir_all(dir.join("tmp")).map_err(|e| e.to_string())?;
    let d = dir.display().to_string();
    let mut servers = String::new();
    for backend in backends {
        let _ = write!(servers, "server {}; ", backend.trim_start_matches("http://").trim_end_matches('/'));
    }
    let t = dir.join("tmp").display().to_string();
    let conf = format!(
        "worker_processes 2;\npid {d}/nginx.pid;\nerror_log {d}/error.log warn;\ndaemon off;\nevents {{ worker_connections 4096; }}
http {{ access_log off; keepalive_requests 1000000;
  client_body_temp_path {t}/body; proxy_temp_path {t}/proxy; fastcgi_temp_path {t}/fastcgi; uwsgi_temp_path {t}/uwsgi; scgi_temp_path {t}/scgi;
  upstream replicas {{ {servers} keepalive 128; }}
  server {{ listen {listen};
    location / {{ proxy_pass http://replicas; proxy_http_version 1.1; proxy_set_header Connection \"\";
      proxy_set_header Host $http_host; proxy_set_header X-Forwarded-For $remote_addr; proxy_buffering off; }}
  }}
}}
"
    );
    nginx(dir, &conf)
}
