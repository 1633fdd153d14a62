//! The tasks themselves.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdout, Command, Stdio};
use std::time::Instant;

use crate::setup::{self, root, run, run_for_output, Result};
use crate::snip;

const PKG_WASM: &str = "pkg/progress_widgets_bg.wasm";
const PKG_JS: &str = "pkg/progress_widgets.js";
const PKG_ENTRY: &str = "pkg/progress-widgets.js";

/// `cargo xtask build`: the release package in `pkg/` (wasm-pack, `--target web`, the size-tuned
/// `wasm-release` profile and [`setup::size_flags`]), then wasm-opt.
pub fn build() -> Result<PathBuf> {
    build_keeping_names(false)
}

/// [`build`], with the wasm's function names kept when `names` (for [`size_by_name`]): the code
/// is the same, byte for byte, plus a `name` section.
fn build_keeping_names(names: bool) -> Result<PathBuf> {
    setup::wasm_tools()?;
    setup::npm_packages()?;
    let started = Instant::now();
    run(setup::size_flags(&mut Command::new("wasm-pack"))
        .args(["build", "--profile", "wasm-release", "--target", "web", "--out-dir", "pkg", "--out-name", "progress_widgets"])
        // wasm-pack must not fetch tools from the network: they are on PATH already.
        .env("WASM_PACK_CACHE", root().join("target/wasm-pack-cache")))?;
    let wasm = root().join(PKG_WASM);
    drop_unused_exports(&wasm)?;
    snip_unrun_code(&wasm)?;
    let names = run_for_output(
        Command::new(setup::wasm_opt())
            .arg(&wasm)
            // `-ocimfs=15`: a function with one caller is inlined into it only up to 15 bytes (by
            // default, whatever its size). Small functions, with few locals and the same short
            // local indices over and over, compress far better: about the same size raw, 12 KB
            // less brotli (0: 139,713 B; 15: 138,181; 30: 139,111; 100: 143,912; default 150,449).
            // Two rounds of -Oz: the second finds what the first's inlining and merging opened up
            // (−280 B brotli; --converge, --gufa and -O4 gave less).
            // `-aimfs=6 -ocimfs=20`: functions of up to 6 bytes are inlined everywhere and
            // one-caller ones up to 20: 9 % fewer functions (4,378 → 3,979) and 280 B less brotli.
            // Chromium compiles each wasm function on its first call, at a fixed cost of about
            // 12 µs (50 µs on a throttled phone) whatever its size: fewer functions on the way to
            // the first paint is that much less compiling (`cargo xtask bench`, phone cold:
            // instantiated → painted 244 → 234 ms, battle pass; 194 → 187, collections).
            .args(["-ocimfs=20", "-aimfs=6", "-Oz", "-Oz"])
            .args(names.then_some("-g"))
            .args(setup::WASM_FEATURES)
            // Functions sorted by name sit next to their look-alikes (the copies of one generic
            // function), which brotli then finds within its window: −1.1 KB brotli.
            .arg("--reorder-functions-by-name")
            // Import and export names shortened to a letter or two: wasm-bindgen's carry a
            // 16-digit hash each (`__wbg_remove_8228e91d7ddbc755`), which no compressor can
            // shrink, written in the wasm and in the glue (−2.4 KB brotli in the wasm). wasm-opt
            // prints the map; `finish-package.mjs` renames the glue by it.
            .arg("--minify-imports-and-exports-and-modules")
            // Sections no browser reads.
            .args(["--strip-producers", "--strip-target-features", "-o"])
            .arg(&wasm),
    )?;
    let map = names_map();
    std::fs::write(&map, names).map_err(|e| format!("cannot write {}: {e}", map.display()))?;
    zero_unreferenced_data(&wasm)?;
    ship_entry_point()?;
    eprintln!("built pkg/ in {:.1}s", started.elapsed().as_secs_f64());
    size()?;
    Ok(root().join("pkg"))
}

/// What wasm-streams exports (the `IntoUnderlying*` classes JavaScript streams can wrap): it comes
/// with Leptos's server functions, which the widgets never call, and its exports would keep its
/// code, and the futures machinery behind it, in the wasm. `finish-package.mjs` drops their glue.
const UNUSED_EXPORTS: &str = "intounderlying";

