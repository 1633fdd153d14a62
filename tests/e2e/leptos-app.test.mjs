// The Rust example (`examples/leptos-app`), built for wasm32 by `cargo xtask test`, rendered in
// Chromium against the demo proxy: the guest views first, then, after its own sign-in through
// the widgets' call to action, the player's battle pass and collection, set through typed props.
import { test } from "node:test";
import assert from "node:assert/strict";
import { launchBrowser, recordTraffic, startDemoProxy } from "./support.mjs";

test("the Leptos example renders both components from Rust, and its sign-in turns them into the player's", async (t) => {
  const app = process.env.PW_LEPTOS_APP_DIR;
  if (!app) throw new Error("PW_LEPTOS_APP_DIR is not set: run these tests through `cargo xtask test`");
  const proxy = await startDemoProxy(app);
  const browser = await launchBrowser();
  t.after(async () => { await browser.close(); proxy.stop(); });
  const page = await browser.newPage({ viewport: { width: 1280, height: 1400 } });
  const { errors } = recordTraffic(page);
  await page.goto(`${proxy.url}/`);

  // Signed out: the season for everyone, and a call to action in each widget.
  await page.locator("#battlepass [part~='preview']").first().waitFor();
  assert.match(await page.locator("#battlepass .pw").textContent(), /Season 4: Frostfall/);
  assert.equal(await page.locator("#battlepass .pw-xp").count(), 0);
  assert.equal(await page.locator("[part~='sign-in']").count(), 2);
  assert.match(await page.locator("#who").textContent(), /Signed out/);

  // The app's own sign-in, from the call to action: both widgets become the player's.
  await page.locator("#collection [part~='sign-in']").click();
  await page.locator("#battlepass .pw-xp").waitFor();
  await page.locator("#collection .pw-card").first().waitFor();
  assert.equal(await page.locator("#who").textContent(), "Signed in as demo-player");
  assert.match(await page.locator("#battlepass .pw").textContent(), /Player demo-player/);
  assert.match(await page.locator("#collection .pw").textContent(), /Winter Challenge/);
  assert.equal(await page.locator("[part~='sign-in']").count(), 0);

  // A prop from a signal: the compact layout renders less.
  await page.locator("#compact").check();
  await page.locator("#battlepass .pw-next-reward").waitFor();
  assert.equal(await page.locator("#battlepass .pw-levels").count(), 0);

  // Signing out brings the guest views back.
  await page.locator("#sign-out").click();
  await page.locator("#collection [part~='sign-in']").waitFor();
  assert.equal(await page.locator("#battlepass .pw-xp").count(), 0);
  assert.equal(await page.locator("[part~='error']").count(), 0);
  assert.deepEqual(errors, []);
});
