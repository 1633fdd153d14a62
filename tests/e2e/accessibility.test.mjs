// WCAG 2.2 A and AA, checked by axe-core (pinned in package-lock.json) inside the widgets' shadow
// roots: both widgets, light, dark and auto (under both prefers-color-scheme), 1280 and 390 px wide, with data, while loading, on an
// error, and with the "couldn't refresh" notice. Any violation fails, with the rule and the nodes.
// Also: the level track can be reached with the keyboard, and focus never drops to <body> after
// Retry or Dismiss.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { entrySite, launchBrowser, startLiveStack } from "./support.mjs";

const ROOT = new URL("../../", import.meta.url).pathname;
const AXE = join(ROOT, "node_modules/axe-core/axe.min.js");
const TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"];

let stack, browser;
before(async () => {
  const site = entrySite("a11y");
  stack = await startLiveStack(site, {});
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
  stack?.stop();
});

let opened = 0;
/** The page with one battle pass and one collection widget for `state`, in `theme`. */
async function open(width, theme, state) {
  opened += 1;
  // `auto-dark` and `auto-light`: theme="auto" under each `prefers-color-scheme`.
  const [attribute, scheme] = theme.startsWith("auto-") ? ["auto", theme.slice(5)] : [theme, "light"];
  theme = attribute;
  const page = await browser.newPage({ viewport: { width, height: 900 }, colorScheme: scheme });
  await page.goto(`${stack.proxy.url}/`);
  const ids = { data: ["p-42", "123456789012345678"], loading: ["slow", "slow"], error: ["status-500", "status-500"], stale: [`fail-after-first-${opened}`, `fail-after-first-${opened}`] }[state];
  await page.evaluate(({ theme, ids, state }) => {
    const main = document.querySelector("main");
    const refresh = state === "stale" ? "1" : "0";
    main.innerHTML = `
      <battlepass-progress theme="${theme}" proxy-url="/" player-id="${ids[0]}" game-id="g-1" refresh-interval="${refresh}"></battlepass-progress>
      <collection-progress theme="${theme}" proxy-url="/" platform="discord" platform-user-id="${ids[1]}" refresh-interval="${refresh}"></collection-progress>`;
  }, { theme, ids, state });
  const shown = {
    data: ["battlepass-progress .pw-level", "collection-progress .pw-card"],
    loading: ["battlepass-progress .pw-loading", "collection-progress .pw-loading"],
    error: ["battlepass-progress .pw-error", "collection-progress .pw-error"],
    stale: ["battlepass-progress .pw-error-notice", "collection-progress .pw-error-notice"],
  }[state];
  for (const selector of shown) await page.locator(selector).first().waitFor({ timeout: 15_000 });
  return page;
}

/** axe's violations on the page, one line per rule with its nodes. */
async function violations(page) {
  await page.addScriptTag({ path: AXE });
  const found = await page.evaluate(async (tags) => {
    // Wait for the bar's transition and any fade to end, so that colours are final.
    await new Promise((resolve) => setTimeout(resolve, 500));
    const result = await window.axe.run(document, { runOnly: { type: "tag", values: tags }, resultTypes: ["violations"] });
    return result.violations.map((v) => `${v.id}: ${v.nodes.map((n) => `${n.target.join(" ")} ${n.failureSummary?.split("\n")[1]?.trim() ?? ""}`).join(" | ")}`);
  }, TAGS);
  return found;
}

for (const state of ["data", "loading", "error", "stale"]) {
  test(`no WCAG 2.2 AA violation: ${state}, light, dark and auto (both schemes), 1280 and 390 px`, async () => {
    const problems = [];
    for (const theme of ["light", "dark", "auto-light", "auto-dark"]) {
      for (const width of [1280, 390]) {
        const page = await open(width, theme, state);
        for (const line of await violations(page)) problems.push(`${theme} ${width}px: ${line}`);
        // A picture of each widget in each theme, width and state, to look at (target/e2e/).
        mkdirSync(join(ROOT, "target/e2e"), { recursive: true });
        for (const element of ["battlepass-progress", "collection-progress"]) {
          await page.locator(element).screenshot({ path: join(ROOT, "target/e2e", `${element}-${state}-${theme}-${width}.png`) });
        }
        await page.close();
      }
    }
    assert.deepEqual(problems, []);
  });
}

