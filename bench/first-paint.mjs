// `cargo xtask bench`: navigation start → the first painted frame with data, for each widget
// against bench/plain-render.js (a hand-written JavaScript render of the same answer into the same
// shadow root with the same CSS), in headless Chromium through the real proxy and the fake
// upstream. Two profiles: this machine as it is, and a phone (4× CPU throttling, 150 ms round
// trips, 1.6 Mbps down); each with a cold HTTP cache (a new browser context per run) and a warm one
// (the page loaded once before). Files are served brotli-11 compressed, as a CDN would. Each
// widget is timed twice: with the script tag alone, and with the preload hints the README offers
// (`+ hints`). Runs
// alternate between the cases; medians are printed with their ratio. Nothing is asserted: the
// figures are for closing notes. Run it through the xtask, which builds the package and sets the
// PW_* variables. With PW_AGAINST_PKG (`cargo xtask bench --against DIR`), a second package (a copy
// of an earlier pkg/) is timed in the same runs: two separate runs of the bench differ by more
// than many changes save, runs that alternate between the two packages do not.
import { readdirSync, readFileSync } from "node:fs";
import { createServer } from "node:http";
import { join } from "node:path";
import { brotliCompressSync, constants } from "node:zlib";
import { WIDGET_DATA, launchBrowser, startLiveStack } from "../tests/e2e/support.mjs";

const RUNS = Number(process.env.BENCH_RUNS ?? 9);
const site = process.env.PW_SITE_DIR;
const root = new URL("..", import.meta.url).pathname;
const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const brotli = (bytes) => brotliCompressSync(bytes, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } });

// The page server: pkg/ and the plain renderer, brotli-compressed and cacheable, like a CDN.
const files = new Map();
const types = { ".js": "text/javascript", ".wasm": "application/wasm", ".html": "text/html", ".svg": "image/svg+xml" };
function serveFile(path, bytes) {
  files.set(path, { body: brotli(bytes), type: types[path.slice(path.lastIndexOf("."))] ?? "application/octet-stream" });
}
const against = process.env.PW_AGAINST_PKG;
for (const name of ["progress-widgets.js", "progress_widgets.js", "progress_widgets_bg.wasm"]) {
  serveFile(`/pkg/${name}`, readFileSync(join(site, "pkg", name)));
  if (against) serveFile(`/against/${name}`, readFileSync(join(against, name)));
}
// The fixtures' reward and card images.
for (const name of readdirSync(join(site, "www/img"))) serveFile(`/www/img/${name}`, readFileSync(join(site, "www/img", name)));
const css = readFileSync(join(root, "src/widgets/widgets.css"), "utf8");
serveFile("/bench/plain-render.js", Buffer.from(readFileSync(join(root, "bench/plain-render.js"), "utf8").replace("const CSS = __WIDGETS_CSS__;", `const CSS = ${JSON.stringify(css)};`)));

const server = createServer((request, response) => {
  const path = new URL(request.url, "http://x").pathname;
  const file = files.get(path);
  if (!file) {
    response.writeHead(404).end();
    return;
  }
  response.writeHead(200, {
    "content-type": file.type,
    "content-encoding": "br",
    "content-length": file.body.length,
    "cache-control": path.endsWith(".html") ? "no-store" : "public, max-age=3600",
  });
  response.end(file.body);
});
await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
const origin = `http://127.0.0.1:${server.address().port}`;

// The proxy is another origin, as in production (the page on the game's site, the proxy on its API).
const stack = await startLiveStack(site, { ALLOWED_ORIGINS: origin });
const proxy = stack.proxy.url;

// Each page marks the frame its data is first painted in: an animation-frame callback of that
// frame (they run before its layout and paint) starts a timer, which fires once the frame is
// painted. The plain render asks for that callback as soon as its promise settles (its DOM is
// built by then). A widget's page looks, in every frame's callbacks, for the widget's data in its
// shadow root (`WIDGET_DATA`, as the end-to-end tests do): `progress-load` is dispatched from a
// timer once the DOM is updated, which can land after the frame that already painted the data,
// so timing from the event charged the widget one frame it does not take (about 20 ms on the
// phone). That time is still noted (`load event`). The widget's pages also note when the wasm was
// instantiated (wrapping `WebAssembly.instantiateStreaming` changes nothing it does), so the table
// shows where a widget's time goes: the wasm's download, then the work after it.
const pageHtml = (body) => `<!doctype html><html lang="en"><meta charset="utf-8"><script>
  window.__paint = (mark = "__painted") => requestAnimationFrame(() => setTimeout(() => { window[mark] = performance.now(); }));
  const instantiate = WebAssembly.instantiateStreaming;
  WebAssembly.instantiateStreaming = (...args) => instantiate(...args).then((result) => { window.__instantiated ??= performance.now(); return result; });
</script>${body}`;
// The hints a page can add for a faster first paint (README, "Loading"): the entry and the wasm
// start with the page instead of one after the other.
const HINTS = `<link rel="modulepreload" href="/pkg/progress-widgets.js">
    <link rel="preload" href="/pkg/progress_widgets_bg.wasm" as="fetch" type="application/wasm" crossorigin>`;
const widgetPage = (element, hints = "", pkg = "/pkg/") => pageHtml(`${hints.replaceAll("/pkg/", pkg)}
    <script>
      document.addEventListener("progress-load", () => window.__paint("__loadPainted"), { once: true });
      const watch = () => document.querySelector("battlepass-progress, collection-progress")?.shadowRoot?.querySelector(${JSON.stringify(WIDGET_DATA)})
        ? setTimeout(() => { window.__painted = performance.now(); })
        : requestAnimationFrame(watch);
      requestAnimationFrame(watch);
    </script>
    ${element}
    <script type="module" src="${pkg}progress-widgets.js"></script>`);
