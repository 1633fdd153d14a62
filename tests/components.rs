//! The components in headless Chromium (wasm-bindgen-test), fetching through the real proxy in
//! front of the fake upstream. `cargo xtask test` starts both and passes the proxy's URL in
//! `PW_TEST_PROXY_URL`.
#![cfg(target_arch = "wasm32")]

use leptos::prelude::*;
use progress_widgets::client::ProxyUrl;
use progress_widgets::embed::{mount_battlepass, mount_collections};
use progress_widgets::widgets::{BattlepassProgress, CollectionProgress};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use wasm_bindgen_test::*;
use web_sys::{Element, HtmlElement};

wasm_bindgen_test_configure!(run_in_browser);

fn proxy() -> ProxyUrl {
    let url = option_env!("PW_TEST_PROXY_URL").expect("run through `cargo xtask test`, which starts the proxy");
    ProxyUrl::new(url).unwrap()
}

/// A fresh container in the page.
fn container() -> HtmlElement {
    let document = web_sys::window().unwrap().document().unwrap();
    let div = document.create_element("div").unwrap().unchecked_into::<HtmlElement>();
    document.body().unwrap().append_child(&div).unwrap();
    div
}

async fn sleep(ms: i32) {
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        web_sys::window().unwrap().set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, ms).unwrap();
    });
    JsFuture::from(promise).await.unwrap();
}

/// Waits (up to 15 s, polling) for `selector` to match inside `root`; fails the test otherwise.
async fn wait_for(root: &HtmlElement, selector: &str) -> Element {
    for _ in 0..300 {
        if let Some(found) = root.query_selector(selector).unwrap() {
            return found;
        }
        sleep(50).await;
    }
    panic!("`{selector}` never appeared; the widget shows: {}", root.inner_html());
}

fn count(root: &HtmlElement, selector: &str) -> u32 {
    root.query_selector_all(selector).unwrap().length()
}

fn text(root: &HtmlElement) -> String {
    root.text_content().unwrap_or_default()
}

fn mount_battlepass_for(player: &str) -> (HtmlElement, impl Drop) {
    let root = container();
    let player = player.to_owned();
    let handle = leptos::mount::mount_to(root.clone(), move || {
        view! { <BattlepassProgress proxy_url=proxy() player_id=player game_id="g-1" /> }
    });
    (root, handle)
}

fn mount_collections_for(user: &str, program: Option<&str>) -> (HtmlElement, impl Drop) {
    let root = container();
    let (user, program) = (user.to_owned(), program.map(str::to_owned));
    let handle = leptos::mount::mount_to(root.clone(), move || {
        view! { <CollectionProgress proxy_url=proxy() platform="discord" platform_user_id=user program_id=program /> }
    });
    (root, handle)
}

#[wasm_bindgen_test]
fn plurals_follow_the_locales_own_rules() {
    use progress_widgets::format::Locale;
    use progress_widgets::labels::{Label, Labels};
    let plural = |tag: &str, n: f64| Labels::new(&Locale(Some(tag.into())), Default::default()).plural(n, Label::CardsOfOne, Label::CardsOfOther);
    // French counts 0 as singular, English does not: the rule is Intl.PluralRules', not `n == 1`.
    assert_eq!(plural("fr", 0.0), Label::CardsOfOne);
    assert_eq!(plural("en", 0.0), Label::CardsOfOther);
    assert_eq!(plural("de", 1.0), Label::CardsOfOne);
    assert_eq!(plural("de", 2.0), Label::CardsOfOther);
}

