//! The contract between the progress widgets and the progress proxy: the only requests a widget
//! may make, defined once.
//!
//! The widget crate builds proxy URLs with [`ProxyRoute::path_and_query`]; the proxy matches
//! incoming requests with [`ProxyRoute::parse`] and forwards them with
//! [`ProxyRoute::upstream_segments`]. Because both sides call the same code, the two cannot drift,
//! and anything that is not a [`ProxyRoute`] (the Whalepass write endpoints, traversal attempts)
//! cannot be forwarded at all.
//!
//! ```
//! use progress_contract::ProxyRoute;
//!
//! let route = ProxyRoute::WhalepassProgress {
//!     player_id: "p-42".into(),
//!     game_id: "g-1".into(),
//!     battlepass_id: None,
//! };
//! let url = route.path_and_query();
//! assert_eq!(url, "/whalepass/players/p-42/progress?gameId=g-1");
//! let (path, query) = url.split_once('?').unwrap();
//! assert_eq!(ProxyRoute::parse(path, Some(query)), Ok(route));
//! ```

mod route;
mod segment;

pub use route::{Provider, ProxyRoute, RouteError};
pub use segment::{encode_component, SegmentError, MAX_SEGMENT_LEN};
