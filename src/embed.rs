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
type Updater = Box<dyn Fn(&Options) -> Result<(), JsError>>;

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
        let options = Options::read(self.function, options)?;
        self.with(|mounted| (mounted.update)(&options)).unwrap_or(Ok(()))
    }
}

/// Raw options as JavaScript passed them; every field is checked by name below.
struct RawOptions {
    proxy_url: Option<OptionValue>,
    player_id: Option<OptionValue>,
    game_id: Option<OptionValue>,
    battlepass_id: Option<OptionValue>,
    platform: Option<OptionValue>,
    platform_user_id: Option<OptionValue>,
    program_id: Option<OptionValue>,
    refresh_interval: Option<OptionValue>,
    /// The old name of `refreshInterval`, still read.
    refresh: Option<OptionValue>,
    player_token: Option<OptionValue>,
    locale: Option<OptionValue>,
    theme: Option<OptionValue>,
    layout: Option<OptionValue>,
    sign_in_url: Option<OptionValue>,
    /// `labels`, as given (an object of label texts by name).
    labels: JsValue,
    /// `onSignIn`, as given (a function).
    on_sign_in: JsValue,
}

impl RawOptions {
    /// Reads each option by name from the object (a plain read per name: a serde deserializer
    /// for eleven fields cost the wasm more than the rest of option checking).
    fn read(options: &JsValue) -> Self {
        let get = |name: &str| OptionValue::read(options, name);
        RawOptions {
            proxy_url: get("proxyUrl"),
            player_id: get("playerId"),
            game_id: get("gameId"),
            battlepass_id: get("battlepassId"),
            platform: get("platform"),
            platform_user_id: get("platformUserId"),
            program_id: get("programId"),
            refresh_interval: get("refreshInterval"),
            refresh: get("refresh"),
            player_token: get("playerToken"),
            locale: get("locale"),
            theme: get("theme"),
            layout: get("layout"),
            sign_in_url: get("signInUrl"),
            labels: js_sys::Reflect::get(options, &"labels".into()).unwrap_or(JsValue::NULL),
            on_sign_in: js_sys::Reflect::get(options, &"onSignIn".into()).unwrap_or(JsValue::NULL),
        }
    }
}

/// One option's value: text, an integer (ids are often numbers in JS), or something else, which
/// is reported by name rather than failing the whole object.
enum OptionValue {
    Text(String),
    Other,
}

impl OptionValue {
    /// `options[name]`; `None` when it is `undefined` or `null`.
    fn read(options: &JsValue, name: &str) -> Option<Self> {
        // A getter that throws is a value that is not a string.
        let Ok(value) = js_sys::Reflect::get(options, &name.into()) else { return Some(OptionValue::Other) };
        if value.is_undefined() || value.is_null() {
            return None;
        }
        Some(match (value.as_string(), value.as_f64()) {
            (Some(text), _) => OptionValue::Text(text),
            (None, Some(n)) if n.fract() == 0.0 && n.abs() <= 9_007_199_254_740_991.0 => OptionValue::Text(crate::format::int(n as i64, 1)),
            _ => OptionValue::Other,
        })
    }
}

/// Checks the options of one mount function, producing errors that name the function and option.
struct Options {
    function: &'static str,
    raw: RawOptions,
}

impl Options {
    fn read(function: &'static str, options: JsValue) -> Result<Self, JsError> {
        if !options.is_object() {
            return Err(JsError::new(&(function.to_owned() + ": `options` must be an object")));
        }
        Ok(Options { function, raw: RawOptions::read(&options) })
    }

    fn error(&self, name: &str, problem: &str) -> JsError {
        // Concatenated, not `format!`: the wasm then links no general formatting entry point.
        JsError::new(&(self.function.to_owned() + ": option `" + name + "` " + problem))
    }

    /// An id-like option: a non-empty string, or an integer (ids are often numbers in JS).
    fn optional(&self, name: &str, value: &Option<OptionValue>) -> Result<Option<String>, JsError> {
        let text = match value {
            None => return Ok(None),
            Some(OptionValue::Text(text)) => text.trim().to_owned(),
            Some(OptionValue::Other) => return Err(self.error(name, "must be a string")),
        };
        if text.is_empty() {
            return Err(self.error(name, "must not be empty"));
        }
        Ok(Some(text))
    }

