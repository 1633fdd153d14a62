// The entry script starts each element's first requests while the wasm loads, and the widget
// takes them instead of asking again: one request per URL, started before the wasm, the token in
// a header and never in the URL. An element removed before the wasm is ready aborts its request.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { launchBrowser, recordTraffic, startLiveStack } from "./support.mjs";

const ROOT = new URL("../../", import.meta.url).pathname;

let stack, browser, site;
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
