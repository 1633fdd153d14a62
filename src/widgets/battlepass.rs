//! The battle-pass widget: a player's XP and level, the bar to the next level, the level track
//! with free and premium rewards, and the challenges.
//!
//! The file reads top to bottom: view models shaped from the Whalepass model by plain
//! functions (tested natively), then the components that render them.

use leptos::prelude::*;
use wasm_bindgen::JsCast;

use leptos::callback::UnsyncCallback;

use super::events::ProgressEvents;
use super::polling::keep_fresh;
use super::remote::{load_on_change, Remote, RemoteStatus};
use super::styles::inline_styles;
use super::{image_src, keyed};
use crate::client::{ProxyClient, ProxyUrl};
use crate::format::{self, Locale};
use crate::widgets::countdown::Countdown;
use crate::model::whalepass::{Battlepass, BattlepassProgress as Progress, Challenge, Level, PlayerProgress, Reward};

/// Where a level stands for the player.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum LevelState {
    /// Reached.
    Completed,
    /// The level the player is working towards.
    Current,
    /// Beyond the current one.
    Locked,
}

impl LevelState {
    /// The CSS part and class name.
    pub fn name(self) -> &'static str {
        match self {
            LevelState::Completed => "completed",
            LevelState::Current => "current",
            LevelState::Locked => "locked",
        }
    }
}

/// One level on the track.
///
/// ```
/// use progress_widgets::model::whalepass::{BattlepassProgress, Level};
/// use progress_widgets::widgets::battlepass::{level_track, LevelState};
/// let level = |n: f64| Level { level: Some(n), exp_required: Some(n * 100.0), ..Default::default() };
/// let progress = BattlepassProgress {
///     last_completed_level: Some(1.0),
///     levels: vec![level(3.0), level(1.0), level(2.0)],
///     ..Default::default()
/// };
/// let states: Vec<_> = level_track(&progress).iter().map(|step| (step.level.level, step.state)).collect();
/// assert_eq!(states, [
///     (Some(1.0), LevelState::Completed),
///     (Some(2.0), LevelState::Current),
///     (Some(3.0), LevelState::Locked),
/// ]);
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct LevelStep {
    /// The level as upstream sent it.
    pub level: Level,
    /// Where it stands.
    pub state: LevelState,
}

/// The player's XP against the level thresholds.
///
/// ```
/// use progress_widgets::model::whalepass::{BattlepassProgress, Level};
/// use progress_widgets::widgets::battlepass::xp_summary;
/// let level = |n: f64, xp: f64| Level { level: Some(n), exp_required: Some(xp), ..Default::default() };
/// let progress = BattlepassProgress {
///     current_exp: Some(150.0),
///     last_completed_level: Some(1.0),
///     levels: vec![level(1.0, 100.0), level(2.0, 200.0)],
///     ..Default::default()
/// };
/// let xp = xp_summary(&progress);
/// assert_eq!((xp.level, xp.next_level, xp.to_next), (1.0, Some(2.0), Some(50.0)));
/// assert_eq!(xp.fraction, 0.5);
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct XpSummary {
    /// XP earned.
    pub current_exp: f64,
    /// The highest level reached (0 when none).
    pub level: f64,
    /// The next level, unless every level is reached.
    pub next_level: Option<f64>,
    /// The next level's threshold.
    pub next_exp: Option<f64>,
    /// XP still needed for the next level.
    pub to_next: Option<f64>,
    /// How far the bar to the next level is filled, always within 0..=1.
    pub fraction: f64,
    /// Whether the player has reached the last level.
    pub all_reached: bool,
}

