// Builds the documentation site (`cargo xtask docs`): plain static files, every link relative so
// the site works from any sub-folder of any static host.
//
//   node docs/build.mjs --out target/docs --pkg pkg --manifest js/custom-elements.json \
//     --settings target/proxy-settings.json [--proxy-url https://proxy.example]
//
// The element pages come from the Custom Elements Manifest and the proxy's settings from
// `progress-proxy settings` (the same definitions as its `--help`), so neither can drift from the
// code. Every attribute, event, part and custom property must appear in a live example: the build
// fails naming any that does not.
import { cpSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { parseArgs } from "node:util";
import { elementExamples } from "./examples.mjs";
import { page, code, inline, escape } from "./layout.mjs";
import { gettingStarted, playground, proxySettings } from "./pages.mjs";

const { values: args } = parseArgs({
  options: {
    out: { type: "string" },
    pkg: { type: "string" },
    manifest: { type: "string" },
    settings: { type: "string" },
    "proxy-url": { type: "string", default: "" },
  },
});
for (const name of ["out", "pkg", "manifest", "settings"]) {
  if (!args[name]) throw new Error(`docs/build.mjs: --${name} is required`);
}

const here = dirname(new URL(import.meta.url).pathname);
const manifest = JSON.parse(readFileSync(args.manifest, "utf8"));
const settings = JSON.parse(readFileSync(args.settings, "utf8"));
const elements = manifest.modules.flatMap((m) => m.declarations).filter((d) => d.customElement);
const functions = manifest.modules.flatMap((m) => m.declarations).filter((d) => d.kind === "function");
const site = { proxyUrl: args["proxy-url"] };

rmSync(args.out, { recursive: true, force: true });
mkdirSync(args.out, { recursive: true });
// A copy, not a link: the folder is what gets published.
cpSync(args.pkg, join(args.out, "pkg"), { recursive: true, dereference: true });
cpSync(join(here, "assets"), join(args.out, "assets"), { recursive: true });

const write = (file, html) => writeFileSync(join(args.out, file), html);
write("index.html", page(site, { file: "index.html", title: "Getting started", body: gettingStarted(functions) }));
for (const element of elements) {
  write(`${element.tagName}.html`, page(site, { file: `${element.tagName}.html`, title: `<${element.tagName}>`, body: elementPage(element), live: true }));
}
write("proxy.html", page(site, { file: "proxy.html", title: "The proxy", body: proxySettings(settings) }));
write("playground.html", page(site, { file: "playground.html", title: "Playground", body: playground(), live: true, script: "assets/playground.js" }));
console.log(`docs: ${elements.length + 3} pages in ${args.out}`);

/** The default a description states ("Default `60`."), since the manifest has no field for it. */
function stated(description = "") {
  return description.match(/Default `([^`]+)`/)?.[1];
}

/** One element's page: its description, live examples, then every table, each row naming the
 * example that shows it. */
function elementPage(element) {
  const examples = elementExamples(element);
  const shownIn = (needle) => examples.filter((e) => e.source.includes(needle));
  const missing = [];
  const exampleLinks = (needle, what, optional = false) => {
    const found = shownIn(needle);
    if (!found.length && !optional) missing.push(what);
    return found.map((e) => `<a href="#${e.id}">${escape(e.title)}</a>`).join(", ") || "—";
  };
  const attributes = element.attributes.map((a) => `<tr id="attr-${a.name}">
      <th scope="row"><code>${a.name}</code></th><td>${a.fieldName ? `<code>${a.fieldName}</code>` : "—"}</td>
      <td><code>${escape(a.type?.text ?? "string")}</code></td><td>${stated(a.description) ? `<code>${escape(stated(a.description))}</code>` : "—"}</td>
      <td>${a.deprecated ? `<strong>Deprecated.</strong> ${inline(a.deprecated)}` : inline(a.description)}</td>
      <td>${exampleLinks(`${a.name}=`, `attribute ${a.name}`, Boolean(a.deprecated))}</td></tr>`);
  const methods = element.members.filter((m) => m.kind === "method").map((m) => `<tr id="method-${m.name}">
      <th scope="row"><code>${m.name}()</code></th><td>${inline(m.description)}</td><td>${exampleLinks(`.${m.name}(`, `method ${m.name}`)}</td></tr>`);
  const events = element.events.map((e) => `<tr id="event-${e.name}">
      <th scope="row"><code>${e.name}</code></th><td><code>${escape(detail(e.type?.text))}</code></td><td>${inline(e.description)}</td>
      <td>${exampleLinks(`"${e.name}"`, `event ${e.name}`)}</td></tr>`);
  const parts = element.cssParts.map((p) => `<tr id="part-${p.name}">
      <th scope="row"><code>${p.name}</code></th><td>${inline(p.description)}</td><td>${exampleLinks(`::part(${p.name})`, `part ${p.name}`)}</td></tr>`);
  const properties = (element.cssProperties ?? []).map((p) => `<tr id="property-${p.name.slice(2)}">
      <th scope="row"><code>${p.name}</code></th><td><code>${escape(p.default ?? "")}</code></td><td>${inline(p.description)}</td>
      <td>${exampleLinks(`${p.name}:`, `custom property ${p.name}`)}</td></tr>`);
  if (missing.length) {
    throw new Error(`docs: <${element.tagName}> has no live example for: ${missing.join(", ")} (docs/examples.mjs)`);
  }
  const table = (caption, headers, rows) => `<div class="table" tabindex="0" role="region" aria-label="${caption}"><table><caption>${caption}</caption>
      <thead><tr>${headers.map((h) => `<th scope="col">${h}</th>`).join("")}</tr></thead><tbody>${rows.join("")}</tbody></table></div>`;
  return `
    <p class="lead">${inline(element.description)}</p>
    <p>The live examples below talk to this site's demo proxy (sample data, player tokens on). Every
    snippet is complete: copy it into a blank page and it renders the same widget.</p>
    <nav aria-label="On this page" class="toc"><ul>
      <li><a href="#examples">Examples</a></li><li><a href="#attributes">Attributes and properties</a></li>
      <li><a href="#methods">Methods</a></li><li><a href="#events">Events</a></li>
      <li><a href="#parts">CSS parts</a></li><li><a href="#properties">CSS custom properties</a></li></ul></nav>
    <h2 id="examples">Examples</h2>
    ${examples.map(example).join("\n")}
    <h2 id="attributes">Attributes and properties</h2>
    <p>Every attribute has a camelCase property that reflects it.</p>
    ${table(`Attributes of &lt;${element.tagName}&gt;`, ["Attribute", "Property", "Type", "Default", "Meaning", "Shown in"], attributes)}
    <h2 id="methods">Methods</h2>
    ${table(`Methods of &lt;${element.tagName}&gt;`, ["Method", "Meaning", "Shown in"], methods)}
    <h2 id="events">Events</h2>
    <p>Every event bubbles and is composed, so a listener on <code>document</code> hears it.</p>
    ${table(`Events of &lt;${element.tagName}&gt;`, ["Event", "<code>detail</code>", "Meaning", "Shown in"], events)}
    <h2 id="parts">CSS parts</h2>
    <p>Style them from the page with <code>${element.tagName}::part(name)</code>.</p>
    ${table(`CSS parts of &lt;${element.tagName}&gt;`, ["Part", "Meaning", "Shown in"], parts)}
    <h2 id="properties">CSS custom properties</h2>
    <p>Set them on the element or any ancestor; <code>theme="dark"</code> swaps the defaults.</p>
    ${table(`CSS custom properties of &lt;${element.tagName}&gt;`, ["Property", "Default (light)", "Meaning", "Shown in"], properties)}`;
}

/** The `detail` shape out of `CustomEvent<…>`. */
function detail(type = "CustomEvent") {
  return type.match(/^CustomEvent<(.*)>$/s)?.[1] ?? "the widget's answer (see Meaning)";
}

/** A live example: its title, the snippet (with a copy button) and the same markup, live. */
function example(e) {
  return `<section class="example" aria-labelledby="${e.id}">
    <h3 id="${e.id}">${escape(e.title)}</h3>
    ${e.intro ? `<p>${inline(e.intro)}</p>` : ""}
    ${code(e.source)}
    <div class="live" data-example="${e.id}">${live(e.source)}</div>
  </section>`;
}

/** The markup that runs: the placeholders the snippet shows become markers `assets/docs.js`
 * fills in (the proxy URL and a player token) before the package loads. */
function live(source) {
  return source
    .replace(/<script type="module" src="PACKAGE_URL"><\/script>\n?/g, "")
    .replaceAll('proxy-url="PROXY_URL"', "data-proxy-url")
    .replaceAll('player-token="PLAYER_TOKEN"', "data-player-token");
}
