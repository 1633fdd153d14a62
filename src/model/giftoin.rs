//! Giftoin collection challenges ("programs"): the cards a user owns and the reward for
//! completing a collection.

use super::lenient::text_enum;
use super::{decode_fields, Decode, DecodeError, Json, JsonDoc, Kind};

/// A collection challenge and the user's progress in it.
///
/// ```
/// use progress_widgets::model::giftoin::{Program, ProgramStatus};
/// let program = Program::from_json(r#"{"id":"program_123","status":"in_progress","size":10}"#).unwrap();
/// assert_eq!(program.status, Some(ProgramStatus::InProgress));
/// ```
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Program {
    /// The program's id.
    pub id: Option<String>,
    /// Its display name.
    pub name: Option<String>,
    /// Image URL.
    pub image: Option<String>,
    /// Theme and objectives.
    pub description: Option<String>,
    /// How many cards the collection has.
    pub size: Option<f64>,
    /// The collection's cards, owned or not.
    pub cards: Vec<Card>,
    /// Completion, 0-100.
    pub progress_in_percentage: Option<f64>,
    /// Where the program runs (`production`, ...).
    pub environment: Option<String>,
    /// Creation time, ms since the epoch.
    pub created_timestamp: Option<i64>,
    /// Milliseconds until the program ends, at the time of the response; absent when it never ends.
    pub time_left: Option<i64>,
    /// What completing the collection grants.
    pub reward: Option<CollectionReward>,
    /// The program's status.
    pub status: Option<ProgramStatus>,
    /// How many of the cards the user has.
    pub collected_count: Option<f64>,
    /// When it runs and whether to show it outside that window.
    pub duration: Option<Duration>,
}

text_enum! {
    /// A program's status. The reference lists no values; the example is `in_progress`.
    ///
    /// ```
    /// use progress_widgets::model::giftoin::ProgramStatus;
    /// assert_eq!(ProgramStatus::from("paused").label(), "Paused");
    /// ```
    ProgramStatus {
        /// Running, not yet complete.
        InProgress => "in_progress",
        /// Every card collected.
        Completed => "completed",
        /// Not started yet.
        NotStarted => "not_started",
        /// Over.
        Ended => "ended",
        /// Over, before completion.
        Expired => "expired",
    }
}

text_enum! {
    /// How rare a card is. The reference's example is `rare`.
    ///
    /// ```
    /// use progress_widgets::model::giftoin::Rarity;
    /// assert_eq!(Rarity::from("mythic"), Rarity::Other("mythic".into()));
    /// ```
    Rarity {
        /// Common.
        Common => "common",
        /// Uncommon.
        Uncommon => "uncommon",
        /// Rare.
        Rare => "rare",
        /// Epic.
        Epic => "epic",
        /// Legendary.
        Legendary => "legendary",
    }
}

text_enum! {
    /// How a reward's `value` is meant to be shown. The reference's example is `QR`.
    ///
    /// ```
    /// use progress_widgets::model::giftoin::ViewType;
    /// assert_eq!(ViewType::from("QR"), ViewType::Qr);
    /// ```
    ViewType {
        /// The value is rendered as a QR code.
        Qr => "QR",
        /// The value is plain text (e.g. a coupon code).
        Text => "TEXT",
        /// The value is a link.
        Link => "LINK",
    }
}

/// A card of a collection.
///
/// ```
/// use progress_widgets::model::giftoin::Card;
/// use progress_widgets::model::Decode;
/// let card = Card::from_json(r#"{"name":"Snowflake","isOwned":true,"ownedQuantity":2.0}"#).unwrap();
/// assert_eq!(card.owned_quantity, Some(2.0));
/// ```
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Card {
    /// The card's name.
    pub name: Option<String>,
    /// The card's id.
    pub id: Option<String>,
    /// Image URL.
    pub image: Option<String>,
    /// How many the user owns.
    pub owned_quantity: Option<f64>,
    /// Whether the user owns it.
    pub is_owned: Option<bool>,
    /// How rare it is.
    pub rarity: Option<Rarity>,
}

