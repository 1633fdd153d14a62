// Pages that are hard on the widgets: a strict Content-Security-Policy, a wasm that cannot be
// loaded, locales that Intl rejects beside a good widget. Real proxy, fake upstream, headless
// Chromium.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { copyFileSync, mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { launchBrowser, recordTraffic, startLiveStack } from "./support.mjs";

const ROOT = new URL("../../", import.meta.url).pathname;
const CSP = "default-src 'none'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; connect-src 'self'; img-src 'self'";

function makeSite() {
  const site = mkdtempSync(join(tmpdir(), "pw-hard-"));
  symlinkSync(join(ROOT, "pkg"), join(site, "pkg"));
  symlinkSync(join(ROOT, "www"), join(site, "www"));
  // The package's JavaScript without its wasm, as a CDN missing a file would serve it.
  mkdirSync(join(site, "broken"));
  for (const file of ["progress-widgets.js", "progress_widgets.js"]) copyFileSync(join(ROOT, "pkg", file), join(site, "broken", file));
  const page = (name, body, { head = "", lang = "en" } = {}) => writeFileSync(join(site, name),
    `<!doctype html><html lang="${lang}"><head><meta charset="utf-8">${head}</head><body>${body}</body></html>`);
  const widgets = (script) => `
    <battlepass-progress id="bp" proxy-url="/" player-id="p-csp" game-id="g-1" refresh-interval="0" theme="light"></battlepass-progress>
    <collection-progress id="cp" proxy-url="/" platform="discord" platform-user-id="42" refresh-interval="0"></collection-progress>
    <script type="module" src="${script}"></script>`;
  page("csp.html", widgets("/pkg/progress-widgets.js"), { head: `<meta http-equiv="Content-Security-Policy" content="${CSP}">` });
  page("broken.html", widgets("/broken/progress-widgets.js"));
  page("long.html", `
    <div style="width: 390px">
      <battlepass-progress id="bp" proxy-url="/" player-id="long-names" game-id="g-1" refresh-interval="0"></battlepass-progress>
      <collection-progress id="cp" proxy-url="/" platform="discord" platform-user-id="long-names" refresh-interval="0"></collection-progress>
    </div>
    <script type="module" src="/pkg/progress-widgets.js"></script>`);
  page("locales.html", `
    <battlepass-progress id="bad-a" proxy-url="/" player-id="p-a" game-id="g-1" refresh-interval="0" locale="a"></battlepass-progress>
    <battlepass-progress id="bad-dash" proxy-url="/" player-id="p-b" game-id="g-1" refresh-interval="0" locale="en-"></battlepass-progress>
    <div lang="x"><battlepass-progress id="bad-lang" proxy-url="/" player-id="p-c" game-id="g-1" refresh-interval="0"></battlepass-progress></div>
    <battlepass-progress id="good" proxy-url="/" player-id="p-good" game-id="g-1" refresh-interval="0" locale="de-DE"></battlepass-progress>
    <script type="module" src="/pkg/progress-widgets.js"></script>`, { lang: "en-" });
  return site;
}

let stack, browser;
before(async () => {
  stack = await startLiveStack(makeSite());
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
  stack?.stop();
});

async function open(path) {
  const page = await browser.newPage({ viewport: { width: 1200, height: 1400 } });
  const recorded = recordTraffic(page);
  await page.addInitScript(() => {
    window.violations = [];
    window.failures = [];
    addEventListener("securitypolicyviolation", (e) => window.violations.push(`${e.violatedDirective} ${e.blockedURI}`), true);
    addEventListener("progress-error", (e) => window.failures.push({ id: e.target.id, ...e.detail }), true);
  });
  await page.goto(`${stack.proxy.url}${path}`);
  return { page, ...recorded };
}

test("under style-src 'self' the widgets are styled, with no CSP violation", async () => {
  const { page, errors } = await open("/csp.html");
  await page.locator("#bp .pw-level").first().waitFor();
  await page.locator("#cp .pw-card").first().waitFor();
  const seen = await page.evaluate(() => {
    const tile = document.querySelector("#bp").shadowRoot.querySelector(".pw-tile");
    const style = getComputedStyle(tile);
    return {
      violations: window.violations,
      styleElements: document.querySelector("#bp").shadowRoot.querySelectorAll("style").length,
      radius: style.borderTopLeftRadius,
      padding: style.paddingTop,
    };
  });
  assert.deepEqual(seen.violations, []);
  assert.equal(seen.styleElements, 0, "styles are adopted, not inline");
  assert.notEqual(seen.radius, "0px", "the widget CSS applies");
  assert.notEqual(seen.padding, "0px");
  assert.deepEqual(errors.filter((e) => /Content Security Policy/.test(e)), []);
  await page.close();
});

test("a wasm that cannot be loaded: each element shows its error and fires kind load; nothing is thrown", async () => {
  const { page, errors } = await open("/broken.html");
  await page.locator("#bp [part~='error']").waitFor();
  await page.locator("#cp [part~='error']").waitFor();
  assert.match(await page.locator("#bp [part~='error']").textContent(), /could not be loaded/);
  const failures = await page.evaluate(() => window.failures);
  assert.deepEqual(failures.map((f) => [f.id, f.kind]).sort(), [["bp", "load"], ["cp", "load"]]);
  const uncaught = [];
  page.on("pageerror", (e) => uncaught.push(e.message));
  assert.deepEqual(errors.filter((e) => !/404|Failed to load resource|wasm could not be loaded/.test(e)), []);
  await page.close();
});

test("locales Intl rejects: the widget that names one says so, inherited ones are skipped, the others work", async () => {
  const { page, errors } = await open("/locales.html");
  await page.locator("#good .pw-level").first().waitFor();
  await page.locator("#bad-lang .pw-level").first().waitFor();
  await page.locator("#bad-a [part~='error']").waitFor();
  await page.locator("#bad-dash [part~='error']").waitFor();
  assert.match(await page.locator("#bad-a [part~='error']").textContent(), /locale/);
  const failures = await page.evaluate(() => window.failures);
  assert.deepEqual(failures.map((f) => [f.id, f.kind]).sort(), [["bad-a", "config"], ["bad-dash", "config"]]);
  // The wasm instance is alive: the good widget still refreshes and formats under its locale.
  const refreshed = await page.evaluate(async () => {
    const good = document.querySelector("#good");
    await good.refresh();
    good.setAttribute("player-id", "p-good-2");
    await new Promise((resolve) => good.addEventListener("progress-load", resolve, { once: true }));
    return good.shadowRoot.textContent;
  });
  assert.match(refreshed, /Spieler p-good-2/, "in German, the widget's language");
  assert.match(refreshed, /2\.750 XP/);
  assert.deepEqual(errors.filter((e) => !/unreachable|RuntimeError/.test(e) ? false : true), [], "no wasm abort");
  await page.close();
});

test("a long unbroken name wraps inside its card and never runs over the next", async () => {
  const { page } = await open("/long.html");
  await page.locator("#bp .pw-level").first().waitFor();
  await page.locator("#cp .pw-card").first().waitFor();
  const overflowing = await page.evaluate(() => {
    const boxes = [
      ...document.querySelector("#bp").shadowRoot.querySelectorAll(".pw-level, .pw-challenge"),
      ...document.querySelector("#cp").shadowRoot.querySelectorAll(".pw-card"),
    ];
    return boxes.filter((box) => box.scrollWidth > box.clientWidth + 1).map((box) => box.className);
  });
  assert.deepEqual(overflowing, []);
  await page.close();
});
