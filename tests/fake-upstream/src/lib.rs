//! A fake of the two upstream APIs for tests: it speaks the documented shapes on 127.0.0.1,
//! checks each service's key header, and records every request it gets (method, path, query,
//! headers) so tests can prove what reached "upstream" and what did not.
//!
//! Special ids (as `playerId` for Whalepass, `platformUserId` for Giftoin) select failures:
//!
//! | id | answer |
//! |---|---|
//! | `status-401`, `status-429`, `status-500` | that status with the service's error body (`Retry-After: 7` on 429) |
//! | `html-502` | 502 with an HTML body |
//! | `slow` | the normal answer after 30 s |
//! | `malformed` | 200 with broken JSON |
//! | `wrong-types` | 200 with JSON of the wrong shape |
//! | `message-200` | 200 with `{"message": "Invalid API key"}` and nothing else |
//! | `array-progress` | 200 with `{"battlepassProgress": []}` |
//! | `empty` | 200 with empty lists |
//! | `echo-key` | 401 whose message repeats the key it was sent |
//! | `cookie` | 200 with `Set-Cookie` and hop-by-hop headers |
//! | `flaky-once` | 500 the first time each path is asked for, the normal answer after |
//! | `fail-after-first` | the normal answer the first time each path is asked for, 503 after |
//! | `wrapped` (Giftoin) | the result wrapped as `{data, status}` |
//! | `huge` | 200 with a chunked body of 50 MB, sent as fast as it is read |
//! | `slow-once` | the normal answer after 300 ms the first time each path is asked for |
//! | `dup-ids-first` | the first time: repeated ids (every level `L`; challenges `a`, `a`, `a#1`; programs `p`, `p`, `p#1`); then the normal answer |
//! | `long-names` | level 1's reward, the first challenge and the first card named with 300 unbroken letters |
//! | `levels-N` | N levels (up to 10,000), each with a free and a premium reward (for render timing) |
//! | `level-up-after-first` | the normal answer the first time; then level 4 is completed (3,100 XP) |
//! | battle pass `?includeLevels=true` | the definition with the progress fixture's levels (no `completed`) |
//! | program `{id}-qr` (Giftoin) | program `{id}` with its reward's `viewType` set to `QR` |
//! | `edited-after-first` | the normal answer the first time; then level 1 needs 100 XP and its reward is "Copper Coin Pouch", challenge 1 is "Catch 7 rare fish", the first card is "Clown Loach" |
//!
//! ```no_run
//! # async fn demo() {
//! let upstream = fake_upstream::FakeUpstream::spawn(fake_upstream::Keys::for_tests()).await;
//! println!("{}", upstream.url());
//! assert!(upstream.requests().is_empty());
//! # }
//! ```

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::extract::{Path, Request, State};
use axum::http::{HeaderMap, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use serde::Serialize;
use serde_json::{json, Value};

const WHALEPASS_PROGRESS: &str = include_str!("../fixtures/whalepass-progress.json");
const WHALEPASS_BATTLEPASS: &str = include_str!("../fixtures/whalepass-battlepass.json");
const GIFTOIN_PROGRAMS: &str = include_str!("../fixtures/giftoin-programs.json");

/// The keys the fake expects.
#[derive(Debug, Clone)]
pub struct Keys {
    /// Expected in `X-API-KEY` on Whalepass routes.
    pub whalepass: String,
    /// Expected in `x-gft_api_key` on Giftoin routes.
    pub giftoin: String,
}

impl Keys {
    /// Distinctive keys whose bytes a test can search for in anything the browser receives.
    pub fn for_tests() -> Self {
        Keys { whalepass: "wp-SECRET-7f3a9c1e5b".into(), giftoin: "gft-SECRET-91bd2e4a70".into() }
    }
}

/// One request the fake received.
#[derive(Debug, Clone, Serialize)]
pub struct RecordedRequest {
    /// HTTP method.
    pub method: String,
    /// Path, as sent (still percent-encoded).
    pub path: String,
    /// Query string, if any.
    pub query: Option<String>,
    /// Header names (lower-case) and values.
    pub headers: Vec<(String, String)>,
}

impl RecordedRequest {
    /// The value of a header, by case-insensitive name.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(n, _)| n.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }
}

#[derive(Clone)]
struct Fake {
    keys: Keys,
    log: Arc<Mutex<Vec<RecordedRequest>>>,
}

impl Fake {
    /// How many requests for `path` arrived so far (this one included).
    fn times_asked(&self, path: &str) -> usize {
        self.log.lock().unwrap().iter().filter(|r| r.path == path).count()
    }
}

/// A running fake upstream.
pub struct FakeUpstream {
    addr: SocketAddr,
    log: Arc<Mutex<Vec<RecordedRequest>>>,
}

impl FakeUpstream {
    /// Starts the fake on a free port of 127.0.0.1, in the background of the current runtime.
    pub async fn spawn(keys: Keys) -> Self {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind 127.0.0.1:0");
        Self::serve(listener, keys)
    }

    /// Serves on `listener` in the background of the current runtime.
    pub fn serve(listener: tokio::net::TcpListener, keys: Keys) -> Self {
        let addr = listener.local_addr().expect("local addr");
        let fake = Fake { keys, log: Arc::default() };
        let log = fake.log.clone();
        tokio::spawn(async move { axum::serve(listener, router(fake)).await.expect("fake upstream serves") });
        FakeUpstream { addr, log }
    }

    /// `http://127.0.0.1:PORT`.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Every request received so far, oldest first.
    pub fn requests(&self) -> Vec<RecordedRequest> {
        self.log.lock().unwrap().clone()
    }
}

/// Both services on one port (Giftoin under `/api/v1`, as its base URL has), plus the Whalepass
/// write endpoints, so a test can see whether anything ever reached them.
fn router(fake: Fake) -> Router {
    let write = || axum::routing::post(|| async { Json(json!({"ok": true})) });
    Router::new()
        .route("/players/{player}/progress", get(whalepass_progress))
        .route("/players/{player}/progress/exp", write())
        .route("/players/{player}/progress/action", write())
        .route("/players/{player}/progress/challenge", write())
        .route("/enrollments", write())
        .route("/battlepass/{id}", get(whalepass_battlepass))
        .route("/api/v1/users/{platform}/{user}/progress/collection-challenges", get(giftoin_programs))
        .route("/api/v1/users/{platform}/{user}/progress/collection-challenges/{program}", get(giftoin_program))
        .route("/__requests", get(recorded))
        .fallback(|| async { (StatusCode::NOT_FOUND, Json(json!({"message": "no such endpoint"}))) })
        .layer(axum::middleware::from_fn_with_state(fake.clone(), record))
        .with_state(fake)
}

async fn record(State(fake): State<Fake>, request: Request, next: axum::middleware::Next) -> Response {
    if request.uri().path() != "/__requests" {
        let headers = request
            .headers()
            .iter()
            .map(|(n, v)| (n.as_str().to_owned(), String::from_utf8_lossy(v.as_bytes()).into_owned()))
            .collect();
        fake.log.lock().unwrap().push(RecordedRequest {
            method: request.method().to_string(),
            path: request.uri().path().to_owned(),
            query: request.uri().query().map(str::to_owned),
            headers,
        });
    }
    next.run(request).await
}

async fn recorded(State(fake): State<Fake>) -> Json<Vec<RecordedRequest>> {
    Json(fake.log.lock().unwrap().clone())
}

/// Fills `{name}` placeholders in a fixture with JSON-escaped values.
fn fill(fixture: &str, values: &[(&str, &str)]) -> String {
    values.iter().fold(fixture.to_owned(), |text, (name, value)| {
        let escaped = serde_json::to_string(value).unwrap();
        text.replace(&format!("{{{name}}}"), escaped.trim_matches('"'))
    })
}

fn json_body(status: StatusCode, body: String) -> Response {
    (status, [("content-type", "application/json")], body).into_response()
}

#[derive(Clone, Copy)]
enum Service {
    Whalepass,
    Giftoin,
}

impl Service {
    fn error_body(self, status: u16, message: &str) -> String {
        match self {
            Service::Whalepass => json!({"statusCode": status, "message": message}).to_string(),
            Service::Giftoin => {
                json!({"status": {"timestamp": "1708777200000", "errorCode": status * 10, "errorMessage": message}})
                    .to_string()
            }
        }
    }

    fn key_header(self) -> &'static str {
        match self {
            Service::Whalepass => "x-api-key",
            Service::Giftoin => "x-gft_api_key",
        }
    }
}