#[wasm_bindgen_test]
async fn battlepass_shows_xp_level_track_rewards_and_challenges() {
    let (root, _handle) = mount_battlepass_for("p-42");
    wait_for(&root, ".pw-level").await;
    wait_for(&root, ".pw-price").await; // the season definition arrived too
    let shown = text(&root);
    for expected in [
        "Tides of the Deep",
        "2026-11-01 – 2026-12-15",
        "Player p-42",
        "Whalepass account connected",
        "Joined 2026-10-01",
        "Level 3",
        "2,750 XP",
        "250 XP to level 4",
        "Tide Token",
        "×60",
        "Coral Crown 6",
        "Catch 5 rare fish",
        "Dive below 300 m",
        "Abyss Lantern",
        "Premium",
        "2026-11-10 – 2026-11-30",
    ] {
        assert!(shown.contains(expected), "missing {expected:?} in {shown}");
    }
    // Levels arrive in reverse order and are shown sorted, with their states.
    let numbers: Vec<String> = (0..6)
        .map(|i| root.query_selector_all(".pw-level-number").unwrap().get(i).unwrap().text_content().unwrap())
        .collect();
    assert_eq!(numbers, ["Level 1", "Level 2", "Level 3", "Level 4", "Level 5", "Level 6"]);
    assert_eq!((count(&root, ".pw-level.pw-completed"), count(&root, ".pw-level.pw-current"), count(&root, ".pw-level.pw-locked")), (3, 1, 2));
    // (2750 - 2000) / (3000 - 2000)
    let bar = root.query_selector("[part='xp-bar']").unwrap().unwrap();
    assert_eq!(bar.get_attribute("aria-valuenow").as_deref(), Some("75"));
    assert_eq!(count(&root, ".pw-challenge.pw-completed"), 1);
    assert_eq!(count(&root, ".pw-challenge"), 2);
    // The track: each tier's state in words (the icon is decoration), its free reward above the
    // line and its premium reward below, an empty slot hidden from screen readers.
    let states: Vec<String> = (0..6)
        .map(|i| root.query_selector_all(".pw-level-state").unwrap().get(i).unwrap().text_content().unwrap())
        .collect();
    assert_eq!(states, ["Reached", "Reached", "Reached", "In progress", "Locked", "Locked"]);
    assert_eq!(count(&root, ".pw-level .pw-tile.pw-free"), 6);
    assert_eq!(count(&root, ".pw-level .pw-tile.pw-premium"), 6);
    assert_eq!(count(&root, ".pw-tile.pw-premium[aria-hidden='true']"), 3);
    let premium = root.query_selector("[data-level-id='up-lvl-2'] .pw-tile.pw-premium").unwrap().unwrap().text_content().unwrap();
    assert!(premium.starts_with("Premium: ") && premium.contains("Coral Crown 2"), "{premium}");
    assert!(root.query_selector("[part='next-reward']").unwrap().is_none(), "the next reward is the compact layout's");
    // Challenges are grouped by state under headings.
    let groups: Vec<String> = (0..count(&root, ".pw-group-title"))
        .map(|i| root.query_selector_all(".pw-group-title").unwrap().get(i).unwrap().text_content().unwrap())
        .collect();
    assert!(groups.first().is_some_and(|g| g == "Completed" || g == "In progress") && groups.contains(&"Completed".to_owned()), "{groups:?}");
    // Ids are not for people, but integrators can find every item by its upstream id.
    for selector in ["[data-battlepass-id='bp-upstream']", "[data-level-id='up-lvl-1']", "[data-challenge-id='up-ch-2']", "[data-reward-id='up-rw-c2']"] {
        assert!(root.query_selector(selector).unwrap().is_some(), "{selector}");
    }
    let image = root.query_selector(".pw-reward-img").unwrap().unwrap();
    assert!(image.get_attribute("src").unwrap().starts_with("/www/img/"));
}

#[wasm_bindgen_test]
async fn collections_show_cards_owned_or_not_reward_and_time_left() {
    let (root, _handle) = mount_collections_for("123456789012345678", None);
    wait_for(&root, ".pw-program").await;
    let shown = text(&root);
    for expected in [
        "Ocean Collection",
        "Find every creature of the reef.",
        "60%",
        "3 / 5 collected",
        "In progress",
        "1d 2h left",
        "Clownfish",
        "Owned ×4",
        "Not owned",
        "Mythic",
        "Rare",
        "Reef Guardian Title",
        "Collect every card to unlock",
    ] {
        assert!(shown.contains(expected), "missing {expected:?} in {shown}");
    }
    assert_eq!(count(&root, ".pw-program"), 2);
    assert_eq!(count(&root, ".pw-program:first-child .pw-card"), 5);
    assert_eq!(count(&root, ".pw-program:first-child .pw-card.pw-owned"), 3);
    for selector in ["[data-program-id='program_ocean']", "[data-card-id='up-card-4']", "[data-reward-id='up-reward-1']"] {
        assert!(root.query_selector(selector).unwrap().is_some(), "{selector}");
    }
    // A reward not yet earned never reveals its code.
    assert!(!shown.contains("REEF-123"));
}

