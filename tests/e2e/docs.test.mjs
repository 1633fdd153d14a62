// The documentation site (`cargo xtask docs`), served from a sub-folder by the proxy in demo mode,
// as `cargo xtask docs --serve` serves it: every page loads without a console error and passes
// axe; every attribute, event and part of the manifest has a row on its element's page; every
// live example renders; the playground's snippet, pasted into a blank page, renders what the
// playground shows.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { WIDGET_DATA, launchBrowser, startDemoProxy } from "./support.mjs";

const ROOT = new URL("../../", import.meta.url).pathname;
const AXE = join(ROOT, "node_modules/axe-core/axe.min.js");
const TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"];
const DOCS = process.env.PW_DOCS_DIR;
const PAGES = ["index.html", "battlepass-progress.html", "collection-progress.html", "proxy.html", "playground.html"];

let site, proxy, browser;
before(async () => {
  if (!DOCS) throw new Error("PW_DOCS_DIR is not set: run these tests through `cargo xtask test`");
  // The site in a sub-folder: every link and asset must be relative.
  site = mkdtempSync(join(tmpdir(), "pw-docs-"));
  symlinkSync(DOCS, join(site, "docs"));
  proxy = await startDemoProxy(site);
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
  proxy?.stop();
});

/** A page of the site, with its console errors and failed requests collected. */
async function open(file, { width = 1280, init } = {}) {
  const page = await browser.newPage({ viewport: { width, height: 900 } });
  if (init) await page.addInitScript(init);
  const errors = [];
  page.on("pageerror", (error) => errors.push(error.message));
  page.on("console", (message) => { if (message.type() === "error") errors.push(message.text()); });
  page.on("requestfailed", (request) => errors.push(`${request.url()}: ${request.failure()?.errorText}`));
  page.on("response", (response) => { if (response.status() >= 400) errors.push(`${response.url()}: ${response.status()}`); });
  await page.goto(`${proxy.url}/docs/${file}`);
  // Ready when every snippet has its text: the playground writes its own only once the demo
  // token is in, and until then it has no widget either (an empty list of widgets is "rendered").
  await page.waitForFunction(() => [...document.querySelectorAll(".snippet code")].every((code) => code.textContent.trim()), null, { timeout: 20_000 });
  return { page, errors };
}

/** Waits until the page has widgets and every one shows its content: data, or a guest view's call
 * to action. */
async function rendered(page) {
  await page.waitForFunction((content) => {
    const widgets = [...document.querySelectorAll("battlepass-progress, collection-progress")];
    return widgets.length > 0 && widgets.every((element) => {
      const root = element.shadowRoot;
      return root && !root.querySelector(".pw-loading") && root.querySelector(content);
    });
  }, `${WIDGET_DATA}, [part~='sign-in']`, { timeout: 20_000 });
}

/** The text a widget shows, without the live countdowns (they tick between two reads). */
function widgetText(page, selector) {
  return page.locator(selector).evaluate((element) => {
    const copy = document.createElement("div");
    for (const node of element.shadowRoot.childNodes) copy.append(node.cloneNode(true));
    for (const time of copy.querySelectorAll("time, style")) time.remove();
    return copy.textContent.replace(/\s+/g, " ").trim();
  });
}

/** axe's violations. The viewport is first made as tall as the page: axe judges the colours of
 * text below the fold inside a shadow root against the page's own background (white) when it
 * has to scroll to it, a false report that a whole-page viewport avoids. A taller viewport lets
 * lazy images below the old fold load, and the page can grow with them: it is measured again
 * until it stops growing (a run once reported `.pw-created`, pushed below the fold that way). */
