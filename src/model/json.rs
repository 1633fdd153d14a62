//! A parsed JSON document, and the few questions the decoders ask of one.
//!
//! In the browser the document is whatever `Response.json()` / `JSON.parse` made (a
//! [`JsValue`](wasm_bindgen::JsValue)): the browser's parser is already there, and a JSON parser
//! compiled into the wasm, with a deserializer per model type, was the largest part of the bundle
//! that was ours. Natively (tests, doc examples) it is a `serde_json::Value`; serde_json is not a
//! dependency of the wasm build. The models are read from either by the same code
//! ([`Decode`](super::Decode)).

use super::DecodeError;

/// A parsed JSON document: a `JsValue` in wasm, a `serde_json::Value` natively.
///
/// ```
/// use progress_widgets::model::{Json, JsonDoc};
/// let doc = Json::parse(r#"{"data":null}"#).unwrap();
/// assert!(doc.member("data").is_some() && doc.member("status").is_none());
/// ```
#[cfg(target_arch = "wasm32")]
pub type Json = wasm_bindgen::JsValue;

/// A parsed JSON document: a `JsValue` in wasm, a `serde_json::Value` natively.
///
/// ```
/// use progress_widgets::model::{Json, JsonDoc};
/// let doc = Json::parse(r#"{"data":null}"#).unwrap();
/// assert!(doc.member("data").is_some() && doc.member("status").is_none());
/// ```
#[cfg(not(target_arch = "wasm32"))]
pub type Json = serde_json::Value;

/// A value the browser parsed (`Response.json()`), as a [`Json`] document. Natively, where no
/// browser runs the client, there is nothing to convert and the document is `null`.
pub(crate) fn from_js(value: &wasm_bindgen::JsValue) -> Json {
    #[cfg(target_arch = "wasm32")]
    {
        value.clone()
    }
    #[cfg(not(target_arch = "wasm32"))]
    {
        let _ = value;
        Json::Null
    }
}

/// What kind of JSON value a document (or member) is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// `null` (or, in the browser, `undefined`).
    Null,
    /// `true` or `false`.
    Bool,
    /// A number.
    Number,
    /// A string.
    String,
    /// An array.
    Array,
    /// An object.
    Object,
}

/// The questions asked of a [`Json`] document, answered the same way on both targets.
///
/// ```
/// use progress_widgets::model::{Json, JsonDoc, Kind};
/// let doc = Json::parse(r#"{"message":["a","b"],"code":42}"#).unwrap();
/// assert_eq!(doc.kind(), Kind::Object);
/// assert_eq!(doc.member("message").unwrap().items().len(), 2);
/// assert_eq!(doc.member("code").unwrap().scalar_text().as_deref(), Some("42"));
/// assert!(Json::parse("{").is_err());
/// ```
pub trait JsonDoc: Sized {
    /// Parses JSON text.
    fn parse(text: &str) -> Result<Self, DecodeError>;
    /// The kind of value this is.
    fn kind(&self) -> Kind;
    /// An object's member (`null` included); `None` when absent or when this is not an object.
    fn member(&self, key: &str) -> Option<Self>;
    /// An array's items; empty for anything else.
    fn items(&self) -> Vec<Self>;
    /// A string's text.
    fn text(&self) -> Option<String>;
    /// A string's text, or a number written as JSON writes it (`5250`).
    fn scalar_text(&self) -> Option<String>;
    /// A number's value.
    fn number(&self) -> Option<f64>;
    /// A boolean's value.
    fn boolean(&self) -> Option<bool>;
}

#[cfg(target_arch = "wasm32")]
impl JsonDoc for wasm_bindgen::JsValue {
    fn parse(text: &str) -> Result<Self, DecodeError> {
        js_sys::JSON::parse(text).map_err(|err| DecodeError(crate::format::js_error_text(&err)))
    }

    fn kind(&self) -> Kind {
        if self.is_null() || self.is_undefined() {
            Kind::Null
        } else if self.as_bool().is_some() {
            Kind::Bool
        } else if self.as_f64().is_some() {
            Kind::Number
        } else if self.is_string() {
            Kind::String
        } else if js_sys::Array::is_array(self) {
            Kind::Array
        } else {
            Kind::Object
        }
    }

    fn member(&self, key: &str) -> Option<Self> {
        if self.kind() != Kind::Object {
            return None;
        }
        // Own members only: `constructor` and friends come from the prototype.
        if !js_sys::Object::has_own(wasm_bindgen::JsCast::unchecked_ref::<js_sys::Object>(self), &key.into()) {
            return None;
        }
        js_sys::Reflect::get(self, &key.into()).ok()
    }

    fn items(&self) -> Vec<Self> {
        match self.kind() {
            Kind::Array => {
                // By index, not `iter().collect()`: one loop instead of js-sys's iterator adapters.
                let array = wasm_bindgen::JsCast::unchecked_ref::<js_sys::Array>(self);
                let mut items = Vec::with_capacity(array.length() as usize);
                for i in 0..array.length() {
                    items.push(array.get(i));
                }
                items
            }
            _ => Vec::new(),
        }
    }

    fn text(&self) -> Option<String> {
        self.as_string()
    }

    fn scalar_text(&self) -> Option<String> {
        match self.as_f64() {
            Some(number) => Some(crate::format::js_number_text(number)),
            None => self.as_string(),
        }
    }

    fn number(&self) -> Option<f64> {
        self.as_f64()
    }

    fn boolean(&self) -> Option<bool> {
        self.as_bool()
    }
}

#[cfg(not(target_arch = "wasm32"))]
impl JsonDoc for serde_json::Value {
    fn parse(text: &str) -> Result<Self, DecodeError> {
        serde_json::from_str(text).map_err(|err| DecodeError(err.to_string()))
    }

    fn kind(&self) -> Kind {
        use serde_json::Value;
        match self {
            Value::Null => Kind::Null,
            Value::Bool(_) => Kind::Bool,
            Value::Number(_) => Kind::Number,
            Value::String(_) => Kind::String,
            Value::Array(_) => Kind::Array,
            Value::Object(_) => Kind::Object,
        }
    }

    fn member(&self, key: &str) -> Option<Self> {
        self.as_object()?.get(key).cloned()
    }

    fn items(&self) -> Vec<Self> {
        self.as_array().cloned().unwrap_or_default()
    }

    fn text(&self) -> Option<String> {
        self.as_str().map(str::to_owned)
    }

    fn scalar_text(&self) -> Option<String> {
        match self {
            serde_json::Value::Number(number) => Some(number.to_string()),
            other => other.text(),
        }
    }

    fn number(&self) -> Option<f64> {
        self.as_f64()
    }

    fn boolean(&self) -> Option<bool> {
        self.as_bool()
    }
}
