//! Leptos's effect, memo and `<Show>`, each compiled once for the whole crate.
//!
//! Leptos's primitives are generic over the closure they are given, so every call site gets its
//! own copy of the primitive's machinery in the wasm: about 1 KB for an effect's task loop, and a
//! memo plus a fallback branch for each `<Show>`. These wrappers box the closure and hand it to
//! one non-generic instantiation. Behaviour is Leptos's own.

use leptos::children::TypedChildrenFn;
use leptos::prelude::*;

/// Runs `f` now, and again (after the current task) whenever a signal it read changes: Leptos's
/// `Effect::new`. State an effect keeps between runs lives in the closure.
///
/// ```no_run
/// use leptos::prelude::*;
/// let count = RwSignal::new(0);
/// let mut runs = 0;
/// progress_widgets::widgets::effect(move || {
///     runs += 1;
///     leptos::logging::log!("run {runs}: {}", count.get());
/// });
/// ```
pub fn effect(f: impl FnMut() + 'static) {
    effect_boxed(Box::new(f));
}

fn effect_boxed(mut f: Box<dyn FnMut()>) {
    Effect::new(move |_| f());
}

/// A memoised condition: whoever reads it is notified only when it flips.
///
/// ```no_run
/// use leptos::prelude::*;
/// let name = RwSignal::new(String::new());
/// let empty = progress_widgets::widgets::lean::condition(move || name.with(String::is_empty));
/// ```
pub fn condition(f: impl Fn() -> bool + Send + Sync + 'static) -> Memo<bool> {
    condition_boxed(Box::new(f))
}

fn condition_boxed(f: Box<dyn Fn() -> bool + Send + Sync>) -> Memo<bool> {
    Memo::new(move |_| f())
}

/// Shows its children while `when` is true, and nothing otherwise: `<Show>` without a
/// fallback. The children are built again only when the condition flips.
///
/// ```no_run
/// use leptos::prelude::*;
/// use progress_widgets::widgets::When;
/// let open = RwSignal::new(true);
/// let view = view! { <When when=move || open.get()><p>"Open"</p></When> };
/// ```
#[component]
pub fn When<C: IntoView + 'static>(
    /// The condition.
    when: impl Fn() -> bool + Send + Sync + 'static,
    /// What is shown while it holds.
    children: TypedChildrenFn<C>,
) -> impl IntoView {
    let when = condition(when);
    let children = children.into_inner();
    move || when.get().then(|| children())
}