test("the level track is reachable with Tab, and focus stays on Retry and returns to the widget after Dismiss", async () => {
  const page = await open(1280, "light", "data");
  // Tab through the battle pass: the scrolling level list takes focus.
  const track = page.locator("battlepass-progress .pw-levels");
  assert.equal(await track.getAttribute("tabindex"), "0");
  await track.focus();
  assert.equal(await page.evaluate(() => document.querySelector("battlepass-progress").shadowRoot.activeElement?.classList.contains("pw-levels")), true);
  await page.close();

  const failing = await open(1280, "light", "error");
  const retry = failing.locator("battlepass-progress .pw-error button");
  await retry.focus();
  await retry.press("Enter");
  // Whatever the retry shows next, focus is still inside the widget, never on <body>.
  await failing.waitForTimeout(300);
  const focusedInside = await failing.evaluate(() => {
    const host = document.querySelector("battlepass-progress");
    return document.activeElement === host && host.shadowRoot.activeElement !== null;
  });
  assert.ok(focusedInside, "focus stays in the widget after Retry");
  await failing.close();

  const stale = await open(1280, "light", "stale");
  const dismiss = stale.locator("battlepass-progress .pw-dismiss");
  await dismiss.focus();
  await dismiss.press("Enter");
  await stale.waitForTimeout(100);
  const afterDismiss = await stale.evaluate(() => {
    const host = document.querySelector("battlepass-progress");
    return document.activeElement === host ? host.shadowRoot.activeElement?.className ?? "" : document.activeElement?.tagName;
  });
  assert.match(afterDismiss, /pw-battlepass/, "focus moves to the widget after Dismiss");
  await stale.close();
});

test("at 390 px the current level is scrolled into the middle of the track once, and a refresh leaves the player's scrolling alone", async () => {
  const page = await browser.newPage({ viewport: { width: 390, height: 900 } });
  await page.goto(`${stack.proxy.url}/`);
  // The track is centred (and its back button enabled) in the frame that first shows the data, as
  // it is about to be painted (an animation callback asked for after `progress-load` runs after
  // the widget's own): never drawn at the start first and then jumping.
  await page.evaluate(() => {
    window.__place = () => {
      const root = document.querySelector("battlepass-progress").shadowRoot;
      const list = root.querySelector(".pw-levels").getBoundingClientRect();
      const current = root.querySelector(".pw-current").getBoundingClientRect();
      const back = root.querySelector(".pw-page").getAttribute("aria-disabled");
      return { scrolled: root.querySelector(".pw-levels").scrollLeft, left: current.left - list.left, right: list.right - current.right, pageX: window.scrollX, back };
    };
    document.addEventListener("progress-load", () => requestAnimationFrame(() => { window.__firstFrame = window.__place(); }), { once: true });
    document.querySelector("main").innerHTML = `<battlepass-progress proxy-url="/" player-id="p-42" game-id="g-1" refresh-interval="0"></battlepass-progress>`;
  });
  const first = await (await page.waitForFunction(() => window.__firstFrame)).jsonValue();
  const place = () => page.evaluate(() => window.__place());
  assert.ok(first.scrolled > 0, `the track scrolled to the current level: ${JSON.stringify(first)}`);
  assert.equal(first.back, "false", `the back button works once the track has scrolled: ${JSON.stringify(first)}`);
  assert.ok(first.left >= 0 && first.right >= 0, `the current level is fully visible: ${JSON.stringify(first)}`);
  assert.equal(first.pageX, 0, "only the track scrolls, never the page");
  // The player scrolls back to the start; a refresh must not undo it.
  await page.evaluate(() => { document.querySelector("battlepass-progress").shadowRoot.querySelector(".pw-levels").scrollLeft = 0; });
  await page.evaluate(() => document.querySelector("battlepass-progress").refresh());
  await page.waitForTimeout(200);
  assert.equal((await place()).scrolled, 0);
  await page.close();
});

test("the track pages with its buttons and with Home, End, Page Up and Page Down; a button at an end says it is disabled and keeps focus", async () => {
  const page = await browser.newPage({ viewport: { width: 390, height: 900 } });
  await page.goto(`${stack.proxy.url}/`);
  await page.evaluate(() => {
    document.querySelector("main").innerHTML = `<battlepass-progress proxy-url="/" player-id="p-42" game-id="g-1" refresh-interval="0"></battlepass-progress>`;
  });
  await page.locator("battlepass-progress .pw-current").waitFor();
  const track = page.locator("battlepass-progress .pw-levels");
  const earlier = page.locator("battlepass-progress button[aria-label='Earlier levels']");
  const later = page.locator("battlepass-progress button[aria-label='Later levels']");
  const scrolled = () => track.evaluate((list) => ({ left: Math.round(list.scrollLeft), max: list.scrollWidth - list.clientWidth }));
  const settled = async () => { await page.waitForTimeout(150); return scrolled(); };

  await track.focus();
  await track.press("Home");
  assert.equal((await settled()).left, 0);
  assert.equal(await earlier.getAttribute("aria-disabled"), "true");
  assert.equal(await later.getAttribute("aria-disabled"), "false");
  await track.press("PageDown");
  const paged = await settled();
  assert.ok(paged.left > 0, `Page Down pages forward: ${JSON.stringify(paged)}`);
  await track.press("End");
  const end = await settled();
  assert.ok(end.left >= end.max - 1, `End reaches the last level: ${JSON.stringify(end)}`);
  assert.equal(await later.getAttribute("aria-disabled"), "true");
  await track.press("PageUp");
  assert.ok((await settled()).left < end.left, "Page Up pages back");

  // The buttons, from the keyboard: Enter on "Earlier levels" pages back; at the start it says it
  // is disabled, and focus stays on it.
  await track.press("End");
  await settled();
  await earlier.focus();
  await earlier.press("Enter");
  assert.ok((await settled()).left < end.left, "Earlier levels pages back");
  for (let i = 0; i < 5; i++) await earlier.press("Enter");
  assert.equal((await settled()).left, 0);
  assert.equal(await earlier.getAttribute("aria-disabled"), "true");
  await earlier.press("Enter");
  assert.equal(await page.evaluate(() => document.querySelector("battlepass-progress").shadowRoot.activeElement?.getAttribute("aria-label")), "Earlier levels");
  await later.press("Enter");
  assert.ok((await settled()).left > 0, "Later levels pages forward");
  await page.close();
});

