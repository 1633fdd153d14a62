//! The proxy client: GETs the [`ProxyRoute`]s from the configured proxy URL and decodes them.
//!
//! It sends no credentials (no cookies, no HTTP auth: the proxy needs none, and the widget runs
//! on someone else's page) and never any key: keys live only in the proxy.

use std::fmt;

use crate::labels::{Label, Labels};

use progress_contract::ProxyRoute;
use wasm_bindgen::{JsCast, JsValue};
use web_sys::AbortSignal;

use crate::model::giftoin::Program;
use crate::model::whalepass::{Battlepass, PlayerProgress};
use crate::model::{from_js, upstream_message, DecodeError, Json};
use crate::widgets::events::ProgressEvents;

/// The base URL of a progress proxy: absolute (`https://api.game.example/progress`) or relative
/// to the page (`/progress-proxy`).
///
/// ```
/// use progress_widgets::client::ProxyUrl;
/// let url = ProxyUrl::new("/progress-proxy/").unwrap();
/// assert_eq!(url.as_str(), "/progress-proxy");
/// assert!(ProxyUrl::new("javascript:alert(1)").is_err());
/// assert!(ProxyUrl::new("").is_err());
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ProxyUrl(String);

impl ProxyUrl {
    /// Checks and normalises a proxy base URL (no trailing slash, no query or fragment).
    ///
    /// ```
    /// use progress_widgets::client::ProxyUrl;
    /// assert_eq!(ProxyUrl::new("https://p.example/").unwrap().as_str(), "https://p.example");
    /// assert!(ProxyUrl::new("https://p.example/?x=1").is_err());
    /// ```
    pub fn new(raw: &str) -> Result<Self, String> {
        let url = raw.trim();
        let lower = url.to_ascii_lowercase();
        if url.is_empty() {
            return Err("must not be empty".into());
        }
        if url.contains(['?', '#']) || url.chars().any(char::is_whitespace) {
            return Err("must be a plain base URL without spaces, query or fragment".into());
        }
        let relative = url.starts_with('/') || url.starts_with("./") || url.starts_with("../") || url == ".";
        if !(relative || lower.starts_with("https://") || lower.starts_with("http://")) {
            return Err("must be an http(s) URL or a path such as /progress-proxy".into());
        }
        let trimmed = url.trim_end_matches('/');
        Ok(ProxyUrl(if trimmed.is_empty() { String::new() } else { trimmed.to_owned() }))
    }

    /// The normalised base URL (empty for the site root `/`).
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The URL of a route on this proxy, path and query, as the route contract writes them.
    ///
    /// ```
    /// use progress_contract::ProxyRoute;
    /// use progress_widgets::client::ProxyUrl;
    /// let url = ProxyUrl::new("https://p.example/pw").unwrap();
    /// let route = ProxyRoute::WhalepassBattlepass { battlepass_id: "bp 1".into(), include_levels: true };
    /// assert_eq!(url.url(&route), "https://p.example/pw/whalepass/battlepass/bp%201?includeLevels=true");
    /// ```
    pub fn url(&self, route: &ProxyRoute) -> String {
        self.0.clone() + &route.path_and_query()
    }
}

/// Why a request to the proxy failed.
///
/// ```
/// use progress_widgets::client::ClientError;
/// let err = ClientError::Http { status: 429, message: "Too many requests".into() };
/// assert_eq!(err.kind(), "http");
/// assert!(err.to_string().contains("429"));
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ClientError {
    /// The request parameters are invalid; nothing was sent.
    InvalidRequest(String),
    /// The proxy could not be reached (offline, DNS, CORS refusal ...).
    Network(String),
    /// The proxy (or upstream through it) answered with an error status.
    Http {
        /// The HTTP status.
        status: u16,
        /// The message from the error body, or the status text.
        message: String,
    },
    /// The service is busy (HTTP 503 with `Retry-After`: the deployment's budget with the
    /// provider is spent); the widget asks again by itself after `retry_in` seconds.
    Busy {
        /// Seconds until asking again, from `Retry-After` (1 to 60).
        retry_in: u32,
    },
    /// The answer could not be decoded.
    Decode(String),
    /// The request was cancelled (the widget was removed or asked again); never shown.
    Aborted,
}

impl ClientError {
    /// A stable, short name for the kind of failure: `config`, `network`, `http`, `decode` or
    /// `aborted`.
    ///
    /// ```
    /// assert_eq!(progress_widgets::client::ClientError::Network("x".into()).kind(), "network");
    /// ```
    pub fn kind(&self) -> &'static str {
        match self {
            ClientError::InvalidRequest(_) => "config",
            ClientError::Network(_) => "network",
            ClientError::Http { .. } | ClientError::Busy { .. } => "http",
            ClientError::Decode(_) => "decode",
            ClientError::Aborted => "aborted",
        }
    }
}

