//! progress-widgets from Rust: a Leptos app that shows the season to a visitor (the guest view)
//! and, once the visitor signs in, their battle pass and their winter collection, by setting the
//! components' typed props from signals.
//!
//! `cargo xtask test` builds it for `wasm32-unknown-unknown` and renders it in Chromium against
//! the demo proxy (`tests/e2e/leptos-app.test.mjs`); the README's "From Rust" section walks
//! through it.

use leptos::callback::UnsyncCallback;
use leptos::prelude::*;
use progress_widgets::client::ProxyUrl;
use progress_widgets::widgets::{BattlepassProgress, CollectionProgress};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::CustomEvent;

/// The signed-in player: their ids for both services and the token the game's backend signed.
#[derive(Clone, Debug, PartialEq)]
struct Player {
    id: String,
    platform: String,
    platform_user_id: String,
    token: String,
}

/// Signs the demo player in: a real game asks its own backend for the token of the player it
/// knows is logged in; the demo proxy's `/demo/token` stands in for that backend here.
async fn sign_in_demo_player() -> Result<Player, JsValue> {
    let (platform, platform_user_id) = ("discord", "123456789012345678");
    let url = format!("/demo/token?sub=demo-player&gft={platform}:{platform_user_id}");
    let response: web_sys::Response = JsFuture::from(window().fetch_with_str(&url)).await?.dyn_into()?;
    if !response.ok() {
        return Err(JsValue::from_str(&format!("the demo proxy answered {}", response.status())));
    }
    let answer = JsFuture::from(response.json()?).await?;
    let token = js_sys::Reflect::get(&answer, &"token".into())?.as_string().ok_or("no token in the answer")?;
    Ok(Player { id: "demo-player".into(), platform: platform.into(), platform_user_id: platform_user_id.into(), token })
}

/// The page: a header with the sign-in state, the battle pass, and one collection.
#[component]
fn App() -> impl IntoView {
    // The proxy serving this page; any base URL the widgets can reach works (`/progress-proxy`).
    let proxy = ProxyUrl::new("/").expect("a valid proxy URL");
    let player = RwSignal::new(None::<Player>);
    let failure = RwSignal::new(None::<String>);
    let compact = RwSignal::new(false);

    // The widgets' call to action: this app has its own sign-in, so it prevents the default
    // (following `sign_in_url`) and signs in on the spot.
    let on_sign_in = UnsyncCallback::new(move |event: CustomEvent| {
        event.prevent_default();
        leptos::task::spawn_local(async move {
            match sign_in_demo_player().await {
                Ok(signed_in) => player.set(Some(signed_in)),
                Err(error) => failure.set(Some(format!("Sign-in failed: {error:?}"))),
            }
        });
    });

    // Each prop is a signal: setting `player` turns both guest views into the player's.
    let player_id = Signal::derive(move || player.with(|p| p.as_ref().map(|p| p.id.clone())));
    let token = Signal::derive(move || player.with(|p| p.as_ref().map(|p| p.token.clone())));
    let platform = Signal::derive(move || player.with(|p| p.as_ref().map(|p| p.platform.clone())));
    let platform_user_id = Signal::derive(move || player.with(|p| p.as_ref().map(|p| p.platform_user_id.clone())));

    view! {
        <header>
            <h1>"progress-widgets from Rust"</h1>
            <p id="who">
                {move || match player.get() {
                    Some(p) => format!("Signed in as {}", p.id),
                    None => "Signed out: the widgets show the season and a call to action.".to_owned(),
                }}
            </p>
            <button id="sign-out" type="button" on:click=move |_| player.set(None) disabled=move || player.with(Option::is_none)>
                "Sign out"
            </button>
            <label>
                <input id="compact" type="checkbox" on:change=move |event| compact.set(event_target_checked(&event)) />
                " Compact battle pass"
            </label>
            {move || failure.get().map(|message| view! { <p role="alert">{message}</p> })}
        </header>
        <main>
            <section id="battlepass" aria-label="Battle pass">
                <BattlepassProgress
                    proxy_url=proxy.clone()
                    battlepass_id="bp-frostfall"
                    game_id="demo-game"
                    player_id=player_id
                    player_token=token
                    on_sign_in=on_sign_in
                    compact=compact
                    refresh=0u32
                    locale="en"
                />
            </section>
            <section id="collection" aria-label="Winter collection">
                <CollectionProgress
                    proxy_url=proxy
                    platform=platform
                    platform_user_id=platform_user_id
                    program_id="program_winter"
                    player_token=token
                    on_sign_in=on_sign_in
                    refresh=0u32
                    locale="en"
                />
            </section>
        </main>
    }
}

fn main() {
    leptos::mount::mount_to_body(App);
}