async function violations(page) {
  const { width } = page.viewportSize();
  for (let round = 0, height = 0; round < 5; round++) {
    const now = await page.evaluate(() => document.documentElement.scrollHeight);
    if (now === height) break;
    height = now;
    await page.setViewportSize({ width, height: Math.min(height, 30_000) });
    // Every image, in the page and in the widgets' shadow roots, loaded (or failed); a lazy one
    // the browser still holds back (hidden, say) is waited for a moment only.
    await page.evaluate(() => {
      const images = [...document.images, ...[...document.querySelectorAll("*")].flatMap((e) => (e.shadowRoot ? [...e.shadowRoot.querySelectorAll("img")] : []))];
      const loaded = images.filter((i) => !i.complete).map((i) => new Promise((done) => { i.addEventListener("load", done, { once: true }); i.addEventListener("error", done, { once: true }); }));
      return Promise.race([Promise.all(loaded), new Promise((done) => setTimeout(done, 2000))]);
    });
  }
  await page.addScriptTag({ path: AXE });
  return page.evaluate(async (tags) => {
    const result = await window.axe.run(document, { runOnly: { type: "tag", values: tags }, resultTypes: ["violations"] });
    return result.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(" ")).join(" | ")}`);
  }, TAGS);
}

test("every page loads from a sub-folder with no console error, every live example renders, and axe reports nothing", async () => {
  for (const file of PAGES) {
    for (const width of [1280, 390]) {
      const { page, errors } = await open(file, { width });
      await page.locator("main h1").waitFor();
      if (await page.locator("battlepass-progress, collection-progress").count()) await rendered(page);
      // No widget shows an error: every example talks to the demo proxy with what it needs.
      assert.equal(await page.locator("[part~='error']").count(), 0, `${file}: a widget shows an error`);
      // The snippets carry this site's values, not the placeholders.
      const snippets = await page.locator(".snippet code").allTextContents();
      assert.ok(snippets.every((s) => !/PACKAGE_URL|PROXY_URL|PLAYER_TOKEN/.test(s)), `${file}: a placeholder is left`);
      assert.deepEqual(await violations(page), [], `${file} at ${width} px`);
      assert.deepEqual(errors, [], `${file} at ${width} px`);
      await page.close();
    }
  }
});

test("every attribute, method, event, part and custom property of the manifest is on its element's page, with a live example", async () => {
  const manifest = JSON.parse(readFileSync(join(DOCS, "pkg/custom-elements.json"), "utf8"));
  const elements = manifest.modules.flatMap((m) => m.declarations).filter((d) => d.customElement);
  assert.equal(elements.length, 2);
  for (const element of elements) {
    const { page, errors } = await open(`${element.tagName}.html`);
    const rows = [
      ...element.attributes.map((a) => [`#attr-${a.name}`, a.name, a.deprecated]),
      ...element.members.filter((m) => m.kind === "method").map((m) => [`#method-${m.name}`, `${m.name}()`]),
      ...element.events.map((e) => [`#event-${e.name}`, e.name]),
      ...element.cssParts.map((p) => [`#part-${p.name}`, p.name]),
      ...element.cssProperties.map((p) => [`#property-${p.name.slice(2)}`, p.name]),
    ];
    for (const [selector, name, deprecated] of rows) {
      const row = page.locator(selector);
      assert.equal(await row.count(), 1, `${element.tagName}: no row ${selector}`);
      assert.equal((await row.locator("th").textContent()).trim(), name);
      // Its last cell links to an example on the page that uses it.
      const link = row.locator("td:last-child a").first();
      if (deprecated) continue;
      const target = await link.getAttribute("href");
      assert.match(target ?? "", /^#/, `${element.tagName}: ${name} has no example`);
      assert.equal(await page.locator(`${target}`).count(), 1);
    }
    // The property column names the reflecting property; events give their detail shape.
    assert.equal((await page.locator("#attr-player-token td").first().textContent()).trim(), "playerToken");
    assert.match(await page.locator("#event-progress-sign-in").textContent(), /url: string \| null/);
    await rendered(page);
    // The example's outline reaches every part from the page (::part), so it has no typo.
    const styled = element.tagName === "battlepass-progress" ? "#bp-parts" : "#gft-parts";
    const outlined = await page.locator(styled).evaluate((host) => [...host.shadowRoot.querySelectorAll("[part]")].every((node) => getComputedStyle(node).outlineStyle === "dashed"));
    assert.ok(outlined, `${element.tagName}: a part is not outlined by its example`);
    assert.deepEqual(errors, []);
    await page.close();
  }
});

