//! The battle-pass widget: a player's XP and level, the bar to the next level, the level track
//! with free and premium rewards, and the challenges.
//!
//! The file reads top to bottom: view models shaped from the Whalepass model by plain
//! functions (tested natively), then the components that render them.

use std::sync::atomic::{AtomicU64, Ordering};
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
use super::{effect, image_src, sort_positions, Key, When};
use crate::client::{ProxyClient, ProxyUrl};
use crate::ProxyRoute;
use crate::format::{self, Locale};
use crate::labels::{Label, LabelOverrides, Labels};
use crate::widgets::countdown::Countdown;
use crate::widgets::track::track_shown;
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
    /// The season as everyone sees it (the guest view): no player, so no state.
    Preview,
}

impl LevelState {
    /// The CSS part and class name.
    pub fn name(self) -> &'static str {
        match self {
            LevelState::Completed => "completed",
            LevelState::Current => "current",
            LevelState::Locked => "locked",
            LevelState::Preview => "preview",
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
    let reached = reached_level(progress);
    let mut current_assigned = false;
    // Loops, not iterator chains, here and below: each adapter is code of its own in the wasm.
    let mut steps = Vec::with_capacity(progress.levels.len());
    for level in sorted(&progress.levels) {
        let completed = level.completed.unwrap_or_else(|| level.level.is_some_and(|n| n <= reached));
        let state = if completed {
            LevelState::Completed
        } else if !current_assigned {
            current_assigned = true;
            LevelState::Current
        } else {
            LevelState::Locked
        };
        steps.push(LevelStep { level, state });
    }
    steps
}

/// A season's tiers as everyone sees them (the guest view): sorted like [`level_track`], with no
/// player state, whatever `completed` says.
///
/// ```
/// use progress_widgets::model::whalepass::Level;
/// use progress_widgets::widgets::battlepass::{season_track, LevelState};
/// let level = |n: f64| Level { level: Some(n), completed: Some(true), ..Default::default() };
/// let track = season_track(&[level(2.0), level(1.0)]);
/// assert_eq!(track.iter().map(|s| (s.level.level, s.state)).collect::<Vec<_>>(),
///            [(Some(1.0), LevelState::Preview), (Some(2.0), LevelState::Preview)]);
/// ```
pub fn season_track(levels: &[Level]) -> Vec<LevelStep> {
    let mut steps = Vec::with_capacity(levels.len());
    for level in sorted(levels) {
        steps.push(LevelStep { level, state: LevelState::Preview });
    }
    steps
}

fn sorted(levels: &[Level]) -> Vec<Level> {
    let key = |l: &Level| (l.level.is_none(), l.level.unwrap_or(0.0), l.exp_required.unwrap_or(0.0));
    let mut order = Vec::with_capacity(levels.len());
    for i in 0..levels.len() {
        order.push(i);
    }
    sort_positions(&mut order, &|a, b| key(&levels[a]).partial_cmp(&key(&levels[b])).unwrap_or(std::cmp::Ordering::Equal));
    let mut out = Vec::with_capacity(order.len());
    for i in order {
        out.push(levels[i].clone());
    }
    out
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
    Some("×".to_owned() + &locale.number(amount))
}

/// The next reward the player will get: the first reward of the first level not reached yet
/// (free before premium), with that level's number and whether it is a premium reward.
///
/// ```
/// use progress_widgets::model::whalepass::{BattlepassProgress, Level, Reward};
/// use progress_widgets::widgets::battlepass::{level_track, next_reward};
/// let reward = |name: &str| Reward { name: Some(name.into()), ..Default::default() };
/// let progress = BattlepassProgress {
///     last_completed_level: Some(1.0),
///     levels: vec![
///         Level { level: Some(1.0), free_tier_rewards: vec![reward("Coins")], ..Default::default() },
///         Level { level: Some(2.0), premium_tier_rewards: vec![reward("Skin")], ..Default::default() },
///     ],
///     ..Default::default()
/// };
/// let track = level_track(&progress);
/// let next = next_reward(&track).unwrap();
/// assert_eq!((next.level, next.reward.name.as_deref(), next.premium), (Some(2.0), Some("Skin"), true));
/// ```
pub fn next_reward<'a>(track: impl IntoIterator<Item = &'a LevelStep>) -> Option<NextReward> {
    track.into_iter().filter(|step| step.state != LevelState::Completed).find_map(|step| {
        let free = step.level.free_tier_rewards.first().map(|r| (r, false));
        let (reward, premium) = free.or_else(|| step.level.premium_tier_rewards.first().map(|r| (r, true)))?;
        Some(NextReward { level: step.level.level, reward: reward.clone(), premium })
    })
}

