//! Player tokens: who is asking, proven by a short-lived JWT the game's own backend signs.
//!
//! The page passes the token as `Authorization: Bearer …`; [`verify`] checks it once per request
//! and leaves the [`Player`] in the request's extensions, where the rate limiter reads its subject
//! and the handler checks it against the route ([`Player::may_read`]). The token itself is never
//! logged, never cached and never sent upstream: the upstream request is built from the route.
//!
//! | claim | meaning |
//! |---|---|
//! | `sub` | the game's player id (Whalepass `playerId`) |
//! | `gft` | the Giftoin user, `"{platform}:{platformUserId}"` |
//! | `exp` | required; 60 s of leeway |
//! | `nbf`, `iss`, `aud` | checked when present / configured |

use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use axum::extract::Request;
use axum::http::header;
use jsonwebtoken::errors::ErrorKind;
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use progress_contract::ProxyRoute;
use serde::{Deserialize, Serialize};

use crate::config::Config;
use crate::error::ProxyError;
use crate::metrics;

/// Seconds of clock skew allowed on `exp` and `nbf`.
const LEEWAY_SECS: u64 = 60;

/// The claims the proxy reads, e.g. `{"sub": "p-42", "gft": "discord:1234", "exp": 1767225600}`.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Claims {
    /// The game's player id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sub: Option<String>,
    /// The Giftoin user, `platform:platformUserId`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub gft: Option<String>,
    /// Expiry, seconds since the epoch.
    #[serde(default)]
    pub exp: u64,
    /// Issued at.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub iat: Option<u64>,
}

/// Who a request is from, as far as the proxy knows.
#[derive(Debug, Clone)]
pub enum Player {
    /// Player tokens are off: anyone may read any route.
    Anyone,
    /// A verified token.
    Verified(Arc<Claims>),
    /// Tokens are on and the request sent none: it may read only the public battle passes'
    /// definitions (`PUBLIC_BATTLEPASS_IDS`).
    Guest(Arc<PublicIds>),
}

/// The battle passes whose definition anyone may read with tokens on, e.g.
/// `PublicIds::parse(Some("bp-1,bp-2"))`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum PublicIds {
    /// None (the default).
    #[default]
    None,
    /// Every battle pass.
    All,
    /// These ids.
    List(Vec<String>),
}

impl PublicIds {
    /// Reads `PUBLIC_BATTLEPASS_IDS`: ids separated by commas, or `*`.
    pub fn parse(setting: Option<&str>) -> Self {
        let ids: Vec<String> = setting.unwrap_or_default().split(',').map(str::trim).filter(|id| !id.is_empty()).map(str::to_owned).collect();
        match ids.as_slice() {
            [] => PublicIds::None,
            [all] if all == "*" => PublicIds::All,
            _ => PublicIds::List(ids),
        }
    }

    /// Whether the definition of `battlepass_id` is public.
    pub fn allows(&self, battlepass_id: &str) -> bool {
        match self {
            PublicIds::None => false,
            PublicIds::All => true,
            PublicIds::List(ids) => ids.iter().any(|id| id == battlepass_id),
        }
    }

    /// Whether no battle pass is public.
    pub fn is_empty(&self) -> bool {
        *self == PublicIds::None
    }
}

impl Player {
    /// The rate-limit key a verified token gives: its subject (or Giftoin user).
    pub fn subject(&self) -> Option<&str> {
        match self {
            Player::Anyone | Player::Guest(_) => None,
            Player::Verified(claims) => claims.sub.as_deref().or(claims.gft.as_deref()),
        }
    }

    /// Whether this player may read `route`: their own progress, or any battle-pass definition; a
    /// guest, only a public battle pass's definition (anything else is the missing token's 401,
    /// before any upstream call).
    pub fn may_read(&self, route: &ProxyRoute) -> Result<(), ProxyError> {
        let claims = match self {
            Player::Anyone => return Ok(()),
            Player::Guest(public) => {
                return match route {
                    ProxyRoute::WhalepassBattlepass { battlepass_id, .. } if public.allows(battlepass_id) => Ok(()),
                    _ => {
                        metrics::token_rejected(TokenError::Missing.reason());
                        Err(ProxyError::Token(TokenError::Missing))
                    }
                }
            }
            Player::Verified(claims) => claims,
        };
        let allowed = match route {
            ProxyRoute::WhalepassBattlepass { .. } => true,
            ProxyRoute::WhalepassProgress { player_id, .. } => claims.sub.as_deref() == Some(player_id.as_str()),
            ProxyRoute::GiftoinCollections { platform, platform_user_id }
            | ProxyRoute::GiftoinCollection { platform, platform_user_id, .. } => claims
                .gft
                .as_deref()
                .and_then(|gft| gft.split_once(':'))
                .is_some_and(|(p, id)| p == platform && id == platform_user_id),
        };
        if allowed {
            Ok(())
        } else {
            metrics::token_rejected("other_player");
            Err(ProxyError::OtherPlayer)
        }
    }
}

