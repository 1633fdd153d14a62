//! A countdown that keeps counting: the time left until an instant, in a `<time datetime>`,
//! updated each minute, and each second in the last hour.

use std::time::Duration;

use leptos::prelude::*;

use crate::format;
use crate::labels::{Label, Labels};

/// The time left until `end` (ms since the epoch): "6d 23h left", "42m left", "12s left",
/// "Ended", in the widget's language (`Intl.DurationFormat` where the browser has it). It
/// schedules its next change itself (one timer, cleared when it is removed).
///
/// ```no_run
/// use leptos::prelude::*;
/// use progress_widgets::labels::Labels;
/// use progress_widgets::widgets::countdown::Countdown;
/// let end = js_sys::Date::now() as i64 + 3_600_000;
/// let _ = view! { <Countdown end labels=Labels::default() /> };
/// ```
#[component]
pub fn Countdown(
    /// The end, in ms since the epoch.
    end: i64,
    /// The widget's words and locale.
    labels: Labels,
) -> impl IntoView {
    let text = RwSignal::new(String::new());
    let timer = StoredValue::new(None::<TimeoutHandle>);
    let words = StoredValue::new(labels);
    // Each tick schedules the next at the moment the text will change.
    fn schedule(end: i64, text: RwSignal<String>, timer: StoredValue<Option<TimeoutHandle>>, words: StoredValue<Labels>) {
        let (parts, next) = format::countdown(end - js_sys::Date::now() as i64);
        let now_text = words.with_value(|labels| match parts.is_empty() {
            true => labels.get(Label::Ended),
            false => labels.fill(Label::TimeLeft, &[("time", &labels.locale().span(&parts))]),
        });
        text.try_set(now_text);
        if let Some(next) = next {
            let handle = set_timeout_with_handle(move || schedule(end, text, timer, words), Duration::from_millis(next as u64 + 5));
            timer.try_set_value(handle.ok());
        }
    }
    schedule(end, text, timer, words);
    on_cleanup(move || {
        timer.try_update_value(|t| t.take().map(|t| t.clear()));
    });
    view! { <time class="pw-time-left" datetime=format::millis_iso(end)>{text}</time> }
}
