// The guest view: a visitor who is not signed in sees the season (name, countdown, every tier with
// its free and premium rewards, no progress states) and a call to action to sign in, whose
// `progress-sign-in` event a page can take over; signing in later turns the same widget into the
// player's view without asking for the season again and without a blank frame.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { entrySite, launchBrowser, recordTraffic, startLiveStack } from "./support.mjs";

const ROOT = new URL("../../", import.meta.url).pathname;
const AXE = join(ROOT, "node_modules/axe-core/axe.min.js");
/** Every reward the season's tiers give, as the fake upstream's fixture lists them. */
const FIXTURE = JSON.parse(readFileSync(join(ROOT, "tests/fake-upstream/fixtures/whalepass-progress.json"), "utf8"));
const REWARDS = FIXTURE.battlepassProgress.levels.flatMap((l) => [...l.freeTierRewards, ...l.premiumTierRewards]).map((r) => r.name);
/** The season the fixture's progress belongs to, so the player view keeps the guest's season. */
const SEASON = FIXTURE.battlepassProgress.battlepassId;

let stack, browser;
before(async () => {
  stack = await startLiveStack(entrySite("guest"), {});
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
  stack?.stop();
});

/** A page with `html` in its <main>; resolves once `ready` (a selector) shows. */
async function pageWith(html, ready, { width = 1280, colorScheme = "light" } = {}) {
  const page = await browser.newPage({ viewport: { width, height: 900 }, colorScheme });
  const recorded = recordTraffic(page);
  await page.goto(`${stack.proxy.url}/`);
  await page.evaluate((html) => { document.querySelector("main").innerHTML = html; }, html);
  if (ready) await page.locator(ready).first().waitFor({ timeout: 15_000 });
  return { page, ...recorded };
}

const seasonRequests = async (id) => (await stack.requests()).filter((r) => r.path === `/battlepass/${id}`);
const progressRequests = async () => (await stack.requests()).filter((r) => r.path.startsWith("/players/"));

test("without a player: the season's name, countdown and every tier's rewards, with no progress state and no XP", async () => {
  const before = (await progressRequests()).length;
  const { page, errors } = await pageWith(
    `<battlepass-progress proxy-url="/" battlepass-id="bp-guest-1" refresh-interval="0"></battlepass-progress>`,
    "battlepass-progress .pw-level",
  );
  const root = "battlepass-progress";
  assert.equal(await page.locator(`${root} .pw-title`).textContent(), "Tides of the Deep");
  await page.locator(`${root} .pw-header .pw-time-left`).waitFor();
  const shown = await page.locator(`${root} .pw-levels`).textContent();
  for (const name of REWARDS) assert.ok(shown.includes(name), `${name} on the track: ${shown}`);
  assert.equal(await page.locator(`${root} .pw-level`).count(), FIXTURE.battlepassProgress.levels.length);
  // Every tier is a preview: no reached / in progress / locked state, no XP bar, no player.
  const parts = await page.locator(`${root} .pw-level`).evaluateAll((items) => items.map((li) => li.getAttribute("part")));
  assert.deepEqual(new Set(parts), new Set(["level preview"]));
  for (const absent of [".pw-level-state", ".pw-completed", ".pw-current", ".pw-locked", "[part~=xp-bar]", ".pw-player", ".pw-error"]) {
    assert.equal(await page.locator(`${root} ${absent}`).count(), 0, `no ${absent}`);
  }
  // The call to action: a button (no sign-in-url), announced by its name.
  const cta = page.getByRole("button", { name: "Sign in to track your progress" });
  assert.equal(await cta.getAttribute("part"), "sign-in");
  // One request: the season with its tiers; never a player's progress.
  const asked = await seasonRequests("bp-guest-1");
  assert.deepEqual(asked.map((r) => r.query), ["includeLevels=true"]);
  assert.equal((await progressRequests()).length, before);
  assert.deepEqual(errors, []);
  await page.close();
});

