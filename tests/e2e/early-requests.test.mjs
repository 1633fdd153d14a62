// The entry script starts each element's first requests while the wasm loads, and the widget
// takes them instead of asking again: one request per URL, started before the wasm, the token in
// a header and never in the URL. An element removed before the wasm is ready aborts its request.
// The widgets' `Intl` formatters are made once the first answer is in, and the widgets use those.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { launchBrowser, recordTraffic, startLiveStack } from "./support.mjs";

const ROOT = new URL("../../", import.meta.url).pathname;

let stack, browser, site;

/** The `<link>` preload hints of README.md, checked to be the same in the package's README. */
function readmeHints() {
  const hints = (file) => readFileSync(join(ROOT, file), "utf8").split("\n").filter((line) => line.startsWith("<link rel=") && line.includes("preload")).join("\n");
  const fromReadme = hints("README.md");
  assert.match(fromReadme, /rel="modulepreload"[^\n]*\n<link rel="preload"/, "README.md gives both hints");
  assert.equal(hints("js/README.md"), fromReadme, "the package README gives the same hints");
  return fromReadme.replaceAll("https://cdn.example.com/progress-widgets/", "/pkg/");
}
before(async () => {
  site = mkdtempSync(join(tmpdir(), "pw-early-site-"));
  symlinkSync(join(ROOT, "pkg"), join(site, "pkg"));
  symlinkSync(join(ROOT, "www"), join(site, "www"));
  const page = (body) => `<!doctype html><html lang="en"><head><meta charset="utf-8"><link rel="icon" href="data:,"></head>
    <body>${body}<script type="module" src="/pkg/progress-widgets.js"></script></body></html>`;
  writeFileSync(join(site, "index.html"), page(`
    <battlepass-progress id="bp" proxy-url="/" player-id=" auth0|p-42 " game-id="g-1" battlepass-id="bp-7"
      player-token="early-token-123" refresh-interval="0"></battlepass-progress>
    <collection-progress id="col" proxy-url="/" platform="discord" platform-user-id="123456789012345678"
      refresh-interval="0"></collection-progress>`));
  // Removed as soon as it is defined, long before the wasm is ready.
  writeFileSync(join(site, "removed.html"), page(`
    <battlepass-progress id="gone" proxy-url="/" player-id="slow" game-id="g-1" refresh-interval="0"></battlepass-progress>
    <script>customElements.whenDefined("battlepass-progress").then(() => document.getElementById("gone").remove());</script>`));
  // The page with the preload hints, exactly as both READMEs give them (CDN path → /pkg/).
  writeFileSync(join(site, "hints.html"), page(`${readmeHints()}
    <battlepass-progress id="bp" proxy-url="/" player-id="p-42" game-id="g-1" refresh-interval="0"></battlepass-progress>`));
  stack = await startLiveStack(site, {});
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
  stack?.stop();
});

test("first requests start before the wasm is ready and are taken, once, by the widget", async () => {
  const page = await browser.newPage();
  const { traffic, errors } = recordTraffic(page);
  await page.goto(`${stack.proxy.url}/`);
  await page.locator("#bp .pw-level").first().waitFor();
  await page.locator("#bp .pw-title", { hasText: "Tides of the Deep" }).first().waitFor();
  await page.locator("#col .pw-card").first().waitFor();
  const timing = await page.evaluate(() => performance.getEntriesByType("resource").map((e) => ({ name: e.name, start: e.startTime })));
  const started = (part) => timing.filter((e) => e.name.includes(part));
  const wasm = started("progress_widgets_bg.wasm");
  assert.equal(wasm.length, 1);
  for (const part of ["/whalepass/players/auth0%7Cp-42/progress?gameId=g-1&battlepassId=bp-7", "/whalepass/battlepass/bp-7", "/giftoin/users/discord/123456789012345678/progress/collection-challenges"]) {
    const requests = started(part);
    assert.equal(requests.length, 1, `exactly one request for ${part}: ${JSON.stringify(timing)}`);
    assert.ok(requests[0].start <= wasm[0].start, `${part} started before the wasm was fetched`);
  }
  const progress = traffic.find((r) => r.url.includes("/whalepass/players/"));
  assert.equal(progress.requestHeaders.authorization, "Bearer early-token-123");
  assert.ok(!traffic.some((r) => r.url.includes("early-token-123")), "the token never appears in a URL");
  // What the widget announced is what the early request answered.
  const detail = await page.evaluate(() => document.getElementById("bp").refresh());
  assert.ok(detail.battlepassProgress);
  assert.deepEqual(errors, []);
  await page.close();
});

