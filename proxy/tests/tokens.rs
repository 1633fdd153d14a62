//! Player tokens, over real HTTP: who may read what, and what a refused request costs (nothing
//! upstream).

mod support;

use std::time::{SystemTime, UNIX_EPOCH};

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use serde_json::json;
use support::{token, Stack, SECRET};

const PROGRESS: &str = "/whalepass/players/p-42/progress?gameId=g-1";
const COLLECTIONS: &str = "/giftoin/users/discord/123456789012345678/progress/collection-challenges";
const KEYS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/keys");

fn now() -> u64 {
    SystemTime::now().duration_since(UNIX_EPOCH).unwrap().as_secs()
}

fn sign(algorithm: Algorithm, key: &EncodingKey, claims: serde_json::Value) -> String {
    jsonwebtoken::encode(&Header::new(algorithm), &claims, key).unwrap()
}

fn hs256(claims: serde_json::Value) -> String {
    sign(Algorithm::HS256, &EncodingKey::from_secret(SECRET.as_bytes()), claims)
}

fn bearer(token: &str) -> String {
    format!("Bearer {token}")
}

async fn tokens_on(extra: &[(&str, &str)]) -> Stack {
    let mut env = vec![("PLAYER_TOKEN_SECRET", SECRET)];
    env.extend_from_slice(extra);
    Stack::start_with(&env).await
}

#[tokio::test]
async fn a_token_for_the_player_reads_their_progress_and_never_goes_upstream() {
    let stack = tokens_on(&[("RUST_LOG", "debug")]).await;
    let token = token(&["--sub", "p-42", "--gft", "discord:123456789012345678"]).await;
    for target in [PROGRESS, COLLECTIONS, "/whalepass/battlepass/bp-1"] {
        let response = stack.proxy.send("GET", target, &[("Authorization", &bearer(&token))]).await;
        assert_eq!(response.status, 200, "{target}: {}", response.body);
    }
    for request in stack.upstream.requests() {
        let sent = format!("{request:?}");
        assert!(!sent.contains(&token), "the token reached upstream: {sent}");
        assert_eq!(request.header("authorization"), None);
    }
    assert!(stack.proxy.wait_for_log("upstream answered").await, "debug logs are on");
    assert!(!stack.proxy.logs().contains(&token), "the token was logged");
}

#[tokio::test]
async fn with_tokens_on_the_player_sees_their_own_reward_values() {
    let stack = tokens_on(&[]).await;
    let token = token(&["--gft", "discord:123456789012345678"]).await;
    let response = stack.proxy.send("GET", COLLECTIONS, &[("Authorization", &bearer(&token))]).await;
    assert!(response.body.contains("ICE-777"), "{}", response.body);
}

#[tokio::test]
async fn a_missing_token_is_a_401_with_www_authenticate_and_no_upstream_call() {
    let stack = tokens_on(&[]).await;
    for target in [PROGRESS, COLLECTIONS, "/whalepass/battlepass/bp-1"] {
        let response = stack.proxy.get(target).await;
        response.assert_json_error(401, "unauthorized");
        assert_eq!(response.header("www-authenticate"), Some("Bearer"));
        assert_eq!(response.json()["reason"], "missing");
    }
    let basic = stack.proxy.send("GET", PROGRESS, &[("Authorization", "Basic dXNlcjpwYXNz")]).await;
    basic.assert_json_error(401, "unauthorized");
    assert!(stack.upstream.requests().is_empty());
}