test("progress-sign-in fires on the element, composed and cancelable; the link is followed only when nobody prevents it", async () => {
  const html = `<battlepass-progress proxy-url="/" battlepass-id="bp-guest-2" sign-in-url="/www/signed-in?from=guest" refresh-interval="0"></battlepass-progress>`;
  const { page } = await pageWith(html, "battlepass-progress [part=sign-in]");
  const link = page.getByRole("link", { name: "Sign in to track your progress" });
  assert.equal(await link.getAttribute("href"), "/www/signed-in?from=guest");
  // A page with its own login dialog: it prevents the default, and the page stays.
  await page.evaluate(() => {
    window.seen = [];
    document.addEventListener("progress-sign-in", (event) => {
      window.seen.push({ target: event.target.localName, composed: event.composed, cancelable: event.cancelable, bubbles: event.bubbles, url: event.detail.url });
      if (window.preventSignIn) event.preventDefault();
    });
    window.preventSignIn = true;
  });
  await link.click();
  await page.waitForTimeout(300);
  assert.equal(new URL(page.url()).pathname, "/");
  assert.deepEqual(await page.evaluate(() => window.seen), [
    { target: "battlepass-progress", composed: true, cancelable: true, bubbles: true, url: "/www/signed-in?from=guest" },
  ]);
  // Nobody prevents it: the link is followed.
  await page.evaluate(() => { window.preventSignIn = false; });
  await Promise.all([page.waitForURL("**/www/signed-in?from=guest"), link.click()]);
  await page.close();
});

test("signing in turns the guest view into the player's: one season request in all, and the track never blank", async () => {
  const { page, errors } = await pageWith(
    `<battlepass-progress proxy-url="/" battlepass-id="${SEASON}" refresh-interval="0"></battlepass-progress>`,
    "battlepass-progress .pw-level",
  );
  const seasonBefore = (await seasonRequests(SEASON)).length;
  assert.equal(seasonBefore, 1, "the guest view asked for the season once");
  // Watch every frame from the sign-in on: the title and the track must always be there.
  await page.evaluate(() => {
    const root = document.querySelector("battlepass-progress").shadowRoot;
    window.blankFrames = 0;
    const watch = () => {
      const title = root.querySelector(".pw-title")?.textContent;
      if (title !== "Tides of the Deep" || root.querySelectorAll(".pw-level").length === 0) window.blankFrames += 1;
      if (!root.querySelector(".pw-xp")) requestAnimationFrame(watch);
    };
    requestAnimationFrame(watch);
    const element = document.querySelector("battlepass-progress");
    element.setAttribute("game-id", "g-1");
    element.setAttribute("player-id", "p-42");
  });
  await page.locator("battlepass-progress .pw-xp").waitFor();
  await page.locator("battlepass-progress .pw-current").waitFor();
  assert.equal(await page.evaluate(() => window.blankFrames), 0, "no frame without the season and the track");
  assert.equal(await page.locator("battlepass-progress [part=sign-in]").count(), 0, "no call to action once signed in");
  assert.equal(await page.locator("battlepass-progress [part~=preview]").count(), 0, "the player's states replace the preview");
  assert.equal((await seasonRequests(SEASON)).length, 1, "the season was not asked for again");
  assert.deepEqual(errors, []);
  await page.close();
});

test("a listener that signs the player in on the spot turns the view into the player's, with no error", async () => {
  const { page, errors } = await pageWith(
    `<battlepass-progress proxy-url="/" battlepass-id="${SEASON}" refresh-interval="0"></battlepass-progress>`,
    "battlepass-progress [part=sign-in]",
  );
  await page.evaluate(() => {
    // The page's login is already known (a session cookie, say): it signs in inside the listener.
    document.addEventListener("progress-sign-in", (event) => {
      event.preventDefault();
      const element = event.target;
      element.removeAttribute("battlepass-id");
      element.setAttribute("game-id", "g-1");
      element.setAttribute("player-id", "p-42");
    });
  });
  await page.locator("battlepass-progress [part=sign-in]").click();
  await page.locator("battlepass-progress .pw-xp").waitFor();
  assert.equal(await page.locator("battlepass-progress [part~=error]").count(), 0);
  assert.deepEqual(errors, []);
  await page.close();
});