    fn required(&self, name: &str, value: &Option<OptionValue>) -> Result<String, JsError> {
        self.optional(name, value)?.ok_or_else(|| self.error(name, "is required"))
    }

    /// Seconds between background refreshes, `0` for none; absent means the default.
    fn refresh(&self) -> Result<Option<u32>, JsError> {
        let (name, value) = match &self.raw.refresh_interval {
            Some(_) => ("refreshInterval", &self.raw.refresh_interval),
            None => ("refresh", &self.raw.refresh),
        };
        match self.optional(name, value)? {
            None => Ok(None),
            Some(text) => text.parse().map(Some).map_err(|_| self.error(name, "must be a whole number of seconds")),
        }
    }

    /// A bearer token for the proxy: printable ASCII, no spaces (it becomes a header value).
    fn player_token(&self) -> Result<Option<String>, JsError> {
        let token = self.optional("playerToken", &self.raw.player_token)?;
        match token {
            Some(t) if !t.bytes().all(|b| b.is_ascii_graphic()) => {
                Err(self.error("playerToken", "must be printable ASCII without spaces"))
            }
            token => Ok(token),
        }
    }

    /// A BCP 47 tag (`en`, `de-DE`, `zh-Hant-TW`) that the browser's `Intl` accepts: one it
    /// rejects is this widget's configuration error, never an exception inside the wasm.
    fn locale(&self) -> Result<Option<String>, JsError> {
        let tag = self.optional("locale", &self.raw.locale)?.map(|t| t.replace('_', "-"));
        match tag {
            Some(t) if t.len() > 35 || !crate::format::is_valid_locale(&t) => {
                Err(self.error("locale", "must be a BCP 47 language tag such as `en` or `de-DE`"))
            }
            tag => Ok(tag),
        }
    }

    /// `light`, `dark` or `auto` (the page's `prefers-color-scheme`); absent leaves the element's
    /// `data-theme` as the page set it.
    fn theme(&self) -> Result<Option<&'static str>, JsError> {
        match self.optional("theme", &self.raw.theme)?.as_deref() {
            None => Ok(None),
            Some("light") => Ok(Some("light")),
            Some("dark") => Ok(Some("dark")),
            Some("auto") => Ok(Some("auto")),
            Some(_) => Err(self.error("theme", "must be `light`, `dark` or `auto`")),
        }
    }

    /// `full` or `compact` (the XP bar, the level and the next reward, for sidebars); absent
    /// leaves the element's `data-layout` as the page set it.
    fn layout(&self) -> Result<Option<&'static str>, JsError> {
        match self.optional("layout", &self.raw.layout)?.as_deref() {
            None => Ok(None),
            Some("full") => Ok(Some("full")),
            Some("compact") => Ok(Some("compact")),
            Some(_) => Err(self.error("layout", "must be `full` or `compact`")),
        }
    }

    /// Replacement labels: an object of texts by label name (`{locked: "Gesperrt"}`); names that
    /// are no label, and values that are not strings, are ignored.
    fn labels(&self) -> Result<LabelOverrides, JsError> {
        let labels = &self.raw.labels;
        match labels.is_undefined() || labels.is_null() || labels.is_object() {
            true => Ok(LabelOverrides::from_js(labels)),
            false => Err(self.error("labels", "must be an object of label texts by name")),
        }
    }

    /// Where the guest view's call to action leads: a relative URL or an `http(s)` one (never
    /// `javascript:`, whatever the page was made to pass).
    fn sign_in_url(&self) -> Result<Option<String>, JsError> {
        let url = self.optional("signInUrl", &self.raw.sign_in_url)?;
        let scheme = url.as_deref().and_then(|u| u.split_once(':')).map(|(scheme, _)| scheme).filter(|s| !s.contains(['/', '?', '#']));
        match scheme {
            Some(s) if !s.eq_ignore_ascii_case("http") && !s.eq_ignore_ascii_case("https") => {
                Err(self.error("signInUrl", "must be a relative URL or an http(s) one"))
            }
            _ => Ok(url),
        }
    }

    /// `onSignIn`: a function, or nothing.
    fn on_sign_in(&self) -> Result<Option<js_sys::Function>, JsError> {
        let value = &self.raw.on_sign_in;
        match value.is_undefined() || value.is_null() {
            true => Ok(None),
            false => value.clone().dyn_into().map(Some).map_err(|_| self.error("onSignIn", "must be a function")),
        }
    }

    fn proxy_url(&self) -> Result<ProxyUrl, JsError> {
        let raw = self.required("proxyUrl", &self.raw.proxy_url)?;
        ProxyUrl::new(&raw).map_err(|problem| self.error("proxyUrl", &problem))
    }
}

