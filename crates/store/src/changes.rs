//! The change log: one row per committed mutation, in commit order, naming what changed.
//! Servers read it from the sequence number of their snapshot onward and apply only the named
//! entities (see `packyard-server`'s feed), which keeps the cost of a change independent of the
//! size of the repository. The log is pruned; a reader that finds a gap reloads everything.

use crate::{Db, Result, on_db};

/// What one mutation changed.
#[derive(Clone, Debug, PartialEq, Eq, sqlx::FromRow)]
pub struct Change {
    pub seq: i64,
    /// `account`, `package`, `operators`, `releases` or `all`.
    pub kind: String,
    /// `accounts.id` or `packages.id` for those kinds, else 0.
    pub entity: i64,
}

impl Db {
    /// Changes after `seq`, oldest first, at most `limit` of them.
    pub async fn changes_since(&self, seq: i64, limit: i64) -> Result<Vec<Change>> {
        Ok(on_db!(self, pool => sqlx::query_as(
            "SELECT seq, kind, entity FROM change_log WHERE seq > $1 ORDER BY seq LIMIT $2",
        )
        .bind(seq)
        .bind(limit)
        .fetch_all(pool)
        .await?))
    }

    /// Forgets changes up to and including `seq`.
    pub async fn prune_changes(&self, up_to: i64) -> Result<u64> {
        Ok(
            on_db!(self, pool => sqlx::query("DELETE FROM change_log WHERE seq <= $1")
            .bind(up_to)
            .execute(pool)
            .await?
            .rows_affected()),
        )
    }
}
