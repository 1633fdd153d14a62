// progress-widgets: the script-tag entry point.
//
//   <script type="module" src=".../progress-widgets.js"></script>
//   <battlepass-progress proxy-url="/progress-proxy" player-id="p-42" game-id="g-1"></battlepass-progress>
//   <collection-progress proxy-url="/progress-proxy" platform="discord" platform-user-id="1234"></collection-progress>
//
// Loading this module defines both elements. It finds its .wasm next to itself (wasm-bindgen's
// glue resolves it from import.meta.url), so it works from any folder or CDN path. Each element
// renders into an open shadow root: the page's CSS cannot reach in, and the widget's cannot leak out.
import init, { mountBattlepass, mountCollections } from "./progress_widgets.js";

/** Page-wide defaults, set with `configure()`. */
const defaults = { proxyUrl: undefined, theme: undefined, locale: undefined };
/** Connected elements, so `configure()` can re-render them. */
const live = new Set();

/** Attributes both elements read, and their option names. */
const COMMON = { "proxy-url": "proxyUrl", refresh: "refresh", theme: null, locale: "locale", "player-token": "playerToken" };

/** A base class for both elements: attributes in, a mounted widget out. */
class ProgressElement extends HTMLElement {
  #container = null;
  #handle = null;
  #message = null;

  static get observedAttributes() {
    return [...Object.keys(COMMON), ...Object.keys(this.ids)];
  }

  constructor() {
    super();
    const root = this.attachShadow({ mode: "open" });
    const style = document.createElement("style");
    style.textContent = ":host{display:block}:host([hidden]){display:none}";
    root.append(style);
  }

  connectedCallback() {
    live.add(this);
    this.#render();
  }

  disconnectedCallback() {
    live.delete(this);
    // Unmounting aborts the request in flight and stops the refresh timer.
    this.#handle?.unmount();
    this.#handle = null;
    this.#container?.remove();
    this.#container = null;
  }

  attributeChangedCallback(name, before, after) {
    if (before !== after && this.isConnected) this.#render();
  }

  /** Fetches again now; settles when the new data is shown (rejects with the error's detail). */
  refresh() {
    return new Promise((resolve, reject) => {
      if (!this.#handle) return reject(new Error(`${this.localName} is not showing progress yet`));
      const done = (event) => {
        this.removeEventListener("progress-load", done);
        this.removeEventListener("progress-error", done);
        event.type === "progress-load" ? resolve(event.detail) : reject(event.detail);
      };
      this.addEventListener("progress-load", done);
      this.addEventListener("progress-error", done);
      this.#handle.refresh();
    });
  }

  /** The options object for the mount function, from attributes and page defaults. */
  #options() {
    const options = {};
    for (const [attribute, option] of Object.entries({ ...COMMON, ...this.constructor.ids })) {
      const value = this.getAttribute(attribute);
      if (option && value !== null && value !== "") options[option] = value;
    }
    options.proxyUrl ??= defaults.proxyUrl;
    options.locale ??= defaults.locale || this.closest("[lang]")?.lang || document.documentElement.lang || navigator.language;
    return options;
  }

  #render() {
    if (!this.isConnected) return;
    const options = this.#options();
    const missing = Object.entries(this.constructor.ids)
      .filter(([attribute]) => this.constructor.required.includes(attribute))
      .find(([, option]) => options[option] === undefined);
    if (options.proxyUrl === undefined) return this.#fail("proxy-url");
    if (missing) return this.#fail(missing[0]);
    try {
      if (this.#handle) {
        this.#handle.update(options);
      } else {
        this.#container = document.createElement("div");
        this.#container.setAttribute("part", "widget");
        this.shadowRoot.append(this.#container);
        this.#handle = this.constructor.mount(this.#container, options);
      }
      this.#message?.remove();
      this.#message = null;
      this.#container.dataset.theme = this.getAttribute("theme") || defaults.theme || "auto";
      this.#container.lang = options.locale;
    } catch (error) {
      this.#fail(null, error.message);
    }
  }

  /** Shows a configuration problem inside the widget and announces it; never throws. */
  #fail(attribute, text) {
    this.#handle?.unmount();
    this.#handle = null;
    this.#container?.remove();
    this.#container = null;
    const message = text ?? `${this.localName}: the \`${attribute}\` attribute is required` +
      (attribute === "proxy-url" ? " (or call configure({proxyUrl}) once for the page)" : "");
    if (!this.#message) {
      this.#message = document.createElement("p");
      this.#message.setAttribute("part", "error");
      this.#message.setAttribute("role", "alert");
      this.#message.style.cssText = "margin:0;padding:12px;border-radius:8px;background:#fdecea;color:#8a1c12;font:14px/1.4 system-ui,sans-serif";
      this.shadowRoot.append(this.#message);
    }
    this.#message.textContent = message;
    this.dispatchEvent(new CustomEvent("progress-error", {
      bubbles: true, composed: true, detail: { kind: "config", message },
    }));
  }
}

/** `<battlepass-progress>`: a player's Whalepass battle pass. */
export class BattlepassProgressElement extends ProgressElement {
  static ids = { "player-id": "playerId", "game-id": "gameId", "battlepass-id": "battlepassId" };
  static required = ["player-id", "game-id"];
  static mount = mountBattlepass;
}

/** `<collection-progress>`: a user's Giftoin collection challenges. */
export class CollectionProgressElement extends ProgressElement {
  static ids = { platform: "platform", "platform-user-id": "platformUserId", "program-id": "programId" };
  static required = ["platform", "platform-user-id"];
  static mount = mountCollections;
}

/** Defines both elements, unless they already are (loading this script twice is harmless). */
export function defineElements() {
  for (const [name, element] of [["battlepass-progress", BattlepassProgressElement], ["collection-progress", CollectionProgressElement]]) {
    if (!customElements.get(name)) customElements.define(name, element);
  }
}

/** Page-wide defaults for every element: `{proxyUrl, theme, locale}`. */
export function configure(options = {}) {
  Object.assign(defaults, options);
  for (const element of live) element.attributeChangedCallback("configure", 0, 1);
}

export { init, mountBattlepass, mountCollections };

// The wasm is ready when this module's import resolves, so `mountBattlepass` works right after
// `import`. A second copy of this script (another URL) finds the elements defined and starts no
// second wasm instance.
if (!customElements.get("battlepass-progress")) {
  await init();
  defineElements();
}
