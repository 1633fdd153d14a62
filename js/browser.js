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

// Every formatter is made once per page and locale: the first of a kind is slow to make (see
// `intlWarm`), and countdowns ask again each minute.
const formatters = new Map();
const formatter = (key, make) => formatters.get(key) ?? formatters.set(key, make()).get(key);
const dateOptions = { year: "numeric", month: "short", day: "numeric", timeZone: "UTC" };
const units = ["days", "hours", "minutes", "seconds"]; // `UNITS`, in the same order
export function intlFormat(date, tag, value) {
  try {
    return formatter(date + tag, () => (date ? new Intl.DateTimeFormat(tag, dateOptions) : new Intl.NumberFormat(tag))).format(value);
  } catch {}
}
// The first `Intl.DateTimeFormat` a page makes costs some 20 ms of CPU (60–90 ms on a phone,
// V8 loading its date patterns; later ones, any locale, about 1 ms). The entry script makes the
// widget's formatters once the first answer is in, while the wasm is usually still on its way, so
// that this is not on the way to the first paint.
export function intlWarm(tag) {
  intlFormat(true, tag, 0);
  intlFormat(false, tag, 0);
}
export function intlSpan(tag, parts) {
  try {
    const duration = {};
    for (let i = 0; i < parts.length; i += 2) duration[units[parts[i + 1]]] = parts[i];
    return formatter("span" + tag, () => new Intl.DurationFormat([tag], { style: "narrow" })).format(duration);
  } catch {}
}
export function intlPluralIsOne(tag, count) {
  try {
    return formatter("plural" + tag, () => new Intl.PluralRules(tag)).select(count) === "one";
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
export function signInClick(click, url, then) {
  // A middle click or a modified one (new tab, new window) is the browser's own business.
  if (click.button || click.ctrlKey || click.metaKey || click.shiftKey || click.altKey) return;
  // The link is followed below, once the page has had its say.
  click.preventDefault();
  const from = click.currentTarget.parentNode;
  // The page's listeners usually sign the player in at once, which replaces the very view that
  // was clicked: they run from a microtask, off the click handler's stack.
  queueMicrotask(() => {
    const event = new CustomEvent("progress-sign-in", { bubbles: true, composed: true, cancelable: true, detail: { url: url ?? null } });
    from.dispatchEvent(event);
    then?.(event);
    if (!event.defaultPrevented && url != null) location.assign(url);
  });
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
//
// Run in the next frame's animation callbacks, not at once: centring and the buttons' states read
// the layout, and the effect that calls this runs before the rest of a first render is in the
// DOM, so a layout forced here was thrown away and done again for the paint (battle pass, phone
// cold: first data paint 19–52 ms sooner, `cargo xtask bench`). The callbacks run before that
// frame is laid out and painted, so it is painted centred, with the buttons' states set.
export function trackShown(list, centre) {
  requestAnimationFrame(() => wireTrack(list, centre));
}
function wireTrack(list, centre) {
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

// --- src/embed/options.rs: the options of `mountBattlepass`, `mountCollections` and `update` ----
// `text`: an id-like option is a non-empty string once trimmed, or an integer JavaScript holds
// exactly (ids are often numbers in JS); `undefined` and `null` are absent. A getter that throws
// is a value of the wrong kind. The checks run in a fixed order, so with several bad options the
// message always names the same one.

export function checkOptions(fn, battlepass, options) {
  if (typeof options != "object" || !options) return fn + ": `options` must be an object";
  const fail = (name, problem) => { throw fn + ": option `" + name + "` " + problem; };
  const get = (name) => { try { return options[name]; } catch { return NaN; } };
  const text = (name, value = get(name)) => {
    if (value == null) return;
    if (Number.isSafeInteger(value)) value = String(value);
    if (typeof value != "string") fail(name, "must be a string");
    if (!(value = value.trim())) fail(name, "must not be empty");
    return value;
  };
  const required = (name) => text(name) ?? fail(name, "is required");
  // An empty id is no id (a page that clears it on sign-out): the guest view.
  const idle = (name, value = get(name)) => (typeof value == "string" && !value.trim() ? undefined : text(name, value));
  const oneOf = (name, values) => {
    const value = text(name);
    // "must be `light`, `dark` or `auto`"
    if (value != null && !values.includes(value)) fail(name, "must be " + values.map((v) => "`" + v + "`").join(", ").replace(/, (?!.*, )/, " or "));
    return value;
  };
  try {
    let ids;
    if (battlepass) {
      const player = idle("playerId"), season = text("battlepassId");
      ids = [player, player ? required("gameId") : text("gameId"), season];
      if (!player && !season) fail("playerId", "is required (or `battlepassId` alone, for the guest view)");
    } else {
      const user = idle("platformUserId");
      ids = [user && required("platform"), user];
    }
    const proxyUrl = required("proxyUrl");
    const every = get("refreshInterval") != null ? "refreshInterval" : "refresh";
    let refresh = text(every);
    if (refresh != null && (!/^\+?\d+$/.test(refresh) || (refresh = +refresh) > 4294967295)) fail(every, "must be a whole number of seconds");
    const token = text("playerToken");
    if (token != null && !/^[!-~]+$/.test(token)) fail("playerToken", "must be printable ASCII without spaces");
    let locale = text("locale")?.replaceAll("_", "-");
    if (locale != null && !(locale.length <= 35 && intlAccepts(locale))) fail("locale", "must be a BCP 47 language tag such as `en` or `de-DE`");
    const labels = get("labels");
    if (labels != null && typeof labels != "object") fail("labels", "must be an object of label texts by name");
    const signIn = text("signInUrl"), scheme = signIn?.split(":", 1)[0];
    // Never `javascript:`, whatever the page was made to pass: a relative URL, or http(s).
    if (scheme != signIn && !/[/?#]/.test(scheme) && !/^https?$/i.test(scheme)) fail("signInUrl", "must be a relative URL or an http(s) one");
    if (!battlepass) ids[2] = text("programId");
    const onSignIn = get("onSignIn");
    if (onSignIn != null && typeof onSignIn != "function") fail("onSignIn", "must be a function");
    return [proxyUrl, refresh, token, locale, labels, signIn, onSignIn, oneOf("theme", ["light", "dark", "auto"]), oneOf("layout", ["full", "compact"]), ...ids];
  } catch (message) {
    return message;
  }
}