#[wasm_bindgen_test]
async fn one_program_by_id_and_the_wrapped_shape_both_render() {
    let (root, _handle) = mount_collections_for("123456789012345678", Some("program_ocean"));
    wait_for(&root, ".pw-program").await;
    assert_eq!(count(&root, ".pw-program"), 1);
    let (wrapped, _handle) = mount_collections_for("wrapped", None);
    wait_for(&wrapped, ".pw-program").await;
    assert!(text(&wrapped).contains("Ocean Collection"));
}

#[wasm_bindgen_test]
async fn upstream_http_errors_show_their_message_and_a_retry_button() {
    let (root, _handle) = mount_battlepass_for("status-500");
    let error = wait_for(&root, "[part='error']").await;
    let message = error.text_content().unwrap();
    assert!(message.contains("HTTP 500") && message.contains("Internal server error"), "{message}");
    assert!(root.query_selector("button[part='retry']").unwrap().is_some());
    assert_eq!(count(&root, ".pw-level"), 0);

    let (root, _handle) = mount_collections_for("status-429", None);
    let message = wait_for(&root, "[part='error']").await.text_content().unwrap();
    assert!(message.contains("Too many requests"), "{message}");
}

#[wasm_bindgen_test]
async fn malformed_and_wrongly_typed_answers_show_a_decode_error() {
    for player in ["malformed", "wrong-types"] {
        let (root, _handle) = mount_battlepass_for(player);
        let message = wait_for(&root, "[part='error']").await.text_content().unwrap();
        assert!(message.contains("can't read") || message.contains("not JSON"), "{player}: {message}");
    }
    // Well-formed, but not progress: never "no battle pass is running", which would hide a broken setup.
    for (player, says) in [("message-200", "unexpected answer: Invalid API key"), ("array-progress", "expected an object")] {
        let (root, _handle) = mount_battlepass_for(player);
        let message = wait_for(&root, "[part='error']").await.text_content().unwrap();
        assert!(message.contains(says), "{player}: {message}");
        assert!(!text(&root).contains("No battle pass"), "{player}");
    }
}

#[wasm_bindgen_test]
async fn an_unreachable_proxy_shows_a_network_error() {
    let root = container();
    // Port 1 on loopback: nothing listens there.
    let _handle = leptos::mount::mount_to(root.clone(), || {
        view! { <BattlepassProgress proxy_url=ProxyUrl::new("http://127.0.0.1:1").unwrap() player_id="p" game_id="g" /> }
    });
    let message = wait_for(&root, "[part='error']").await.text_content().unwrap();
    assert!(message.contains("Couldn't reach"), "{message}");
}

#[wasm_bindgen_test]
async fn empty_progress_shows_an_empty_state() {
    let (root, _handle) = mount_battlepass_for("empty");
    wait_for(&root, ".pw-empty").await;
    let (root, _handle) = mount_collections_for("empty", None);
    wait_for(&root, ".pw-empty").await;
}

#[wasm_bindgen_test]
async fn retry_after_a_failure_shows_the_progress_and_clears_the_error() {
    // The fake upstream fails the first request for this player and answers the next.
    let (root, _handle) = mount_battlepass_for("flaky-once");
    let message = wait_for(&root, "[part='error']").await.text_content().unwrap();
    assert!(message.contains("Temporary failure"), "{message}");
    root.query_selector("button[part='retry']").unwrap().unwrap().unchecked_into::<HtmlElement>().click();
    wait_for(&root, ".pw-level").await;
    assert!(root.query_selector("[part='error']").unwrap().is_none(), "{}", root.inner_html());
}

fn options(pairs: &[(&str, &str)]) -> JsValue {
    let object = js_sys::Object::new();
    for (key, value) in pairs {
        js_sys::Reflect::set(&object, &JsValue::from_str(key), &JsValue::from_str(value)).unwrap();
    }
    object.into()
}

fn thrown_message(result: Result<progress_widgets::embed::WidgetHandle, JsError>) -> String {
    let error: JsValue = result.err().expect("mounting should have thrown").into();
    error.unchecked_into::<js_sys::Error>().message().into()
}

