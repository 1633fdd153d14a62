// What the widgets' wasm asks of the browser, in JavaScript rather than web-sys or `Reflect`
// calls from Rust: each of these is a few lines here and a kilobyte or more of wasm the other
// way. One section per Rust module that imports it (`#[wasm_bindgen(module = "/js/browser.js")]`
// there, with the Rust signatures and their docs).
//
// One module, not an `inline_js` snippet per Rust file: wasm-bindgen writes each snippet to its
// own file, and the wasm-bindgen-test runner's server (tiny_http) can leave a fifth or sixth file
// requested at once unanswered, which hangs the components test before it starts. The package's
// entry bundles this module like any other, so the split costs the page nothing.

// --- src/format.rs: numbers, dates, spans and plurals through `Intl` ---------------------------
// Each function catches what `Intl` throws and returns `undefined` (`None` in Rust) instead.

const formatters = new Map();
const dateOptions = { year: "numeric", month: "short", day: "numeric", timeZone: "UTC" };
const units = ["days", "hours", "minutes", "seconds"]; // `UNITS`, in the same order
export function intlFormat(date, tag, value) {
  try {
    const key = date + tag;
    let formatter = formatters.get(key);
    if (!formatter) formatters.set(key, (formatter = date ? new Intl.DateTimeFormat(tag, dateOptions) : new Intl.NumberFormat(tag)));
    return formatter.format(value);
  } catch {}
}
export function intlSpan(tag, parts) {
  try {
    const duration = {};
    for (let i = 0; i < parts.length; i += 2) duration[units[parts[i + 1]]] = parts[i];
    return new Intl.DurationFormat([tag], { style: "narrow" }).format(duration);
  } catch {}
}
export function intlPluralIsOne(tag, count) {
  try {
    let rules = formatters.get("plural" + tag);
    if (!rules) formatters.set("plural" + tag, (rules = new Intl.PluralRules(tag)));
    return rules.select(count) === "one";
  } catch {
    return count === 1;
  }
}
export function intlAccepts(tag) {
  try {
    return Intl.getCanonicalLocales(tag).length > 0;
  } catch {
    return false;
  }
}

// --- src/widgets/events.rs: the events a widget dispatches --------------------------------------

export function announce(target, name, detail) {
  setTimeout(() => target.dispatchEvent(new CustomEvent(name, { bubbles: true, composed: true, detail })));
}
export function announceFailure(target, kind, status, message) {
  announce(target, "progress-error", status ? { kind, status, message } : { kind, message });
}
export function dispatchSignIn(target, url) {
  const event = new CustomEvent("progress-sign-in", { bubbles: true, composed: true, cancelable: true, detail: { url: url ?? null } });
  target.dispatchEvent(event);
  return event;
}

// --- src/widgets/styles.rs: the stylesheet, adopted by each root a widget renders in ------------
// One parsed sheet is shared by every root that adopts it (`null`: the browser has none).

let sheet;
export function adopt(element, css) {
  try {
    if (sheet === undefined) {
      sheet = null;
      const parsed = new CSSStyleSheet();
      parsed.replaceSync(css);
      sheet = parsed;
    }
    const root = element.getRootNode();
    const current = root.adoptedStyleSheets;
    if (!sheet || current == null) return false;
    if (!current.includes(sheet)) root.adoptedStyleSheets = [...current, sheet];
    return true;
  } catch {
    return false;
  }
}
