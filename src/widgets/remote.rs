//! Progress fetched from the proxy: the last good answer, the last failure, and whether a
//! request is out, plus the view of those states that both widgets share.
//!
//! Data already shown is never thrown away by a failure: a failed reload keeps the last good
//! answer on screen and adds a notice with a retry button.

use std::future::Future;

use leptos::callback::UnsyncCallback;
use leptos::prelude::*;
use wasm_bindgen::JsCast;
use leptos::task::spawn_local;
use web_sys::{AbortController, AbortSignal};

use crate::labels::{Label, Labels};
use crate::client::{ClientError, Decoder, ProxyClient};
use crate::model::{DecodeError, Json};
use crate::ProxyRoute;
use super::When;

/// The state of one remote value. `Copy`: it is a handful of arena handles owned by the
/// component that created it, and disposed with it.
///
/// ```no_run
/// use leptos::prelude::*;
/// use progress_widgets::widgets::remote::Remote;
/// let remote = Remote::<String>::new();
/// remote.load(|_abort| async { Ok("hello".to_owned()) });
/// let shown = move || remote.data.get();
/// ```
pub struct Remote<T: Send + Sync + 'static> {
    /// The last good answer.
    pub data: RwSignal<Option<T>>,
    /// The last failure, cleared by the next success.
    pub error: RwSignal<Option<ClientError>>,
    /// Whether a request is out.
    pub loading: RwSignal<bool>,
    /// The request in flight, so a newer one or the component's disposal can cancel it.
    in_flight: StoredValue<Option<AbortController>, LocalStorage>,
}

impl<T: Send + Sync + 'static> Clone for Remote<T> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<T: Send + Sync + 'static> Copy for Remote<T> {}

impl<T: Send + Sync + 'static> Default for Remote<T> {
    fn default() -> Self {
        Self::new()
    }
}

impl<T: Send + Sync + 'static> Remote<T> {
    /// Creates the state under the current owner; when the owner is disposed (the widget is
    /// unmounted) the request in flight is aborted, so no work outlives the widget.
    pub fn new() -> Self {
        let remote = Remote {
            data: RwSignal::new(None),
            error: RwSignal::new(None),
            loading: RwSignal::new(false),
            in_flight: StoredValue::new_local(None),
        };
        on_cleanup(move || remote.cancel());
        remote
    }

    /// Starts `fetch`, cancelling any request still in flight (its late answer must not
    /// overwrite this one's).
    pub fn load<F, Fut>(&self, fetch: F)
    where
        F: FnOnce(AbortSignal) -> Fut,
        Fut: Future<Output = Result<T, ClientError>> + 'static,
    {
        self.cancel();
        let Ok(controller) = AbortController::new() else {
            self.error.set(Some(ClientError::Network("this browser cannot make requests".into())));
            return;
        };
        let future = fetch(controller.signal());
        self.in_flight.set_value(Some(controller));
        self.loading.set(true);
        let Remote { data, error, loading, .. } = *self;
        spawn_local(async move {
            match future.await {
                // Superseded or unmounted: whoever cancelled owns the state now.
                Err(ClientError::Aborted) => return,
                Ok(value) => {
                    data.try_set(Some(value));
                    error.try_set(None);
                }
                Err(failure) => {
                    error.try_set(Some(failure));
                }
            }
            loading.try_set(false);
        });
    }

    /// GETs `route` with `client` and keeps what `decode` reads of the answer, cancelling any
    /// request still in flight: [`load`](Self::load) for the proxy's routes. Only the decoding
    /// depends on `T`; the request, its cancellation and the states are one non-generic copy in
    /// the wasm for every widget's loads.
    ///
    /// ```no_run
    /// use progress_widgets::client::{ProxyClient, ProxyUrl};
    /// use progress_widgets::model::whalepass::Battlepass;
    /// use progress_widgets::widgets::remote::Remote;
    /// use progress_widgets::ProxyRoute;
    /// let season = Remote::<Battlepass>::new();
    /// let client = ProxyClient::new(ProxyUrl::new("/progress-proxy").unwrap());
    /// let route = ProxyRoute::WhalepassBattlepass { battlepass_id: "s1".into(), include_levels: false };
    /// season.request(client, route, Battlepass::from_doc);
    /// ```
    pub fn request(&self, client: ProxyClient, route: ProxyRoute, decode: Decoder<T>) {
        let data = self.data;
        let accept = move |doc: &Json| decode(doc).map(|value| drop(data.try_set(Some(value))));
        start(self.error, self.loading, self.in_flight, client, route, Box::new(accept));
    }

    /// Forgets everything shown (the widget now shows someone else's progress).
    pub fn clear(&self) {
        self.cancel();
        self.data.set(None);
        self.error.set(None);
        self.loading.set(false);
    }

    fn cancel(&self) {
        cancel(self.in_flight);
    }

    /// Whether there is data to show.
    pub fn has_data(&self) -> bool {
        self.data.with(Option::is_some)
    }

    /// What [`RemoteStatus`] shows of it.
    pub fn state(&self) -> RemoteState {
        let data = self.data;
        RemoteState { has_data: Signal::derive(move || data.with(Option::is_some)), loading: self.loading.into(), error: self.error }
    }
}