#[wasm_bindgen_test]
async fn mount_functions_throw_errors_naming_the_bad_option() {
    let root = container();
    let message = thrown_message(mount_battlepass(root.clone().into(), options(&[("proxyUrl", "/p"), ("gameId", "g")])));
    assert_eq!(message, "mountBattlepass: option `playerId` is required (or `battlepassId` alone, for the guest view)");
    let message = thrown_message(mount_battlepass(root.clone().into(), options(&[("playerId", "p"), ("gameId", "g")])));
    assert!(message.contains("`proxyUrl`"), "{message}");
    let message = thrown_message(mount_battlepass(
        root.clone().into(),
        options(&[("proxyUrl", "javascript:alert(1)"), ("playerId", "p"), ("gameId", "g")]),
    ));
    assert!(message.contains("`proxyUrl`"), "{message}");
    let message = thrown_message(mount_collections(
        root.clone().into(),
        options(&[("proxyUrl", "/p"), ("platform", "discord"), ("platformUserId", "..")]),
    ));
    assert!(message.contains("`platformUserId`"), "{message}");
    let message = thrown_message(mount_collections(JsValue::NULL, options(&[])));
    assert!(message.contains("`element`"), "{message}");
    assert_eq!(root.child_element_count(), 0, "nothing is mounted when options are invalid");
}

/// `base` with `key` set to `value` (any JavaScript value).
fn with(base: &[(&str, &str)], key: &str, value: JsValue) -> JsValue {
    let object = options(base);
    js_sys::Reflect::set(&object, &JsValue::from_str(key), &value).unwrap();
    object
}

#[wasm_bindgen_test]
async fn every_option_is_checked_and_refused_with_a_message_naming_it() {
    let root = container();
    let ids: &[(&str, &str)] = &[("proxyUrl", "/p"), ("playerId", "p"), ("gameId", "g")];
    let bad = |key: &str, value: JsValue| thrown_message(mount_battlepass(root.clone().into(), with(ids, key, value)));
    let cases = [
        ("refreshInterval", JsValue::from_str("soon"), "option `refreshInterval` must be a whole number of seconds"),
        ("refreshInterval", JsValue::from_f64(-1.0), "option `refreshInterval` must be a whole number of seconds"),
        ("refreshInterval", JsValue::from_f64(1.5), "option `refreshInterval` must be a string"),
        ("refresh", JsValue::from_str("4294967296"), "option `refresh` must be a whole number of seconds"),
        ("playerToken", JsValue::from_str("a b"), "option `playerToken` must be printable ASCII without spaces"),
        ("locale", JsValue::from_str("en-"), "option `locale` must be a BCP 47 language tag such as `en` or `de-DE`"),
        ("layout", JsValue::from_str("wide"), "option `layout` must be `full` or `compact`"),
        ("signInUrl", JsValue::from_str("JavaScript:alert(1)"), "option `signInUrl` must be a relative URL or an http(s) one"),
        ("onSignIn", JsValue::from_str("alert(1)"), "option `onSignIn` must be a function"),
        ("labels", JsValue::from_str("Locked"), "option `labels` must be an object of label texts by name"),
        ("gameId", JsValue::from_str("  "), "option `gameId` must not be empty"),
        ("gameId", JsValue::TRUE, "option `gameId` must be a string"),
        ("gameId", JsValue::NULL, "option `gameId` is required"),
    ];
    for (key, value, expected) in cases {
        assert_eq!(bad(key, value), "mountBattlepass: ".to_owned() + expected);
    }
    let message = thrown_message(mount_battlepass(root.clone().into(), JsValue::from_str("p")));
    assert_eq!(message, "mountBattlepass: `options` must be an object");
    let message = thrown_message(mount_collections(root.clone().into(), options(&[("proxyUrl", "/p"), ("platformUserId", "1")])));
    assert_eq!(message, "mountCollections: option `platform` is required");
    assert_eq!(root.child_element_count(), 0, "nothing is mounted when options are invalid");

    // What is accepted: numbers as ids, a `+` or leading zeros in the seconds, `_` in a locale, a
    // relative sign-in URL with a colon after its path, and ids trimmed.
    let good = js_sys::Object::new();
    for (key, value) in [
        ("proxyUrl", JsValue::from_str(proxy().as_str())),
        ("playerId", JsValue::from_str(" p-42 ")),
        ("gameId", JsValue::from_f64(7.0)),
        ("refreshInterval", JsValue::from_str("+060")),
        ("locale", JsValue::from_str("de_DE")),
        ("signInUrl", JsValue::from_str("/login?next=a:b")),
    ] {
        js_sys::Reflect::set(&good, &JsValue::from_str(key), &value).unwrap();
    }
    let handle = mount_battlepass(root.clone().into(), good.into()).expect("valid options mount");
    assert_eq!(wait_for(&root, ".pw-level-now").await.text_content().as_deref(), Some("Stufe 3"));
    handle.unmount();
}

