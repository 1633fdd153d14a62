//! Runs the fake upstream as a process, for the browser tests: prints `listening on URL`, serves
//! both fake services there, and lists what it received at `GET /__requests`.
//!
//! ```text
//! FAKE_UPSTREAM_LISTEN=127.0.0.1:0 fake-upstream
//! ```

#[tokio::main]
async fn main() {
    let listen = std::env::var("FAKE_UPSTREAM_LISTEN").unwrap_or_else(|_| "127.0.0.1:0".into());
    let listener = tokio::net::TcpListener::bind(&listen).await.expect("bind");
    let upstream = fake_upstream::FakeUpstream::serve(listener, fake_upstream::Keys::for_tests());
    println!("listening on {}", upstream.url());
    let _ = tokio::signal::ctrl_c().await;
}
