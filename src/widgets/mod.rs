//! The Leptos components, usable from Rust, and what they share.

pub mod battlepass;
pub mod collection;
pub mod events;
pub mod polling;
pub mod remote;

pub use battlepass::BattlepassProgress;
pub use collection::CollectionProgress;

/// Seconds between background refreshes when nothing else is said.
pub const DEFAULT_REFRESH_SECS: u32 = 60;

/// The widgets' stylesheet, rendered inside each widget.
pub(crate) const STYLES: &str = include_str!("widgets.css");

/// Pairs items with unique keys for a keyed `<For>`: the item's id, or its position when the id
/// is missing; a repeated id gets its position appended so keys never collide.
///
/// ```
/// use progress_widgets::widgets::keyed;
/// let keys: Vec<String> = keyed(vec![Some("a"), None, Some("a")], |id| id.map(str::to_owned))
///     .into_iter().map(|(key, _)| key).collect();
/// assert_eq!(keys, ["a", "#1", "a#2"]);
/// ```
pub fn keyed<T>(items: Vec<T>, id: impl Fn(&T) -> Option<String>) -> Vec<(String, T)> {
    let mut seen = std::collections::HashSet::new();
    items
        .into_iter()
        .enumerate()
        .map(|(i, item)| {
            let key = match id(&item) {
                Some(id) if seen.insert(id.clone()) => id,
                Some(id) => format!("{id}#{i}"),
                None => format!("#{i}"),
            };
            (key, item)
        })
        .collect()
}

/// An image URL that is safe to put in `src`: http(s), protocol-relative or a path. Anything
/// else (`javascript:`, `data:` ...) is dropped rather than shown.
///
/// ```
/// use progress_widgets::widgets::image_src;
/// assert_eq!(image_src("https://cdn.example/a.png"), Some("https://cdn.example/a.png".into()));
/// assert_eq!(image_src("javascript:alert(1)"), None);
/// assert_eq!(image_src("string"), None);
/// ```
pub fn image_src(url: &str) -> Option<String> {
    let url = url.trim();
    let lower = url.to_ascii_lowercase();
    let ok = lower.starts_with("https://") || lower.starts_with("http://") || url.starts_with('/');
    ok.then(|| url.to_owned())
}
