//! Demo mode: every route answered from built-in sample data, for any player, with no upstream
//! and no keys. Each answer says so in the `X-Progress-Proxy-Mode: demo` header.
//!
//! Dates in the sample data are moved relative to now on every answer, so the season is always
//! running and the collections are always open, however long after this was written the demo runs.

use axum::http::{HeaderName, HeaderValue, StatusCode};
use axum::response::Response;
use progress_contract::ProxyRoute;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use serde_json::{json, Value};

use crate::upstream::Fetched;

const WHALEPASS_PROGRESS: &str = include_str!("../demo/whalepass-progress.json");
const WHALEPASS_BATTLEPASS: &str = include_str!("../demo/whalepass-battlepass.json");
const GIFTOIN_PROGRAMS: &str = include_str!("../demo/giftoin-programs.json");

/// A picture the sample data names (`/demo/img/coin.svg`), or `None`. They are built in, like
/// the data, so any page the demo proxy serves (the demo, the docs site from a sub-folder)
/// shows them without carrying copies.
///
/// ```ignore
/// assert!(picture("coin.svg").is_some() && picture("../Cargo.toml").is_none());
/// ```
pub fn picture(name: &str) -> Option<&'static [u8]> {
    Some(match name {
        "badge.svg" => include_bytes!("../../www/img/badge.svg"),
        "banner.svg" => include_bytes!("../../www/img/banner.svg"),
        "boost.svg" => include_bytes!("../../www/img/boost.svg"),
        "card-common.svg" => include_bytes!("../../www/img/card-common.svg"),
        "card-epic.svg" => include_bytes!("../../www/img/card-epic.svg"),
        "card-legendary.svg" => include_bytes!("../../www/img/card-legendary.svg"),
        "card-rare.svg" => include_bytes!("../../www/img/card-rare.svg"),
        "card-uncommon.svg" => include_bytes!("../../www/img/card-uncommon.svg"),
        "chest.svg" => include_bytes!("../../www/img/chest.svg"),
        "coin.svg" => include_bytes!("../../www/img/coin.svg"),
        "gem.svg" => include_bytes!("../../www/img/gem.svg"),
        "program-heroes.svg" => include_bytes!("../../www/img/program-heroes.svg"),
        "program-winter.svg" => include_bytes!("../../www/img/program-winter.svg"),
        "skin.svg" => include_bytes!("../../www/img/skin.svg"),
        _ => return None,
    })
}

/// The header that marks a sample-data answer.
pub const MODE_HEADER: HeaderName = HeaderName::from_static("x-progress-proxy-mode");

/// Answers `route` from the sample data, as upstream would (so demo answers go through the
/// cache, the shared tier and the budgets like real ones).
pub fn answer(route: &ProxyRoute) -> Fetched {
    let (status, body) = match route {
        ProxyRoute::WhalepassProgress { player_id, game_id, battlepass_id } => {
            let mut progress = sample(WHALEPASS_PROGRESS);
            // Echo the ids asked for, so switching players visibly works in the demo.
            progress["player"]["externalPlayerId"] = json!(player_id);
            progress["player"]["gameId"] = json!(game_id);
            if let Some(id) = battlepass_id {
                progress["battlepassProgress"]["battlepassId"] = json!(id);
            }
            for challenge in progress["battlepassProgress"]["challenges"].as_array_mut().into_iter().flatten() {
                challenge["startDate"] = iso_days_from_now(-10);
                challenge["endDate"] = iso_days_from_now(20);
            }
            (StatusCode::OK, progress)
        }
        ProxyRoute::WhalepassBattlepass { battlepass_id, include_levels } => {
            let mut battlepass = sample(WHALEPASS_BATTLEPASS);
            battlepass["id"] = json!(battlepass_id);
            if *include_levels {
                battlepass["levels"] = season_levels(battlepass_id);
            }
            battlepass["startDate"] = iso_days_from_now(-20);
            battlepass["endDate"] = iso_days_from_now(40);
            (StatusCode::OK, battlepass)
        }
        ProxyRoute::GiftoinCollections { .. } => (StatusCode::OK, programs()),
        ProxyRoute::GiftoinCollection { program_id, .. } => {
            let programs = programs();
            let found = programs.as_array().into_iter().flatten().find(|p| p["id"] == json!(program_id));
            match found {
                Some(program) => (StatusCode::OK, program.clone()),
                None => (
                    StatusCode::NOT_FOUND,
                    json!({"status": {"errorCode": 5250, "errorMessage": "Campaign not found"}}),
                ),
            }
        }
    };
    Fetched { status, body: serde_json::to_vec(&body).expect("sample data is JSON").into(), retry_after: None }
}

/// Marks `response` as a sample-data answer.
pub fn mark(response: &mut Response) {
    response.headers_mut().insert(MODE_HEADER, HeaderValue::from_static("demo"));
}