/// Decodes an answer and keeps what it read (a [`Remote`]'s data).
type Accept = Box<dyn FnMut(&Json) -> Result<(), DecodeError>>;

/// [`Remote::request`]'s work, whatever is decoded: cancels the request in flight, starts this
/// one, and sets the states when it settles (`accept` keeps the data).
fn start(
    error: RwSignal<Option<ClientError>>,
    loading: RwSignal<bool>,
    in_flight: StoredValue<Option<AbortController>, LocalStorage>,
    client: ProxyClient,
    route: ProxyRoute,
    mut accept: Accept,
) {
    cancel(in_flight);
    let Ok(controller) = AbortController::new() else {
        error.set(Some(ClientError::Network("this browser cannot make requests".into())));
        return;
    };
    let signal = controller.signal();
    in_flight.set_value(Some(controller));
    loading.set(true);
    spawn_local(async move {
        match client.fetch_with(&route, &signal, &mut *accept).await {
            // Superseded or unmounted: whoever cancelled owns the state now.
            Err(ClientError::Aborted) => return,
            Ok(()) => error.try_set(None),
            Err(failure) => error.try_set(Some(failure)),
        };
        loading.try_set(false);
    });
}

/// Aborts the request in flight, if any.
fn cancel(in_flight: StoredValue<Option<AbortController>, LocalStorage>) {
    in_flight.try_update_value(|in_flight| {
        if let Some(controller) = in_flight.take() {
            controller.abort();
        }
    });
}

/// A [`Remote`]'s state, whatever it holds: what [`RemoteStatus`] shows.
#[derive(Clone, Copy)]
pub struct RemoteState {
    /// Whether data is on screen.
    pub has_data: Signal<bool>,
    /// Whether a request is out.
    pub loading: Signal<bool>,
    /// The last failure; the notice's close button clears it.
    pub error: RwSignal<Option<ClientError>>,
}

/// Loads now, and again whenever an input that `inputs` reads changes. A change first calls
/// `forget`: the widget now shows someone else's progress, so the old data must go.
///
/// ```no_run
/// use leptos::prelude::*;
/// use progress_widgets::widgets::remote::{load_on_change, Remote};
/// let player = RwSignal::new("p-42".to_owned());
/// let remote = Remote::<String>::new();
/// let load = move || remote.load(move |_abort| async move { Ok(player.get_untracked()) });
/// load_on_change(move || player.track(), move || remote.clear(), load);
/// ```
pub fn load_on_change(inputs: impl Fn() + 'static, forget: impl Fn() + 'static, load: impl Fn() + 'static) {
    let mut first = true;
    super::effect(move || {
        inputs();
        if !first {
            forget();
        }
        first = false;
        load();
    });
}

