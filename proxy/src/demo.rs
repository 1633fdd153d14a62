//! Demo mode: every route answered from built-in sample data, for any player, with no upstream
//! and no keys. Each answer says so in the `X-Progress-Proxy-Mode: demo` header.

use axum::http::{HeaderName, HeaderValue, StatusCode};
use axum::response::Response;
use progress_contract::ProxyRoute;
use serde_json::{json, Value};

use crate::upstream::json_response;

const WHALEPASS_PROGRESS: &str = include_str!("../demo/whalepass-progress.json");
const WHALEPASS_BATTLEPASS: &str = include_str!("../demo/whalepass-battlepass.json");
const GIFTOIN_PROGRAMS: &str = include_str!("../demo/giftoin-programs.json");

/// The header that marks a sample-data answer.
pub const MODE_HEADER: HeaderName = HeaderName::from_static("x-progress-proxy-mode");

/// Answers `route` from the sample data.
pub fn answer(route: &ProxyRoute) -> Response {
    let (status, body) = match route {
        ProxyRoute::WhalepassProgress { player_id, game_id, battlepass_id } => {
            let mut progress = sample(WHALEPASS_PROGRESS);
            // Echo the ids asked for, so switching players visibly works in the demo.
            progress["player"]["externalPlayerId"] = json!(player_id);
            progress["player"]["gameId"] = json!(game_id);
            if let Some(id) = battlepass_id {
                progress["battlepassProgress"]["battlepassId"] = json!(id);
            }
            (StatusCode::OK, progress)
        }
        ProxyRoute::WhalepassBattlepass { battlepass_id } => {
            let mut battlepass = sample(WHALEPASS_BATTLEPASS);
            battlepass["id"] = json!(battlepass_id);
            (StatusCode::OK, battlepass)
        }
        ProxyRoute::GiftoinCollections { .. } => (StatusCode::OK, sample(GIFTOIN_PROGRAMS)),
        ProxyRoute::GiftoinCollection { program_id, .. } => {
            let programs = sample(GIFTOIN_PROGRAMS);
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
    let mut response = json_response(status, serde_json::to_vec(&body).expect("sample data is JSON"));
    response.headers_mut().insert(MODE_HEADER, HeaderValue::from_static("demo"));
    response
}

fn sample(text: &str) -> Value {
    serde_json::from_str(text).expect("built-in sample data is valid JSON")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_route_has_sample_data_marked_as_demo() {
        let routes = [
            ProxyRoute::WhalepassProgress { player_id: "p".into(), game_id: "g".into(), battlepass_id: None },
            ProxyRoute::WhalepassBattlepass { battlepass_id: "bp".into() },
            ProxyRoute::GiftoinCollections { platform: "discord".into(), platform_user_id: "1".into() },
            ProxyRoute::GiftoinCollection {
                platform: "discord".into(),
                platform_user_id: "1".into(),
                program_id: "program_winter".into(),
            },
        ];
        for route in routes {
            let response = answer(&route);
            assert_eq!(response.status(), StatusCode::OK, "{route:?}");
            assert_eq!(response.headers()[MODE_HEADER], "demo");
        }
    }

    #[test]
    fn an_unknown_program_is_a_giftoin_style_404() {
        let route = ProxyRoute::GiftoinCollection {
            platform: "discord".into(),
            platform_user_id: "1".into(),
            program_id: "nope".into(),
        };
        assert_eq!(answer(&route).status(), StatusCode::NOT_FOUND);
    }
}
