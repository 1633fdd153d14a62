//! The level track's scrolling: the paging buttons, the keys, and the current level centred.
//!
//! JavaScript (`js/browser.js`), not Rust: all of it reads and sets scroll positions and one
//! attribute, which is a line each there and, from Rust, a web-sys call each plus a signal and
//! two event handlers per widget (1.6 KB brotli of the wasm). The components render the track and
//! its buttons; this makes them move.

use wasm_bindgen::prelude::*;

#[wasm_bindgen(module = "/js/browser.js")]
extern "C" {
    /// Wires the track `list` (the `<ol>` of levels) to its paging buttons and to Home, End,
    /// Page Up and Page Down (a page is most of the visible width, so one level of context stays
    /// in view), centres the `.pw-current` level when `centre` is set, and marks a button
    /// `aria-disabled` at its end (never `disabled`, which would drop a keyboard user's focus to
    /// the page). Call it whenever the track's levels change; the attributes are set only when
    /// they change, so a refresh that changes nothing touches nothing. It does its work in the
    /// next animation frame, before that frame is painted, once the render's DOM is all in.
    #[wasm_bindgen(js_name = trackShown)]
    pub(crate) fn track_shown(list: &JsValue, centre: bool);
}
