//! Upstream Composer repositories mirrored through ours (SPEC §15): their registration, the
//! metadata files fetched from them and the dists stored from them. Credentials arrive here
//! already encrypted (the server's `upstream::secrets`); this crate never sees them in clear.
//! Adding or removing an upstream is a wide change (every account's root may name new
//! patterns), so it bumps an `All` change; fetched files and dists are not part of the
//! snapshot and bump nothing.

use serde::Serialize;

use crate::db::{Db, now};
use crate::error::{Result, StoreError, conflict_on_unique};
use crate::macros::{audited_change, bump, exec, found, in_tx, on_db, record_audit};

/// How we authenticate to an upstream.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum UpstreamAuth {
    None,
    Basic,
    Bearer,
}

impl UpstreamAuth {
    pub fn as_str(self) -> &'static str {
        match self {
            UpstreamAuth::None => "none",
            UpstreamAuth::Basic => "basic",
            UpstreamAuth::Bearer => "bearer",
        }
    }

    fn from_stored(kind: &str) -> UpstreamAuth {
        match kind {
            "basic" => UpstreamAuth::Basic,
            "bearer" => UpstreamAuth::Bearer,
            _ => UpstreamAuth::None,
        }
    }
}

#[derive(sqlx::FromRow)]
struct UpstreamRow {
    id: i64,
    name: String,
    url: String,
    priority: i64,
    packages: String,
    auth_kind: String,
    username: Option<String>,
    secret: Option<Vec<u8>>,
    created_at: i64,
    last_error: Option<String>,
    last_error_at: Option<i64>,
}

/// A registered upstream. `secret` is the encrypted password or token, never serialized.
#[derive(Clone, Debug, Serialize)]
pub struct Upstream {
    pub id: i64,
    pub name: String,
    pub url: String,
    pub priority: i64,
    /// Name patterns the upstream may provide; empty = every name.
    pub packages: Vec<String>,
    pub auth: UpstreamAuth,
    pub username: Option<String>,
    #[serde(skip)]
    pub secret: Option<Vec<u8>>,
    pub created_at: i64,
    pub last_error: Option<String>,
    pub last_error_at: Option<i64>,
}

impl From<UpstreamRow> for Upstream {
    fn from(r: UpstreamRow) -> Upstream {
        Upstream {
            id: r.id,
            name: r.name,
            url: r.url,
            priority: r.priority,
            packages: if r.packages.is_empty() {
                Vec::new()
            } else {
                crate::products::parse_patterns(&r.packages).unwrap_or_default()
            },
            auth: UpstreamAuth::from_stored(&r.auth_kind),
            username: r.username,
            secret: r.secret,
            created_at: r.created_at,
            last_error: r.last_error,
            last_error_at: r.last_error_at,
        }
    }
}

/// What `upstream add` registers.
pub struct NewUpstream<'a> {
    pub name: &'a str,
    pub url: &'a str,
    pub priority: i64,
    pub packages: &'a [String],
    pub auth: UpstreamAuth,
    pub username: Option<&'a str>,
    pub secret: Option<&'a [u8]>,
}

/// One stored upstream metadata file; `body` empty = the upstream has no such package.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct UpstreamFile {
    pub upstream_id: i64,
    pub file: String,
    pub body: String,
    pub last_modified: Option<String>,
    pub etag: Option<String>,
    pub fetched_at: i64,
}

/// A dist stored from an upstream, by the identity our metadata gives it.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct UpstreamDist {
    pub upstream_id: i64,
    pub package: String,
    pub version_normalized: String,
    pub reference: String,
    pub sha1: String,
    pub size: i64,
    pub blob_key: String,
    /// Unix seconds the version was released (its `time`), for licence checks.
    pub released_at: i64,
}

const SELECT: &str = "SELECT id, name, url, priority, packages, auth_kind, username, secret, \
    created_at, last_error, last_error_at FROM upstreams";

fn valid_name(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= 64
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-_.".contains(&b))
}

impl Db {
    pub async fn add_upstream(&self, new: &NewUpstream<'_>, actor: &str) -> Result<Upstream> {
        if !valid_name(new.name) {
            return Err(StoreError::Invalid(format!(
                "invalid upstream name {:?}: use letters, digits, '-', '_' or '.'",
                new.name
            )));
        }
        if !(new.url.starts_with("http://") || new.url.starts_with("https://")) {
            return Err(StoreError::Invalid(format!(
                "invalid upstream URL {:?}: it must start with http:// or https://",
                new.url
            )));
        }
        let url = new.url.trim_end_matches('/');
        let packages = new.packages.join(",");
        in_tx!(self, tx => {
            let id: i64 = sqlx::query_scalar(
                "INSERT INTO upstreams (name, url, priority, packages, auth_kind, username, secret, created_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
            )
            .bind(new.name).bind(url).bind(new.priority).bind(&packages)
            .bind(new.auth.as_str()).bind(new.username).bind(new.secret).bind(now())
            .fetch_one(&mut *tx)
            .await
            .map_err(|e| conflict_on_unique(e, format!("an upstream named {:?} already exists", new.name)))?;
            bump!(tx);
            record_audit!(tx, actor, "upstream.add", format!("{id} {} {url}", new.name));
        });
        self.upstream(new.name).await
    }

