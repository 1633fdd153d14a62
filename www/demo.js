// The demo page's script: it signs the player in, then loads the widgets, as a game page would
// once its own login is done.
//
// A real game page gets the player token from its own backend, which signs it for the player it
// knows is logged in (see "Player tokens" in the README). Here the demo proxy stands in for that
// backend: `cargo xtask demo` runs it with player tokens on, and its /demo/token endpoint signs a
// short-lived token for whichever demo player is picked.

/** Which player each choice of the "Player" control is, for both services. */
const PLAYERS = {
  "demo-player": { playerId: "demo-player", gft: "discord:123456789012345678" },
  "rival-player": { playerId: "rival-player", gft: "discord:987654321098765432" },
};

/** The sample data's season, which the guest view shows. */
const DEMO_SEASON = "bp-frostfall";

const elements = () => document.querySelectorAll("battlepass-progress, collection-progress");

/** Whether the proxy serving this page asks for player tokens (a live proxy may not). */
async function tokensRequired() {
  try {
    return (await (await fetch("/healthz")).json()).playerTokens === true;
  } catch {
    return false;
  }
}

/** Signs `player` in: a token from the stand-in backend on every element, then their ids. An
 * empty name signs out: every widget turns into its guest view (the season, and a call to action). */
async function signIn(name, withToken) {
  const player = PLAYERS[name];
  const battlepass = document.querySelector("battlepass-progress");
  if (!player) {
    for (const element of elements()) {
      for (const name of ["player-token", "player-id", "platform-user-id"]) element.removeAttribute(name);
    }
    // A guest has no progress to name the season: the page names it (the demo's sample season).
    battlepass.setAttribute("battlepass-id", DEMO_SEASON);
    return;
  }
  battlepass.removeAttribute("battlepass-id");
  const [platform, platformUserId] = player.gft.split(":");
  if (withToken) {
    const query = new URLSearchParams({ sub: player.playerId, gft: player.gft });
    const { token } = await (await fetch(`/demo/token?${query}`)).json();
    for (const element of elements()) element.setAttribute("player-token", token);
  }
  document.querySelector("battlepass-progress").setAttribute("player-id", player.playerId);
  for (const element of document.querySelectorAll("collection-progress")) {
    element.setAttribute("platform", platform);
    element.setAttribute("platform-user-id", platformUserId);
  }
}

const withToken = await tokensRequired();
await signIn("demo-player", withToken);

// The embed itself: one module. Loaded after sign-in, so the first request carries the token.
const { configure } = await import("../pkg/progress-widgets.js");
// Every element on this page talks to the proxy that serves the page.
configure({ proxyUrl: window.location.origin });

document.getElementById("theme").addEventListener("change", (event) => {
  for (const element of elements()) element.setAttribute("theme", event.target.value);
  document.documentElement.dataset.theme = event.target.value;
});

document.getElementById("player").addEventListener("change", (event) => signIn(event.target.value, withToken));

// Signed out, the call to action stands in for the page's own login: it signs the demo player in.
document.addEventListener("progress-sign-in", (event) => {
  event.preventDefault();
  const picker = document.getElementById("player");
  picker.value = "demo-player";
  signIn(picker.value, withToken);
});

// Every label follows the locale: English, French and German are built in.
document.getElementById("locale").addEventListener("change", (event) => {
  for (const element of elements()) element.setAttribute("locale", event.target.value);
});

document.getElementById("layout").addEventListener("change", (event) => {
  document.querySelector("battlepass-progress").setAttribute("layout", event.target.value);
});

const log = document.getElementById("events");
for (const type of ["progress-load", "progress-error"]) {
  document.addEventListener(type, (event) => {
    const line = document.createElement("li");
    line.textContent = `${new Date().toLocaleTimeString()} ${type} from <${event.target.localName}>` +
      (type === "progress-error" ? `: ${event.detail.message}` : "");
    log.prepend(line);
    while (log.children.length > 6) log.lastChild.remove();
  });
}
