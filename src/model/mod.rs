//! serde types for the upstream payloads the proxy passes through, and decoding that survives
//! thin documentation: every field optional, unknown fields ignored, unknown enum values kept as
//! text, integers or floats accepted, long ids kept exact.

mod error;
pub mod giftoin;
mod json;
mod lenient;
pub mod whalepass;

pub use error::{message_in, upstream_message, DecodeError};
pub(crate) use json::from_js;
pub use json::{Json, JsonDoc, Kind};

/// Decodes a document that must be a JSON object. serde's derived structs also accept an array
/// (fields by position, or, from a `JsValue`, no fields at all), which for a payload of
/// all-optional fields would turn a wrong shape into an empty value instead of an error.
fn decode_object<T: serde::de::DeserializeOwned>(doc: &Json) -> Result<T, DecodeError> {
    match doc.kind() {
        Kind::Object => doc.decode(),
        _ => Err(DecodeError("expected a JSON object".to_owned())),
    }
}

/// Turns an upstream enum value or key into a label: `in_progress` → `In progress`,
/// `NOT-STARTED` → `Not started`.
///
/// ```
/// assert_eq!(progress_widgets::model::humanize("in_progress"), "In progress");
/// assert_eq!(progress_widgets::model::humanize("QR"), "QR");
/// assert_eq!(progress_widgets::model::humanize("rare"), "Rare");
/// assert_eq!(progress_widgets::model::humanize("LEGENDARY"), "Legendary");
/// assert_eq!(progress_widgets::model::humanize("ÉPIQUE"), "Épique");
/// ```
pub fn humanize(raw: &str) -> String {
    let words = raw.replace(['_', '-'], " ");
    let words = words.trim();
    // Short all-caps values are acronyms (QR, NFT): leave them be.
    if words.len() <= 4 && words.chars().all(|c| c.is_ascii_uppercase() || c.is_ascii_digit()) {
        return words.to_owned();
    }
    crate::format::capitalize(words)
}