/// The inputs of one kind of widget, read from a JavaScript options object.
trait Inputs: Clone + PartialEq + Send + Sync + Sized + 'static {
    /// The JavaScript function, for error messages.
    const FUNCTION: &'static str;
    /// Reads and checks the options.
    fn read(options: &Options) -> Result<Self, JsError>;
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
    fn read(options: &Options) -> Result<Self, JsError> {
        Ok(Common {
            proxy_url: options.proxy_url()?,
            refresh: options.refresh()?,
            player_token: options.player_token()?,
            locale: options.locale()?,
            labels: options.labels()?,
            sign_in_url: options.sign_in_url()?,
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

    fn read(options: &Options) -> Result<Self, JsError> {
        // An empty `playerId` is no player (a page that clears it on sign-out): the guest view.
        let player_id = match &options.raw.player_id {
            Some(OptionValue::Text(text)) if text.trim().is_empty() => None,
            value => options.optional("playerId", value)?,
        };
        let battlepass_id = options.optional("battlepassId", &options.raw.battlepass_id)?;
        let game_id = match player_id {
            Some(_) => Some(options.required("gameId", &options.raw.game_id)?),
            None => options.optional("gameId", &options.raw.game_id)?,
        };
        if player_id.is_none() && battlepass_id.is_none() {
            return Err(options.error("playerId", "is required (or `battlepassId` alone, for the guest view)"));
        }
        Ok(BattlepassInputs { common: Common::read(options)?, player_id, game_id, battlepass_id, compact: options.layout()? == Some("compact") })
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

    fn read(options: &Options) -> Result<Self, JsError> {
        let user = match &options.raw.platform_user_id {
            Some(OptionValue::Text(text)) if text.trim().is_empty() => None,
            value => options.optional("platformUserId", value)?,
        };
        let user = match user {
            Some(id) => Some((options.required("platform", &options.raw.platform)?, id)),
            None => None,
        };
        Ok(CollectionInputs { common: Common::read(options)?, user, program_id: options.optional("programId", &options.raw.program_id)? })
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
fn checked<I: Inputs>(options: &Options) -> Result<I, JsError> {
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
    let options = Options::read(I::FUNCTION, options)?;
    let initial = checked::<I>(&options)?;
    // `onSignIn` can change with `update`: the widget calls whichever is current.
    let on_sign_in = Rc::new(RefCell::new(options.on_sign_in()?));
    apply_theme(&parent, &options)?;
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
    let update: Updater = Box::new(move |options: &Options| {
        let next = checked::<I>(options)?;
        let next_on_sign_in = options.on_sign_in()?;
        apply_theme(&themed, options)?;
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

/// Sets the `theme` option, when given, as `data-theme`, and the `layout` (default `full`) as
/// `data-layout` on the element the widget is in: the stylesheet reads both from there.
fn apply_theme(parent: &HtmlElement, options: &Options) -> Result<(), JsError> {
    if let Some(theme) = options.theme()? {
        let _ = parent.set_attribute("data-theme", theme);
    }
    // The layout is the widget's own too (compact renders less), so the two never disagree.
    let _ = parent.set_attribute("data-layout", options.layout()?.unwrap_or("full"));
    Ok(())
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