/// Loading, error and "couldn't refresh" states around a widget's content.
///
/// With no data yet it shows a loading line or the error with a retry button; once data is
/// shown, a failure only adds a small notice above it.
#[component]
pub fn RemoteStatus(
    /// The remote value's state ([`Remote::state`]).
    remote: RemoteState,
    /// Asks again.
    retry: UnsyncCallback<()>,
    /// The loading line ("Loading battle pass…").
    loading_label: Label,
    /// The widget's words.
    labels: Labels,
) -> impl IntoView {
    let RemoteState { has_data, loading, error } = remote;
    let t = labels;
    // The words, kept where every part of the view (each a `Fn` closure) can read them.
    let words = StoredValue::new((t.clone(), [Label::CouldNotRefresh, Label::Retry, Label::Dismiss].map(|l| t.get(l))));
    let word = move |i: usize| words.with_value(|(_, texts)| texts[i].clone());
    let message = move || words.with_value(|(t, _)| error.with(|e| e.as_ref().map(|e| e.message(t)))).unwrap_or_default();
    let refresh_failed = move || if has_data.get() { word(0) + " " } else { String::new() };
    let loading_text = t.get(loading_label);
    // Busy: ask again by itself when the service said to (a shown notice, not an error wall).
    let busy = move || error.with(|e| matches!(e, Some(ClientError::Busy { .. })));
    let timer = StoredValue::new(None::<TimeoutHandle>);
    let stop = move || {
        timer.try_update_value(|t| t.take().map(|t| t.clear()));
    };
    super::effect(move || {
        stop();
        if let Some(ClientError::Busy { retry_in }) = error.get() {
            let handle = set_timeout_with_handle(move || retry.run(()), std::time::Duration::from_secs(retry_in.into()));
            timer.set_value(handle.ok());
        }
    });
    on_cleanup(stop);
    // Focus never drops to the page: after Dismiss it moves to the widget, and after a Retry that
    // succeeds (the error, and its button, go away) it moves to the widget too.
    let focus_after = StoredValue::new_local(None::<web_sys::HtmlElement>);
    let remember_widget = move |ev: leptos::ev::MouseEvent| {
        let widget = ev.target().and_then(|t| t.dyn_into::<web_sys::Element>().ok()).and_then(|e| e.closest(".pw").ok().flatten());
        focus_after.set_value(widget.and_then(|w| w.dyn_into().ok()));
    };
    super::effect(move || {
        if error.with(Option::is_none) {
            if let Some(widget) = focus_after.try_update_value(Option::take).flatten() {
                let _ = widget.focus();
            }
        }
    });
    view! {
        <When when=move || !has_data.get() && loading.get() && error.with(Option::is_none)>
            <p class="pw-loading" role="status" aria-busy="true">{loading_text.clone()}</p>
        </When>
        <When when=move || error.with(Option::is_some)>
            <div
                class="pw-error"
                class:pw-error-notice=move || has_data.get()
                class:pw-busy=busy
                part="error"
            >
                // A failure with nothing shown is an alert; a failed background refresh is only a
                // polite status. The text changes only when the failure does, so a poll that
                // fails again announces nothing new.
                <p class="pw-error-message" role=move || if has_data.get() { "status" } else { "alert" }>
                    {refresh_failed}
                    {message}
                </p>
                <button
                    type="button"
                    part="retry"
                    class="pw-retry"
                    aria-disabled=move || if loading.get() { "true" } else { "false" }
                    on:click=move |ev| {
                        if !loading.get_untracked() {
                            remember_widget(ev);
                            retry.run(());
                        }
                    }
                >
                    {word(1)}
                </button>
                <When when=move || has_data.get()>
                    <button
                        type="button"
                        part="dismiss"
                        class="pw-dismiss"
                        aria-label=word(2)
                        on:click=move |ev| {
                            remember_widget(ev);
                            error.set(None);
                        }
                    >
                        "×"
                    </button>
                </When>
            </div>
        </When>
    }
}
