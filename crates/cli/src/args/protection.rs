//! `packyard serve` options that protect the server from abuse and outages (SPEC §8): who
//! may name the client address, how many portal logins may be tried and hashed, and how long
//! a request waits for the database before it is answered 503.

use std::time::Duration;

use packyard_core::Config;
use packyard_store::PoolSettings;

use super::values::parse_duration;

#[derive(clap::Args, Debug, Clone)]
pub struct ProtectionArgs {
    /// A proxy (IP address or CIDR network) whose X-Forwarded-For / Forwarded header names the
    /// client; repeatable. Everyone else's forwarding headers are ignored. (The older
    /// variable PACKYARD_TRUSTED_PROXIES is still read.)
    #[arg(
        long = "trusted-proxy",
        env = "PACKYARD_TRUSTED_PROXY",
        value_delimiter = ',',
        value_name = "CIDR",
        value_parser = packyard_server::edge::client_addr::parse_trusted_proxy
    )]
    pub trusted_proxies: Vec<ipnet::IpNet>,
    /// Portal login attempts per client address within 15 minutes before 429, counted before
    /// any password is hashed (a successful login does not count).
    #[arg(long, env = "PACKYARD_LOGIN_ADDRESS_BUDGET", default_value_t = 30)]
    pub login_address_budget: usize,
    /// Password hashes computed at once (each takes about 19 MiB); default: CPUs, at most 4.
    #[arg(long, env = "PACKYARD_LOGIN_HASH_CONCURRENCY")]
    pub login_hash_concurrency: Option<usize>,
    /// How long a login waits for a hashing turn before it is answered 503.
    #[arg(long, env = "PACKYARD_LOGIN_HASH_WAIT", default_value = "2s", value_parser = parse_duration)]
    pub login_hash_wait: Duration,
    /// How long a request waits for a database connection before it is answered 503 with
    /// Retry-After (reads are served from memory and never wait).
    #[arg(long, env = "PACKYARD_DATABASE_WAIT", default_value = "3s", value_parser = parse_duration)]
    pub database_wait: Duration,
}

impl ProtectionArgs {
    /// The database pool for `packyard serve`: requests wait at most `--database-wait`.
    pub fn pool_settings(&self) -> PoolSettings {
        PoolSettings {
            acquire_timeout: self.database_wait,
            ..PoolSettings::default()
        }
    }

    /// Fails when the older variable PACKYARD_TRUSTED_PROXIES holds something that is not
    /// an address or network (the flag's own values are checked by clap).
    pub fn apply(self, config: &mut Config) -> Result<(), String> {
        config.trusted_proxies = self.trusted_proxies;
        if config.trusted_proxies.is_empty()
            && let Ok(older) = std::env::var("PACKYARD_TRUSTED_PROXIES")
        {
            config.trusted_proxies = older
                .split(',')
                .filter(|p| !p.trim().is_empty())
                .map(packyard_server::edge::client_addr::parse_trusted_proxy)
                .collect::<Result<_, _>>()
                .map_err(|e| format!("PACKYARD_TRUSTED_PROXIES: {e}"))?;
        }
        config.login_address_budget = self.login_address_budget;
        if let Some(n) = self.login_hash_concurrency {
            config.login_hash_concurrency = n;
        }
        config.login_hash_wait = self.login_hash_wait;
        Ok(())
    }
}