#[tokio::test]
async fn every_bad_token_is_a_401_naming_why_and_costs_no_upstream_call() {
    let stack = tokens_on(&[("PLAYER_TOKEN_ISSUER", "https://game.example"), ("PLAYER_TOKEN_AUDIENCE", "progress")]).await;
    let good = json!({"sub": "p-42", "exp": now() + 600, "iss": "https://game.example", "aud": "progress"});
    let with = |patch: serde_json::Value| {
        let mut claims = good.clone();
        for (k, v) in patch.as_object().unwrap() {
            if v.is_null() {
                claims.as_object_mut().unwrap().remove(k);
            } else {
                claims[k] = v.clone();
            }
        }
        hs256(claims)
    };
    let none = format!(
        "{}.{}.",
        URL_SAFE_NO_PAD.encode(br#"{"alg":"none","typ":"JWT"}"#),
        URL_SAFE_NO_PAD.encode(good.to_string())
    );
    let rsa = EncodingKey::from_rsa_pem(&std::fs::read(format!("{KEYS}/rs256-private.pem")).unwrap()).unwrap();
    let cases = [
        ("not a jwt".to_owned(), "malformed"),
        (none, "malformed"),
        (sign(Algorithm::HS256, &EncodingKey::from_secret(b"another-secret-of-enough-length-0000"), good.clone()), "bad_signature"),
        (sign(Algorithm::RS256, &rsa, good.clone()), "wrong_algorithm"),
        (sign(Algorithm::HS384, &EncodingKey::from_secret(SECRET.as_bytes()), good.clone()), "wrong_algorithm"),
        (with(json!({"exp": now() - 3600})), "expired"),
        (with(json!({"exp": null})), "expired"),
        (with(json!({"nbf": now() + 3600})), "not_yet_valid"),
        (with(json!({"iss": "https://evil.example"})), "wrong_issuer"),
        (with(json!({"aud": "other"})), "wrong_audience"),
    ];
    for (token, reason) in &cases {
        let response = stack.proxy.send("GET", PROGRESS, &[("Authorization", &bearer(token))]).await;
        response.assert_json_error(401, "unauthorized");
        assert_eq!(response.json()["reason"], *reason, "{token}");
        assert!(response.header("www-authenticate").unwrap().contains("invalid_token"));
    }
    assert!(stack.upstream.requests().is_empty());
    // The good one passes, within the leeway too.
    let leeway = with(json!({"exp": now() - 30}));
    for token in [hs256(good.clone()), leeway] {
        assert_eq!(stack.proxy.send("GET", PROGRESS, &[("Authorization", &bearer(&token))]).await.status, 200);
    }
    let metrics = stack.proxy.metrics().await;
    assert!(metrics.contains(r#"progress_proxy_tokens_rejected_total{reason="expired"} 2"#), "{metrics}");
}

#[tokio::test]
async fn a_valid_token_for_another_player_is_a_403_before_upstream() {
    let stack = tokens_on(&[]).await;
    let token = token(&["--sub", "p-42", "--gft", "discord:111"]).await;
    let auth = [("Authorization", bearer(&token))];
    let auth: Vec<(&str, &str)> = auth.iter().map(|(n, v)| (*n, v.as_str())).collect();
    for target in [
        "/whalepass/players/p-43/progress?gameId=g-1".to_owned(),
        COLLECTIONS.to_owned(),
        format!("{COLLECTIONS}/program_ocean"),
        "/giftoin/users/roblox/111/progress/collection-challenges".to_owned(),
    ] {
        stack.proxy.send("GET", &target, &auth).await.assert_json_error(403, "forbidden");
    }
    assert!(stack.upstream.requests().is_empty());
    // A token with no `gft` reads no Giftoin route; the battle-pass definition needs no subject.
    let sub_only = token_for(&["--sub", "p-42"]).await;
    stack.proxy.send("GET", COLLECTIONS, &[("Authorization", &sub_only)]).await.assert_json_error(403, "forbidden");
    assert_eq!(stack.proxy.send("GET", "/whalepass/battlepass/bp-1", &[("Authorization", &sub_only)]).await.status, 200);
}

async fn token_for(args: &[&str]) -> String {
    bearer(&token(args).await)
}

#[tokio::test]
async fn rs256_and_es256_public_keys_verify_their_tokens() {
    for (algorithm, name) in [(Algorithm::RS256, "rs256"), (Algorithm::ES256, "es256")] {
        let public = format!("{KEYS}/{name}-public.pem");
        let stack = Stack::start_with(&[("PLAYER_TOKEN_PUBLIC_KEY", &public)]).await;
        let private = std::fs::read(format!("{KEYS}/{name}-private.pem")).unwrap();
        let key = match algorithm {
            Algorithm::RS256 => EncodingKey::from_rsa_pem(&private).unwrap(),
            _ => EncodingKey::from_ec_pem(&private).unwrap(),
        };
        let token = sign(algorithm, &key, json!({"sub": "p-42", "exp": now() + 600}));
        let response = stack.proxy.send("GET", PROGRESS, &[("Authorization", &bearer(&token))]).await;
        assert_eq!(response.status, 200, "{name}: {}", response.body);
        // A token signed with the public key as an HMAC secret (the classic confusion) fails.
        let confused = sign(Algorithm::HS256, &EncodingKey::from_secret(&std::fs::read(&public).unwrap()), json!({"sub": "p-42", "exp": now() + 600}));
        let response = stack.proxy.send("GET", PROGRESS, &[("Authorization", &bearer(&confused))]).await;
        assert_eq!(response.json()["reason"], "wrong_algorithm", "{name}");
    }
}

#[tokio::test]
async fn the_token_subcommand_signs_what_the_proxy_verifies() {
    let token = token(&["--sub", "p-42", "--ttl", "2m"]).await;
    let claims: serde_json::Value =
        serde_json::from_slice(&URL_SAFE_NO_PAD.decode(token.split('.').nth(1).unwrap()).unwrap()).unwrap();
    assert_eq!(claims["sub"], "p-42");
    let exp = claims["exp"].as_u64().unwrap();
    assert!((now() + 100..=now() + 121).contains(&exp), "exp {exp}");
    let stack = tokens_on(&[]).await;
    assert_eq!(stack.proxy.send("GET", PROGRESS, &[("Authorization", &bearer(&token))]).await.status, 200);
}

#[tokio::test]
async fn without_tokens_giftoin_reward_values_are_withheld_by_default() {
    let stack = Stack::start().await;
    let response = stack.proxy.get(COLLECTIONS).await;
    assert!(!response.body.contains("ICE-777"), "{}", response.body);
    assert!(response.body.contains(r#""valueWithheld":true"#));
    let sent = Stack::start_with(&[("REDACT_REWARD_VALUES", "false")]).await;
    assert!(sent.proxy.get(COLLECTIONS).await.body.contains("ICE-777"));
}

#[tokio::test]
async fn a_token_seen_before_still_expires() {
    // Verified tokens are remembered; their expiry is still checked on every use.
    let stack = tokens_on(&[]).await;
    let token = hs256(json!({"sub": "p-42", "exp": now() - 55})); // valid for 5 more seconds of leeway
    let auth = bearer(&token);
    assert_eq!(stack.proxy.send("GET", PROGRESS, &[("Authorization", &auth)]).await.status, 200);
    tokio::time::sleep(std::time::Duration::from_secs(7)).await;
    let response = stack.proxy.send("GET", PROGRESS, &[("Authorization", &auth)]).await;
    response.assert_json_error(401, "unauthorized");
    assert_eq!(response.json()["reason"], "expired");
}

#[tokio::test]
async fn public_battle_passes_answer_without_a_token_and_nothing_else_does() {
    let stack = tokens_on(&[("PUBLIC_BATTLEPASS_IDS", "bp-public, bp-also")]).await;
    // A listed season: 200 without a token, from the same route (and cache) as everyone else's.
    for _ in 0..2 {
        let response = stack.proxy.send("GET", "/whalepass/battlepass/bp-public", &[]).await;
        assert_eq!(response.status, 200, "{}", response.body);
    }
    assert_eq!(stack.upstream.requests().len(), 1, "the second guest read came from the cache");
    // The guest view asks for the tiers too: the same public season.
    let with_levels = stack.proxy.send("GET", "/whalepass/battlepass/bp-public?includeLevels=true", &[]).await;
    assert_eq!(with_levels.status, 200, "{}", with_levels.body);
    assert_eq!(stack.upstream.requests().len(), 2);
    // Anything else without a token: the missing token's 401, and no upstream call.
    for target in ["/whalepass/battlepass/bp-private", PROGRESS, COLLECTIONS] {
        let response = stack.proxy.get(target).await;
        response.assert_json_error(401, "unauthorized");
        assert_eq!(response.header("www-authenticate"), Some("Bearer"), "{target}");
        assert_eq!(response.json()["reason"], "missing", "{target}");
    }
    // A bad token is refused even on a public season: a guest sends none.
    let bad = stack.proxy.send("GET", "/whalepass/battlepass/bp-public", &[("Authorization", "Bearer not-a-jwt")]).await;
    assert_eq!(bad.status, 401);
    assert_eq!(stack.upstream.requests().len(), 2, "refused requests never went upstream");
    // A player's token still reads the public season and their own progress.
    let token = token(&["--sub", "p-42"]).await;
    for target in ["/whalepass/battlepass/bp-public", PROGRESS] {
        assert_eq!(stack.proxy.send("GET", target, &[("Authorization", &bearer(&token))]).await.status, 200, "{target}");
    }
}

#[tokio::test]
async fn every_battle_pass_is_public_with_a_star_but_player_routes_are_not() {
    let stack = tokens_on(&[("PUBLIC_BATTLEPASS_IDS", "*")]).await;
    assert_eq!(stack.proxy.send("GET", "/whalepass/battlepass/any-id", &[]).await.status, 200);
    assert_eq!(stack.proxy.send("GET", PROGRESS, &[]).await.status, 401);
    assert_eq!(stack.proxy.send("GET", COLLECTIONS, &[]).await.status, 401);
    assert!(stack.upstream.requests().iter().all(|r| format!("{r:?}").contains("battlepass")), "only the season went upstream");
}
