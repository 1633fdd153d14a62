//! The collection widget: a user's Giftoin collection challenges (all of them, or one), each with
//! its progress, cards owned or not, reward and time left.
//!
//! View models are shaped from the Giftoin model by plain functions (tested natively), then
//! rendered by the components below them.

use std::sync::Arc;

use leptos::prelude::*;

use leptos::callback::UnsyncCallback;

use super::events::ProgressEvents;
use super::polling::keep_fresh;
use super::remote::{load_on_change, Remote, RemoteStatus};
use super::sign_in::SignIn;
use super::styles::inline_styles;
use super::lean::condition;
use super::rows::{keyed_rows, rows, Row};
use super::{image_src, When};
use crate::client::{ProxyClient, ProxyUrl};
use crate::ProxyRoute;
use crate::widgets::countdown::Countdown;
use crate::widgets::qr::QrImage;
use crate::format::{self, Locale};
use crate::labels::{Label, LabelOverrides, Labels};
use crate::model::giftoin::{Card, CollectionReward, Program, ProgramStatus, Rarity, ViewType};

/// Whether a program should be listed at `now_ms`: Giftoin's `duration.start.showBefore` and
/// `duration.end.showAfter` hide a program before it starts or after it ends. Missing flags
/// show it.
///
/// ```
/// use progress_widgets::model::giftoin::{Duration, DurationStart, Program};
/// use progress_widgets::widgets::collection::is_visible;
/// let upcoming = Program {
///     duration: Some(Duration {
///         start: Some(DurationStart { date: Some(2_000), show_before: Some(false) }),
///         end: None,
///     }),
///     ..Default::default()
/// };
/// assert!(!is_visible(&upcoming, 1_000));
/// assert!(is_visible(&upcoming, 3_000));
/// ```
pub fn is_visible(program: &Program, now_ms: i64) -> bool {
    let Some(duration) = &program.duration else { return true };
    let hidden_before = duration
        .start
        .as_ref()
        .is_some_and(|s| s.show_before == Some(false) && s.date.is_some_and(|d| now_ms < d));
    let hidden_after =
        duration.end.as_ref().is_some_and(|e| e.show_after == Some(false) && e.date.is_some_and(|d| now_ms > d));
    !(hidden_before || hidden_after)
}

/// Cards collected and cards in the collection: upstream's counts, else counted from the cards.
///
/// ```
/// use progress_widgets::model::giftoin::{Card, Program};
/// use progress_widgets::widgets::collection::collected_of;
/// let owned = Card { is_owned: Some(true), ..Default::default() };
/// let program = Program { cards: vec![owned, Card::default()], ..Default::default() };
/// assert_eq!(collected_of(&program), (1.0, 2.0));
/// ```
pub fn collected_of(program: &Program) -> (f64, f64) {
    let collected = program.collected_count.unwrap_or_else(|| program.cards.iter().filter(|c| is_owned(c)).count() as f64);
    let size = program.size.unwrap_or(program.cards.len() as f64);
    (collected, size)
}

/// Completion as a fraction in 0..=1: `progressInPercentage`, else collected over size.
///
/// ```
/// use progress_widgets::model::giftoin::Program;
/// use progress_widgets::widgets::collection::completion;
/// assert_eq!(completion(&Program { progress_in_percentage: Some(30.0), ..Default::default() }), 0.3);
/// assert_eq!(completion(&Program { progress_in_percentage: Some(250.0), ..Default::default() }), 1.0);
/// ```
pub fn completion(program: &Program) -> f64 {
    let fraction = match program.progress_in_percentage {
        Some(percent) => percent / 100.0,
        None => match collected_of(program) {
            (collected, size) if size > 0.0 => collected / size,
            _ => 0.0,
        },
    };
    if fraction.is_finite() { fraction.clamp(0.0, 1.0) } else { 0.0 }
}

/// When a program ends, in ms since the epoch: `timeLeft` counted from now (it was measured when
/// the answer was made), else its end date.
///
/// ```
/// use progress_widgets::model::giftoin::Program;
/// use progress_widgets::widgets::collection::ends_at;
/// assert_eq!(ends_at(&Program { time_left: Some(5_000), ..Default::default() }, 1_000), Some(6_000));
/// assert_eq!(ends_at(&Program::default(), 1_000), None);
/// ```
pub fn ends_at(program: &Program, now_ms: i64) -> Option<i64> {
    let end = program.duration.as_ref().and_then(|d| d.end.as_ref()).and_then(|e| e.date);
    program.time_left.map(|left| now_ms + left).or(end)
}