impl ClientError {
    /// What the widget says about the failure, in its language (the `progress-error` event's
    /// `message` is the English one).
    ///
    /// ```
    /// use progress_widgets::client::ClientError;
    /// use progress_widgets::format::Locale;
    /// use progress_widgets::labels::Labels;
    /// let busy = ClientError::Busy { retry_in: 3 };
    /// assert_eq!(busy.to_string(), "The progress service is busy. Retrying in 3 s…");
    /// let de = Labels::new(&Locale(Some("de".into())), Default::default());
    /// assert_eq!(busy.message(&de), "Der Fortschrittsdienst ist ausgelastet. Neuer Versuch in 3 s…");
    /// ```
    pub fn message(&self, t: &Labels) -> String {
        match self {
            ClientError::InvalidRequest(message) => t.fill(Label::ErrorSettings, &[("message", message)]),
            ClientError::Network(_) => t.get(Label::ErrorNetwork),
            ClientError::Http { status: 401, .. } => t.get(Label::ErrorSignIn),
            ClientError::Http { status: 403, .. } => t.get(Label::ErrorOtherPlayer),
            ClientError::Http { status: 429, message } => t.fill(Label::ErrorRateLimited, &[("message", message)]),
            ClientError::Http { status, message } => {
                let label = if *status >= 500 { Label::ErrorService } else { Label::ErrorRefused };
                t.fill(label, &[("status", &crate::format::int((*status).into(), 1)), ("message", message)])
            }
            ClientError::Busy { retry_in } => t.fill(Label::ErrorBusy, &[("seconds", &crate::format::int((*retry_in).into(), 1))]),
            ClientError::Decode(message) => t.fill(Label::ErrorDecode, &[("message", message)]),
            ClientError::Aborted => "Cancelled".to_owned(),
        }
    }
}

impl fmt::Display for ClientError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message(&Labels::default()))
    }
}

impl std::error::Error for ClientError {}

impl From<DecodeError> for ClientError {
    fn from(err: DecodeError) -> Self {
        ClientError::Decode(err.0)
    }
}

/// How a route's answer is read: a model's `from_doc`.
///
/// ```
/// use progress_widgets::client::Decoder;
/// use progress_widgets::model::giftoin::Program;
/// let one: Decoder<Vec<Program>> = |doc| Program::from_doc(doc).map(|program| vec![program]);
/// let all: Decoder<Vec<Program>> = Program::list_from_doc;
/// ```
pub type Decoder<T> = fn(&Json) -> Result<T, DecodeError>;

/// A client for one proxy.
///
/// ```no_run
/// # async fn demo() -> Result<(), progress_widgets::client::ClientError> {
/// use progress_widgets::client::{ProxyClient, ProxyUrl};
/// let client = ProxyClient::new(ProxyUrl::new("/progress-proxy").unwrap());
/// let abort = web_sys::AbortController::new().unwrap();
/// let progress = client.player_progress("p-42", "g-1", None, &abort.signal()).await?;
/// # Ok(()) }
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct ProxyClient {
    base: ProxyUrl,
    events: Option<ProgressEvents>,
    player_token: Option<String>,
}

impl ProxyClient {
    /// A client for the proxy at `base`.
    pub fn new(base: ProxyUrl) -> Self {
        ProxyClient { base, events: None, player_token: None }
    }

    /// Sends `Authorization: Bearer <token>` to the proxy (for proxies that check who is asking;
    /// the reference proxy never forwards it upstream).
    pub fn with_player_token(mut self, token: Option<String>) -> Self {
        self.player_token = token.filter(|t| !t.is_empty());
        self
    }

    /// Announces every load (with the body as the browser parsed it) and failure of this client as DOM
    /// events on `events`' target.
    pub fn announcing(mut self, events: Option<ProgressEvents>) -> Self {
        self.events = events;
        self
    }

    /// A player's battle-pass progress.
    pub async fn player_progress(
        &self,
        player_id: &str,
        game_id: &str,
        battlepass_id: Option<&str>,
        abort: &AbortSignal,
    ) -> Result<PlayerProgress, ClientError> {
        let route = ProxyRoute::WhalepassProgress {
            player_id: player_id.to_owned(),
            game_id: game_id.to_owned(),
            battlepass_id: battlepass_id.map(str::to_owned),
        };
        self.fetch(&route, abort, PlayerProgress::from_doc).await
    }

    /// A battle pass's definition; with `include_levels`, every tier and its rewards too.
    pub async fn battlepass(&self, battlepass_id: &str, include_levels: bool, abort: &AbortSignal) -> Result<Battlepass, ClientError> {
        let route = ProxyRoute::WhalepassBattlepass { battlepass_id: battlepass_id.to_owned(), include_levels };
        self.fetch(&route, abort, Battlepass::from_doc).await
    }

    /// All of a user's collection challenges.
    pub async fn collections(
        &self,
        platform: &str,
        platform_user_id: &str,
        abort: &AbortSignal,
    ) -> Result<Vec<Program>, ClientError> {
        let route = ProxyRoute::GiftoinCollections {
            platform: platform.to_owned(),
            platform_user_id: platform_user_id.to_owned(),
        };
        self.fetch(&route, abort, Program::list_from_doc).await
    }

