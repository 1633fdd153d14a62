//! Decoding the models from a parsed [`Json`] document, field by field, with the tolerance thin
//! documentation needs: `null` is the same as absent; numbers may be integers or floats (or, for
//! ids, numbers where a string was documented); long numeric ids stay exact strings; unknown
//! fields are ignored; a value of the wrong kind is an error naming the field, never a panic and
//! never silently a different value.
//!
//! The same code runs in the browser (over what `Response.json()` parsed) and in the native
//! tests (over a `serde_json::Value`), so the tests check exactly what the widgets do. It asks
//! the document a handful of questions ([`JsonDoc`]); a serde deserializer per model type, with
//! serde's float-formatting error messages, was a fifth of the wasm.

use super::{DecodeError, Json, JsonDoc, Kind};

/// A model that can be read from a parsed JSON document.
///
/// ```
/// use progress_widgets::model::giftoin::Card;
/// use progress_widgets::model::Decode;
/// let card = Card::from_json(r#"{"name":"Snowflake","ownedQuantity":2,"surprise":true}"#).unwrap();
/// assert_eq!((card.name.as_deref(), card.owned_quantity), (Some("Snowflake"), Some(2.0)));
/// assert_eq!(Card::from_json(r#"{"name":7}"#).unwrap_err().0, "name: expected a string");
/// assert!(Card::from_json("[]").is_err());
/// ```
pub trait Decode: Sized {
    /// Reads the model from a document, which must be an object.
    fn decode(doc: &Json) -> Result<Self, DecodeError>;

    /// Parses JSON text and reads the model from it.
    fn from_json(text: &str) -> Result<Self, DecodeError> {
        Self::decode(&Json::parse(text)?)
    }
}

/// Implements [`Decode`] for a struct, one line per field: its name, how it is read (a method of
/// [`Fields`]) and its key upstream.
macro_rules! decode_fields {
    ($ty:ident { $($field:ident: $read:ident $key:literal),* $(,)? }) => {
        impl $crate::model::Decode for $ty {
            fn decode(doc: &$crate::model::Json) -> Result<Self, $crate::model::DecodeError> {
                let f = $crate::model::Fields::of(doc)?;
                let value = $ty { $($field: f.keep(f.$read($key)),)* };
                f.finish(value)
            }
        }
    };
}
pub(crate) use decode_fields;

/// The members of one JSON object, read by name, and the first member that could not be read.
///
/// A model is read whole, and the first failure then decides ([`Fields::keep`],
/// [`Fields::finish`]), rather than returned from at each member with `?`: every `?` is a
/// separate exit that drops the members read so far, and in the wasm those exits were a third of
/// the decoders' code (4.8 KB raw, 0.2 KB brotli).
pub(crate) struct Fields<'a>(&'a Json, std::cell::Cell<Option<DecodeError>>);

impl<'a> Fields<'a> {
    /// The object's fields; an error for anything that is not an object.
    pub(crate) fn of(doc: &'a Json) -> Result<Self, DecodeError> {
        match doc.kind() {
            Kind::Object => Ok(Fields(doc, std::cell::Cell::new(None))),
            _ => Err(DecodeError("expected an object".to_owned())),
        }
    }

    /// What a member read gave, or an empty value while the failure is kept (the first one wins).
    pub(crate) fn keep<T: Default>(&self, read: Result<T, DecodeError>) -> T {
        read.unwrap_or_else(|error| {
            let first = self.1.take().unwrap_or(error);
            self.1.set(Some(first));
            T::default()
        })
    }

    /// The model read from every member, unless one of them failed.
    pub(crate) fn finish<T>(self, value: T) -> Result<T, DecodeError> {
        match self.1.into_inner() {
            None => Ok(value),
            Some(error) => Err(error),
        }
    }

    /// The member, unless it is absent or `null`.
    fn get(&self, key: &str) -> Option<Json> {
        self.0.member(key).filter(|value| value.kind() != Kind::Null)
    }

    /// A member of the right kind, read by `read`; an error naming the member otherwise.
    fn read<T>(&self, key: &str, expected: &str, read: impl FnOnce(&Json) -> Option<T>) -> Result<Option<T>, DecodeError> {
        match self.get(key) {
            None => Ok(None),
            Some(value) => read(&value).map(Some).ok_or_else(|| wrong(key, expected)),
        }
    }

    /// A string.
    pub(crate) fn text(&self, key: &str) -> Result<Option<String>, DecodeError> {
        self.read(key, "a string", JsonDoc::text)
    }

    /// A number, integer or float.
    pub(crate) fn number(&self, key: &str) -> Result<Option<f64>, DecodeError> {
        self.read(key, "a number", JsonDoc::number)
    }

    /// `true` or `false`.
    pub(crate) fn flag(&self, key: &str) -> Result<Option<bool>, DecodeError> {
        self.read(key, "true or false", JsonDoc::boolean)
    }

