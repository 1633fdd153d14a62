//! The proxy binary over real HTTP on loopback, against the fake upstream.

mod support;

use support::{Proxy, Stack};

const PROGRESS: &str = "/whalepass/players/p-42/progress?gameId=g-1";
const COLLECTIONS: &str = "/giftoin/users/discord/123456789012345678/progress/collection-challenges";

#[tokio::test]
async fn whalepass_key_reaches_upstream_in_x_api_key_with_the_route_and_nothing_else() {
    let stack = Stack::start().await;
    let response = stack
        .proxy
        .send(
            "GET",
            "/whalepass/players/p-42/progress?gameId=g-1&battlepassId=draft-7&debug=1",
            &[("Cookie", "session=browser-secret"), ("Authorization", "Bearer browser-token"), ("X-Forwarded-For", "1.2.3.4")],
        )
        .await;
    assert_eq!(response.status, 200, "{}", response.body);
    assert_eq!(response.json()["player"]["externalPlayerId"], "p-42");

    let requests = stack.upstream.requests();
    assert_eq!(requests.len(), 1);
    let request = &requests[0];
    assert_eq!((request.method.as_str(), request.path.as_str()), ("GET", "/players/p-42/progress"));
    assert_eq!(request.query.as_deref(), Some("gameId=g-1"));
    assert_eq!(request.header("x-api-key"), Some(stack.keys.whalepass.as_str()));
    assert_eq!(request.header("x-battlepass-id"), Some("draft-7"));
    for browser_header in ["cookie", "authorization", "x-forwarded-for", "x-gft_api_key"] {
        assert_eq!(request.header(browser_header), None, "{browser_header} must not be forwarded");
    }
}

#[tokio::test]
async fn giftoin_key_reaches_upstream_in_x_gft_api_key_with_json_accept() {
    let stack = Stack::start().await;
    let all = stack.proxy.get(COLLECTIONS).await;
    assert_eq!(all.status, 200, "{}", all.body);
    assert_eq!(all.json()[0]["id"], "program_ocean");
    assert_eq!(all.json()[1]["id"], "program_winter");
    let one = stack.proxy.get(&format!("{COLLECTIONS}/program_ocean")).await;
    assert_eq!(one.json()["name"], "Ocean Collection");

    let requests = stack.upstream.requests();
    assert_eq!(requests.len(), 2);
    assert_eq!(requests[0].path, "/api/v1/users/discord/123456789012345678/progress/collection-challenges");
    assert_eq!(requests[1].path, "/api/v1/users/discord/123456789012345678/progress/collection-challenges/program_ocean");
    for request in &requests {
        assert_eq!(request.header("x-gft_api_key"), Some(stack.keys.giftoin.as_str()));
        assert_eq!(request.header("accept"), Some("application/json"));
        assert_eq!(request.header("x-api-key"), None);
    }
}

#[tokio::test]
async fn battlepass_definition_is_forwarded() {
    let stack = Stack::start().await;
    let response = stack.proxy.get("/whalepass/battlepass/bp-upstream").await;
    assert_eq!(response.json()["name"], "Tides of the Deep");
    assert_eq!(stack.upstream.requests()[0].path, "/battlepass/bp-upstream");
    assert_eq!(response.json()["levels"], serde_json::json!([]), "no levels unless asked for");
}

#[tokio::test]
async fn the_season_with_its_levels_asks_upstream_for_them_and_a_bad_flag_is_a_400() {
    let stack = Stack::start().await;
    let response = stack.proxy.get("/whalepass/battlepass/bp-upstream?includeLevels=true").await;
    assert_eq!(response.status, 200, "{}", response.body);
    let levels = response.json()["levels"].as_array().cloned().unwrap_or_default();
    assert!(!levels.is_empty() && levels.iter().all(|l| l["freeTierRewards"].is_array()), "{}", response.body);
    let requests = stack.upstream.requests();
    assert_eq!((requests[0].path.as_str(), requests[0].query.as_deref()), ("/battlepass/bp-upstream", Some("includeLevels=true")));
    let bad = stack.proxy.get("/whalepass/battlepass/bp-upstream?includeLevels=yes").await;
    bad.assert_json_error(400, "bad_request");
    assert!(bad.json()["message"].as_str().unwrap_or_default().contains("includeLevels"), "{}", bad.body);
    assert_eq!(stack.upstream.requests().len(), 1, "the bad request never went upstream");
}

