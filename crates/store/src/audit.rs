//! The audit log: who did what, when, and from where. Rows are written by the
//! `record_audit!` macro inside the transaction of the change they describe, or by
//! [`Db::record_event`] for events that change nothing else (logins, failed logins).
//!
//! Store functions take the actor as a plain `&str` ("cli", an operator's email, an account
//! id). A web request also knows the client's address; rather than widen every signature,
//! [`actor_at`] packs the address into the actor string with a separator no actor name can
//! contain, and `record_audit!` unpacks it into the `ip` column.

use serde::Serialize;

use crate::db::{Db, Search, now};
use crate::error::Result;
use crate::macros::on_db;

/// ASCII unit separator: never part of an email, account id or "cli".
const IP_SEPARATOR: char = '\u{1f}';

/// An actor acting from `ip`, for the `actor` argument of store functions.
pub fn actor_at(who: &str, ip: &str) -> String {
    format!("{who}{IP_SEPARATOR}{ip}")
}

/// The actor's name and, if [`actor_at`] packed one in, the address.
pub fn split_actor(actor: &str) -> (&str, Option<&str>) {
    match actor.split_once(IP_SEPARATOR) {
        Some((who, ip)) => (who, Some(ip)),
        None => (actor, None),
    }
}

#[derive(Clone, Debug, Serialize, sqlx::FromRow)]
pub struct AuditEntry {
    pub id: i64,
    #[serde(with = "crate::timestamps::rfc3339")]
    pub at: i64,
    pub actor: String,
    pub action: String,
    pub subject: String,
    pub ip: Option<String>,
}

/// The back office's audit log: newest first, searched by actor, action, subject or address.
pub const AUDIT_SEARCH: Search<AuditEntry> = Search {
    columns: "id, at, actor, action, subject, ip",
    from: "audit_log",
    searched: &[
        "LOWER(actor)",
        "LOWER(action)",
        "LOWER(subject)",
        "COALESCE(ip, '')",
    ],
    order: "id DESC",
    rows: std::marker::PhantomData,
};

impl Db {
    /// The newest `limit` entries, newest first.
    pub async fn audit_log(&self, limit: i64) -> Result<Vec<AuditEntry>> {
        Ok(on_db!(self, pool => {
            sqlx::query_as("SELECT id, at, actor, action, subject, ip FROM audit_log ORDER BY id DESC LIMIT $1")
                .bind(limit)
                .fetch_all(pool)
                .await?
        }))
    }

    /// The newest `limit` entries of one action (e.g. `login.failed`), newest first.
    pub async fn audit_events(&self, action: &str, limit: i64) -> Result<Vec<AuditEntry>> {
        Ok(on_db!(self, pool => {
            sqlx::query_as("SELECT id, at, actor, action, subject, ip FROM audit_log WHERE action = $1 ORDER BY id DESC LIMIT $2")
                .bind(action)
                .bind(limit)
                .fetch_all(pool)
                .await?
        }))
    }

    /// Records an event that changes no other table, such as a login or a failed login.
    pub async fn record_event(&self, actor: &str, action: &str, subject: &str) -> Result<()> {
        let (who, ip) = split_actor(actor);
        on_db!(self, pool => {
            sqlx::query("INSERT INTO audit_log (at, actor, action, subject, ip) VALUES ($1, $2, $3, $4, $5)")
                .bind(now())
                .bind(who)
                .bind(action)
                .bind(subject)
                .bind(ip)
                .execute(pool)
                .await?;
        });
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn actors_carry_an_address_only_when_given_one() {
        assert_eq!(split_actor("cli"), ("cli", None));
        let packed = actor_at("ops@example.com", "10.0.0.7");
        assert_eq!(split_actor(&packed), ("ops@example.com", Some("10.0.0.7")));
    }
}
