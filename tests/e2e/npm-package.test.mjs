// The npm package as apps use it: `npm pack`, installed into a small Vite app, built, served by the
// real proxy, rendered in headless Chromium; a React 19 page setting every prop; and a server
// render (`vite build --ssr`, then Node) that imports the package where there is no DOM.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, readdirSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { launchBrowser, recordTraffic, startLiveStack } from "./support.mjs";

const ROOT = new URL("../../", import.meta.url).pathname;
const quiet = { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] };

let app, stack, browser;
before(async () => {
  const work = mkdtempSync(join(tmpdir(), "pw-vite-"));
  const tarball = JSON.parse(execFileSync("npm", ["pack", "--json", "--pack-destination", work], { cwd: join(ROOT, "pkg"), ...quiet }))[0].filename;
  app = join(work, "app");
  cpSync(join(ROOT, "tests/vite-app"), app, { recursive: true });
  // The fake upstream's images live at /www/img; Vite copies public/ into the build.
  cpSync(join(ROOT, "www/img"), join(app, "public/www/img"), { recursive: true });
  // The tarball has no dependencies: this needs no registry.
  execFileSync("npm", ["install", "--no-save", "--no-package-lock", "--no-audit", "--no-fund", join(work, tarball)], { cwd: app, ...quiet });
  // React 19 from the project's own locked dev dependencies.
  mkdirSync(join(app, "node_modules"), { recursive: true });
  for (const name of ["react", "react-dom", "scheduler"]) symlinkSync(join(ROOT, "node_modules", name), join(app, "node_modules", name));
  execFileSync(join(ROOT, "node_modules/.bin/vite"), ["build", "--logLevel", "warn"], { cwd: app, ...quiet });
  stack = await startLiveStack(join(app, "dist"));
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
  stack?.stop();
});

test("npm pack, installed into a Vite app, built and served, renders both widgets", async () => {
  const assets = readdirSync(join(app, "dist/assets"));
  assert.ok(assets.some((f) => f.endsWith(".wasm")), `the bundle emitted the wasm: ${assets}`);
  const page = await browser.newPage();
  const { errors } = recordTraffic(page);
  await page.goto(`${stack.proxy.url}/`);
  await page.locator("#bp .pw-level").first().waitFor();
  await page.locator("#mounted .pw-card").first().waitFor();
  assert.ok((await page.locator("#bp .pw").textContent()).includes("Player p-vite"));
  assert.ok((await page.locator("#mounted .pw").textContent()).includes("Ocean Collection"));
  assert.deepEqual(errors, []);
  await page.close();
});

test("React 19 sets every prop as a property: the widget follows them and refresh() stays a method", async () => {
  const page = await browser.newPage();
  const { traffic, errors } = recordTraffic(page);
  await page.goto(`${stack.proxy.url}/react.html`);
  await page.locator("#react-bp .pw-level").first().waitFor();
  const state = await page.evaluate(async () => {
    const el = window.reactApp.element();
    const attributes = Object.fromEntries(["proxy-url", "player-id", "game-id", "battlepass-id", "refresh-interval", "theme", "locale", "player-token"].map((a) => [a, el.getAttribute(a)]));
    const refreshed = (await el.refresh()).player.externalPlayerId;
    return { attributes, refreshIsMethod: typeof el.refresh === "function", refreshed, text: el.shadowRoot.textContent };
  });
  assert.equal(state.refreshIsMethod, true);
  assert.equal(state.refreshed, "p-react");
  assert.equal(state.attributes["refresh-interval"], "0");
  assert.equal(state.attributes["player-id"], "p-react");
  assert.equal(state.attributes["battlepass-id"], "bp-7");
  assert.equal(state.attributes.theme, "dark");
  assert.equal(state.attributes["player-token"], "react-token");
  assert.match(state.text, /2\.750 XP/, "de-DE numbers");
  // A changed prop reaches the widget.
  await page.evaluate(() => window.reactApp.switchPlayer("p-react-2"));
  // (In German: the widget's labels follow its locale.)
  await page.waitForFunction(() => window.reactApp.element().shadowRoot.textContent.includes("Spieler p-react-2"));
  // Traffic is recorded as each response is read: wait (bounded) for the last one.
  const asked = () => traffic.filter((r) => r.url.includes("/whalepass/players/"));
  for (let i = 0; i < 50 && !asked().some((r) => r.url.includes("p-react-2")); i++) await new Promise((r) => setTimeout(r, 100));
  assert.ok(asked().some((r) => r.url.includes("p-react-2")), "the new player was fetched");
  assert.ok(asked().every((r) => r.requestHeaders.authorization === "Bearer react-token"), "the token prop reached every request");
  assert.ok(asked().every((r) => r.url.includes("battlepassId=bp-7")), "the battle-pass prop reached every request");
  assert.deepEqual(errors, []);
  await page.close();
});

test("importing the package in Node and rendering it with vite build --ssr throw nothing", () => {
  const imported = execFileSync("node", ["--input-type=module", "-e", "const m = await import('progress-widgets'); console.log(Object.keys(m).sort().join(','))"], { cwd: app, ...quiet });
  const exported = imported.trim().split(",");
  for (const name of ["configure", "defineElements", "init", "mountBattlepass", "mountCollections", "BattlepassProgressElement", "CollectionProgressElement"]) {
    assert.ok(exported.includes(name), `${name} in ${imported}`);
  }
  execFileSync(join(ROOT, "node_modules/.bin/vite"), ["build", "--ssr", "ssr.js", "--outDir", "dist-ssr", "--logLevel", "warn"], { cwd: app, ...quiet });
  const html = execFileSync("node", ["--input-type=module", "-e", "const { render } = await import('./dist-ssr/ssr.js'); console.log(render())"], { cwd: app, ...quiet });
  assert.match(html, /^<battlepass-progress proxy-url="\/progress-proxy" player-id="p-ssr" game-id="g-1"><\/battlepass-progress>function/);
});