#[wasm_bindgen_test]
async fn the_theme_option_sets_the_scheme_on_the_element_and_a_bad_one_is_refused() {
    let root = container();
    let proxy_url = proxy();
    let message = thrown_message(mount_battlepass(
        root.clone().into(),
        options(&[("proxyUrl", proxy_url.as_str()), ("playerId", "p-42"), ("gameId", "g"), ("theme", "purple")]),
    ));
    assert_eq!(message, "mountBattlepass: option `theme` must be `light`, `dark` or `auto`");
    let handle = mount_battlepass(
        root.clone().into(),
        options(&[("proxyUrl", proxy_url.as_str()), ("playerId", "p-42"), ("gameId", "g"), ("theme", "dark")]),
    )
    .unwrap();
    assert_eq!(root.get_attribute("data-theme").as_deref(), Some("dark"));
    wait_for(&root, ".pw-level").await;
    let section = root.query_selector(".pw").unwrap().unwrap();
    let scheme = web_sys::window().unwrap().get_computed_style(&section).unwrap().unwrap().get_property_value("color-scheme").unwrap();
    assert_eq!(scheme, "dark");
    handle.update(options(&[("proxyUrl", proxy_url.as_str()), ("playerId", "p-42"), ("gameId", "g"), ("theme", "light")])).unwrap();
    assert_eq!(root.get_attribute("data-theme").as_deref(), Some("light"));
    handle.unmount();
}

#[wasm_bindgen_test]
async fn a_dropped_handle_does_not_unmount_the_widget() {
    // wasm-bindgen frees handles JavaScript has garbage-collected; the widget must stay.
    let root = container();
    let proxy_url = proxy();
    let handle = mount_battlepass(
        root.clone().into(),
        options(&[("proxyUrl", proxy_url.as_str()), ("playerId", "p-gc"), ("gameId", "g")]),
    )
    .unwrap();
    drop(handle);
    wait_for(&root, ".pw-level").await;
    assert!(root.child_element_count() > 0);
}

#[wasm_bindgen_test]
async fn mounted_from_js_options_and_unmount_removes_the_view() {
    let root = container();
    let proxy_url = proxy();
    let handle = mount_collections(
        root.clone().into(),
        options(&[("proxyUrl", proxy_url.as_str()), ("platform", "discord"), ("platformUserId", "42")]),
    )
    .unwrap();
    wait_for(&root, ".pw-program").await;
    assert!(handle.mounted());
    handle.unmount();
    assert!(!handle.mounted());
    assert_eq!(root.child_element_count(), 0, "{}", root.inner_html());
    handle.unmount(); // twice is harmless
}

/// The proxy with player tokens on, and a token for player `p-42` / `discord:123456789012345678`.
fn secure_proxy_and_token() -> (String, String) {
    let url = option_env!("PW_TEST_SECURE_PROXY_URL").expect("run through `cargo xtask test`");
    let token = option_env!("PW_TEST_PLAYER_TOKEN").expect("run through `cargo xtask test`");
    (url.to_owned(), token.to_owned())
}

#[wasm_bindgen_test]
async fn a_player_token_opens_a_proxy_with_tokens_on_and_shows_the_players_own_code() {
    let (url, token) = secure_proxy_and_token();
    let root = container();
    let _battlepass = mount_battlepass(
        root.clone().into(),
        options(&[("proxyUrl", &url), ("playerId", "p-42"), ("gameId", "g-1"), ("playerToken", &token)]),
    )
    .unwrap();
    wait_for(&root, ".pw-level").await;
    let collections = container();
    let _collections = mount_collections(
        collections.clone().into(),
        options(&[
            ("proxyUrl", &url),
            ("platform", "discord"),
            ("platformUserId", "123456789012345678"),
            ("programId", "program_winter"),
            ("playerToken", &token),
        ]),
    )
    .unwrap();
    wait_for(&collections, ".pw-reward-value").await;
    assert!(text(&collections).contains("ICE-777"), "{}", text(&collections));
    assert!(collections.query_selector("[part='qr-code']").unwrap().is_none(), "a TEXT value is no QR code");
    // The same reward meant as a QR code: drawn to scan, and still there as text to copy.
    let qr = container();
    let _qr = mount_collections(
        qr.clone().into(),
        options(&[
            ("proxyUrl", &url),
            ("platform", "discord"),
            ("platformUserId", "123456789012345678"),
            ("programId", "program_winter-qr"),
            ("playerToken", &token),
        ]),
    )
    .unwrap();
    let code = wait_for(&qr, "svg[part='qr-code'][role='img']").await;
    assert_eq!(code.get_attribute("aria-label").as_deref(), Some("QR code"));
    let path = code.query_selector("path").unwrap().unwrap().get_attribute("d").unwrap();
    assert!(path.starts_with("M0 0h7v1h-7z"), "a finder pattern in the corner: {path}");
    assert!(text(&qr).contains("ICE-777"), "{}", text(&qr));
}