/// A card's owned state: `isOwned`, else a positive quantity.
fn is_owned(card: &Card) -> bool {
    card.is_owned.unwrap_or_else(|| card.owned_quantity.is_some_and(|q| q > 0.0))
}

/// Where the reward stands, as a label.
///
/// ```
/// use progress_widgets::model::giftoin::CollectionReward;
/// use progress_widgets::widgets::collection::reward_state;
/// let ready = CollectionReward { can_claim: Some(true), ..Default::default() };
/// assert_eq!(reward_state(&ready, &Default::default(), &Default::default()), ("claimable", "Ready to claim".to_owned()));
/// ```
pub fn reward_state(reward: &CollectionReward, locale: &Locale, t: &Labels) -> (&'static str, String) {
    if reward.is_claimed == Some(true) {
        let text = match reward.claimed_timestamp.and_then(|ms| locale.millis_date(ms)) {
            Some(day) => t.fill(Label::ClaimedOn, &[("date", &day)]),
            None => t.get(Label::Claimed),
        };
        ("claimed", text)
    } else if reward.can_claim == Some(true) {
        ("claimable", t.get(Label::ReadyToClaim))
    } else {
        ("locked", t.get(Label::CollectToUnlock))
    }
}

/// A status in the widget's language; a status these tables do not know, as upstream wrote it.
fn status_label(status: &ProgramStatus, t: &Labels) -> String {
    let label = match status {
        ProgramStatus::InProgress => Label::InProgress,
        ProgramStatus::Completed => Label::Completed,
        ProgramStatus::NotStarted => Label::NotStarted,
        ProgramStatus::Ended => Label::Ended,
        ProgramStatus::Expired => Label::Expired,
        other => return other.label(),
    };
    t.get(label)
}

/// A rarity in the widget's language; one these tables do not know, as upstream wrote it.
fn rarity_label(rarity: &Rarity, t: &Labels) -> String {
    let label = match rarity {
        Rarity::Common => Label::Common,
        Rarity::Uncommon => Label::Uncommon,
        Rarity::Rare => Label::Rare,
        Rarity::Epic => Label::Epic,
        Rarity::Legendary => Label::Legendary,
        other => return other.label(),
    };
    t.get(label)
}

/// The CSS class for a status.
fn status_class(status: &ProgramStatus) -> String {
    let known = match status {
        ProgramStatus::Other(_) => "other",
        known => known.as_str(),
    };
    // A loop, not `str::replace`: that is an iterator chain of its own in the wasm.
    let mut class = "pw-status pw-status-".to_owned();
    for c in known.chars() {
        class.push(if c == '_' { '-' } else { c });
    }
    class
}

