// Completes the package wasm-pack wrote to pkg/: adds the script-tag entry point, its types, the
// Custom Elements Manifest and the package README, and states in package.json how the package is
// entered. One build serves both npm and the script tag. Run by `cargo xtask build`.
import { copyFileSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { minifySync } from "rolldown/utils";

const js = new URL(".", import.meta.url).pathname;
const pkg = process.argv[2] ?? join(js, "../pkg");
const shipped = ["progress-widgets.js", "progress-widgets.d.ts", "custom-elements.json", "README.md"];
for (const file of shipped) copyFileSync(join(js, file), join(pkg, file));

// Every byte of JavaScript is downloaded by every page that embeds the widgets: ship the entry
// point and wasm-bindgen's glue minified (oxc, through rolldown; exported names are kept). This
// saved 1.7 KB and 2.3 KB brotli.
for (const file of ["progress-widgets.js", "progress_widgets.js"]) {
  const source = readFileSync(join(pkg, file), "utf8");
  const minified = minifySync(file, source, { compress: true, mangle: true, module: true });
  if (minified.errors?.length) throw new Error(`minifying ${file}: ${minified.errors.map((e) => e.message).join("; ")}`);
  writeFileSync(join(pkg, file), minified.code);
}

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
  files: [...new Set([...shipped, ...(manifest.files ?? []), "LICENSE"])],
  // Importing the entry point defines the custom elements: bundlers must keep it.
  sideEffects: ["./progress-widgets.js"],
});
writeFileSync(path, JSON.stringify(manifest, null, 2) + "\n");
console.log(`pkg/ completed: ${manifest.name}@${manifest.version}`);