/// The reward [`next_reward`] found.
#[derive(Debug, Clone, PartialEq)]
pub struct NextReward {
    /// The level that grants it.
    pub level: Option<f64>,
    /// The reward.
    pub reward: Reward,
    /// Whether it is on the premium track.
    pub premium: bool,
}

/// How a challenge stands, for grouping: the order here is the order shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ChallengeState {
    /// Running and not completed.
    InProgress,
    /// Starts later.
    Upcoming,
    /// Completed by the player.
    Completed,
    /// Over (ended or switched off) without being completed.
    Ended,
}

impl ChallengeState {
    /// Every state, in the order the groups are shown.
    pub const ALL: [ChallengeState; 4] =
        [ChallengeState::InProgress, ChallengeState::Upcoming, ChallengeState::Completed, ChallengeState::Ended];

    /// The group's heading.
    pub fn title(self) -> Label {
        match self {
            ChallengeState::InProgress => Label::InProgress,
            ChallengeState::Upcoming => Label::Upcoming,
            ChallengeState::Completed => Label::Completed,
            ChallengeState::Ended => Label::Ended,
        }
    }
}

/// Where a challenge stands at `now_ms` (dates the browser cannot read count as absent).
///
/// ```
/// use progress_widgets::model::whalepass::Challenge;
/// use progress_widgets::widgets::battlepass::{challenge_state, ChallengeState};
/// let done = Challenge { completed: Some(true), ..Default::default() };
/// assert_eq!(challenge_state(&done, 0, |_| None), ChallengeState::Completed);
/// let off = Challenge { active: Some(false), ..Default::default() };
/// assert_eq!(challenge_state(&off, 0, |_| None), ChallengeState::Ended);
/// let later = Challenge { start_date: Some("later".into()), ..Default::default() };
/// assert_eq!(challenge_state(&later, 0, |_| Some(5)), ChallengeState::Upcoming);
/// ```
pub fn challenge_state(challenge: &Challenge, now_ms: i64, millis: impl Fn(&str) -> Option<i64>) -> ChallengeState {
    let at = |d: &Option<String>| d.as_deref().and_then(&millis);
    if challenge.completed == Some(true) {
        ChallengeState::Completed
    } else if challenge.active == Some(false) || at(&challenge.end_date).is_some_and(|end| end <= now_ms) {
        ChallengeState::Ended
    } else if at(&challenge.start_date).is_some_and(|start| start > now_ms) {
        ChallengeState::Upcoming
    } else {
        ChallengeState::InProgress
    }
}

/// The battle pass's dates as one line: `2026-11-01 – 2026-12-31`, or `No end date`.
///
/// ```
/// use progress_widgets::model::whalepass::Battlepass;
/// use progress_widgets::widgets::battlepass::season_dates;
/// let season = Battlepass { end_date: Some("2026-12-31T00:00:00Z".into()), ..Default::default() };
/// assert_eq!(season_dates(&season, &Default::default(), &Default::default()).as_deref(), Some("Ends 2026-12-31"));
/// ```
pub fn season_dates(battlepass: &Battlepass, locale: &Locale, t: &Labels) -> Option<String> {
    if battlepass.no_time_limit == Some(true) {
        return Some(t.get(Label::NoEndDate));
    }
    let date = |d: &Option<String>| d.as_deref().and_then(|d| locale.iso_date(d));
    date_range(date(&battlepass.start_date), date(&battlepass.end_date), t, [Label::Ends, Label::Started])
}

/// `start – end`, or one of them with the label that says which (`[end only, start only]`).
pub(crate) fn date_range(start: Option<String>, end: Option<String>, t: &Labels, alone: [Label; 2]) -> Option<String> {
    Some(match (start, end) {
        (Some(start), Some(end)) => t.fill(Label::DateRange, &[("start", &start), ("end", &end)]),
        (None, Some(end)) => t.fill(alone[0], &[("date", &end)]),
        (Some(start), None) => t.fill(alone[1], &[("date", &start)]),
        (None, None) => return None,
    })
}