#[wasm_bindgen_test]
async fn without_a_token_a_proxy_with_tokens_on_asks_the_player_to_sign_in() {
    let (url, _) = secure_proxy_and_token();
    let root = container();
    let _handle = mount_battlepass(root.clone().into(), options(&[("proxyUrl", &url), ("playerId", "p-42"), ("gameId", "g-1")]))
        .unwrap();
    let message = wait_for(&root, "[part='error']").await.text_content().unwrap();
    assert!(message.contains("Sign in to see your progress"), "{message}");
    assert!(!message.contains("401"), "no raw status for a player: {message}");
}

#[wasm_bindgen_test]
async fn a_reward_value_the_proxy_withheld_asks_the_player_to_sign_in() {
    // The default test proxy has tokens off, so it withholds claim codes.
    let (root, _handle) = mount_collections_for("123456789012345678", Some("program_winter"));
    wait_for(&root, ".pw-reward-withheld").await;
    let shown = text(&root);
    assert!(shown.contains("Sign in to see your code"), "{shown}");
    assert!(!shown.contains("ICE-777"), "{shown}");
}

/// A battle-pass widget whose refresh the test triggers, and the count of `progress-load`s.
fn mount_refreshable(player: &str) -> (HtmlElement, impl Drop, Trigger, std::rc::Rc<std::cell::Cell<u32>>) {
    use progress_widgets::widgets::events::ProgressEvents;
    let root = container();
    let loads = std::rc::Rc::new(std::cell::Cell::new(0));
    let counted = loads.clone();
    let listener = Closure::<dyn FnMut()>::new(move || counted.set(counted.get() + 1));
    root.add_event_listener_with_callback("progress-load", listener.as_ref().unchecked_ref()).unwrap();
    listener.forget();
    let player = player.to_owned();
    let refresh = Trigger::new();
    let events = ProgressEvents::new(root.clone().into());
    let handle = leptos::mount::mount_to(root.clone(), move || {
        view! { <BattlepassProgress proxy_url=proxy() player_id=player game_id="g-1" refresh=0u32 events refresh_now=refresh /> }
    });
    (root, handle, refresh, loads)
}

fn mount_collections_refreshable(user: &str) -> (HtmlElement, impl Drop, Trigger) {
    let root = container();
    let user = user.to_owned();
    let refresh = Trigger::new();
    let handle = leptos::mount::mount_to(root.clone(), move || {
        view! { <CollectionProgress proxy_url=proxy() platform="discord" platform_user_id=user refresh=0u32 refresh_now=refresh /> }
    });
    (root, handle, refresh)
}

/// Waits (up to 15 s, polling) until `done` holds; fails the test otherwise.
async fn wait_until(root: &HtmlElement, what: &str, done: impl Fn() -> bool) {
    for _ in 0..300 {
        if done() {
            return;
        }
        sleep(50).await;
    }
    panic!("{what} never happened; the widget shows: {}", text(root));
}

#[wasm_bindgen_test]
async fn a_refresh_shows_edited_rewards_xp_and_challenge_text() {
    let (root, _handle, refresh, _) = mount_refreshable("edited-after-first");
    wait_for(&root, ".pw-level").await;
    assert!(text(&root).contains("Catch 5 rare fish"));
    refresh.notify();
    wait_until(&root, "the edited answer", || text(&root).contains("Copper Coin Pouch")).await;
    let level_one = root.query_selector("[data-level-id='up-lvl-1']").unwrap().unwrap().text_content().unwrap();
    assert!(level_one.contains("100 XP") && level_one.contains("Copper Coin Pouch"), "{level_one}");
    assert!(!text(&root).contains("Catch 5 rare fish") && text(&root).contains("Catch 7 rare fish"));
}

