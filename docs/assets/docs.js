// Every documentation page's script: it fills the snippets' placeholders with this site's values
// (the package next to the pages, the demo proxy, a demo player's token), wires the copy buttons
// and, on pages with live examples, signs the demo player in before the package loads, as a game
// page does once its own login is done.

const meta = document.querySelector('meta[name="progress-proxy-url"]')?.content;
/** The proxy the examples talk to: set at build time (`cargo xtask docs --proxy-url`), else the
 * origin serving the site (`cargo xtask docs --serve`). */
export const proxyUrl = (meta || window.location.origin).replace(/\/+$/, "");
/** The package's entry point, beside the pages wherever the site is published. */
export const packageUrl = new URL("../pkg/progress-widgets.js", import.meta.url).href;

/** The demo player: Whalepass `sub` and Giftoin `gft` in one token. */
const DEMO_PLAYER = { sub: "demo-player", gft: "discord:123456789012345678" };

/** A token for the demo player when the proxy asks for player tokens ("" when it does not). On a
 * real page it comes from the game's own backend; the demo proxy's /demo/token stands in. */
export const token = (async () => {
  try {
    const health = await (await fetch(`${proxyUrl}/healthz`)).json();
    if (health.playerTokens !== true) return "";
    const answer = await (await fetch(`${proxyUrl}/demo/token?${new URLSearchParams(DEMO_PLAYER)}`)).json();
    return answer.token ?? "";
  } catch {
    return "";
  }
})();

/** A snippet with the site's values in place of its placeholders. */
export function fill(source, playerToken) {
  return source
    .replaceAll("PACKAGE_URL", packageUrl)
    .replaceAll("PROXY_URL", proxyUrl)
    .replaceAll(playerToken ? "PLAYER_TOKEN" : ' player-token="PLAYER_TOKEN"', playerToken);
}

/** Copies the snippet beside a copy button, and says so. */
async function copy(button) {
  const text = button.closest(".snippet").querySelector("pre").textContent;
  try {
    await navigator.clipboard.writeText(text);
  } catch {
    // No clipboard permission (an http page, an old browser): select the text for Ctrl-C.
    const range = document.createRange();
    range.selectNodeContents(button.closest(".snippet").querySelector("code"));
    getSelection().removeAllRanges();
    getSelection().addRange(range);
  }
  button.textContent = "Copied";
  setTimeout(() => { button.textContent = "Copy"; }, 1500);
}

document.addEventListener("click", (event) => {
  const button = event.target.closest("[data-copy]");
  if (button) copy(button);
});

const playerToken = await token;
for (const snippet of document.querySelectorAll(".snippet code")) snippet.textContent = fill(snippet.textContent, playerToken);
if (document.querySelector("script[data-live]")) {
  for (const element of document.querySelectorAll("[data-proxy-url]")) element.setAttribute("proxy-url", proxyUrl);
  if (playerToken) {
    for (const element of document.querySelectorAll("[data-player-token]")) element.setAttribute("player-token", playerToken);
  }
  await import(packageUrl);
}