    /// One collection challenge of a user.
    pub async fn collection(
        &self,
        platform: &str,
        platform_user_id: &str,
        program_id: &str,
        abort: &AbortSignal,
    ) -> Result<Program, ClientError> {
        let route = ProxyRoute::GiftoinCollection {
            platform: platform.to_owned(),
            platform_user_id: platform_user_id.to_owned(),
            program_id: program_id.to_owned(),
        };
        self.fetch(&route, abort, Program::from_doc).await
    }

    /// GETs a route, decodes it, and announces the outcome.
    async fn fetch<T>(&self, route: &ProxyRoute, abort: &AbortSignal, decode: Decoder<T>) -> Result<T, ClientError> {
        let mut value = None;
        self.fetch_with(route, abort, &mut |doc| decode(doc).map(|decoded| value = Some(decoded))).await?;
        Ok(value.expect("a fetch that succeeded has decoded its answer"))
    }

    /// GETs a route, hands the parsed answer to `accept` (which decodes and keeps it), and
    /// announces the outcome: a failure of `accept` is the request's. Not generic over what is
    /// decoded, so the wasm has one copy of the request's state machine, whatever the widgets
    /// fetch (a copy per model type and per call site was 5 KB raw).
    pub(crate) async fn fetch_with(
        &self,
        route: &ProxyRoute,
        abort: &AbortSignal,
        accept: &mut dyn FnMut(&Json) -> Result<(), DecodeError>,
    ) -> Result<(), ClientError> {
        let result = self.get(route, abort).await.and_then(|parsed| Ok(accept(&from_js(&parsed)).map(|()| parsed)?));
        match (&result, &self.events) {
            (Ok(parsed), Some(events)) => events.loaded(parsed),
            (Err(error), Some(events)) => events.failed(error),
            _ => {}
        }
        result.map(drop)
    }

    /// GETs a route and returns the body of a successful answer, parsed by the browser.
    async fn get(&self, route: &ProxyRoute, abort: &AbortSignal) -> Result<JsValue, ClientError> {
        route.check().map_err(|err| ClientError::InvalidRequest(err.message()))?;
        let url = self.base.url(route);
        let answer: Answer = settle(request_read(&url, self.player_token.as_deref().unwrap_or_default(), abort), abort).await?.unchecked_into();
        if answer.ok() {
            return Ok(answer.body());
        }
        let status = answer.status();
        if status == 503 {
            if let Some(seconds) = answer.retry_after().and_then(|s| s.trim().parse::<u32>().ok()) {
                return Err(ClientError::Busy { retry_in: seconds.clamp(1, 60) });
            }
        }
        let message = upstream_message(&answer.text()).unwrap_or_else(|| match answer.status_text() {
            text if text.is_empty() => "HTTP ".to_owned() + &crate::format::int(status.into(), 1),
            text => text,
        });
        Err(ClientError::Http { status, message })
    }
}

/// Awaits the request: `abort` tells a cancellation from a failure.
async fn settle(promise: js_sys::Promise, abort: &AbortSignal) -> Result<JsValue, ClientError> {
    let read = wasm_bindgen_futures::JsFuture::from(promise).await;
    read.map_err(|err| match () {
        _ if abort.aborted() => ClientError::Aborted,
        // A body that is not JSON rejects with a `SyntaxError`; a failed request or a connection
        // lost while reading, with a `TypeError`.
        _ if err.dyn_ref::<js_sys::SyntaxError>().is_some() => {
            ClientError::Decode(crate::format::js_error_text(&err))
        }
        _ => ClientError::Network(crate::format::js_error_text(&err)),
    })
}

#[wasm_bindgen::prelude::wasm_bindgen(module = "/js/requests.js")]
extern "C" {
    /// GETs `url` as the widgets send it (JSON accepted, `token`, unless empty, as a bearer token,
    /// no cookies, abortable), or takes the request the entry script started early for exactly
    /// this URL and token, and reads the answer (an [`Answer`]). JavaScript, so that the wasm and
    /// the entry script send their requests through one function, and the response is read in
    /// one step; the browser's `fetch` directly, as a wrapper crate's error types brought their
    /// own JSON and I/O error texts into the wasm. Rejects with a `TypeError` for a failed
    /// request, a `SyntaxError` for a good answer that is not JSON.
    #[wasm_bindgen(js_name = requestRead)]
    fn request_read(url: &str, token: &str, signal: &AbortSignal) -> js_sys::Promise;

    /// What [`request_read`] resolves to.
    type Answer;

    /// Whether the status was 2xx.
    #[wasm_bindgen(method, getter)]
    fn ok(this: &Answer) -> bool;

    /// A good answer's body, as `Response.json()` parsed it.
    #[wasm_bindgen(method, getter)]
    fn body(this: &Answer) -> JsValue;

    /// A failed answer's status.
    #[wasm_bindgen(method, getter)]
    fn status(this: &Answer) -> u16;

    /// A failed answer's status text.
    #[wasm_bindgen(method, getter, js_name = statusText)]
    fn status_text(this: &Answer) -> String;

    /// A failed answer's body.
    #[wasm_bindgen(method, getter)]
    fn text(this: &Answer) -> String;

    /// A failed answer's `Retry-After` header.
    #[wasm_bindgen(method, getter, js_name = retryAfter)]
    fn retry_after(this: &Answer) -> Option<String>;
}