#[tokio::test]
async fn no_byte_of_either_key_reaches_the_client_whatever_upstream_does() {
    let stack = Stack::start().await;
    let targets = [
        PROGRESS.to_owned(),
        "/whalepass/players/echo-key/progress?gameId=g".into(),
        "/whalepass/players/status-401/progress?gameId=g".into(),
        "/whalepass/players/status-500/progress?gameId=g".into(),
        "/whalepass/players/html-502/progress?gameId=g".into(),
        "/whalepass/players/malformed/progress?gameId=g".into(),
        "/whalepass/players/cookie/progress?gameId=g".into(),
        "/whalepass/battlepass/x".into(),
        "/whalepass/players/../progress?gameId=g".into(),
        "/whalepass/nope".into(),
        COLLECTIONS.into(),
        format!("{COLLECTIONS}/missing"),
        "/giftoin/users/discord/echo-key/progress/collection-challenges".into(),
        "/healthz".into(),
    ];
    for target in &targets {
        for (method, headers) in [("GET", vec![]), ("OPTIONS", vec![("Origin", "https://game.example"), ("Access-Control-Request-Method", "GET")])] {
            let response = stack.proxy.send(method, target, &headers).await;
            for key in [&stack.keys.whalepass, &stack.keys.giftoin] {
                let found = response.raw.windows(key.len()).any(|w| w == key.as_bytes());
                assert!(!found, "{method} {target} leaked a key: {}", String::from_utf8_lossy(&response.raw));
            }
        }
    }
    // The echoing upstream really did echo it: the proxy redacted it, it did not just get lucky.
    let echoed = stack.proxy.get("/whalepass/players/echo-key/progress?gameId=g").await;
    assert_eq!(echoed.status, 401);
    assert!(echoed.body.contains("[redacted]"), "{}", echoed.body);
}

#[tokio::test]
async fn whalepass_write_endpoints_are_unreachable_through_the_proxy() {
    let stack = Stack::start().await;
    for method in ["GET", "POST", "PUT", "PATCH", "DELETE"] {
        for target in [
            "/whalepass/players/p-42/progress/exp",
            "/whalepass/players/p-42/progress/action",
            "/whalepass/players/p-42/progress/challenge",
            "/whalepass/enrollments",
            "/whalepass/players/p-42/progress?gameId=g",
        ] {
            if method == "GET" && target.ends_with("gameId=g") {
                continue;
            }
            let response = stack.proxy.send(method, target, &[("Content-Length", "0")]).await;
            assert!((400..500).contains(&response.status), "{method} {target} → {}", response.status);
            response.json();
        }
    }
    assert!(stack.upstream.requests().is_empty(), "{:#?}", stack.upstream.requests());
}

#[tokio::test]
async fn traversal_and_unsafe_segments_are_refused_before_upstream() {
    let stack = Stack::start().await;
    for target in [
        "/whalepass/players/../progress?gameId=g",
        "/whalepass/players/%2e%2e/progress?gameId=g",
        "/whalepass/players/%2E%2E/progress?gameId=g",
        "/whalepass/players/a%2Fb/progress?gameId=g",
        "/whalepass/players/a%2fprogress%2fexp/progress?gameId=g",
        "/whalepass/players/p/progress?gameId=..",
        "/whalepass/players/p/progress?gameId=%2e%2e%2fx",
        "/whalepass/players/p/progress?gameId=g&battlepassId=a%0d%0aX-Injected:1",
        "/whalepass/battlepass/..%5c..",
        "/whalepass/players/a%20b/progress?gameId=g",
        "/whalepass/players/p/progress",
        "/giftoin/users/discord/../../../etc/progress/collection-challenges",
        "/giftoin/users/%2e%2e/1/progress/collection-challenges",
        "/giftoin/users/discord/1/progress/collection-challenges/%2e%2e",
        "/giftoin/users/discord/1/progress/collection-challenges/../../..",
    ] {
        let response = stack.proxy.get(target).await;
        assert!((400..500).contains(&response.status), "{target} → {}", response.status);
        assert!(response.json()["message"].is_string(), "{target}: {}", response.body);
    }
    let long = format!("/whalepass/battlepass/{}", "a".repeat(200));
    let message = stack.proxy.get(&long).await.assert_json_error(400, "bad_request");
    assert!(message.contains("battlepassId"), "{message}");
    assert!(stack.upstream.requests().is_empty(), "{:#?}", stack.upstream.requests());
}