/// A player's battle-pass progress, fetched through the proxy; with no player, the guest view:
/// the season `battlepass_id` names as everyone sees it (its name, countdown and every tier's
/// rewards) and a call to action to sign in.
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
    /// The game's own id for the player; none (or empty) is the guest view. Setting it later
    /// (after the page's own sign-in) turns the guest view into the player's, keeping the season.
    #[prop(into, optional)]
    player_id: MaybeProp<String>,
    /// The Whalepass game id (required with a player).
    #[prop(into, optional)]
    game_id: MaybeProp<String>,
    /// A specific (e.g. draft) battle pass instead of the game's active one; the season the guest
    /// view shows.
    #[prop(into, optional)]
    battlepass_id: MaybeProp<String>,
    /// Where the guest view's call to action leads; none makes it a button that only dispatches
    /// `progress-sign-in`.
    #[prop(into, optional)]
    sign_in_url: MaybeProp<String>,
    /// Called with the `progress-sign-in` event, after the page's listeners; calling
    /// `preventDefault()` on it keeps the page where it is.
    #[prop(optional)]
    on_sign_in: Option<UnsyncCallback<web_sys::CustomEvent>>,
    /// Seconds between background refreshes; `0` turns them off. Default 60.
    #[prop(into, optional)]
    refresh: MaybeProp<u32>,
    /// Sent to the proxy as `Authorization: Bearer <token>`.
    #[prop(into, optional)]
    player_token: MaybeProp<String>,
    /// BCP 47 tag numbers and dates are written for; none writes `1,250` and `2026-11-21`. Its
    /// language picks the labels (English, French, German).
    #[prop(into, optional)]
    locale: MaybeProp<String>,
    /// Replacements for any of the built-in labels, by name.
    #[prop(into, optional)]
    labels: MaybeProp<LabelOverrides>,
    /// The compact layout, for sidebars: the season, the XP bar, the level and the next reward,
    /// without the track and the challenges.
    #[prop(into, optional)]
    compact: MaybeProp<bool>,
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
    let guest = condition(move || player_id.with(|p| p.as_deref().is_none_or(|p| p.trim().is_empty())));
    // The season held (or on its way), and whether with its tiers: what is already there is never
    // asked for again (a guest who signs in keeps the season on screen).
    let season_held = StoredValue::new(None::<(String, bool)>);
    let load_season = move |id: String| {
        let levels = guest.get_untracked();
        let mut client = ProxyClient::new(proxy_url.get_untracked()).with_player_token(player_token.get_untracked());
        // The guest view's loads are its `progress-load` / `progress-error` (detail: the season).
        if levels {
            client = client.announcing(events.get_value());
        }
        season_held.set_value(Some((id.clone(), levels)));
        season.request(client, ProxyRoute::WhalepassBattlepass { battlepass_id: id, include_levels: levels }, Battlepass::from_doc);
    };

    let load = move || {
        if guest.get_untracked() {
            if let Some(id) = battlepass_id.get_untracked() {
                load_season(id);
            }
            return;
        }
        let client = ProxyClient::new(proxy_url.get_untracked())
            .announcing(events.get_value())
            .with_player_token(player_token.get_untracked());
        let (player, game, selected) =
            (player_id.get_untracked().unwrap_or_default(), game_id.get_untracked().unwrap_or_default(), battlepass_id.get_untracked());
        let route = ProxyRoute::WhalepassProgress { player_id: player, game_id: game, battlepass_id: selected };
        progress.request(client, route, PlayerProgress::from_doc);
    };
    // The season is someone else's only when the proxy or the battle pass changes; a player
    // signing in (or out) keeps it.
    let season_source = StoredValue::new((proxy_url.get_untracked(), battlepass_id.get_untracked()));
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
            let source = (proxy_url.get_untracked(), battlepass_id.get_untracked());
            if season_source.get_value() != source {
                season_source.set_value(source);
                season.clear();
                season_held.set_value(None);
            }
        },
        load,
    );

    // Background refreshes keep what is shown (a failure only adds a notice).
    keep_fresh(refresh, refresh_now, load);

    // The season's name and dates come from the battle pass definition, fetched once per id (the
    // guest view's with its tiers).
    let season_id = Memo::new(move |_| {
        progress
            .data
            .with(|p| p.as_ref()?.battlepass_progress.as_ref()?.battlepass_id.clone())
            .or_else(|| battlepass_id.get())
    });
    effect(move || {
        let Some(id) = season_id.get() else { return };
        let levels = guest.get();
        match season_held.get_value() {
            Some((held, with_levels)) if held == id && (with_levels || !levels) => {}
            held => {
                // Another season: its name must not show over this one's progress meanwhile.
                if held.is_some_and(|(held, _)| held != id) {
                    season.clear();
                }
                load_season(id);
            }
        }
    });

    let xp = Memo::new(move |_| {
        let mut xp = None;
        read_progress(progress, &mut |bp| xp = progress.has_data().then(|| xp_summary(bp)));
        xp
    });
    // What a screen reader hears: one line when the progress first shows, "Level 4 reached" when a
    // refresh brings a new level, and nothing for a refresh that changes nothing.
    // The level last announced sits beside the memo, not in its value: a memo of text alone is
    // of a type the widgets already have (one copy of the memo's code in the wasm, not two).
    let announced = AtomicU64::new(0);
    let announcement = Memo::new(move |previous: Option<&Option<String>>| {
        // No progress (loading, or another player's on the way): the next one gets a summary.
        let xp = xp.get()?;
        let before = f64::from_bits(announced.swap(xp.level.to_bits(), Ordering::Relaxed));
        let locale = Locale::new(locale.get_untracked());
        let t = Labels::new(&locale, labels.get_untracked().unwrap_or_default());
        let level = locale.number(xp.level);
        Some(match previous {
            Some(Some(_)) if xp.level > before => t.fill(Label::LevelReached, &[("level", &level)]),
            Some(Some(text)) => text.clone(),
            _ => t.fill(Label::Summary, &[("level", &level), ("xp", &locale.number(xp.current_exp))]),
        })
    });
    // The player's track; until their progress is there (the guest view, or a guest who just
    // signed in), the season's tiers as everyone sees them.
    let track = Memo::new(move |previous| {
        let steps = match progress.has_data() {
            true => {
                let mut steps = Vec::new();
                read_progress(progress, &mut |bp| steps = level_track(bp));
                steps
            }
            false => season.data.with(|s| s.as_ref().map(|s| season_track(&s.levels)).unwrap_or_default()),
        };
        let mut rows = Vec::with_capacity(steps.len());
        for step in steps {
            rows.push(Row::Level(Arc::new(step)));
        }
        keyed_rows(rows, previous)
    });
    // Each challenge with its state now; every group below keys its own list from this.
    // Keyed like the groups' lists, though only they key by it: a memo of the same type as
    // theirs is compiled once.
    let challenges = Memo::new(move |previous| {
        let now = js_sys::Date::now() as i64;
        let mut rows = Vec::new();
        read_progress(progress, &mut |bp| {
            for c in &bp.challenges {
                rows.push(Row::Challenge(challenge_state(c, now, format::iso_millis), Arc::new(c.clone())));
            }
        });
        keyed_rows(rows, previous)
    });
    let is_empty = move || progress.has_data() && track.with(Vec::is_empty) && challenges.with(Vec::is_empty);
    let compact = move || compact.get() == Some(true);
    // Only the compact layout shows the next reward: the full one does not look for it. No memo
    // of its own: a refresh that changes the track renders the line again, and the rebuild
    // touches only the nodes whose text changed.
    let next = move || {
        (compact() && progress.has_data()).then(|| track.with(|t| next_reward(t.iter().filter_map(|(_, row)| match row {
            Row::Level(step) => Some(&**step),
            _ => None,
        })))).flatten()
    };

    // The current level is scrolled to the middle of the track once, when the track first shows
    // (at 390 px it would otherwise start off-screen); never again, so a player's own scrolling
    // is never undone by a refresh. Only the track scrolls, never the page.
    let levels_list = NodeRef::<leptos::html::Ol>::new();
    let mut centred = false;
    effect(move || {
        let shown = !track.with(Vec::is_empty);
        let Some(list) = levels_list.get() else { return };
        track_shown(&list, shown && !centred);
        centred |= shown;
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
                let locale = Locale::new(locale.get());
                let t = Labels::new(&locale, labels.get().unwrap_or_default());
                let [no_battle_pass, levels, free, premium, challenges_title, earlier, later] = [
                    Label::NoBattlePass,
                    Label::Levels,
                    Label::Free,
                    Label::Premium,
                    Label::Challenges,
                    Label::EarlierLevels,
                    Label::LaterLevels,
                ]
                .map(|l| t.get(l));
                // Every part that renders again on its own keeps its own copy of the words.
                let (status_t, sign_in_t, xp_t, next_t, track_t, groups_t) = (t.clone(), t.clone(), t.clone(), t.clone(), t.clone(), t.clone());
                view! {
                    <Header progress season labels=t />
                    <p class="pw-sr" role="status">{move || announcement.get().unwrap_or_default()}</p>
                    // The guest view's state is the season's; the player's, their progress's.
                    {move || {
                        let remote = if guest.get() { season.state() } else { progress.state() };
                        view! { <RemoteStatus remote retry=UnsyncCallback::new(move |_| load()) loading_label=Label::LoadingBattlePass labels=status_t.clone() /> }
                    }}
                    <When when=move || guest.get()>
                        <SignIn url=sign_in_url on_sign_in labels=sign_in_t.clone() />
                    </When>
                    {move || xp.get().map(|xp| view! { <XpBar xp labels=xp_t.clone() /> })}
                    {move || next().map(|next| view! { <NextRewardLine next labels=next_t.clone() /> })}
                    <When when=is_empty>
                        <p class="pw-empty">{no_battle_pass.clone()}</p>
                    </When>
                    <When when=move || !compact() && !track.with(Vec::is_empty)>
                        <div class="pw-track" part="track">
                            <div class="pw-track-head">
                                <h3 class="pw-subtitle">{levels.clone()}</h3>
                                {page_button(earlier.clone(), "‹")}
                                {page_button(later.clone(), "›")}
                            </div>
                            // It scrolls sideways: focusable, so the keyboard can scroll it too
                            // (arrows by the browser; Home, End, Page Up and Page Down here).
                            <ol
                                class="pw-levels"
                                tabindex="0"
                                aria-label=levels.clone()
                                node_ref=levels_list
                            >
                                // The rows' names, pinned to the start while the track scrolls; each
                                // tile names its own row for screen readers.
                                <li class="pw-track-legend" aria-hidden="true">
                                    <span class="pw-legend-free">{free.clone()}</span>
                                    <span class="pw-legend-premium">{premium.clone()}</span>
                                </li>
                                {rows(track, track_t.clone())}
                            </ol>
                        </div>
                    </When>
                    <When when=move || !compact() && !challenges.with(Vec::is_empty)>
                        <div class="pw-challenge-groups">
                            <h3 class="pw-subtitle">{challenges_title.clone()}</h3>
                            {ChallengeState::ALL.map(|state| view! { <ChallengeGroup state challenges labels=groups_t.clone() /> })}
                        </div>
                    </When>
                }
            }}
        </section>
    }
}

