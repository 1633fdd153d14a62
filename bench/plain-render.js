// The yardstick of `cargo xtask bench`: a plain hand-written JavaScript render of the same
// answers the widgets show, into the same kind of shadow root with the same stylesheet
// (`__WIDGETS_CSS__` is replaced by src/widgets/widgets.css when the bench serves this file).
// It does what a careful developer would write by hand for one page: one request, string
// building, Intl for numbers and dates. No frameworks, no error states: only the first paint. It
// draws the same markup as the widget: the tier track with its free and premium tiles.

const CSS = __WIDGETS_CSS__;

const escape = (text) => String(text ?? "").replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`);

function shadow(host) {
  const root = host.attachShadow({ mode: "open" });
  const sheet = new CSSStyleSheet();
  sheet.replaceSync(CSS);
  root.adoptedStyleSheets = [sheet];
  return root;
}

async function get(url) {
  const response = await fetch(url, { headers: { Accept: "application/json" }, credentials: "omit" });
  return response.json();
}

/** The track's state icons, as the widget draws them. */
const icon = (d) => `<svg class="pw-icon" viewBox="0 0 16 16" aria-hidden="true"><path d="${d}"></path></svg>`;
const ICONS = {
  completed: icon("M6.3 12.2 2.4 8.3l1.4-1.4 2.5 2.5 5.9-5.9 1.4 1.4z"),
  current: icon("M8 1a7 7 0 1 0 0 14A7 7 0 0 0 8 1zm0 2v10A5 5 0 0 1 8 3z"),
  locked: icon("M4 7V5a4 4 0 0 1 8 0v2h1v8H3V7zm2 0h4V5a2 2 0 0 0-4 0z"),
};

/** One reward: image, name, amount. */
const reward = (r, number) => `<span class="pw-reward" part="reward">${r.mediaUrl ? `<img class="pw-reward-img" src="${escape(r.mediaUrl)}" alt="" loading="lazy" decoding="async">` : ""}<span class="pw-reward-name">${escape(r.name ?? "Reward")}</span>${r.amount ? `<span class="pw-reward-amount">×${number(r.amount)}</span>` : ""}</span>`;

function rewards(title, cls, list, number) {
  if (!list?.length) return "";
  const items = list.map((r) => `<li class="pw-reward" part="reward">${r.mediaUrl ? `<img class="pw-reward-img" src="${escape(r.mediaUrl)}" alt="" loading="lazy" decoding="async">` : ""}<span class="pw-reward-name">${escape(r.name ?? "Reward")}</span>${r.amount ? `<span class="pw-reward-amount">×${number(r.amount)}</span>` : ""}</li>`);
  return `<div class="pw-rewards ${cls}"><span class="pw-rewards-title">${title}</span><ul class="pw-reward-list">${items.join("")}</ul></div>`;
}

/** A player's battle pass: header, XP bar, levels with free and premium rewards, challenges. */
export async function renderBattlepass(host, proxyUrl, playerId, gameId, locale = "en-US") {
  const root = shadow(host);
  const data = await get(`${proxyUrl}/whalepass/players/${encodeURIComponent(playerId)}/progress?gameId=${encodeURIComponent(gameId)}`);
  const numbers = new Intl.NumberFormat(locale);
  const number = (n) => numbers.format(Math.round(n * 100) / 100);
  const bp = data.battlepassProgress ?? {};
  const levels = bp.levels ?? [];
  const done = bp.lastCompletedLevel ?? 0;
  const current = levels.find((l) => !l.completed);
  const fraction = current?.expRequired ? Math.min(1, (bp.currentExp ?? 0) / current.expRequired) : 1;
  const percent = `${Math.round(fraction * 100)}%`;
  const html = [
    `<section class="pw pw-battlepass" part="battlepass">`,
    `<header class="pw-header" part="header"><h2 class="pw-title">Battle pass</h2><p class="pw-player"><span class="pw-player-id">Player ${escape(data.player?.externalPlayerId)}</span></p></header>`,
    `<div class="pw-xp"><p class="pw-xp-line"><span class="pw-level-now">Level ${number(done)}</span><span class="pw-xp-total">${number(bp.currentExp ?? 0)} XP</span></p>`,
    `<div class="pw-bar" part="xp-bar" role="progressbar" aria-valuenow="${Math.round(fraction * 100)}"><div class="pw-bar-fill" style="width:${percent}"></div></div></div>`,
    `<div class="pw-track" part="track"><div class="pw-track-head"><h3 class="pw-subtitle">Levels</h3><button class="pw-page" aria-label="Earlier levels">‹</button><button class="pw-page" aria-label="Later levels">›</button></div>`,
    `<ol class="pw-levels" tabindex="0" aria-label="Levels"><li class="pw-track-legend" aria-hidden="true"><span class="pw-legend-free">Free</span><span class="pw-legend-premium">Premium</span></li>`,
    ...levels.map((l) => {
      const state = l.completed ? "completed" : l === current ? "current" : "locked";
      const label = { completed: "Reached", current: "In progress", locked: "Locked" }[state];
      const tile = (row, cls, list) => list?.length
        ? `<div class="pw-tile ${cls}"><span class="pw-sr">${row}: </span><ul class="pw-reward-list">${list.map((r) => `<li>${reward(r, number)}</li>`).join("")}</ul></div>`
        : `<div class="pw-tile ${cls}" aria-hidden="true"></div>`;
      return `<li class="pw-level pw-${state}" part="level ${state}"><div class="pw-node"><span class="pw-level-number"><span class="pw-sr">Level </span>${number(l.level ?? 0)}</span><span class="pw-level-state">${ICONS[state]}${label}</span><span class="pw-level-xp">${number(l.expRequired ?? 0)} XP</span></div>${tile("Free", "pw-free", l.freeTierRewards)}${tile("Premium", "pw-premium", l.premiumTierRewards)}</li>`;
    }),
    `</ol></div><h3 class="pw-subtitle">Challenges</h3><ul class="pw-challenges">`,
    ...(bp.challenges ?? []).map((c) => `<li class="pw-challenge${c.completed ? " pw-completed" : ""}" part="challenge"><div class="pw-challenge-head"><span class="pw-check" aria-hidden="true">${c.completed ? "✓" : "○"}</span><span class="pw-challenge-name">${escape(c.name ?? "Challenge")}</span></div>${rewards("Rewards", "pw-challenge-rewards", c.rewards, number)}</li>`),
    `</ul></section>`,
  ];
  root.innerHTML += html.join("");
}

/** A user's collections: each program with its bar, cards and reward. */
export async function renderCollections(host, proxyUrl, platform, userId, locale = "en-US") {
  const root = shadow(host);
  const body = await get(`${proxyUrl}/giftoin/users/${encodeURIComponent(platform)}/${encodeURIComponent(userId)}/progress/collection-challenges`);
  const programs = Array.isArray(body) ? body : body.data ?? [];
  const numbers = new Intl.NumberFormat(locale);
  const dates = new Intl.DateTimeFormat(locale, { year: "numeric", month: "short", day: "numeric", timeZone: "UTC" });
  const html = programs.map((p) => {
    const size = p.size ?? p.cards?.length ?? 0;
    const collected = p.collectedCount ?? p.cards?.filter((c) => c.isOwned).length ?? 0;
    const fraction = size ? Math.min(1, collected / size) : 0;
    const cards = (p.cards ?? []).map((c) => `<li class="pw-card${c.isOwned ? " pw-owned" : ""}" part="card"><img class="pw-card-img" src="${escape(c.image)}" alt="" loading="lazy" decoding="async"><span class="pw-card-name">${escape(c.name ?? "Card")}</span><span class="pw-card-owned">${c.isOwned ? "Owned" : "Not owned"}${c.ownedQuantity ? ` ×${numbers.format(c.ownedQuantity)}` : ""}</span>${c.rarity ? `<span class="pw-rarity pw-rarity-${escape(c.rarity)}">${escape(c.rarity)}</span>` : ""}</li>`);
    const window = p.duration?.end?.date ? `<span class="pw-dates">Until ${dates.format(Number(p.duration.end.date))}</span>` : "";
    return `<article class="pw-program" part="program"><header class="pw-program-head"><div class="pw-program-title"><h2 class="pw-title">${escape(p.name ?? "Collection")}</h2><p class="pw-meta"><span>${escape(p.status)}</span>${window}</p></div></header><p class="pw-description">${escape(p.description)}</p><div class="pw-collected"><div class="pw-bar" part="progress-bar" role="progressbar" aria-valuenow="${Math.round(fraction * 100)}"><div class="pw-bar-fill" style="width:${Math.round(fraction * 100)}%"></div></div><p class="pw-collected-line"><span class="pw-percent">${Math.round(fraction * 100)}%</span><span class="pw-count">${numbers.format(collected)} / ${numbers.format(size)} collected</span></p></div><ul class="pw-cards">${cards.join("")}</ul>${p.reward ? `<div class="pw-reward-panel"><span class="pw-reward-name">${escape(p.reward.name)}</span></div>` : ""}</article>`;
  });
  root.innerHTML += `<section class="pw pw-collections" part="collections"><div class="pw-programs">${html.join("")}</div></section>`;
}