/// Levels sorted by number (levels may arrive unsorted; ones without a number go last, by
/// threshold), each with its state.
pub fn level_track(progress: &Progress) -> Vec<LevelStep> {
    let mut levels = progress.levels.clone();
    levels.sort_by(|a, b| {
        let key = |l: &Level| (l.level.is_none(), l.level.unwrap_or(0.0), l.exp_required.unwrap_or(0.0));
        key(a).partial_cmp(&key(b)).unwrap_or(std::cmp::Ordering::Equal)
    });
    let reached = reached_level(progress);
    let mut current_assigned = false;
    levels
        .into_iter()
        .map(|level| {
            let completed = level.completed.unwrap_or_else(|| level.level.is_some_and(|n| n <= reached));
            let state = if completed {
                LevelState::Completed
            } else if !current_assigned {
                current_assigned = true;
                LevelState::Current
            } else {
                LevelState::Locked
            };
            LevelStep { level, state }
        })
        .collect()
}

/// The highest level reached: `lastCompletedLevel`, else the highest level marked completed.
fn reached_level(progress: &Progress) -> f64 {
    progress.last_completed_level.unwrap_or_else(|| {
        progress
            .levels
            .iter()
            .filter(|l| l.completed == Some(true))
            .filter_map(|l| l.level)
            .fold(0.0, f64::max)
    })
}

/// XP, level and the bar to the next level.
///
/// Whether `expRequired` is cumulative or per level is undocumented. The maths assumes
/// cumulative thresholds (the bar spans from the reached level's threshold to the next one's)
/// and clamps, so per-level thresholds can never give a negative or overfull bar.
pub fn xp_summary(progress: &Progress) -> XpSummary {
    let track = level_track(progress);
    let current_exp = progress.current_exp.unwrap_or(0.0).max(0.0);
    let next = track.iter().position(|step| step.state == LevelState::Current);
    // The step just below the bar: the last one reached.
    let below = match next {
        Some(i) => i.checked_sub(1),
        None => track.len().checked_sub(1),
    };
    let level = below.and_then(|i| track[i].level.level).unwrap_or_else(|| reached_level(progress));
    let floor = below.filter(|_| next.is_some()).and_then(|i| track[i].level.exp_required).unwrap_or(0.0);
    let next_step = next.map(|i| &track[i].level);
    let next_exp = next_step.and_then(|l| l.exp_required);
    let all_reached = next.is_none() && !track.is_empty();
    let fraction = match next_exp {
        _ if all_reached => 1.0,
        None => 0.0,
        Some(ceiling) if ceiling > floor => (current_exp - floor) / (ceiling - floor),
        Some(ceiling) => f64::from(u8::from(current_exp >= ceiling)),
    };
    XpSummary {
        current_exp,
        level,
        next_level: next_step.and_then(|l| l.level),
        next_exp,
        to_next: next_exp.map(|ceiling| (ceiling - current_exp).max(0.0)),
        fraction: if fraction.is_finite() { fraction.clamp(0.0, 1.0) } else { 0.0 },
        all_reached,
    }
}

/// What a reward reads as: its name and, when more than one, how many.
///
/// ```
/// use progress_widgets::model::whalepass::Reward;
/// use progress_widgets::widgets::battlepass::reward_amount;
/// let reward = Reward { amount: Some(100.0), ..Default::default() };
/// let locale = Default::default();
/// assert_eq!(reward_amount(&reward, &locale).as_deref(), Some("×100"));
/// let fractional = Reward { amount: Some(1.0), amount_in_decimal: Some(1.5), ..Default::default() };
/// assert_eq!(reward_amount(&fractional, &locale).as_deref(), Some("×1.5"));
/// ```
pub fn reward_amount(reward: &Reward, locale: &Locale) -> Option<String> {
    // `amountInDecimal` carries fractions `amount` cannot; prefer it when it has one.
    let amount = match (reward.amount, reward.amount_in_decimal) {
        (_, Some(decimal)) if decimal.fract() != 0.0 => Some(decimal),
        (Some(amount), _) => Some(amount),
        (None, decimal) => decimal,
    }?;
    Some(format!("×{}", locale.number(amount)))
}