/// The sample programs, running from `started` days ago and, if they end, ending in `ends` days.
fn programs() -> Value {
    let mut programs = sample(GIFTOIN_PROGRAMS);
    for (program, (started, ends)) in programs.as_array_mut().into_iter().flatten().zip([(20, Some(14)), (60, None)]) {
        let start = millis_from_now(-started);
        program["createdTimestamp"] = json!(start);
        program["duration"]["start"]["date"] = json!(start);
        match ends {
            Some(days) => {
                program["duration"]["end"]["date"] = json!(millis_from_now(days));
                program["timeLeft"] = json!(millis_from_now(days) - millis_from_now(0));
            }
            None => {
                program["duration"]["end"] = Value::Null;
                program.as_object_mut().map(|p| p.remove("timeLeft"));
            }
        }
    }
    programs
}

fn shifted(days: i64) -> SystemTime {
    let offset = Duration::from_secs(days.unsigned_abs() * 86_400);
    if days < 0 { SystemTime::now() - offset } else { SystemTime::now() + offset }
}

fn millis_from_now(days: i64) -> i64 {
    shifted(days).duration_since(UNIX_EPOCH).map_or(0, |d| d.as_millis() as i64)
}

fn iso_days_from_now(days: i64) -> Value {
    json!(humantime::format_rfc3339_millis(shifted(days)).to_string())
}

/// The sample season's tiers, as the definition lists them: the sample progress's levels without
/// the player's `completed`.
fn season_levels(battlepass_id: &str) -> Value {
    let mut progress = sample(WHALEPASS_PROGRESS);
    let mut levels = progress["battlepassProgress"]["levels"].take();
    for level in levels.as_array_mut().into_iter().flatten() {
        if let Some(level) = level.as_object_mut() {
            level.remove("completed");
            level.insert("battlepassId".into(), json!(battlepass_id));
        }
    }
    levels
}

fn sample(text: &str) -> Value {
    serde_json::from_str(text).expect("built-in sample data is valid JSON")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_route_has_sample_data() {
        let routes = [
            ProxyRoute::WhalepassProgress { player_id: "p".into(), game_id: "g".into(), battlepass_id: None },
            ProxyRoute::WhalepassBattlepass { battlepass_id: "bp".into(), include_levels: false },
            ProxyRoute::WhalepassBattlepass { battlepass_id: "bp".into(), include_levels: true },
            ProxyRoute::GiftoinCollections { platform: "discord".into(), platform_user_id: "1".into() },
            ProxyRoute::GiftoinCollection {
                platform: "discord".into(),
                platform_user_id: "1".into(),
                program_id: "program_winter".into(),
            },
        ];
        for route in routes {
            assert_eq!(answer(&route).status, StatusCode::OK, "{route:?}");
        }
    }

    #[test]
    fn sample_dates_are_always_current() {
        let body = |route: &ProxyRoute| -> Value {
            serde_json::from_slice(&answer(route).body).unwrap()
        };
        let now = millis_from_now(0);
        let programs = body(&ProxyRoute::GiftoinCollections { platform: "d".into(), platform_user_id: "1".into() });
        let winter = &programs[0];
        assert!(winter["duration"]["start"]["date"].as_i64().unwrap() < now);
        assert!(winter["duration"]["end"]["date"].as_i64().unwrap() > now);
        assert!(winter["timeLeft"].as_i64().unwrap() > 0);
        assert!(programs[1]["duration"]["end"].is_null());
        let season = body(&ProxyRoute::WhalepassBattlepass { battlepass_id: "bp".into(), include_levels: false });
        let end = season["endDate"].as_str().unwrap();
        assert!(end > humantime::format_rfc3339_millis(SystemTime::now()).to_string().as_str(), "{end}");
        assert_eq!(season["levels"], json!([]));
    }

    #[test]
    fn the_season_with_levels_lists_every_tier_without_a_player_state() {
        let answer = answer(&ProxyRoute::WhalepassBattlepass { battlepass_id: "bp".into(), include_levels: true });
        let season: Value = serde_json::from_slice(&answer.body).unwrap();
        let levels = season["levels"].as_array().unwrap();
        assert!(levels.len() >= 5);
        assert!(levels.iter().all(|l| l.get("completed").is_none() && l["battlepassId"] == "bp" && l["freeTierRewards"].is_array()));
    }

    #[test]
    fn an_unknown_program_is_a_giftoin_style_404() {
        let route = ProxyRoute::GiftoinCollection {
            platform: "discord".into(),
            platform_user_id: "1".into(),
            program_id: "nope".into(),
        };
        assert_eq!(answer(&route).status, StatusCode::NOT_FOUND);
    }

    #[test]
    fn every_picture_the_sample_data_names_is_built_in() {
        let data = [WHALEPASS_PROGRESS, WHALEPASS_BATTLEPASS, GIFTOIN_PROGRAMS].concat();
        let named: Vec<&str> = data.split("\"/demo/img/").skip(1).map(|rest| rest.split('"').next().unwrap()).collect();
        assert!(named.len() > 10, "{named:?}");
        for name in named {
            assert!(picture(name).is_some(), "{name} is named but not built in");
        }
        assert_eq!(picture("../Cargo.toml"), None);
    }
}