/// Removes the [`UNUSED_EXPORTS`] from the wasm and whatever only they reach (wasm-metadce, given
/// every other export as a root): −1.4 KB brotli. Names are kept (`-g`) for the ordering below.
fn drop_unused_exports(wasm: &std::path::Path) -> Result {
    let graph = setup::package_target_dir().join("metadce-graph.json");
    let script = r#"
        const fs = require('fs');
        const [wasm, graph, unused] = process.argv.slice(1);
        const module = new WebAssembly.Module(fs.readFileSync(wasm));
        const exports = WebAssembly.Module.exports(module).map((e) => e.name);
        const imports = WebAssembly.Module.imports(module);
        fs.writeFileSync(graph, JSON.stringify([
          ...exports.filter((name) => !name.includes(unused)).map((name) => ({ name: `js:${name}`, root: true, reaches: [`wasm:${name}`] })),
          ...exports.map((name) => ({ name: `wasm:${name}`, export: name })),
          ...imports.map((i) => ({ name: `import:${i.module}:${i.name}`, import: [i.module, i.name] })),
        ]));
    "#;
    run(Command::new("node").arg("-e").arg(script).arg(wasm).arg(&graph).arg(UNUSED_EXPORTS))?;
    // Its stdout, the list of what it removed, is not needed.
    run_for_output(
        Command::new(setup::wasm_opt().with_file_name("wasm-metadce"))
            .arg(wasm)
            .arg("-g")
            .args(setup::WASM_FEATURES)
            .arg("--graph-file")
            .arg(&graph)
            .arg("-o")
            .arg(wasm),
    )
    .map(drop)
}

/// Cuts code the widgets never run out of the wasm before wasm-opt, so that wasm-opt drops what
/// only it reached: Rust's panic machinery ([`snip::snip_panics`]; −2.3 KB brotli), the crates
/// only dead vtables reach ([`snip::snip_unreached`]: wasm-streams; −2.9 KB) and what a
/// dependency calls only under a Cargo feature the build leaves off ([`snip::snip_feature_gated`]:
/// tachys's delegated listeners; −1.3 KB), then `core::fmt`, which nothing left calls
/// ([`snip::snip_formatting`]; −2.5 KB). All need the names that wasm-bindgen and wasm-metadce
/// (`-g`) keep; wasm-opt strips them at the end. The direct calls the second and last check come from
/// binaryen's text form of the wasm as it is before any snip, and the snips only ever remove
/// calls: the check can only err towards keeping code. If it keeps it, the wasm ships larger and
/// the build says why.
fn snip_unrun_code(wasm: &Path) -> Result {
    let wat = text_form(wasm)?;
    let bytes = std::fs::read(wasm).map_err(|e| format!("cannot read {}: {e}", wasm.display()))?;
    let (bytes, panics) = snip::snip_panics(&bytes)?;
    if !panics.found_panic_fmt() {
        eprintln!("warning: core::panicking::panic_fmt is not among the wasm's function names, so Rust's panic machinery stays in (about 2.3 KB brotli more)");
    }
    let mut snipped = panics.functions;
    let crates = snip::UNREACHED_CRATES.join(", ");
    let wat = String::from_utf8_lossy(&wat);
    let (bytes, unreached) = snip::snip_unreached(&bytes, &wat)?;
    match unreached {
        snip::Unreached::Snipped(functions) => {
            eprintln!("{} functions of {crates} snipped: nothing in the widgets reaches them", functions.len());
            snipped.extend(functions);
        }
        snip::Unreached::Kept(why) => eprintln!("warning: {crates} stays in the wasm (about 2.9 KB brotli more): {why}"),
    }
    let features = wasm_features()?;
    let (bytes, gated) = snip::snip_feature_gated(&bytes, |krate, feature| {
        // A crate Cargo did not list is one whose features cannot be told: keep its code.
        features.iter().find(|(name, _)| name == krate).is_none_or(|(_, on)| on.iter().any(|f| f == feature))
    })?;
    for (function, krate, feature) in snip::FEATURE_GATED {
        let mine = gated.iter().filter(|g| g.contains(function)).count();
        if gated.iter().any(|g| g == function) {
            eprintln!("{function} and its closures snipped ({mine} functions): {krate}'s `{feature}` feature, the only way to it, is off");
        } else {
            eprintln!("warning: {function} stays in the wasm: {krate}'s `{feature}` feature is on, or the function is not there under that name");
        }
    }
    snipped.extend(gated);
    let (bytes, formatting) = snip::snip_formatting(&bytes, &wat, &snipped)?;
    match formatting {
        snip::Unreached::Snipped(functions) => eprintln!("{} formatting functions (core::fmt) snipped: nothing else calls them", functions.len()),
        snip::Unreached::Kept(why) => eprintln!("warning: core::fmt stays in the wasm (about 2.5 KB brotli more): {why}"),
    }
    std::fs::write(wasm, bytes).map_err(|e| format!("cannot write {}: {e}", wasm.display()))
}

