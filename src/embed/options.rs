//! The mount functions' options, checked in JavaScript: every option is read, trimmed and
//! refused with a message naming the function and the option, and what comes back is a short
//! list of plain values. In Rust, reading and checking fourteen properties of a JavaScript object
//! cost the wasm 2.2 KB brotli; here it is a few lines of the entry script.

use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

// `text`: an id-like option is a non-empty string once trimmed, or an integer JavaScript holds
// exactly (ids are often numbers in JS); `undefined` and `null` are absent. A getter that throws
// is a value of the wrong kind. The checks run in a fixed order, so with several bad options the
// message always names the same one.
#[wasm_bindgen(inline_js = r#"
export function checkOptions(fn, battlepass, options) {
  if (typeof options != "object" || !options) return fn + ": `options` must be an object";
  const fail = (name, problem) => { throw fn + ": option `" + name + "` " + problem; };
  const get = (name) => { try { return options[name]; } catch { return NaN; } };
  const text = (name, value = get(name)) => {
    if (value == null) return;
    if (Number.isSafeInteger(value)) value = String(value);
    if (typeof value != "string") fail(name, "must be a string");
    if (!(value = value.trim())) fail(name, "must not be empty");
    return value;
  };
  const required = (name) => text(name) ?? fail(name, "is required");
  // An empty id is no id (a page that clears it on sign-out): the guest view.
  const idle = (name, value = get(name)) => (typeof value == "string" && !value.trim() ? undefined : text(name, value));
  const oneOf = (name, values) => {
    const value = text(name);
    // "must be `light`, `dark` or `auto`"
    if (value != null && !values.includes(value)) fail(name, "must be " + values.map((v) => "`" + v + "`").join(", ").replace(/, (?!.*, )/, " or "));
    return value;
  };
  try {
    let ids;
    if (battlepass) {
      const player = idle("playerId"), season = text("battlepassId");
      ids = [player, player ? required("gameId") : text("gameId"), season];
      if (!player && !season) fail("playerId", "is required (or `battlepassId` alone, for the guest view)");
    } else {
      const user = idle("platformUserId");
      ids = [user && required("platform"), user];
    }
    const proxyUrl = required("proxyUrl");
    const every = get("refreshInterval") != null ? "refreshInterval" : "refresh";
    let refresh = text(every);
    if (refresh != null && (!/^\+?\d+$/.test(refresh) || (refresh = +refresh) > 4294967295)) fail(every, "must be a whole number of seconds");
    const token = text("playerToken");
    if (token != null && !/^[!-~]+$/.test(token)) fail("playerToken", "must be printable ASCII without spaces");
    let locale = text("locale")?.replaceAll("_", "-");
    if (locale != null && !(locale.length <= 35 && accepts(locale))) fail("locale", "must be a BCP 47 language tag such as `en` or `de-DE`");
    const labels = get("labels");
    if (labels != null && typeof labels != "object") fail("labels", "must be an object of label texts by name");
    const signIn = text("signInUrl"), scheme = signIn?.split(":", 1)[0];
    // Never `javascript:`, whatever the page was made to pass: a relative URL, or http(s).
    if (scheme != signIn && !/[/?#]/.test(scheme) && !/^https?$/i.test(scheme)) fail("signInUrl", "must be a relative URL or an http(s) one");
    if (!battlepass) ids[2] = text("programId");
    const onSignIn = get("onSignIn");
    if (onSignIn != null && typeof onSignIn != "function") fail("onSignIn", "must be a function");
    return [proxyUrl, refresh, token, locale, labels, signIn, onSignIn, oneOf("theme", ["light", "dark", "auto"]), oneOf("layout", ["full", "compact"]), ...ids];
  } catch (message) {
    return message;
  }
}
function accepts(tag) {
  try {
    return Intl.getCanonicalLocales(tag).length > 0;
  } catch {}
}
"#)]
extern "C" {
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
