//! The level track's scrolling: the paging buttons, the keys, and the current level centred.
//!
//! JavaScript, not Rust: all of it reads and sets scroll positions and one attribute, which is a
//! line each here and, from Rust, a web-sys call each plus a signal and two event handlers per
//! widget (1.6 KB brotli of the wasm). The components render the track and its buttons; this
//! makes them move.

use wasm_bindgen::prelude::*;

// The buttons are found from the list (its track's two `.pw-page` buttons, earlier then later),
// and the handlers are properties, not listeners: calling this again replaces them, never adds.
#[wasm_bindgen(inline_js = r#"
export function trackShown(list, centre) {
  const [back, forward] = list.parentNode.querySelectorAll(".pw-page");
  const page = (direction) => { list.scrollLeft += direction * Math.max(1, Math.trunc(list.clientWidth * 4 / 5)); };
  const mark = (button, can) => {
    const value = can ? "false" : "true";
    if (button.getAttribute("aria-disabled") != value) button.setAttribute("aria-disabled", value);
  };
  const paging = () => {
    const left = list.scrollLeft;
    mark(back, left > 1);
    mark(forward, left + list.clientWidth < list.scrollWidth - 1);
  };
  back.onclick = () => page(-1);
  forward.onclick = () => page(1);
  list.onscroll = paging;
  list.onkeydown = (event) => {
    const key = event.key;
    if (key == "Home") list.scrollLeft = 0;
    else if (key == "End") list.scrollLeft = list.scrollWidth;
    else if (key == "PageUp" || key == "PageDown") page(key == "PageUp" ? -1 : 1);
    else return;
    event.preventDefault();
  };
  const current = centre && list.querySelector(".pw-current");
  // The list is the levels' offset parent (`position: relative` in the stylesheet).
  if (current) list.scrollLeft = current.offsetLeft - Math.trunc((list.clientWidth - current.offsetWidth) / 2);
  paging();
}
"#)]
extern "C" {
    /// Wires the track `list` (the `<ol>` of levels) to its paging buttons and to Home, End,
    /// Page Up and Page Down (a page is most of the visible width, so one level of context stays
    /// in view), centres the `.pw-current` level when `centre` is set, and marks a button
    /// `aria-disabled` at its end (never `disabled`, which would drop a keyboard user's focus to
    /// the page). Call it whenever the track's levels change; the attributes are set only when
    /// they change, so a refresh that changes nothing touches nothing.
    #[wasm_bindgen(js_name = trackShown)]
    pub(crate) fn track_shown(list: &JsValue, centre: bool);
}
