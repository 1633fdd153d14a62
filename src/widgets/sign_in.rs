//! The guest view's call to action, "Sign in to track your progress", and its `progress-sign-in`
//! event.

use leptos::callback::UnsyncCallback;
use leptos::either::Either;
use leptos::prelude::*;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::CustomEvent;

use crate::labels::{Label, Labels};

/// A link to `url` when there is one, else a button; either way named "Sign in to track your
/// progress" (the `signInToTrack` label).
///
/// Activating it first dispatches `progress-sign-in` from the widget: bubbling, composed (it
/// reaches the custom element and the page), cancelable, with `detail: {url}` (`null` without
/// one). `on_sign_in` runs after the page's listeners, with the same event. When anyone calls
/// `preventDefault()` (a page with its own login dialog), nothing else happens; otherwise the link
/// is followed. The button does nothing more than the event. The event is dispatched from a
/// microtask, so a listener may sign the player in on the spot (which replaces this view). A
/// middle or modified click on the link opens it as the browser would, without the event.
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
    /// The widget's words.
    labels: Labels,
) -> impl IntoView {
    let text = labels.get(Label::SignInToTrack);
    let activate = move |click: leptos::ev::MouseEvent| {
        // Run after the page's listeners, unless one of them has already replaced the widget (and
        // so disposed the callback). Freed when JavaScript lets go of it, called or not.
        let then = on_sign_in.map(|callback| {
            Closure::<dyn FnMut(web_sys::Event)>::new(move |event: web_sys::Event| {
                callback.try_run(event.unchecked_into());
            })
            .into_js_value()
        });
        super::events::sign_in_click(&click, url.get_untracked().as_deref(), &then.unwrap_or_default());
    };
    view! {
        <p class="pw-sign-in">
            {move || match url.get() {
                Some(href) => Either::Left(view! { <a class="pw-cta" part="sign-in" href=href on:click=activate>{text.clone()}</a> }),
                None => Either::Right(view! { <button type="button" class="pw-cta" part="sign-in" on:click=activate>{text.clone()}</button> }),
            }}
        </p>
    }
}
