//! The DOM events a widget dispatches: `progress-load` and `progress-error`, bubbling and
//! composed, so they cross a shadow root to the host element and on up the page.

use std::time::Duration;

use leptos::prelude::set_timeout;
use wasm_bindgen::JsValue;
use web_sys::{CustomEvent, CustomEventInit, EventTarget};

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
        self.dispatch_later("progress-load", doc.clone());
    }

    /// `progress-error`, with `{kind, status?, message}`. Cancellations are not failures.
    pub fn failed(&self, error: &ClientError) {
        if *error == ClientError::Aborted {
            return;
        }
        let detail = js_sys::Object::new();
        let set = |key: &str, value: JsValue| js_sys::Reflect::set(&detail, &key.into(), &value).ok();
        set("kind", error.kind().into());
        match error {
            ClientError::Http { status, .. } => set("status", (*status).into()),
            ClientError::Busy { .. } => set("status", 503.into()),
            _ => None,
        };
        set("message", error.to_string().into());
        self.dispatch_later("progress-error", detail.into());
    }

    /// Dispatches after the current task and its microtasks, so listeners see the DOM the new
    /// state produced.
    fn dispatch_later(&self, name: &'static str, detail: JsValue) {
        let target = self.0.clone();
        set_timeout(
            move || {
                let init = CustomEventInit::new();
                init.set_bubbles(true);
                init.set_composed(true);
                init.set_detail(&detail);
                if let Ok(event) = CustomEvent::new_with_event_init_dict(name, &init) {
                    let _ = target.dispatch_event(&event);
                }
            },
            Duration::ZERO,
        );
    }
}
