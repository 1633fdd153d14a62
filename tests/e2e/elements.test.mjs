// The custom elements as a game site uses them: one script tag from a sub-folder, attributes,
// events, removal, and a hostile page stylesheet. Real proxy, fake upstream, headless Chromium.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, symlinkSync, writeFileSync, mkdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { launchBrowser, recordTraffic, startLiveStack } from "./support.mjs";

const ROOT = new URL("../../", import.meta.url).pathname;
const SCRIPT = "/cdn/v1/progress-widgets/progress-widgets.js";
const HOSTILE = `* { all: revert; color: red !important; display: inline !important; font: italic 30px serif !important;
  letter-spacing: 4px !important; line-height: 3 !important; text-transform: uppercase !important; }
  battlepass-progress, collection-progress { color: lime; font-family: cursive; line-height: 9; }`;

/** A site whose package sits in a sub-folder, as on a CDN, with pages written by the tests. */
function makeSite() {
  const site = mkdtempSync(join(tmpdir(), "pw-site-"));
  mkdirSync(join(site, "cdn/v1"), { recursive: true });
  symlinkSync(join(ROOT, "pkg"), join(site, "cdn/v1/progress-widgets"));
  symlinkSync(join(ROOT, "www"), join(site, "www"));
  const page = (name, body, head = "") => writeFileSync(join(site, name),
    `<!doctype html><html lang="en"><head><meta charset="utf-8"><link rel="icon" href="data:,">${head}</head><body>${body}</body></html>`);
  page("twice.html", `
    <battlepass-progress id="before" proxy-url="/" player-id="p-before" game-id="g-1"></battlepass-progress>
    <script type="module" src="${SCRIPT}"></script>
    <script type="module" src="${SCRIPT}?copy=2"></script>`);
  const widget = `<battlepass-progress id="bp" proxy-url="/" player-id="p-style" game-id="g-1" theme="light"></battlepass-progress>
    <h2 class="pw-title" id="outside">Page heading</h2>
    <script type="module" src="${SCRIPT}"></script>`;
  page("plain.html", widget);
  page("hostile.html", widget, `<style>${HOSTILE}</style>`);
  page("empty.html", `<script type="module" src="${SCRIPT}"></script>`);
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
  await page.goto(`${stack.proxy.url}${path}`);
  return { page, ...recorded };
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const asked = async (fragment) => (await stack.requests()).filter((r) => r.path.includes(fragment)).length;

test("loaded from a sub-folder, twice: elements before and after load render, with one wasm instance", async () => {
  const { page, traffic, errors } = await open("/twice.html");
  await page.locator("#before .pw-level").first().waitFor();
  await page.evaluate(() => {
    const late = document.createElement("collection-progress");
    late.id = "after";
    for (const [k, v] of Object.entries({ "proxy-url": "/", platform: "discord", "platform-user-id": "42" })) late.setAttribute(k, v);
    document.body.append(late);
  });
  await page.locator("#after .pw-card").first().waitFor();
  assert.ok((await page.locator("#before .pw").textContent()).includes("Player p-before"));
  await page.waitForLoadState("networkidle");
  const wasm = traffic.filter((r) => r.url.endsWith(".wasm"));
  assert.equal(wasm.length, 1, "one wasm download and instance");
  assert.ok(wasm[0].url.includes("/cdn/v1/progress-widgets/"), "found next to the script");
  assert.deepEqual(errors, []);
  await page.close();
});

test("a hostile page stylesheet changes nothing inside, and the widget's CSS does not leak out", async () => {
  const styles = async (path) => {
    const { page } = await open(path);
    await page.locator("#bp .pw-level").first().waitFor();
    const result = await page.evaluate(() => {
      const root = document.querySelector("#bp").shadowRoot;
      const pick = (el) => {
        const cs = getComputedStyle(el);
        return ["color", "font-family", "font-size", "font-style", "display", "letter-spacing", "line-height", "text-transform", "background-color"]
          .map((p) => `${p}=${cs.getPropertyValue(p)}`).join("; ");
      };
      const inside = [".pw", ".pw-title", ".pw-level", ".pw-bar", ".pw-reward-name", ".pw-challenge"]
        .map((selector) => `${selector}: ${pick(root.querySelector(selector))}`);
      return { inside, outside: getComputedStyle(document.querySelector("#outside")).fontSize };
    });
    await page.close();
    return result;
  };
  const plain = await styles("/plain.html");
  const hostile = await styles("/hostile.html");
  assert.deepEqual(hostile.inside, plain.inside);
  assert.notEqual(plain.outside, "18px", "the widget's .pw-title rule must not style the page's own .pw-title");
});

test("changing an attribute shows the other player's progress", async () => {
  const { page } = await open("/plain.html");
  await page.locator("#bp .pw-level").first().waitFor();
  await page.evaluate(() => document.querySelector("#bp").setAttribute("player-id", "p-switched"));
  await page.locator("#bp .pw-player-id", { hasText: "Player p-switched" }).waitFor();
  await page.evaluate(() => document.querySelector("#bp").setAttribute("theme", "dark"));
  const background = await page.evaluate(() => getComputedStyle(document.querySelector("#bp").shadowRoot.querySelector(".pw")).backgroundColor);
  assert.equal(background, "rgb(24, 24, 34)", "the dark theme applies");
  await page.close();
});

test("a removed element makes no more requests, even with refresh=1; re-inserted, it works again", async () => {
  const { page } = await open("/empty.html");
  await page.evaluate(() => {
    const el = document.createElement("battlepass-progress");
    el.id = "gone";
    for (const [k, v] of Object.entries({ "proxy-url": "/", "player-id": "p-removal", "game-id": "g-1", refresh: "1" })) el.setAttribute(k, v); // the old attribute name, still read
    document.body.append(el);
  });
  await page.locator("#gone .pw-level").first().waitFor();
  // The refresh really runs: more requests arrive while it is in the page.
  for (let i = 0; i < 50 && (await asked("/players/p-removal/")) < 3; i++) await sleep(200);
  assert.ok((await asked("/players/p-removal/")) >= 3, "background refresh every second");
  await page.evaluate(() => { window.kept = document.querySelector("#gone"); window.kept.remove(); });
  await sleep(300); // let a request already on the wire land
  const atRemoval = await asked("/players/p-removal/");
  await sleep(2500);
  assert.equal(await asked("/players/p-removal/"), atRemoval, "no request after removal");
  await page.evaluate(() => document.body.append(window.kept));
  await page.locator("#gone .pw-level").first().waitFor();
  assert.ok((await asked("/players/p-removal/")) > atRemoval, "re-inserted, it fetches again");
  await page.close();
});

test("progress-load and progress-error fire with the documented detail; refresh() settles", async () => {
  const { page, errors } = await open("/empty.html");
  const events = await page.evaluate(async () => {
    const seen = [];
    const make = (attributes) => {
      const el = document.createElement(attributes.platform ? "collection-progress" : "battlepass-progress");
      for (const [k, v] of Object.entries(attributes)) el.setAttribute(k, v);
      return el;
    };
    const wait = (el) => new Promise((resolve) => {
      const done = (event) => resolve({ type: event.type, target: event.target.localName, detail: event.detail });
      el.addEventListener("progress-load", done, { once: true });
      el.addEventListener("progress-error", done, { once: true });
    });
    document.addEventListener("progress-load", (e) => seen.push(e.target.localName));
    const ok = make({ "proxy-url": "/", "player-id": "p-events", "game-id": "g-1", "refresh-interval": "0" });
    const okEvent = wait(ok);
    document.body.append(ok);
    const failing = make({ "proxy-url": "/", "player-id": "status-500", "game-id": "g-1", "refresh-interval": "0" });
    const failingEvent = wait(failing);
    document.body.append(failing);
    const missing = make({ "proxy-url": "/", "player-id": "p" });
    const missingEvent = wait(missing);
    document.body.append(missing);
    const results = { ok: await okEvent, failing: await failingEvent, missing: await missingEvent };
    results.missingText = missing.shadowRoot.querySelector("[part='error']").textContent;
    results.refreshed = (await ok.refresh()).player.externalPlayerId;
    results.bubbled = seen;
    return results;
  });
  assert.equal(events.ok.type, "progress-load");
  assert.equal(events.ok.target, "battlepass-progress", "retargeted to the element");
  assert.equal(events.ok.detail.player.externalPlayerId, "p-events");
  assert.equal(events.ok.detail.battlepassProgress.currentExp, 2750);
  assert.deepEqual(events.failing.detail.kind, "http");
  assert.equal(events.failing.detail.status, 500);
  assert.match(events.failing.detail.message, /HTTP 500/);
  assert.equal(events.missing.type, "progress-error");
  assert.equal(events.missing.detail.kind, "config");
  assert.match(events.missingText, /game-id/);
  assert.equal(events.refreshed, "p-events");
  assert.ok(events.bubbled.length >= 2, "events bubble to the document");
  assert.deepEqual(errors.filter((e) => !e.includes("500")), [], "nothing thrown into the page");
  await page.close();
});

test("player-token goes to the proxy as a bearer token and never further", async () => {
  const { page, traffic } = await open("/empty.html");
  await page.evaluate(() => {
    const el = document.createElement("battlepass-progress");
    el.id = "token";
    for (const [k, v] of Object.entries({ "proxy-url": "/", "player-id": "p-token", "game-id": "g-1", "player-token": "tok-123", "refresh-interval": "0" })) el.setAttribute(k, v);
    document.body.append(el);
  });
  await page.locator("#token .pw-level").first().waitFor();
  await page.waitForLoadState("networkidle");
  const sent = traffic.find((r) => r.url.includes("/whalepass/players/p-token/progress"));
  assert.equal(sent.requestHeaders.authorization, "Bearer tok-123");
  const upstream = (await stack.requests()).filter((r) => r.path.includes("p-token"));
  assert.ok(upstream.length > 0);
  for (const request of upstream) {
    assert.ok(!request.headers.some(([name, value]) => name === "authorization" || value.includes("tok-123")), "the token stays at the proxy");
  }
  await page.close();
});

test("a failed background refresh keeps the progress on screen with a dismissable notice", async () => {
  const { page } = await open("/empty.html");
  await page.evaluate(() => {
    const el = document.createElement("battlepass-progress");
    el.id = "stale";
    for (const [k, v] of Object.entries({ "proxy-url": "/", "player-id": "fail-after-first", "game-id": "g-1", "refresh-interval": "1" })) el.setAttribute(k, v);
    document.body.append(el);
  });
  await page.locator("#stale .pw-level").first().waitFor();
  const notice = page.locator("#stale [part~='error']");
  await notice.waitFor();
  assert.match(await notice.textContent(), /Couldn't refresh.*HTTP 503.*Maintenance/s);
  assert.equal(await page.locator("#stale .pw-level").count(), 6, "the progress stays");
  assert.equal(await page.locator("#stale .pw-loading").count(), 0, "no loading flash");
  await page.evaluate(() => document.querySelector("#stale").setAttribute("refresh-interval", "0"));
  await page.locator("#stale [part~='dismiss']").click();
  await notice.waitFor({ state: "detached" });
  assert.equal(await page.locator("#stale .pw-level").count(), 6);
  await page.close();
});

test("numbers and dates follow the locale attribute, else the page's lang", async () => {
  const { page } = await open("/empty.html");
  await page.evaluate(() => {
    const make = (id, attributes, parent = document.body) => {
      const el = document.createElement("battlepass-progress");
      el.id = id;
      for (const [k, v] of Object.entries({ "proxy-url": "/", "player-id": "p-locale", "game-id": "g-1", "refresh-interval": "0", ...attributes })) el.setAttribute(k, v);
      parent.append(el);
    };
    make("german", { locale: "de-DE" });
    const french = document.createElement("div");
    french.lang = "fr";
    document.body.append(french);
    make("french", {}, french);
  });
  const text = async (id) => {
    await page.locator(`#${id} .pw-price`).waitFor();
    return page.locator(`#${id} .pw`).textContent();
  };
  const german = await text("german");
  assert.ok(german.includes("2.750 XP") && german.includes("Dez. 2026"), german);
  assert.match(await text("french"), /2\s750 XP/u);
  await page.evaluate(() => document.querySelector("#german").setAttribute("locale", "en-US"));
  await page.locator("#german .pw-xp-total", { hasText: "2,750 XP" }).waitFor();
  assert.ok((await text("german")).includes("Dec 15, 2026"));
  await page.close();
});

test("background refresh pauses while the tab is hidden and runs when it is visible again", async () => {
  const { page } = await open("/empty.html");
  await page.evaluate(() => {
    const el = document.createElement("battlepass-progress");
    el.id = "hidden";
    for (const [k, v] of Object.entries({ "proxy-url": "/", "player-id": "p-hidden", "game-id": "g-1", "refresh-interval": "1" })) el.setAttribute(k, v);
    document.body.append(el);
  });
  await page.locator("#hidden .pw-level").first().waitFor();
  const setHidden = (hidden) => page.evaluate((hidden) => {
    Object.defineProperty(document, "hidden", { value: hidden, configurable: true });
    Object.defineProperty(document, "visibilityState", { value: hidden ? "hidden" : "visible", configurable: true });
    // Browsers fire it at the document, bubbling to the window.
    document.dispatchEvent(new Event("visibilitychange", { bubbles: true }));
  }, hidden);
  await setHidden(true);
  await sleep(300);
  const whileHidden = await asked("/players/p-hidden/");
  await sleep(2500);
  assert.equal(await asked("/players/p-hidden/"), whileHidden, "no refresh while hidden");
  await page.evaluate(() => document.querySelector("#hidden").setAttribute("refresh-interval", "3600"));
  await setHidden(false);
  for (let i = 0; i < 25 && (await asked("/players/p-hidden/")) === whileHidden; i++) await sleep(100);
  assert.ok((await asked("/players/p-hidden/")) > whileHidden, "visible again: refreshed at once, not after the hour");
  await page.close();
});