    /// An id: a string, or a number kept exactly as its digits (a 19-digit Discord id would lose
    /// its last digits as a float); integral floats (`42.0`) read as the integer.
    pub(crate) fn id(&self, key: &str) -> Result<Option<String>, DecodeError> {
        self.read(key, "a string or a number", |value| match value.number() {
            Some(n) if n.fract() == 0.0 && n.abs() < 9.0e15 => Some(crate::format::int(n as i64, 1)),
            _ => value.scalar_text(),
        })
    }

    /// Milliseconds (a timestamp or a duration): an integer, a float (truncated), or a string of
    /// digits (some JSON stacks quote 64-bit numbers, as Giftoin's own `status.timestamp` does).
    pub(crate) fn millis(&self, key: &str) -> Result<Option<i64>, DecodeError> {
        self.read(key, "milliseconds", |value| match value.number() {
            Some(n) => Some(n as i64),
            None => value.text()?.trim().parse().ok(),
        })
    }

    /// A text value of an enum whose values upstream does not fully document.
    pub(crate) fn choice<T: for<'s> From<&'s str>>(&self, key: &str) -> Result<Option<T>, DecodeError> {
        Ok(self.text(key)?.map(|text| T::from(text.as_str())))
    }

    /// A nested object (an array or any other kind is an error, not an empty value).
    pub(crate) fn object<T: Decode>(&self, key: &str) -> Result<Option<T>, DecodeError> {
        self.get(key).map(|value| T::decode(&value).map_err(|e| within(key, e))).transpose()
    }

    /// A list of objects; `null` is empty.
    pub(crate) fn list<T: Decode>(&self, key: &str) -> Result<Vec<T>, DecodeError> {
        decode_items(&|read| match self.get(key) {
            None => Ok(()),
            Some(value) => each_item(&value, read).map_err(|e| within(key, e)),
        })
    }
}

/// Every item of an array, decoded; an error naming the item that failed.
pub(crate) fn list<T: Decode>(doc: &Json) -> Result<Vec<T>, DecodeError> {
    decode_items(&|read| each_item(doc, read))
}

/// A walk over a list's items that calls `read` on each ([`each_item`], once the list is found).
type Items<'a> = dyn Fn(&mut dyn FnMut(&Json) -> Result<(), DecodeError>) -> Result<(), DecodeError> + 'a;

/// Decodes and keeps every item `items` walks over: the only part of decoding a list that is
/// compiled per model type (the walks are not generic).
fn decode_items<T: Decode>(items: &Items) -> Result<Vec<T>, DecodeError> {
    let mut out = Vec::new();
    items(&mut |item| Ok(out.push(T::decode(item)?)))?;
    Ok(out)
}

/// Calls `read` on every item of an array, naming the item in its error. Not generic: only the
/// one line that decodes and keeps an item is compiled per model type (a loop with its error
/// paths per list type was 0.4 KB brotli of the wasm).
fn each_item(doc: &Json, read: &mut dyn FnMut(&Json) -> Result<(), DecodeError>) -> Result<(), DecodeError> {
    if doc.kind() != Kind::Array {
        return Err(DecodeError("expected a list".to_owned()));
    }
    for (i, item) in doc.items().iter().enumerate() {
        read(item).map_err(|e| within(&crate::format::int(i as i64, 1), e))?;
    }
    Ok(())
}

fn wrong(key: &str, expected: &str) -> DecodeError {
    DecodeError(key.to_owned() + ": expected " + expected)
}

fn within(key: &str, error: DecodeError) -> DecodeError {
    DecodeError(key.to_owned() + "." + &error.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc(text: &str) -> Json {
        Json::parse(text).unwrap()
    }

    #[test]
    fn null_is_absent_and_wrong_kinds_are_errors_naming_the_field() {
        let doc = doc(r#"{"a":null,"n":"5","t":true}"#);
        let f = Fields::of(&doc).unwrap();
        assert_eq!(f.text("a").unwrap(), None);
        assert_eq!(f.text("missing").unwrap(), None);
        assert_eq!(f.number("n").unwrap_err().0, "n: expected a number");
        assert_eq!(f.text("t").unwrap_err().0, "t: expected a string");
        assert_eq!(f.flag("n").unwrap_err().0, "n: expected true or false");
    }

    #[test]
    fn ids_and_millis_accept_what_upstream_sends() {
        let doc = doc(r#"{"big":123456789012345678,"float":42.0,"frac":1.5,"quoted":" 1644825600000 ","bad":"soon"}"#);
        let f = Fields::of(&doc).unwrap();
        assert_eq!(f.id("big").unwrap().as_deref(), Some("123456789012345678"));
        assert_eq!(f.id("float").unwrap().as_deref(), Some("42"));
        assert_eq!(f.id("frac").unwrap().as_deref(), Some("1.5"));
        assert_eq!(f.millis("quoted").unwrap(), Some(1_644_825_600_000));
        assert_eq!(f.millis("frac").unwrap(), Some(1));
        assert_eq!(f.millis("bad").unwrap_err().0, "bad: expected milliseconds");
    }
}
