//! Path segments (player ids, game ids, platforms, program ids): what is allowed, and how a
//! segment is written into and read out of a URL.

use std::fmt;

/// The longest segment the proxy accepts, in bytes. Real ids are far shorter (Discord ids are 19
/// digits, UUIDs 36 characters); the bound keeps hostile input from reaching upstream.
///
/// ```
/// assert!(progress_contract::MAX_SEGMENT_LEN >= 64);
/// ```
pub const MAX_SEGMENT_LEN: usize = 128;

/// [`MAX_SEGMENT_LEN`] written out, for the error message (a test keeps the two the same).
const MAX_SEGMENT_LEN_TEXT: &str = "128";

/// Why a path segment was refused.
///
/// ```
/// use progress_contract::{ProxyRoute, RouteError, SegmentError};
///
/// let err = ProxyRoute::parse("/whalepass/players/../progress", Some("gameId=g")).unwrap_err();
/// assert_eq!(err, RouteError::Segment { name: "playerId", error: SegmentError::DotSegment });
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SegmentError {
    /// The segment is empty.
    Empty,
    /// The segment is longer than [`MAX_SEGMENT_LEN`].
    TooLong,
    /// The segment is `.` or `..`.
    DotSegment,
    /// The raw URL encodes a slash, backslash or dot (`%2F`, `%5C`, `%2E`): a traversal attempt.
    EncodedSeparator,
    /// The segment contains a character outside the safe set, or broken percent-encoding.
    InvalidCharacter(char),
}

impl SegmentError {
    /// Appends the error's text to `out`, as [`Display`](fmt::Display) writes it, without
    /// `core::fmt` (see [`RouteError::message`](crate::RouteError::message)).
    ///
    /// ```
    /// let mut text = String::from("`gameId` ");
    /// progress_contract::SegmentError::Empty.push_message(&mut text);
    /// assert_eq!(text, "`gameId` must not be empty");
    /// ```
    pub fn push_message(&self, out: &mut String) {
        match self {
            SegmentError::Empty => out.push_str("must not be empty"),
            SegmentError::TooLong => crate::route::pieces(out, &["must be at most ", MAX_SEGMENT_LEN_TEXT, " bytes"]),
            SegmentError::DotSegment => out.push_str("must not be `.` or `..`"),
            SegmentError::EncodedSeparator => out.push_str("must not contain percent-encoded slashes, backslashes or dots"),
            // `escape_default`, not `{c:?}`: Debug would compile Unicode's printable tables into
            // the widgets' wasm.
            SegmentError::InvalidCharacter(c) => {
                out.push_str("must not contain '");
                for escaped in c.escape_default() {
                    out.push(escaped);
                }
                out.push('\'');
            }
        }
    }
}

impl fmt::Display for SegmentError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut text = String::new();
        self.push_message(&mut text);
        f.write_str(&text)
    }
}

/// Characters allowed in a decoded segment besides ASCII letters and digits. Ids in the wild use
/// these (`auth0|123`, `user@host`, `a.b`, `x:y`); nothing here can change the URL's structure.
const SAFE_PUNCTUATION: &[u8] = b"-_.~:@+=|!$*,";

fn is_safe(byte: u8) -> bool {
    byte.is_ascii_alphanumeric() || SAFE_PUNCTUATION.contains(&byte)
}

/// Percent-encodes one URL component (a path segment or a query value) so that it cannot change
/// the URL's structure: everything except ASCII letters, digits and `-._~` is encoded.
///
/// ```
/// assert_eq!(progress_contract::encode_component("a b/c?d"), "a%20b%2Fc%3Fd");
/// assert_eq!(progress_contract::encode_component("p-42"), "p-42");
/// ```
pub fn encode_component(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len());
    encode_into(&mut out, raw);
    out
}

/// [`encode_component`], appended to `out`.
pub(crate) fn encode_into(out: &mut String, raw: &str) {
    for &byte in raw.as_bytes() {
        if byte.is_ascii_alphanumeric() || b"-._~".contains(&byte) {
            out.push(byte as char);
        } else {
            out.push('%');
            out.push(char::from_digit(u32::from(byte >> 4), 16).unwrap().to_ascii_uppercase());
            out.push(char::from_digit(u32::from(byte & 15), 16).unwrap().to_ascii_uppercase());
        }
    }
}

