//! The route table: every request a widget may send to the proxy, and what it becomes upstream.

use std::fmt;

use crate::segment::{decode_segment, encode_into, validate, SegmentError};

/// The upstream service a route is forwarded to.
///
/// ```
/// use progress_contract::{Provider, ProxyRoute};
///
/// let route = ProxyRoute::WhalepassBattlepass { battlepass_id: "bp-1".into(), include_levels: false };
/// assert_eq!(route.provider(), Provider::Whalepass);
/// assert_eq!(Provider::Giftoin.name(), "giftoin");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Provider {
    /// Whalepass battle passes (`api.whalepass.gg`).
    Whalepass,
    /// Giftoin collection challenges (`api.giftoin.org/api/v1`).
    Giftoin,
}

impl Provider {
    /// The provider's name as it appears in proxy paths and messages.
    ///
    /// ```
    /// assert_eq!(progress_contract::Provider::Whalepass.name(), "whalepass");
    /// ```
    pub fn name(self) -> &'static str {
        match self {
            Provider::Whalepass => "whalepass",
            Provider::Giftoin => "giftoin",
        }
    }
}

/// A read request a widget may make through the proxy. Nothing else is forwarded.
///
/// | route | proxy path | upstream path |
/// |---|---|---|
/// | [`WhalepassProgress`](Self::WhalepassProgress) | `/whalepass/players/{playerId}/progress?gameId=G[&battlepassId=B]` | `/players/{playerId}/progress?gameId=G` (+ `X-Battlepass-Id: B`) |
/// | [`WhalepassBattlepass`](Self::WhalepassBattlepass) | `/whalepass/battlepass/{battlepassId}[?includeLevels=true]` | the same without `/whalepass` |
/// | [`GiftoinCollections`](Self::GiftoinCollections) | `/giftoin/users/{platform}/{platformUserId}/progress/collection-challenges` | the same without `/giftoin` |
/// | [`GiftoinCollection`](Self::GiftoinCollection) | the same plus `/{programId}` | the same without `/giftoin` |
///
/// ```
/// use progress_contract::ProxyRoute;
///
/// let route = ProxyRoute::GiftoinCollection {
///     platform: "discord".into(),
///     platform_user_id: "123456789012345678".into(),
///     program_id: "program_123".into(),
/// };
/// assert_eq!(
///     route.upstream_segments(),
///     ["users", "discord", "123456789012345678", "progress", "collection-challenges", "program_123"]
/// );
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum ProxyRoute {
    /// A player's full battle-pass progress.
    WhalepassProgress {
        /// The game's own (external) player id.
        player_id: String,
        /// The Whalepass game id.
        game_id: String,
        /// A specific (e.g. draft) battle pass instead of the game's active one.
        battlepass_id: Option<String>,
    },
    /// A battle pass's definition (name, dates, premium price), and with `include_levels` every
    /// tier and its rewards (the guest view's track: the same for every player).
    WhalepassBattlepass {
        /// The battle pass id.
        battlepass_id: String,
        /// Whether to ask for the levels too (`includeLevels=true` upstream). The player view
        /// leaves it off: the player's progress carries the levels already.
        include_levels: bool,
    },
    /// All of a user's collection challenges.
    GiftoinCollections {
        /// The platform, e.g. `discord` or `roblox`.
        platform: String,
        /// The user's id on that platform.
        platform_user_id: String,
    },
    /// One collection challenge of a user.
    GiftoinCollection {
        /// The platform, e.g. `discord` or `roblox`.
        platform: String,
        /// The user's id on that platform.
        platform_user_id: String,
        /// The program (collection) id.
        program_id: String,
    },
}

