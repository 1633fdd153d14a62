// progress-widgets: the script-tag entry point.
//
//   <script type="module" src=".../progress-widgets.js"></script>
//   <battlepass-progress proxy-url="/progress-proxy" player-id="p-42" game-id="g-1"></battlepass-progress>
//   <collection-progress proxy-url="/progress-proxy" platform="discord" platform-user-id="1234"></collection-progress>
//
// Loading this module in a browser defines both elements and loads the wasm. It finds its .wasm
// next to itself (wasm-bindgen's glue resolves it from import.meta.url), so it works from any
// folder or CDN path. Each element renders into an open shadow root: the page's CSS cannot reach
// in, and the widget's cannot leak out. Styles are constructable stylesheets (adoptedStyleSheets),
// which a strict `style-src 'self'` allows. Importing it anywhere else (Node, a server render)
// does nothing: no DOM is touched and no wasm is loaded until a browser defines the elements.
import init, { mountBattlepass, mountCollections } from "./progress_widgets.js";
import { intlWarm } from "./browser.js";
import { dropEarly, startEarly } from "./requests.js";

/** Whether this is a page with custom elements (not Node or another server-side renderer). */
const browser = typeof window !== "undefined" && typeof customElements !== "undefined";
/** `HTMLElement`, or a stand-in where there is none, so that the classes below can be declared. */
const Base = browser ? HTMLElement : class {};

let loading = null;
/** Loads and instantiates the wasm, once; every element waits for the same promise. */
function load() {
  // Started a microtask later, so that every element already on the page starts its first
  // requests (as it is defined) before the wasm's download takes the connection.
  loading ??= Promise.resolve().then(() => init());
  return loading;
}

/** `encodeURIComponent` as the route contract encodes (`!'()*` too). Throws on lone surrogates. */
const encode = (text) => encodeURIComponent(text.trim()).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
/** What the proxy accepts as an id; anything else is left to the widget to report. */
const plainId = (text) => typeof text === "string" && /^[A-Za-z0-9\-_.~:@+=|!$*,]{1,128}$/.test(text.trim()) && !/^\.\.?$/.test(text.trim());

