//! Installing what the tasks need, only when it is absent, or saying exactly what is missing.

use std::path::{Path, PathBuf};
use std::process::Command;

/// A task's failure, as a message for the terminal.
pub type Result<T = ()> = std::result::Result<T, String>;

/// A process stopped (by its pid) when dropped: SIGTERM, so nginx's master stops its workers
/// (killed outright, it would leave them listening) and redis-server exits cleanly.
pub struct Running(pub std::process::Child);

impl Drop for Running {
    fn drop(&mut self) {
        let _ = Command::new("kill").args(["-TERM", &self.0.id().to_string()]).status();
        let _ = self.0.wait();
    }
}

/// The workspace root.
pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("xtask lives in the workspace").to_path_buf()
}

/// Runs a command in the workspace root, echoing it, and fails if it fails.
pub fn run(command: &mut Command) -> Result {
    eprintln!("$ {}", describe(command));
    if command.get_current_dir().is_none() {
        command.current_dir(root());
    }
    let status = command.status().map_err(|e| format!("cannot run {}: {e}", describe(command)))?;
    if status.success() { Ok(()) } else { Err(format!("`{}` failed ({status})", describe(command))) }
}

/// Runs a command in the workspace root, echoing it, and returns its stdout (stderr goes to the
/// terminal); fails if it fails.
pub fn run_for_output(command: &mut Command) -> Result<Vec<u8>> {
    eprintln!("$ {}", describe(command));
    if command.get_current_dir().is_none() {
        command.current_dir(root());
    }
    let out = command.stderr(std::process::Stdio::inherit()).output().map_err(|e| format!("cannot run {}: {e}", describe(command)))?;
    if out.status.success() { Ok(out.stdout) } else { Err(format!("`{}` failed ({})", describe(command), out.status)) }
}

/// Runs a command quietly and returns its stdout, or `None` if it cannot run or fails.
pub fn output(program: &str, args: &[&str]) -> Option<String> {
    let out = Command::new(program).args(args).output().ok()?;
    out.status.success().then(|| String::from_utf8_lossy(&out.stdout).into_owned())
}

pub fn describe(command: &Command) -> String {
    std::iter::once(command.get_program()).chain(command.get_args()).map(|a| a.to_string_lossy()).collect::<Vec<_>>().join(" ")
}

/// The wasm-bindgen version in Cargo.lock: the CLI must match it exactly.
fn locked_version(package: &str) -> Result<String> {
    let lock = std::fs::read_to_string(root().join("Cargo.lock")).map_err(|e| format!("cannot read Cargo.lock: {e}"))?;
    let marker = format!("name = \"{package}\"\nversion = \"");
    let start = lock.find(&marker).ok_or_else(|| format!("{package} is not in Cargo.lock"))? + marker.len();
    Ok(lock[start..].split('"').next().unwrap_or_default().to_owned())
}

/// The Rust side of the wasm build: the target, wasm-bindgen-cli at the locked version, wasm-pack.
pub fn wasm_tools() -> Result {
    let targets = output("rustup", &["target", "list", "--installed"]).unwrap_or_default();
    if !targets.lines().any(|t| t.trim() == "wasm32-unknown-unknown") {
        run(Command::new("rustup").args(["target", "add", "wasm32-unknown-unknown"]))?;
    }
    let version = locked_version("wasm-bindgen")?;
    let installed = output("wasm-bindgen", &["--version"]).unwrap_or_default();
    if installed.split_whitespace().nth(1) != Some(version.as_str()) {
        // Not `--locked`: its lockfile pins a webpki-roots release the registry no longer has.
        run(Command::new("cargo").args(["install", "wasm-bindgen-cli", "--version", &version, "--force"]))?;
    }
    if output("wasm-pack", &["--version"]).is_none() {
        run(Command::new("cargo").args(["install", "wasm-pack", "--version", "0.15.1"]))?;
    }
    Ok(())
}

/// npm dev dependencies (binaryen's wasm-opt, playwright-core) from the committed lockfile.
pub fn npm_packages() -> Result {
    let root = root();
    let stamp = root.join("node_modules/.package-lock.json");
    let fresh = modified(&stamp).is_some_and(|installed| modified(&root.join("package-lock.json")).is_some_and(|lock| installed >= lock));
    if fresh {
        return Ok(());
    }
    if output("npm", &["--version"]).is_none() {
        return Err("npm is missing: install Node.js 20+ and npm (Debian: apt-get install nodejs npm)".into());
    }
    run(Command::new("npm").args(["ci", "--no-audit", "--no-fund"]))
}

fn modified(path: &Path) -> Option<std::time::SystemTime> {
    std::fs::metadata(path).and_then(|m| m.modified()).ok()
}

/// The wasm-opt from the npm `binaryen` package. Debian's binaryen (wasm-opt 108) produces wasm
/// that crashes in Chromium, so the one on PATH is never used.
pub fn wasm_opt() -> PathBuf {
    root().join("node_modules/binaryen/bin/wasm-opt")
}

/// Where the release wasm (the package and the Rust example) is compiled: its own target
/// directory, because [`size_flags`] change how every crate is compiled, and sharing `target/`
/// with the other builds would rebuild both sides each time one of them runs.
pub fn package_target_dir() -> PathBuf {
    root().join("target/package")
}

