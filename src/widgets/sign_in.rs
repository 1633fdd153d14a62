//! The guest view's call to action, "Sign in to track your progress", and its `progress-sign-in`
//! event.

use leptos::callback::UnsyncCallback;
use leptos::prelude::*;
use wasm_bindgen::JsValue;
use web_sys::{CustomEvent, CustomEventInit};

use crate::labels::{Label, Labels};

/// A link to `url` when there is one, else a button; either way named "Sign in to track your
/// progress" (the `signInToTrack` label).
///
/// Activating it first dispatches `progress-sign-in` from the widget: bubbling, composed (it
/// reaches the custom element and the page), cancelable, with `detail: {url}` (`null` without
/// one). `on_sign_in` runs after the page's listeners, with the same event. When anyone calls
/// `preventDefault()` (a page with its own login dialog), nothing else happens; otherwise the link
/// is followed. The button does nothing more than the event.
///
/// ```no_run
/// use leptos::prelude::*;
/// use progress_widgets::client::ProxyUrl;
/// use progress_widgets::widgets::BattlepassProgress;
///
/// let proxy = ProxyUrl::new("/progress-proxy").unwrap();
/// // No player: the season as everyone sees it, and the call to action.
/// let view = view! { <BattlepassProgress proxy_url=proxy battlepass_id="season-3" sign_in_url="/login" /> };
/// ```
#[component]
pub fn SignIn(
    /// Where signing in happens; none renders a button.
    #[prop(into)]
    url: MaybeProp<String>,
    /// Called with the `progress-sign-in` event after the page's listeners.
    on_sign_in: Option<UnsyncCallback<CustomEvent>>,
) -> impl IntoView {
    let text = expect_context::<Labels>().get(Label::SignInToTrack);
    let container = NodeRef::<leptos::html::P>::new();
    let activate = move |click: leptos::ev::MouseEvent| {
        let Some(from) = container.get_untracked() else { return };
        let init = CustomEventInit::new();
        init.set_bubbles(true);
        init.set_composed(true);
        init.set_cancelable(true);
        let detail = js_sys::Object::new();
        let target = url.get_untracked().map_or(JsValue::NULL, JsValue::from);
        let _ = js_sys::Reflect::set(&detail, &"url".into(), &target);
        init.set_detail(&detail);
        let Ok(event) = CustomEvent::new_with_event_init_dict("progress-sign-in", &init) else { return };
        let _ = from.dispatch_event(&event);
        if let Some(on_sign_in) = on_sign_in {
            on_sign_in.run(event.clone());
        }
        if event.default_prevented() {
            click.prevent_default();
        }
    };
    view! {
        <p class="pw-sign-in" node_ref=container>
            {move || match url.get() {
                Some(href) => view! { <a class="pw-cta" part="sign-in" href=href on:click=activate>{text.clone()}</a> }.into_any(),
                None => view! { <button type="button" class="pw-cta" part="sign-in" on:click=activate>{text.clone()}</button> }.into_any(),
            }}
        </p>
    }
}