const plainPage = (render, args) => pageHtml(`
    <div id="host"></div>
    <script type="module">
      import { ${render} } from "/bench/plain-render.js";
      ${render}(document.getElementById("host"), "${proxy}", ${args}).then(window.__paint);
    </script>`);
const battlepass = `<battlepass-progress proxy-url="${proxy}" player-id="p-42" game-id="g-1" refresh-interval="0"></battlepass-progress>`;
const collections = `<collection-progress proxy-url="${proxy}" platform="discord" platform-user-id="123456789012345678" refresh-interval="0"></collection-progress>`;
const pages = {
  "battle pass, widget": widgetPage(battlepass),
  "battle pass, widget with hints": widgetPage(battlepass, HINTS),
  "battle pass, plain JS": plainPage("renderBattlepass", `"p-42", "g-1"`),
  "collections, widget": widgetPage(collections),
  "collections, widget with hints": widgetPage(collections, HINTS),
  "collections, plain JS": plainPage("renderCollections", `"discord", "123456789012345678"`),
};
if (against) {
  Object.assign(pages, {
    "battle pass, against": widgetPage(battlepass, "", "/against/"),
    "battle pass, against with hints": widgetPage(battlepass, HINTS, "/against/"),
    "collections, against": widgetPage(collections, "", "/against/"),
    "collections, against with hints": widgetPage(collections, HINTS, "/against/"),
  });
}
for (const [name, html] of Object.entries(pages)) serveFile(`/${encodeURIComponent(name)}.html`, Buffer.from(html));

const profiles = {
  desktop: null,
  phone: { cpu: 4, latency: 150, download: 1.6e6 / 8, upload: 750e3 / 8 },
};

/** Loads one page and returns [first data paint, when the progress request started, when its
 * answer had arrived, when the wasm had arrived, when it was instantiated, the frame after
 * `progress-load`] in ms (NaN for the last three on the plain pages). */
async function measure(context, name, profile) {
  const page = await context.newPage();
  try {
    if (profile) {
      const cdp = await context.newCDPSession(page);
      await cdp.send("Network.enable");
      await cdp.send("Network.emulateNetworkConditions", {
        offline: false, latency: profile.latency, downloadThroughput: profile.download, uploadThroughput: profile.upload,
      });
      await cdp.send("Emulation.setCPUThrottlingRate", { rate: profile.cpu });
    }
    await page.goto(`${origin}/${encodeURIComponent(name)}.html`);
    await page.waitForFunction(() => window.__painted !== undefined && (window.__loadPainted !== undefined || !document.querySelector("battlepass-progress, collection-progress")), null, { timeout: 60_000, polling: 20 });
    return await page.evaluate((proxy) => {
      const resources = performance.getEntriesByType("resource");
      const request = resources.find((e) => e.name.startsWith(proxy));
      const wasm = resources.find((e) => e.name.endsWith(".wasm"));
      return [window.__painted, request?.startTime ?? NaN, request?.responseEnd ?? NaN, wasm?.responseEnd ?? NaN, window.__instantiated ?? NaN, window.__loadPainted ?? NaN];
    }, proxy);
  } finally {
    await page.close();
  }
}

const browser = await launchBrowser();
try {
  for (const [profileName, profile] of Object.entries(profiles)) {
    for (const cache of ["cold", "warm"]) {
      const times = Object.fromEntries(Object.keys(pages).map((name) => [name, { paint: [], request: [], answer: [], wasm: [], instantiated: [], loadEvent: [] }]));
      for (let run = 0; run < RUNS; run++) {
        // Alternate the order so that neither side always runs first.
        const names = run % 2 ? Object.keys(pages).reverse() : Object.keys(pages);
        for (const name of names) {
          const context = await browser.newContext();
          try {
            if (cache === "warm") await measure(context, name, profile);
            const [paint, request, answer, wasm, instantiated, loadEvent] = await measure(context, name, profile);
            Object.entries({ paint, request, answer, wasm, instantiated, loadEvent }).forEach(([key, value]) => times[name][key].push(value));
          } finally {
            await context.close();
          }
        }
      }
      console.log(`\n${profileName}, ${cache} cache (medians of ${RUNS}, ms after navigation start: paint = first frame with data; request → answer = the progress request; wasm = its download's end, then instantiated; load event = the frame after progress-load)`);
      for (const widget of ["battle pass", "collections"]) {
        const plain = times[`${widget}, plain JS`];
        const row = (t) => `paint ${median(t.paint).toFixed(0).padStart(5)} (request ${median(t.request).toFixed(0).padStart(4)} → answer ${median(t.answer).toFixed(0).padStart(4)})`;
        const rows = [["widget", times[`${widget}, widget`]], ["+ hints", times[`${widget}, widget with hints`]]];
        if (against) rows.push(["against", times[`${widget}, against`]], ["a+hints", times[`${widget}, against with hints`]]);
        for (const [label, ours] of rows) {
          const ratio = median(ours.paint) / median(plain.paint);
          const wasm = `wasm ${median(ours.wasm).toFixed(0).padStart(5)}, instantiated ${median(ours.instantiated).toFixed(0).padStart(5)}, load event ${median(ours.loadEvent).toFixed(0).padStart(5)}`;
          console.log(`  ${widget.padEnd(12)} ${label.padEnd(7)} ${row(ours)} ${wasm}   plain JS ${row(plain)}   ratio ${ratio.toFixed(2)}×`);
        }
      }
    }
  }
} finally {
  await browser.close();
  stack.stop();
  server.close();
}