/// A user's collection challenges (or one, with `program_id`), fetched through the proxy.
///
/// ```no_run
/// use leptos::prelude::*;
/// use progress_widgets::client::ProxyUrl;
/// use progress_widgets::widgets::CollectionProgress;
///
/// let proxy = ProxyUrl::new("/progress-proxy").unwrap();
/// let view = view! {
///     <CollectionProgress proxy_url=proxy platform="discord" platform_user_id="123456789012345678" />
/// };
/// ```
#[component]
pub fn CollectionProgress(
    /// The proxy's base URL.
    #[prop(into)]
    proxy_url: Signal<ProxyUrl>,
    /// The platform, e.g. `discord` or `roblox`.
    #[prop(into, optional)]
    platform: MaybeProp<String>,
    /// The user's id on that platform; none (or empty) is the guest view: only the call to action
    /// to sign in.
    #[prop(into, optional)]
    platform_user_id: MaybeProp<String>,
    /// Show only this program.
    #[prop(into, optional)]
    program_id: MaybeProp<String>,
    /// Seconds between background refreshes; `0` turns them off. Default 60.
    #[prop(into, optional)]
    refresh: MaybeProp<u32>,
    /// Sent to the proxy as `Authorization: Bearer <token>`.
    #[prop(into, optional)]
    player_token: MaybeProp<String>,
    /// BCP 47 tag numbers and dates are written for; none writes `1,250` and `2026-11-21`.
    #[prop(into, optional)]
    locale: MaybeProp<String>,
    /// Replacements for any of the built-in labels, by name.
    #[prop(into, optional)]
    labels: MaybeProp<LabelOverrides>,
    /// Where the guest view's call to action leads; none makes it a button that only dispatches
    /// `progress-sign-in`.
    #[prop(into, optional)]
    sign_in_url: MaybeProp<String>,
    /// Called with the `progress-sign-in` event, after the page's listeners.
    #[prop(optional)]
    on_sign_in: Option<UnsyncCallback<web_sys::CustomEvent>>,
    /// Where to dispatch `progress-load` and `progress-error`.
    #[prop(optional)]
    events: Option<ProgressEvents>,
    /// Refreshes now whenever notified.
    #[prop(optional)]
    refresh_now: Option<Trigger>,
) -> impl IntoView {
    // Shared, not copied: the list memo and each row hold the programs the answer decoded.
    let programs = Remote::<Vec<Arc<Program>>>::new();
    let events = StoredValue::new_local(events);
    // No user: nothing to fetch (no program definition is public), only the call to action.
    let guest = condition(move || platform_user_id.with(|u| u.as_deref().is_none_or(|u| u.trim().is_empty())));

    let load = move || {
        if guest.get_untracked() {
            return;
        }
        let client = ProxyClient::new(proxy_url.get_untracked())
            .announcing(events.get_value())
            .with_player_token(player_token.get_untracked());
        let (platform, user, program) =
            (platform.get_untracked().unwrap_or_default(), platform_user_id.get_untracked().unwrap_or_default(), program_id.get_untracked());
        match program {
            Some(program_id) => {
                let route = ProxyRoute::GiftoinCollection { platform, platform_user_id: user, program_id };
                programs.request(client, route, |doc| Program::from_doc(doc).map(|program| vec![Arc::new(program)]));
            }
            None => {
                let route = ProxyRoute::GiftoinCollections { platform, platform_user_id: user };
                programs.request(client, route, |doc| Program::list_from_doc(doc).map(shared));
            }
        }
    };
    load_on_change(
        move || {
            proxy_url.track();
            player_token.track();
            platform.track();
            platform_user_id.track();
            program_id.track();
        },
        move || programs.clear(),
        load,
    );

    // Background refreshes keep what is shown (a failure only adds a notice).
    keep_fresh(refresh, refresh_now, load);

    let single = move || program_id.with(Option::is_some);
    let shown = Memo::new(move |previous| {
        let now = js_sys::Date::now() as i64;
        // A program asked for by id is shown whatever its display window says.
        let single = single();
        let mut rows = Vec::new();
        programs.data.with(|list| {
            for program in list.iter().flatten() {
                if single || is_visible(program, now) {
                    rows.push(Row::Program(program.clone()));
                }
            }
        });
        keyed_rows(rows, previous)
    });

    view! {
        <section class="pw pw-collections" part="collections" tabindex="-1">
            {inline_styles()}
            // A new locale rewrites every number and date: render the content again under it.
            {move || {
                let locale = Locale::new(locale.get());
                let t = Labels::new(&locale, labels.get().unwrap_or_default());
                let (sign_in_labels, no_collections) = (t.clone(), t.get(Label::NoCollections));
                view! {
                    <When when=move || guest.get()>
                        <SignIn url=sign_in_url on_sign_in labels=sign_in_labels.clone() />
                    </When>
                    <RemoteStatus
                        remote=programs.state()
                        retry=UnsyncCallback::new(move |_| load())
                        loading_label=Label::LoadingCollections
                        labels=t.clone()
                    />
                    <When when=move || programs.has_data() && shown.with(Vec::is_empty)>
                        <p class="pw-empty">{no_collections.clone()}</p>
                    </When>
                    <div class="pw-programs">
                        {rows(shown, t)}
                    </div>
                }
            }}
        </section>
    }
}

/// The programs of an answer, each shared from then on by the list memo and its row.
fn shared(list: Vec<Program>) -> Vec<Arc<Program>> {
    let mut shared = Vec::with_capacity(list.len());
    for program in list {
        shared.push(Arc::new(program));
    }
    shared
}

