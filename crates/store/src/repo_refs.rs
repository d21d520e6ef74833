//! What the last sync of a repository saw for each of its refs, so the next sync fetches and
//! builds only new or moved refs, and `repo show` can explain skipped refs and conflicts.

use serde::Serialize;

use crate::db::{Db, now};
use crate::error::Result;
use crate::macros::on_db;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum RefState {
    /// A version was built from `commit_id`.
    Published,
    /// Not a version; `reason` says why. Retried only when the ref moves.
    Skipped,
    /// A published tag moved or vanished upstream; its first archive stays published.
    Conflict,
}

impl RefState {
    pub fn as_str(self) -> &'static str {
        match self {
            RefState::Published => "published",
            RefState::Skipped => "skipped",
            RefState::Conflict => "conflict",
        }
    }

    fn parse(s: &str) -> RefState {
        match s {
            "published" => RefState::Published,
            "conflict" => RefState::Conflict,
            _ => RefState::Skipped,
        }
    }
}

#[derive(Clone, Debug, Serialize)]
pub struct GitRef {
    #[serde(skip)]
    pub repo_id: i64,
    /// `refs/tags/v1.0.0` or `refs/heads/main`.
    #[serde(rename = "ref")]
    pub ref_name: String,
    /// The commit the published version (or the skip decision) was made from.
    pub commit: String,
    /// Where the ref points upstream now; empty when it was deleted.
    pub upstream_commit: String,
    pub state: RefState,
    pub package: Option<String>,
    pub version: Option<String>,
    pub reason: Option<String>,
    pub updated_at: i64,
}

type Row = (
    i64,
    String,
    String,
    String,
    String,
    Option<String>,
    Option<String>,
    Option<String>,
    i64,
);

impl Db {
    pub async fn repo_refs(&self, repo_id: i64) -> Result<Vec<GitRef>> {
        let rows: Vec<Row> = on_db!(self, pool => sqlx::query_as(
            "SELECT repo_id, ref_name, commit_id, upstream_commit, state, package, version, reason, updated_at \
             FROM git_refs WHERE repo_id = $1 ORDER BY ref_name",
        ).bind(repo_id).fetch_all(pool).await?);
        Ok(rows
            .into_iter()
            .map(
                |(
                    repo_id,
                    ref_name,
                    commit,
                    upstream_commit,
                    state,
                    package,
                    version,
                    reason,
                    updated_at,
                )| GitRef {
                    repo_id,
                    ref_name,
                    commit,
                    upstream_commit,
                    state: RefState::parse(&state),
                    package,
                    version,
                    reason,
                    updated_at,
                },
            )
            .collect())
    }

    /// Inserts or replaces the record of one ref.
    pub async fn save_repo_ref(&self, r: &GitRef) -> Result<()> {
        on_db!(self, pool => sqlx::query(
            "INSERT INTO git_refs (repo_id, ref_name, commit_id, upstream_commit, state, package, version, reason, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT (repo_id, ref_name) DO UPDATE SET \
             commit_id = excluded.commit_id, upstream_commit = excluded.upstream_commit, state = excluded.state, \
             package = excluded.package, version = excluded.version, reason = excluded.reason, updated_at = excluded.updated_at",
        )
        .bind(r.repo_id).bind(&r.ref_name).bind(&r.commit).bind(&r.upstream_commit).bind(r.state.as_str())
        .bind(&r.package).bind(&r.version).bind(&r.reason).bind(now())
        .execute(pool).await?.rows_affected());
        Ok(())
    }

    pub async fn delete_repo_ref(&self, repo_id: i64, ref_name: &str) -> Result<()> {
        on_db!(self, pool => sqlx::query("DELETE FROM git_refs WHERE repo_id = $1 AND ref_name = $2")
            .bind(repo_id).bind(ref_name).execute(pool).await?.rows_affected());
        Ok(())
    }
}
