//! Tolerant field decoders for thinly documented upstream payloads.
//!
//! The rules: `null` is the same as absent; numbers may arrive as integers or floats (or, for
//! ids, as numbers where a string was documented); long numeric ids stay exact strings; a value
//! of the wrong kind is a decode error, never a panic and never silently a different value.

use std::fmt;

use serde::de::{self, Deserializer, Visitor};
use serde::Deserialize;

/// An optional number that upstream may send as an integer or a float.
pub(crate) fn number<'de, D: Deserializer<'de>>(de: D) -> Result<Option<f64>, D::Error> {
    struct NumberVisitor;
    impl<'de> Visitor<'de> for NumberVisitor {
        type Value = Option<f64>;
        fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
            f.write_str("a number")
        }
        fn visit_i64<E>(self, v: i64) -> Result<Self::Value, E> {
            Ok(Some(v as f64))
        }
        fn visit_u64<E>(self, v: u64) -> Result<Self::Value, E> {
            Ok(Some(v as f64))
        }
        fn visit_f64<E: de::Error>(self, v: f64) -> Result<Self::Value, E> {
            Ok(Some(v))
        }
        fn visit_unit<E>(self) -> Result<Self::Value, E> {
            Ok(None)
        }
        fn visit_none<E>(self) -> Result<Self::Value, E> {
            Ok(None)
        }
        fn visit_some<D: Deserializer<'de>>(self, de: D) -> Result<Self::Value, D::Error> {
            de.deserialize_any(self)
        }
    }
    de.deserialize_option(NumberVisitor)
}

/// An optional millisecond timestamp or duration: an integer, a float (truncated), or a string
/// of digits (some JSON stacks quote 64-bit numbers, as Giftoin's own `status.timestamp` does).
pub(crate) fn millis<'de, D: Deserializer<'de>>(de: D) -> Result<Option<i64>, D::Error> {
    match Option::<IdOrNumber>::deserialize(de)? {
        None => Ok(None),
        Some(IdOrNumber::Float(v)) => Ok(Some(v as i64)),
        Some(IdOrNumber::Text(text)) => text
            .trim()
            .parse::<i64>()
            .map(Some)
            .map_err(|_| de::Error::invalid_value(de::Unexpected::Str(&text), &"milliseconds")),
    }
}

/// An optional id: a string, or a number kept exactly as its digits (a 19-digit Discord id would
/// lose its last digits as a float).
pub(crate) fn id<'de, D: Deserializer<'de>>(de: D) -> Result<Option<String>, D::Error> {
    Ok(Option::<IdOrNumber>::deserialize(de)?.map(|v| match v {
        IdOrNumber::Text(text) => text,
        // Integral floats (`42.0`) read as the integer; anything else as JavaScript writes it.
        IdOrNumber::Float(v) if v.fract() == 0.0 && v.abs() < 9.0e15 => (v as i64).to_string(),
        IdOrNumber::Float(v) => crate::format::js_number_text(v),
    }))
}

/// A string, or an exact integer rendered as its digits, or a float.
enum IdOrNumber {
    Text(String),
    Float(f64),
}

impl<'de> Deserialize<'de> for IdOrNumber {
    fn deserialize<D: Deserializer<'de>>(de: D) -> Result<Self, D::Error> {
        struct IdVisitor;
        impl<'de> Visitor<'de> for IdVisitor {
            type Value = IdOrNumber;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a string or a number")
            }
            fn visit_str<E>(self, v: &str) -> Result<IdOrNumber, E> {
                Ok(IdOrNumber::Text(v.to_owned()))
            }
            fn visit_string<E>(self, v: String) -> Result<IdOrNumber, E> {
                Ok(IdOrNumber::Text(v))
            }
            fn visit_i64<E>(self, v: i64) -> Result<IdOrNumber, E> {
                Ok(IdOrNumber::Text(v.to_string()))
            }
            fn visit_u64<E>(self, v: u64) -> Result<IdOrNumber, E> {
                Ok(IdOrNumber::Text(v.to_string()))
            }
            fn visit_f64<E>(self, v: f64) -> Result<IdOrNumber, E> {
                Ok(IdOrNumber::Float(v))
            }
        }
        de.deserialize_any(IdVisitor)
    }
}

/// An optional boolean (`null` means absent).
pub(crate) fn flag<'de, D: Deserializer<'de>>(de: D) -> Result<Option<bool>, D::Error> {
    Option::<bool>::deserialize(de)
}

/// An optional nested object. serde's derived structs also accept a JSON array (fields by
/// position), so `"battlepassProgress": []` would read as an empty progress and hide a broken
/// answer; this accepts only an object or `null`.
pub(crate) fn object<'de, D, T>(de: D) -> Result<Option<T>, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de>,
{
    struct ObjectVisitor<T>(std::marker::PhantomData<T>);
    impl<'de, T: Deserialize<'de>> Visitor<'de> for ObjectVisitor<T> {
        type Value = Option<T>;
        fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
            f.write_str("an object")
        }
        fn visit_map<A: de::MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
            T::deserialize(de::value::MapAccessDeserializer::new(map)).map(Some)
        }
        fn visit_unit<E>(self) -> Result<Self::Value, E> {
            Ok(None)
        }
        fn visit_none<E>(self) -> Result<Self::Value, E> {
            Ok(None)
        }
        fn visit_some<D: Deserializer<'de>>(self, de: D) -> Result<Self::Value, D::Error> {
            de.deserialize_any(self)
        }
    }
    de.deserialize_option(ObjectVisitor(std::marker::PhantomData))
}

/// A list where `null` means empty.
pub(crate) fn list<'de, D, T>(de: D) -> Result<Vec<T>, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de>,
{
    Ok(Option::<Vec<T>>::deserialize(de)?.unwrap_or_default())
}

/// Declares an enum for a text field whose values upstream does not fully document: the known
/// values get variants, anything else is kept as `Other(text)` so it can still be shown.
macro_rules! text_enum {
    ($(#[$meta:meta])* $name:ident { $($(#[$vmeta:meta])* $variant:ident => $text:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, Eq)]
        pub enum $name {
            $($(#[$vmeta])* $variant,)+
            /// A value the documentation does not list, kept as upstream sent it.
            Other(String),
        }

        impl $name {
            /// The value as upstream sends it.
            pub fn as_str(&self) -> &str {
                match self {
                    $($name::$variant => $text,)+
                    $name::Other(text) => text,
                }
            }

            /// A human-readable label: `in_progress` becomes `In progress`.
            pub fn label(&self) -> String {
                crate::model::humanize(self.as_str())
            }
        }

        impl From<&str> for $name {
            fn from(text: &str) -> Self {
                match text {
                    $($text => $name::$variant,)+
                    other => $name::Other(other.to_owned()),
                }
            }
        }

        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(de: D) -> Result<Self, D::Error> {
                let text = <std::borrow::Cow<'de, str>>::deserialize(de)?;
                Ok($name::from(text.as_ref()))
            }
        }
    };
}
pub(crate) use text_enum;
