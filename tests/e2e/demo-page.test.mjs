// The demo page, end to end: served by the real proxy binary, rendered in headless Chromium.
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { KEYS, launchBrowser, recordTraffic, startDemoProxy, startLiveStack } from "./support.mjs";

const ROOT = new URL("../../", import.meta.url).pathname;
const KEY_VALUES = Object.values(KEYS);
const KEY_HEADERS = ["x-api-key", "x-gft_api_key", "x-gft-api-key", "gft-api-key"];

function containsKey(text) {
  return KEY_VALUES.find((key) => text.includes(key));
}

test("the demo page through the real proxy shows upstream progress, and no request carries a key", async (t) => {
  const stack = await startLiveStack();
  const browser = await launchBrowser();
  t.after(async () => { await browser.close(); stack.stop(); });

  const page = await browser.newPage({ viewport: { width: 1280, height: 1600 } });
  const { traffic, errors } = recordTraffic(page);
  await page.goto(`${stack.proxy.url}/`);

  await page.locator("#battlepass .pw-level").first().waitFor();
  await page.locator("#battlepass .pw-price").waitFor();
  await page.locator("#collections .pw-card").first().waitFor();
  await page.locator("#collection .pw-program").waitFor();

  const battlepass = await page.locator("#battlepass .pw").textContent();
  for (const expected of ["Tides of the Deep", "Player demo-player", "Level 3", "2,750 XP", "250 XP to level 4", "Tide Token", "Coral Crown 2", "Catch 5 rare fish", "Abyss Lantern"]) {
    assert.ok(battlepass.includes(expected), `battle pass lacks ${expected}:\n${battlepass}`);
  }
  assert.equal(await page.locator("#battlepass .pw-level").count(), 6);
  const collections = await page.locator("#collections .pw").textContent();
  for (const expected of ["Ocean Collection", "60%", "3 / 5 collected", "Kraken", "Frozen Depths"]) {
    assert.ok(collections.includes(expected), `collections lack ${expected}:\n${collections}`);
  }
  const one = await page.locator("#collection .pw").textContent();
  assert.ok(one.includes("Frozen Depths") && !one.includes("Ocean Collection"), one);
  // This proxy has player tokens off, so it withholds claim codes: the widget says why.
  assert.ok(one.includes("Sign in to see your code") && !one.includes("ICE-777"), one);
  assert.equal(await page.locator("#collection .pw-card.pw-owned").count(), 1);

  mkdirSync(join(ROOT, "target/e2e"), { recursive: true });
  await page.screenshot({ path: join(ROOT, "target/e2e/demo-live.png"), fullPage: true });
  await page.waitForLoadState("networkidle");

  // Every request went to the proxy; none carried a key; no response carried one back.
  const origin = new URL(stack.proxy.url).origin;
  const network = traffic.filter((r) => !r.url.startsWith("data:"));
  assert.ok(network.length > 5, `only ${network.length} requests recorded`);
  for (const r of network) {
    assert.equal(new URL(r.url).origin, origin, `request outside the proxy: ${r.url}`);
    assert.equal(r.failed, undefined, `request failed: ${r.url} ${r.failed}`);
    const sent = JSON.stringify([r.url, r.requestHeaders]);
    assert.equal(containsKey(sent), undefined, `key sent in ${r.url}`);
    for (const name of KEY_HEADERS) assert.equal(r.requestHeaders[name], undefined, `${name} sent to ${r.url}`);
    const received = JSON.stringify(r.responseHeaders) + r.body.toString("latin1");
    assert.equal(containsKey(received), undefined, `key received from ${r.url}`);
  }
  const api = network.filter((r) => /^\/(whalepass|giftoin)\//.test(new URL(r.url).pathname));
  assert.ok(api.some((r) => new URL(r.url).pathname === "/whalepass/players/demo-player/progress"), "battle pass fetched through the proxy");
  assert.ok(api.some((r) => new URL(r.url).pathname.startsWith("/giftoin/users/discord/123456789012345678/")), "collections fetched through the proxy");
  for (const r of api) {
    assert.equal(r.requestHeaders.cookie, undefined, "no credentials are sent");
    assert.equal(r.status, 200, `${r.url} → ${r.status}`);
  }

  // ...and the keys were used, upstream of the proxy.
  const upstream = await (await fetch(`${stack.upstream.url}/__requests`)).json();
  const header = (req, name) => req.headers.find(([n]) => n === name)?.[1];
  assert.ok(upstream.some((req) => header(req, "x-api-key") === KEYS.whalepass));
  assert.ok(upstream.some((req) => header(req, "x-gft_api_key") === KEYS.giftoin));
  assert.deepEqual(errors, []);
});

test("cargo xtask demo's configuration: demo mode with player tokens on shows the signed-in player's sample data", async (t) => {
  const proxy = await startDemoProxy();
  const browser = await launchBrowser();
  t.after(async () => { await browser.close(); proxy.stop(); });

  const page = await browser.newPage({ viewport: { width: 1280, height: 1600 } });
  const { errors } = recordTraffic(page);
  const demoHeaders = [];
  const authorization = [];
  page.on("response", async (r) => {
    if (!/\/(whalepass|giftoin)\//.test(r.url())) return;
    if (r.url().includes("/whalepass/")) demoHeaders.push(r.headers()["x-progress-proxy-mode"]);
    authorization.push([r.status(), (await r.request().allHeaders()).authorization]);
  });
  await page.goto(`${proxy.url}/`);
  await page.locator("#battlepass .pw-level").first().waitFor();
  await page.locator("#battlepass .pw-price").waitFor();
  await page.locator("#collections .pw-card").first().waitFor();
  await page.locator("#collection .pw-card").first().waitFor();

  assert.ok((await page.locator("#battlepass .pw").textContent()).includes("Season 4: Frostfall"));
  assert.ok((await page.locator("#battlepass .pw").textContent()).includes("1,250 XP"));
  assert.equal(await page.locator("#battlepass .pw-level").count(), 10);
  assert.ok((await page.locator("#collections .pw").textContent()).includes("Heroes of the Realm"));
  assert.ok((await page.locator("#collection .pw").textContent()).includes("Winter Challenge"));
  assert.equal(await page.locator("#collection .pw-program").count(), 1);
  assert.ok(demoHeaders.length > 0 && demoHeaders.every((h) => h === "demo"), String(demoHeaders));
  // Every progress request carried the player's token, and none was refused.
  assert.ok(authorization.length >= 3 && authorization.every(([status, auth]) => status === 200 && /^Bearer [\w-]+\.[\w-]+\.[\w-]+$/.test(auth)), JSON.stringify(authorization));
  // Switching player signs the other player in; their progress shows, not a sign-in message.
  await page.selectOption("#player", "rival-player");
  await page.waitForFunction(() => document.querySelector("#battlepass").shadowRoot.textContent.includes("rival-player"));
  assert.equal(await page.locator("#battlepass [part~='error']").count(), 0);
  // The page's language and layout controls reach the widgets.
  await page.selectOption("#locale", "de");
  await page.waitForFunction(() => document.querySelector("#collections").shadowRoot.textContent.includes("gesammelt"));
  await page.selectOption("#layout", "compact");
  await page.locator("#battlepass .pw-next-reward").waitFor();
  assert.equal(await page.locator("#battlepass .pw-levels").count(), 0);
  assert.match(await page.locator("#battlepass .pw-next-reward").textContent(), /Nächste Belohnung/);
  await page.screenshot({ path: join(ROOT, "target/e2e/demo-sample-de-compact.png"), fullPage: true });
  await page.selectOption("#locale", "en");
  await page.selectOption("#layout", "full");
  await page.locator("#battlepass .pw-levels").waitFor();
  await page.screenshot({ path: join(ROOT, "target/e2e/demo-sample.png"), fullPage: true });
  // Signed out: the season for everyone (read without a token, the demo's ids being public) and
  // the call to action, which the page answers by signing the demo player back in.
  await page.selectOption("#player", "");
  await page.locator("#battlepass [part~='sign-in']").waitFor();
  await page.locator("#battlepass [part~='preview']").first().waitFor();
  assert.equal(await page.locator("#battlepass [part~='error']").count(), 0);
  assert.equal(await page.locator("#collections [part~='sign-in']").count(), 1);
  await page.locator("#battlepass [part~='sign-in']").click();
  await page.waitForFunction(() => document.querySelector("#battlepass").shadowRoot.textContent.includes("Player demo-player"));
  assert.equal(await page.locator("#player").inputValue(), "demo-player");
  assert.deepEqual(errors, []);
});

test("the package, the demo page and its assets hold no key, and their code no key header name", () => {
  const files = [];
  const walk = (dir) => {
    for (const name of readdirSync(dir)) {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) walk(path);
      else files.push(path);
    }
  };
  walk(join(ROOT, "pkg"));
  walk(join(ROOT, "www"));
  files.push(join(ROOT, "index.html"));
  assert.ok(files.some((f) => f.endsWith(".wasm")), "pkg/ has been built");
  for (const file of files) {
    const text = readFileSync(file).toString("latin1").toLowerCase();
    // Docs (the package README) may name the headers; code that could send one may not.
    const isCode = /\.(wasm|js|mjs|ts|html|css)$/.test(file);
    const needles = [...KEY_VALUES.map((k) => k.toLowerCase()), ...(isCode ? [...KEY_HEADERS, "whalepass_api_key", "giftoin_api_key"] : [])];
    for (const needle of needles) {
      assert.ok(!text.includes(needle), `${file} contains ${needle}`);
    }
  }
  assert.ok(files.filter((f) => /\.(wasm|js)$/.test(f)).length >= 3, "the wasm and its JS were checked");
});
