//! Whalepass battle passes: a player's progress and a battle pass's definition.
//!
//! Field names follow the API (`camelCase`); every field is optional because the reference page
//! only shows placeholders.

use super::{decode_fields, Decode, DecodeError, Json, JsonDoc};

/// `GET /players/{playerId}/progress?gameId=G`: a player and their battle-pass progress.
///
/// ```
/// use progress_widgets::model::whalepass::PlayerProgress;
/// use progress_widgets::model::Decode;
/// let progress = PlayerProgress::from_json(r#"{"battlepassProgress":{"currentExp":120.5}}"#).unwrap();
/// assert_eq!(progress.battlepass_progress.unwrap().current_exp, Some(120.5));
/// ```
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PlayerProgress {
    /// The player record.
    pub player: Option<Player>,
    /// Progress in the selected (or the game's active) battle pass.
    pub battlepass_progress: Option<BattlepassProgress>,
}

impl PlayerProgress {
    /// Decodes a response body.
    ///
    /// ```
    /// use progress_widgets::model::whalepass::PlayerProgress;
    /// assert!(PlayerProgress::from_json(r#"{"battlepassProgress":{"levels":"many"}}"#).is_err());
    /// // Neither a player nor progress (an error message under HTTP 200, say) is not "no progress".
    /// let err = PlayerProgress::from_json(r#"{"message":"Invalid API key"}"#).unwrap_err();
    /// assert_eq!(err.0, "unexpected answer: Invalid API key");
    /// assert!(PlayerProgress::from_json(r#"{"battlepassProgress":[]}"#).is_err());
    /// ```
    pub fn from_json(body: &str) -> Result<Self, DecodeError> {
        Self::from_doc(&Json::parse(body)?)
    }

    /// Decodes a parsed response (what the widgets do, with the browser's `Response.json()`).
    pub fn from_doc(doc: &Json) -> Result<Self, DecodeError> {
        let progress = <Self as Decode>::decode(doc)?;
        match progress.player.is_none() && progress.battlepass_progress.is_none() {
            true => Err(DecodeError::unexpected(doc)),
            false => Ok(progress),
        }
    }
}

/// A Whalepass player.
///
/// ```
/// use progress_widgets::model::whalepass::Player;
/// use progress_widgets::model::Decode;
/// let player = Player::from_json(r#"{"externalPlayerId":"p-42","accountConnected":true}"#).unwrap();
/// assert_eq!(player.external_player_id.as_deref(), Some("p-42"));
/// ```
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Player {
    /// Whalepass's own id.
    pub id: Option<String>,
    /// The game's own id for the player (the `playerId` in the path).
    pub external_player_id: Option<String>,
    /// The game.
    pub game_id: Option<String>,
    /// The linked Whalepass user, when connected.
    pub user_id: Option<String>,
    /// Whether the player has connected a Whalepass account (needed to claim rewards).
    pub account_connected: Option<bool>,
    /// ISO-8601 creation time.
    pub created_at: Option<String>,
    /// ISO-8601 last update.
    pub updated_at: Option<String>,
}

/// A player's progress through one battle pass.
///
/// ```
/// use progress_widgets::model::whalepass::BattlepassProgress;
/// use progress_widgets::model::Decode;
/// let p = BattlepassProgress::from_json(r#"{"lastCompletedLevel":3,"levels":null}"#).unwrap();
/// assert_eq!(p.last_completed_level, Some(3.0));
/// assert!(p.levels.is_empty());
/// ```
#[derive(Debug, Clone, Default, PartialEq)]
pub struct BattlepassProgress {
    /// The battle pass.
    pub battlepass_id: Option<String>,
    /// XP earned so far.
    pub current_exp: Option<f64>,
    /// The highest level completed (0 when none).
    pub last_completed_level: Option<f64>,
    /// The levels, possibly unsorted.
    pub levels: Vec<Level>,
    /// The challenges.
    pub challenges: Vec<Challenge>,
}

/// One level of a battle pass, with the rewards of both tracks.
///
/// ```
/// use progress_widgets::model::whalepass::Level;
/// use progress_widgets::model::Decode;
/// let level = Level::from_json(r#"{"level":2,"expRequired":200,"completed":true}"#).unwrap();
/// assert_eq!(level.exp_required, Some(200.0));
/// ```
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Level {
    /// The level's id.
    pub id: Option<String>,
    /// The battle pass.
    pub battlepass_id: Option<String>,
    /// The level number.
    pub level: Option<f64>,
    /// XP threshold for this level (cumulative or per-level: undocumented, see `progress`).
    pub exp_required: Option<f64>,
    /// Whether the level is active.
    pub active: Option<bool>,
    /// Rewards everyone gets at this level.
    pub free_tier_rewards: Vec<Reward>,
    /// Rewards premium players get at this level.
    pub premium_tier_rewards: Vec<Reward>,
    /// Whether the player has completed this level.
    pub completed: Option<bool>,
}

