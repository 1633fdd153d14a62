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
    function: &'static str,
}

impl WidgetHandle {
    fn keep(function: &'static str, mounted: Mounted) -> Self {
        let id = NEXT_ID.with(|next| next.replace(next.get().wrapping_add(1)));
        MOUNTED.with(|all| all.borrow_mut().push((id, mounted)));
        WidgetHandle { id, function }
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
        let options = Checked::read(self.function, self.function == BattlepassInputs::FUNCTION, &options)?;
        self.with(|mounted| (mounted.update)(&options)).unwrap_or(Ok(()))
    }
}

/// The inputs of one kind of widget, read from a JavaScript options object.
trait Inputs: Clone + PartialEq + Send + Sync + Sized + 'static {
    /// The JavaScript function, for error messages.
    const FUNCTION: &'static str;
    /// Reads the checked options.
    fn read(options: &Checked) -> Result<Self, JsError>;
    /// The request these inputs make, to check the ids against the proxy's rules before mounting
    /// (none: a guest view with nothing to ask for).
    fn route(&self) -> Option<ProxyRoute>;
    /// The widget, with every input a memo of `inputs` (so `update` changes only what changed).
    fn view(inputs: RwSignal<Self>, events: ProgressEvents, refresh_now: Trigger, on_sign_in: UnsyncCallback<CustomEvent>) -> impl IntoView + 'static;
}

/// Reads one field of the inputs as a signal that changes only when that field does.
fn field<I: Inputs, T: Clone + PartialEq + Send + Sync + 'static>(
    inputs: RwSignal<I>,
    get: impl Fn(&I) -> T + Send + Sync + 'static,
) -> Signal<T> {
    field_boxed(inputs, Box::new(get))
}

// The memo is generic over the field's type only, not over each getter: one copy per type of
// field, not per field.
fn field_boxed<I: Inputs, T: Clone + PartialEq + Send + Sync + 'static>(inputs: RwSignal<I>, get: Box<dyn Fn(&I) -> T + Send + Sync>) -> Signal<T> {
    Memo::new(move |_| inputs.with(|i| get(i))).into()
}

/// The options both widgets take.
#[derive(Clone, PartialEq)]
struct Common {
    proxy_url: ProxyUrl,
    refresh: Option<u32>,
    player_token: Option<String>,
    locale: Option<String>,
    labels: LabelOverrides,
    sign_in_url: Option<String>,
}

impl Common {
    fn read<I: Inputs>(options: &Checked) -> Result<Self, JsError> {
        let proxy_url = options.text(At::ProxyUrl).unwrap_or_default();
        Ok(Common {
            proxy_url: ProxyUrl::new(&proxy_url).map_err(|problem| JsError::new(&(I::FUNCTION.to_owned() + ": option `proxyUrl` " + &problem)))?,
            refresh: options.value(At::Refresh).as_f64().map(|seconds| seconds as u32),
            player_token: options.text(At::PlayerToken),
            locale: options.text(At::Locale),
            labels: LabelOverrides::from_js(&options.value(At::Labels)),
            sign_in_url: options.text(At::SignInUrl),
        })
    }
}

#[derive(Clone, PartialEq)]
struct BattlepassInputs {
    common: Common,
    /// None: the guest view.
    player_id: Option<String>,
    game_id: Option<String>,
    battlepass_id: Option<String>,
    compact: bool,
}

impl Inputs for BattlepassInputs {
    const FUNCTION: &'static str = "mountBattlepass";

    fn read(options: &Checked) -> Result<Self, JsError> {
        Ok(BattlepassInputs {
            common: Common::read::<Self>(options)?,
            player_id: options.text(At::Id0),
            game_id: options.text(At::Id1),
            battlepass_id: options.text(At::Id2),
            compact: options.text(At::Layout).as_deref() == Some("compact"),
        })
    }

    fn route(&self) -> Option<ProxyRoute> {
        let battlepass_id = self.battlepass_id.clone();
        Some(match (&self.player_id, &self.game_id) {
            (Some(player_id), Some(game_id)) => {
                ProxyRoute::WhalepassProgress { player_id: player_id.clone(), game_id: game_id.clone(), battlepass_id }
            }
            _ => ProxyRoute::WhalepassBattlepass { battlepass_id: battlepass_id.unwrap_or_default(), include_levels: true },
        })
    }

