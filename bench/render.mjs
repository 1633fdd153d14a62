// `cargo xtask bench-render`: how long an answer takes from mounting to rendered, in headless
// Chromium through the real proxy and the fake upstream: 200 to 10,000 levels (`levels-N`; the
// sizes show whether the path stays linear), with and without a locale, and the fixture. Prints a median of 5 runs each; asserts nothing (the figures are for closing
// notes). Run it through the xtask, which builds the package and sets the PW_* variables.
import { launchBrowser, startLiveStack } from "../tests/e2e/support.mjs";

const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const stack = await startLiveStack(process.env.PW_SITE_DIR, {});
const browser = await launchBrowser();
const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

try {
  const cases = [
    ["2,500 levels, en-US", "levels-2500", "en-US"],
    ["5,000 levels, en-US", "levels-5000", "en-US"],
    ["10,000 levels, en-US", "levels-10000", "en-US"],
    ["10,000 levels, no locale", "levels-10000", undefined],
    ["200 levels, en-US", "levels-200", "en-US"],
    ["6 levels (the fixture), en-US", "p-42", "en-US"],
  ];
  for (const [label, player, locale] of cases) {
    const times = [];
    const fetches = [];
    for (let run = 0; run < RUNS; run++) {
      const page = await browser.newPage();
      await page.goto(`${stack.proxy.url}/pkg/README.md`); // any same-origin page
      const measured = await page.evaluate(async ({ player, locale }) => {
        const { mountBattlepass } = await import("/pkg/progress-widgets.js");
        const host = document.createElement("div");
        document.body.append(host);
        const started = performance.now();
        const loaded = new Promise((resolve) => host.addEventListener("progress-load", resolve, { once: true }));
        mountBattlepass(host, { proxyUrl: "/", playerId: player, gameId: "g", refreshInterval: 0, ...(locale ? { locale } : {}) });
        await loaded;
        // The next frame after the data is in the DOM: style and layout included.
        await new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve)));
        const response = performance.getEntriesByType("resource").find((e) => e.name.includes(`/players/${player}/`));
        return { total: performance.now() - started, fetched: response.responseEnd - started };
      }, { player, locale });
      times.push(measured.total);
      fetches.push(measured.fetched);
      await page.close();
    }
    console.log(`${label.padEnd(32)} mount → rendered: median ${median(times).toFixed(0)} ms (of which the answer arrived at ${median(fetches).toFixed(0)} ms)`);
  }
} finally {
  await browser.close();
  stack.stop();
}
