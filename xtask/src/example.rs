//! The Rust example (`examples/leptos-app`) built for the browser, for `cargo xtask test`.

use std::path::PathBuf;
use std::process::Command;

use crate::setup::{self, root, run, Result};

/// The Rust example (`examples/leptos-app`) built for the browser into `target/leptos-app/`: its
/// page and the wasm-bindgen output beside it. Built like the package (profile, flags and target
/// directory), so it reuses the dependencies `cargo xtask build` compiled.
pub fn leptos_app() -> Result<PathBuf> {
    run(setup::size_flags(&mut Command::new("cargo")).args(["build", "--quiet", "-p", "leptos-app", "--target", "wasm32-unknown-unknown", "--profile", "wasm-release"]))?;
    let out = root().join("target/leptos-app");
    let _ = std::fs::remove_dir_all(&out);
    std::fs::create_dir_all(&out).map_err(|e| format!("cannot create {}: {e}", out.display()))?;
    std::fs::copy(root().join("examples/leptos-app/index.html"), out.join("index.html")).map_err(|e| format!("cannot copy the example's page: {e}"))?;
    run(Command::new("wasm-bindgen")
        .args(["--target", "web", "--no-typescript", "--out-name", "leptos_app", "--out-dir"])
        .arg(out.join("pkg"))
        .arg(setup::package_target_dir().join("wasm32-unknown-unknown/wasm-release/leptos-app.wasm")))?;
    Ok(out)
}