    fn view(inputs: RwSignal<Self>, events: ProgressEvents, refresh_now: Trigger, on_sign_in: UnsyncCallback<CustomEvent>) -> impl IntoView + 'static {
        view! {
            <BattlepassProgress
                proxy_url=field(inputs, |i| i.common.proxy_url.clone())
                player_id=field(inputs, |i| i.player_id.clone())
                game_id=field(inputs, |i| i.game_id.clone())
                battlepass_id=field(inputs, |i| i.battlepass_id.clone())
                sign_in_url=field(inputs, |i| i.common.sign_in_url.clone())
                on_sign_in
                refresh=field(inputs, |i| i.common.refresh)
                player_token=field(inputs, |i| i.common.player_token.clone())
                locale=field(inputs, |i| i.common.locale.clone())
                labels=field(inputs, |i| Some(i.common.labels.clone()))
                compact=field(inputs, |i| Some(i.compact))
                events
                refresh_now
            />
        }
    }
}

#[derive(Clone, PartialEq)]
struct CollectionInputs {
    common: Common,
    /// The platform and the user's id there; none: the guest view.
    user: Option<(String, String)>,
    program_id: Option<String>,
}

impl Inputs for CollectionInputs {
    const FUNCTION: &'static str = "mountCollections";

    fn read(options: &Checked) -> Result<Self, JsError> {
        let user = options.text(At::Id0).zip(options.text(At::Id1));
        Ok(CollectionInputs { common: Common::read::<Self>(options)?, user, program_id: options.text(At::Id2) })
    }

    fn route(&self) -> Option<ProxyRoute> {
        let (platform, platform_user_id) = self.user.clone()?;
        Some(match self.program_id.clone() {
            Some(program_id) => ProxyRoute::GiftoinCollection { platform, platform_user_id, program_id },
            None => ProxyRoute::GiftoinCollections { platform, platform_user_id },
        })
    }

    fn view(inputs: RwSignal<Self>, events: ProgressEvents, refresh_now: Trigger, on_sign_in: UnsyncCallback<CustomEvent>) -> impl IntoView + 'static {
        view! {
            <CollectionProgress
                proxy_url=field(inputs, |i| i.common.proxy_url.clone())
                platform=field(inputs, |i| i.user.as_ref().map(|(platform, _)| platform.clone()))
                platform_user_id=field(inputs, |i| i.user.as_ref().map(|(_, id)| id.clone()))
                program_id=field(inputs, |i| i.program_id.clone())
                sign_in_url=field(inputs, |i| i.common.sign_in_url.clone())
                on_sign_in
                refresh=field(inputs, |i| i.common.refresh)
                player_token=field(inputs, |i| i.common.player_token.clone())
                locale=field(inputs, |i| i.common.locale.clone())
                labels=field(inputs, |i| Some(i.common.labels.clone()))
                events
                refresh_now
            />
        }
    }
}

/// Reads inputs and checks their ids against the proxy's rules.
fn checked<I: Inputs>(options: &Checked) -> Result<I, JsError> {
    let inputs = I::read(options)?;
    if let Some(route) = inputs.route() {
        route.check().map_err(|err| JsError::new(&(I::FUNCTION.to_owned() + ": option " + &err.to_string())))?;
    }
    Ok(inputs)
}

/// What both mount functions share: check the element and the options, mount, keep the widget.
fn mount<I: Inputs>(element: JsValue, options: JsValue) -> Result<WidgetHandle, JsError> {
    let parent = element
        .dyn_into::<HtmlElement>()
        .map_err(|_| JsError::new(&(I::FUNCTION.to_owned() + ": `element` must be an HTML element")))?;
    let options = Checked::read(I::FUNCTION, I::FUNCTION == BattlepassInputs::FUNCTION, &options)?;
    let initial = checked::<I>(&options)?;
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
            if adopted {
                provide_context(crate::widgets::styles::StylesAdopted);
            }
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
            I::view(inputs, events, refresh_now, call)
        }
    });
    let (inputs, refresh_now) = controls.take().expect("the view was built");
    let update: Updater = Box::new(move |options: &Checked| {
        let next = checked::<I>(options)?;
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
    Ok(WidgetHandle::keep(I::FUNCTION, Mounted { _view: Box::new(handle), refresh_now, update }))
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
    mount::<BattlepassInputs>(element, options)
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
    mount::<CollectionInputs>(element, options)
}
