//! `cargo xtask docs [--serve] [--proxy-url URL]`: the documentation site in `target/docs/`.

use std::path::PathBuf;
use std::process::Command;

use crate::setup::{self, root, run, Result};

/// Builds the site from the package in `pkg/`, the Custom Elements Manifest and `progress-proxy
/// settings`, with its live examples pointed at `proxy_url` (empty: the origin that serves the
/// site). With `rebuild`, the package and the proxy are built first; without, they must be there
/// (`cargo xtask test` has built both).
pub fn build(rebuild: bool, proxy_url: &str) -> Result<PathBuf> {
    if rebuild {
        crate::tasks::build()?;
        run(Command::new("cargo").args(["build", "--quiet", "-p", "progress-proxy"]))?;
    }
    setup::npm_packages()?;
    let settings = Command::new(root().join("target/debug/progress-proxy"))
        .arg("settings")
        // The settings of this binary, not of whatever the calling shell exports.
        .env_clear()
        .output()
        .map_err(|e| format!("cannot run progress-proxy settings: {e}"))?;
    if !settings.status.success() {
        return Err(format!("progress-proxy settings failed: {}", String::from_utf8_lossy(&settings.stderr)));
    }
    let settings_file = root().join("target/proxy-settings.json");
    std::fs::write(&settings_file, &settings.stdout).map_err(|e| format!("cannot write {}: {e}", settings_file.display()))?;
    let out = root().join("target/docs");
    run(Command::new("node")
        .arg(root().join("docs/build.mjs"))
        .arg("--out")
        .arg(&out)
        .arg("--pkg")
        .arg(root().join("pkg"))
        .arg("--manifest")
        .arg(root().join("pkg/custom-elements.json"))
        .arg("--settings")
        .arg(&settings_file)
        .arg("--proxy-url")
        .arg(proxy_url))?;
    Ok(out)
}

/// `cargo xtask docs`: builds the package and the site; with `--serve`, serves the site through
/// the proxy in demo mode, so every example is live.
pub fn docs(serve: bool, proxy_url: &str) -> Result {
    let out = build(true, proxy_url)?;
    if !serve {
        println!("\n  Docs: {} (static files; publish the folder on any static host)\n", out.display());
        return Ok(());
    }
    let listen = std::env::var("PROXY_LISTEN").unwrap_or_else(|_| "127.0.0.1:8081".into());
    let mut proxy = crate::tasks::Server::start(
        "progress-proxy",
        Command::new(root().join("target/debug/progress-proxy")).args(["--demo", "--static"]).arg(&out).env("PROXY_LISTEN", &listen),
    )?;
    println!("\n  Docs: {}/  (the demo proxy behind every example; Ctrl-C to stop)\n", proxy.url);
    proxy.child.wait().map_err(|e| e.to_string())?;
    Ok(())
}
