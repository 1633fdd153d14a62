//! `cargo xtask bench-proxy`: progress-proxy against nginx, on this machine, under the same load.
//!
//! nginx (Debian's) serves the upstream answers as static JSON, and is the peer twice: plain
//! `proxy_pass` (pass-through, cache off) and `proxy_cache` with 1 s validity (cache on).
//! progress-proxy (release build) runs the same two ways: every cache TTL 0, or every TTL 1 s.
//! wrk sends the same mix of the five read routes over 100 players to each, and the task prints
//! req/s, p50, p99, CPU ms per 1,000 requests and RSS of the server under test. Nothing is
//! asserted: the figures are for the closing notes of the work that changes them.
//!
//! `BENCH_SECONDS` (default 20) sets each run's length, `BENCH_CONNECTIONS` (default 64) wrk's.

use std::fmt::Write as _;
use std::io::{BufRead, BufReader};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Duration;

use crate::replicas::NGINX;
use crate::setup::{self, root, run, Result, Running};

const WRK: &str = "/usr/bin/wrk";
const PLAYERS: usize = 100;

/// One server under test.
struct Target {
    name: &'static str,
    url: String,
    /// The processes whose CPU and memory count.
    pids: Vec<u32>,
}

/// What wrk and /proc said about one run.
struct Figures {
    requests_per_s: f64,
    p50_ms: f64,
    p99_ms: f64,
    errors: u64,
    cpu_ms_per_1000: f64,
    rss_mib: f64,
    /// Upstream requests per 1,000 client requests.
    upstream_per_1000: f64,
    /// Redis commands per client request.
    redis_per_request: f64,
}

/// Counts the bench reads before and after a run: (upstream requests, Redis commands).
type Counters<'a> = &'a dyn Fn() -> (u64, u64);

pub fn bench_proxy(replicas: Option<usize>) -> Result {
    setup::debian_programs(&[(NGINX, "nginx"), (WRK, "wrk")])?;
    if replicas.is_some() {
        crate::replicas::programs()?;
    }
    run(Command::new("cargo").args(["build", "--release", "-q", "-p", "progress-proxy"]))?;
    let seconds: u64 = std::env::var("BENCH_SECONDS").ok().and_then(|s| s.parse().ok()).unwrap_or(20);
    let connections: u64 = std::env::var("BENCH_CONNECTIONS").ok().and_then(|s| s.parse().ok()).unwrap_or(64);
    let dir = root().join("target/bench-proxy");
    let _ = std::fs::remove_dir_all(&dir);
    for sub in ["static", "upstream", "peer/cache", "peer/tmp"] {
        std::fs::create_dir_all(dir.join(sub)).map_err(|e| e.to_string())?;
    }
    write_upstream_files(&dir.join("static"))?;

    let upstream_port = free_port()?;
    let (pass_port, cache_port) = (free_port()?, free_port()?);
    let upstream = nginx(&dir.join("upstream"), &upstream_conf(&dir, upstream_port))?;
    let peer = nginx(&dir.join("peer"), &peer_conf(&dir, upstream_port, pass_port, cache_port))?;
    let upstream_url = format!("http://127.0.0.1:{upstream_port}");
    let peer_pids = nginx_pids(&peer);

    let secret = "bench-player-token-secret-0123456789abcdef";
    let tokens: Vec<String> = (1..=PLAYERS).map(|i| token(secret, i)).collect::<Result<_>>()?;
    let plain = script(&dir, "mix.lua", None)?;
    let signed = script(&dir, "mix-tokens.lua", Some(&tokens))?;

    let upstream_requests = || upstream_requests(upstream_port);
    if let Some(count) = replicas {
        let rows = bench_replicas(&dir, &upstream_url, &plain, count, seconds, connections, &upstream_requests)?;
        drop((upstream, peer));
        print_table(&rows);
        return Ok(());
    }

    let proxy = |ttl: &str, tokens: bool| -> Result<(Running, String)> {
        let mut command = proxy_command(&upstream_url, ttl);
        if tokens {
            command.env("PLAYER_TOKEN_SECRET", secret);
        }
        start_proxy(&mut command)
    };

    let mut rows: Vec<(String, Figures)> = Vec::new();
    for round in 1..=2 {
        eprintln!("\n== round {round} of 2, {seconds} s per run, {connections} connections ==");
        let (pass, pass_url) = proxy("0", false)?;
        let (cached, cached_url) = proxy("1s", false)?;
        let (cached_tokens, tokens_url) = proxy("1s", true)?;
        let targets = [
            (Target { name: "nginx proxy_pass (cache off)", url: format!("http://127.0.0.1:{pass_port}"), pids: peer_pids.clone() }, &plain),
            (Target { name: "progress-proxy (cache off)", url: pass_url, pids: vec![pass.0.id()] }, &plain),
            (Target { name: "nginx proxy_cache 1 s", url: format!("http://127.0.0.1:{cache_port}"), pids: peer_pids.clone() }, &plain),
            (Target { name: "progress-proxy (cache 1 s)", url: cached_url, pids: vec![cached.0.id()] }, &plain),
            (Target { name: "progress-proxy (cache 1 s, tokens)", url: tokens_url, pids: vec![cached_tokens.0.id()] }, &signed),
        ];
        for (target, script) in &targets {
            let figures = measure(target, script, seconds, connections, &|| (upstream_requests(), 0))?;
            eprintln!("  {:<38} {:>9.0} req/s  p99 {:>6.2} ms", target.name, figures.requests_per_s, figures.p99_ms);
            rows.push((format!("{} (round {round})", target.name), figures));
        }
    }
    drop((upstream, peer));
    print_table(&rows);
    Ok(())
}