/// binaryen's text form of a wasm (`wasm-dis`), which the snips and the data's zeroing read for
/// the calls and addresses in its code.
fn text_form(wasm: &Path) -> Result<Vec<u8>> {
    run_for_output(Command::new(setup::wasm_opt().with_file_name("wasm-dis")).arg(wasm))
}

/// Zeroes the constants of the wasm's data that nothing refers to any more (`data.rs`: the texts
/// of panics and formatting that the snips and wasm-opt removed; −1.1 KB brotli), from the
/// linker's map of this build. Without a usable map the wasm is kept as it is, and the build says
/// why.
fn zero_unreferenced_data(wasm: &Path) -> Result {
    let read = |path: &Path| std::fs::read(path).map_err(|e| format!("cannot read {}: {e}", path.display()));
    let map = match std::fs::read_to_string(setup::link_map()) {
        Ok(map) => map,
        Err(e) => {
            eprintln!("warning: no linker map ({e}), so the data nothing refers to stays in (about 1.1 KB brotli more)");
            return Ok(());
        }
    };
    let wat = text_form(wasm)?;
    let (bytes, zeroed) = crate::data::zero_unreferenced(&read(wasm)?, &map, &String::from_utf8_lossy(&wat), &read(&setup::linked_wasm())?)?;
    match zeroed {
        crate::data::Zeroed::Constants { count, bytes } => eprintln!("{count} constants of the data ({bytes} B) zeroed: nothing refers to them"),
        crate::data::Zeroed::Kept(why) => eprintln!("warning: the data nothing refers to stays in (about 1.1 KB brotli more): {why}"),
    }
    std::fs::write(wasm, bytes).map_err(|e| format!("cannot write {}: {e}", wasm.display()))
}

/// Each crate of the package's wasm build with the Cargo features it is built with, as Cargo
/// resolves them for `wasm32-unknown-unknown` (`cargo tree`).
fn wasm_features() -> Result<Vec<(String, Vec<String>)>> {
    let tree = run_for_output(
        Command::new("cargo")
            .args(["tree", "-p", "progress-widgets", "--target", "wasm32-unknown-unknown", "-e", "normal", "--prefix", "none"])
            .args(["--format", "{p}|{f}"]),
    )?;
    // `tachys v0.2.19|default,oco` (a `(*)` marks a crate already listed).
    Ok(String::from_utf8_lossy(&tree)
        .lines()
        .filter_map(|line| {
            let (package, features) = line.split_once('|')?;
            let features = features.trim_end_matches(" (*)");
            Some((package.split(' ').next()?.to_owned(), features.split(',').filter(|f| !f.is_empty()).map(str::to_owned).collect()))
        })
        .collect())
}

/// wasm-opt's map of the wasm's old import and export names to the short ones.
fn names_map() -> PathBuf {
    setup::package_target_dir().join("wasm-names.json")
}

/// Completes the package: the script-tag entry point, its types, the Custom Elements Manifest,
/// the package README and `package.json`'s entry points (`js/finish-package.mjs`).
fn ship_entry_point() -> Result {
    run(Command::new("node").arg(root().join("js/finish-package.mjs")).arg(root().join("pkg")).arg(names_map()))
}

