// The widgets' requests to the proxy: the one place one is sent, both by the wasm
// (`requestRead`, which the crate imports) and by the entry script before the wasm is ready
// (`startEarly`).
//
// The entry script starts a widget's first requests as soon as it reads the element's attributes,
// so that the network and the wasm's download and compile overlap. The widget still builds every
// URL itself, from the route contract, and takes an early request only when its URL and token are
// exactly those; any other is aborted unused. The token goes in a header, never in the URL.

/** Requests started before the wasm was ready, by URL. */
const early = new Map();

/** A GET as the widgets send it: JSON accepted, the player's token as a bearer token, no cookies,
 * abortable. */
function send(url, token, signal) {
  const headers = { Accept: "application/json" };
  if (token) headers.Authorization = `Bearer ${token}`;
  return fetch(url, { headers, credentials: "omit", signal });
}

/** Starts one early request, unless one for that URL is already under way; returns its answer
 * (a promise that settles when the answer's headers are in, or the request fails). */
export function startEarly(url, token) {
  if (early.has(url)) return early.get(url).response;
  const controller = new AbortController();
  // A good answer's body is read as soon as it arrives, so the browser parses it while the wasm is
  // still on its way; the widget's `json()` then gets that read, already done, and the data is on
  // screen in the task that mounts the widget (no frame of the loading line, no task between).
  const response = send(url, token, controller.signal).then((answer) => {
    if (answer.ok) {
      const body = answer.json();
      body.catch(() => {}); // likewise the widget's to report
      answer.json = () => body;
    }
    return answer;
  });
  response.catch(() => {}); // a failure is the widget's to report, when it takes the request
  early.set(url, { token: token ?? "", response, controller });
  return response;
}

/** Aborts an early request that no widget took. */
export function dropEarly(url) {
  early.get(url)?.controller.abort();
  early.delete(url);
}

/** A widget's request (`token` empty for none): the early one for exactly this URL and token,
 * once, or a new one. */
function request(url, token, signal) {
  const entry = early.get(url);
  if (entry && entry.token === token) {
    early.delete(url);
    // The widget's own abort (removal, new ids) now ends the early request too.
    if (signal.aborted) entry.controller.abort();
    signal.addEventListener("abort", () => entry.controller.abort(), { once: true });
    return entry.response;
  }
  return send(url, token, signal);
}

/** A widget's request, read: `{ok: true, body}` with the parsed JSON of a good answer, else
 * `{ok: false, status, statusText, text, retryAfter}`, the error body read in every case so that
 * the response is finished and its connection free. Rejects as `fetch` or the JSON parse does
 * (never throws: it is `async`). */
export async function requestRead(url, token, signal) {
  const response = await request(url, token, signal);
  if (response.ok) return { ok: true, body: await response.json() };
  const text = await response.text();
  return { ok: false, status: response.status, statusText: response.statusText, text, retryAfter: response.headers.get("retry-after") };
}