/// The release proxy with the bench's settings: both keys, the upstream at `upstream_url`, every
/// cache TTL at `ttl`, no rate limit (wrk is one client), reward values sent.
fn proxy_command(upstream_url: &str, ttl: &str) -> Command {
    let mut command = Command::new(root().join("target/release/progress-proxy"));
    command
        .env_clear()
        .env("PROXY_LISTEN", "127.0.0.1:0")
        .env("RUST_LOG", "warn")
        .env("WHALEPASS_API_KEY", "bench-key")
        .env("GIFTOIN_API_KEY", "bench-key")
        .env("WHALEPASS_BASE_URL", upstream_url)
        .env("GIFTOIN_BASE_URL", format!("{upstream_url}/api/v1"))
        .env("RATE_LIMIT_RPS", "0")
        .env("REDACT_REWARD_VALUES", "false");
    for setting in ["CACHE_TTL_BATTLEPASS", "CACHE_TTL_PROGRESS", "CACHE_TTL_GIFTOIN"] {
        command.env(setting, ttl);
    }
    command
}

pub fn free_port() -> Result<u16> {
    let listener = TcpListener::bind("127.0.0.1:0").map_err(|e| e.to_string())?;
    Ok(listener.local_addr().map_err(|e| e.to_string())?.port())
}

/// The upstream answers, from the fake upstream's fixtures (the documented shapes).
fn write_upstream_files(dir: &Path) -> Result {
    let fixtures = root().join("tests/fake-upstream/fixtures");
    let read = |name: &str| std::fs::read_to_string(fixtures.join(name)).map_err(|e| format!("{name}: {e}"));
    let fill = |text: String| text.replace("{playerId}", "p-1").replace("{gameId}", "g-1").replace("{battlepassId}", "bp-7");
    let programs = read("giftoin-programs.json")?;
    let first = programs.find("\n {").map(|start| &programs[start..]).unwrap_or("{}");
    // The first program of the list, as the one-program route answers.
    let one = first.split("\n },").next().unwrap_or("{}").trim().to_owned() + "\n }";
    for (name, body) in [
        ("progress.json", fill(read("whalepass-progress.json")?)),
        ("battlepass.json", fill(read("whalepass-battlepass.json")?)),
        ("programs.json", programs.clone()),
        ("program.json", one),
    ] {
        std::fs::write(dir.join(name), body).map_err(|e| e.to_string())?;
    }
    Ok(())
}