/// `cargo xtask size`: raw, gzip and brotli bytes of the package's wasm and JS.
pub fn size() -> Result {
    let files: Vec<PathBuf> = [PKG_WASM, PKG_JS, PKG_ENTRY].iter().map(|f| root().join(f)).collect();
    if let Some(missing) = files.iter().find(|f| !f.is_file()) {
        return Err(format!("{} is missing: run `cargo xtask build` first", missing.display()));
    }
    // Node's zlib has brotli built in; no extra tool to install.
    let script = r#"
        const z = require('zlib'), fs = require('fs'), path = require('path');
        let total = [0, 0, 0];
        console.log('file'.padEnd(30), 'raw'.padStart(9), 'gzip'.padStart(9), 'brotli'.padStart(9));
        for (const f of process.argv.slice(1)) {
          const b = fs.readFileSync(f);
          const s = [b.length, z.gzipSync(b, {level: 9}).length,
                     z.brotliCompressSync(b, {params: {[z.constants.BROTLI_PARAM_QUALITY]: 11}}).length];
          s.forEach((v, i) => total[i] += v);
          console.log(path.basename(f).padEnd(30), ...s.map(v => String(v).padStart(9)));
        }
        console.log('total'.padEnd(30), ...total.map(v => String(v).padStart(9)));
    "#;
    let status = Command::new("node").arg("-e").arg(script).args(&files).status().map_err(|e| format!("cannot run node: {e}"))?;
    if status.success() { Ok(()) } else { Err("measuring sizes with node failed".into()) }
}

/// `cargo xtask size-by-name PATTERN...`: builds the package with the wasm's function names kept
/// (kept in `target/package/named.wasm`), builds it again as shipped (so `pkg/` is the real
/// package), and prints what the functions whose names match each pattern weigh, marginal brotli
/// included, and the largest functions (`bench/wasm-by-name.mjs`).
pub fn size_by_name(patterns: &[String]) -> Result {
    build_keeping_names(true)?;
    let named = setup::package_target_dir().join("named.wasm");
    std::fs::copy(root().join(PKG_WASM), &named).map_err(|e| format!("cannot keep {}: {e}", named.display()))?;
    build()?;
    run(Command::new("node").arg(root().join("bench/wasm-by-name.mjs")).arg(&named).args(patterns))
}

/// A child process that is killed when dropped, so no server outlives a failed task.
pub(crate) struct Server {
    pub(crate) child: Child,
    pub(crate) url: String,
}

impl Server {
    /// Starts `command` and waits for it to print `listening on <url>`.
    pub(crate) fn start(name: &str, command: &mut Command) -> Result<Self> {
        let mut child = command
            .current_dir(root())
            .stdout(Stdio::piped())
            .spawn()
            .map_err(|e| format!("cannot start {name}: {e}"))?;
        let mut lines = BufReader::new(child.stdout.take().expect("piped"));
        let mut line = String::new();
        loop {
            line.clear();
            if lines.read_line(&mut line).map_err(|e| e.to_string())? == 0 {
                let _ = child.kill();
                return Err(format!("{name} exited before it was listening"));
            }
            eprint!("  | {line}");
            if let Some(url) = line.split("listening on ").nth(1) {
                let url = url.split_whitespace().next().unwrap_or_default().to_owned();
                // Keep draining (and echoing) its output so it never blocks on a full pipe.
                std::thread::spawn(move || echo(lines));
                return Ok(Server { child, url });
            }
        }
    }
}