/// A button that pages the level track (`track_shown` makes it work): it starts disabled, until
/// the track is measured.
fn page_button(label: String, text: &'static str) -> impl IntoView {
    view! { <button class="pw-page" part="page-button" aria-label=label aria-disabled="true">{text}</button> }
}

/// Reads the player's battle-pass progress where it is (empty until there): a copy of it all, to
/// read a part, was code of its own in the wasm.
fn read_progress(progress: Remote<PlayerProgress>, read: &mut dyn FnMut(&Progress)) {
    progress.data.with(|p| match p.as_ref().and_then(|p| p.battlepass_progress.as_ref()) {
        Some(bp) => read(bp),
        None => read(&Progress::default()),
    })
}

/// One group of challenges (say, the ones in progress) under its heading; nothing when empty.
#[component]
fn ChallengeGroup(state: ChallengeState, challenges: Memo<Vec<(Key, Row)>>, labels: Labels) -> impl IntoView {
    let title = labels.get(state.title());
    let items = Memo::new(move |previous| {
        let mut mine = Vec::new();
        challenges.with(|all| {
            for (_, row) in all {
                if matches!(row, Row::Challenge(s, _) if *s == state) {
                    mine.push(row.clone());
                }
            }
        });
        keyed_rows(mine, previous)
    });
    view! {
        <When when=move || !items.with(Vec::is_empty)>
            <h4 class="pw-group-title">{title.clone()}</h4>
            <ul class="pw-challenges">
                {rows(items, labels.clone())}
            </ul>
        </When>
    }
}