/// A challenge: a task that grants rewards when completed.
///
/// ```
/// use progress_widgets::model::whalepass::Challenge;
/// use progress_widgets::model::Decode;
/// let c = Challenge::from_json(r#"{"name":"Win 3 matches","premium":false}"#).unwrap();
/// assert_eq!(c.name.as_deref(), Some("Win 3 matches"));
/// ```
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Challenge {
    /// The challenge's id.
    pub id: Option<String>,
    /// The battle pass.
    pub battlepass_id: Option<String>,
    /// What to do.
    pub name: Option<String>,
    /// ISO-8601 start.
    pub start_date: Option<String>,
    /// ISO-8601 end.
    pub end_date: Option<String>,
    /// Whether the challenge is active.
    pub active: Option<bool>,
    /// Whether only premium players can complete it.
    pub premium: Option<bool>,
    /// What completing it grants.
    pub rewards: Vec<Reward>,
    /// Whether the player has completed it.
    pub completed: Option<bool>,
}

/// A reward of a level or a challenge.
///
/// ```
/// use progress_widgets::model::whalepass::Reward;
/// use progress_widgets::model::Decode;
/// let r = Reward::from_json(r#"{"name":"Gold","amount":100,"amountInDecimal":1.5}"#).unwrap();
/// assert_eq!((r.amount, r.amount_in_decimal), (Some(100.0), Some(1.5)));
/// ```
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Reward {
    /// The reward's id.
    pub id: Option<String>,
    /// The game.
    pub game_id: Option<String>,
    /// The battle pass.
    pub battlepass_id: Option<String>,
    /// What it is.
    pub name: Option<String>,
    /// How many.
    pub amount: Option<f64>,
    /// How many, for fractional rewards.
    pub amount_in_decimal: Option<f64>,
    /// Image URL.
    pub media_url: Option<String>,
}

/// `GET /battlepass/{battlepassId}`: a battle pass's definition.
///
/// ```
/// use progress_widgets::model::whalepass::Battlepass;
/// use progress_widgets::model::Decode;
/// let bp = Battlepass::from_json(r#"{"name":"Season 1","premiumPrice":9.99,"noTimeLimit":false}"#).unwrap();
/// assert_eq!(bp.name.as_deref(), Some("Season 1"));
/// ```
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Battlepass {
    /// The battle pass's id.
    pub id: Option<String>,
    /// The game.
    pub game_id: Option<String>,
    /// The organisation.
    pub organization_id: Option<String>,
    /// Its name, e.g. "Season 3".
    pub name: Option<String>,
    /// Whether it never ends.
    pub no_time_limit: Option<bool>,
    /// Price of the premium track.
    pub premium_price: Option<f64>,
    /// ISO-8601 start.
    pub start_date: Option<String>,
    /// ISO-8601 end.
    pub end_date: Option<String>,
    /// Challenges, when requested with `includeChallenges=true`.
    pub challenges: Vec<Challenge>,
    /// Levels, when requested with `includeLevels=true`.
    pub levels: Vec<Level>,
}

impl Battlepass {
    /// Decodes a response body.
    ///
    /// ```
    /// use progress_widgets::model::whalepass::Battlepass;
    /// assert!(Battlepass::from_json(r#"{"name":42}"#).is_err());
    /// ```
    pub fn from_json(body: &str) -> Result<Self, DecodeError> {
        Self::from_doc(&Json::parse(body)?)
    }

    /// Decodes a parsed response.
    pub fn from_doc(doc: &Json) -> Result<Self, DecodeError> {
        let battlepass = <Self as Decode>::decode(doc)?;
        match battlepass.id.is_none() && battlepass.name.is_none() && battlepass.levels.is_empty() {
            true => Err(DecodeError::unexpected(doc)),
            false => Ok(battlepass),
        }
    }
}

decode_fields!(PlayerProgress { player: object "player", battlepass_progress: object "battlepassProgress" });

decode_fields!(Player {
    id: id "id",
    external_player_id: id "externalPlayerId",
    game_id: id "gameId",
    user_id: id "userId",
    account_connected: flag "accountConnected",
    created_at: text "createdAt",
    updated_at: text "updatedAt",
});

decode_fields!(BattlepassProgress {
    battlepass_id: id "battlepassId",
    current_exp: number "currentExp",
    last_completed_level: number "lastCompletedLevel",
    levels: list "levels",
    challenges: list "challenges",
});

decode_fields!(Level {
    id: id "id",
    battlepass_id: id "battlepassId",
    level: number "level",
    exp_required: number "expRequired",
    active: flag "active",
    free_tier_rewards: list "freeTierRewards",
    premium_tier_rewards: list "premiumTierRewards",
    completed: flag "completed",
});

decode_fields!(Challenge {
    id: id "id",
    battlepass_id: id "battlepassId",
    name: text "name",
    start_date: text "startDate",
    end_date: text "endDate",
    active: flag "active",
    premium: flag "premium",
    rewards: list "rewards",
    completed: flag "completed",
});