test("the mount API: battlepassId alone, signInUrl, and onSignIn called with the event after the page's listeners", async () => {
  const { page } = await pageWith("", null);
  const result = await page.evaluate(async () => {
    const { mountBattlepass } = await import("/pkg/progress-widgets.js");
    const element = document.createElement("div");
    document.querySelector("main").append(element);
    const order = [];
    element.addEventListener("progress-sign-in", () => order.push("listener"));
    const handle = mountBattlepass(element, {
      proxyUrl: "/", battlepassId: "bp-guest-3", refreshInterval: 0, signInUrl: "https://login.example/",
      onSignIn: (event) => { order.push(`onSignIn ${event.type} ${event.detail.url}`); event.preventDefault(); },
    });
    const link = await new Promise((resolve) => {
      const look = () => element.querySelector("a[part=sign-in]") ? resolve(element.querySelector("a[part=sign-in]")) : setTimeout(look, 20);
      look();
    });
    link.click();
    // The event is dispatched from a microtask, after the click handler has returned.
    await new Promise((resolve) => setTimeout(resolve, 0));
    let bad;
    try {
      mountBattlepass(document.createElement("div"), { proxyUrl: "/", battlepassId: "x", signInUrl: "javascript:alert(1)" });
    } catch (error) {
      bad = error.message;
    }
    let none;
    try {
      mountBattlepass(document.createElement("div"), { proxyUrl: "/" });
    } catch (error) {
      none = error.message;
    }
    handle.unmount();
    return { order, href: link.getAttribute("href"), bad, none, url: location.pathname };
  });
  assert.deepEqual(result.order, ["listener", "onSignIn progress-sign-in https://login.example/"]);
  assert.equal(result.href, "https://login.example/");
  assert.equal(result.url, "/", "onSignIn prevented the navigation");
  assert.match(result.bad, /signInUrl/);
  assert.match(result.none, /playerId.*battlepassId/);
  await page.close();
});

test("<collection-progress> without a user shows only the call to action, and asks for nothing", async () => {
  const before = (await stack.requests()).length;
  const { page } = await pageWith(
    `<collection-progress proxy-url="/" locale="fr" refresh-interval="0"></collection-progress>`,
    "collection-progress [part=sign-in]",
  );
  assert.equal((await page.locator("collection-progress .pw").textContent()).trim(), "Connectez-vous pour suivre votre progression");
  await page.waitForTimeout(300);
  assert.equal((await stack.requests()).length, before, "no request upstream");
  await page.close();
});

test("the guest view meets WCAG 2.2 AA in light and dark at 390 and 1280 px, and Tab reaches the call to action", async () => {
  const problems = [];
  for (const colorScheme of ["light", "dark"]) {
    for (const width of [390, 1280]) {
      const { page } = await pageWith(
        `<battlepass-progress proxy-url="/" battlepass-id="bp-a11y" theme="auto" refresh-interval="0"></battlepass-progress>
         <collection-progress proxy-url="/" theme="auto" sign-in-url="/login"></collection-progress>`,
        "battlepass-progress .pw-level",
        { width, colorScheme },
      );
      await page.addScriptTag({ path: AXE });
      const found = await page.evaluate(async () => {
        await new Promise((resolve) => setTimeout(resolve, 300));
        const result = await window.axe.run(document, { runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"] }, resultTypes: ["violations"] });
        return result.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(" ")).join(" | ")}`);
      });
      for (const line of found) problems.push(`${colorScheme} ${width}px: ${line}`);
      await page.close();
    }
  }
  assert.deepEqual(problems, []);

  const { page } = await pageWith(
    `<battlepass-progress proxy-url="/" battlepass-id="bp-tab" refresh-interval="0"></battlepass-progress>`,
    "battlepass-progress [part=sign-in]",
  );
  let reached = false;
  for (let i = 0; i < 10 && !reached; i++) {
    await page.keyboard.press("Tab");
    reached = await page.evaluate(() => document.querySelector("battlepass-progress").shadowRoot.activeElement?.getAttribute("part") === "sign-in");
  }
  assert.ok(reached, "Tab reaches the call to action");
  await page.evaluate(() => document.addEventListener("progress-sign-in", (e) => { window.signIn = e.detail; }));
  await page.keyboard.press("Enter");
  assert.deepEqual(await page.evaluate(() => window.signIn), { url: null }, "Enter activates it");
  await page.close();
});
