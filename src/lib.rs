//! # progress-widgets
//!
//! Embeddable widgets that show a player's progress: their Whalepass **battle pass** (XP,
//! levels, free and premium rewards, challenges) and their Giftoin **collection challenges**
//! (programs, cards owned, rewards). Progress is fetched through a configurable proxy URL; the
//! proxy (`progress-proxy`, in this workspace) holds the API keys, so no key reaches a browser.
//!
//! From Rust (Leptos):
//!
//! ```no_run
//! use leptos::prelude::*;
//! use progress_widgets::client::ProxyUrl;
//! use progress_widgets::widgets::{BattlepassProgress, CollectionProgress};
//!
//! let proxy = ProxyUrl::new("/progress-proxy").unwrap();
//! let view = view! {
//!     <BattlepassProgress proxy_url=proxy.clone() player_id="p-42" game_id="g-1" />
//!     <CollectionProgress proxy_url=proxy platform="discord" platform_user_id="123456789012345678" />
//! };
//! ```
//!
//! From JavaScript: `mountBattlepass(element, options)` and `mountCollections(element, options)`
//! (see [`embed`]).

pub mod client;
pub mod labels;
pub mod embed;
pub mod format;
pub mod model;
pub mod widgets;

// talc instead of std's dlmalloc: 1–3 KB brotli less wasm, measured with `cargo xtask build`
// (vendor/send_wrapper/PATCHED.md says what else that needed). It grows wasm memory as it needs,
// like dlmalloc, and frees into size-binned lists, so the mount/unmount memory test holds.
#[cfg(all(target_arch = "wasm32", not(target_feature = "atomics")))]
#[global_allocator]
static TALC: talc::wasm::WasmDynamicTalc = talc::wasm::new_wasm_dynamic_allocator();

pub use progress_contract::ProxyRoute;

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;
    use std::path::Path;

    /// Every JavaScript file wasm-bindgen writes for this crate: each `inline_js` snippet is one,
    /// each `module = "…"` path another.
    fn snippet_files(dir: &Path, found: &mut BTreeSet<String>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                snippet_files(&path, found);
            } else if path.extension().is_some_and(|e| e == "rs") {
                let source = std::fs::read_to_string(&path).unwrap();
                // Spelt in two pieces, so that this file does not find itself.
                for (i, _) in source.match_indices(concat!("inline", "_js = r")) {
                    found.insert(format!("{}: inline_js at byte {i}", path.display()));
                }
                for piece in source.split("wasm_bindgen(module = \"").skip(1) {
                    found.insert(piece.split('"').next().unwrap().to_owned());
                }
            }
        }
    }

    /// wasm-bindgen-test's server (tiny_http) hands each connection to a pool of four threads and
    /// can leave a fifth or sixth request made at once unread; the test page imports every
    /// snippet file at once, so with five or more the components test sometimes hangs before it
    /// starts (seen at five and six). New JavaScript goes into `js/browser.js`.
    #[test]
    fn the_wasm_imports_few_javascript_files() {
        let mut found = BTreeSet::new();
        snippet_files(&Path::new(env!("CARGO_MANIFEST_DIR")).join("src"), &mut found);
        assert!(found.contains("/js/browser.js") && found.contains("/js/requests.js"), "{found:?}");
        assert!(found.len() <= 3, "{} JavaScript files for the wasm (at most 3): {found:?}", found.len());
    }
}