fn echo(lines: BufReader<ChildStdout>) {
    for line in lines.lines().map_while(std::result::Result::ok) {
        eprintln!("  | {line}");
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The site the proxy serves for the demo: the page, its assets and the package, linked (not
/// copied) so edits to `www/` show on reload.
fn demo_site() -> Result<PathBuf> {
    let site = root().join("target/demo-site");
    std::fs::create_dir_all(&site).map_err(|e| e.to_string())?;
    for entry in ["index.html", "www", "pkg"] {
        let link = site.join(entry);
        let _ = std::fs::remove_file(&link);
        std::os::unix::fs::symlink(root().join(entry), &link).map_err(|e| format!("cannot link {entry}: {e}"))?;
    }
    Ok(site)
}

/// `cargo xtask demo`: builds everything and serves the demo page with sample data; with
/// `--replicas N`, through N proxies sharing a local Redis behind an nginx balancer.
pub fn demo(replicas: Option<usize>) -> Result {
    if replicas.is_some() {
        crate::replicas::programs()?;
    }
    build()?;
    run(Command::new("cargo").args(["build", "--quiet", "-p", "progress-proxy"]))?;
    let site = demo_site()?;
    let listen = std::env::var("PROXY_LISTEN").unwrap_or_else(|_| "127.0.0.1:8080".into());
    if let Some(count) = replicas {
        return demo_replicas(&site, &listen, count);
    }
    let proxy = Server::start(
        "progress-proxy",
        Command::new(root().join("target/debug/progress-proxy")).args(["--demo", "--static"]).arg(&site).env("PROXY_LISTEN", &listen),
    )?;
    println!("\n  Demo: {}/  (sample data; Ctrl-C to stop)\n", proxy.url);
    let mut proxy = proxy;
    proxy.child.wait().map_err(|e| e.to_string())?;
    Ok(())
}

/// The demo as a studio deploys it: `count` demo proxies sharing one Redis (cache, single-flight,
/// limits) and one token secret, behind an nginx round-robin balancer on `listen`.
fn demo_replicas(site: &std::path::Path, listen: &str, count: usize) -> Result {
    let dir = root().join("target/demo-replicas");
    let _ = std::fs::remove_dir_all(&dir);
    let redis = crate::replicas::Redis::start(&dir.join("redis"))?;
    // Every replica must verify the tokens any of them signs: one secret for all.
    let secret = random_hex(32)?;
    let port = listen.rsplit(':').next().unwrap_or("8080");
    let origins = format!("http://{listen},http://localhost:{port},http://127.0.0.1:{port}");
    let mut proxies = Vec::new();
    for index in 1..=count {
        let proxy = Server::start(
            &format!("progress-proxy replica {index}"),
            Command::new(root().join("target/debug/progress-proxy"))
                .args(["--demo", "--static"])
                .arg(site)
                .env("PROXY_LISTEN", "127.0.0.1:0")
                .env("REDIS_URL", redis.url())
                .env("PLAYER_TOKEN_SECRET", &secret)
                .env("ALLOWED_ORIGINS", &origins)
                .env("TRUST_FORWARDED_FOR", "true"),
        )?;
        proxies.push(proxy);
    }
    let backends: Vec<String> = proxies.iter().map(|p| p.url.clone()).collect();
    let mut balancer = crate::replicas::balancer(&dir.join("balancer"), listen, &backends)?;
    println!(
        "\n  Demo: http://{listen}/  ({count} replicas sharing {} behind nginx round-robin; sample data; Ctrl-C to stop)\n",
        redis.url()
    );
    balancer.0.wait().map_err(|e| e.to_string())?;
    drop((proxies, redis));
    Ok(())
}

/// `bytes` random bytes from the OS, as hex.
fn random_hex(bytes: usize) -> Result<String> {
    use std::io::Read;
    let mut buffer = vec![0u8; bytes];
    std::fs::File::open("/dev/urandom").and_then(|mut f| f.read_exact(&mut buffer)).map_err(|e| format!("/dev/urandom: {e}"))?;
    Ok(buffer.iter().map(|b| format!("{b:02x}")).collect())
}

/// `cargo xtask bench [--against DIR]`: builds the release package (which prints its size table),
/// then times the first painted frame with data of each widget against a plain JavaScript render
/// of the same answer (`bench/first-paint.mjs`); with `--against`, also the package in DIR (a copy
/// of an earlier `pkg/`), in the same alternating runs.
pub fn bench(against: Option<&str>) -> Result {
    let Some(dir) = against else { return browser_bench("bench/first-paint.mjs", None) };
    if dir.is_empty() {
        return Err("--against takes a directory: a copy of an earlier pkg/ (`cp -r pkg /tmp/pkg-before`)".into());
    }
    let dir = std::fs::canonicalize(dir).map_err(|e| format!("--against {dir}: {e}"))?;
    if !dir.join("progress_widgets_bg.wasm").is_file() {
        return Err(format!("--against {}: not a built package (no progress_widgets_bg.wasm); copy pkg/ after `cargo xtask build`", dir.display()));
    }
    browser_bench("bench/first-paint.mjs", Some(("PW_AGAINST_PKG", &dir)))
}

/// `cargo xtask bench-render`: mount → rendered times of big answers in headless Chromium
/// through the real proxy (`bench/render.mjs`).
pub fn bench_render() -> Result {
    browser_bench("bench/render.mjs", None)
}

/// `cargo xtask bench-code`: how much of the wasm runs before each widget's first data paint, and
/// what that part and the rest weigh brotli-compressed (`bench/first-paint-code.mjs`): what a
/// split of the wasm for first paint could take off the download before the paint.
pub fn bench_code() -> Result {
    browser_bench("bench/first-paint-code.mjs", None)
}

/// Builds the package, the proxy and the fake upstream, and runs a browser bench script with the
/// same PW_* variables as the end-to-end tests (and binaryen's feature flags, for scripts that run
/// its tools on the wasm).
fn browser_bench(script: &str, extra: Option<(&str, &Path)>) -> Result {
    let (chromium, _) = setup::browser()?;
    setup::npm_packages()?;
    build()?;
    run(Command::new("cargo").args(["build", "--quiet", "-p", "progress-proxy", "-p", "fake-upstream"]))?;
    let site = demo_site()?;
    let mut node = Command::new("node");
    if let Some((name, value)) = extra {
        node.env(name, value);
    }
    run(node
        .arg(script)
        .env("PW_CHROMIUM", &chromium)
        .env("PW_PROXY_BIN", root().join("target/debug/progress-proxy"))
        .env("PW_FAKE_UPSTREAM_BIN", root().join("target/debug/fake-upstream"))
        .env("PW_SITE_DIR", &site)
        .env("PW_WASM_FEATURES", setup::WASM_FEATURES.join(" ")))
}

/// Passed and failed counts, read from each runner's closing lines.
#[derive(Default)]
struct Tally {
    passed: u64,
    failed: u64,
}

impl Tally {
    /// Reads `test result: ok. 3 passed; 0 failed` (cargo, wasm-bindgen-test) and `ℹ pass 3` /
    /// `ℹ fail 0` (node's test runner).
    fn read(&mut self, line: &str) {
        let number = |text: &str| text.trim().split(|c: char| !c.is_ascii_digit()).next().and_then(|n| n.parse::<u64>().ok()).unwrap_or(0);
        if let Some(rest) = line.trim().strip_prefix("test result: ") {
            for part in rest.split(';') {
                let part = part.trim().trim_start_matches("ok. ").trim_start_matches("FAILED. ");
                if part.ends_with(" passed") {
                    self.passed += number(part);
                } else if part.ends_with(" failed") {
                    self.failed += number(part);
                }
            }
        } else if let Some(rest) = line.trim().strip_prefix("ℹ pass ") {
            self.passed += number(rest);
        } else if let Some(rest) = line.trim().strip_prefix("ℹ fail ") {
            self.failed += number(rest);
        }
    }

    /// Runs a test command, echoing its output and counting its results.
    fn run(&mut self, command: &mut Command) -> Result {
        eprintln!("$ {}", setup::describe(command));
        let mut child = command
            .current_dir(root())
            .stdout(Stdio::piped())
            .spawn()
            .map_err(|e| format!("cannot run {}: {e}", setup::describe(command)))?;
        for line in BufReader::new(child.stdout.take().expect("piped")).lines().map_while(std::result::Result::ok) {
            println!("{line}");
            self.read(&line);
        }
        let status = child.wait().map_err(|e| e.to_string())?;
        if status.success() { Ok(()) } else { Err(format!("`{}` failed ({status})", setup::describe(command))) }
    }
}

/// The secret of the component tests' proxy with player tokens on.
const TEST_TOKEN_SECRET: &str = "component-tests-token-secret-0123456789";

/// The proxies the component tests talk to, in front of one fake upstream: one with player
/// tokens off (so claim codes are withheld) and one with them on, plus a token for `p-42`.
struct TestStack {
    _upstream: Server,
    open: Server,
    secure: Server,
    token: String,
}

/// The real proxy (keys set, every origin allowed) in front of the fake upstream, with extra
/// settings.
fn test_proxy(upstream: &Server, extra: &[(&str, &str)]) -> Result<Server> {
    let mut command = Command::new(root().join("target/debug/progress-proxy"));
    command
        .env("PROXY_LISTEN", "127.0.0.1:0")
        .env("WHALEPASS_API_KEY", "wp-SECRET-7f3a9c1e5b")
        .env("GIFTOIN_API_KEY", "gft-SECRET-91bd2e4a70")
        .env("WHALEPASS_BASE_URL", &upstream.url)
        .env("GIFTOIN_BASE_URL", format!("{}/api/v1", upstream.url))
        // wasm-bindgen-test serves its page from a random port.
        .env("ALLOWED_ORIGINS", "*")
        // Every test in the browser shares one client IP; the limit itself is tested over HTTP.
        .env("RATE_LIMIT_RPS", "0")
        // Refresh tests need each refresh to reach the fake upstream; the cache is tested over HTTP.
        .env("CACHE_TTL_PROGRESS", "0")
        .env("CACHE_TTL_GIFTOIN", "0")
        .envs(extra.iter().copied());
    Server::start("progress-proxy", &mut command)
}

fn test_stack() -> Result<TestStack> {
    let upstream = Server::start("fake-upstream", &mut Command::new(root().join("target/debug/fake-upstream")))?;
    let open = test_proxy(&upstream, &[])?;
    let secure = test_proxy(&upstream, &[("PLAYER_TOKEN_SECRET", TEST_TOKEN_SECRET)])?;
    let output = Command::new(root().join("target/debug/progress-proxy"))
        .args(["token", "--sub", "p-42", "--gft", "discord:123456789012345678", "--ttl", "2h"])
        .env("PLAYER_TOKEN_SECRET", TEST_TOKEN_SECRET)
        .output()
        .map_err(|e| format!("cannot run progress-proxy token: {e}"))?;
    if !output.status.success() {
        return Err(format!("progress-proxy token failed: {}", String::from_utf8_lossy(&output.stderr)));
    }
    let token = String::from_utf8_lossy(&output.stdout).trim().to_owned();
    Ok(TestStack { _upstream: upstream, open, secure, token })
}

/// `cargo xtask test`: every test, in a real browser where a browser is involved.
pub fn test() -> Result {
    let started = Instant::now();
    setup::wasm_tools()?;
    setup::npm_packages()?;
    let (chromium, chromedriver) = setup::browser()?;
    // The proxy's shared-tier tests start their own redis-server processes (and a cluster).
    setup::debian_programs(&[(setup::REDIS_SERVER, "redis-server"), (setup::REDIS_CLI, "redis-tools")])?;
    let mut tally = Tally::default();
    let outcome = (|| {
        eprintln!("\n== native: route contract, models, data shaping, proxy over HTTP ==");
        tally.run(Command::new("cargo").args(["test", "--workspace"]))?;

        eprintln!("\n== components in headless Chromium (wasm-bindgen-test) ==");
        // The binaries exactly as `cargo test --workspace` built them (its feature set, dev-
        // dependencies included): a build of the two packages alone would resolve features
        // differently and compile seven crates again (51 s on 2 cores).
        run(Command::new("cargo").args(["build", "--quiet", "--workspace", "--all-targets"]))?;
        {
            let stack = test_stack()?;
            tally.run(
                Command::new("cargo")
                    .args(["test", "--target", "wasm32-unknown-unknown", "-p", "progress-widgets", "--test", "components"])
                    .env("PW_TEST_PROXY_URL", &stack.open.url)
                    .env("PW_TEST_SECURE_PROXY_URL", &stack.secure.url)
                    .env("PW_TEST_PLAYER_TOKEN", &stack.token)
                    .env("CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER", "wasm-bindgen-test-runner")
                    .env("CHROMEDRIVER", &chromedriver)
                    .env("WASM_BINDGEN_TEST_TIMEOUT", "120")
                    // No DWARF in the test wasm: 11 MB for the runner to serve and Chromium to
                    // compile instead of 200 MB (names stay, so panics still say where).
                    .env("CARGO_PROFILE_TEST_DEBUG", "0"),
            )?;
        }

        eprintln!("\n== end to end: the demo page through the real proxy in headless Chromium ==");
        build()?;
        let site = demo_site()?;
        let docs = crate::docs::build(false, "")?;
        let leptos_app = crate::example::leptos_app()?;
        tally.run(
            Command::new("node")
                .args(["--test", "--test-reporter=spec", "--test-concurrency=1", "tests/e2e/"])
                .env("PW_DOCS_DIR", &docs)
                .env("PW_LEPTOS_APP_DIR", &leptos_app)
                .env("PW_CHROMIUM", &chromium)
                .env("PW_PROXY_BIN", root().join("target/debug/progress-proxy"))
                .env("PW_FAKE_UPSTREAM_BIN", root().join("target/debug/fake-upstream"))
                .env("PW_SITE_DIR", &site),
        )
    })();
    eprintln!("\ntook {:.0}s", started.elapsed().as_secs_f64());
    println!("tests: {} passed, {} failed", tally.passed, tally.failed);
    outcome?;
    if tally.passed == 0 {
        return Err("no test ran".into());
    }
    Ok(())
}

