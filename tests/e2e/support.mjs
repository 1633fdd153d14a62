// Starting the real binaries and headless Chromium for the end-to-end tests.
import { spawn } from "node:child_process";
import { mkdtempSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { chromium } from "playwright-core";

/** The keys the fake upstream expects, and that must never reach the browser. */
/** What a widget shows once its data is in, in its shadow root: a level, a card, the XP line, the
 * next reward or a program (the loading and error lines are none of these). */
export const WIDGET_DATA = ".pw-level, .pw-card, .pw-xp, .pw-next-reward, .pw-program";

export const KEYS = { whalepass: "wp-SECRET-7f3a9c1e5b", giftoin: "gft-SECRET-91bd2e4a70" };

function required(name) {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set: run these tests through \`cargo xtask test\``);
  return value;
}

const ROOT = new URL("../../", import.meta.url).pathname;

/** A temporary site for a test file: `pkg/` and `www/` linked in, and an `index.html` that loads
 * the entry script and has an empty `<main>` for the test to fill. Returns its directory. */
export function entrySite(name) {
  const site = mkdtempSync(join(tmpdir(), `pw-${name}-site-`));
  symlinkSync(join(ROOT, "pkg"), join(site, "pkg"));
  symlinkSync(join(ROOT, "www"), join(site, "www"));
  writeFileSync(join(site, "index.html"), `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${name}</title>
    <link rel="icon" href="data:,"><script type="module" src="/pkg/progress-widgets.js"></script></head><body><main></main></body></html>`);
  return site;
}

/** Starts a binary that prints `listening on URL`; resolves to {url, stop}. */
export function startServer(bin, { env = {}, args = [] } = {}) {
  const child = spawn(bin, args, {
    env: { PATH: process.env.PATH, RUST_LOG: "warn", ...env },
    stdio: ["ignore", "pipe", "inherit"],
  });
  return new Promise((resolve, reject) => {
    const lines = createInterface({ input: child.stdout });
    const deadline = setTimeout(() => { child.kill(); reject(new Error(`${bin} printed no "listening on" line in 30 s`)); }, 30_000);
    child.once("exit", (code) => reject(new Error(`${bin} exited (${code}) before listening`)));
    lines.on("line", (line) => {
      const match = line.match(/listening on (\S+)/);
      if (match) {
        clearTimeout(deadline);
        resolve({ url: match[1], stop: () => child.kill() });
      }
    });
  });
}

/**
 * The fake upstream, and the real proxy in front of it serving `site` (the demo site by default).
 * These tests are about what the widgets do on every request and refresh, so the proxy's
 * progress cache and rate limit are off (`env` may turn them back on); both are tested over HTTP
 * in proxy/tests.
 */
export async function startLiveStack(site = required("PW_SITE_DIR"), env = {}) {
  const upstream = await startServer(required("PW_FAKE_UPSTREAM_BIN"));
  const proxy = await startServer(required("PW_PROXY_BIN"), {
    env: {
      PROXY_LISTEN: "127.0.0.1:0",
      WHALEPASS_API_KEY: KEYS.whalepass,
      GIFTOIN_API_KEY: KEYS.giftoin,
      WHALEPASS_BASE_URL: upstream.url,
      GIFTOIN_BASE_URL: `${upstream.url}/api/v1`,
      CACHE_TTL_PROGRESS: "0",
      CACHE_TTL_GIFTOIN: "0",
      RATE_LIMIT_RPS: "0",
      ...env,
    },
    args: ["--static", site],
  });
  const requests = async () => (await (await fetch(`${upstream.url}/__requests`)).json());
  return { upstream, proxy, requests, stop: () => { proxy.stop(); upstream.stop(); } };
}

/** The proxy exactly as `cargo xtask demo` runs it: demo mode (player tokens on), no keys, serving
 * `site` (the demo site by default). */
export function startDemoProxy(site = required("PW_SITE_DIR")) {
  return startServer(required("PW_PROXY_BIN"), {
    env: { PROXY_LISTEN: "127.0.0.1:0" },
    args: ["--demo", "--static", site],
  });
}

/** Headless Debian Chromium with the flags this machine needs as root, and a fresh profile. */
export function launchBrowser() {
  return chromium.launch({
    executablePath: required("PW_CHROMIUM"),
    args: [
      "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
      "--disable-background-networking", "--disable-component-update", "--disable-sync",
      "--disable-dev-shm-usage",
    ],
  });
}

/** Records every request and response a page makes, with headers and bodies. */
export function recordTraffic(page) {
  const traffic = [];
  const errors = [];
  page.on("pageerror", (error) => errors.push(error.message));
  page.on("console", (msg) => { if (msg.type() === "error") errors.push(msg.text()); });
  page.on("requestfinished", async (request) => {
    try {
      const response = await request.response();
      traffic.push({
        url: request.url(),
        method: request.method(),
        requestHeaders: await request.allHeaders(),
        status: response?.status(),
        responseHeaders: response ? await response.allHeaders() : {},
        body: response ? await response.body().catch(() => Buffer.alloc(0)) : Buffer.alloc(0),
      });
    } catch {
      // The page closed while this request was being read: the test is over.
    }
  });
  page.on("requestfailed", (request) => traffic.push({ url: request.url(), method: request.method(), failed: request.failure()?.errorText, requestHeaders: {}, responseHeaders: {}, body: Buffer.alloc(0) }));
  return { traffic, errors };
}