/// The battle pass's dates as one line: `2026-11-01 – 2026-12-31`, or `No end date`.
pub fn season_dates(battlepass: &Battlepass, locale: &Locale) -> Option<String> {
    if battlepass.no_time_limit == Some(true) {
        return Some("No end date".into());
    }
    let date = |d: &Option<String>| d.as_deref().and_then(|d| locale.iso_date(d));
    match (date(&battlepass.start_date), date(&battlepass.end_date)) {
        (Some(start), Some(end)) => Some(format!("{start} – {end}")),
        (None, Some(end)) => Some(format!("Ends {end}")),
        (Some(start), None) => Some(format!("Started {start}")),
        (None, None) => None,
    }
}

/// A player's battle-pass progress, fetched through the proxy.
///
/// ```no_run
/// use leptos::prelude::*;
/// use progress_widgets::client::ProxyUrl;
/// use progress_widgets::widgets::BattlepassProgress;
///
/// let proxy = ProxyUrl::new("/progress-proxy").unwrap();
/// let view = view! { <BattlepassProgress proxy_url=proxy player_id="p-42" game_id="g-1" /> };
/// ```
#[component]
pub fn BattlepassProgress(
    /// The proxy's base URL.
    #[prop(into)]
    proxy_url: Signal<ProxyUrl>,
    /// The game's own id for the player.
    #[prop(into)]
    player_id: Signal<String>,
    /// The Whalepass game id.
    #[prop(into)]
    game_id: Signal<String>,
    /// A specific (e.g. draft) battle pass instead of the game's active one.
    #[prop(into, optional)]
    battlepass_id: MaybeProp<String>,
    /// Seconds between background refreshes; `0` turns them off. Default 60.
    #[prop(into, optional)]
    refresh: MaybeProp<u32>,
    /// Sent to the proxy as `Authorization: Bearer <token>`.
    #[prop(into, optional)]
    player_token: MaybeProp<String>,
    /// BCP 47 tag numbers and dates are written for; none writes `1,250` and `2026-11-21`.
    #[prop(into, optional)]
    locale: MaybeProp<String>,
    /// Where to dispatch `progress-load` and `progress-error`.
    #[prop(optional)]
    events: Option<ProgressEvents>,
    /// Refreshes now whenever notified.
    #[prop(optional)]
    refresh_now: Option<Trigger>,
) -> impl IntoView {
    let progress = Remote::<PlayerProgress>::new();
    let season = Remote::<Battlepass>::new();
    let events = StoredValue::new_local(events);

    let load = move || {
        let client = ProxyClient::new(proxy_url.get_untracked())
            .announcing(events.get_value())
            .with_player_token(player_token.get_untracked());
        let (player, game, selected) = (player_id.get_untracked(), game_id.get_untracked(), battlepass_id.get_untracked());
        progress.load(move |abort| async move { client.player_progress(&player, &game, selected.as_deref(), &abort).await });
    };
    load_on_change(
        move || {
            proxy_url.track();
            player_token.track();
            player_id.track();
            game_id.track();
            battlepass_id.track();
        },
        move || {
            progress.clear();
            season.clear();
        },
        load,
    );

    // Background refreshes keep what is shown (a failure only adds a notice).
    keep_fresh(refresh, refresh_now, load);

    // The season's name and dates come from the battle pass definition, fetched once per id.
    let season_id = Memo::new(move |_| {
        progress
            .data
            .with(|p| p.as_ref()?.battlepass_progress.as_ref()?.battlepass_id.clone())
            .or_else(|| battlepass_id.get())
    });
    Effect::new(move |_| {
        if let Some(id) = season_id.get() {
            let client = ProxyClient::new(proxy_url.get_untracked()).with_player_token(player_token.get_untracked());
            season.load(move |abort| async move { client.battlepass(&id, &abort).await });
        }
    });

    let bp = move || progress.data.with(|p| p.as_ref().and_then(|p| p.battlepass_progress.clone()).unwrap_or_default());
    let xp = Memo::new(move |_| progress.has_data().then(|| xp_summary(&bp())));
    // What a screen reader hears: one line when the progress first shows, "Level 4 reached" when a
    // refresh brings a new level, and nothing for a refresh that changes nothing.
    let announcement = Memo::new(move |previous: Option<&(f64, String)>| {
        // No progress (loading, or another player's on the way): the next one gets a summary.
        let Some(xp) = xp.get() else { return (0.0, String::new()) };
        let locale = Locale::new(locale.get_untracked());
        let level = || "Level ".to_owned() + &locale.number(xp.level);
        let text = match previous {
            Some((before, text)) if !text.is_empty() && xp.level > *before => level() + " reached",
            Some((_, text)) if !text.is_empty() => text.clone(),
            _ => level() + ", " + &locale.number(xp.current_exp) + " XP",
        };
        (xp.level, text)
    });
    let track = Memo::new(move |previous| keyed(level_track(&bp()), |step| step.level.id.clone(), previous));
    let challenges = Memo::new(move |previous| keyed(bp().challenges, |c| c.id.clone(), previous));
    let is_empty = move || progress.has_data() && track.with(Vec::is_empty) && challenges.with(Vec::is_empty);

    // The current level is scrolled to the middle of the track once, when the track first shows
    // (at 390 px it would otherwise start off-screen); never again, so a player's own scrolling
    // is never undone by a refresh. Only the track scrolls, never the page.
    let levels_list = NodeRef::<leptos::html::Ol>::new();
    Effect::new(move |centred: Option<bool>| {
        if centred == Some(true) || track.with(Vec::is_empty) {
            return centred.unwrap_or(false);
        }
        let Some(list) = levels_list.get() else { return false };
        if let Some(current) = list.query_selector(".pw-current").ok().flatten() {
            // The list is the levels' offset parent (`position: relative` in the stylesheet).
            let current: web_sys::HtmlElement = current.unchecked_into();
            list.set_scroll_left(current.offset_left() - (list.client_width() - current.offset_width()) / 2);
        }
        true
    });

    view! {
        <section
            class="pw pw-battlepass"
            part="battlepass"
            tabindex="-1"
            data-battlepass-id=move || season_id.get()
        >
            {inline_styles()}
            // A new locale rewrites every number and date: render the content again under it.
            {move || {
                provide_context(Locale::new(locale.get()));
                view! {
                    <Header progress season />
                    <p class="pw-sr" role="status">{move || announcement.with(|(_, text)| text.clone())}</p>
                    <RemoteStatus
                        has_data=Signal::derive(move || progress.has_data())
                        loading=progress.loading
                        error=progress.error
                        retry=UnsyncCallback::new(move |_| load())
                        what="battle pass"
                    />
                    {move || xp.get().map(|xp| view! { <XpBar xp /> })}
                    <Show when=is_empty>
                        <p class="pw-empty">"No battle pass is running for this player yet."</p>
                    </Show>
                    <Show when=move || !track.with(Vec::is_empty)>
                        <h3 class="pw-subtitle">"Levels"</h3>
                        // It scrolls sideways: focusable, so the keyboard can scroll it too.
                        <ol class="pw-levels" tabindex="0" aria-label="Levels" node_ref=levels_list>
                            // Keyed by identity and content: a level that changes re-renders, the rest stay.
                            <For
                                each=move || track.get()
                                key=|(key, _)| key.clone()
                                let:((_, step))
                            >
                                <LevelItem step />
                            </For>
                        </ol>
                    </Show>
                    <Show when=move || !challenges.with(Vec::is_empty)>
                        <h3 class="pw-subtitle">"Challenges"</h3>
                        <ul class="pw-challenges">
                            <For
                                each=move || challenges.get()
                                key=|(key, _)| key.clone()
                                let:((_, challenge))
                            >
                                <ChallengeItem challenge />
                            </For>
                        </ul>
                    </Show>
                }
                .into_any()
            }}
        </section>
    }
}

