// The hand-written pages: getting started, the proxy's settings (a table generated from
// `progress-proxy settings`) and the playground's frame.
import { code, escape, inline } from "./layout.mjs";

/** Getting started: the script tag, npm, the proxy in three steps, player tokens. */
export function gettingStarted(functions) {
  return `
    <p class="lead">Embeddable widgets that show a player's <strong>Whalepass battle pass</strong> and
    <strong>Giftoin collection challenges</strong> on any game website. They are written in Rust with
    Leptos, compiled to WebAssembly, and fetch progress through a proxy you run, which holds the
    API keys: no key ever reaches a browser.</p>
    <h2 id="script-tag">1. The script tag</h2>
    <p>One module defines both elements; it finds its <code>.wasm</code> next to itself, so any folder
    or CDN path works. This snippet runs against this site's demo proxy:</p>
    ${code(`<script type="module" src="PACKAGE_URL"></script>
<battlepass-progress proxy-url="PROXY_URL" player-id="demo-player" game-id="demo-game" player-token="PLAYER_TOKEN"></battlepass-progress>`)}
    <p>On phones and slow networks, two hints in the page's <code>&lt;head&gt;</code> start the module and
    its <code>.wasm</code> with the page instead of one after the other (<code>crossorigin</code> is
    required, or the wasm is downloaded twice):</p>
    ${code(`<link rel="modulepreload" href="https://cdn.example.com/progress-widgets/progress-widgets.js">
<link rel="preload" href="https://cdn.example.com/progress-widgets/progress_widgets_bg.wasm" as="fetch" type="application/wasm" crossorigin>`)}
    <p>See every attribute, event and part on the <a href="battlepass-progress.html">&lt;battlepass-progress&gt;</a>
    and <a href="collection-progress.html">&lt;collection-progress&gt;</a> pages, or try them in the
    <a href="playground.html">playground</a>.</p>
    <h2 id="npm">2. Or from npm</h2>
    ${code(`npm install progress-widgets`, { language: "sh" })}
    ${code(`import "progress-widgets"; // defines <battlepass-progress> and <collection-progress>
import { configure, mountBattlepass } from "progress-widgets";

configure({ theme: "auto" }); // page-wide defaults for every element
const widget = mountBattlepass(document.querySelector("#battlepass"), { proxyUrl: "/progress-proxy", playerId: "p-42", gameId: "g-1" });
// later: widget.update({ proxyUrl: "/progress-proxy", playerId: "p-43", gameId: "g-1" }); widget.unmount();`, { language: "js" })}
    <p>The package also exports:</p>
    <ul>${functions.map((f) => `<li><code>${escape(f.name)}()</code>: ${inline(f.description)}</li>`).join("")}</ul>
    <p>TypeScript types and <code>custom-elements.json</code> ship with it. Importing it is safe during
    server-side rendering: outside a browser it defines nothing.</p>
    <h2 id="proxy">3. The proxy, in three steps</h2>
    <ol class="steps">
      <li><p>Build it (Rust):</p>${code(`cargo build --release -p progress-proxy`, { language: "sh" })}</li>
      <li><p>Give it your keys and your site's origin:</p>${code(`WHALEPASS_API_KEY=… GIFTOIN_API_KEY=… ALLOWED_ORIGINS=https://game.example \\
  ./target/release/progress-proxy --listen 0.0.0.0:8080`, { language: "sh" })}</li>
      <li><p>Point the widgets at it: <code>proxy-url="https://progress.game.example"</code> (or a path
      your own server forwards, such as <code>/progress-proxy</code>).</p></li>
    </ol>
    <p>Every setting is on <a href="proxy.html">the proxy page</a>. <code>cargo xtask demo</code> runs it
    with sample data and no keys.</p>
    <h2 id="player-tokens">4. Player tokens</h2>
    <p>Without them, anyone who changes <code>player-id</code> reads another player's progress. Turn them on
    for any real deployment: your game's backend signs a short-lived JWT for the logged-in player, the
    page passes it as <code>player-token</code>, and the proxy answers a route only for the player the
    token names.</p>
    ${code(`PLAYER_TOKEN_SECRET=… ./target/release/progress-proxy   # HS256; or PLAYER_TOKEN_PUBLIC_KEY=key.pem (RS256, ES256)`, { language: "sh" })}
    ${code(`{ "sub": "p-42", "gft": "discord:123456789012345678", "exp": 1767225600 }`, { language: "json" })}
    <p><code>sub</code> is the Whalepass player id and <code>gft</code> the Giftoin user as
    <code>platform:platformUserId</code>. With tokens on, a visitor who is not signed in can still see the
    season through the <a href="battlepass-progress.html#bp-guest">guest view</a>, for the battle passes
    listed in <code>PUBLIC_BATTLEPASS_IDS</code>.</p>
    <h2 id="publish">Publishing this site</h2>
    <p><code>cargo xtask docs</code> writes it to <code>target/docs/</code>: plain files with relative links,
    for any static host and any sub-folder. <code>cargo xtask docs --proxy-url https://demo-proxy.example</code>
    points its live examples at a demo proxy of yours (<code>progress-proxy --demo</code>);
    <code>cargo xtask docs --serve</code> serves it locally with one.</p>`;
}

/** The proxy's settings as one table, a group of rows per section, in `--help`'s order. */
export function proxySettings(settings) {
  const sections = [...new Set(settings.map((s) => s.section))];
  const sectionId = (section) => `section-${section.toLowerCase().replace(/[^a-z]+/g, "-")}`;
  const groups = sections.map((section) => {
    const rows = settings.filter((s) => s.section === section).map((s) => `<tr id="setting-${s.variable}">
        <th scope="row"><code>${escape(s.variable)}</code></th><td>${s.flag ? `<code>${escape(s.flag)}</code>` : "—"}</td>
        <td>${s.default ? `<code>${escape(s.default)}</code>` : "—"}</td><td>${inline(s.help).replaceAll("\n\n", "<br>")}</td></tr>`);
    const id = sectionId(section);
    return `<tbody aria-labelledby="${id}"><tr class="group"><th colspan="4" scope="colgroup" id="${id}">${escape(section)}</th></tr>${rows.join("")}</tbody>`;
  });
  return `
    <p class="lead"><code>progress-proxy</code> holds the API keys, forwards only the widgets' read routes,
    checks player tokens, caches and limits. Every setting is a flag, an environment variable, or a key
    of the same name in <code>--config progress-proxy.toml</code>; a flag beats the environment, which
    beats the file. Durations take units: <code>500ms</code>, <code>10s</code>, <code>5m</code>.</p>
    <p>This table is generated from the same definitions as <code>progress-proxy --help</code>
    (<code>progress-proxy settings</code> prints them as JSON).</p>
    <nav aria-label="Sections" class="toc"><ul>${sections.map((section) => `<li><a href="#${sectionId(section)}">${escape(section)}</a></li>`).join("")}</ul></nav>
    <div class="table" tabindex="0" role="region" aria-label="Settings"><table><caption>Every setting of progress-proxy</caption>
      <thead><tr><th scope="col">Variable</th><th scope="col">Flag</th><th scope="col">Default</th><th scope="col">Meaning</th></tr></thead>
      ${groups.join("\n")}</table></div>`;
}

/** The playground's frame; `assets/playground.js` drives it. */
export function playground() {
  const select = (id, label, options) => `<label for="pg-${id}">${label}</label>
      <select id="pg-${id}" name="${id}">${options.map(([value, text]) => `<option value="${value}">${text}</option>`).join("")}</select>`;
  return `
    <p class="lead">Pick a setting: the widget beside the controls changes, and so does the snippet, which
    reproduces exactly what is shown. Copy it into a blank page to get the same widget.</p>
    <div class="playground">
      <form id="pg-controls" class="controls" aria-label="Widget settings">
        ${select("widget", "Widget", [["battlepass", "Battle pass"], ["collections", "Every collection"], ["collection", "One collection"]])}
        ${select("who", "Viewer", [["player", "Signed-in player"], ["guest", "Guest (signed out)"]])}
        ${select("theme", "Theme", [["auto", "auto"], ["light", "light"], ["dark", "dark"]])}
        ${select("layout", "Layout (battle pass)", [["full", "full"], ["compact", "compact"]])}
        ${select("locale", "Language", [["", "the page's"], ["en", "English"], ["fr", "Français"], ["de", "Deutsch"]])}
        <label for="pg-refresh">Refresh interval (seconds, 0 for none)</label>
        <input id="pg-refresh" name="refresh" type="number" min="0" max="3600" step="1" value="60">
      </form>
      <section class="preview" aria-labelledby="pg-preview-title">
        <h2 id="pg-preview-title">The widget</h2>
        <div id="pg-preview" class="live"></div>
      </section>
    </div>
    <h2 id="pg-snippet-title">The snippet</h2>
    ${code("", { id: "pg-snippet" })}`;
}