test("the events example hears the element's events; its Refresh button calls refresh()", async () => {
  // Every event, as the page's log would show it, kept from the start: the log shows only the
  // last one, and the guest's own load (its season) may come after its call to action is shown.
  const init = () => {
    window.pwEvents = [];
    for (const type of ["progress-load", "progress-error"]) document.addEventListener(type, (event) => window.pwEvents.push(`${type} from #${event.target.id}`));
  };
  const { page, errors } = await open("battlepass-progress.html", { init });
  await rendered(page);
  // On a timeout, say what was heard instead (an error event, one element's load only).
  await page.waitForFunction(() => ["widget", "guest"].every((id) => window.pwEvents.includes(`progress-load from #bp-events-${id}`)))
    .catch(async (error) => assert.fail(`${error.message}; events heard: ${JSON.stringify(await page.evaluate(() => window.pwEvents))}`));
  await page.locator("#bp-events-guest [part~='sign-in']").click();
  await page.waitForFunction(() => document.getElementById("bp-events-log").textContent === "progress-sign-in from #bp-events-guest");
  const requests = [];
  page.on("request", (request) => { if (request.url().includes("/whalepass/players/demo-player/progress")) requests.push(request.url()); });
  await page.locator("#bp-events-refresh").click();
  await page.waitForFunction(() => document.getElementById("bp-events-log").textContent === "progress-load from #bp-events-widget");
  assert.equal(requests.length, 1);
  assert.deepEqual(errors, []);
});

test("the playground's snippet, pasted into a blank page with the package, renders the text the playground shows", async () => {
  const settings = [
    { widget: "battlepass", who: "guest", locale: "fr" },
    { widget: "battlepass", who: "player", layout: "compact", theme: "dark", refresh: "0" },
    { widget: "collection", who: "player", locale: "de" },
    { widget: "collections", who: "guest" },
  ];
  for (const [index, choice] of settings.entries()) {
    const { page, errors } = await open("playground.html");
    for (const [name, value] of Object.entries(choice)) {
      if (name === "refresh") await page.fill("#pg-refresh", value);
      else await page.selectOption(`#pg-${name}`, value);
    }
    await rendered(page);
    const snippet = await page.locator("#pg-snippet").textContent();
    const tag = choice.widget === "battlepass" ? "battlepass-progress" : "collection-progress";
    // The snippet names each chosen setting.
    if (choice.locale) assert.match(snippet, new RegExp(`locale="${choice.locale}"`));
    if (choice.layout) assert.match(snippet, /layout="compact"/);
    if (choice.refresh) assert.match(snippet, /refresh-interval="0"/);
    assert.equal(/player-token="[\w-]+\.[\w-]+\.[\w-]+"/.test(snippet), choice.who === "player");
    const shown = await widgetText(page, `#pg-preview ${tag}`);
    assert.ok(shown.length > 20, shown);
    // The address keeps the settings: reloading shows the same snippet (with a newly signed token).
    const tokenless = (text) => text.replace(/player-token="[^"]+"/, 'player-token="…"');
    await page.reload();
    await page.locator("#pg-preview").locator(tag).waitFor({ state: "attached" });
    assert.equal(tokenless(await page.locator("#pg-snippet").textContent()), tokenless(snippet));

    const blank = `blank-${index}.html`;
    writeFileSync(join(site, blank), `<!doctype html>\n<html lang="en"><head><meta charset="utf-8"><title>Blank</title></head><body>\n${snippet}\n</body></html>\n`);
    const pasted = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await pasted.goto(`${proxy.url}/${blank}`);
    await rendered(pasted);
    assert.equal(await widgetText(pasted, tag), shown, JSON.stringify(choice));
    // Each change mounts a new widget, which aborts the old one's request: that is not an error.
    assert.deepEqual(errors.filter((e) => !e.endsWith("net::ERR_ABORTED")), []);
    await pasted.close();
    await page.close();
  }
});

test("the proxy page is one table of every setting `progress-proxy settings` prints, which is what --help lists", async () => {
  const settings = JSON.parse(execFileSync(process.env.PW_PROXY_BIN, ["settings"], { env: { PATH: process.env.PATH } }).toString());
  const { page, errors } = await open("proxy.html");
  assert.equal(await page.locator("main table").count(), 1);
  const rows = await page.locator("tbody th[scope=row] code").allTextContents();
  assert.deepEqual(rows, settings.map((s) => s.variable));
  for (const variable of ["PROXY_LISTEN", "PLAYER_TOKEN_SECRET", "PUBLIC_BATTLEPASS_IDS", "REDIS_URL", "CACHE_TTL_PROGRESS", "RATE_LIMIT_RPS"]) {
    assert.ok(rows.includes(variable), `${variable} is missing`);
  }
  assert.match(await page.locator("#setting-PROXY_LISTEN").textContent(), /--listen\s*127\.0\.0\.1:8080/);
  assert.deepEqual(errors, []);
  await page.close();
});