test("the widgets' Intl formatters are made once the first answer is in, while the wasm loads, and are the ones the widgets use", async () => {
  const page = await browser.newPage();
  // Counts the date formatters made, and notes whether the wasm was instantiated by then.
  await page.addInitScript(() => {
    window.__formatters = [];
    const instantiate = WebAssembly.instantiateStreaming;
    WebAssembly.instantiateStreaming = (...args) => instantiate(...args).then((result) => { window.__instantiated = true; return result; });
    Intl.DateTimeFormat = new Proxy(Intl.DateTimeFormat, {
      construct(target, args) {
        window.__formatters.push({ locale: String(args[0]), afterWasm: window.__instantiated === true, at: performance.now() });
        return Reflect.construct(target, args);
      },
    });
  });
  // The wasm arrives half a second late, as on a slow network: the answers are in first.
  await page.route("**/progress_widgets_bg.wasm", async (route) => {
    await new Promise((resolve) => setTimeout(resolve, 500));
    await route.continue();
  });
  await page.goto(`${stack.proxy.url}/`);
  await page.locator("#bp .pw-title", { hasText: "Tides of the Deep" }).first().waitFor();
  await page.locator("#col .pw-card").first().waitFor();
  // The season's dates are on screen: the widget formatted dates.
  const dates = await page.locator("#bp .pw-dates").first().textContent();
  assert.match(dates, /\b20\d\d\b/, dates);
  // One formatter for the page's `en`, made before the wasm was there: the widgets found the
  // entry script's (one `js/browser.js` in the bundle), and none had to make its own.
  const made = await page.evaluate(() => window.__formatters);
  assert.deepEqual(made.map(({ locale, afterWasm }) => ({ locale, afterWasm })), [{ locale: "en", afterWasm: false }]);
  // Not before the first answer: made sooner, they could hold up the wasm's start.
  const firstAnswer = await page.evaluate(() => Math.min(...performance.getEntriesByType("resource").filter((e) => /\/(whalepass|giftoin)\//.test(e.name)).map((e) => e.responseStart)));
  assert.ok(made[0].at >= firstAnswer, `made at ${made[0].at} ms, the first answer in at ${firstAnswer} ms`);
  await page.close();
});

test("an element removed before the wasm is ready aborts its early request", async () => {
  const page = await browser.newPage();
  const { traffic } = recordTraffic(page);
  await page.goto(`${stack.proxy.url}/removed.html`);
  await page.waitForFunction(() => customElements.get("battlepass-progress") && document.getElementById("gone") === null);
  await page.waitForTimeout(300);
  const progress = traffic.filter((r) => r.url.includes("/whalepass/players/slow/"));
  assert.equal(progress.length, 1, JSON.stringify(traffic.map((r) => r.url)));
  assert.match(progress[0].failed ?? "", /ABORTED/);
  await page.close();
});

test("the README's preload hints are taken: the entry script and the wasm are each downloaded once", async () => {
  const page = await browser.newPage();
  const { traffic, errors } = recordTraffic(page);
  const warnings = [];
  page.on("console", (msg) => { if (msg.type() === "warning" && /preload/i.test(msg.text())) warnings.push(msg.text()); });
  await page.goto(`${stack.proxy.url}/hints.html`);
  await page.locator("#bp .pw-level").first().waitFor();
  const downloads = (file) => traffic.filter((r) => new URL(r.url).pathname === `/pkg/${file}`);
  assert.equal(downloads("progress_widgets_bg.wasm").length, 1, JSON.stringify(traffic.map((r) => r.url)));
  assert.equal(downloads("progress-widgets.js").length, 1, JSON.stringify(traffic.map((r) => r.url)));
  // Started by the page, not by the entry script: the wasm's request is the preload's.
  const initiators = await page.evaluate(() => performance.getEntriesByType("resource").filter((e) => e.name.endsWith(".wasm")).map((e) => e.initiatorType));
  assert.deepEqual(initiators, ["link"]);
  assert.deepEqual(errors, []);
  assert.deepEqual(warnings, []);
  await page.close();
});