/// The season name and dates, and who the progress belongs to.
#[component]
fn Header(progress: Remote<PlayerProgress>, season: Remote<Battlepass>) -> impl IntoView {
    let name = move || season.data.with(|s| s.as_ref().and_then(|s| s.name.clone())).unwrap_or_else(|| "Battle pass".into());
    let locale = expect_context::<Locale>();
    let dates = {
        let locale = locale.clone();
        move || season.data.with(|s| s.as_ref().and_then(|s| season_dates(s, &locale)))
    };
    let price = {
        let locale = locale.clone();
        move || season.data.with(|s| s.as_ref().and_then(|s| s.premium_price)).map(|p| format!("Premium {}", locale.number(p)))
    };
    let player = move || progress.data.with(|p| p.as_ref().and_then(|p| p.player.clone()));
    // The season's end, counted down live.
    let season_end = move || {
        season.data.with(|s| s.as_ref().filter(|s| s.no_time_limit != Some(true)).and_then(|s| s.end_date.as_deref().and_then(format::iso_millis)))
    };
    view! {
        <header class="pw-header" part="header">
            <h2 class="pw-title">{name}</h2>
            <p class="pw-meta">
                {move || dates().map(|d| view! { <span class="pw-dates">{d}</span> })}
                {move || season_end().map(|end| view! { <Countdown end /> })}
                {move || price().map(|p| view! { <span class="pw-price">{p}</span> })}
            </p>
            {move || player().map(|player| {
                let locale = locale.clone();
                let connected = player.account_connected == Some(true);
                view! {
                    <p class="pw-player">
                        {player.external_player_id.map(|id| view! { <span class="pw-player-id">"Player " {id}</span> })}
                        <span class="pw-account" class:pw-connected=connected>
                            {if connected { "Whalepass account connected" } else { "Whalepass account not connected" }}
                        </span>
                        {player.created_at.and_then(|at| locale.iso_date(&at)).map(|at| view! { <span class="pw-joined">"Joined " {at}</span> })}
                        {player.updated_at.and_then(|at| locale.iso_date(&at)).map(|at| view! { <span class="pw-updated">"Updated " {at}</span> })}
                    </p>
                }
            })}
        </header>
    }
}