fn common_conf(dir: &Path, name: &str) -> String {
    let d = dir.join(name).display().to_string();
    format!(
        "worker_processes 2;\npid {d}/nginx.pid;\nerror_log {d}/error.log warn;\ndaemon off;\nevents {{ worker_connections 4096; }}\n"
    )
}

fn temp_paths(dir: &Path) -> String {
    let t = dir.join("peer/tmp").display().to_string();
    format!("client_body_temp_path {t}/body; proxy_temp_path {t}/proxy; fastcgi_temp_path {t}/fastcgi; uwsgi_temp_path {t}/uwsgi; scgi_temp_path {t}/scgi;")
}

fn upstream_conf(dir: &Path, port: u16) -> String {
    let root_dir = dir.join("static").display().to_string();
    let mut conf = common_conf(dir, "upstream");
    let _ = write!(
        conf,
        "http {{ access_log off; default_type application/json; keepalive_requests 1000000; {temp}
  server {{ listen 127.0.0.1:{port}; root {root_dir};
    location = /__status {{ stub_status; }}
    location ~ ^/players/[^/]+/progress$ {{ try_files /progress.json =404; }}
    location ~ ^/battlepass/ {{ try_files /battlepass.json =404; }}
    location ~ ^/api/v1/users/[^/]+/[^/]+/progress/collection-challenges$ {{ try_files /programs.json =404; }}
    location ~ ^/api/v1/users/[^/]+/[^/]+/progress/collection-challenges/[^/]+$ {{ try_files /program.json =404; }}
  }}
}}
",
        temp = temp_paths(dir)
    );
    conf
}

fn peer_conf(dir: &Path, upstream: u16, pass: u16, cache: u16) -> String {
    let cache_dir = dir.join("peer/cache").display().to_string();
    let locations = |cached: bool| {
        let caching = if cached {
            "proxy_cache pw; proxy_cache_valid 200 1s; proxy_cache_lock on; proxy_cache_use_stale error timeout updating http_500 http_502 http_503 http_504 http_429;"
        } else {
            ""
        };
        format!(
            "location /whalepass/ {{ proxy_pass http://backend/; proxy_http_version 1.1; proxy_set_header Connection \"\"; proxy_set_header X-API-KEY bench-key; {caching} }}
    location /giftoin/ {{ proxy_pass http://backend/api/v1/; proxy_http_version 1.1; proxy_set_header Connection \"\"; proxy_set_header x-gft_api_key bench-key; {caching} }}"
        )
    };
    let mut conf = common_conf(dir, "peer");
    let _ = write!(
        conf,
        "http {{ access_log off; default_type application/json; keepalive_requests 1000000; {temp}
  upstream backend {{ server 127.0.0.1:{upstream}; keepalive 128; }}
  proxy_cache_path {cache_dir} levels=1:2 keys_zone=pw:10m max_size=64m inactive=10m use_temp_path=off;
  server {{ listen 127.0.0.1:{pass}; {pass_locations} }}
  server {{ listen 127.0.0.1:{cache}; {cache_locations} }}
}}
",
        temp = temp_paths(dir),
        pass_locations = locations(false),
        cache_locations = locations(true),
    );
    conf
}

