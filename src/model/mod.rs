//! The upstream payloads the proxy passes through, and decoding that survives thin
//! documentation: every field optional, unknown fields ignored, unknown enum values kept as text,
//! integers or floats accepted, long ids kept exact.

mod decode;
mod error;
pub mod giftoin;
mod json;
mod lenient;
pub mod whalepass;

pub use error::{message_in, upstream_message, DecodeError};
pub use decode::Decode;
pub(crate) use decode::{decode_fields, list, Fields};
pub(crate) use json::from_js;
pub use json::{Json, JsonDoc, Kind};

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
    // A loop, not `str::replace` with a pattern: that is a searcher of its own in the wasm.
    let mut words = String::with_capacity(raw.len());
    for c in raw.chars() {
        words.push(if c == '_' || c == '-' { ' ' } else { c });
    }
    let words = words.trim();
    // Short all-caps values are acronyms (QR, NFT): leave them be.
    if words.len() <= 4 && words.chars().all(|c| c.is_ascii_uppercase() || c.is_ascii_digit()) {
        return words.to_owned();
    }
    crate::format::capitalize(words)
}