/// The season name and dates, and who the progress belongs to.
#[component]
fn Header(progress: Remote<PlayerProgress>, season: Remote<Battlepass>, labels: Labels) -> impl IntoView {
    // Each closure keeps only the words (one pointer), and asks them for the locale when it runs.
    let t = labels;
    let name = {
        let t = t.clone();
        move || season.data.with(|s| s.as_ref().and_then(|s| s.name.clone())).unwrap_or_else(|| t.get(Label::BattlePass))
    };
    let dates = {
        let t = t.clone();
        move || season.data.with(|s| s.as_ref().and_then(|s| season_dates(s, &t.locale(), &t)))
    };
    let price = {
        let t = t.clone();
        move || {
            season.data.with(|s| s.as_ref().and_then(|s| s.premium_price)).map(|p| t.fill(Label::PremiumPrice, &[("price", &t.locale().number(p))]))
        }
    };
    let player = move || progress.data.with(|p| p.as_ref().and_then(|p| p.player.clone()));
    // The season's end, counted down live.
    let countdown_t = t.clone();
    let season_end = move || {
        season.data.with(|s| s.as_ref().filter(|s| s.no_time_limit != Some(true)).and_then(|s| s.end_date.as_deref().and_then(format::iso_millis)))
    };
    view! {
        <header class="pw-header" part="header">
            <h2 class="pw-title">{name}</h2>
            <p class="pw-meta">
                {move || dates().map(|d| view! { <span class="pw-dates">{d}</span> })}
                {move || season_end().map(|end| view! { <Countdown end labels=countdown_t.clone() /> })}
                {move || price().map(|p| view! { <span class="pw-price">{p}</span> })}
            </p>
            {move || player().map(|player| {
                let connected = player.account_connected == Some(true);
                let locale = t.locale();
                let dated = |label, at: Option<String>| at.and_then(|at| locale.iso_date(&at)).map(|at| t.fill(label, &[("date", &at)]));
                view! {
                    <p class="pw-player">
                        {player.external_player_id.map(|id| view! { <span class="pw-player-id">{t.fill(Label::Player, &[("id", &id)])}</span> })}
                        <span class="pw-account" class:pw-connected=connected>
                            {t.get(if connected { Label::AccountConnected } else { Label::AccountNotConnected })}
                        </span>
                        {dated(Label::Joined, player.created_at).map(|at| view! { <span class="pw-joined">{at}</span> })}
                        {dated(Label::Updated, player.updated_at).map(|at| view! { <span class="pw-updated">{at}</span> })}
                    </p>
                }
            })}
        </header>
    }
}

