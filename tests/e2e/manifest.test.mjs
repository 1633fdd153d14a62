// custom-elements.json, the README tables and the running elements say the same thing.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { launchBrowser, startLiveStack } from "./support.mjs";

const ROOT = new URL("../../", import.meta.url).pathname;
const manifest = JSON.parse(readFileSync(join(ROOT, "js/custom-elements.json"), "utf8"));
const elements = manifest.modules[0].declarations.filter((d) => d.customElement);
const facts = (element) => ({
  attribute: element.attributes.map((a) => a.name).sort(),
  event: element.events.map((e) => e.name).sort(),
  part: element.cssParts.map((p) => p.name).sort(),
  "CSS property": element.cssProperties.map((p) => p.name).sort(),
  property: element.members.filter((m) => m.kind === "field").map((m) => m.name).sort(),
});

/** The rows of the table under `### \`<tag>\`` in a README, grouped by kind. */
function readmeTable(file, tag) {
  const text = readFileSync(join(ROOT, file), "utf8");
  const start = text.indexOf(`### \`<${tag}>\``);
  assert.ok(start >= 0, `${file} has a table for <${tag}>`);
  const rows = text.slice(start).split("\n").slice(4);
  const table = { attribute: [], event: [], part: [], "CSS property": [], property: [] };
  for (const row of rows) {
    const match = row.match(/^\| ([^|]+) \| `([^`]+)` \|/);
    if (!match) break;
    table[match[1].trim()]?.push(match[2]);
  }
  for (const kind of Object.keys(table)) table[kind].sort();
  return table;
}

test("both READMEs document each element exactly as custom-elements.json does", () => {
  assert.equal(elements.length, 2);
  for (const element of elements) {
    for (const readme of ["README.md", "js/README.md"]) {
      assert.deepEqual(readmeTable(readme, element.tagName), facts(element), `${readme} <${element.tagName}>`);
    }
  }
});

let stack, browser;
before(async () => {
  // Reward values pass through, so a claimed reward meant as a QR code draws one.
  stack = await startLiveStack(undefined, { REDACT_REWARD_VALUES: "false" });
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
  stack?.stop();
});

test("the running elements observe, render and style exactly what the manifest lists", async () => {
  const page = await browser.newPage();
  await page.goto(`${stack.proxy.url}/pkg/README.md`); // any same-origin page
  const seen = await page.evaluate(async () => {
    await import("/pkg/progress-widgets.js");
    const make = (tag, attributes) => {
      const el = document.createElement(tag);
      for (const [k, v] of Object.entries({ "proxy-url": "/", "refresh-interval": "0", ...attributes })) el.setAttribute(k, v);
      document.body.append(el);
      return el;
    };
    const settled = (el) => new Promise((resolve) => {
      el.addEventListener("progress-load", resolve, { once: true });
      el.addEventListener("progress-error", resolve, { once: true });
    });
    const widgets = {
      // The compact layout shows the next reward; the full one, the track.
      "battlepass-progress": [make("battlepass-progress", { "player-id": "p-1", "game-id": "g" }), make("battlepass-progress", { "player-id": "status-500", "game-id": "g" }),
        make("battlepass-progress", { "player-id": "p-1", "game-id": "g", layout: "compact" }),
        // The guest view: the season's tiers and the call to action.
        make("battlepass-progress", { "battlepass-id": "bp-1" })],
      "collection-progress": [make("collection-progress", { platform: "discord", "platform-user-id": "1" }), make("collection-progress", { platform: "discord", "platform-user-id": "status-500" }),
        make("collection-progress", { platform: "discord", "platform-user-id": "1", "program-id": "program_winter-qr" })],
    };
    await Promise.all(Object.values(widgets).flat().map(settled));
    // A collection guest view asks for nothing (so it announces nothing): only the call to action.
    widgets["collection-progress"].push(make("collection-progress", { "sign-in-url": "/login" }));
    await new Promise((resolve) => setTimeout(resolve, 100));
    const result = {};
    for (const [tag, els] of Object.entries(widgets)) {
      const parts = new Set();
      const properties = new Set();
      for (const el of els) {
        for (const node of el.shadowRoot.querySelectorAll("[part]")) node.part.forEach((p) => parts.add(p));
        const css = [...el.shadowRoot.querySelectorAll("style")].map((s) => s.textContent)
          .concat(el.shadowRoot.adoptedStyleSheets.flatMap((sheet) => [...sheet.cssRules].map((r) => r.cssText)));
        for (const text of css) (text.match(/--pw-[a-z-]+/g) ?? []).forEach((p) => properties.add(p));
      }
      // Every property reflects its attribute, both ways.
      const el = els[0];
      const reflected = {};
      for (const attribute of customElements.get(tag).observedAttributes) {
        const property = attribute.replace(/-([a-z])/g, (_, c) => c.toUpperCase());
        if (!(property in el) || typeof el[property] === "function") continue;
        const before = el.getAttribute(attribute);
        el[property] = "x-1";
        const set = el.getAttribute(attribute);
        el.setAttribute(attribute, "y-2");
        reflected[property] = [set, el[property]];
        before === null ? el.removeAttribute(attribute) : el.setAttribute(attribute, before);
      }
      result[tag] = { observed: [...customElements.get(tag).observedAttributes].sort(), parts: [...parts].sort(), properties: [...properties].sort(), reflected };
    }
    return result;
  });
  for (const element of elements) {
    const running = seen[element.tagName];
    const documented = facts(element);
    assert.deepEqual(running.observed, documented.attribute, `<${element.tagName}> observed attributes`);
    // `dismiss` shows only after a failed background refresh.
    assert.deepEqual(running.parts, documented.part.filter((p) => p !== "dismiss"), `<${element.tagName}> parts`);
    assert.deepEqual(running.properties, documented["CSS property"], `<${element.tagName}> CSS properties`);
    assert.deepEqual(Object.keys(running.reflected).sort(), documented.property, `<${element.tagName}> reflected properties`);
    for (const [property, values] of Object.entries(running.reflected)) assert.deepEqual(values, ["x-1", "y-2"], property);
  }
  await page.close();
});

test("the package is complete: entry point, types, manifest, wasm, and package.json says how to enter it", () => {
  const pkg = join(ROOT, "pkg");
  const meta = JSON.parse(readFileSync(join(pkg, "package.json"), "utf8"));
  for (const field of ["name", "version", "description", "license", "repository", "keywords", "exports", "types", "files", "sideEffects"]) {
    assert.ok(meta[field], `package.json has ${field}`);
  }
  assert.equal(meta.name, "progress-widgets");
  assert.equal(meta.exports["."].default, "./progress-widgets.js");
  assert.equal(meta.types, "progress-widgets.d.ts");
  const packed = JSON.parse(execFileSync("npm", ["pack", "--dry-run", "--json"], { cwd: pkg, encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }));
  const files = packed[0].files.map((f) => f.path);
  for (const file of ["progress-widgets.js", "progress-widgets.d.ts", "custom-elements.json", "progress_widgets.js", "progress_widgets_bg.wasm", "README.md", "package.json"]) {
    assert.ok(files.includes(file), `the tarball holds ${file}: ${files}`);
  }
});