/// One collection challenge.
#[component]
pub(super) fn ProgramItem(program: Arc<Program>, labels: Labels) -> impl IntoView {
    let now = js_sys::Date::now() as i64;
    let t = labels;
    let locale = t.locale();
    let (collected, size) = collected_of(&program);
    let fraction = completion(&program);
    let end_at = ends_at(&program, now);
    let duration = program.duration.clone().unwrap_or_default();
    let starts = duration.start.and_then(|s| s.date).and_then(|ms| locale.millis_date(ms));
    let ends = duration.end.and_then(|e| e.date).and_then(|ms| locale.millis_date(ms));
    let window = crate::widgets::battlepass::date_range(starts, ends, &t, [Label::Until, Label::FromNoEnd]);
    // Each bar says whose it is and what it counts ("3 of 10 cards"), not just a percentage.
    let name = program.name.clone().unwrap_or_else(|| t.get(Label::Collection));
    let bar_label = t.fill(Label::CollectionProgress, &[("name", &name)]);
    let (collected_text, size_text) = (locale.number(collected), locale.number(size));
    let counts = [("n", collected_text.as_str()), ("size", size_text.as_str())];
    let bar_value = t.fill(t.plural(size, Label::CardsOfOne, Label::CardsOfOther), &counts);
    let mut cards = Vec::with_capacity(program.cards.len());
    for card in &program.cards {
        cards.push(card_item(card, &t));
    }
    view! {
        <article class="pw-program" part="program" data-program-id=program.id.clone()>
            <header class="pw-program-head">
                {program.image.as_deref().and_then(image_src).map(|src| view! {
                    <img class="pw-program-img" src=src alt="" loading="lazy" decoding="async" />
                })}
                <div class="pw-program-title">
                    <h2 class="pw-title">{name}</h2>
                    <p class="pw-meta">
                        {program.status.as_ref().map(|status| view! { <span class=status_class(status)>{status_label(status, &t)}</span> })}
                        {end_at.map(|end| view! { <Countdown end labels=t.clone() /> })}
                        {window.map(|w| view! { <span class="pw-dates">{w}</span> })}
                        {program.environment.clone().filter(|e| e != "production").map(|e| view! { <span class="pw-badge pw-env">{e}</span> })}
                    </p>
                </div>
            </header>
            {program.description.clone().map(|d| view! { <p class="pw-description">{d}</p> })}
            <div class="pw-collected">
                <div
                    class="pw-bar"
                    part="progress-bar"
                    role="progressbar"
                    aria-label=bar_label
                    aria-valuetext=bar_value
                    aria-valuemin="0"
                    aria-valuemax="100"
                    aria-valuenow=format::int(format::percent_value(fraction).into(), 1)
                >
                    <div class="pw-bar-fill" style:width=format::percent(fraction)></div>
                </div>
                <p class="pw-collected-line">
                    <span class="pw-percent">{format::percent(fraction)}</span>
                    <span class="pw-count">{t.fill(Label::Collected, &counts)}</span>
                    {program.created_timestamp.and_then(|ms| locale.millis_date(ms)).map(|day| view! { <span class="pw-created">{t.fill(Label::Created, &[("date", &day)])}</span> })}
                </p>
            </div>
            <ul class="pw-cards">
                {cards}
            </ul>
            {program.reward.as_ref().map(|reward| reward_panel(reward, &t))}
        </article>
    }
}

/// One card, owned or not. A function of the program's card, not a component that takes a copy
/// of it: the program stays shared, and no card is copied.
fn card_item(card: &Card, t: &Labels) -> impl IntoView {
    let owned = is_owned(card);
    let locale = t.locale();
    // The rarity is a frame in its colour and a label in words: never colour alone.
    let rarity = card.rarity.as_ref().map(|r| match r {
        Rarity::Other(_) => "other".to_owned(),
        known => known.as_str().to_owned(),
    });
    let frame = "pw-card pw-frame-".to_owned() + rarity.as_deref().unwrap_or("none");
    view! {
        <li class=frame class:pw-owned=owned part=if owned { "card owned" } else { "card" } data-card-id=card.id.clone()>
            {card.image.as_deref().and_then(image_src).map(|src| view! {
                <img class="pw-card-img" src=src alt="" loading="lazy" decoding="async" />
            })}
            <span class="pw-card-name">{card.name.clone().unwrap_or_else(|| t.get(Label::Card))}</span>
            <span class="pw-card-owned">
                {t.get(if owned { Label::Owned } else { Label::NotOwned })}
                // How many, as a badge on the card's corner.
                {card.owned_quantity.filter(|q| *q > 0.0).map(|q| view! { <span class="pw-qty">" ×" {locale.number(q)}</span> })}
            </span>
            {card.rarity.as_ref().map(|r| view! { <span class="pw-rarity">{rarity_label(r, t)}</span> })}
        </li>
    }
}