/// Level, XP and the bar to the next level.
#[component]
fn XpBar(xp: XpSummary) -> impl IntoView {
    let locale = expect_context::<Locale>();
    let caption = match (xp.next_level, xp.to_next) {
        (Some(next), Some(to_next)) => format!("{} XP to level {}", locale.number(to_next), locale.number(next)),
        (Some(next), None) => format!("Next: level {}", locale.number(next)),
        (None, _) if xp.all_reached => "Every level reached".to_owned(),
        (None, _) => String::new(),
    };
    let percent = format::percent(xp.fraction);
    view! {
        <div class="pw-xp">
            <p class="pw-xp-line">
                <span class="pw-level-now">"Level " {locale.number(xp.level)}</span>
                <span class="pw-xp-total">{locale.number(xp.current_exp)} " XP"</span>
                <span class="pw-xp-next">{caption}</span>
            </p>
            <div
                class="pw-bar"
                part="xp-bar"
                role="progressbar"
                aria-label="Progress to the next level"
                aria-valuemin="0"
                aria-valuemax="100"
                aria-valuenow=format::percent_value(xp.fraction).to_string()
            >
                <div class="pw-bar-fill" style:width=percent></div>
            </div>
        </div>
    }
}

/// One level with its free and premium rewards.
#[component]
fn LevelItem(step: LevelStep) -> impl IntoView {
    let LevelStep { level, state } = step;
    let locale = expect_context::<Locale>();
    let number = level.level.map(|n| locale.number(n)).unwrap_or_else(|| "?".into());
    let inactive = level.active == Some(false);
    view! {
        <li
            class=format!("pw-level pw-{}", state.name())
            class:pw-inactive=inactive
            part=format!("level {}", state.name())
            data-level-id=level.id
        >
            <div class="pw-level-head">
                <span class="pw-level-number">"Level " {number}</span>
                {level.exp_required.map(|xp| view! { <span class="pw-level-xp">{locale.number(xp)} " XP"</span> })}
                <span class="pw-level-state">
                    {match state {
                        LevelState::Completed => "✓ Completed",
                        LevelState::Current => "In progress",
                        LevelState::Locked => "Locked",
                    }}
                </span>
            </div>
            <RewardList title="Free" class="pw-free" rewards=level.free_tier_rewards />
            <RewardList title="Premium" class="pw-premium" rewards=level.premium_tier_rewards />
        </li>
    }
}