#[wasm_bindgen_test]
async fn repeated_ids_then_a_normal_refresh_show_exactly_the_new_lists() {
    let (root, _handle, refresh, _) = mount_refreshable("dup-ids-first");
    wait_for(&root, ".pw-level").await;
    assert_eq!((count(&root, ".pw-level"), count(&root, ".pw-challenge")), (6, 3));
    refresh.notify();
    wait_until(&root, "the normal answer", || root.query_selector("[data-level-id='up-lvl-1']").unwrap().is_some()).await;
    assert_eq!((count(&root, ".pw-level"), count(&root, ".pw-challenge")), (6, 2));
    let numbers: Vec<String> = (0..6)
        .map(|i| root.query_selector_all(".pw-level-number").unwrap().get(i).unwrap().text_content().unwrap())
        .collect();
    assert_eq!(numbers, ["Level 1", "Level 2", "Level 3", "Level 4", "Level 5", "Level 6"]);
}

#[wasm_bindgen_test]
async fn repeated_program_ids_then_a_normal_refresh_show_every_program_and_card_once() {
    let (root, _handle, refresh) = mount_collections_refreshable("dup-ids-first");
    wait_for(&root, ".pw-card").await;
    assert_eq!((count(&root, ".pw-program"), count(&root, ".pw-card")), (3, 13));
    refresh.notify();
    wait_until(&root, "the normal answer", || root.query_selector("[data-program-id='program_ocean']").unwrap().is_some()).await;
    assert_eq!((count(&root, ".pw-program"), count(&root, ".pw-card")), (2, 8));
}

#[wasm_bindgen_test]
async fn a_refresh_shows_an_edited_card_name() {
    let (root, _handle, refresh) = mount_collections_refreshable("edited-after-first");
    wait_for(&root, ".pw-card").await;
    refresh.notify();
    wait_until(&root, "the edited card", || text(&root).contains("Clown Loach")).await;
    assert!(!text(&root).contains("Clownfish"));
}

/// DOM nodes a batch of mutations touched: each attribute or text change counts its node, each
/// child-list change the nodes added and removed.
fn touched(records: &js_sys::Array) -> u32 {
    records
        .iter()
        .map(|r| r.unchecked_into::<web_sys::MutationRecord>())
        .map(|r| match r.type_().as_str() {
            "childList" => r.added_nodes().length() + r.removed_nodes().length(),
            _ => 1,
        })
        .sum()
}

async fn mutations_of_one_refresh(player: &str) -> (u32, String) {
    let (root, _handle, refresh, loads) = mount_refreshable(player);
    wait_for(&root, ".pw-level").await;
    wait_until(&root, "the first load", || loads.get() >= 1).await;
    sleep(50).await;
    let before = loads.get();
    // The observer's callback gets each batch of records as it is delivered; count them there.
    let seen = std::rc::Rc::new(std::cell::Cell::new(0u32));
    let counter = seen.clone();
    let callback = Closure::<dyn FnMut(js_sys::Array)>::new(move |records: js_sys::Array| counter.set(counter.get() + touched(&records)));
    let observer = web_sys::MutationObserver::new(callback.as_ref().unchecked_ref()).unwrap();
    let init = web_sys::MutationObserverInit::new();
    init.set_subtree(true);
    init.set_child_list(true);
    init.set_attributes(true);
    init.set_character_data(true);
    observer.observe_with_options(&root, &init).unwrap();
    refresh.notify();
    wait_until(&root, "the refresh", || loads.get() == before + 1).await;
    sleep(50).await;
    let pending = touched(&observer.take_records());
    observer.disconnect();
    drop(callback);
    (seen.get() + pending, text(&root))
}

#[wasm_bindgen_test]
async fn a_refresh_that_changes_nothing_touches_no_node() {
    assert_eq!(mutations_of_one_refresh("p-unchanged").await.0, 0);
}

#[wasm_bindgen_test]
async fn a_refresh_that_completes_one_level_touches_at_most_ten_nodes() {
    let (touched, shown) = mutations_of_one_refresh("level-up-after-first").await;
    assert!(shown.contains("3,100 XP"), "the refresh was shown: {shown}");
    assert!((1..=10).contains(&touched), "{touched} nodes touched");
}
