// The playground: a control per setting, the live widget, and the snippet that reproduces it.
// The preview is built from the snippet's own markup, so what is shown is what is copied.
import { packageUrl, proxyUrl, token } from "./docs.js";

const form = document.getElementById("pg-controls");
const preview = document.getElementById("pg-preview");
const snippet = document.querySelector("#pg-snippet code");
const DEFAULTS = { widget: "battlepass", who: "player", theme: "auto", layout: "full", locale: "", refresh: "60" };

const attribute = ([name, value]) => `${name}="${String(value).replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`)}"`;

/** The element's markup for `settings`, naming only what differs from the defaults. */
function markup(settings, playerToken) {
  const battlepass = settings.widget === "battlepass";
  const attributes = [["proxy-url", proxyUrl]];
  if (settings.who === "player") {
    attributes.push(...(battlepass ? [["player-id", "demo-player"], ["game-id", "demo-game"]] : [["platform", "discord"], ["platform-user-id", "123456789012345678"]]));
    if (playerToken) attributes.push(["player-token", playerToken]);
  } else if (battlepass) {
    attributes.push(["battlepass-id", "bp-frostfall"]);
  }
  if (settings.widget === "collection") attributes.push(["program-id", "program_winter"]);
  if (settings.theme !== DEFAULTS.theme) attributes.push(["theme", settings.theme]);
  if (battlepass && settings.layout !== DEFAULTS.layout) attributes.push(["layout", settings.layout]);
  if (settings.locale) attributes.push(["locale", settings.locale]);
  if (settings.refresh !== DEFAULTS.refresh) attributes.push(["refresh-interval", settings.refresh]);
  const tag = battlepass ? "battlepass-progress" : "collection-progress";
  return `<${tag} ${attributes.map(attribute).join(" ")}></${tag}>`;
}

/** The form's settings; a refresh interval that is not a whole number of seconds up to an hour
 * is marked invalid and the last good one kept. */
let lastRefresh = DEFAULTS.refresh;
function settings() {
  const values = Object.fromEntries(new FormData(form));
  const refresh = form.elements.refresh;
  const valid = /^\d+$/.test(values.refresh) && Number(values.refresh) <= 3600;
  refresh.setAttribute("aria-invalid", String(!valid));
  if (valid) lastRefresh = String(Number(values.refresh));
  return { ...DEFAULTS, ...values, refresh: lastRefresh };
}

const playerToken = await token;

function render() {
  const current = settings();
  form.elements.layout.disabled = current.widget !== "battlepass";
  const element = markup(current, playerToken);
  snippet.textContent = `<script type="module" src="${packageUrl}"></script>\n${element}`;
  preview.innerHTML = element;
  // The settings live in the address too, so a configuration can be linked to.
  const query = new URLSearchParams(Object.entries(current).filter(([key, value]) => DEFAULTS[key] !== value));
  history.replaceState(null, "", query.size ? `?${query}` : window.location.pathname);
}

// Start from the address's settings, if any (`playground.html?who=guest&locale=fr`).
for (const [key, value] of new URLSearchParams(window.location.search)) {
  if (form.elements[key]) form.elements[key].value = value;
}
form.addEventListener("input", render);
form.addEventListener("change", render);
render();