/// Level, XP and the bar to the next level.
#[component]
fn XpBar(xp: XpSummary, labels: Labels) -> impl IntoView {
    let t = labels;
    let locale = t.locale();
    let caption = match (xp.next_level, xp.to_next) {
        (Some(next), Some(to_next)) => t.fill(Label::XpToLevel, &[("xp", &locale.number(to_next)), ("level", &locale.number(next))]),
        (Some(next), None) => t.fill(Label::NextLevel, &[("level", &locale.number(next))]),
        (None, _) if xp.all_reached => t.get(Label::EveryLevelReached),
        (None, _) => String::new(),
    };
    let percent = format::percent(xp.fraction);
    view! {
        <div class="pw-xp">
            <p class="pw-xp-line">
                <span class="pw-level-now">{t.fill(Label::Level, &[("level", &locale.number(xp.level))])}</span>
                <span class="pw-xp-total">{t.fill(Label::Xp, &[("xp", &locale.number(xp.current_exp))])}</span>
                <span class="pw-xp-next">{caption}</span>
            </p>
            <div
                class="pw-bar"
                part="xp-bar"
                role="progressbar"
                aria-label=t.get(Label::ProgressToNextLevel)
                aria-valuemin="0"
                aria-valuemax="100"
                aria-valuenow=format::int(format::percent_value(xp.fraction).into(), 1)
            >
                <div class="pw-bar-fill" style:width=percent></div>
            </div>
        </div>
    }
}

/// "Next reward: Pearl Charm ×1 at level 4": what the player is working towards, in the compact
/// layout (the full one shows it on the track).
#[component]
fn NextRewardLine(next: NextReward, labels: Labels) -> impl IntoView {
    let t = labels;
    let locale = t.locale();
    let NextReward { level, reward, premium } = next;
    let at = level.map(|n| t.fill(Label::AtLevel, &[("level", &locale.number(n))]));
    view! {
        <p class="pw-next-reward" part="next-reward">
            <span class="pw-next-label">{t.get(Label::NextReward)}</span>
            {reward_item(&reward, &t)}
            {premium.then(|| view! { <span class="pw-badge pw-premium-badge">{t.get(Label::Premium)}</span> })}
            {at.map(|at| view! { <span class="pw-next-level">{at}</span> })}
        </p>
    }
}