/// The reward for completing a collection.
///
/// ```
/// use progress_widgets::model::giftoin::CollectionReward;
/// use progress_widgets::model::Decode;
/// let r = CollectionReward::from_json(r#"{"name":"Badge","canClaim":true,"viewType":"QR"}"#).unwrap();
/// assert_eq!(r.can_claim, Some(true));
/// ```
#[derive(Debug, Clone, Default, PartialEq)]
pub struct CollectionReward {
    /// The reward's id.
    pub id: Option<String>,
    /// Its name.
    pub name: Option<String>,
    /// Image URL.
    pub image: Option<String>,
    /// What it is.
    pub description: Option<String>,
    /// Whether the user has claimed it.
    pub is_claimed: Option<bool>,
    /// Whether the user can claim it now.
    pub can_claim: Option<bool>,
    /// The reward's value (a code, a link ...), shown as `view_type` says.
    pub value: Option<String>,
    /// When it was claimed, ms since the epoch.
    pub claimed_timestamp: Option<i64>,
    /// How to show `value`.
    pub view_type: Option<ViewType>,
    /// Set by the proxy when it withheld `value` because no player token proved whose reward
    /// this is (`valueWithheld: true`, with `value: null`).
    pub value_withheld: Option<bool>,
}

/// When a program runs.
///
/// ```
/// use progress_widgets::model::giftoin::Duration;
/// use progress_widgets::model::Decode;
/// let d = Duration::from_json(r#"{"start":{"date":1644825600000,"showBefore":true},"end":null}"#).unwrap();
/// assert!(d.end.is_none());
/// ```
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Duration {
    /// The start.
    pub start: Option<DurationStart>,
    /// The end; `None` when the program never ends.
    pub end: Option<DurationEnd>,
}

/// The start of a program.
///
/// ```
/// use progress_widgets::model::giftoin::DurationStart;
/// use progress_widgets::model::Decode;
/// let s = DurationStart::from_json(r#"{"date":"1644825600000"}"#).unwrap();
/// assert_eq!(s.date, Some(1644825600000));
/// ```
#[derive(Debug, Clone, Default, PartialEq)]
pub struct DurationStart {
    /// Start time, ms since the epoch.
    pub date: Option<i64>,
    /// Whether to show the program before it starts.
    pub show_before: Option<bool>,
}

/// The end of a program.
///
/// ```
/// use progress_widgets::model::giftoin::DurationEnd;
/// use progress_widgets::model::Decode;
/// let e = DurationEnd::from_json(r#"{"date":1647417600000,"showAfter":false}"#).unwrap();
/// assert_eq!(e.show_after, Some(false));
/// ```
#[derive(Debug, Clone, Default, PartialEq)]
pub struct DurationEnd {
    /// End time, ms since the epoch.
    pub date: Option<i64>,
    /// Whether to show the program after it ends.
    pub show_after: Option<bool>,
}

impl Program {
    /// Decodes one program, bare or wrapped as `{"data": ..., "status": ...}`.
    ///
    /// ```
    /// use progress_widgets::model::giftoin::Program;
    /// let bare = Program::from_json(r#"{"name":"Winter"}"#).unwrap();
    /// let wrapped = Program::from_json(r#"{"data":{"name":"Winter"},"status":{"timestamp":"1"}}"#).unwrap();
    /// assert_eq!(bare, wrapped);
    /// ```
    pub fn from_json(body: &str) -> Result<Self, DecodeError> {
        Self::from_doc(&Json::parse(body)?)
    }

    /// Decodes a parsed response, bare or wrapped.
    pub fn from_doc(doc: &Json) -> Result<Self, DecodeError> {
        let program = <Self as Decode>::decode(&unwrap_envelope(doc)?)?;
        match program.id.is_none() && program.name.is_none() && program.cards.is_empty() {
            true => Err(DecodeError::unexpected(doc)),
            false => Ok(program),
        }
    }

    /// Decodes a list of programs, bare or wrapped as `{"data": [...], "status": ...}`.
    ///
    /// ```
    /// use progress_widgets::model::giftoin::Program;
    /// assert_eq!(Program::list_from_json(r#"{"data":[{},{}]}"#).unwrap().len(), 2);
    /// assert!(Program::list_from_json(r#"{"name":"not a list"}"#).is_err());
    /// ```
    pub fn list_from_json(body: &str) -> Result<Vec<Self>, DecodeError> {
        Self::list_from_doc(&Json::parse(body)?)
    }