/// A challenge with its dates and rewards.
#[component]
fn ChallengeItem(challenge: Challenge) -> impl IntoView {
    let completed = challenge.completed == Some(true);
    let premium = challenge.premium == Some(true);
    let locale = expect_context::<Locale>();
    let date = |d: &Option<String>| d.as_deref().and_then(|d| locale.iso_date(d));
    let dates = match (date(&challenge.start_date), date(&challenge.end_date)) {
        (Some(start), Some(end)) => Some(format!("{start} – {end}")),
        (None, Some(end)) => Some(format!("Until {end}")),
        (Some(start), None) => Some(format!("From {start}")),
        (None, None) => None,
    };
    view! {
        <li class="pw-challenge" class:pw-completed=completed part="challenge" data-challenge-id=challenge.id.clone()>
            <div class="pw-challenge-head">
                <span class="pw-check" aria-hidden="true">{if completed { "✓" } else { "○" }}</span>
                <span class="pw-challenge-name">{challenge.name.unwrap_or_else(|| "Challenge".into())}</span>
                {premium.then(|| view! { <span class="pw-badge pw-premium-badge">"Premium"</span> })}
                {(challenge.active == Some(false)).then(|| view! { <span class="pw-badge">"Inactive"</span> })}
                <span class="pw-sr">{if completed { "Completed" } else { "Not completed" }}</span>
            </div>
            {dates.map(|d| view! { <p class="pw-challenge-dates">{d}</p> })}
            <RewardList title="Rewards" class="pw-challenge-rewards" rewards=challenge.rewards />
        </li>
    }
}

/// A titled row of rewards; nothing when there are none.
#[component]
fn RewardList(title: &'static str, class: &'static str, rewards: Vec<Reward>) -> impl IntoView {
    (!rewards.is_empty()).then(|| {
        view! {
            <div class=format!("pw-rewards {class}")>
                <span class="pw-rewards-title">{title}</span>
                <ul class="pw-reward-list">
                    {rewards.into_iter().map(|reward| view! { <RewardItem reward /> }).collect_view()}
                </ul>
            </div>
        }
    })
}

