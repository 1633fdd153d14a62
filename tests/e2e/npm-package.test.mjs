// The npm package as a bundled app uses it: `npm pack`, installed into a small Vite app, built,
// served by the real proxy, rendered in headless Chromium.
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { cpSync, mkdtempSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { launchBrowser, recordTraffic, startLiveStack } from "./support.mjs";

const ROOT = new URL("../../", import.meta.url).pathname;
const quiet = { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] };

test("npm pack, installed into a Vite app, built and served, renders both widgets", async (t) => {
  const work = mkdtempSync(join(tmpdir(), "pw-vite-"));
  const tarball = JSON.parse(execFileSync("npm", ["pack", "--json", "--pack-destination", work], { cwd: join(ROOT, "pkg"), ...quiet }))[0].filename;
  const app = join(work, "app");
  cpSync(join(ROOT, "tests/vite-app"), app, { recursive: true });
  // The fake upstream's images live at /www/img; Vite copies public/ into the build.
  cpSync(join(ROOT, "www/img"), join(app, "public/www/img"), { recursive: true });
  // The tarball has no dependencies: this needs no registry.
  execFileSync("npm", ["install", "--no-save", "--no-package-lock", "--no-audit", "--no-fund", join(work, tarball)], { cwd: app, ...quiet });
  execFileSync(join(ROOT, "node_modules/.bin/vite"), ["build", "--logLevel", "warn"], { cwd: app, ...quiet });
  const assets = readdirSync(join(app, "dist/assets"));
  assert.ok(assets.some((f) => f.endsWith(".wasm")), `the bundle emitted the wasm: ${assets}`);

  const stack = await startLiveStack(join(app, "dist"));
  const browser = await launchBrowser();
  t.after(async () => { await browser.close(); stack.stop(); });
  const page = await browser.newPage();
  const { errors } = recordTraffic(page);
  await page.goto(`${stack.proxy.url}/`);
  await page.locator("#bp .pw-level").first().waitFor();
  await page.locator("#mounted .pw-card").first().waitFor();
  assert.ok((await page.locator("#bp .pw").textContent()).includes("Player p-vite"));
  assert.ok((await page.locator("#mounted .pw").textContent()).includes("Ocean Collection"));
  assert.deepEqual(errors, []);
});