/// Decodes and validates one raw (still percent-encoded) segment from a request URL.
pub(crate) fn decode_segment(raw: &str) -> Result<String, SegmentError> {
    let bytes = raw.as_bytes();
    let encoded_separator = bytes
        .windows(3)
        .any(|w| w[0] == b'%' && matches!((w[1], w[2].to_ascii_lowercase()), (b'2', b'f' | b'e') | (b'5', b'c')));
    if encoded_separator {
        return Err(SegmentError::EncodedSeparator);
    }
    // Most ids need no decoding: check and copy them once.
    if !bytes.contains(&b'%') {
        validate(raw)?;
        return Ok(raw.to_owned());
    }
    let mut decoded = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = bytes.get(i + 1..i + 3).and_then(|h| std::str::from_utf8(h).ok());
            let value = hex.and_then(|h| u8::from_str_radix(h, 16).ok());
            decoded.push(value.ok_or(SegmentError::InvalidCharacter('%'))?);
            i += 3;
        } else {
            decoded.push(bytes[i]);
            i += 1;
        }
    }
    let decoded = String::from_utf8(decoded).unwrap_or_else(|bad| String::from_utf8_lossy(bad.as_bytes()).into_owned());
    validate(&decoded)?;
    Ok(decoded)
}

/// Checks that a decoded segment is safe to forward.
pub(crate) fn validate(segment: &str) -> Result<(), SegmentError> {
    if segment.is_empty() {
        return Err(SegmentError::Empty);
    }
    if segment.len() > MAX_SEGMENT_LEN {
        return Err(SegmentError::TooLong);
    }
    if segment == "." || segment == ".." {
        return Err(SegmentError::DotSegment);
    }
    if let Some(bad) = segment.chars().find(|&c| !c.is_ascii() || !is_safe(c as u8)) {
        return Err(SegmentError::InvalidCharacter(bad));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_length_limit_reads_as_it_is() {
        assert_eq!(super::MAX_SEGMENT_LEN_TEXT, super::MAX_SEGMENT_LEN.to_string());
        assert_eq!(super::SegmentError::TooLong.to_string(), "must be at most 128 bytes");
        assert_eq!(super::SegmentError::InvalidCharacter('\n').to_string(), "must not contain '\\n'");
    }

    use super::*;

    #[test]
    fn encoding_round_trips_through_decoding_for_safe_ids() {
        for id in ["p-42", "123456789012345678", "auth0|abc", "a.b", "user@example.com"] {
            assert_eq!(decode_segment(&encode_component(id)).as_deref(), Ok(id));
        }
    }

    #[test]
    fn traversal_and_encoded_separators_are_refused() {
        assert_eq!(decode_segment(".."), Err(SegmentError::DotSegment));
        assert_eq!(decode_segment("."), Err(SegmentError::DotSegment));
        assert_eq!(decode_segment("%2e%2e"), Err(SegmentError::EncodedSeparator));
        assert_eq!(decode_segment("%2E."), Err(SegmentError::EncodedSeparator));
        assert_eq!(decode_segment("a%2Fb"), Err(SegmentError::EncodedSeparator));
        assert_eq!(decode_segment("a%5cb"), Err(SegmentError::EncodedSeparator));
    }

    #[test]
    fn unsafe_characters_empty_and_long_segments_are_refused() {
        assert_eq!(decode_segment(""), Err(SegmentError::Empty));
        assert_eq!(decode_segment("a%20b"), Err(SegmentError::InvalidCharacter(' ')));
        assert_eq!(decode_segment("a%3Fb"), Err(SegmentError::InvalidCharacter('?')));
        assert_eq!(decode_segment("a%zz"), Err(SegmentError::InvalidCharacter('%')));
        assert_eq!(decode_segment("a%"), Err(SegmentError::InvalidCharacter('%')));
        assert_eq!(decode_segment("%C3%A9"), Err(SegmentError::InvalidCharacter('é')));
        assert_eq!(decode_segment(&"a".repeat(MAX_SEGMENT_LEN)).map(|s| s.len()), Ok(MAX_SEGMENT_LEN));
        assert_eq!(decode_segment(&"a".repeat(MAX_SEGMENT_LEN + 1)), Err(SegmentError::TooLong));
    }
}
