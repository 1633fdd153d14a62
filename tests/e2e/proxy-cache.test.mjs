// The widget through the proxy with its cache on, as deployed: when upstream starts failing,
// the proxy answers the last good progress (stale-if-error) and the widget shows it as it is,
// with no error and the same `progress-load` detail.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { launchBrowser, recordTraffic, startLiveStack } from "./support.mjs";

const ROOT = new URL("../../", import.meta.url).pathname;

let stack, browser;
before(async () => {
  const site = mkdtempSync(join(tmpdir(), "pw-cache-site-"));
  symlinkSync(join(ROOT, "pkg"), join(site, "pkg"));
  symlinkSync(join(ROOT, "www"), join(site, "www")); // the fixtures' images
  writeFileSync(join(site, "index.html"), `<!doctype html><html lang="en"><head><meta charset="utf-8"><link rel="icon" href="data:,">
    <script type="module" src="/pkg/progress-widgets.js"></script></head><body></body></html>`);
  // Freshness of 1 ms: every background refresh goes upstream, which fails after the first answer.
  stack = await startLiveStack(site, { CACHE_TTL_PROGRESS: "1ms" });
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
  stack?.stop();
});

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

test("a failing upstream behind the cache: the widget keeps showing progress, with no error", async () => {
  const page = await browser.newPage({ viewport: { width: 1200, height: 1400 } });
  const { traffic, errors } = recordTraffic(page);
  await page.goto(`${stack.proxy.url}/`);
  await page.evaluate(() => {
    window.loads = [];
    window.failures = [];
    const el = document.createElement("battlepass-progress");
    el.id = "cached";
    el.addEventListener("progress-load", (e) => window.loads.push(e.detail));
    el.addEventListener("progress-error", (e) => window.failures.push(e.detail));
    for (const [k, v] of Object.entries({ "proxy-url": "/", "player-id": "fail-after-first", "game-id": "g-1", refresh: "1" })) el.setAttribute(k, v);
    document.body.append(el);
  });
  await page.locator("#cached .pw-level").first().waitFor();
  const upstreamCalls = async () => (await stack.requests()).filter((r) => r.path === "/players/fail-after-first/progress").length;
  // Wait (bounded) until refreshes have reached the failing upstream at least twice.
  for (let i = 0; i < 100 && (await upstreamCalls()) < 3; i++) await sleep(100);
  assert.ok((await upstreamCalls()) >= 3, "background refreshes reached upstream");
  for (let i = 0; i < 50 && (await page.evaluate(() => window.loads.length)) < 3; i++) await sleep(100);

  const stale = traffic.filter((r) => r.url.includes("/whalepass/players/fail-after-first/") && r.responseHeaders["x-progress-proxy-stale"] === "1");
  assert.ok(stale.length >= 1, "the proxy answered stale progress");
  assert.ok(stale.every((r) => r.status === 200 && r.responseHeaders.age !== undefined));
  assert.equal(await page.locator("#cached [part~='error']").count(), 0, "no error or notice is shown");
  assert.equal(await page.locator("#cached .pw-level").count(), 6);
  const { loads, failures } = await page.evaluate(() => ({ loads: window.loads, failures: window.failures }));
  assert.deepEqual(failures, []);
  assert.ok(loads.length >= 3, `${loads.length} loads`);
  assert.deepEqual(loads.at(-1), loads[0], "a stale load has the same detail as the first");
  assert.deepEqual(errors, []);
  await page.close();
});