/** The URLs a widget with these options will ask for first, or none when unsure. */
function firstRequests(kind, options) {
  const base = options.proxyUrl?.trim() ?? "";
  if (/[\s?#]/.test(base) || !/^(https?:\/\/|\/|\.\.?\/)/i.test(base)) return [];
  const root = base.replace(/\/+$/, "");
  // The guest view: the season with its tiers (no player), or nothing to ask for (no user).
  if (kind === "battlepass" && !options.playerId) {
    return plainId(options.battlepassId) ? [`${root}/whalepass/battlepass/${encode(options.battlepassId)}?includeLevels=true`] : [];
  }
  if (kind === "collections" && !options.platformUserId) return [];
  const ids = kind === "battlepass" ? [options.playerId, options.gameId] : [options.platform, options.platformUserId];
  const optional = kind === "battlepass" ? options.battlepassId : options.programId;
  if (!ids.every(plainId) || (optional !== undefined && !plainId(optional))) return [];
  if (kind === "collections") {
    return [`${root}/giftoin/users/${encode(options.platform)}/${encode(options.platformUserId)}/progress/collection-challenges${optional ? `/${encode(optional)}` : ""}`];
  }
  const progress = `${root}/whalepass/players/${encode(options.playerId)}/progress?gameId=${encode(options.gameId)}`;
  // With a battle-pass id, the season's definition is asked for at once too.
  return optional ? [`${progress}&battlepassId=${encode(optional)}`, `${root}/whalepass/battlepass/${encode(optional)}`] : [progress];
}

/** The element's own sheet: a constructable stylesheet where supported, else a `<style>`. */
const HOST_CSS = ":host{display:block}:host([hidden]){display:none}";
let hostSheet;
function adoptHostStyles(root) {
  if (root.adoptedStyleSheets !== undefined && typeof CSSStyleSheet === "function" && "replaceSync" in CSSStyleSheet.prototype) {
    if (!hostSheet) {
      hostSheet = new CSSStyleSheet();
      hostSheet.replaceSync(HOST_CSS);
    }
    root.adoptedStyleSheets = [...root.adoptedStyleSheets, hostSheet];
  } else {
    const style = document.createElement("style");
    style.textContent = HOST_CSS;
    root.append(style);
  }
}

/** Page-wide defaults, set with `configure()`. */
const defaults = { proxyUrl: undefined, theme: undefined, locale: undefined, labels: undefined };
/** Connected elements, so `configure()` can re-render them. */
const live = new Set();

/** Attributes both elements read, and their option names. `refresh` is the old name of
 * `refresh-interval`, read for one more release: as a property it would replace the `refresh()`
 * method (React 19 sets a JSX prop as a property when the element has one of that name). */
const COMMON = { "proxy-url": "proxyUrl", "refresh-interval": "refreshInterval", refresh: "refreshInterval", theme: null, locale: "locale", "player-token": "playerToken", "sign-in-url": "signInUrl" };
const DEPRECATED = { refresh: "refresh-interval" };
const warned = new Set();

/** `player-id` → `playerId`. */
const camel = (attribute) => attribute.replace(/-([a-z])/g, (_, letter) => letter.toUpperCase());

/** A camelCase property for each attribute, reflecting it: setting `null` or `undefined`
 * removes the attribute. What React 19, Vue and Lit-style code set. */
function reflectAttributes(element, attributes) {
  for (const attribute of attributes) {
    Object.defineProperty(element.prototype, camel(attribute), {
      get() { return this.getAttribute(attribute); },
      set(value) { value === null || value === undefined ? this.removeAttribute(attribute) : this.setAttribute(attribute, String(value)); },
      configurable: true,
      enumerable: true,
    });
  }
}

/** A valid BCP 47 tag, as `Intl` judges it, or undefined. */
function validLocale(tag) {
  if (!tag) return undefined;
  try {
    return Intl.getCanonicalLocales(tag)[0];
  } catch {
    return undefined;
  }
}

/** A base class for both elements: attributes in, a mounted widget out. */
class ProgressElement extends Base {
  #container = null;
  #handle = null;
  #message = null;
  /** URLs of the early requests this element started. */
  #early = [];
  /** false: the wasm is not known to be loaded; null: waiting for it; true: loaded. */
  #loaded = false;

  static get observedAttributes() {
    return [...Object.keys(COMMON), ...Object.keys(this.ids)];
  }

  constructor() {
    super();
    adoptHostStyles(this.attachShadow({ mode: "open" }));
  }

  connectedCallback() {
    // A property set before the element was defined (a framework, a server render) is an own
    // property that hides the accessor: move it through the accessor.
    for (const attribute of this.constructor.observedAttributes) {
      const property = camel(attribute);
      if (!(attribute in DEPRECATED) && Object.prototype.hasOwnProperty.call(this, property)) {
        const value = this[property];
        delete this[property];
        this[property] = value;
      }
    }
    live.add(this);
    this.#render();
  }

  disconnectedCallback() {
    live.delete(this);
    this.#dropEarly();
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
      if (!option || value === null || value === "") continue;
      if (attribute in DEPRECATED) {
        if (!warned.has(attribute)) {
          warned.add(attribute);
          console.warn(`progress-widgets: the \`${attribute}\` attribute is deprecated; use \`${DEPRECATED[attribute]}\``);
        }
        options[option] ??= value;
      } else {
        options[option] = value;
      }
    }
    options.proxyUrl ??= defaults.proxyUrl;
    // Replacement texts by label name, for every element on the page (see the README's labels).
    if (defaults.labels) options.labels = defaults.labels;
    // An explicit `locale` is checked by the widget (a bad one is its error); inherited ones
    // that Intl rejects (a page's bad `lang`) are skipped, never fatal.
    options.locale ??= [defaults.locale, this.closest("[lang]")?.lang, document.documentElement.lang, navigator.language]
      .map(validLocale).find(Boolean);
    return options;
  }

  #render() {
    if (!this.isConnected) return;
    if (this.#loaded === false) {
      // The first render waits for the wasm; a failed load is this element's error state. Its
      // first requests start now, while the wasm loads.
      this.#loaded = null;
      this.#startEarly();
      load().then(() => { this.#loaded = true; this.#render(); }, (error) => this.#fail(null, `${this.localName}: the widget could not be loaded (${error?.message ?? error})`, "load"));
      return;
    }
    if (this.#loaded !== true) return;
    const options = this.#options();
    const missing = this.constructor.missing(options);
    if (options.proxyUrl === undefined) return this.#fail("proxy-url");
    if (missing) return this.#fail(...missing);
    try {
      if (this.#handle) {
        this.#handle.update(options);
      } else {
        this.#container = document.createElement("div");
        this.#container.setAttribute("part", "widget");
        this.shadowRoot.append(this.#container);
        this.#handle = this.constructor.mount(this.#container, options);
        // The widget took its early requests as it mounted (in this task's microtasks); any it
        // did not take asked for something else.
        setTimeout(() => this.#dropEarly());
      }
      this.#message?.remove();
      this.#message = null;
      this.#container.dataset.theme = this.getAttribute("theme") || defaults.theme || "auto";
      this.#container.lang = options.locale;
    } catch (error) {
      this.#fail(null, error.message);
    }
  }

  #startEarly() {
    if (this.#loaded !== null || typeof fetch !== "function") return;
    try {
      const options = this.#options();
      this.#early = firstRequests(this.constructor.kind, options);
      const answers = this.#early.map((url) => startEarly(url, options.playerToken?.trim()));
      // The widget's number and date formatters (see `intlWarm`), made when the first answer is
      // in: the data is about to be shown and, on a slow network, the wasm is still on its way,
      // so the main thread is idle. Made sooner, they could hold up the wasm's start instead.
      const warm = () => setTimeout(intlWarm, 0, options.locale);
      if (options.locale) Promise.any(answers).then(warm, warm);
    } catch {
      this.#early = []; // an id `encodeURIComponent` rejects: the widget will say what is wrong
    }
  }

  #dropEarly() {
    for (const url of this.#early) dropEarly(url);
    this.#early = [];
  }

  /** Shows a configuration (or load) problem inside the widget and announces it; never throws. */
  #fail(attribute, text, kind = "config") {
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
      bubbles: true, composed: true, detail: { kind, message },
    }));
  }
}

/** `<battlepass-progress>`: a player's Whalepass battle pass; without `player-id`, the season
 * `battlepass-id` names as every visitor sees it (the guest view). */
export class BattlepassProgressElement extends ProgressElement {
  // Attributes read as options: the ids, and the layout.
  static ids = { "player-id": "playerId", "game-id": "gameId", "battlepass-id": "battlepassId", layout: "layout" };
  static kind = "battlepass";
  static mount = mountBattlepass;
  /** The attribute these options lack, as `#fail`'s arguments, or undefined. */
  static missing(options) {
    if (options.playerId !== undefined) return options.gameId === undefined ? ["game-id"] : undefined;
    if (options.battlepassId === undefined) {
      return [null, "battlepass-progress: the `player-id` attribute is required (or `battlepass-id` alone, for the guest view)"];
    }
  }
}

/** `<collection-progress>`: a user's Giftoin collection challenges; without `platform-user-id`,
 * only the call to action to sign in (the guest view). */
export class CollectionProgressElement extends ProgressElement {
  static ids = { platform: "platform", "platform-user-id": "platformUserId", "program-id": "programId" };
  static kind = "collections";
  static mount = mountCollections;
  static missing(options) {
    if (options.platformUserId !== undefined && options.platform === undefined) return ["platform"];
  }
}

for (const element of [BattlepassProgressElement, CollectionProgressElement]) {
  reflectAttributes(element, [...Object.keys(COMMON), ...Object.keys(element.ids)].filter((a) => !(a in DEPRECATED)));
}

/** Defines both elements, unless they already are (loading this script twice is harmless). */
export function defineElements() {
  if (!browser) return;
  for (const [name, element] of [["battlepass-progress", BattlepassProgressElement], ["collection-progress", CollectionProgressElement]]) {
    if (!customElements.get(name)) customElements.define(name, element);
  }
}

/** Page-wide defaults for every element: `{proxyUrl, theme, locale, labels}`. */
export function configure(options = {}) {
  Object.assign(defaults, options);
  for (const element of live) element.attributeChangedCallback("configure", 0, 1);
}

export { init, mountBattlepass, mountCollections };
// The rest of wasm-bindgen's API, for `progress_widgets.js` (which re-exports this module).
export { default, initSync, WidgetHandle } from "./progress_widgets.js";

// In a browser the wasm is ready when this module's import resolves, so `mountBattlepass` works
// right after `import`; a failed load does not reject the import (elements show it instead). A
// second copy of this script (another URL) finds the elements defined and starts no second wasm
// instance.
if (browser && !customElements.get("battlepass-progress")) {
  defineElements();
  await load().catch((error) => console.error("progress-widgets: the wasm could not be loaded:", error));
}
