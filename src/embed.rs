//! The JavaScript API: mount a widget into any element, get a handle to unmount it.
//!
//! ```js
//! import init, { mountBattlepass, mountCollections } from "./pkg/progress_widgets.js";
//! await init();
//! const handle = mountBattlepass(document.querySelector("#bp"), {
//!   proxyUrl: "/progress-proxy", playerId: "p-42", gameId: "g-1",
//! });
//! handle.unmount();
//! ```

use std::any::Any;
use std::cell::{Cell, RefCell};
use std::rc::Rc;

use leptos::callback::UnsyncCallback;
use leptos::either::Either;
use leptos::prelude::*;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{CustomEvent, HtmlElement};

use crate::client::ProxyUrl;
use crate::labels::LabelOverrides;
use crate::ProxyRoute;
use crate::widgets::events::ProgressEvents;
use crate::widgets::{BattlepassProgress, CollectionProgress};

mod options;

use options::{At, Checked};

thread_local! {
    /// Every widget mounted from JavaScript, until its `unmount()`. The widgets live here, not in
    /// their handles: wasm-bindgen frees a handle when JavaScript garbage-collects it
    /// (`FinalizationRegistry`), and a page that ignores the handle must not see its widget vanish
    /// at the next collection.
    /// (A list, not a map: a page mounts a handful, and no hasher is linked for it.)
    static MOUNTED: RefCell<Vec<(u32, Mounted)>> = const { RefCell::new(Vec::new()) };
    static NEXT_ID: Cell<u32> = const { Cell::new(0) };
}

/// A widget mounted from JavaScript, and how to reach into it.
struct Mounted {
    /// Leptos's unmount handle: dropping it unmounts.
    _view: Box<dyn Any>,
    /// Notified by `refresh()`.
    refresh_now: Trigger,
    /// Checks new options and hands them to the widget.
    update: Updater,
}

/// How `update(options)` reaches a widget's inputs.
type Updater = Box<dyn Fn(&Checked) -> Result<(), JsError>>;

/// A mounted widget: `refresh()`, `update(options)`, `unmount()`. Dropping or losing the handle
/// does not unmount the widget.
#[wasm_bindgen]
pub struct WidgetHandle {
    id: u32,
    kind: Kind,
}

impl WidgetHandle {
    fn keep(kind: Kind, mounted: Mounted) -> Self {
        let id = NEXT_ID.with(|next| next.replace(next.get().wrapping_add(1)));
        MOUNTED.with(|all| all.borrow_mut().push((id, mounted)));
        WidgetHandle { id, kind }
    }

    fn with<R>(&self, f: impl FnOnce(&Mounted) -> R) -> Option<R> {
        MOUNTED.with(|all| all.borrow().iter().find(|(id, _)| *id == self.id).map(|(_, mounted)| f(mounted)))
    }
}

#[wasm_bindgen]
impl WidgetHandle {
    /// Removes the widget's view and stops any work it started (requests in flight are aborted).
    /// Calling it again does nothing.
    pub fn unmount(&self) {
        // Take it out first: dropping Leptos's unmount handle disposes the widget's reactive owner
        // (its cleanups abort requests) and removes its nodes, which must not happen while the
        // registry is borrowed.
        let mounted = MOUNTED.with(|all| {
            let mut all = all.borrow_mut();
            let at = all.iter().position(|(id, _)| *id == self.id);
            at.map(|at| all.swap_remove(at))
        });
        drop(mounted);
    }

    /// Whether the widget is still mounted.
    #[wasm_bindgen(getter)]
    pub fn mounted(&self) -> bool {
        MOUNTED.with(|all| all.borrow().iter().any(|(id, _)| *id == self.id))
    }

    /// Fetches again now, keeping what is shown until the answer arrives. The outcome is
    /// announced by the `progress-load` or `progress-error` event.
    pub fn refresh(&self) {
        self.with(|mounted| mounted.refresh_now.notify());
    }

    /// Changes the widget's options (the same object `mount*` takes). A changed id or proxy URL
    /// fetches again; a changed `refreshInterval` only changes the timer. Throws like `mount*` on a bad
    /// option and then changes nothing.
    pub fn update(&self, options: JsValue) -> Result<(), JsError> {
        let options = Checked::read(self.kind.function(), self.kind == Kind::Battlepass, &options)?;
        self.with(|mounted| (mounted.update)(&options)).unwrap_or(Ok(()))
    }
}

/// Which widget a mount function mounts.
#[derive(Clone, Copy, PartialEq)]
enum Kind {
    Battlepass,
    Collections,
}

impl Kind {
    /// The JavaScript function, for error messages.
    fn function(self) -> &'static str {
        match self {
            Kind::Battlepass => "mountBattlepass",
            Kind::Collections => "mountCollections",
        }
    }
}

