//! The DOM events a widget dispatches: `progress-load` and `progress-error`, bubbling and
//! composed, so they cross a shadow root to the host element and on up the page.

use wasm_bindgen::prelude::*;
use web_sys::EventTarget;

use crate::client::ClientError;

/// Where a widget announces its loads and failures.
///
/// ```no_run
/// use progress_widgets::widgets::events::ProgressEvents;
/// let body = web_sys::window().unwrap().document().unwrap().body().unwrap();
/// let events = ProgressEvents::new(body.into());
/// events.loaded(&js_sys::JSON::parse(r#"{"player":{}}"#).unwrap()); // detail: the progress as a plain object
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct ProgressEvents(EventTarget);

impl ProgressEvents {
    /// Events will be dispatched on `target`.
    pub fn new(target: EventTarget) -> Self {
        ProgressEvents(target)
    }

    /// `progress-load`, with the progress as the proxy sent it, parsed into a plain object.
    pub fn loaded(&self, doc: &JsValue) {
        announce(&self.0, "progress-load", doc);
    }

    /// `progress-error`, with `{kind, status?, message}`. Cancellations are not failures.
    pub fn failed(&self, error: &ClientError) {
        if *error == ClientError::Aborted {
            return;
        }
        let status = match error {
            ClientError::Http { status, .. } => *status,
            ClientError::Busy { .. } => 503,
            _ => 0,
        };
        // The English text, as `Display` writes it, without going through the formatting machinery.
        announce_failure(&self.0, error.kind(), status, &error.message(&crate::labels::Labels::default()));
    }
}

// JavaScript (`js/browser.js`), not web-sys calls from Rust: an event and its detail object are a
// line each there.
#[wasm_bindgen(module = "/js/browser.js")]
extern "C" {
    /// A bubbling, composed `CustomEvent` with `detail`, dispatched on `target` after the current
    /// task and its microtasks (`setTimeout`), so listeners see the DOM the new state produced.
    fn announce(target: &EventTarget, name: &str, detail: &JsValue);

    /// `progress-error` with `{kind, status, message}`, `status` left out when 0.
    #[wasm_bindgen(js_name = announceFailure)]
    fn announce_failure(target: &EventTarget, kind: &str, status: u16, message: &str);

    /// The call to action's click: unless it is a middle or modified click, dispatches
    /// `progress-sign-in` from the clicked element's parent (bubbling, composed, cancelable, with
    /// `detail: {url}`, `null` without one) from a microtask, then calls `then` (a function or
    /// `undefined`) with it, then follows `url` unless a listener cancelled the event.
    #[wasm_bindgen(js_name = signInClick)]
    pub(crate) fn sign_in_click(click: &web_sys::MouseEvent, url: Option<&str>, then: &JsValue);
}