#[tokio::test]
async fn upstream_errors_pass_through_with_their_status_as_json() {
    let stack = Stack::start().await;
    for (status, id) in [(401, "status-401"), (429, "status-429"), (500, "status-500")] {
        let whalepass = stack.proxy.get(&format!("/whalepass/players/{id}/progress?gameId=g")).await;
        assert_eq!(whalepass.status, status);
        assert_eq!(whalepass.header("content-type"), Some("application/json"));
        assert_eq!(whalepass.json()["statusCode"], status);
        let giftoin = stack.proxy.get(&format!("/giftoin/users/discord/{id}/progress/collection-challenges")).await;
        assert_eq!(giftoin.status, status);
        assert!(giftoin.json()["status"]["errorMessage"].is_string());
        if status == 429 {
            assert_eq!(whalepass.header("retry-after"), Some("7"));
            assert_eq!(giftoin.header("retry-after"), Some("7"));
        }
    }
    let missing = stack.proxy.get(&format!("{COLLECTIONS}/nope")).await;
    assert_eq!(missing.status, 404);
    assert_eq!(missing.json()["status"]["errorMessage"], "Campaign not found");
}

#[tokio::test]
async fn non_json_upstream_bodies_become_json_errors() {
    let stack = Stack::start().await;
    let html = stack.proxy.get("/whalepass/players/html-502/progress?gameId=g").await;
    let message = html.assert_json_error(502, "upstream_error");
    assert!(message.contains("HTTP 502"), "{message}");
    stack.proxy.get("/whalepass/players/malformed/progress?gameId=g").await.assert_json_error(502, "upstream_not_json");
}

