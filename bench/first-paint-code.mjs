// `cargo xtask bench-code`: how much of the wasm runs before each widget's first data paint, and
// what that part and the rest weigh brotli-compressed: the figure that says what splitting the
// wasm for first paint (binaryen's wasm-split, say) could take off the download before the paint.
//
// binaryen's `--log-execution` puts a call to an added import at every function's entry and loop
// header; the page supplies that import and notes which ids ran until the first frame with data
// painted; `wasm-dis` maps ids back to functions, whose bodies are then cut out of the real
// package wasm. Each widget renders its fixture, from the element as a page embeds it, through the
// real proxy and the fake upstream (desktop, cold). Nothing is asserted: the figures are for
// closing notes. Run it through the xtask, which builds the package and sets the PW_* variables.
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { brotliCompressSync, constants } from "node:zlib";
import { launchBrowser, startLiveStack } from "../tests/e2e/support.mjs";

const root = new URL("..", import.meta.url).pathname;
const binaryen = (tool) => join(root, "node_modules/binaryen/bin", tool);
const features = (process.env.PW_WASM_FEATURES ?? "").split(" ").filter(Boolean);
const brotli = (bytes) => brotliCompressSync(bytes, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }).length;
const site = process.env.PW_SITE_DIR;
const wasmPath = join(site, "pkg/progress_widgets_bg.wasm");
const wasm = readFileSync(wasmPath);

/** Each defined function's body, in index order, and every other section of the module together. */
function sections(bytes) {
  let at = 8;
  const leb = () => {
    let value = 0;
    for (let shift = 1; ; shift *= 128) {
      const byte = bytes[at++];
      value += (byte & 127) * shift;
      if (byte < 128) return value;
    }
  };
  const bodies = [];
  const others = [];
  while (at < bytes.length) {
    const start = at;
    const id = bytes[at++];
    const size = leb();
    const end = at + size;
    if (id === 10) {
      for (let count = leb(); count > 0; count--) {
        const length = leb();
        bodies.push(bytes.subarray(at, at + length));
        at += length;
      }
    } else {
      others.push(bytes.subarray(start, end));
    }
    at = end;
  }
  return { bodies, rest: Buffer.concat(others) };
}

// The instrumented copy, and which function each logged id belongs to.
const dir = mkdtempSync(join(tmpdir(), "pw-code-"));
const instrumentedPath = join(dir, "instrumented.wasm");
execFileSync(binaryen("wasm-opt"), [wasmPath, ...features, "--log-execution", "-o", instrumentedPath]);
const instrumented = readFileSync(instrumentedPath);
const text = execFileSync(binaryen("wasm-dis"), [instrumentedPath], { maxBuffer: 1 << 30 }).toString();
rmSync(dir, { recursive: true });
const [, logModule, logFunction] = text.match(/\(import "([^"]+)" "log_execution" \(func \$(\S+)/);
const functionOf = new Map();
// wasm-dis names the defined functions $0, $1, … in index order (imports have names of their own).
for (const chunk of text.split("\n (func $").slice(1)) {
  const index = Number(chunk.slice(0, chunk.search(/\s/)));
  for (const [, id] of chunk.matchAll(new RegExp(`call \\$${logFunction.replace(/\$/g, "\\$")}\\s*\\(i32\\.const (\\d+)\\)`, "g"))) {
    functionOf.set(Number(id), index);
  }
}

const { bodies, rest } = sections(wasm);
const stack = await startLiveStack(site, {});
const browser = await launchBrowser();
const widgets = {
  "battle pass": `<battlepass-progress proxy-url="/" player-id="p-42" game-id="g-1" refresh-interval="0"></battlepass-progress>`,
  collections: `<collection-progress proxy-url="/" platform="discord" platform-user-id="123456789012345678" refresh-interval="0"></collection-progress>`,
};
const ran = {};
try {
  for (const [name, element] of Object.entries(widgets)) {
    const page = await browser.newPage();
    // The instrumented wasm in place of the package's, and the import its log calls.
    await page.route("**/progress_widgets_bg.wasm", (route) => route.fulfill({ body: instrumented, contentType: "application/wasm" }));
    await page.addInitScript((module) => {
      window.__ran = new Set();
      const instantiate = WebAssembly.instantiateStreaming;
      WebAssembly.instantiateStreaming = (source, imports) => {
        imports[module].log_execution = (id) => window.__ran.add(id);
        return instantiate(source, imports);
      };
    }, logModule);
    // The page as a site embeds the widget, on the proxy's origin (which serves the package).
    const url = `${stack.proxy.url}/bench-code.html`;
    await page.route(url, (route) => route.fulfill({ contentType: "text/html", body: `<!doctype html><html lang="en"><meta charset="utf-8">
      <script>document.addEventListener("progress-load", () => requestAnimationFrame(() => setTimeout(() => { window.__painted = [...window.__ran]; })), { once: true });</script>
      ${element}
      <script type="module" src="/pkg/progress-widgets.js"></script>` }));
    await page.goto(url);
    await page.waitForFunction(() => window.__painted !== undefined, null, { timeout: 60_000, polling: 20 });
    const ids = await page.evaluate(() => window.__painted);
    ran[name] = new Set(ids.map((id) => functionOf.get(id)).filter((index) => index !== undefined));
    await page.close();
  }
} finally {
  await browser.close();
  stack.stop();
}
ran["both widgets"] = new Set([...ran["battle pass"], ...ran.collections]);

const codeBytes = bodies.reduce((sum, body) => sum + body.length, 0);
console.log(`wasm: ${wasm.length} B raw, ${brotli(wasm)} B brotli; ${bodies.length} functions, ${codeBytes} B of code; other sections ${brotli(rest)} B brotli`);
console.log("run before the first data paint (desktop, cold), and what a split at that line would weigh:");
for (const [name, set] of Object.entries(ran)) {
  const first = Buffer.concat(bodies.filter((_, index) => set.has(index)));
  const later = Buffer.concat(bodies.filter((_, index) => !set.has(index)));
  console.log(
    `  ${name.padEnd(13)} ${String(set.size).padStart(5)} functions, ${String(first.length).padStart(7)} B code`
    + ` | brotli: first-paint part (with the other sections) ${brotli(Buffer.concat([rest, first]))}, the rest ${brotli(later)}`,
  );
}