test("layout=compact shows the season, the XP bar and the next reward only, and meets WCAG 2.2 AA", async () => {
  const problems = [];
  for (const theme of ["light", "dark"]) {
    const page = await browser.newPage({ viewport: { width: 390, height: 900 } });
    await page.goto(`${stack.proxy.url}/`);
    await page.evaluate((theme) => {
      document.querySelector("main").innerHTML = `<battlepass-progress layout="compact" theme="${theme}" proxy-url="/" player-id="p-42" game-id="g-1" refresh-interval="0"></battlepass-progress>`;
    }, theme);
    await page.locator("battlepass-progress .pw-next-reward").waitFor();
    const visible = async (selector) => page.locator(`battlepass-progress ${selector}`).first().isVisible();
    for (const shown of [".pw-title", ".pw-time-left", "[part='xp-bar']", ".pw-level-now", ".pw-next-reward"]) {
      // The season's countdown comes with the second answer (the season, asked for once the
      // progress names it), which can land after the next reward on a busy machine.
      await page.locator(`battlepass-progress ${shown}`).first().waitFor({ state: "visible", timeout: 10_000 }).catch(() => {});
      assert.equal(await visible(shown), true, `${shown} is shown`);
    }
    for (const hidden of [".pw-levels", ".pw-challenge", ".pw-player"]) {
      assert.equal(await visible(hidden), false, `${hidden} is hidden`);
    }
    assert.match(await page.locator("battlepass-progress .pw-next-reward").textContent(), /Tide Token.*×40.*at level 4/);
    for (const line of await violations(page)) problems.push(`${theme}: ${line}`);
    await page.locator("battlepass-progress").screenshot({ path: join(ROOT, "target/e2e", `battlepass-progress-compact-${theme}-390.png`) });
    // Back to the full layout by removing the attribute.
    assert.equal(await page.locator("battlepass-progress .pw-levels").count(), 0, "the track is not even rendered");
    await page.evaluate(() => document.querySelector("battlepass-progress").removeAttribute("layout"));
    await page.locator("battlepass-progress .pw-levels").waitFor();
    assert.equal(await visible(".pw-next-reward"), false);
    await page.close();
  }
  assert.deepEqual(problems, []);
});

test("screen readers hear one line on first load, 'Level 4 reached' on a level-up, and nothing for an unchanged refresh", async () => {
  const page = await browser.newPage();
  await page.goto(`${stack.proxy.url}/`);
  await page.evaluate(() => {
    document.querySelector("main").innerHTML = `<battlepass-progress proxy-url="/" player-id="level-up-after-first" game-id="g-1" locale="en-US" refresh-interval="0"></battlepass-progress>`;
  });
  await page.locator("battlepass-progress .pw-level").first().waitFor();
  const live = page.locator("battlepass-progress p.pw-sr[role=status]");
  assert.equal(await live.textContent(), "Level 3, 2,750 XP");
  // The widget itself is not a live region: only this line is.
  assert.equal(await page.locator("battlepass-progress [aria-live]").count(), 0);
  await page.evaluate(() => document.querySelector("battlepass-progress").refresh());
  assert.equal(await live.textContent(), "Level 4 reached");
  const changes = await page.evaluate(async () => {
    const target = document.querySelector("battlepass-progress").shadowRoot.querySelector("p.pw-sr[role=status]");
    let count = 0;
    const observer = new MutationObserver((records) => { count += records.length; });
    observer.observe(target, { subtree: true, characterData: true, childList: true });
    await document.querySelector("battlepass-progress").refresh();
    await new Promise((resolve) => setTimeout(resolve, 50));
    observer.disconnect();
    return count;
  });
  assert.equal(changes, 0, "an unchanged refresh announces nothing");
  assert.equal(await live.textContent(), "Level 4 reached");
  await page.close();
});