/// Why a token was refused (each a 401).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenError {
    /// No `Authorization: Bearer` header.
    Missing,
    /// Not a JWT, or `alg: none`, or claims of the wrong shape.
    Malformed,
    /// Signed with another algorithm than the one configured.
    WrongAlgorithm,
    /// The signature does not verify.
    BadSignature,
    /// Past `exp` (plus leeway), or no `exp`.
    Expired,
    /// Before `nbf`.
    NotYetValid,
    /// `iss` is not `PLAYER_TOKEN_ISSUER`.
    WrongIssuer,
    /// `aud` is not `PLAYER_TOKEN_AUDIENCE`.
    WrongAudience,
}

impl TokenError {
    /// A short name, for metrics and the error body.
    pub fn reason(self) -> &'static str {
        match self {
            TokenError::Missing => "missing",
            TokenError::Malformed => "malformed",
            TokenError::WrongAlgorithm => "wrong_algorithm",
            TokenError::BadSignature => "bad_signature",
            TokenError::Expired => "expired",
            TokenError::NotYetValid => "not_yet_valid",
            TokenError::WrongIssuer => "wrong_issuer",
            TokenError::WrongAudience => "wrong_audience",
        }
    }
}

/// Verifies player tokens (and signs them, when the key is a shared secret).
pub struct PlayerTokens {
    decoding: DecodingKey,
    validation: Validation,
    encoding: Option<EncodingKey>,
    /// Tokens that verified, by their whole text (signature included), so the same token on
    /// every poll and widget of a page is checked once: verifying parses three JSON documents
    /// and measured a quarter of a cached answer's CPU. Expiry is still checked on every use.
    verified: moka::sync::Cache<String, Arc<Claims>>,
    /// What a request without a token may read.
    public: Arc<PublicIds>,
}

impl PlayerTokens {
    /// The verifier the settings ask for, or `None` when tokens are off.
    pub fn from_config(config: &Config) -> Result<Option<Self>, String> {
        let (decoding, encoding, algorithm) = match (&config.player_token_secret, &config.player_token_public_key) {
            (Some(_), Some(_)) => {
                return Err("set PLAYER_TOKEN_SECRET or PLAYER_TOKEN_PUBLIC_KEY, not both".into());
            }
            (Some(secret), None) => (
                DecodingKey::from_secret(secret.expose()),
                Some(EncodingKey::from_secret(secret.expose())),
                Algorithm::HS256,
            ),
            (None, Some(path)) => {
                let pem = std::fs::read(path)
                    .map_err(|e| format!("PLAYER_TOKEN_PUBLIC_KEY: cannot read {}: {e}", path.display()))?;
                match DecodingKey::from_rsa_pem(&pem) {
                    Ok(key) => (key, None, Algorithm::RS256),
                    Err(_) => match DecodingKey::from_ec_pem(&pem) {
                        Ok(key) => (key, None, Algorithm::ES256),
                        Err(_) => {
                            return Err(format!(
                                "PLAYER_TOKEN_PUBLIC_KEY: {} is not an RSA or P-256 public key in PEM",
                                path.display()
                            ))
                        }
                    },
                }
            }
            (None, None) => return Ok(None),
        };
        let mut validation = Validation::new(algorithm);
        validation.leeway = LEEWAY_SECS;
        validation.validate_nbf = true;
        validation.set_required_spec_claims(&["exp"]);
        match &config.player_token_issuer {
            Some(issuer) => validation.set_issuer(&[issuer]),
            None => validation.iss = None,
        }
        match &config.player_token_audience {
            Some(audience) => validation.set_audience(&[audience]),
            None => validation.validate_aud = false,
        }
        let verified = moka::sync::Cache::builder()
            .max_capacity(16 * 1024 * 1024)
            .weigher(|token: &String, _: &Arc<Claims>| u32::try_from(token.len() + 128).unwrap_or(u32::MAX))
            .time_to_live(Duration::from_secs(300))
            .build();
        let public = Arc::new(PublicIds::parse(config.public_battlepass_ids.as_deref()));
        Ok(Some(PlayerTokens { decoding, validation, encoding, verified, public }))
    }