    /// Every upstream, lowest priority number (= consulted first) first.
    pub async fn upstreams(&self) -> Result<Vec<Upstream>> {
        let sql = format!("{SELECT} ORDER BY priority, id");
        let rows: Vec<UpstreamRow> =
            on_db!(self, pool => sqlx::query_as(sqlx::AssertSqlSafe(sql)).fetch_all(pool).await?);
        Ok(rows.into_iter().map(Upstream::from).collect())
    }

    pub async fn upstream(&self, name: &str) -> Result<Upstream> {
        let sql = format!("{SELECT} WHERE name = $1");
        let row: Result<UpstreamRow> = found!(
            self,
            sql,
            [name],
            "no upstream named {name:?}; `packyard upstream list` shows them"
        );
        row.map(Upstream::from)
    }

    /// Forgets an upstream with its fetched metadata and dist records (the blobs go with the
    /// next `storage gc`).
    pub async fn remove_upstream(&self, name: &str, actor: &str) -> Result<()> {
        let up = self.upstream(name).await?;
        let subject = format!("{} {name}", up.id);
        audited_change!(self, All, 0i64, actor, "upstream.remove", subject, tx => {
            for sql in [
                "DELETE FROM upstream_dists WHERE upstream_id = $1",
                "DELETE FROM upstream_metadata WHERE upstream_id = $1",
                "DELETE FROM upstreams WHERE id = $1",
            ] {
                exec!(tx, sql, up.id)?;
            }
        });
        Ok(())
    }

    /// Records the outcome of a call to an upstream: `Some(error)` or `None` (success clears).
    pub async fn record_upstream_error(&self, id: i64, error: Option<&str>) -> Result<()> {
        on_db!(self, pool => sqlx::query(
            "UPDATE upstreams SET last_error = $2, last_error_at = $3 WHERE id = $1",
        )
        .bind(id).bind(error).bind(error.map(|_| now()))
        .execute(pool).await.map(drop)?);
        Ok(())
    }

    pub async fn save_upstream_file(&self, f: &UpstreamFile) -> Result<()> {
        on_db!(self, pool => sqlx::query(
            "INSERT INTO upstream_metadata (upstream_id, file, body, last_modified, etag, fetched_at) \
             VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (upstream_id, file) DO UPDATE SET \
             body = excluded.body, last_modified = excluded.last_modified, etag = excluded.etag, \
             fetched_at = excluded.fetched_at",
        )
        .bind(f.upstream_id).bind(&f.file).bind(&f.body).bind(&f.last_modified)
        .bind(&f.etag).bind(f.fetched_at)
        .execute(pool).await.map(drop)?);
        Ok(())
    }

    pub async fn upstream_file(
        &self,
        upstream_id: i64,
        file: &str,
    ) -> Result<Option<UpstreamFile>> {
        Ok(on_db!(self, pool => sqlx::query_as(
            "SELECT upstream_id, file, body, last_modified, etag, fetched_at FROM upstream_metadata \
             WHERE upstream_id = $1 AND file = $2",
        )
        .bind(upstream_id).bind(file)
        .fetch_optional(pool).await?))
    }

    /// Every stored upstream metadata file (what a starting server loads into memory).
    pub async fn upstream_files(&self) -> Result<Vec<UpstreamFile>> {
        Ok(on_db!(self, pool => sqlx::query_as(
            "SELECT upstream_id, file, body, last_modified, etag, fetched_at FROM upstream_metadata",
        )
        .fetch_all(pool).await?))
    }

    /// Records a stored dist; recording the same identity again is a no-op.
    pub async fn save_upstream_dist(&self, d: &UpstreamDist) -> Result<()> {
        on_db!(self, pool => sqlx::query(
            "INSERT INTO upstream_dists (upstream_id, package, version_normalized, reference, sha1, size, blob_key, released_at, stored_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT DO NOTHING",
        )
        .bind(d.upstream_id).bind(&d.package).bind(&d.version_normalized).bind(&d.reference)
        .bind(&d.sha1).bind(d.size).bind(&d.blob_key).bind(d.released_at).bind(now())
        .execute(pool).await.map(drop)?);
        Ok(())
    }

    pub async fn upstream_dist(
        &self,
        upstream_id: i64,
        package: &str,
        version_normalized: &str,
        reference: &str,
    ) -> Result<Option<UpstreamDist>> {
        Ok(on_db!(self, pool => sqlx::query_as(
            "SELECT upstream_id, package, version_normalized, reference, sha1, size, blob_key, released_at FROM upstream_dists \
             WHERE upstream_id = $1 AND package = $2 AND version_normalized = $3 AND reference = $4",
        )
        .bind(upstream_id).bind(package).bind(version_normalized).bind(reference)
        .fetch_optional(pool).await?))
    }

    pub async fn upstream_dists(&self) -> Result<Vec<UpstreamDist>> {
        Ok(on_db!(self, pool => sqlx::query_as(
            "SELECT upstream_id, package, version_normalized, reference, sha1, size, blob_key, released_at FROM upstream_dists",
        )
        .fetch_all(pool).await?))
    }
}
