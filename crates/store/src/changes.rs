//! The change log: one row per committed mutation, in commit order, naming what changed.
//! Servers read it from the sequence number of their snapshot onward and apply only the named
//! entities (see `packyard-core`'s feed), which keeps the cost of a change independent of the
//! size of the repository. The log is pruned; a reader that finds a gap reloads everything.
//!
//! Kinds are a closed enum: a server matches them exhaustively, so a new kind cannot be
//! silently treated as another. A kind this build does not know (written by a newer node)
//! reads as [`ChangeKind::All`], which makes the reader reload everything: slow, never wrong.

use crate::db::Db;
use crate::error::Result;
use crate::macros::on_db;

/// Which part of the picture a mutation changed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ChangeKind {
    /// One account: its keys, licences, invoices, download token or status (entity = `accounts.id`).
    Account,
    /// One package's versions (entity = `packages.id`).
    Package,
    /// Operators and their API tokens.
    Operators,
    /// Release archives.
    Releases,
    /// The operator's notices in the root `packages.json`.
    Notices,
    /// Git repositories and their sync state (entity = `git_repos.id`): not part of a
    /// server's snapshot, so servers skip it.
    Repos,
    /// Something wide (products): reload everything.
    All,
}

impl ChangeKind {
    /// The stored spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            ChangeKind::Account => "account",
            ChangeKind::Package => "package",
            ChangeKind::Operators => "operators",
            ChangeKind::Releases => "releases",
            ChangeKind::Notices => "notices",
            ChangeKind::Repos => "repos",
            ChangeKind::All => "all",
        }
    }

    /// Reads a stored kind; an unknown spelling is [`ChangeKind::All`] (see the module header).
    pub fn from_stored(kind: &str) -> ChangeKind {
        [
            ChangeKind::Account,
            ChangeKind::Package,
            ChangeKind::Operators,
            ChangeKind::Releases,
            ChangeKind::Notices,
            ChangeKind::Repos,
        ]
        .into_iter()
        .find(|k| k.as_str() == kind)
        .unwrap_or(ChangeKind::All)
    }
}

/// What one mutation changed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Change {
    pub seq: i64,
    pub kind: ChangeKind,
    /// `accounts.id` or `packages.id` for those kinds, else 0.
    pub entity: i64,
}

#[derive(sqlx::FromRow)]
struct ChangeRow {
    seq: i64,
    kind: String,
    entity: i64,
}

impl Db {
    /// Changes after `seq`, oldest first, at most `limit` of them.
    pub async fn changes_since(&self, seq: i64, limit: i64) -> Result<Vec<Change>> {
        let rows: Vec<ChangeRow> = on_db!(self, pool => sqlx::query_as(
            "SELECT seq, kind, entity FROM change_log WHERE seq > $1 ORDER BY seq LIMIT $2",
        )
        .bind(seq)
        .bind(limit)
        .fetch_all(pool)
        .await?);
        Ok(rows
            .into_iter()
            .map(|r| Change {
                seq: r.seq,
                kind: ChangeKind::from_stored(&r.kind),
                entity: r.entity,
            })
            .collect())
    }

    /// Forgets changes up to and including `seq`.
    pub async fn prune_changes(&self, up_to: i64) -> Result<u64> {
        self.delete_where("DELETE FROM change_log WHERE seq <= $1", up_to)
            .await
    }
}

/// The PostgreSQL channel every committed change is announced on (a trigger on
/// `change_counter`, migration 0008).
pub const CHANGE_CHANNEL: &str = "packyard_changes";

impl Db {
    /// A connection listening for change announcements, on PostgreSQL; `None` on SQLite,
    /// where polling is all there is.
    pub async fn change_listener(&self) -> Result<Option<sqlx::postgres::PgListener>> {
        let Db::Postgres(pool) = self else {
            return Ok(None);
        };
        let mut listener = sqlx::postgres::PgListener::connect_with(pool).await?;
        listener.listen(CHANGE_CHANNEL).await?;
        Ok(Some(listener))
    }
}

#[cfg(test)]
mod tests {
    use super::ChangeKind;

    #[test]
    fn kinds_round_trip_and_unknown_means_all() {
        for kind in [
            ChangeKind::Account,
            ChangeKind::Package,
            ChangeKind::Operators,
            ChangeKind::Releases,
            ChangeKind::Notices,
            ChangeKind::All,
        ] {
            assert_eq!(ChangeKind::from_stored(kind.as_str()), kind);
        }
        assert_eq!(ChangeKind::from_stored("webhooks"), ChangeKind::All);
    }
}
