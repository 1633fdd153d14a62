// The live examples of each element page. Each `source` is a whole snippet, as a studio would
// paste it: PACKAGE_URL, PROXY_URL and PLAYER_TOKEN are filled with the site's own values on the
// page (`assets/docs.js`). The demo proxy signs PLAYER_TOKEN for demo-player, whose Discord
// account is 123456789012345678; any battle-pass id is public there.

const SCRIPT = `<script type="module" src="PACKAGE_URL"></script>`;

/** Every part outlined, and every custom property set, on `<tag id="{prefix}-parts" {attributes}>`:
 * generated from the manifest, so a new part or property is shown the day it is declared. */
function stylingExample(element, prefix, attributes) {
  const id = `${prefix}-parts`;
  const parts = element.cssParts.map((p) => `  #${id}::part(${p.name})`).join(",\n");
  const properties = (element.cssProperties ?? []).map((p) => `    ${p.name}: ${restyle(p.name, p.default)};`).join("\n");
  return { id: `${prefix}-styling`, title: "Parts and custom properties", intro: "Every part outlined from the page, and every custom property set on the element.",
    source: `${SCRIPT}
<style>
  #${id} {
${properties}
  }
${parts} {
    outline: 1px dashed #9a3412;
  }
</style>
<${element.tagName} id="${id}" ${attributes}></${element.tagName}>` };
}

/** Two widgets (`widget`, a player's, and `guest`) with a log of their events and a button that
 * calls `refresh()`. */
function eventsExample(tag, prefix, { widget, guest, intro }) {
  return { id: `${prefix}-events`, title: "Events and refresh()", intro,
    source: `${SCRIPT}
<${tag} id="${prefix}-events-widget" ${widget}></${tag}>
<${tag} id="${prefix}-events-guest" ${guest}></${tag}>
<button type="button" id="${prefix}-events-refresh">Refresh</button>
<output id="${prefix}-events-log">No event yet.</output>
<script type="module">
  const log = document.getElementById("${prefix}-events-log");
  for (const type of ["progress-load", "progress-error", "progress-sign-in"]) {
    document.addEventListener(type, (event) => {
      if (!event.target.id.startsWith("${prefix}-events")) return;
      if (type === "progress-sign-in") event.preventDefault(); // the page's own login would open here
      log.textContent = \`\${type} from #\${event.target.id}\` + (event.detail?.message ? \`: \${event.detail.message}\` : "");
    });
  }
  document.getElementById("${prefix}-events-refresh").addEventListener("click", () => document.getElementById("${prefix}-events-widget").refresh());
</script>` };
}

/** A warmer palette for the custom-properties example (contrast kept at 4.5:1 or more). */
function restyle(name, fallback) {
  const palette = {
    "--pw-accent": "#9a3412", "--pw-accent-text": "#ffffff", "--pw-background": "#fffbf5", "--pw-surface": "#fdf0e1",
    "--pw-text": "#2b1a0e", "--pw-muted": "#6b4b32", "--pw-radius": "2px", "--pw-font": "Georgia, serif",
  };
  return palette[name] ?? fallback;
}

function battlepass(element) {
  const player = `proxy-url="PROXY_URL" player-id="demo-player" game-id="demo-game" player-token="PLAYER_TOKEN"`;
  return [
    { id: "bp-player", title: "A signed-in player", intro: "The player's season, XP, level, every tier's rewards and challenges. `refresh-interval` fetches again every 30 s while the tab is visible.",
      source: `${SCRIPT}\n<battlepass-progress ${player} refresh-interval="30"></battlepass-progress>` },
    { id: "bp-guest", title: "Guest view", intro: "No `player-id`: the season as everyone sees it and a call to action. The proxy answers it without a token for the ids in `PUBLIC_BATTLEPASS_IDS`.",
      source: `${SCRIPT}\n<battlepass-progress proxy-url="PROXY_URL" battlepass-id="bp-frostfall" sign-in-url="#bp-guest"></battlepass-progress>` },
    { id: "bp-compact", title: "Compact layout, dark, in French", intro: "For sidebars: the season, the XP bar, the level and the next reward.",
      source: `${SCRIPT}\n<battlepass-progress ${player} layout="compact" theme="dark" locale="fr"></battlepass-progress>` },
    eventsExample("battlepass-progress", "bp", { widget: player, guest: `proxy-url="PROXY_URL" battlepass-id="bp-frostfall" layout="compact"`,
      intro: "Listen on the element (or on `document`: the events bubble and are composed)." }),
    stylingExample(element, "bp", player),
  ];
}

function collections(element) {
  const user = `proxy-url="PROXY_URL" platform="discord" platform-user-id="123456789012345678" player-token="PLAYER_TOKEN"`;
  return [
    { id: "gft-all", title: "Every collection of a user", intro: "Each program: the cards owned, the progress bar, the reward and the time left.",
      source: `${SCRIPT}\n<collection-progress ${user} refresh-interval="30"></collection-progress>` },
    { id: "gft-one", title: "One collection, dark, in German",
      source: `${SCRIPT}\n<collection-progress ${user} program-id="program_winter" theme="dark" locale="de"></collection-progress>` },
    { id: "gft-guest", title: "Guest view", intro: "No user: only the call to action (a collection has no public definition to show).",
      source: `${SCRIPT}\n<collection-progress proxy-url="PROXY_URL" sign-in-url="#gft-guest"></collection-progress>` },
    eventsExample("collection-progress", "gft", { widget: `${user} program-id="program_winter"`, guest: `proxy-url="PROXY_URL"` }),
    stylingExample(element, "gft", user),
  ];
}

/** The examples of `element` (a manifest declaration). */
export function elementExamples(element) {
  switch (element.tagName) {
    case "battlepass-progress": return battlepass(element);
    case "collection-progress": return collections(element);
    default: throw new Error(`docs: no examples for <${element.tagName}>`);
  }
}