/// The linker's map of the package's wasm (`build.rs` asks for it): where each constant of the
/// data section is, for [`crate::data`].
pub fn link_map() -> PathBuf {
    package_target_dir().join("wasm.map")
}

/// The wasm the linker wrote for the package, before wasm-bindgen.
pub fn linked_wasm() -> PathBuf {
    package_target_dir().join("wasm32-unknown-unknown/wasm-release/progress_widgets.wasm")
}

/// The wasm features rustc enables for `wasm32-unknown-unknown`, for binaryen's tools (which would
/// otherwise refuse the module).
pub const WASM_FEATURES: [&str; 6] = [
    "--enable-bulk-memory",
    "--enable-nontrapping-float-to-int",
    "--enable-sign-ext",
    "--enable-mutable-globals",
    "--enable-reference-types",
    "--enable-multivalue",
];

/// The rustc this project's size flags were verified with.
const SIZE_FLAGS_RUSTC: &str = "rustc 1.95.";

/// Two of rustc's unstable size flags for the release wasm, applied to the wasm target's crates
/// only (not to build scripts or proc macros). `-Zlocation-detail=none` drops the file, line and
/// column every panic site carries (−3.5 KB brotli) and `-Zfmt-debug=none` makes `{:?}` print
/// nothing (−4.2 KB; the widget crate formats nothing with it outside tests): 7.6 KB of the
/// package in all. Unstable flags on the stable toolchain need `RUSTC_BOOTSTRAP=1`, so they are
/// used only on the rustc they were verified with (the machine's one toolchain); any other
/// builds the same package without them, a few KB larger, and says so.
///
/// With them, LLVM's inlining threshold is raised from `opt-level = "z"`'s 5 to 13 (−0.5 KB
/// brotli, `cargo xtask build` on rustc 1.95: 5 → 101,497 B of wasm; 10 → 101,081; 11 to 15 →
/// 100,974; 16 to 20 → 102,351; 25 → 102,612): a few more small callees inlined, fewer calls
/// and functions, before wasm-opt's own inlining. It is a tuning of this LLVM's inliner, so it
/// goes with the flags verified on this rustc.
pub fn size_flags(command: &mut Command) -> &mut Command {
    command.env("CARGO_TARGET_DIR", package_target_dir()).env("PW_LINK_MAP", link_map());
    let rustc = output("rustc", &["--version"]).unwrap_or_default();
    if rustc.starts_with(SIZE_FLAGS_RUSTC) {
        command
            .env("RUSTC_BOOTSTRAP", "1")
            .env("CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUSTFLAGS", "-Zlocation-detail=none -Zfmt-debug=none -Cllvm-args=-inline-threshold=13")
    } else {
        eprintln!(
            "note: building the wasm without -Zlocation-detail=none -Zfmt-debug=none -Cllvm-args=-inline-threshold=13 (verified on {SIZE_FLAGS_RUSTC}x, this is {}): the package will be about 8 KB larger",
            rustc.trim()
        );
        command
    }
}

/// Chromium and ChromeDriver, from Debian's packages when run as root.
pub fn browser() -> Result<(PathBuf, PathBuf)> {
    let find = |names: &[&str]| {
        names.iter().map(PathBuf::from).find(|p| p.is_file()).or_else(|| {
            names.iter().find_map(|n| output("which", &[Path::new(n).file_name()?.to_str()?]).map(|p| PathBuf::from(p.trim())))
        })
    };
    let chromium = || find(&["/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"]);
    let driver = || find(&["/usr/bin/chromedriver"]);
    if let (Some(chromium), Some(driver)) = (chromium(), driver()) {
        return Ok((chromium, driver));
    }
    debian_programs(&[("/usr/bin/chromium", "chromium"), ("/usr/bin/chromedriver", "chromium-driver")])?;
    match (chromium(), driver()) {
        (Some(c), Some(d)) => Ok((c, d)),
        _ => Err("/usr/bin/chromium or /usr/bin/chromedriver is still missing".into()),
    }
}

/// Debian's `redis-server` and `redis-cli`.
pub const REDIS_SERVER: &str = "/usr/bin/redis-server";
pub const REDIS_CLI: &str = "/usr/bin/redis-cli";

/// Debian programs (`(binary path, package)`), installed with apt-get when absent and root.
pub fn debian_programs(programs: &[(&str, &str)]) -> Result {
    let missing: Vec<&str> = programs.iter().filter(|(bin, _)| !Path::new(bin).is_file()).map(|(_, pkg)| *pkg).collect();
    if missing.is_empty() {
        return Ok(());
    }
    let is_root = output("id", &["-u"]).is_some_and(|id| id.trim() == "0");
    if !is_root {
        return Err(format!("missing: run `sudo apt-get install -y {}` (or run this as root)", missing.join(" ")));
    }
    run(Command::new("apt-get").args(["update", "-q"]))?;
    run(Command::new("apt-get")
        .args(["install", "-y", "-q", "--no-install-recommends"])
        .args(&missing)
        .env("DEBIAN_FRONTEND", "noninteractive"))?;
    match programs.iter().find(|(bin, _)| !Path::new(bin).is_file()) {
        Some((bin, pkg)) => Err(format!("apt-get installed {pkg} but {bin} is still missing")),
        None => Ok(()),
    }
}