/// A widget's inputs, read from a JavaScript options object. One type for both widgets, not one
/// per widget: the mount, the update and the signal over the inputs are then one copy in the
/// wasm, not two.
#[derive(Clone, PartialEq)]
struct Inputs {
    kind: Kind,
    proxy_url: ProxyUrl,
    refresh: Option<u32>,
    player_token: Option<String>,
    locale: Option<String>,
    labels: LabelOverrides,
    sign_in_url: Option<String>,
    /// `playerId`, `gameId`, `battlepassId` (none: the guest view); or `platform`,
    /// `platformUserId` (both or neither: without a user, the guest view) and `programId`.
    ids: [Option<String>; 3],
    /// The battle pass's compact layout.
    compact: bool,
}

impl Inputs {
    /// Reads the checked options, and checks their ids against the proxy's rules.
    fn read(kind: Kind, options: &Checked) -> Result<Self, JsError> {
        let proxy_url = options.text(At::ProxyUrl).unwrap_or_default();
        let option_error = |problem: &str| JsError::new(&(kind.function().to_owned() + ": option " + problem));
        let [mut id0, mut id1, id2] = [At::Id0, At::Id1, At::Id2].map(|at| options.text(at));
        if kind == Kind::Collections && (id0.is_none() || id1.is_none()) {
            (id0, id1) = (None, None);
        }
        let inputs = Inputs {
            kind,
            proxy_url: ProxyUrl::new(&proxy_url).map_err(|problem| option_error(&("`proxyUrl` ".to_owned() + &problem)))?,
            refresh: options.value(At::Refresh).as_f64().map(|seconds| seconds as u32),
            player_token: options.text(At::PlayerToken),
            locale: options.text(At::Locale),
            labels: LabelOverrides::from_js(&options.value(At::Labels)),
            sign_in_url: options.text(At::SignInUrl),
            ids: [id0, id1, id2],
            compact: options.text(At::Layout).as_deref() == Some("compact"),
        };
        if let Some(route) = inputs.route() {
            route.check().map_err(|err| option_error(&err.message()))?;
        }
        Ok(inputs)
    }

    /// The request these inputs make, to check the ids against the proxy's rules before mounting
    /// (none: a guest view with nothing to ask for).
    fn route(&self) -> Option<ProxyRoute> {
        let [id0, id1, id2] = self.ids.clone();
        Some(match (self.kind, id0, id1) {
            (Kind::Battlepass, Some(player_id), Some(game_id)) => ProxyRoute::WhalepassProgress { player_id, game_id, battlepass_id: id2 },
            (Kind::Battlepass, ..) => ProxyRoute::WhalepassBattlepass { battlepass_id: id2.unwrap_or_default(), include_levels: true },
            (Kind::Collections, Some(platform), Some(platform_user_id)) => match id2 {
                Some(program_id) => ProxyRoute::GiftoinCollection { platform, platform_user_id, program_id },
                None => ProxyRoute::GiftoinCollections { platform, platform_user_id },
            },
            (Kind::Collections, ..) => return None,
        })
    }
}

/// Reads one field of the inputs as a signal that changes only when that field does.
fn field<T: Clone + PartialEq + Send + Sync + 'static>(inputs: RwSignal<Inputs>, get: impl Fn(&Inputs) -> T + Send + Sync + 'static) -> Signal<T> {
    field_boxed(inputs, Box::new(get))
}

// The memo is generic over the field's type only, not over each getter: one copy per type of
// field, not per field.
fn field_boxed<T: Clone + PartialEq + Send + Sync + 'static>(inputs: RwSignal<Inputs>, get: Box<dyn Fn(&Inputs) -> T + Send + Sync>) -> Signal<T> {
    Memo::new(move |_| inputs.with(|i| get(i))).into()
}

/// One of the three ids, as a signal.
fn id(inputs: RwSignal<Inputs>, at: usize) -> Signal<Option<String>> {
    field(inputs, move |i| i.ids[at].clone())
}

/// The widget, with every input a memo of `inputs` (so `update` changes only what changed).
fn widget(kind: Kind, inputs: RwSignal<Inputs>, events: ProgressEvents, refresh_now: Trigger, on_sign_in: UnsyncCallback<CustomEvent>) -> impl IntoView {
    let proxy_url = field(inputs, |i| i.proxy_url.clone());
    let sign_in_url = field(inputs, |i| i.sign_in_url.clone());
    let refresh = field(inputs, |i| i.refresh);
    let player_token = field(inputs, |i| i.player_token.clone());
    let locale = field(inputs, |i| i.locale.clone());
    let labels = field(inputs, |i| Some(i.labels.clone()));
    match kind {
        Kind::Battlepass => Either::Left(view! {
            <BattlepassProgress
                proxy_url
                player_id=id(inputs, 0)
                game_id=id(inputs, 1)
                battlepass_id=id(inputs, 2)
                sign_in_url
                on_sign_in
                refresh
                player_token
                locale
                labels
                compact=field(inputs, |i| Some(i.compact))
                events
                refresh_now
            />
        }),
        Kind::Collections => Either::Right(view! {
            <CollectionProgress
                proxy_url
                platform=id(inputs, 0)
                platform_user_id=id(inputs, 1)
                program_id=id(inputs, 2)
                sign_in_url
                on_sign_in
                refresh
                player_token
                locale
                labels
                events
                refresh_now
            />
        }),
    }
}