/// Why a request does not name a [`ProxyRoute`].
///
/// ```
/// use progress_contract::{ProxyRoute, RouteError};
///
/// // The Whalepass write endpoints are not routes at all.
/// let err = ProxyRoute::parse("/whalepass/players/p/progress/exp", None).unwrap_err();
/// assert_eq!(err, RouteError::NotFound);
/// assert!(!err.is_bad_request());
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RouteError {
    /// The path is not one of the routes.
    NotFound,
    /// A path segment or query value is not acceptable.
    Segment {
        /// The parameter's name as documented (`playerId`, `gameId`, ...).
        name: &'static str,
        /// What is wrong with it.
        error: SegmentError,
    },
    /// A required query parameter is missing.
    MissingQuery(&'static str),
    /// A query parameter appears more than once.
    DuplicateQuery(&'static str),
    /// A yes/no query parameter is neither `true` nor `false`.
    NotAFlag(&'static str),
}

impl RouteError {
    /// Whether the request was malformed (400) rather than for an unknown path (404).
    ///
    /// ```
    /// assert!(progress_contract::RouteError::MissingQuery("gameId").is_bad_request());
    /// ```
    pub fn is_bad_request(&self) -> bool {
        !matches!(self, RouteError::NotFound)
    }
}

impl RouteError {
    /// The error's text, as [`Display`](fmt::Display) writes it, built without `core::fmt`: the
    /// widgets' wasm calls this, and has no formatting machinery at all as long as nothing calls
    /// `core::fmt` (the package build checks that, then cuts that machinery out).
    ///
    /// ```
    /// use progress_contract::RouteError;
    /// assert_eq!(RouteError::MissingQuery("gameId").message(), "query parameter `gameId` is required");
    /// ```
    pub fn message(&self) -> String {
        let mut out = String::new();
        match self {
            RouteError::NotFound => out.push_str("no such route: the proxy forwards only the progress read routes"),
            RouteError::Segment { name, error } => {
                pieces(&mut out, &["`", name, "` "]);
                error.push_message(&mut out);
            }
            RouteError::MissingQuery(name) => pieces(&mut out, &["query parameter `", name, "` is required"]),
            RouteError::DuplicateQuery(name) => pieces(&mut out, &["query parameter `", name, "` is given more than once"]),
            RouteError::NotAFlag(name) => pieces(&mut out, &["query parameter `", name, "` must be `true` or `false`"]),
        }
        out
    }
}

impl fmt::Display for RouteError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message())
    }
}

impl std::error::Error for RouteError {}

/// Appends `texts` one after the other.
pub(crate) fn pieces(out: &mut String, texts: &[&str]) {
    for text in texts {
        out.push_str(text);
    }
}

fn segment(name: &'static str, raw: &str) -> Result<String, RouteError> {
    decode_segment(raw).map_err(|error| RouteError::Segment { name, error })
}

impl ProxyRoute {
    /// The upstream service this route is forwarded to.
    ///
    /// ```
    /// use progress_contract::{Provider, ProxyRoute};
    /// let route = ProxyRoute::GiftoinCollections { platform: "discord".into(), platform_user_id: "1".into() };
    /// assert_eq!(route.provider(), Provider::Giftoin);
    /// ```
    pub fn provider(&self) -> Provider {
        match self {
            ProxyRoute::WhalepassProgress { .. } | ProxyRoute::WhalepassBattlepass { .. } => Provider::Whalepass,
            ProxyRoute::GiftoinCollections { .. } | ProxyRoute::GiftoinCollection { .. } => Provider::Giftoin,
        }
    }

    /// Every parameter with its documented name, in URL order.
    fn parameters(&self) -> Vec<(&'static str, &str)> {
        match self {
            ProxyRoute::WhalepassProgress { player_id, game_id, battlepass_id } => {
                let mut params = vec![("playerId", player_id.as_str()), ("gameId", game_id.as_str())];
                if let Some(id) = battlepass_id {
                    params.push(("battlepassId", id));
                }
                params
            }
            ProxyRoute::WhalepassBattlepass { battlepass_id, .. } => vec![("battlepassId", battlepass_id)],
            ProxyRoute::GiftoinCollections { platform, platform_user_id } => {
                vec![("platform", platform), ("platformUserId", platform_user_id)]
            }
            ProxyRoute::GiftoinCollection { platform, platform_user_id, program_id } => vec![
                ("platform", platform),
                ("platformUserId", platform_user_id),
                ("programId", program_id),
            ],
        }
    }

    /// Checks every parameter against the rules the proxy enforces, so a client can report a bad
    /// id before sending anything.
    ///
    /// ```
    /// use progress_contract::ProxyRoute;
    /// let route = ProxyRoute::WhalepassBattlepass { battlepass_id: "".into(), include_levels: false };
    /// assert_eq!(route.check().unwrap_err().to_string(), "`battlepassId` must not be empty");
    /// ```
    pub fn check(&self) -> Result<(), RouteError> {
        for (name, value) in self.parameters() {
            validate(value).map_err(|error| RouteError::Segment { name, error })?;
        }
        Ok(())
    }