    /// Decodes a parsed list of programs, bare or wrapped.
    pub fn list_from_doc(doc: &Json) -> Result<Vec<Self>, DecodeError> {
        let list = unwrap_envelope(doc)?;
        match list.kind() {
            Kind::Object => Err(DecodeError("expected a list of programs".to_owned())),
            Kind::Null => Ok(Vec::new()),
            _ => super::list(&list),
        }
    }
}

/// Giftoin's conventions page wraps results as `{data, status}`; the progress page shows them
/// bare. An object whose `status` is an object carrying an error (and no `data`) is an error,
/// even under HTTP 200. Returns the payload.
fn unwrap_envelope(doc: &Json) -> Result<Json, DecodeError> {
    let no_data = || DecodeError(super::message_in(doc).unwrap_or_else(|| "the response has no `data`".to_owned()));
    match doc.member("data") {
        Some(data) if data.kind() == Kind::Null => Err(no_data()),
        Some(data) => Ok(data),
        // A bare program has `status` too, but as a string.
        None if doc.member("status").is_some_and(|s| s.kind() == Kind::Object) => Err(no_data()),
        None => Ok(doc.clone()),
    }
}

decode_fields!(Program {
    id: id "id",
    name: text "name",
    image: text "image",
    description: text "description",
    size: number "size",
    cards: list "cards",
    progress_in_percentage: number "progressInPercentage",
    environment: text "environment",
    created_timestamp: millis "createdTimestamp",
    time_left: millis "timeLeft",
    reward: object "reward",
    status: choice "status",
    collected_count: number "collectedCount",
    duration: object "duration",
});

decode_fields!(Card {
    name: text "name",
    id: id "id",
    image: text "image",
    owned_quantity: number "ownedQuantity",
    is_owned: flag "isOwned",
    rarity: choice "rarity",
});

decode_fields!(CollectionReward {
    id: id "id",
    name: text "name",
    image: text "image",
    description: text "description",
    is_claimed: flag "isClaimed",
    can_claim: flag "canClaim",
    value: id "value",
    claimed_timestamp: millis "claimedTimestamp",
    view_type: choice "viewType",
    value_withheld: flag "valueWithheld",
});

decode_fields!(Duration { start: object "start", end: object "end" });

decode_fields!(DurationStart { date: millis "date", show_before: flag "showBefore" });

decode_fields!(DurationEnd { date: millis "date", show_after: flag "showAfter" });

#[cfg(test)]
mod tests {
    use super::*;

    const LIST_SEED: &str = include_str!("../../tests/fixtures/giftoin-collection-challenges.seed.json");
    const ONE_SEED: &str = include_str!("../../tests/fixtures/giftoin-collection-challenge.seed.json");

    fn assert_is_seed_program(program: &Program) {
        assert_eq!(program.id.as_deref(), Some("program_123"));
        assert_eq!(program.name.as_deref(), Some("Winter Challenge"));
        assert_eq!(program.image.as_deref(), Some("https://example.com/images/winter-challenge.png"));
        assert_eq!(program.description.as_deref(), Some("Collect all winter-themed cards"));
        assert_eq!((program.size, program.collected_count), (Some(10.0), Some(3.0)));
        assert_eq!(program.progress_in_percentage, Some(30.0));
        assert_eq!(program.environment.as_deref(), Some("production"));
        assert_eq!((program.created_timestamp, program.time_left), (Some(1644825600000), Some(604800000)));
        assert_eq!(program.status, Some(ProgramStatus::InProgress));
        let card = &program.cards[0];
        assert_eq!(card.name.as_deref(), Some("Snowflake Card"));
        assert_eq!(card.id.as_deref(), Some("card_456"));
        assert_eq!(card.image.as_deref(), Some("https://example.com/images/snowflake.png"));
        assert_eq!((card.owned_quantity, card.is_owned), (Some(2.0), Some(true)));
        assert_eq!(card.rarity, Some(Rarity::Rare));
        let reward = program.reward.as_ref().unwrap();
        assert_eq!(reward.id.as_deref(), Some("reward_789"));
        assert_eq!(reward.name.as_deref(), Some("Winter Champion Badge"));
        assert_eq!(reward.image.as_deref(), Some("https://example.com/images/winter-badge.png"));
        assert_eq!(reward.description.as_deref(), Some("Awarded to those who complete the Winter Challenge"));
        assert_eq!((reward.is_claimed, reward.can_claim), (Some(false), Some(false)));
        assert_eq!(reward.value.as_deref(), Some("text"));
        assert_eq!(reward.claimed_timestamp, Some(1));
        assert_eq!(reward.view_type, Some(ViewType::Qr));
        let duration = program.duration.as_ref().unwrap();
        let (start, end) = (duration.start.as_ref().unwrap(), duration.end.as_ref().unwrap());
        assert_eq!((start.date, start.show_before), (Some(1644825600000), Some(true)));
        assert_eq!((end.date, end.show_after), (Some(1647417600000), Some(false)));
    }