/// A state icon's path (16 × 16): drawn inline, so a strict CSP (no `data:` images) keeps it.
mod icon {
    pub const CHECK: &str = "M6.3 12.2 2.4 8.3l1.4-1.4 2.5 2.5 5.9-5.9 1.4 1.4z";
    pub const LOCK: &str = "M4 7V5a4 4 0 0 1 8 0v2h1v8H3V7zm2 0h4V5a2 2 0 0 0-4 0z";
    pub const CURRENT: &str = "M8 1a7 7 0 1 0 0 14A7 7 0 0 0 8 1zm0 2v10A5 5 0 0 1 8 3z";
    pub const ENDED: &str = "M4.5 3.1 8 6.6l3.5-3.5 1.4 1.4L9.4 8l3.5 3.5-1.4 1.4L8 9.4l-3.5 3.5-1.4-1.4L6.6 8 3.1 4.5z";
}

fn icon(path: &'static str) -> impl IntoView {
    view! {
        <svg class="pw-icon" viewBox="0 0 16 16" aria-hidden="true">
            <path d=path></path>
        </svg>
    }
}

/// One tier of the track: its node (number, XP, state) on the line, the free reward above and the
/// premium reward below. The node comes first in the markup, so a screen reader hears the level
/// before its rewards; the stylesheet draws it between them.
#[component]
pub(super) fn LevelItem(step: Arc<LevelStep>, labels: Labels) -> impl IntoView {
    let LevelStep { level, state } = &*step;
    let state = *state;
    let t = labels;
    let locale = t.locale();
    let number = level.level.map(|n| locale.number(n)).unwrap_or_else(|| "?".into());
    let inactive = level.active == Some(false);
    // The guest view's tiers have no state to show.
    let shown_state = match state {
        LevelState::Completed => Some((icon::CHECK, Label::Reached)),
        LevelState::Current => Some((icon::CURRENT, Label::InProgress)),
        LevelState::Locked => Some((icon::LOCK, Label::Locked)),
        LevelState::Preview => None,
    };
    // "Level 3" for screen readers, the bare number in the node: split around the number.
    let level_text = t.fill(Label::Level, &[("level", "\u{0}")]);
    let (before, after) = level_text.split_once('\u{0}').unwrap_or((&level_text, ""));
    view! {
        <li
            class="pw-level pw-".to_owned() + state.name()
            class:pw-inactive=inactive
            part="level ".to_owned() + state.name()
            data-level-id=level.id.clone()
        >
            <div class="pw-node">
                <span class="pw-level-number"><span class="pw-sr">{before.to_owned()}</span>{number}<span class="pw-sr">{after.to_owned()}</span></span>
                {shown_state.map(|(path, label)| view! { <span class="pw-level-state">{icon(path)}{t.get(label)}</span> })}
                {level.exp_required.map(|xp| view! { <span class="pw-level-xp">{t.fill(Label::Xp, &[("xp", &locale.number(xp))])}</span> })}
                {inactive.then(|| view! { <span class="pw-badge">{t.get(Label::Inactive)}</span> })}
            </div>
            {reward_tile(false, &level.free_tier_rewards, &t)}
            {reward_tile(true, &level.premium_tier_rewards, &t)}
        </li>
    }
}

/// A challenge with its dates, its time left while it runs, and its rewards.
#[component]
pub(super) fn ChallengeItem(challenge: Arc<Challenge>, state: ChallengeState, labels: Labels) -> impl IntoView {
    let completed = state == ChallengeState::Completed;
    let premium = challenge.premium == Some(true);
    let t = labels;
    let locale = t.locale();
    let date = |d: &Option<String>| d.as_deref().and_then(|d| locale.iso_date(d));
    let dates = date_range(date(&challenge.start_date), date(&challenge.end_date), &t, [Label::Until, Label::From]);
    let ends = (state == ChallengeState::InProgress).then(|| challenge.end_date.as_deref().and_then(format::iso_millis)).flatten();
    view! {
        <li class="pw-challenge" class:pw-completed=completed part="challenge" data-challenge-id=challenge.id.clone()>
            <div class="pw-challenge-head">
                {icon(match state {
                    ChallengeState::Completed => icon::CHECK,
                    ChallengeState::InProgress => icon::CURRENT,
                    ChallengeState::Upcoming => icon::LOCK,
                    ChallengeState::Ended => icon::ENDED,
                })}
                <span class="pw-challenge-name">{challenge.name.clone().unwrap_or_else(|| t.get(Label::Challenge))}</span>
                {premium.then(|| view! { <span class="pw-badge pw-premium-badge">{t.get(Label::Premium)}</span> })}
                {(challenge.active == Some(false)).then(|| view! { <span class="pw-badge">{t.get(Label::Inactive)}</span> })}
                <span class="pw-sr">{t.get(if completed { Label::Completed } else { Label::NotCompleted })}</span>
            </div>
            <p class="pw-challenge-dates">
                {dates.map(|d| view! { <span>{d}</span> })}
                {ends.map(|end| view! { <Countdown end labels=t.clone() /> })}
            </p>
            {reward_list(&challenge.rewards, &t)}
        </li>
    }
}