/// What both mount functions share: check the element and the options, mount, keep the widget.
fn mount(kind: Kind, element: JsValue, options: JsValue) -> Result<WidgetHandle, JsError> {
    let function = kind.function();
    let parent = element.dyn_into::<HtmlElement>().map_err(|_| JsError::new(&(function.to_owned() + ": `element` must be an HTML element")))?;
    let options = Checked::read(function, kind == Kind::Battlepass, &options)?;
    let initial = Inputs::read(kind, &options)?;
    // `onSignIn` can change with `update`: the widget calls whichever is current.
    let on_sign_in = Rc::new(RefCell::new(sign_in_callback(&options)));
    apply_theme(&parent, &options);
    let events = ProgressEvents::new(parent.clone().into());
    let adopted = crate::widgets::styles::adopt(&parent);
    // The signals are created inside the widget's owner, so unmounting disposes them.
    let controls = Rc::new(Cell::new(None));
    let themed = parent.clone();
    let handle = leptos::mount::mount_to(parent, {
        let controls = controls.clone();
        let on_sign_in = on_sign_in.clone();
        move || {
            let inputs = RwSignal::new(initial);
            let refresh_now = Trigger::new();
            controls.set(Some((inputs, refresh_now)));
            let current = on_sign_in.clone();
            let call = UnsyncCallback::new(move |event: CustomEvent| {
                // Cloned out first: the callback may call `update`, which replaces it.
                let callback = current.borrow().clone();
                if let Some(callback) = callback {
                    let _ = callback.call1(&JsValue::NULL, &event);
                }
            });
            crate::widgets::styles::with_styles_adopted(adopted, || widget(kind, inputs, events, refresh_now, call))
        }
    });
    let (inputs, refresh_now) = controls.take().expect("the view was built");
    let update: Updater = Box::new(move |options: &Checked| {
        let next = Inputs::read(kind, options)?;
        let next_on_sign_in = sign_in_callback(options);
        apply_theme(&themed, options);
        *on_sign_in.borrow_mut() = next_on_sign_in;
        inputs.try_update(|current| {
            if *current != next {
                *current = next;
            }
        });
        Ok(())
    });
    Ok(WidgetHandle::keep(kind, Mounted { _view: Box::new(handle), refresh_now, update }))
}

/// `onSignIn`, when it is a function.
fn sign_in_callback(options: &Checked) -> Option<js_sys::Function> {
    let value = options.value(At::OnSignIn);
    value.is_function().then(|| value.unchecked_into())
}

/// Sets the `theme` option, when given, as `data-theme`, and the `layout` (default `full`) as
/// `data-layout` on the element the widget is in: the stylesheet reads both from there.
fn apply_theme(parent: &HtmlElement, options: &Checked) {
    if let Some(theme) = options.text(At::Theme) {
        let _ = parent.set_attribute("data-theme", &theme);
    }
    // The layout is the widget's own too (compact renders less), so the two never disagree.
    let _ = parent.set_attribute("data-layout", options.text(At::Layout).as_deref().unwrap_or("full"));
}

/// Mounts a battle-pass widget into `element`.
///
/// `options`: `{proxyUrl, playerId, gameId, battlepassId?, refreshInterval?, playerToken?, locale?, theme?, layout?, labels?, signInUrl?, onSignIn?}`
/// (`refreshInterval`: seconds between background refreshes, `0` for none, default 60, also read
/// under its old name `refresh`; `playerToken`:
/// sent to the proxy as `Authorization: Bearer`; `locale`: BCP 47 tag for numbers and dates;
/// `layout`: `full` or `compact`; `labels`: replacement texts by label name). Without `playerId`
/// (or with an empty one), `battlepassId` alone shows the guest view: the season and a "Sign in"
/// call to action, a link to `signInUrl` or a button; activating it dispatches a cancelable
/// `progress-sign-in` event on `element`, then calls `onSignIn(event)`; `update({playerId, ...})`
/// later turns it into the player's view. Throws an `Error` naming the option that is
/// missing or invalid. `progress-load` and `progress-error` events are dispatched on `element`.
#[wasm_bindgen(js_name = mountBattlepass)]
pub fn mount_battlepass(element: JsValue, options: JsValue) -> Result<WidgetHandle, JsError> {
    mount(Kind::Battlepass, element, options)
}

/// Mounts a collection widget into `element`: all of a user's collections, or one with
/// `programId`.
///
/// `options`: `{proxyUrl, platform, platformUserId, programId?, refreshInterval?, playerToken?, locale?, theme?, labels?, signInUrl?, onSignIn?}`.
/// Without `platformUserId` it shows only the guest view's call to action. Throws an `Error`
/// naming the option that is missing or invalid. `progress-load` and `progress-error` events are
/// dispatched on `element`.
#[wasm_bindgen(js_name = mountCollections)]
pub fn mount_collections(element: JsValue, options: JsValue) -> Result<WidgetHandle, JsError> {
    mount(Kind::Collections, element, options)
}
