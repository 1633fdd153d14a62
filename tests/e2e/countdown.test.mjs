// Countdowns keep counting: a collection's "time left" and the season's end move each minute,
// then each second in the last hour, and say "Ended" at the end, in a <time datetime>. The page's
// clock is Playwright's, so an hour passes in a moment. One `Intl.DurationFormat` does every tick.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { entrySite, launchBrowser, startLiveStack } from "./support.mjs";

let stack, browser;
before(async () => {
  const site = entrySite("countdown");
  stack = await startLiveStack(site, {});
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
  stack?.stop();
});

test("a collection's time left counts down by the minute, then by the second, then says Ended", async () => {
  const page = await browser.newPage();
  // Counts the duration formatters made: one for the page, however many times the text changes.
  await page.addInitScript(() => {
    window.__spans = 0;
    if (Intl.DurationFormat) {
      Intl.DurationFormat = new Proxy(Intl.DurationFormat, { construct: (target, args) => (window.__spans++, Reflect.construct(target, args)) });
    }
  });
  await page.clock.install({ time: new Date("2026-12-01T00:00:00Z") });
  await page.goto(`${stack.proxy.url}/`);
  await page.evaluate(() => {
    document.body.innerHTML = `<collection-progress proxy-url="/" platform="discord" platform-user-id="123" program-id="program_ocean" refresh-interval="0"></collection-progress>`;
  });
  // The fixture's timeLeft is 93,784,000 ms: 1 d 2 h 3 m 4 s.
  const left = page.locator("collection-progress time.pw-time-left");
  await left.waitFor();
  assert.equal(await left.textContent(), "1d 2h left");
  const datetime = await left.getAttribute("datetime");
  assert.match(datetime, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
  await page.clock.fastForward("01:00:00");
  assert.equal(await left.textContent(), "1d 1h left");
  // Into the last hour: seconds.
  await page.clock.fastForward("24:30:00");
  assert.match(await left.textContent(), /^33m \d+s left$/);
  const before = await left.textContent();
  await page.clock.fastForward(2_000);
  assert.notEqual(await left.textContent(), before, "it moves each second in the last hour");
  await page.clock.fastForward("01:00:00");
  assert.equal(await left.textContent(), "Ended");
  assert.equal(await left.getAttribute("datetime"), datetime, "the end itself never moves");
  assert.equal(await page.evaluate(() => window.__spans), 1, "one Intl.DurationFormat, reused for every tick");
  await page.close();
});

test("the season's end counts down too", async () => {
  const page = await browser.newPage();
  // The fixture's season ends 2026-12-15T00:00:00Z.
  await page.clock.install({ time: new Date("2026-12-14T22:00:00Z") });
  await page.goto(`${stack.proxy.url}/`);
  await page.evaluate(() => {
    document.body.innerHTML = `<battlepass-progress proxy-url="/" player-id="p-42" game-id="g-1" refresh-interval="0"></battlepass-progress>`;
  });
  const left = page.locator("battlepass-progress .pw-header time.pw-time-left");
  await left.waitFor();
  assert.equal(await left.getAttribute("datetime"), "2026-12-15T00:00:00.000Z");
  assert.match(await left.textContent(), /^(2h|1h 59m) left$/);
  await page.clock.fastForward("01:30:00");
  assert.match(await left.textContent(), /^(30m|29m \d+s) left$/);
  await page.close();
});
