//! The mount functions' options, checked in JavaScript: every option is read, trimmed and
//! refused with a message naming the function and the option, and what comes back is a short
//! list of plain values. In Rust, reading and checking fourteen properties of a JavaScript object
//! cost the wasm 2.2 KB brotli; in JavaScript (`checkOptions` in `js/browser.js`) it is a few
//! lines of the entry script.

use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

#[wasm_bindgen(module = "/js/browser.js")]
extern "C" {
    /// Checks `options` for `function` (the battle pass's with `battlepass`): the values in `At`'s
    /// order, or the message naming the bad option (a string).
    #[wasm_bindgen(js_name = checkOptions)]
    fn check_options(function: &str, battlepass: bool, options: &JsValue) -> JsValue;
}

/// The options of one mount (or `update`) call, checked.
pub(super) struct Checked(js_sys::Array);

/// Where each option is in what `checkOptions` returns.
#[derive(Clone, Copy)]
pub(super) enum At {
    ProxyUrl,
    Refresh,
    PlayerToken,
    Locale,
    Labels,
    SignInUrl,
    OnSignIn,
    Theme,
    Layout,
    /// `playerId`, or `platform` (only with a user).
    Id0,
    /// `gameId`, or `platformUserId`.
    Id1,
    /// `battlepassId`, or `programId`.
    Id2,
}

impl Checked {
    /// Checks the options of `function` (the battle pass's with `battlepass`); the error names the
    /// function and the option.
    pub(super) fn read(function: &str, battlepass: bool, options: &JsValue) -> Result<Self, JsError> {
        let checked = check_options(function, battlepass, options);
        match checked.as_string() {
            Some(message) => Err(JsError::new(&message)),
            None => Ok(Checked(checked.unchecked_into())),
        }
    }

    /// The value at `at`, as JavaScript holds it (`undefined` when absent).
    pub(super) fn value(&self, at: At) -> JsValue {
        self.0.get(at as u32)
    }

    /// A text option, when given.
    pub(super) fn text(&self, at: At) -> Option<String> {
        self.value(at).as_string()
    }
}