/// The collection's reward and whether it can be claimed (a function of the program's reward, like
/// [`card_item`]).
fn reward_panel(reward: &CollectionReward, t: &Labels) -> impl IntoView {
    let (state, label) = reward_state(reward, &t.locale(), t);
    // The value (a code, a link) is the reward itself: only shown once it is the user's.
    let value = reward.value.clone().filter(|_| state != "locked");
    // The proxy withholds values it cannot prove are the viewer's (no player token).
    let withheld = value.is_none() && state != "locked" && reward.value_withheld == Some(true);
    let qr = reward.view_type == Some(ViewType::Qr);
    let view_type = match &reward.view_type {
        Some(ViewType::Qr) => t.get(Label::QrCode),
        Some(ViewType::Link) => t.get(Label::Link),
        Some(ViewType::Text) | None => t.get(Label::Code),
        Some(other) => other.label(),
    };
    view! {
        <div class="pw-collection-reward pw-reward-".to_owned() + state part="reward" data-reward-id=reward.id.clone()>
            {reward.image.as_deref().and_then(image_src).map(|src| view! {
                <img class="pw-reward-img" src=src alt="" loading="lazy" decoding="async" />
            })}
            <div class="pw-reward-body">
                <p class="pw-reward-name">{reward.name.clone().unwrap_or_else(|| t.get(Label::Reward))}</p>
                {reward.description.clone().map(|d| view! { <p class="pw-reward-description">{d}</p> })}
                <p class="pw-reward-state">{label}</p>
                {value.map(|value| view! {
                    // A QR value is drawn to scan, and kept as text beside it to copy.
                    {qr.then(|| view! { <QrImage value=value.clone() /> })}
                    <p class="pw-reward-value">
                        {view_type + ": "}
                        <code>{value}</code>
                    </p>
                })}
                {withheld.then(|| view! { <p class="pw-reward-value pw-reward-withheld">{t.get(Label::SignInForCode)}</p> })}
            </div>
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::giftoin::{Duration, DurationEnd, DurationStart};

    fn windowed(start: i64, show_before: bool, end: Option<(i64, bool)>) -> Program {
        Program {
            duration: Some(Duration {
                start: Some(DurationStart { date: Some(start), show_before: Some(show_before) }),
                end: end.map(|(date, show_after)| DurationEnd { date: Some(date), show_after: Some(show_after) }),
            }),
            ..Default::default()
        }
    }

    #[test]
    fn display_window_flags_hide_programs_outside_it() {
        let program = windowed(100, false, Some((200, false)));
        assert!(!is_visible(&program, 50));
        assert!(is_visible(&program, 150));
        assert!(!is_visible(&program, 250));
        let lenient = windowed(100, true, Some((200, true)));
        assert!(is_visible(&lenient, 50) && is_visible(&lenient, 250));
        assert!(is_visible(&windowed(100, false, None), 1_000_000));
        assert!(is_visible(&Program::default(), 0));
    }

    #[test]
    fn completion_prefers_upstream_percentage_and_falls_back_to_counts() {
        let program = Program { collected_count: Some(3.0), size: Some(10.0), ..Default::default() };
        assert!((completion(&program) - 0.3).abs() < 1e-9);
        assert_eq!(completion(&Program { size: Some(0.0), ..Default::default() }), 0.0);
        assert_eq!(completion(&Program { progress_in_percentage: Some(-5.0), ..Default::default() }), 0.0);
    }

    #[test]
    fn owned_falls_back_to_quantity() {
        assert!(is_owned(&Card { owned_quantity: Some(2.0), ..Default::default() }));
        assert!(!is_owned(&Card { owned_quantity: Some(2.0), is_owned: Some(false), ..Default::default() }));
        assert!(!is_owned(&Card::default()));
    }

    #[test]
    fn the_end_is_the_end_date_without_time_left() {
        let program = windowed(0, true, Some((10_000_000, false)));
        assert_eq!(ends_at(&program, 5), Some(10_000_000));
        assert_eq!(ends_at(&windowed(0, true, None), 0), None);
    }

    #[test]
    fn reward_states_read_naturally() {
        let claimed = CollectionReward { is_claimed: Some(true), claimed_timestamp: Some(1644825600000), ..Default::default() };
        let locale = Locale::default();
        let t = Labels::default();
        assert_eq!(reward_state(&claimed, &locale, &t), ("claimed", "Claimed on 2022-02-14".to_owned()));
        assert_eq!(reward_state(&CollectionReward::default(), &locale, &t).0, "locked");
        let fr = Labels::new(&Locale(Some("fr".into())), Default::default());
        assert_eq!(reward_state(&claimed, &locale, &fr).1, "Réclamée le 2022-02-14");
    }

    #[test]
    fn unknown_statuses_get_a_generic_class_and_their_own_label() {
        assert_eq!(status_class(&ProgramStatus::InProgress), "pw-status pw-status-in-progress");
        assert_eq!(status_class(&ProgramStatus::Other("weird".into())), "pw-status pw-status-other");
    }
}