/// Starts nginx in the foreground with `conf`, and waits for its pid file.
pub fn nginx(dir: &Path, conf: &str) -> Result<Running> {
    let file = dir.join("nginx.conf");
    std::fs::write(&file, conf).map_err(|e| e.to_string())?;
    let child = Command::new(NGINX)
        .arg("-c")
        .arg(&file)
        .arg("-p")
        .arg(dir)
        .stderr(Stdio::inherit())
        .spawn()
        .map_err(|e| format!("cannot start nginx: {e}"))?;
    let running = Running(child);
    for _ in 0..100 {
        if dir.join("nginx.pid").is_file() && !nginx_pids(&running).is_empty() {
            std::thread::sleep(Duration::from_millis(200));
            return Ok(running);
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    Err(format!("nginx did not start; see {}", dir.join("error.log").display()))
}

/// nginx's master and its workers.
fn nginx_pids(master: &Running) -> Vec<u32> {
    let pid = master.0.id();
    let children = std::fs::read_to_string(format!("/proc/{pid}/task/{pid}/children")).unwrap_or_default();
    let workers: Vec<u32> = children.split_whitespace().filter_map(|p| p.parse().ok()).collect();
    if workers.is_empty() {
        return Vec::new();
    }
    std::iter::once(pid).chain(workers).collect()
}

fn token(secret: &str, player: usize) -> Result<String> {
    let out = Command::new(root().join("target/release/progress-proxy"))
        .args(["token", "--sub", &format!("p-{player}"), "--gft", &format!("discord:12345678901234{player:04}"), "--ttl", "2h"])
        .env("PLAYER_TOKEN_SECRET", secret)
        .output()
        .map_err(|e| e.to_string())?;
    if !out.status.success() {
        return Err(String::from_utf8_lossy(&out.stderr).into_owned());
    }
    Ok(String::from_utf8_lossy(&out.stdout).trim().to_owned())
}

/// A wrk script cycling through the five read routes for each of the players (with each
/// player's token, if given).
fn script(dir: &Path, name: &str, tokens: Option<&[String]>) -> Result<PathBuf> {
    // Formatted in `init`, which runs after wrk has set the Host header (at load time it has not).
    let mut lua = String::from("local requests = {}\ninit = function(args)\n");
    for player in 1..=PLAYERS {
        let auth = tokens.map_or(String::new(), |t| format!(", {{[\"Authorization\"] = \"Bearer {}\"}}", t[player - 1]));
        let user = format!("12345678901234{player:04}");
        for path in [
            format!("/whalepass/players/p-{player}/progress?gameId=g-1"),
            format!("/whalepass/players/p-{player}/progress?gameId=g-1&battlepassId=bp-7"),
            "/whalepass/battlepass/bp-7".to_owned(),
            format!("/giftoin/users/discord/{user}/progress/collection-challenges"),
            format!("/giftoin/users/discord/{user}/progress/collection-challenges/program_ocean"),
        ] {
            let _ = writeln!(lua, "  requests[#requests + 1] = wrk.format(\"GET\", \"{path}\"{auth})");
        }
    }
    lua.push_str("end\nlocal n = 0\nrequest = function()\n  n = n + 1\n  return requests[(n % #requests) + 1]\nend\n");
    let path = dir.join(name);
    std::fs::write(&path, lua).map_err(|e| e.to_string())?;
    Ok(path)
}

fn start_proxy(command: &mut Command) -> Result<(Running, String)> {
    let mut child = command.stdout(Stdio::piped()).stderr(Stdio::inherit()).spawn().map_err(|e| format!("cannot start progress-proxy: {e}"))?;
    let stdout = child.stdout.take().expect("piped");
    let running = Running(child);
    let mut lines = BufReader::new(stdout).lines();
    loop {
        let line = lines.next().ok_or("progress-proxy exited before listening")?.map_err(|e| e.to_string())?;
        if let Some(url) = line.split("listening on ").nth(1) {
            std::thread::spawn(move || lines.for_each(drop));
            return Ok((running, url.trim().to_owned()));
        }
    }
}

/// Requests the upstream nginx has handled so far (its `stub_status`; the status request itself
/// counts one).
fn upstream_requests(port: u16) -> u64 {
    use std::io::{Read, Write};
    let mut status = String::new();
    if let Ok(mut stream) = std::net::TcpStream::connect(("127.0.0.1", port)) {
        let _ = stream.write_all(b"GET /__status HTTP/1.1\r\nHost: upstream\r\nConnection: close\r\n\r\n");
        let _ = stream.read_to_string(&mut status);
    }
    let status = status.split_once("\r\n\r\n").map_or("", |(_, body)| body).to_owned();
    // "Active connections: 1\nserver accepts handled requests\n 5 5 9\n..."
    status.lines().nth(2).and_then(|l| l.split_whitespace().nth(2)).and_then(|n| n.parse().ok()).unwrap_or(0)
}

/// `--replicas N`: one replica against N sharing Redis behind an nginx balancer, all with every
/// cache TTL at 1 s, under the same load. Distinct keys in the mix: 4 per player plus the one
/// battle pass, so "never more than one upstream call per key per fresh TTL" is at most
/// `keys / 1 s` calls per second.
fn bench_replicas(
    dir: &Path,
    upstream_url: &str,
    script: &Path,
    count: usize,
    seconds: u64,
    connections: u64,
    upstream_requests: &dyn Fn() -> u64,
) -> Result<Vec<(String, Figures)>> {
    use crate::replicas::{balancer, Redis};
    // Replicas on one machine split its cores, as each replica would have its own in production:
    // N replicas with one serving thread per core each would oversubscribe these cores N times.
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let replica_threads = (cores / count).max(1).to_string();
    let proxy = |redis: Option<&Redis>, rate_limit: bool, threads: Option<&str>| -> Result<(Running, String)> {
        let mut command = proxy_command(upstream_url, "1s");
        if let Some(redis) = redis {
            command.env("REDIS_URL", redis.url());
        }
        if let Some(threads) = threads {
            command.env("WORKER_THREADS", threads);
        }
        if rate_limit {
            // On, as deployed, but high enough never to refuse wrk's one client: its cost only.
            command.env("RATE_LIMIT_RPS", "1000000").env("RATE_LIMIT_BURST", "1000000");
        }
        start_proxy(&mut command)
    };
    let keys = PLAYERS * 4 + 1;
    let mut rows = Vec::new();
    let mut memory = None;
    for round in 1..=2 {
        eprintln!("\n== replicas, round {round} of 2, {seconds} s per run, {connections} connections, {keys} distinct keys ==");
        let redis = Redis::start(&dir.join(format!("redis-{round}")))?;
        let counters = || (upstream_requests(), redis.commands());
        let (alone, alone_url) = proxy(None, false, None)?;
        let (one, one_url) = proxy(Some(&redis), false, None)?;
        let mut many = Vec::new();
        let mut limited = Vec::new();
        for _ in 0..count {
            many.push(proxy(Some(&redis), false, Some(&replica_threads))?);
            limited.push(proxy(Some(&redis), true, Some(&replica_threads))?);
        }
        let one_lb_port = free_port()?;
        let one_lb = balancer(&dir.join(format!("lb-one-{round}")), &format!("127.0.0.1:{one_lb_port}"), std::slice::from_ref(&one_url))?;
        let many_urls: Vec<String> = many.iter().map(|(_, url)| url.clone()).collect();
        let many_port = free_port()?;
        let many_lb = balancer(&dir.join(format!("lb-many-{round}")), &format!("127.0.0.1:{many_port}"), &many_urls)?;
        let limited_urls: Vec<String> = limited.iter().map(|(_, url)| url.clone()).collect();
        let limited_port = free_port()?;
        let limited_lb = balancer(&dir.join(format!("lb-limited-{round}")), &format!("127.0.0.1:{limited_port}"), &limited_urls)?;
        let many_pids: Vec<u32> = many.iter().map(|(r, _)| r.0.id()).collect();
        let targets = [
            Target { name: "1 replica, no Redis", url: alone_url, pids: vec![alone.0.id()] },
            Target { name: "1 replica + Redis", url: one_url.clone(), pids: vec![one.0.id()] },
            Target { name: "1 replica + Redis behind nginx", url: format!("http://127.0.0.1:{one_lb_port}"), pids: vec![one.0.id()] },
            Target { name: "N replicas + Redis behind nginx", url: format!("http://127.0.0.1:{many_port}"), pids: many_pids },
            Target {
                name: "N replicas + Redis behind nginx, shared rate limit on",
                url: format!("http://127.0.0.1:{limited_port}"),
                pids: limited.iter().map(|(r, _)| r.0.id()).collect(),
            },
        ];
        for target in &targets {
            let figures = measure(target, script, seconds, connections, &counters)?;
            let name = target.name.replace('N', &count.to_string());
            eprintln!(
                "  {name:<38} {:>9.0} req/s  p99 {:>6.2} ms  upstream/1,000 {:>6.2}  redis/req {:.3}",
                figures.requests_per_s, figures.p99_ms, figures.upstream_per_1000, figures.redis_per_request
            );
            rows.push((format!("{name} (round {round})"), figures));
        }
        memory = Some(redis.memory_of("progress-proxy:cache:*"));
        drop((limited_lb, many_lb, one_lb, limited, many, one, alone, redis));
    }
    let per_key = |row: &str| {
        let picked: Vec<&Figures> = rows.iter().filter(|(n, _)| n.starts_with(row)).map(|(_, f)| f).collect();
        let calls_per_s: f64 = picked.iter().map(|f| f.upstream_per_1000 * f.requests_per_s / 1000.0).sum::<f64>() / picked.len().max(1) as f64;
        let rps: f64 = picked.iter().map(|f| f.requests_per_s).sum::<f64>() / picked.len().max(1) as f64;
        (calls_per_s / keys as f64, rps)
    };
    let (one_per_key, one_rps) = per_key("1 replica + Redis behind nginx");
    let (many_per_key, many_rps) = per_key(&format!("{count} replicas + Redis behind nginx (round"));
    let (_, alone_rps) = per_key("1 replica, no Redis");
    println!(
        "\nupstream calls per key per second (fresh TTL 1 s, so at most 1): 1 replica {one_per_key:.2}, {count} replicas {many_per_key:.2}"
    );
    println!(
        "cached req/s, {count} replicas behind nginx / 1 replica behind nginx: {:.2}×; / 1 replica alone (no balancer, no Redis): {:.2}×",
        many_rps / one_rps.max(1.0),
        many_rps / alone_rps.max(1.0)
    );
    if let Some((entries, bytes)) = memory {
        println!(
            "Redis memory: {entries} cached entries, {bytes} bytes ({:.0} per entry, {:.0} per player with 4 entries each, this fixture's bodies)",
            bytes as f64 / entries.max(1) as f64,
            bytes as f64 / PLAYERS as f64
        );
    }
    Ok(rows)
}

/// CPU time (user + system) of `pids`, in milliseconds.
fn cpu_ms(pids: &[u32]) -> f64 {
    let ticks = setup::output("getconf", &["CLK_TCK"]).and_then(|t| t.trim().parse::<f64>().ok()).unwrap_or(100.0);
    pids.iter()
        .filter_map(|pid| std::fs::read_to_string(format!("/proc/{pid}/stat")).ok())
        .map(|stat| {
            // Fields after the command name (which may hold spaces) start at `) `.
            let rest = stat.rsplit_once(") ").map_or("", |(_, r)| r);
            let fields: Vec<&str> = rest.split_whitespace().collect();
            let field = |i: usize| fields.get(i).and_then(|f| f.parse::<f64>().ok()).unwrap_or(0.0);
            (field(11) + field(12)) * 1000.0 / ticks
        })
        .sum()
}

/// Resident memory of `pids`, in MiB.
fn rss_mib(pids: &[u32]) -> f64 {
    pids.iter()
        .filter_map(|pid| std::fs::read_to_string(format!("/proc/{pid}/status")).ok())
        .filter_map(|status| {
            let line = status.lines().find(|l| l.starts_with("VmRSS:"))?;
            line.split_whitespace().nth(1)?.parse::<f64>().ok()
        })
        .sum::<f64>()
        / 1024.0
}

fn measure(target: &Target, script: &Path, seconds: u64, connections: u64, counters: Counters) -> Result<Figures> {
    let wrk = |seconds: u64| {
        Command::new(WRK)
            .args(["-t2", &format!("-c{connections}"), &format!("-d{seconds}s"), "--latency", "-s"])
            .arg(script)
            .arg(&target.url)
            .output()
            .map_err(|e| format!("cannot run wrk: {e}"))
    };
    wrk(2)?; // warm-up: connections, caches, the allocator
    let cpu_before = cpu_ms(&target.pids);
    let (upstream_before, redis_before) = counters();
    let out = wrk(seconds)?;
    let cpu = cpu_ms(&target.pids) - cpu_before;
    let (upstream_after, redis_after) = counters();
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    let number_after = |label: &str| {
        text.lines().find_map(|l| l.trim().strip_prefix(label)).and_then(|rest| rest.split_whitespace().next()).map(str::to_owned)
    };
    let requests: f64 = text
        .lines()
        .find(|l| l.contains("requests in"))
        .and_then(|l| l.split_whitespace().next())
        .and_then(|n| n.parse().ok())
        .ok_or_else(|| format!("wrk printed no request count:\n{text}"))?;
    Ok(Figures {
        requests_per_s: number_after("Requests/sec:").and_then(|n| n.parse().ok()).unwrap_or(0.0),
        p50_ms: number_after("50%").map_or(0.0, |v| millis(&v)),
        p99_ms: number_after("99%").map_or(0.0, |v| millis(&v)),
        errors: number_after("Non-2xx or 3xx responses:").and_then(|n| n.parse().ok()).unwrap_or(0),
        cpu_ms_per_1000: cpu / requests * 1000.0,
        rss_mib: rss_mib(&target.pids),
        upstream_per_1000: upstream_after.saturating_sub(upstream_before) as f64 / requests * 1000.0,
        redis_per_request: redis_after.saturating_sub(redis_before) as f64 / requests,
    })
}

/// wrk's `1.23ms` / `456.00us` / `1.20s` as milliseconds.
fn millis(value: &str) -> f64 {
    let (number, factor) = if let Some(n) = value.strip_suffix("us") {
        (n, 0.001)
    } else if let Some(n) = value.strip_suffix("ms") {
        (n, 1.0)
    } else if let Some(n) = value.strip_suffix('s') {
        (n, 1000.0)
    } else {
        (value, 1.0)
    };
    number.parse::<f64>().unwrap_or(0.0) * factor
}

fn print_table(rows: &[(String, Figures)]) {
    println!("\n| server | req/s | p50 ms | p99 ms | non-2xx | CPU ms / 1,000 req | RSS MiB | upstream / 1,000 req | Redis cmds / req |");
    println!("|---|---:|---:|---:|---:|---:|---:|---:|---:|");
    for (name, f) in rows {
        println!(
            "| {name} | {:.0} | {:.2} | {:.2} | {} | {:.1} | {:.1} | {:.2} | {:.3} |",
            f.requests_per_s, f.p50_ms, f.p99_ms, f.errors, f.cpu_ms_per_1000, f.rss_mib, f.upstream_per_1000, f.redis_per_request
        );
    }
    if rows.iter().any(|(name, _)| name.contains("replica")) {
        return;
    }
    let ratio = |ours: &str, theirs: &str| {
        let avg = |prefix: &str| {
            let picked: Vec<f64> = rows.iter().filter(|(n, _)| n.starts_with(prefix)).map(|(_, f)| f.requests_per_s).collect();
            picked.iter().sum::<f64>() / picked.len().max(1) as f64
        };
        avg(ours) / avg(theirs).max(1.0)
    };
    println!(
        "\nprogress-proxy / nginx req/s, averaged over the rounds: pass-through {:.2}×, cached {:.2}×, cached with tokens {:.2}×",
        ratio("progress-proxy (cache off)", "nginx proxy_pass"),
        ratio("progress-proxy (cache 1 s)", "nginx proxy_cache"),
        ratio("progress-proxy (cache 1 s, tokens)", "nginx proxy_cache"),
    );
}
