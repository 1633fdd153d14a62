//! Background refresh: every N seconds while the page is visible, and once when it becomes
//! visible again.

use std::rc::Rc;
use std::time::Duration;

use leptos::prelude::*;

/// Calls `refresh` every `every_secs` seconds while the document is visible (`0` turns it off),
/// and once whenever the document becomes visible again. Hidden tabs cost nothing. The timer and
/// the listener belong to the current owner and stop when it is disposed (the widget unmounts).
///
/// ```no_run
/// use leptos::prelude::*;
/// use progress_widgets::widgets::polling::poll_while_visible;
/// let every = RwSignal::new(60u32);
/// poll_while_visible(every.into(), move || leptos::logging::log!("refresh"));
/// ```
pub fn poll_while_visible(every_secs: Signal<u32>, refresh: impl Fn() + 'static) {
    poll(every_secs, Rc::new(refresh));
}

// Not generic over `refresh`: one copy of the timer and listener code for every widget.
fn poll(every_secs: Signal<u32>, refresh: Rc<dyn Fn()>) {
    let timer = StoredValue::new(None::<IntervalHandle>);
    let stop = move || timer.try_update_value(|t| t.take().map(|t| t.clear()));
    let tick = refresh.clone();
    super::effect(move || {
        stop();
        let secs = every_secs.get();
        if secs > 0 {
            let tick = tick.clone();
            let handle = set_interval_with_handle(move || if !hidden() { tick() }, Duration::from_secs(secs.into()));
            timer.set_value(handle.ok());
        }
    });
    let listener = window_event_listener_untyped("visibilitychange", move |_| {
        if !hidden() && every_secs.get_untracked() > 0 {
            refresh();
        }
    });
    on_cleanup(move || {
        stop();
        listener.remove();
    });
}

/// Keeps a widget fresh: background refreshes every `refresh` seconds (default 60, `0` for none)
/// while the page is visible, and a refresh whenever `refresh_now` is notified. `load` fetches
/// again without forgetting what is shown.
pub fn keep_fresh(refresh: MaybeProp<u32>, refresh_now: Option<Trigger>, load: impl Fn() + 'static) {
    fresh(refresh, refresh_now, Rc::new(load));
}

fn fresh(refresh: MaybeProp<u32>, refresh_now: Option<Trigger>, load: Rc<dyn Fn()>) {
    poll(Signal::derive(move || refresh.get().unwrap_or(super::DEFAULT_REFRESH_SECS)), load.clone());
    if let Some(refresh_now) = refresh_now {
        let mut first = true;
        super::effect(move || {
            refresh_now.track();
            // The first run only subscribes: the widget's own first load is already under way.
            if !first {
                load();
            }
            first = false;
        });
    }
}

fn hidden() -> bool {
    document().hidden()
}