    #[test]
    fn seed_examples_decode_verbatim() {
        let programs = Program::list_from_json(LIST_SEED).unwrap();
        assert_eq!(programs.len(), 1);
        assert_is_seed_program(&programs[0]);
        assert_is_seed_program(&Program::from_json(ONE_SEED).unwrap());
    }

    #[test]
    fn both_envelope_shapes_decode_the_same() {
        let status = r#""status":{"timestamp":"1688555980233"}"#;
        let wrapped_list = format!(r#"{{"data":{LIST_SEED},{status}}}"#);
        assert_eq!(Program::list_from_json(&wrapped_list).unwrap(), Program::list_from_json(LIST_SEED).unwrap());
        let wrapped_one = format!(r#"{{{status},"data":{ONE_SEED}}}"#);
        assert_eq!(Program::from_json(&wrapped_one).unwrap(), Program::from_json(ONE_SEED).unwrap());
        assert_eq!(Program::list_from_json(r#"{"data":null}"#).unwrap_err().0, "the response has no `data`");
    }

    #[test]
    fn an_error_envelope_is_an_error_with_its_message() {
        let body = r#"{"status":{"timestamp":"1708777200000","errorCode":5250,"errorMessage":"Campaign not found"}}"#;
        assert_eq!(Program::from_json(body).unwrap_err().0, "Campaign not found (code 5250)");
        assert!(Program::list_from_json(body).is_err());
    }

    #[test]
    fn unknown_enum_values_are_kept_as_text() {
        let program = Program::from_json(
            r#"{"status":"paused_by_admin","cards":[{"rarity":"mythic"}],"reward":{"viewType":"BARCODE"}}"#,
        )
        .unwrap();
        assert_eq!(program.status, Some(ProgramStatus::Other("paused_by_admin".into())));
        assert_eq!(program.status.unwrap().label(), "Paused by admin");
        assert_eq!(program.cards[0].rarity.as_ref().unwrap().as_str(), "mythic");
        assert_eq!(program.reward.unwrap().view_type, Some(ViewType::Other("BARCODE".into())));
    }

    #[test]
    fn missing_fields_and_nulls_are_absent() {
        assert_eq!(Program::from_json("{}").unwrap_err().0, "unexpected answer");
        let program =
            Program::from_json(r#"{"id":"p","cards":null,"timeLeft":null,"duration":{"start":null,"end":null},"reward":null}"#)
                .unwrap();
        assert!(program.cards.is_empty() && program.time_left.is_none() && program.reward.is_none());
        assert!(Program::list_from_json("null").unwrap().is_empty());
    }

    #[test]
    fn numbers_as_floats_and_numeric_ids_stay_exact() {
        let program = Program::from_json(
            r#"{"id":1234567890123456789,"size":10.0,"progressInPercentage":33.3,"timeLeft":6.048e8,
                "cards":[{"id":42,"ownedQuantity":1.0}],"reward":{"value":998877665544332211}}"#,
        )
        .unwrap();
        assert_eq!(program.id.as_deref(), Some("1234567890123456789"));
        assert_eq!(program.progress_in_percentage, Some(33.3));
        assert_eq!(program.time_left, Some(604800000));
        assert_eq!(program.cards[0].id.as_deref(), Some("42"));
        assert_eq!(program.reward.unwrap().value.as_deref(), Some("998877665544332211"));
    }

    #[test]
    fn wrong_types_are_errors_not_panics() {
        for body in [
            r#"{"cards":"none"}"#,
            r#"{"size":"ten"}"#,
            r#"{"status":3}"#,
            r#"{"cards":[{"isOwned":"yes"}]}"#,
            r#"{"timeLeft":"soon"}"#,
            r#"[1,2]"#,
            "not json",
        ] {
            assert!(Program::from_json(body).is_err(), "{body}");
        }
        assert!(Program::list_from_json(r#"[{"cards":7}]"#).is_err());
    }
}