/// One row's tile of a tier: its rewards, or an empty slot (hidden from screen readers) when the
/// tier gives nothing on that row.
fn reward_tile(premium: bool, rewards: &[Reward], t: &Labels) -> impl IntoView {
    let (class, row) = if premium { ("pw-tile pw-premium", t.get(Label::Premium)) } else { ("pw-tile pw-free", t.get(Label::Free)) };
    let empty = rewards.is_empty();
    view! {
        <div class=class aria-hidden=empty.then_some("true")>
            {(!empty).then(|| view! { <span class="pw-sr">{row + ": "}</span> {reward_list(rewards, t)} })}
        </div>
    }
}

/// Rewards as a list; nothing when there are none.
fn reward_list(rewards: &[Reward], t: &Labels) -> impl IntoView {
    (!rewards.is_empty()).then(|| {
        let mut items = Vec::with_capacity(rewards.len());
        for reward in rewards {
            items.push(view! { <li>{reward_item(reward, t)}</li> });
        }
        view! {
            <ul class="pw-reward-list">
                {items}
            </ul>
        }
    })
}

/// One reward: image, name, amount.
fn reward_item(reward: &Reward, t: &Labels) -> impl IntoView {
    let amount = reward_amount(reward, &t.locale());
    view! {
        <span class="pw-reward" part="reward" data-reward-id=reward.id.clone()>
            {reward.media_url.as_deref().and_then(image_src).map(|src| view! {
                <img class="pw-reward-img" src=src alt="" loading="lazy" decoding="async" />
            })}
            <span class="pw-reward-name">{reward.name.clone().unwrap_or_else(|| t.get(Label::Reward))}</span>
            {amount.map(|a| view! { <span class="pw-reward-amount">{a}</span> })}
        </span>
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
        let (locale, t) = (Locale::default(), Labels::default());
        assert_eq!(season_dates(&bp, &locale, &t).as_deref(), Some("2026-11-01 – 2026-12-31"));
        bp.no_time_limit = Some(true);
        assert_eq!(season_dates(&bp, &locale, &t).as_deref(), Some("No end date"));
    }

    #[test]
    fn the_next_reward_skips_reached_levels_and_levels_without_rewards() {
        let reward = |name: &str| Reward { name: Some(name.into()), ..Default::default() };
        let mut levels = vec![level(1.0, 100.0, None), level(2.0, 200.0, None), level(3.0, 300.0, None)];
        levels[0].free_tier_rewards = vec![reward("old")];
        levels[2].free_tier_rewards = vec![reward("free 3")];
        levels[2].premium_tier_rewards = vec![reward("premium 3")];
        let track = level_track(&progress(150.0, Some(1.0), levels));
        let next = next_reward(&track).unwrap();
        assert_eq!((next.level, next.reward.name.as_deref(), next.premium), (Some(3.0), Some("free 3"), false));
        let all_reached = level_track(&progress(500.0, Some(3.0), vec![level(1.0, 100.0, None)]));
        assert_eq!(next_reward(&all_reached), None);
    }

    #[test]
    fn challenges_are_grouped_by_completion_then_dates_then_the_active_flag() {
        let millis = |d: &str| d.parse::<i64>().ok();
        let challenge = |start: Option<&str>, end: Option<&str>, active: Option<bool>, completed: Option<bool>| Challenge {
            start_date: start.map(str::to_owned),
            end_date: end.map(str::to_owned),
            active,
            completed,
            ..Default::default()
        };
        let state = |c: &Challenge| challenge_state(c, 1_000, millis);
        assert_eq!(state(&challenge(Some("500"), Some("2000"), None, None)), ChallengeState::InProgress);
        assert_eq!(state(&challenge(None, None, Some(true), Some(false))), ChallengeState::InProgress);
        assert_eq!(state(&challenge(Some("1500"), None, None, None)), ChallengeState::Upcoming);
        assert_eq!(state(&challenge(None, Some("999"), None, None)), ChallengeState::Ended);
        // Completed wins over an end in the past; an unreadable date counts as absent.
        assert_eq!(state(&challenge(None, Some("999"), None, Some(true))), ChallengeState::Completed);
        assert_eq!(state(&challenge(Some("soon"), Some("later"), None, None)), ChallengeState::InProgress);
    }
}