    /// The path to request from the proxy, relative to its base URL, every segment
    /// percent-encoded.
    ///
    /// ```
    /// use progress_contract::ProxyRoute;
    /// let route = ProxyRoute::WhalepassBattlepass { battlepass_id: "a b".into(), include_levels: true };
    /// assert_eq!(route.path(), "/whalepass/battlepass/a%20b");
    /// ```
    pub fn path(&self) -> String {
        let mut path = String::with_capacity(96);
        self.write_path(&mut path);
        path
    }

    fn write_path(&self, out: &mut String) {
        out.push('/');
        out.push_str(self.provider().name());
        for segment in self.upstream_segments() {
            out.push('/');
            encode_into(out, segment);
        }
    }

    /// The query parameters to send to the proxy (unencoded).
    ///
    /// ```
    /// use progress_contract::ProxyRoute;
    /// let route = ProxyRoute::WhalepassProgress {
    ///     player_id: "p".into(), game_id: "g".into(), battlepass_id: Some("bp".into()),
    /// };
    /// assert_eq!(route.query(), [("gameId", "g"), ("battlepassId", "bp")]);
    /// ```
    pub fn query(&self) -> Vec<(&'static str, &str)> {
        let mut query = self.upstream_query();
        if let Some(id) = self.selected_battlepass() {
            query.push(("battlepassId", id));
        }
        query
    }

    /// [`path`](Self::path) and [`query`](Self::query) as one relative URL.
    ///
    /// ```
    /// use progress_contract::ProxyRoute;
    /// let route = ProxyRoute::WhalepassProgress {
    ///     player_id: "a b".into(),
    ///     game_id: "g".into(),
    ///     battlepass_id: Some("bp".into()),
    /// };
    /// assert_eq!(route.path_and_query(), "/whalepass/players/a%20b/progress?gameId=g&battlepassId=bp");
    /// ```
    pub fn path_and_query(&self) -> String {
        let mut url = String::with_capacity(128);
        self.write_path(&mut url);
        for (i, (name, value)) in self.query().into_iter().enumerate() {
            url.push(if i == 0 { '?' } else { '&' });
            url.push_str(name);
            url.push('=');
            encode_into(&mut url, value);
        }
        url
    }

    /// Matches a request to the proxy. `path` is the raw (percent-encoded) path; `query` the raw
    /// query string without `?`. Unknown query parameters are ignored, never forwarded.
    ///
    /// ```
    /// use progress_contract::{ProxyRoute, RouteError};
    /// assert_eq!(
    ///     ProxyRoute::parse("/whalepass/battlepass/bp-1", Some("includeLevels=true")),
    ///     Ok(ProxyRoute::WhalepassBattlepass { battlepass_id: "bp-1".into(), include_levels: true })
    /// );
    /// assert_eq!(
    ///     ProxyRoute::parse("/whalepass/players/p/progress", None),
    ///     Err(RouteError::MissingQuery("gameId"))
    /// );
    /// ```
    pub fn parse(path: &str, query: Option<&str>) -> Result<Self, RouteError> {
        let raw: Vec<&str> = path.strip_prefix('/').ok_or(RouteError::NotFound)?.split('/').collect();
        match raw.as_slice() {
            ["whalepass", "players", player, "progress"] => {
                let player_id = segment("playerId", player)?;
                let query = Query::parse(query.unwrap_or(""))?;
                Ok(ProxyRoute::WhalepassProgress {
                    player_id,
                    game_id: query.game_id.ok_or(RouteError::MissingQuery("gameId"))?,
                    battlepass_id: query.battlepass_id,
                })
            }
            ["whalepass", "battlepass", battlepass] => {
                let battlepass_id = segment("battlepassId", battlepass)?;
                let query = Query::parse(query.unwrap_or(""))?;
                let include_levels = match query.include_levels.as_deref() {
                    None | Some("false") => false,
                    Some("true") => true,
                    Some(_) => return Err(RouteError::NotAFlag("includeLevels")),
                };
                Ok(ProxyRoute::WhalepassBattlepass { battlepass_id, include_levels })
            }
            ["giftoin", "users", platform, user, "progress", "collection-challenges"] => {
                Ok(ProxyRoute::GiftoinCollections {
                    platform: segment("platform", platform)?,
                    platform_user_id: segment("platformUserId", user)?,
                })
            }
            ["giftoin", "users", platform, user, "progress", "collection-challenges", program] => {
                Ok(ProxyRoute::GiftoinCollection {
                    platform: segment("platform", platform)?,
                    platform_user_id: segment("platformUserId", user)?,
                    program_id: segment("programId", program)?,
                })
            }
            _ => Err(RouteError::NotFound),
        }
    }

