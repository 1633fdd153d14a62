//! Real `redis-server` processes from Debian's package, for the shared-tier tests: one server,
//! or a three-node cluster, each on a free loopback port in its own temporary directory with
//! persistence off, stopped by process id.

use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

/// The Debian package's binaries.
fn program(name: &str) -> String {
    for dir in ["/usr/bin", "/usr/local/bin", "/usr/sbin"] {
        let path = format!("{dir}/{name}");
        if std::path::Path::new(&path).exists() {
            return path;
        }
    }
    panic!("{name} not found: install Debian's redis-server package (`apt-get install redis-server`; `cargo xtask test` does it when run as root)");
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

/// One `redis-server`; stopped on drop.
pub struct Redis {
    pub port: u16,
    dir: PathBuf,
    child: Option<Child>,
    cluster: bool,
    /// TLS only, with a password: (the CA file that signed its certificate, the password).
    tls: Option<(PathBuf, String)>,
}

impl Redis {
    /// A stand-alone server on a free port.
    pub async fn start() -> Self {
        Self::start_on(free_port(), false).await
    }

    async fn start_on(port: u16, cluster: bool) -> Self {
        let dir = std::env::temp_dir().join(format!("pw-redis-{}-{port}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let mut redis = Redis { port, dir, child: None, cluster, tls: None };
        redis.run().await;
        redis
    }

    /// A server that speaks only TLS (a certificate for 127.0.0.1 from a CA made here) and
    /// requires `password`. Clients trust the CA through `SSL_CERT_FILE` = [`Redis::ca_file`].
    pub async fn start_tls(password: &str) -> Self {
        let port = free_port();
        let dir = std::env::temp_dir().join(format!("pw-redis-tls-{}-{port}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let mut ca_params = rcgen::CertificateParams::new(Vec::<String>::new()).unwrap();
        ca_params.is_ca = rcgen::IsCa::Ca(rcgen::BasicConstraints::Unconstrained);
        ca_params.distinguished_name.push(rcgen::DnType::CommonName, "progress-widgets test CA");
        let ca = rcgen::CertifiedIssuer::self_signed(ca_params, rcgen::KeyPair::generate().unwrap()).unwrap();
        let key = rcgen::KeyPair::generate().unwrap();
        // Its own name: a certificate whose subject equals its issuer reads as self-signed.
        let mut params = rcgen::CertificateParams::new(vec!["127.0.0.1".to_owned()]).unwrap();
        params.distinguished_name.push(rcgen::DnType::CommonName, "redis test server");
        let cert = params.signed_by(&key, &ca).unwrap();
        std::fs::write(dir.join("ca.pem"), ca.pem()).unwrap();
        std::fs::write(dir.join("server.pem"), cert.pem()).unwrap();
        std::fs::write(dir.join("server.key"), key.serialize_pem()).unwrap();
        let mut redis = Redis { port, dir: dir.clone(), child: None, cluster: false, tls: Some((dir.join("ca.pem"), password.to_owned())) };
        redis.run().await;
        redis
    }

    /// The CA that signed a TLS server's certificate.
    pub fn ca_file(&self) -> PathBuf {
        self.tls.as_ref().expect("a TLS server").0.clone()
    }

    async fn run(&mut self) {
        let mut command = Command::new(program("redis-server"));
        command
            .args(["--port", &if self.tls.is_some() { 0 } else { self.port }.to_string()])
            .args(["--bind", "127.0.0.1", "--save", "", "--appendonly", "no"])
            .args(["--daemonize", "no", "--protected-mode", "yes"])
            .arg("--dir")
            .arg(&self.dir)
            .arg("--logfile")
            .arg(self.dir.join("redis.log"))
            .stdout(Stdio::null())
            .stderr(Stdio::null());
        if let Some((_, password)) = &self.tls {
            command.args(["--tls-port", &self.port.to_string(), "--tls-auth-clients", "no"]);
            command.arg("--tls-cert-file").arg(self.dir.join("server.pem"));
            command.arg("--tls-key-file").arg(self.dir.join("server.key"));
            command.arg("--tls-ca-cert-file").arg(self.dir.join("ca.pem"));
            command.args(["--requirepass", password]);
        }
        if self.cluster {
            command.args(["--cluster-enabled", "yes", "--cluster-config-file", "nodes.conf", "--cluster-node-timeout", "2000"]);
        }
        self.child = Some(command.spawn().expect("start redis-server"));
        for _ in 0..200 {
            if self.cli(&["PING"]).is_ok_and(|answer| answer.trim() == "PONG") {
                return;
            }
            tokio::time::sleep(Duration::from_millis(25)).await;
        }
        let log = std::fs::read_to_string(self.dir.join("redis.log")).unwrap_or_default();
        panic!("redis-server on port {} did not answer PING:\n{log}", self.port);
    }

    /// `redis://127.0.0.1:PORT`, or `rediss://:PASSWORD@127.0.0.1:PORT` for a TLS server.
    pub fn url(&self) -> String {
        match &self.tls {
            Some((_, password)) => format!("rediss://:{password}@127.0.0.1:{}", self.port),
            None => format!("redis://127.0.0.1:{}", self.port),
        }
    }

    /// Runs `redis-cli` against this server and returns what it printed.
    pub fn cli(&self, args: &[&str]) -> Result<String, String> {
        let mut command = Command::new(program("redis-cli"));
        command.args(["-h", "127.0.0.1", "-p", &self.port.to_string()]);
        if let Some((ca, password)) = &self.tls {
            command.args(["--tls", "--cacert"]).arg(ca).args(["--no-auth-warning", "-a", password]);
        }
        let output = command
            .args(args)
            .output()
            .map_err(|e| e.to_string())?;
        match output.status.success() {
            true => Ok(String::from_utf8_lossy(&output.stdout).into_owned()),
            false => Err(String::from_utf8_lossy(&output.stderr).into_owned()),
        }
    }

    /// Stops the server (by its process id), keeping its port for [`Redis::restart`].
    pub fn stop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }

    /// Starts the server again on the same port, empty.
    pub async fn restart(&mut self) {
        self.run().await;
    }

    /// Freezes the server (SIGSTOP): connections stay open and nothing answers.
    pub fn freeze(&self, frozen: bool) {
        let pid = self.child.as_ref().expect("running").id().to_string();
        let signal = if frozen { "-STOP" } else { "-CONT" };
        Command::new("kill").args([signal, &pid]).status().expect("kill");
    }

    /// Every key and its value (as `redis-cli` prints it), for the keyspace checks.
    pub fn dump(&self) -> Vec<(String, String)> {
        let keys = self.cli(&["--scan"]).unwrap();
        keys.lines()
            .filter(|k| !k.is_empty())
            .map(|key| {
                let value = match self.cli(&["TYPE", key]).unwrap().trim() {
                    "string" => self.cli(&["GET", key]).unwrap(),
                    other => format!("<{other}>"),
                };
                (key.to_owned(), value)
            })
            .collect()
    }
}

impl Drop for Redis {
    fn drop(&mut self) {
        if let Some(child) = &self.child {
            // A frozen server ignores SIGKILL only until continued; continue it first.
            let _ = Command::new("kill").args(["-CONT", &child.id().to_string()]).status();
        }
        self.stop();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// A three-node Redis Cluster (three primaries, no replicas), made with `redis-cli --cluster create`.
pub struct Cluster {
    pub nodes: Vec<Redis>,
}

impl Cluster {
    pub async fn start() -> Self {
        let mut nodes = Vec::new();
        for _ in 0..3 {
            nodes.push(Redis::start_on(free_port(), true).await);
        }
        let addrs: Vec<String> = nodes.iter().map(|n| format!("127.0.0.1:{}", n.port)).collect();
        let mut args = vec!["--cluster", "create"];
        args.extend(addrs.iter().map(String::as_str));
        args.extend(["--cluster-replicas", "0", "--cluster-yes"]);
        nodes[0].cli(&args).expect("redis-cli --cluster create");
        for _ in 0..400 {
            if nodes.iter().all(|n| n.cli(&["CLUSTER", "INFO"]).is_ok_and(|info| info.contains("cluster_state:ok"))) {
                return Cluster { nodes };
            }
            tokio::time::sleep(Duration::from_millis(25)).await;
        }
        panic!("the cluster did not reach cluster_state:ok");
    }

    /// `REDIS_CLUSTER_NODES`: every node's URL, comma-separated.
    pub fn nodes_setting(&self) -> String {
        self.nodes.iter().map(Redis::url).collect::<Vec<_>>().join(",")
    }

    /// Every key of every node.
    pub fn dump(&self) -> Vec<(String, String)> {
        self.nodes.iter().flat_map(Redis::dump).collect()
    }
}