/// Checks the key, then answers as the special `id` asks, or with `normal`.
async fn answer(fake: &Fake, service: Service, uri: &Uri, headers: &HeaderMap, id: &str, normal: String) -> Response {
    let expected = match service {
        Service::Whalepass => &fake.keys.whalepass,
        Service::Giftoin => &fake.keys.giftoin,
    };
    let sent = headers.get(service.key_header()).and_then(|v| v.to_str().ok());
    if id == "echo-key" {
        let message = format!("Invalid API key: {}", sent.unwrap_or(""));
        return json_body(StatusCode::UNAUTHORIZED, service.error_body(401, &message));
    }
    if sent != Some(expected.as_str()) {
        return json_body(StatusCode::UNAUTHORIZED, service.error_body(401, "API_KEY_INVALID"));
    }
    match id {
        "status-401" => json_body(StatusCode::UNAUTHORIZED, service.error_body(401, "Unauthorized")),
        "status-429" => {
            let mut response = json_body(StatusCode::TOO_MANY_REQUESTS, service.error_body(429, "Too many requests"));
            response.headers_mut().insert("retry-after", "7".parse().unwrap());
            response
        }
        "flaky-once" if fake.times_asked(uri.path()) == 1 => {
            json_body(StatusCode::INTERNAL_SERVER_ERROR, service.error_body(500, "Temporary failure"))
        }
        // `fail-after-first-N` too, so one upstream serves many first successes.
        id if id.starts_with("fail-after-first") && fake.times_asked(uri.path()) > 1 => {
            json_body(StatusCode::SERVICE_UNAVAILABLE, service.error_body(503, "Maintenance"))
        }
        "huge" => {
            // No Content-Length: the proxy only finds out by reading.
            let chunk = axum::body::Bytes::from(vec![b' '; 64 * 1024]);
            let chunks = futures_util::stream::iter((0..800).map(move |_| Ok::<_, std::io::Error>(chunk.clone())));
            (StatusCode::OK, [("content-type", "application/json")], axum::body::Body::from_stream(chunks)).into_response()
        }
        "slow-once" if fake.times_asked(uri.path()) == 1 => {
            tokio::time::sleep(Duration::from_millis(300)).await;
            json_body(StatusCode::OK, normal)
        }
        "status-500" => json_body(StatusCode::INTERNAL_SERVER_ERROR, service.error_body(500, "Internal server error")),
        "html-502" => (StatusCode::BAD_GATEWAY, [("content-type", "text/html")], "<html>Bad gateway</html>").into_response(),
        "slow" => {
            tokio::time::sleep(Duration::from_secs(30)).await;
            json_body(StatusCode::OK, normal)
        }
        "malformed" => json_body(StatusCode::OK, r#"{"battlepassProgress": {"levels": [{"#.to_owned()),
        "wrong-types" => json_body(StatusCode::OK, r#"{"battlepassProgress": {"levels": "many"}, "cards": 7}"#.to_owned()),
        "message-200" => json_body(StatusCode::OK, r#"{"message": "Invalid API key"}"#.to_owned()),
        "array-progress" => json_body(StatusCode::OK, r#"{"battlepassProgress": []}"#.to_owned()),
        "cookie" => {
            let mut response = json_body(StatusCode::OK, normal);
            let headers = response.headers_mut();
            headers.insert("set-cookie", "session=upstream-secret; Path=/".parse().unwrap());
            headers.insert("x-upstream-internal", "yes".parse().unwrap());
            headers.insert("keep-alive", "timeout=5".parse().unwrap());
            response
        }
        _ => json_body(StatusCode::OK, normal),
    }
}

/// The progress fixture with repeated ids (`duplicate`), or with level 1, its reward and the first
/// challenge edited.
fn reshaped_progress(body: &str, duplicate: bool) -> String {
    let mut value: Value = serde_json::from_str(body).unwrap();
    let progress = &mut value["battlepassProgress"];
    if duplicate {
        for level in progress["levels"].as_array_mut().unwrap() {
            level["id"] = json!("L");
        }
        let challenges = progress["challenges"].as_array_mut().unwrap();
        let third = challenges[0].clone();
        challenges.push(third);
        for (challenge, id) in challenges.iter_mut().zip(["a", "a", "a#1"]) {
            challenge["id"] = json!(id);
        }
    } else {
        for level in progress["levels"].as_array_mut().unwrap() {
            if level["level"] == json!(1) {
                level["expRequired"] = json!(100);
                level["freeTierRewards"][0]["name"] = json!("Copper Coin Pouch");
            }
        }
        progress["challenges"][0]["name"] = json!("Catch 7 rare fish");
    }
    value.to_string()
}

fn emptied(fixture: String, lists: &[&str]) -> String {
    let mut value: Value = serde_json::from_str(&fixture).unwrap();
    if let Some(array) = value.as_array_mut() {
        array.clear();
    }
    if let Some(progress) = value.get_mut("battlepassProgress") {
        for list in lists {
            progress[*list] = json!([]);
        }
    }
    value.to_string()
}

async fn whalepass_progress(
    State(fake): State<Fake>,
    Path(player): Path<String>,
    axum::extract::Query(query): axum::extract::Query<std::collections::HashMap<String, String>>,
    uri: Uri,
    headers: HeaderMap,
) -> Response {
    let game = query.get("gameId").cloned().unwrap_or_default();
    let mut body = fill(WHALEPASS_PROGRESS, &[("playerId", &player), ("gameId", &game)]);
    if player == "empty" {
        body = emptied(body, &["levels", "challenges"]);
    }
    let first = fake.times_asked(uri.path()) == 1;
    if (player == "dup-ids-first" && first) || (player == "edited-after-first" && !first) {
        body = reshaped_progress(&body, player == "dup-ids-first");
    }
    if player == "long-names" {
        let mut value: Value = serde_json::from_str(&body).unwrap();
        let progress = &mut value["battlepassProgress"];
        for level in progress["levels"].as_array_mut().unwrap() {
            if level["level"] == json!(1) {
                level["freeTierRewards"][0]["name"] = json!("W".repeat(300));
            }
        }
        progress["challenges"][0]["name"] = json!("W".repeat(300));
        body = value.to_string();
    }
    if let Some(count) = player.strip_prefix("levels-").and_then(|n| n.parse::<u32>().ok()).filter(|n| *n <= 10_000) {
        let mut value: Value = serde_json::from_str(&body).unwrap();
        // Small levels: 10,000 of the fixture's would pass the proxy's 4 MiB body cap.
        let levels: Vec<Value> = (1..=count)
            .map(|n| {
                json!({
                    "id": format!("lvl-{n}"), "level": n, "expRequired": n * 500, "completed": n <= 3,
                    "freeTierRewards": [{"id": format!("f-{n}"), "name": "Tide Token", "amount": n, "mediaUrl": "/www/img/coin.svg"}],
                    "premiumTierRewards": [{"id": format!("p-{n}"), "name": "Coral Crown", "amount": 1}]
                })
            })
            .collect();
        value["battlepassProgress"]["levels"] = Value::from(levels);
        body = value.to_string();
    }
    if player == "level-up-after-first" && !first {
        let mut value: Value = serde_json::from_str(&body).unwrap();
        let progress = &mut value["battlepassProgress"];
        progress["currentExp"] = json!(3100);
        progress["lastCompletedLevel"] = json!(4);
        for level in progress["levels"].as_array_mut().unwrap() {
            if level["level"] == json!(4) {
                level["completed"] = json!(true);
            }
        }
        body = value.to_string();
    }
    answer(&fake, Service::Whalepass, &uri, &headers, &player, body).await
}

/// A season's definition; with `includeLevels=true` (and only then, as documented) its levels:
/// the progress fixture's, without the player's `completed`.
async fn whalepass_battlepass(State(fake): State<Fake>, Path(id): Path<String>, uri: Uri, headers: HeaderMap) -> Response {
    let mut body = fill(WHALEPASS_BATTLEPASS, &[("battlepassId", &id)]);
    if uri.query().is_some_and(|q| q.split('&').any(|pair| pair == "includeLevels=true")) {
        let progress: Value = serde_json::from_str(&fill(WHALEPASS_PROGRESS, &[("playerId", "-"), ("gameId", "g-1")])).unwrap();
        let mut levels = progress["battlepassProgress"]["levels"].clone();
        for level in levels.as_array_mut().unwrap() {
            level.as_object_mut().unwrap().remove("completed");
            level["battlepassId"] = json!(id);
        }
        let mut season: Value = serde_json::from_str(&body).unwrap();
        season["levels"] = levels;
        body = season.to_string();
    }
    answer(&fake, Service::Whalepass, &uri, &headers, &id, body).await
}

async fn giftoin_programs(
    State(fake): State<Fake>,
    Path((_platform, user)): Path<(String, String)>,
    uri: Uri,
    headers: HeaderMap,
) -> Response {
    let first = fake.times_asked(uri.path()) == 1;
    let body = match user.as_str() {
        "empty" => "[]".to_owned(),
        "wrapped" => format!(r#"{{"data":{GIFTOIN_PROGRAMS},"status":{{"timestamp":"1688555980233"}}}}"#),
        "dup-ids-first" if first => {
            let programs: Vec<Value> = serde_json::from_str(GIFTOIN_PROGRAMS).unwrap();
            let mut third = programs[0].clone();
            third["id"] = json!("p#1");
            let mut list = programs;
            list[0]["id"] = json!("p");
            list[1]["id"] = json!("p");
            list.push(third);
            Value::from(list).to_string()
        }
        "long-names" => {
            let mut programs: Value = serde_json::from_str(GIFTOIN_PROGRAMS).unwrap();
            programs[0]["cards"][0]["name"] = json!("W".repeat(300));
            programs.to_string()
        }
        "edited-after-first" if !first => {
            let mut programs: Value = serde_json::from_str(GIFTOIN_PROGRAMS).unwrap();
            programs[0]["cards"][0]["name"] = json!("Clown Loach");
            programs.to_string()
        }
        _ => GIFTOIN_PROGRAMS.to_owned(),
    };
    answer(&fake, Service::Giftoin, &uri, &headers, &user, body).await
}

async fn giftoin_program(
    State(fake): State<Fake>,
    Path((_platform, user, program)): Path<(String, String, String)>,
    uri: Uri,
    headers: HeaderMap,
) -> Response {
    let programs: Vec<Value> = serde_json::from_str(GIFTOIN_PROGRAMS).unwrap();
    // `{id}-qr`: that program with its reward's value meant as a QR code.
    let qr = program.strip_suffix("-qr");
    match programs.into_iter().find(|p| p["id"] == json!(qr.unwrap_or(&program))) {
        Some(mut found) => {
            if qr.is_some() {
                found["reward"]["viewType"] = json!("QR");
            }
            answer(&fake, Service::Giftoin, &uri, &headers, &user, found.to_string()).await
        }
        None => json_body(StatusCode::NOT_FOUND, Service::Giftoin.error_body(525, "Campaign not found")),
    }
}