    /// The path segments to append to the provider's base URL (unencoded: the HTTP client encodes
    /// them).
    ///
    /// ```
    /// use progress_contract::ProxyRoute;
    /// let route = ProxyRoute::WhalepassBattlepass { battlepass_id: "bp-1".into(), include_levels: false };
    /// assert_eq!(route.upstream_segments(), ["battlepass", "bp-1"]);
    /// ```
    pub fn upstream_segments(&self) -> Vec<&str> {
        match self {
            ProxyRoute::WhalepassProgress { player_id, .. } => vec!["players", player_id, "progress"],
            ProxyRoute::WhalepassBattlepass { battlepass_id, .. } => vec!["battlepass", battlepass_id],
            ProxyRoute::GiftoinCollections { platform, platform_user_id } => {
                vec!["users", platform, platform_user_id, "progress", "collection-challenges"]
            }
            ProxyRoute::GiftoinCollection { platform, platform_user_id, program_id } => {
                vec!["users", platform, platform_user_id, "progress", "collection-challenges", program_id]
            }
        }
    }

    /// The query parameters forwarded upstream.
    ///
    /// ```
    /// use progress_contract::ProxyRoute;
    /// let route = ProxyRoute::WhalepassProgress {
    ///     player_id: "p".into(), game_id: "g".into(), battlepass_id: Some("bp".into()),
    /// };
    /// assert_eq!(route.upstream_query(), [("gameId", "g")]);
    /// let season = ProxyRoute::WhalepassBattlepass { battlepass_id: "bp".into(), include_levels: true };
    /// assert_eq!(season.upstream_query(), [("includeLevels", "true")]);
    /// ```
    pub fn upstream_query(&self) -> Vec<(&'static str, &str)> {
        match self {
            ProxyRoute::WhalepassProgress { game_id, .. } => vec![("gameId", game_id)],
            // Only `true` is ever sent: `false` is upstream's default, and one spelling per
            // request keeps one cache entry per request.
            ProxyRoute::WhalepassBattlepass { include_levels: true, .. } => vec![("includeLevels", "true")],
            _ => Vec::new(),
        }
    }

    /// The battle pass a progress request selects; upstream takes it as a header, not a query
    /// parameter.
    ///
    /// ```
    /// use progress_contract::ProxyRoute;
    /// let route = ProxyRoute::WhalepassProgress {
    ///     player_id: "p".into(), game_id: "g".into(), battlepass_id: Some("draft".into()),
    /// };
    /// assert_eq!(route.selected_battlepass(), Some("draft"));
    /// ```
    pub fn selected_battlepass(&self) -> Option<&str> {
        match self {
            ProxyRoute::WhalepassProgress { battlepass_id, .. } => battlepass_id.as_deref(),
            _ => None,
        }
    }
}

/// The query parameters the routes read.
#[derive(Default)]
struct Query {
    game_id: Option<String>,
    battlepass_id: Option<String>,
    include_levels: Option<String>,
}

