//! Project tasks, run as `cargo xtask <task>`:
//!
//! - `demo`: install what is missing, build the package, and serve the demo page with sample data.
//! - `test`: install what is missing and run every test (native, proxy, browser, end to end).
//! - `build`: write the release package to `pkg/`.
//! - `size`: print the package's size over the wire (raw, gzip, brotli).
//! - `bench-proxy`: progress-proxy against nginx under the same load (req/s, p99, CPU, RSS).
//!
//! Only the standard library: this crate is compiled on every fresh machine before anything else.

mod bench;
mod setup;
mod tasks;

use std::process::ExitCode;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("demo") => tasks::demo(),
        Some("test") => tasks::test(),
        Some("build") => tasks::build().map(|_| ()),
        Some("size") => tasks::size(),
        Some("bench-proxy") => bench::bench_proxy(),
        _ => {
            eprintln!("usage: cargo xtask <demo | test | build | size | bench-proxy>");
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
