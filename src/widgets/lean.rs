//! Leptos's effect, memo and `<Show>`, each compiled once for the whole crate.
//!
//! Leptos's primitives are generic over the closure they are given, so every call site gets its
//! own copy of the primitive's machinery in the wasm: about 1 KB for an effect's task loop, and a
//! memo plus a fallback branch for each `<Show>`. These wrappers box the closure and hand it to
//! one non-generic instantiation. Behaviour is Leptos's own.

use std::sync::Arc;

use leptos::children::TypedChildrenFn;
use leptos::prelude::*;
use leptos::tachys::html::attribute::any_attribute::AnyAttribute;
use leptos::tachys::html::attribute::Attribute;
use leptos::tachys::hydration::Cursor;
use leptos::tachys::view::add_attr::AddAnyAttr;
use leptos::tachys::view::{Mountable, Position, PositionState, Render, RenderHtml};

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
    let children = children.into_inner();
    when_boxed(condition(when), Arc::new(move || Boxed::new(children())))
}

/// `<When>`'s body, not generic: its memo, its `Option` and the render effect around them are
/// compiled once for every `<When>` (−2.7 KB brotli), whatever each one shows. The memo only
/// flips, so a shown `Boxed` is never rebuilt, only dropped.
fn when_boxed(when: Memo<bool>, children: Arc<dyn Fn() -> Boxed + Send + Sync>) -> impl IntoView {
    move || when.get().then(|| children())
}

/// A view behind one pointer: built by one boxed call and mounted through one vtable, so the
/// code around it is compiled once whatever the view inside. That pays where one generic piece
/// has many sites (`<When>`); at a single site the box and its vtables cost more than they save
/// (optional parts of the list rows: +297 B brotli, measured).
///
/// Rebuilding a `Boxed` replaces what it shows with a new build (mounted before the old one's
/// first node), so use it where a view is only shown or dropped, never where a refresh should
/// patch it in place.
///
/// In the browser only: a `Boxed` renders nothing on a server (the widgets fetch their data in
/// the browser, and are never server-rendered).
///
/// ```no_run
/// use leptos::prelude::*;
/// use progress_widgets::widgets::lean::Boxed;
/// let view = view! { <div>{Boxed::new(view! { <p>"Inside"</p> })}</div> };
/// ```
pub struct Boxed(Box<dyn FnOnce() -> BoxedState + Send>);

/// A built [`Boxed`]: the view's own state, behind one pointer.
pub struct BoxedState(Box<dyn Mountable>);

impl Boxed {
    /// Erases `view`'s type.
    pub fn new(view: impl IntoView + 'static) -> Self {
        Boxed(Box::new(move || BoxedState(Box::new(view.build()))))
    }
}

impl Render for Boxed {
    type State = BoxedState;

    fn build(self) -> BoxedState {
        (self.0)()
    }

    fn rebuild(self, state: &mut BoxedState) {
        let mut new = self.build();
        state.insert_before_this(&mut new);
        state.unmount();
        *state = new;
    }
}

impl Mountable for BoxedState {
    fn unmount(&mut self) {
        self.0.unmount();
    }

    fn mount(&mut self, parent: &leptos::tachys::renderer::types::Element, marker: Option<&leptos::tachys::renderer::types::Node>) {
        self.0.mount(parent, marker);
    }

    fn insert_before_this(&self, child: &mut dyn Mountable) -> bool {
        self.0.insert_before_this(child)
    }

    fn elements(&self) -> Vec<leptos::tachys::renderer::types::Element> {
        self.0.elements()
    }
}

impl AddAnyAttr for Boxed {
    type Output<A: Attribute> = Boxed;

    fn add_any_attr<A: Attribute>(self, _attr: A) -> Boxed {
        self
    }
}

impl RenderHtml for Boxed {
    type AsyncOutput = Boxed;
    type Owned = Boxed;
    const MIN_LENGTH: usize = 0;

    fn dry_resolve(&mut self) {}

    async fn resolve(self) -> Boxed {
        self
    }

    fn to_html_with_buf(self, _: &mut String, _: &mut Position, _: bool, _: bool, _: Vec<AnyAttribute>) {}

    fn hydrate<const FROM_SERVER: bool>(self, _: &Cursor, _: &PositionState) -> BoxedState {
        self.build()
    }

    fn into_owned(self) -> Boxed {
        self
    }
}