impl Query {
    fn parse(raw: &str) -> Result<Self, RouteError> {
        let mut query = Query::default();
        for pair in raw.split('&').filter(|pair| !pair.is_empty()) {
            let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
            let (name, slot) = match key {
                "gameId" => ("gameId", &mut query.game_id),
                "battlepassId" => ("battlepassId", &mut query.battlepass_id),
                "includeLevels" => ("includeLevels", &mut query.include_levels),
                _ => continue,
            };
            if slot.is_some() {
                return Err(RouteError::DuplicateQuery(name));
            }
            *slot = Some(segment(name, value)?);
        }
        Ok(query)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn every_route() -> Vec<ProxyRoute> {
        vec![
            ProxyRoute::WhalepassProgress { player_id: "p-42".into(), game_id: "g-1".into(), battlepass_id: None },
            ProxyRoute::WhalepassProgress {
                player_id: "auth0|x".into(),
                game_id: "g".into(),
                battlepass_id: Some("draft.1".into()),
            },
            ProxyRoute::WhalepassBattlepass { battlepass_id: "bp".into(), include_levels: false },
            ProxyRoute::WhalepassBattlepass { battlepass_id: "bp".into(), include_levels: true },
            ProxyRoute::GiftoinCollections { platform: "discord".into(), platform_user_id: "123456789012345678".into() },
            ProxyRoute::GiftoinCollection {
                platform: "roblox".into(),
                platform_user_id: "99".into(),
                program_id: "program_123".into(),
            },
        ]
    }

    #[test]
    fn every_route_the_client_builds_is_matched_by_the_proxy() {
        for route in every_route() {
            let url = route.path_and_query();
            let (path, query) = match url.split_once('?') {
                Some((path, query)) => (path, Some(query)),
                None => (url.as_str(), None),
            };
            assert_eq!(ProxyRoute::parse(path, query), Ok(route.clone()), "{url}");
            assert_eq!(route.check(), Ok(()));
        }
    }

    #[test]
    fn write_endpoints_and_other_paths_are_not_routes() {
        for path in [
            "/whalepass/players/p/progress/exp",
            "/whalepass/players/p/progress/action",
            "/whalepass/players/p/progress/challenge",
            "/whalepass/enrollments",
            "/whalepass/players/p/redirect",
            "/whalepass/players/p/progress/",
            "/giftoin/users/discord/1/progress/collection-challenges/a/b",
            "/players/p/progress",
            "whalepass/battlepass/x",
            "",
        ] {
            assert_eq!(ProxyRoute::parse(path, Some("gameId=g")), Err(RouteError::NotFound), "{path}");
        }
    }

    #[test]
    fn traversal_in_any_segment_is_a_bad_request() {
        let err = ProxyRoute::parse("/giftoin/users/discord/%2e%2e/progress/collection-challenges", None);
        assert_eq!(
            err,
            Err(RouteError::Segment { name: "platformUserId", error: SegmentError::EncodedSeparator })
        );
        let err = ProxyRoute::parse("/whalepass/players/p/progress", Some("gameId=.."));
        assert_eq!(err, Err(RouteError::Segment { name: "gameId", error: SegmentError::DotSegment }));
    }

    #[test]
    fn query_is_strict_about_what_it_reads_and_ignores_the_rest() {
        let parsed = ProxyRoute::parse("/whalepass/players/p/progress", Some("_=1&gameId=g&x"));
        assert_eq!(
            parsed,
            Ok(ProxyRoute::WhalepassProgress { player_id: "p".into(), game_id: "g".into(), battlepass_id: None })
        );
        assert_eq!(
            ProxyRoute::parse("/whalepass/players/p/progress", Some("gameId=a&gameId=b")),
            Err(RouteError::DuplicateQuery("gameId"))
        );
        assert_eq!(
            ProxyRoute::parse("/whalepass/players/p/progress", Some("gameId=")),
            Err(RouteError::Segment { name: "gameId", error: SegmentError::Empty })
        );
    }

    #[test]
    fn include_levels_is_a_strict_flag_and_false_is_the_default() {
        let season = |include_levels| Ok(ProxyRoute::WhalepassBattlepass { battlepass_id: "bp".into(), include_levels });
        assert_eq!(ProxyRoute::parse("/whalepass/battlepass/bp", None), season(false));
        assert_eq!(ProxyRoute::parse("/whalepass/battlepass/bp", Some("includeLevels=false")), season(false));
        assert_eq!(ProxyRoute::parse("/whalepass/battlepass/bp", Some("includeLevels=true")), season(true));
        for bad in ["includeLevels=1", "includeLevels=", "includeLevels=TRUE", "includeLevels=true&includeLevels=true"] {
            let err = ProxyRoute::parse("/whalepass/battlepass/bp", Some(bad)).unwrap_err();
            assert!(err.is_bad_request(), "{bad}: {err}");
        }
        // The flag is asked for only as `true`, so both spellings of "no levels" share a cache entry.
        assert_eq!(ProxyRoute::parse("/whalepass/battlepass/bp", Some("includeLevels=false")).unwrap().path_and_query(), "/whalepass/battlepass/bp");
    }
}