#[tokio::test]
async fn with_caching_off_a_success_passes_unparsed_and_error_pages_still_become_json() {
    // Nothing is stored, so nothing is checked: the body goes to the browser as upstream sent
    // it, and the widget reports an unreadable answer itself.
    let stack = Stack::start_with(&[("CACHE_TTL_PROGRESS", "0")]).await;
    let malformed = stack.proxy.get("/whalepass/players/malformed/progress?gameId=g").await;
    assert_eq!(malformed.status, 200);
    assert_eq!(malformed.header("content-type"), Some("application/json"));
    assert!(serde_json::from_str::<serde_json::Value>(&malformed.body).is_err(), "{}", malformed.body);
    assert!(malformed.body.starts_with(r#"{"battlepassProgress""#), "{}", malformed.body);
    let html = stack.proxy.get("/whalepass/players/html-502/progress?gameId=g").await;
    assert!(html.assert_json_error(502, "upstream_error").contains("HTTP 502"));
}

#[tokio::test]
async fn upstream_cookies_and_hop_by_hop_headers_are_not_passed_back() {
    let stack = Stack::start().await;
    let response = stack.proxy.get("/whalepass/players/cookie/progress?gameId=g").await;
    assert_eq!(response.status, 200);
    for header in ["set-cookie", "keep-alive", "x-upstream-internal"] {
        assert_eq!(response.header(header), None, "{header} passed back");
    }
}

#[tokio::test]
async fn upstream_timeout_becomes_504_json() {
    let stack = Stack::start_with(&[("UPSTREAM_TIMEOUT_MS", "300")]).await;
    let message = stack
        .proxy
        .get("/whalepass/players/slow/progress?gameId=g")
        .await
        .assert_json_error(504, "upstream_timeout");
    assert!(message.contains("whalepass"), "{message}");
}

#[tokio::test]
async fn unreachable_upstream_becomes_502_json() {
    // A port that was free a moment ago: nothing listens there.
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap();
    let base = format!("http://{closed}/api/v1");
    let stack = Stack::start_with(&[("GIFTOIN_BASE_URL", &base)]).await;
    stack.proxy.get(COLLECTIONS).await.assert_json_error(502, "upstream_unreachable");
}

#[tokio::test]
async fn a_provider_without_a_key_is_off_with_a_503_naming_the_setting() {
    let stack = Stack::start_with(&[("GIFTOIN_API_KEY", "")]).await;
    let message = stack.proxy.get(COLLECTIONS).await.assert_json_error(503, "provider_not_configured");
    assert!(message.contains("GIFTOIN_API_KEY"), "{message}");
    assert!(!stack.upstream.requests().iter().any(|r| r.path.starts_with("/api/v1")));
    // The other provider still works.
    assert_eq!(stack.proxy.get(PROGRESS).await.status, 200);
}

#[tokio::test]
async fn without_demo_flag_and_keys_nothing_is_served_from_sample_data() {
    let proxy = Proxy::spawn(&[], &[]).await;
    for target in [PROGRESS, COLLECTIONS] {
        let response = proxy.get(target).await;
        response.assert_json_error(503, "provider_not_configured");
        assert_eq!(response.header("x-progress-proxy-mode"), None);
    }
}

#[tokio::test]
async fn demo_mode_answers_sample_data_for_any_signed_in_player_and_says_so() {
    let proxy = Proxy::spawn(&[], &["--demo"]).await;
    // Demo mode runs with player tokens on, as a real deployment should: its /demo/token
    // endpoint stands in for the game's backend.
    let target = "/whalepass/players/anyone-at-all/progress?gameId=g";
    proxy.get(target).await.assert_json_error(401, "unauthorized");
    let token = proxy.get("/demo/token?sub=anyone-at-all&gft=discord:123456789012345678").await.json()["token"]
        .as_str()
        .unwrap()
        .to_owned();
    let auth = format!("Bearer {token}");
    let progress = proxy.send("GET", target, &[("Authorization", &auth)]).await;
    assert_eq!(progress.status, 200);
    assert_eq!(progress.header("x-progress-proxy-mode"), Some("demo"));
    assert_eq!(progress.json()["player"]["externalPlayerId"], "anyone-at-all");
    let programs = proxy.send("GET", COLLECTIONS, &[("Authorization", &auth)]).await;
    assert!(programs.json().as_array().is_some_and(|p| !p.is_empty()));
    // Another player's progress needs their own token, in demo mode too.
    let other = proxy.send("GET", "/whalepass/players/someone-else/progress?gameId=g", &[("Authorization", &auth)]).await;
    other.assert_json_error(403, "forbidden");
    // Demo mode validates exactly like live mode.
    let bad = proxy.send("GET", "/whalepass/players/%2e%2e/progress?gameId=g", &[("Authorization", &auth)]).await;
    bad.assert_json_error(400, "bad_request");
}

#[tokio::test]
async fn cors_allows_listed_origins_and_refuses_others_before_upstream() {
    let stack = Stack::start().await;
    let preflight = stack
        .proxy
        .send("OPTIONS", PROGRESS, &[("Origin", "https://game.example"), ("Access-Control-Request-Method", "GET")])
        .await;
    assert!((200..300).contains(&preflight.status));
    assert_eq!(preflight.header("access-control-allow-origin"), Some("https://game.example"));
    assert_eq!(preflight.header("access-control-allow-credentials"), None);

    let allowed = stack.proxy.send("GET", PROGRESS, &[("Origin", "https://game.example")]).await;
    assert_eq!(allowed.status, 200);
    assert_eq!(allowed.header("access-control-allow-origin"), Some("https://game.example"));

    let refused = stack.proxy.send("GET", PROGRESS, &[("Origin", "https://evil.example")]).await;
    refused.assert_json_error(403, "origin_not_allowed");
    assert_eq!(refused.header("access-control-allow-origin"), None);
    assert_eq!(stack.upstream.requests().len(), 1, "only the allowed request reached upstream");
}

#[tokio::test]
async fn only_get_and_options_are_allowed() {
    let stack = Stack::start().await;
    for method in ["HEAD", "POST", "PUT", "DELETE"] {
        let response = stack.proxy.send(method, PROGRESS, &[("Content-Length", "0")]).await;
        assert_eq!(response.status, 405, "{method}");
        assert_eq!(response.header("allow"), Some("GET, OPTIONS"));
    }
    // tower-http's CORS layer answers every OPTIONS as a preflight.
    let options = stack.proxy.send("OPTIONS", PROGRESS, &[]).await;
    assert!((200..300).contains(&options.status), "{}", options.status);
    assert!(stack.upstream.requests().is_empty());
}

#[tokio::test]
async fn unknown_paths_get_a_json_404() {
    let stack = Stack::start().await;
    stack.proxy.get("/whalepass/players/p/redirect?gameId=g").await.assert_json_error(404, "not_found");
    stack.proxy.get("/anything").await.assert_json_error(404, "not_found");
}

#[tokio::test]
async fn giftoin_wrapped_shape_passes_through_untouched() {
    let stack = Stack::start().await;
    let response = stack.proxy.get("/giftoin/users/discord/wrapped/progress/collection-challenges").await;
    assert_eq!(response.json()["data"][0]["id"], "program_ocean");
}

#[tokio::test]
async fn an_origin_equal_to_the_host_is_not_same_origin_unless_allowed() {
    // DNS rebinding: evil.example resolves to the proxy, and the browser sends Host and Origin alike.
    let stack = Stack::start().await;
    let origin = format!("http://{}", stack.proxy.addr);
    let response = stack.proxy.send("GET", PROGRESS, &[("Origin", &origin)]).await;
    response.assert_json_error(403, "origin_not_allowed");
    assert!(stack.upstream.requests().is_empty());
}

#[tokio::test]
async fn settings_come_from_a_toml_file_with_the_environment_taking_precedence() {
    let dir = std::env::temp_dir().join(format!("pw-config-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("progress-proxy.toml");
    std::fs::write(&file, "ALLOWED_ORIGINS = [\"https://from-file.example\"]\nrate-limit-rps = 0\n").unwrap();
    let stack = Stack::start_with(&[("PROXY_CONFIG", file.to_str().unwrap()), ("ALLOWED_ORIGINS", "")]).await;
    let allowed = stack.proxy.send("GET", PROGRESS, &[("Origin", "https://from-file.example")]).await;
    assert_eq!(allowed.status, 200, "{}", allowed.body);
    let overridden = Stack::start_with(&[("PROXY_CONFIG", file.to_str().unwrap())]).await;
    let refused = overridden.proxy.send("GET", PROGRESS, &[("Origin", "https://from-file.example")]).await;
    refused.assert_json_error(403, "origin_not_allowed");
}

#[tokio::test]
async fn help_lists_every_setting_with_its_variable() {
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_progress-proxy")).arg("--help").output().unwrap();
    let help = String::from_utf8(output.stdout).unwrap();
    for name in [
        "PLAYER_TOKEN_SECRET", "PLAYER_TOKEN_PUBLIC_KEY", "PLAYER_TOKEN_ISSUER", "PLAYER_TOKEN_AUDIENCE",
        "REDACT_REWARD_VALUES", "CACHE_TTL_BATTLEPASS", "CACHE_TTL_PROGRESS", "CACHE_TTL_GIFTOIN", "CACHE_MAX_BYTES",
        "STALE_IF_ERROR", "HEADER_READ_TIMEOUT", "IDLE_TIMEOUT", "MAX_CONNECTIONS", "UPSTREAM_CONCURRENCY",
        "RATE_LIMIT_RPS", "RATE_LIMIT_BURST", "TRUST_FORWARDED_FOR", "METRICS_LISTEN", "LOG_FORMAT", "PROXY_CONFIG",
    ] {
        assert!(help.contains(&format!("[env: {name}")), "{name} missing from --help:\n{help}");
    }
    // The README's settings table lists exactly what --help does.
    let readme = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../README.md")).unwrap();
    for name in help.split("[env: ").skip(1).filter_map(|rest| rest.split(['=', ']']).next()) {
        assert!(readme.contains(&format!("| `{name}` |")), "README's settings table lacks {name}");
    }
}

/// The docs site's settings table comes from `progress-proxy settings`: the same settings as
/// `--help`, in its order, with their flags, defaults and help.
#[test]
fn settings_prints_what_help_lists_as_json() {
    let run = |arg: &str| {
        let output = std::process::Command::new(env!("CARGO_BIN_EXE_progress-proxy")).arg(arg).env_clear().output().unwrap();
        assert!(output.status.success(), "{arg}: {}", String::from_utf8_lossy(&output.stderr));
        String::from_utf8(output.stdout).unwrap()
    };
    let help = run("--help");
    let settings: Vec<serde_json::Value> = serde_json::from_str(&run("settings")).unwrap();
    let in_help: Vec<&str> = help.split("[env: ").skip(1).filter_map(|rest| rest.split(['=', ']']).next()).collect();
    let listed: Vec<&str> = settings.iter().map(|s| s["variable"].as_str().unwrap()).collect();
    assert_eq!(listed, in_help);
    let listen = settings.iter().find(|s| s["variable"] == "PROXY_LISTEN").unwrap();
    assert_eq!((listen["flag"].as_str(), listen["default"].as_str(), listen["section"].as_str()), (Some("--listen"), Some("127.0.0.1:8080"), Some("Server")));
    let public = settings.iter().find(|s| s["variable"] == "PUBLIC_BATTLEPASS_IDS").unwrap();
    assert!(public["help"].as_str().unwrap().contains("without a player token"), "{public}");
    // A secret's value never appears, even when the environment sets it.
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_progress-proxy")).arg("settings").env("WHALEPASS_API_KEY", "wp-SECRET-settings").output().unwrap();
    assert!(!String::from_utf8_lossy(&output.stdout).contains("wp-SECRET-settings"));
}
