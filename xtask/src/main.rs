//! Project tasks, run as `cargo xtask <task>`:
//!
//! - `demo [--replicas N]`: install what is missing, build the package, and serve the demo page with
//!   sample data (with `--replicas`, through N proxies sharing a local Redis behind nginx).
//! - `test`: install what is missing and run every test (native, proxy, browser, end to end).
//! - `build`: write the release package to `pkg/`.
//! - `size`: print the package's size over the wire (raw, gzip, brotli).
//! - `size-by-name PATTERN...`: what the wasm's functions whose names match each pattern weigh
//!   (raw and marginal brotli), and the largest functions, from a build with names kept.
//! - `bench [--against DIR]`: the package's size, then first data paint of each widget against a
//!   plain JavaScript render of the same answer, in headless Chromium (desktop and a throttled
//!   phone, cold and warm); with `--against`, also an earlier package's, in the same runs.
//! - `docs [--serve] [--proxy-url URL]`: the documentation site in `target/docs/` (with `--serve`,
//!   served with the demo proxy behind its live examples).
//! - `bench-render`: mount → rendered time of a 10,000-level answer in headless Chromium.
//! - `bench-code`: how much of the wasm runs before each widget's first data paint, and what that
//!   part and the rest weigh brotli-compressed.
//! - `bench-proxy [--replicas N]`: progress-proxy against nginx under the same load (req/s, p99,
//!   CPU, RSS); with `--replicas`, N replicas sharing Redis behind nginx against one.
//!
//! Only the standard library: this crate is compiled on every fresh machine before anything else.

mod bench;
mod data;
mod docs;
mod example;
mod replicas;
mod setup;
mod snip;
mod tasks;

use std::process::ExitCode;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let replicas = match args.iter().position(|a| a == "--replicas").map(|i| args.get(i + 1).and_then(|n| n.parse::<usize>().ok())) {
        None => None,
        Some(Some(n)) if (1..=16).contains(&n) => Some(n),
        Some(_) => {
            eprintln!("--replicas takes a number from 1 to 16");
            return ExitCode::from(2);
        }
    };
    let result = match args.first().map(String::as_str) {
        Some("demo") => tasks::demo(replicas),
        Some("test") => tasks::test(),
        Some("build") => tasks::build().map(|_| ()),
        Some("size") => tasks::size(),
        Some("size-by-name") => tasks::size_by_name(&args[1..]),
        Some("bench-proxy") => bench::bench_proxy(replicas),
        Some("bench") => tasks::bench(args.iter().position(|a| a == "--against").map(|i| args.get(i + 1).map_or("", String::as_str))),
        Some("bench-render") => tasks::bench_render(),
        Some("bench-code") => tasks::bench_code(),
        Some("docs") => {
            let proxy_url = args.iter().position(|a| a == "--proxy-url").and_then(|i| args.get(i + 1)).map_or("", String::as_str);
            docs::docs(args.iter().any(|a| a == "--serve"), proxy_url)
        }
        _ => {
            eprintln!("usage: cargo xtask <demo [--replicas N] | test | build | size | size-by-name PATTERN... | bench [--against DIR] | bench-proxy [--replicas N] | bench-render | bench-code | docs [--serve] [--proxy-url URL]>");
            return ExitCode::from(2);
        }
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("\nxtask: {message}");
            ExitCode::FAILURE
        }
    }
}