    /// The battle passes anyone may read the definition of.
    pub fn public(&self) -> &PublicIds {
        &self.public
    }

    /// The algorithm tokens must be signed with.
    pub fn algorithm(&self) -> Algorithm {
        self.validation.algorithms[0]
    }

    /// Verifies a bearer token, from the cache of verified tokens when it was seen before.
    pub fn verify_cached(&self, token: &str) -> Result<Arc<Claims>, TokenError> {
        if let Some(claims) = self.verified.get(token) {
            let now = SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs());
            return match claims.exp + LEEWAY_SECS >= now {
                true => Ok(claims),
                false => Err(TokenError::Expired),
            };
        }
        let claims = Arc::new(self.verify(token)?);
        // Not-yet-valid tokens never get here: they fail verification until they are valid.
        self.verified.insert(token.to_owned(), claims.clone());
        Ok(claims)
    }

    /// Verifies a bearer token.
    pub fn verify(&self, token: &str) -> Result<Claims, TokenError> {
        match jsonwebtoken::decode::<Claims>(token, &self.decoding, &self.validation) {
            Ok(data) => Ok(data.claims),
            Err(err) => Err(match err.kind() {
                ErrorKind::InvalidSignature => TokenError::BadSignature,
                ErrorKind::InvalidAlgorithm | ErrorKind::InvalidAlgorithmName => TokenError::WrongAlgorithm,
                ErrorKind::ExpiredSignature => TokenError::Expired,
                ErrorKind::MissingRequiredClaim(_) => TokenError::Expired,
                ErrorKind::ImmatureSignature => TokenError::NotYetValid,
                ErrorKind::InvalidIssuer => TokenError::WrongIssuer,
                ErrorKind::InvalidAudience => TokenError::WrongAudience,
                _ => TokenError::Malformed,
            }),
        }
    }

    /// Signs a token for `sub` / `gft`, valid for `ttl` (shared-secret setups only).
    pub fn sign(&self, sub: Option<&str>, gft: Option<&str>, ttl: Duration) -> Result<String, String> {
        let key = self
            .encoding
            .as_ref()
            .ok_or("signing needs PLAYER_TOKEN_SECRET: a public key verifies tokens but cannot sign them")?;
        let now = SystemTime::now().duration_since(UNIX_EPOCH).map_err(|e| e.to_string())?.as_secs();
        let claims = Claims {
            sub: sub.map(str::to_owned),
            gft: gft.map(str::to_owned),
            exp: now + ttl.as_secs().max(1),
            iat: Some(now),
        };
        jsonwebtoken::encode(&Header::new(Algorithm::HS256), &claims, key).map_err(|e| e.to_string())
    }
}

/// The bearer token of a request, if it sent one.
fn bearer(request: &Request) -> Option<&str> {
    let value = request.headers().get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.split_once(' ')?;
    scheme.eq_ignore_ascii_case("bearer").then(|| token.trim())
}

/// Who is asking: with tokens on, a request without a valid token is refused (401) before
/// anything else is done for it; otherwise it is from [`Player::Anyone`].
pub fn player(tokens: Option<&PlayerTokens>, request: &Request) -> Result<Player, ProxyError> {
    let Some(tokens) = tokens else { return Ok(Player::Anyone) };
    match bearer(request).ok_or(TokenError::Missing).and_then(|t| tokens.verify_cached(t)) {
        Ok(claims) => Ok(Player::Verified(claims)),
        // No token at all may still read a public season (the handler checks the route); a bad
        // token is refused whatever it asks for.
        Err(TokenError::Missing) if !tokens.public.is_empty() => Ok(Player::Guest(tokens.public.clone())),
        Err(reason) => {
            metrics::token_rejected(reason.reason());
            Err(ProxyError::Token(reason))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn public_ids_are_a_list_or_every_id() {
        let ids = PublicIds::parse(Some(" bp-1, bp-2 ,"));
        assert!(ids.allows("bp-2") && !ids.allows("bp-3") && !ids.allows(""));
        assert!(PublicIds::parse(Some("*")).allows("anything"));
        assert!(PublicIds::parse(None).is_empty() && PublicIds::parse(Some(" , ")).is_empty());
        assert!(!PublicIds::parse(Some("*,bp-1")).allows("bp-2"), "`*` only alone");
    }
}