/// One reward: image, name, amount.
#[component]
fn RewardItem(reward: Reward) -> impl IntoView {
    let amount = reward_amount(&reward, &expect_context::<Locale>());
    view! {
        <li class="pw-reward" part="reward" data-reward-id=reward.id.clone()>
            {reward.media_url.as_deref().and_then(image_src).map(|src| view! {
                <img class="pw-reward-img" src=src alt="" loading="lazy" decoding="async" />
            })}
            <span class="pw-reward-name">{reward.name.unwrap_or_else(|| "Reward".into())}</span>
            {amount.map(|a| view! { <span class="pw-reward-amount">{a}</span> })}
        </li>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn level(n: f64, xp: f64, completed: Option<bool>) -> Level {
        Level { id: Some(format!("l{n}")), level: Some(n), exp_required: Some(xp), completed, ..Default::default() }
    }

    fn progress(exp: f64, last: Option<f64>, levels: Vec<Level>) -> Progress {
        Progress { current_exp: Some(exp), last_completed_level: last, levels, ..Default::default() }
    }

    #[test]
    fn unsorted_levels_are_sorted_by_number_and_unnumbered_go_last() {
        let mut unnumbered = level(0.0, 50.0, None);
        unnumbered.level = None;
        let p = progress(0.0, None, vec![level(3.0, 300.0, None), unnumbered, level(1.0, 100.0, None), level(2.0, 200.0, None)]);
        let numbers: Vec<_> = level_track(&p).iter().map(|s| s.level.level).collect();
        assert_eq!(numbers, [Some(1.0), Some(2.0), Some(3.0), None]);
    }

    #[test]
    fn cumulative_thresholds_give_the_bar_between_reached_and_next_level() {
        let p = progress(
            1250.0,
            Some(5.0),
            (1..=10).map(|n| level(f64::from(n), [100., 250., 450., 700., 1000., 1400., 1900., 2500., 3200., 4000.][n as usize - 1], None)).collect(),
        );
        let xp = xp_summary(&p);
        assert_eq!((xp.level, xp.next_level, xp.next_exp, xp.to_next), (5.0, Some(6.0), Some(1400.0), Some(150.0)));
        assert!((xp.fraction - 250.0 / 400.0).abs() < 1e-9);
        let states: Vec<_> = level_track(&p).iter().map(|s| s.state).collect();
        assert_eq!(&states[4..7], [LevelState::Completed, LevelState::Current, LevelState::Locked]);
    }

    #[test]
    fn per_level_thresholds_never_give_a_negative_or_overfull_bar() {
        // If expRequired is per level (100 each), XP 250 at level 2 must still stay within 0..=1.
        let p = progress(250.0, Some(2.0), (1..=4).map(|n| level(f64::from(n), 100.0, None)).collect());
        let xp = xp_summary(&p);
        assert!((0.0..=1.0).contains(&xp.fraction), "{xp:?}");
        assert_eq!(xp.to_next, Some(0.0));
        let low = progress(10.0, Some(2.0), vec![level(1.0, 300.0, None), level(2.0, 200.0, None), level(3.0, 100.0, None)]);
        assert!((0.0..=1.0).contains(&xp_summary(&low).fraction));
    }

    #[test]
    fn completed_flags_drive_state_when_last_completed_level_is_missing() {
        let p = progress(120.0, None, vec![level(1.0, 100.0, Some(true)), level(2.0, 200.0, Some(false))]);
        let xp = xp_summary(&p);
        assert_eq!((xp.level, xp.next_level), (1.0, Some(2.0)));
        assert!((xp.fraction - 0.2).abs() < 1e-9);
    }

    #[test]
    fn every_level_reached_fills_the_bar() {
        let p = progress(500.0, Some(2.0), vec![level(1.0, 100.0, None), level(2.0, 200.0, None)]);
        let xp = xp_summary(&p);
        assert_eq!((xp.level, xp.next_level, xp.to_next, xp.fraction, xp.all_reached), (2.0, None, None, 1.0, true));
    }

    #[test]
    fn no_levels_and_no_xp_is_level_zero_with_an_empty_bar() {
        let xp = xp_summary(&Progress::default());
        assert_eq!((xp.level, xp.current_exp, xp.next_level, xp.all_reached), (0.0, 0.0, None, false));
        assert_eq!(xp.fraction, 0.0);
        let fresh = progress(0.0, Some(0.0), vec![level(1.0, 100.0, None)]);
        assert_eq!(xp_summary(&fresh).fraction, 0.0);
    }

    #[test]
    fn season_dates_read_naturally() {
        let mut bp = Battlepass {
            start_date: Some("2026-11-01T00:00:00.000Z".into()),
            end_date: Some("2026-12-31T23:59:59.000Z".into()),
            ..Default::default()
        };
        let locale = Locale::default();
        assert_eq!(season_dates(&bp, &locale).as_deref(), Some("2026-11-01 – 2026-12-31"));
        bp.no_time_limit = Some(true);
        assert_eq!(season_dates(&bp, &locale).as_deref(), Some("No end date"));
    }
}
