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
use std::collections::HashMap;

use leptos::prelude::*;
use serde::{Deserialize, Deserializer};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::HtmlElement;

use crate::client::ProxyUrl;
use crate::ProxyRoute;
use crate::widgets::{BattlepassProgress, CollectionProgress};

thread_local! {
    /// Every widget mounted from JavaScript, until its `unmount()`. The widgets live here, not in
    /// their handles: wasm-bindgen frees a handle when JavaScript garbage-collects it
    /// (`FinalizationRegistry`), and a page that ignores the handle must not see its widget vanish
    /// at the next collection.
    static MOUNTED: RefCell<HashMap<u32, Box<dyn Any>>> = RefCell::new(HashMap::new());
    static NEXT_ID: Cell<u32> = const { Cell::new(0) };
}

/// A mounted widget. `unmount()` removes its view and cancels its requests; dropping or losing
/// the handle does not.
#[wasm_bindgen]
pub struct WidgetHandle {
    id: u32,
}

impl WidgetHandle {
    fn keep(mounted: Box<dyn Any>) -> Self {
        let id = NEXT_ID.with(|next| next.replace(next.get().wrapping_add(1)));
        MOUNTED.with(|all| all.borrow_mut().insert(id, mounted));
        WidgetHandle { id }
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
        let mounted = MOUNTED.with(|all| all.borrow_mut().remove(&self.id));
        drop(mounted);
    }

    /// Whether the widget is still mounted.
    #[wasm_bindgen(getter)]
    pub fn mounted(&self) -> bool {
        MOUNTED.with(|all| all.borrow().contains_key(&self.id))
    }
}

/// Raw options as JavaScript passed them; every field is checked by name below.
#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase")]
struct RawOptions {
    proxy_url: Option<OptionValue>,
    player_id: Option<OptionValue>,
    game_id: Option<OptionValue>,
    battlepass_id: Option<OptionValue>,
    platform: Option<OptionValue>,
    platform_user_id: Option<OptionValue>,
    program_id: Option<OptionValue>,
}

/// One option's value: text, an integer (ids are often numbers in JS), or something else, which
/// is reported by name rather than failing the whole object.
enum OptionValue {
    Text(String),
    Other,
}

impl<'de> Deserialize<'de> for OptionValue {
    fn deserialize<D: Deserializer<'de>>(de: D) -> Result<Self, D::Error> {
        struct Visitor;
        impl<'de> serde::de::Visitor<'de> for Visitor {
            type Value = OptionValue;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a string")
            }
            fn visit_str<E>(self, v: &str) -> Result<OptionValue, E> {
                Ok(OptionValue::Text(v.to_owned()))
            }
            fn visit_f64<E>(self, v: f64) -> Result<OptionValue, E> {
                let integral = v.fract() == 0.0 && v.abs() <= 9_007_199_254_740_991.0;
                Ok(if integral { OptionValue::Text((v as i64).to_string()) } else { OptionValue::Other })
            }
            fn visit_i64<E>(self, v: i64) -> Result<OptionValue, E> {
                Ok(OptionValue::Text(v.to_string()))
            }
            fn visit_u64<E>(self, v: u64) -> Result<OptionValue, E> {
                Ok(OptionValue::Text(v.to_string()))
            }
            fn visit_bool<E>(self, _: bool) -> Result<OptionValue, E> {
                Ok(OptionValue::Other)
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<OptionValue, A::Error> {
                while map.next_entry::<serde::de::IgnoredAny, serde::de::IgnoredAny>()?.is_some() {}
                Ok(OptionValue::Other)
            }
            fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<OptionValue, A::Error> {
                while seq.next_element::<serde::de::IgnoredAny>()?.is_some() {}
                Ok(OptionValue::Other)
            }
        }
        de.deserialize_any(Visitor)
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
            return Err(JsError::new(&format!("{function}: `options` must be an object")));
        }
        let raw = serde_wasm_bindgen::from_value(options)
            .map_err(|err| JsError::new(&format!("{function}: invalid options: {err}")))?;
        Ok(Options { function, raw })
    }

    fn error(&self, name: &str, problem: impl std::fmt::Display) -> JsError {
        JsError::new(&format!("{}: option `{name}` {problem}", self.function))
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

    fn proxy_url(&self) -> Result<ProxyUrl, JsError> {
        let raw = self.required("proxyUrl", &self.raw.proxy_url)?;
        ProxyUrl::new(&raw).map_err(|problem| self.error("proxyUrl", problem))
    }
}

/// What both mount functions share: check the element and the options (the view's own options
/// in `build`, then its route against the proxy's rules), mount, and keep the widget.
fn mount<B, F, V>(function: &'static str, element: JsValue, options: JsValue, build: B) -> Result<WidgetHandle, JsError>
where
    B: FnOnce(&Options, ProxyUrl) -> Result<(ProxyRoute, F), JsError>,
    F: FnOnce() -> V + 'static,
    V: IntoView + 'static,
{
    let parent = element
        .dyn_into::<HtmlElement>()
        .map_err(|_| JsError::new(&format!("{function}: `element` must be an HTML element")))?;
    let options = Options::read(function, options)?;
    let (route, view) = build(&options, options.proxy_url()?)?;
    route.check().map_err(|err| JsError::new(&format!("{function}: option {err}")))?;
    Ok(WidgetHandle::keep(Box::new(leptos::mount::mount_to(parent, view))))
}

/// Mounts a battle-pass widget into `element`.
///
/// `options`: `{proxyUrl, playerId, gameId, battlepassId?}`. Throws an `Error` naming the
/// option that is missing or invalid.
#[wasm_bindgen(js_name = mountBattlepass)]
pub fn mount_battlepass(element: JsValue, options: JsValue) -> Result<WidgetHandle, JsError> {
    mount("mountBattlepass", element, options, |options, proxy_url| {
        let player_id = options.required("playerId", &options.raw.player_id)?;
        let game_id = options.required("gameId", &options.raw.game_id)?;
        let battlepass_id = options.optional("battlepassId", &options.raw.battlepass_id)?;
        let route = ProxyRoute::WhalepassProgress {
            player_id: player_id.clone(),
            game_id: game_id.clone(),
            battlepass_id: battlepass_id.clone(),
        };
        Ok((route, move || view! { <BattlepassProgress proxy_url player_id game_id battlepass_id /> }))
    })
}

/// Mounts a collection widget into `element`: all of a user's collections, or one with
/// `programId`.
///
/// `options`: `{proxyUrl, platform, platformUserId, programId?}`. Throws an `Error` naming the
/// option that is missing or invalid.
#[wasm_bindgen(js_name = mountCollections)]
pub fn mount_collections(element: JsValue, options: JsValue) -> Result<WidgetHandle, JsError> {
    mount("mountCollections", element, options, |options, proxy_url| {
        let platform = options.required("platform", &options.raw.platform)?;
        let platform_user_id = options.required("platformUserId", &options.raw.platform_user_id)?;
        let program_id = options.optional("programId", &options.raw.program_id)?;
        let route = match program_id.clone() {
            Some(program_id) => ProxyRoute::GiftoinCollection {
                platform: platform.clone(),
                platform_user_id: platform_user_id.clone(),
                program_id,
            },
            None => ProxyRoute::GiftoinCollections { platform: platform.clone(), platform_user_id: platform_user_id.clone() },
        };
        Ok((route, move || view! { <CollectionProgress proxy_url platform platform_user_id program_id /> }))
    })
}
