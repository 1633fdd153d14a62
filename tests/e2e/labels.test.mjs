// Every word comes from the label table of the widget's language: French and German are built
// in beside English (picked by `locale`), plurals follow Intl.PluralRules, and any label can be
// replaced by name, page-wide with `configure({labels})` or per widget with the mount option.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { entrySite, launchBrowser, startLiveStack } from "./support.mjs";

let stack, browser;
before(async () => {
  const site = entrySite("labels");
  stack = await startLiveStack(site, {});
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
  stack?.stop();
});

/** A page showing both widgets in `locale`. */
async function widgetsIn(locale) {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  await page.goto(`${stack.proxy.url}/`);
  await page.evaluate((locale) => {
    document.querySelector("main").innerHTML = `
      <battlepass-progress locale="${locale}" proxy-url="/" player-id="p-42" game-id="g-1" refresh-interval="0"></battlepass-progress>
      <collection-progress locale="${locale}" proxy-url="/" platform="discord" platform-user-id="123456789012345678" refresh-interval="0"></collection-progress>`;
  }, locale);
  await page.locator("battlepass-progress .pw-level").first().waitFor();
  await page.locator("battlepass-progress .pw-time-left").waitFor();
  await page.locator("collection-progress .pw-card").first().waitFor();
  return page;
}

const text = (page, selector) => page.locator(selector).first().textContent();

test("German: every part of both widgets reads in German, numbers and dates in de", async () => {
  const page = await widgetsIn("de");
  const battlepass = await text(page, "battlepass-progress .pw");
  for (const words of ["Stufe 3", "2.750 XP", "Noch 250 XP bis Stufe 4", "Stufen", "Kostenlos", "Erreicht", "Läuft", "Gesperrt", "Herausforderungen", "Abgeschlossen", "Whalepass-Konto verbunden"]) {
    assert.ok(battlepass.includes(words), `${words} in ${battlepass}`);
  }
  for (const english of ["Level", "Locked", "Reached", "Challenges", "XP to level"]) {
    assert.ok(!battlepass.includes(english), `no English "${english}" in ${battlepass}`);
  }
  assert.match(await text(page, "battlepass-progress .pw-header .pw-time-left"), /^noch /);
  assert.equal(await page.locator("battlepass-progress button[part=page-button]").first().getAttribute("aria-label"), "Frühere Stufen");
  const collections = await text(page, "collection-progress .pw");
  for (const words of ["Im Besitz", "Nicht im Besitz", "Selten", "Legendär", "3 / 5 gesammelt", "Sammle alle Karten"]) {
    assert.ok(collections.includes(words), `${words} in ${collections}`);
  }
  assert.equal(await page.locator("collection-progress [part=progress-bar]").first().getAttribute("aria-valuetext"), "3 von 5 Karten");
  await page.close();
});

test("French: labels, plurals and the countdown through Intl", async () => {
  const page = await widgetsIn("fr-FR");
  const battlepass = await text(page, "battlepass-progress .pw");
  for (const words of ["Niveau 3", "Niveaux", "Gratuit", "Verrouillé", "Défis"]) {
    assert.ok(battlepass.includes(words), `${words} in ${battlepass}`);
  }
  assert.equal(await page.locator("collection-progress [part=progress-bar]").first().getAttribute("aria-valuetext"), "3 sur 5 cartes");
  assert.match(await text(page, "collection-progress .pw-time-left"), /^encore \S/);
  await page.close();
});

test("configure({labels}) replaces labels on every widget already shown; the mount option does it for one", async () => {
  const page = await widgetsIn("en");
  assert.ok((await text(page, "battlepass-progress .pw")).includes("Locked"));
  await page.evaluate(async () => {
    const { configure } = await import("/pkg/progress-widgets.js");
    configure({ labels: { locked: "Not yet", xpToLevel: "{xp} XP until level {level}!", nonsense: "ignored" } });
  });
  await page.waitForFunction(() => document.querySelector("battlepass-progress").shadowRoot.textContent.includes("Not yet"));
  const shown = await text(page, "battlepass-progress .pw");
  assert.ok(shown.includes("250 XP until level 4!") && !shown.includes("Locked"), shown);
  // Only the labels named change: the rest stay English.
  assert.ok(shown.includes("Reached"), shown);

  const mounted = await page.evaluate(async () => {
    const { mountCollections } = await import("/pkg/progress-widgets.js");
    const element = document.createElement("div");
    document.body.append(element);
    mountCollections(element, { proxyUrl: "/", platform: "discord", platformUserId: "123456789012345678", locale: "de", labels: { owned: "Gesammelt" } });
    for (let i = 0; i < 100 && !element.querySelector(".pw-card"); i++) await new Promise((r) => setTimeout(r, 50));
    return element.textContent;
  });
  assert.ok(mounted.includes("Gesammelt") && mounted.includes("Nicht im Besitz"), mounted);
  const bad = await page.evaluate(async () => {
    const { mountCollections } = await import("/pkg/progress-widgets.js");
    try {
      mountCollections(document.createElement("div"), { proxyUrl: "/", platform: "discord", platformUserId: "1", labels: "Gesammelt" });
      return "no error";
    } catch (error) {
      return error.message;
    }
  });
  assert.match(bad, /option `labels` must be an object/);
  await page.close();
});
