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

// --- src/widgets/track.rs: the level track's paging buttons, keys and centring -----------------
// The buttons are found from the list (its track's two `.pw-page` buttons, earlier then later),
// and the handlers are properties, not listeners: calling this again replaces them, never adds.

export function trackShown(list, centre) {
  const [back, forward] = list.parentNode?.querySelectorAll(".pw-page") ?? [];
  // A list no longer in its track (a view being replaced) has nothing to wire: a throw here would
  // unwind through the wasm effect that called it.
  if (!forward) return;
  const page = (direction) => { list.scrollLeft += direction * Math.max(1, Math.trunc(list.clientWidth * 4 / 5)); };
  const mark = (button, can) => {
    const value = can ? "false" : "true";
    if (button.getAttribute("aria-disabled") != value) button.setAttribute("aria-disabled", value);
  };
  const paging = () => {
    const left = list.scrollLeft;
    mark(back, left > 1);
    mark(forward, left + list.clientWidth < list.scrollWidth - 1);
  };
  back.onclick = () => page(-1);
  forward.onclick = () => page(1);
  list.onscroll = paging;
  list.onkeydown = (event) => {
    const key = event.key;
    if (key == "Home") list.scrollLeft = 0;
    else if (key == "End") list.scrollLeft = list.scrollWidth;
    else if (key == "PageUp" || key == "PageDown") page(key == "PageUp" ? -1 : 1);
    else return;
    event.preventDefault();
  };
  const current = centre && list.querySelector(".pw-current");
  // The list is the levels' offset parent (`position: relative` in the stylesheet).
  if (current) list.scrollLeft = current.offsetLeft - Math.trunc((list.clientWidth - current.offsetWidth) / 2);
  paging();
}
