//! The provider budgets: at most `UPSTREAM_RPS_WHALEPASS` / `UPSTREAM_RPS_GIFTOIN` upstream calls
//! per second for the whole deployment, because every replica spends the same API key.
//!
//! With Redis the budget is one GCRA key per provider, shared by every replica; without it (or
//! while Redis is down) each process keeps the same budget for itself. A call the budget refuses
//! is answered from a stale copy when there is one, else with 503 and `Retry-After`
//! ([`ProxyError::Busy`]), which the widget shows as "busy, retrying".

use std::num::NonZeroU32;
use std::sync::Arc;
use std::time::Duration;

use governor::{DefaultDirectRateLimiter, Quota, RateLimiter};
use progress_contract::Provider;

use crate::config::Config;
use crate::error::ProxyError;
use crate::metrics;
use crate::shared::{Decision, Shared};

/// One provider's budget.
struct Budget {
    rps: NonZeroU32,
    /// The same budget in this process, for when Redis is off or down.
    local: DefaultDirectRateLimiter,
}

/// Both providers' budgets.
pub struct Budgets {
    whalepass: Option<Budget>,
    giftoin: Option<Budget>,
    shared: Option<Arc<Shared>>,
}

impl Budgets {
    /// The budgets the settings ask for (none by default).
    pub fn new(config: &Config, shared: Option<Arc<Shared>>) -> Self {
        let budget = |rps: Option<u32>| {
            let rps = NonZeroU32::new(rps?)?;
            // One second's worth may go at once: a provider's limit is per second too.
            Some(Budget { rps, local: RateLimiter::direct(Quota::per_second(rps)) })
        };
        Budgets {
            whalepass: budget(config.upstream_rps_whalepass),
            giftoin: budget(config.upstream_rps_giftoin),
            shared,
        }
    }

    /// Spends one upstream call of `provider`'s budget, or says how long until one is free.
    pub async fn take(&self, provider: Provider) -> Result<(), ProxyError> {
        let budget = match provider {
            Provider::Whalepass => &self.whalepass,
            Provider::Giftoin => &self.giftoin,
        };
        let Some(budget) = budget else { return Ok(()) };
        let interval = Duration::from_secs(1) / budget.rps.get();
        let shared = match &self.shared {
            Some(redis) => redis.allow("budget", &redis.key("budget", provider.name()), interval, budget.rps.get()).await,
            None => None,
        };
        let decision = shared.unwrap_or_else(|| Decision::local(budget.local.check()));
        match decision {
            Decision::Allowed => Ok(()),
            Decision::Wait(wait) => {
                metrics::budget_refused(provider.name());
                Err(ProxyError::Busy(provider, Decision::retry_after_secs(wait)))
            }
        }
    }
}