decode_fields!(Reward {
    id: id "id",
    game_id: id "gameId",
    battlepass_id: id "battlepassId",
    name: text "name",
    amount: number "amount",
    amount_in_decimal: number "amountInDecimal",
    media_url: text "mediaUrl",
});

decode_fields!(Battlepass {
    id: id "id",
    game_id: id "gameId",
    organization_id: id "organizationId",
    name: text "name",
    no_time_limit: flag "noTimeLimit",
    premium_price: number "premiumPrice",
    start_date: text "startDate",
    end_date: text "endDate",
    challenges: list "challenges",
    levels: list "levels",
});

#[cfg(test)]
mod tests {
    use super::*;

    const SEED: &str = include_str!("../../tests/fixtures/whalepass-player-progress.seed.json");

    #[test]
    fn seed_example_decodes_verbatim() {
        let progress = PlayerProgress::from_json(SEED).unwrap();
        let player = progress.player.unwrap();
        assert_eq!(player.external_player_id.as_deref(), Some("string"));
        assert_eq!(player.account_connected, Some(true));
        assert_eq!(player.created_at.as_deref(), Some("2023-12-27T10:58:40.064Z"));
        let bp = progress.battlepass_progress.unwrap();
        assert_eq!((bp.current_exp, bp.last_completed_level), (Some(0.0), Some(0.0)));
        let level = &bp.levels[0];
        assert_eq!((level.level, level.exp_required, level.completed), (Some(0.0), Some(0.0), Some(true)));
        assert_eq!(level.free_tier_rewards[0].name.as_deref(), Some("string"));
        assert_eq!(level.premium_tier_rewards[0].media_url.as_deref(), Some("string"));
        let challenge = &bp.challenges[0];
        assert_eq!((challenge.premium, challenge.completed), (Some(true), Some(true)));
        assert_eq!(challenge.rewards[0].amount_in_decimal, Some(0.0));
        assert_eq!(challenge.end_date.as_deref(), Some("2023-12-27T10:58:40.064Z"));
    }

    #[test]
    fn missing_and_null_fields_are_absent_not_errors() {
        assert_eq!(PlayerProgress::from_json("{}").unwrap_err().0, "unexpected answer");
        let progress = PlayerProgress::from_json(
            r#"{"player":{},"battlepassProgress":{"levels":[{"freeTierRewards":null,"level":null}],"challenges":[{}]}}"#,
        )
        .unwrap();
        let bp = progress.battlepass_progress.unwrap();
        assert_eq!(bp.levels[0], Level::default());
        assert_eq!(bp.challenges[0], Challenge::default());
    }

    #[test]
    fn numbers_may_be_floats_and_ids_may_be_numbers_without_losing_digits() {
        let bp = BattlepassProgress::from_json(
            r#"{"battlepassId":123456789012345678901,"currentExp":1250.75,"lastCompletedLevel":3.0,
                "levels":[{"id":987654321098765432,"level":1,"expRequired":100.5}]}"#,
        )
        .unwrap();
        assert_eq!(bp.current_exp, Some(1250.75));
        assert_eq!(bp.levels[0].id.as_deref(), Some("987654321098765432"));
        assert_eq!(bp.levels[0].exp_required, Some(100.5));
        // Beyond u64 serde_json falls back to a float; it is still kept, never a panic.
        assert!(bp.battlepass_id.is_some());
    }

    #[test]
    fn unknown_fields_are_ignored() {
        let progress = PlayerProgress::from_json(r#"{"future":1,"battlepassProgress":{"season":{"x":1}}}"#).unwrap();
        assert!(progress.battlepass_progress.is_some());
    }

    #[test]
    fn wrong_types_are_errors_not_panics() {
        for body in [
            r#"{"battlepassProgress":{"currentExp":"lots"}}"#,
            r#"{"battlepassProgress":{"levels":{}}}"#,
            r#"{"player":{"accountConnected":"yes"}}"#,
            r#"{"battlepassProgress":{"levels":[{"freeTierRewards":[{"name":7}]}]}}"#,
            r#"[]"#,
            "",
            "<html>502</html>",
        ] {
            assert!(PlayerProgress::from_json(body).is_err(), "{body}");
        }
    }

    #[test]
    fn battlepass_definition_decodes() {
        let bp = Battlepass::from_json(
            r#"{"id":"bp","gameId":"g","organizationId":"o","name":"Season 2","noTimeLimit":false,
                "premiumPrice":499,"startDate":"2024-01-01T00:00:00.000Z","endDate":"2024-03-01T00:00:00.000Z",
                "challenges":[],"levels":[]}"#,
        )
        .unwrap();
        assert_eq!(bp.premium_price, Some(499.0));
        assert_eq!(bp.end_date.as_deref(), Some("2024-03-01T00:00:00.000Z"));
    }
}
