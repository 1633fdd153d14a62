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

pub use progress_contract::ProxyRoute;
