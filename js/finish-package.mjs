// Completes the package wasm-pack wrote to pkg/: adds the script-tag entry point, its types, the
// Custom Elements Manifest and the package README, and states in package.json how the package is
// entered. One build serves both npm and the script tag. Run by `cargo xtask build`.
import { copyFileSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { build } from "rolldown";

const js = new URL(".", import.meta.url).pathname;
const pkg = process.argv[2] ?? join(js, "../pkg");
const shipped = ["progress-widgets.js", "progress-widgets.d.ts", "custom-elements.json", "README.md"];
for (const file of shipped) copyFileSync(join(js, file), join(pkg, file));

// The wasm's import and export names were shortened by wasm-opt (`cargo xtask build` passes its
// map): the glue must call the wasm, and hand it its imports, by the new names. Every old name must
// be gone afterwards, or the build fails here rather than in a browser.
const namesFile = process.argv[3];
if (namesFile) {
  const { imports, exports } = JSON.parse(readFileSync(namesFile, "utf8"));
  const word = (name) => name.replace(/[$]/g, "\\$");
  const glue = join(pkg, "progress_widgets.js");
  let code = readFileSync(glue, "utf8");
  // wasm-streams' classes, whose wasm exports `cargo xtask build` removed (the widgets never
  // make streams).
  const unused = ["IntoUnderlyingByteSource", "IntoUnderlyingSink", "IntoUnderlyingSource"];
  const dropClasses = (text) =>
    unused.reduce(
      (text, name) =>
        text
          .replace(new RegExp(`^export class ${name} \\{\\n[\\s\\S]*?^\\}\\n`, "m"), "")
          .replace(new RegExp(`^if \\(Symbol\\.dispose\\) ${name}\\.prototype.*\\n`, "m"), "")
          .replace(new RegExp(`^const ${name}Finalization = [\\s\\S]*?;\\n`, "m"), ""),
      text,
    );
  code = dropClasses(code);
  // The imports the wasm no longer has (wasm-opt dropped them with the code that called them, such
  // as the JavaScript-stream calls of wasm-streams, which the build cuts out): their functions go
  // too, or their long hashed names would stay in the bundle.
  const imported = new Set(imports.map(([, name]) => name));
  code = code.replace(/^( +)([\w$]+): function\([^)]*\) \{[^\n]*\n[\s\S]*?^\1\}[^\n]*,\n/gm, (entry, indent, name) =>
    name.startsWith("__wbg_") && !imported.has(name) ? "" : entry,
  );
  // Every import module is named `a` now.
  for (const module of new Set(imports.map(([module]) => module))) {
    code = code.replaceAll(`${JSON.stringify(module)}:`, "a:");
  }
  for (const [, name, short] of imports) {
    code = code.replace(new RegExp(`(?<![\\w$])${word(name)}(?=: function)`, "g"), () => short);
  }
  for (const [name, short] of exports) {
    code = code.replace(new RegExp(`\\bwasm\\.${word(name)}(?![\\w$])`, "g"), () => `wasm.${short}`);
  }
  const shorts = new Set(exports.map(([, short]) => short));
  const stale = [...code.matchAll(/\bwasm\.([\w$]+)/g)].map((m) => m[1]).filter((name) => !shorts.has(name));
  const unrenamed = imports.filter(([, name]) => new RegExp(`(?<![\\w$])${word(name)}(?![\\w$])`).test(code));
  if (stale.length || unrenamed.length || code.includes("_bg.js")) {
    throw new Error(`the glue still uses old wasm names: ${[...new Set(stale)].join(", ")} ${unrenamed.map((i) => i[1]).join(", ")}`);
  }
  writeFileSync(glue, code);
  // The glue's types name the raw exports in `InitOutput`: renamed, or gone (wasm-streams').
  const renamed = new Map(exports);
  const types = join(pkg, "progress_widgets.d.ts");
  writeFileSync(
    types,
    dropClasses(readFileSync(types, "utf8")).replace(/export interface InitOutput \{[^}]*\}/, (block) =>
      block.replace(/^( *readonly )([\w$]+)(:.*\n)/gm, (line, head, name, tail) => (renamed.has(name) ? head + renamed.get(name) + tail : "")),
    ),
  );
}

// The entry point sends its early requests and warms the `Intl` formatters through the same
// modules as the wasm (`js/requests.js` and `js/browser.js`, which wasm-bindgen copied among the
// crate's snippets): it must import those copies, or the bundle would hold two of each, with their
// own list of early requests and their own formatters.
const entry = join(pkg, "progress-widgets.js");
let entryCode = readFileSync(entry, "utf8");
const snippets = readdirSync(join(pkg, "snippets"), { recursive: true }).map((file) => file.replaceAll("\\", "/"));
for (const module of ["requests.js", "browser.js"]) {
  const snippet = snippets.find((file) => file.endsWith(`js/${module}`));
  if (!snippet) throw new Error(`pkg/snippets has no js/${module}: the entry point would not share it with the wasm`);
  if (!entryCode.includes(`from "./${module}"`)) throw new Error(`progress-widgets.js no longer imports ./${module}`);
  entryCode = entryCode.replace(`from "./${module}"`, `from "./snippets/${snippet}"`);
}
writeFileSync(entry, entryCode);

// One module for the script tag: the entry point and wasm-bindgen's glue bundled into one file, so
// that a page's first load is entry → wasm, with no round trip for the glue in between (150 ms on
// a phone), minified (oxc, through rolldown; exported names are kept). `progress_widgets.js`, the
// glue's own name, stays importable for npm users: it re-exports the bundle, so that whatever a
// page imports there is one module and one wasm instance.
const bundle = await build({
  input: join(pkg, "progress-widgets.js"),
  write: false,
  output: { format: "esm", minify: true },
});
writeFileSync(join(pkg, "progress-widgets.js"), bundle.output[0].code);
// The Rust crate's JavaScript snippets (`js/requests.js`, `js/browser.js`), which the glue
// imported, are in the bundle now: the files themselves would only be downloadable twice.
rmSync(join(pkg, "snippets"), { recursive: true, force: true });
writeFileSync(
  join(pkg, "progress_widgets.js"),
  `// The glue's own name, kept for imports written against it: everything is in the entry point.\n` +
    `export { default, initSync, mountBattlepass, mountCollections, WidgetHandle } from "./progress-widgets.js";\n`,
);

const path = join(pkg, "package.json");
const manifest = JSON.parse(readFileSync(path, "utf8"));
Object.assign(manifest, {
  name: "progress-widgets",
  main: "progress-widgets.js",
  module: "progress-widgets.js",
  types: "progress-widgets.d.ts",
  customElements: "custom-elements.json",
  exports: {
    ".": { types: "./progress-widgets.d.ts", default: "./progress-widgets.js" },
    "./progress_widgets.js": { types: "./progress_widgets.d.ts", default: "./progress_widgets.js" },
    "./progress_widgets_bg.wasm": "./progress_widgets_bg.wasm",
    "./custom-elements.json": "./custom-elements.json",
    "./package.json": "./package.json",
  },
  files: [...new Set([...shipped, ...(manifest.files ?? []), "LICENSE"])].filter((file) => file !== "snippets"),
  // Importing the entry point defines the custom elements: bundlers must keep it.
  sideEffects: ["./progress-widgets.js", "./progress_widgets.js"],
});
writeFileSync(path, JSON.stringify(manifest, null, 2) + "\n");
console.log(`pkg/ completed: ${manifest.name}@${manifest.version}`);
