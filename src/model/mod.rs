//! serde types for the upstream payloads the proxy passes through, and decoding that survives
//! thin documentation: every field optional, unknown fields ignored, unknown enum values kept as
//! text, integers or floats accepted, long ids kept exact.

mod error;
pub mod giftoin;
mod lenient;
pub mod whalepass;

pub use error::{upstream_message, DecodeError};

/// Decodes a body that must be a JSON object. serde's derived structs also accept a JSON array
/// (fields by position), which for a payload of all-optional fields would turn a wrong shape
/// into an empty value instead of an error.
///
/// Decoding goes straight from text: going through `serde_json::Value` would compile a second
/// deserializer for every model type into the bundle.
fn decode_object<'a, T: serde::Deserialize<'a>>(body: &'a str) -> Result<T, DecodeError> {
    if !body.trim_start().starts_with('{') {
        // Still parse, so broken JSON reports what is broken.
        serde_json::from_str::<serde::de::IgnoredAny>(body)?;
        return Err(DecodeError("expected a JSON object".to_owned()));
    }
    Ok(serde_json::from_str(body)?)
}

/// Turns an upstream enum value or key into a label: `in_progress` → `In progress`,
/// `NOT-STARTED` → `Not started`.
///
/// ```
/// assert_eq!(progress_widgets::model::humanize("in_progress"), "In progress");
/// assert_eq!(progress_widgets::model::humanize("QR"), "QR");
/// assert_eq!(progress_widgets::model::humanize("rare"), "Rare");
/// assert_eq!(progress_widgets::model::humanize("LEGENDARY"), "Legendary");
/// ```
pub fn humanize(raw: &str) -> String {
    let words = raw.replace(['_', '-'], " ");
    let words = words.trim();
    // Short all-caps values are acronyms (QR, NFT): leave them be.
    if words.len() <= 4 && words.chars().all(|c| c.is_ascii_uppercase() || c.is_ascii_digit()) {
        return words.to_owned();
    }
    let mut chars = words.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars.flat_map(char::to_lowercase)).collect(),
        None => String::new(),
    }
}
