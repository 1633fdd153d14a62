// The widget when the deployment's budget with a provider is spent (UPSTREAM_RPS_WHALEPASS): the
// proxy answers 503 with Retry-After, and the widget shows "busy, retrying", asks again by itself
// after that time, and then shows the progress, with no click and no error wall.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { launchBrowser, recordTraffic, startLiveStack } from "./support.mjs";

const ROOT = new URL("../../", import.meta.url).pathname;

let stack, browser;
before(async () => {
  const site = mkdtempSync(join(tmpdir(), "pw-busy-site-"));
  symlinkSync(join(ROOT, "pkg"), join(site, "pkg"));
  symlinkSync(join(ROOT, "www"), join(site, "www"));
  writeFileSync(join(site, "index.html"), `<!doctype html><html lang="en"><head><meta charset="utf-8"><link rel="icon" href="data:,">
    <script type="module" src="/pkg/progress-widgets.js"></script></head><body></body></html>`);
  // One Whalepass call per second for the whole deployment: of two cold players asked at once,
  // one waits.
  stack = await startLiveStack(site, { UPSTREAM_RPS_WHALEPASS: "1", CACHE_TTL_PROGRESS: "10s" });
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
  stack?.stop();
});

test("a spent provider budget: busy, retrying by itself, then the progress", async () => {
  const page = await browser.newPage({ viewport: { width: 1200, height: 1400 } });
  const { traffic, errors } = recordTraffic(page);
  await page.goto(`${stack.proxy.url}/`);
  await page.evaluate(() => {
    window.failures = [];
    for (const player of ["budget-1", "budget-2"]) {
      const el = document.createElement("battlepass-progress");
      el.id = player;
      el.addEventListener("progress-error", (e) => window.failures.push(e.detail));
      for (const [k, v] of Object.entries({ "proxy-url": "/", "player-id": player, "game-id": "g-1", refresh: "0" })) el.setAttribute(k, v);
      document.body.append(el);
    }
  });
  const busy = page.locator("battlepass-progress .pw-busy");
  await busy.first().waitFor();
  assert.match(await busy.first().innerText(), /busy\. Retrying in 1 s/);
  // Both show their levels without a click, and the notice goes away.
  await page.locator("#budget-1 .pw-level").first().waitFor();
  await page.locator("#budget-2 .pw-level").first().waitFor();
  assert.equal(await busy.count(), 0);
  const refused = traffic.filter((r) => r.url.includes("/whalepass/players/") && r.status === 503);
  assert.ok(refused.length >= 1, "the proxy refused one call");
  assert.ok(refused.every((r) => r.responseHeaders["retry-after"] !== undefined));
  const failures = await page.evaluate(() => window.failures);
  assert.ok(failures.length >= 1 && failures.every((f) => f.kind === "http" && f.status === 503), JSON.stringify(failures));
  assert.deepEqual(errors.filter((e) => !/503/.test(e)), []);
  await page.close();
});
