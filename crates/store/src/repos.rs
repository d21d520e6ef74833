//! Git repositories that feed packages (SPEC §11): their registration, the sync queue and the
//! per-repository lease that keeps one sync at a time across every node. A webhook or an
//! operator *requests* a sync (a counter goes up); a worker that wins the lease serves every
//! request made up to that moment, so a burst of hooks costs one sync, and a request made
//! during a sync is served by the next one.

use serde::Serialize;

use crate::db::{Db, now};
use crate::error::{Result, StoreError, conflict_on_unique};
use crate::macros::{audited_change, bump, exec, found, in_tx, on_db, record_audit};

#[derive(Clone, Debug, Serialize, sqlx::FromRow)]
pub struct GitRepo {
    pub id: i64,
    pub name: String,
    pub url: String,
    /// SHA-256 of the webhook secret (see the 0007 migration for why that suffices).
    #[serde(skip)]
    pub hook_key: Vec<u8>,
    pub created_at: i64,
    pub last_sync_at: Option<i64>,
    pub last_sync_error: Option<String>,
    /// JSON counts of the last sync (`imported`, `skipped`, `conflicts`, …).
    pub last_sync_summary: Option<String>,
    #[serde(skip)]
    pub sync_requested: i64,
    #[serde(skip)]
    pub sync_served: i64,
}

impl GitRepo {
    pub fn sync_pending(&self) -> bool {
        self.sync_requested > self.sync_served
    }
}

const SELECT: &str = "SELECT id, name, url, hook_key, created_at, last_sync_at, last_sync_error, \
    last_sync_summary, sync_requested, sync_served FROM git_repos";

impl Db {
    pub async fn add_repo(
        &self,
        name: &str,
        url: &str,
        hook_key: &[u8],
        actor: &str,
    ) -> Result<GitRepo> {
        if name.trim().is_empty() || url.trim().is_empty() {
            return Err(StoreError::Invalid(
                "a repository needs a URL and a name".into(),
            ));
        }
        let id: i64 = in_tx!(self, tx => {
            let id: i64 = sqlx::query_scalar(
                "INSERT INTO git_repos (name, url, hook_key, created_at) VALUES ($1, $2, $3, $4) RETURNING id",
            )
            .bind(name)
            .bind(url)
            .bind(hook_key)
            .bind(now())
            .fetch_one(&mut *tx)
            .await
            .map_err(|e| conflict_on_unique(e, format!("a repository named {name:?} or with this URL is already registered")))?;
            bump!(tx, Repos, id);
            record_audit!(tx, actor, "repo.add", format!("{id} {name}"));
            id
        });
        self.repo(id).await
    }

    pub async fn repos(&self) -> Result<Vec<GitRepo>> {
        let sql = format!("{SELECT} ORDER BY id");
        Ok(on_db!(self, pool => sqlx::query_as(sqlx::AssertSqlSafe(sql)).fetch_all(pool).await?))
    }

    pub async fn repo(&self, id: i64) -> Result<GitRepo> {
        let sql = format!("{SELECT} WHERE id = $1");
        found!(
            self,
            sql,
            [id],
            "no repository with id {id}; `packyard repo list` shows them"
        )
    }

    /// Forgets a repository and its ref states. Versions it published stay (they are
    /// immutable and customers may depend on them); unlist them separately if needed.
    pub async fn remove_repo(&self, id: i64, actor: &str) -> Result<()> {
        let repo = self.repo(id).await?;
        let subject = format!("{id} {}", repo.name);
        audited_change!(self, Repos, id, actor, "repo.remove", subject, tx => {
            exec!(tx, "DELETE FROM git_refs WHERE repo_id = $1", id)?;
            exec!(tx, "DELETE FROM git_repos WHERE id = $1", id)?;
        });
        Ok(())
    }

    /// Queues a sync of repository `id` (a webhook, an operator, the poll timer).
    pub async fn request_repo_sync(&self, id: i64) -> Result<()> {
        let done = on_db!(self, pool => sqlx::query("UPDATE git_repos SET sync_requested = sync_requested + 1 WHERE id = $1")
            .bind(id).execute(pool).await?.rows_affected());
        if done == 0 {
            return Err(StoreError::NotFound(format!("no repository with id {id}")));
        }
        Ok(())
    }

    /// Ids of repositories with a sync requested and not yet served.
    pub async fn pending_repo_syncs(&self) -> Result<Vec<i64>> {
        Ok(
            on_db!(self, pool => sqlx::query_scalar("SELECT id FROM git_repos WHERE sync_requested > sync_served ORDER BY id")
            .fetch_all(pool).await?),
        )
    }

    /// Takes (or renews) the sync lease of repository `id` for `owner` until `now + ttl`
    /// seconds. Returns the request counter this sync serves, `None` while another owner
    /// holds an unexpired lease.
    pub async fn acquire_repo_lease(&self, id: i64, owner: &str, ttl: i64) -> Result<Option<i64>> {
        let now = now();
        Ok(on_db!(self, pool => sqlx::query_scalar(
            "UPDATE git_repos SET lease_owner = $2, lease_until = $3 \
             WHERE id = $1 AND (lease_until < $4 OR lease_owner = $2) RETURNING sync_requested",
        )
        .bind(id).bind(owner).bind(now + ttl).bind(now)
        .fetch_optional(pool).await?))
    }

    /// Records the outcome of a sync that served requests up to `ticket` and frees the lease.
    pub async fn finish_repo_sync(
        &self,
        id: i64,
        owner: &str,
        ticket: i64,
        summary: &str,
        error: Option<&str>,
    ) -> Result<()> {
        in_tx!(self, tx => {
            exec!(
                tx,
                "UPDATE git_repos SET last_sync_at = $3, last_sync_summary = $4, last_sync_error = $5, \
                 sync_served = $6, lease_owner = NULL, lease_until = 0 WHERE id = $1 AND lease_owner = $2",
                id, owner, now(), summary, error, ticket
            )?;
            bump!(tx, Repos, id);
        });
        Ok(())
    }

    /// Frees every lease `owner` holds (a server shutting down mid-sync): the requests stay
    /// queued, so another node or the next start serves them at once instead of after expiry.
    pub async fn release_repo_leases(&self, owner: &str) -> Result<u64> {
        Ok(on_db!(self, pool => sqlx::query(
            "UPDATE git_repos SET lease_owner = NULL, lease_until = 0 WHERE lease_owner = $1",
        )
        .bind(owner)
        .execute(pool)
        .await?
        .rows_affected()))
    }
}
