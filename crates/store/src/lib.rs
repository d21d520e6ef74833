//! Packyard's database layer: one implementation over SQLite (the embedded default) and
//! PostgreSQL (multi-node). Every query is written once with portable SQL (`$N` placeholders,
//! `RETURNING`, `BOOLEAN`, unix-second `BIGINT` timestamps) and run through [`on_db!`], which
//! expands the same code for each driver; the conformance tests run every query on both.
//!
//! Invariants:
//! - Every mutation runs in one transaction that also bumps `change_counter.seq` and appends
//!   a `change_log` row naming the changed entity (`bump!`), so a server polling
//!   [`Db::change_seq`] sees each committed change and can apply only that entity.
//! - Secrets (private keys, tokens) arrive here already hashed; nothing in this crate ever
//!   sees a plaintext secret except [`secret`], which creates them.

pub mod accounts;
pub mod audit;
pub mod backup;
pub mod blob_leases;
pub mod branch_versions;
pub mod changes;
pub mod downloads;
pub mod entitlements;
pub mod invoices;
pub mod keys;
pub mod operator_tokens;
pub mod operators;
pub mod packages;
pub mod products;
pub mod releases;
pub mod repo_refs;
pub mod repos;
pub mod secret;
pub mod sessions;
pub mod settings;
pub mod snapshot_rows;
pub mod timestamps;
pub mod tokens;

#[cfg(test)]
mod operator_tokens_tests;
#[cfg(test)]
mod portal_tests;
#[cfg(test)]
mod repo_tests;
#[cfg(test)]
mod tests;

use std::path::Path;
use std::str::FromStr;
use std::time::Duration;

use sqlx::pool::PoolOptions;
use sqlx::postgres::PgConnectOptions;
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqliteSynchronous};
use sqlx::{PgPool, SqlitePool};

/// The two supported databases. Cloning is cheap (pools are reference-counted).
#[derive(Clone, Debug)]
pub enum Db {
    Sqlite(SqlitePool),
    Postgres(PgPool),
}

/// Expands `$body` once per backend with `$pool` bound to the concrete pool, so one query
/// text serves both databases without a web of generic trait bounds.
#[macro_export]
macro_rules! on_db {
    ($db:expr, $pool:ident => $body:expr) => {
        match $db {
            $crate::Db::Sqlite($pool) => $body,
            $crate::Db::Postgres($pool) => $body,
        }
    };
}

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("{0}")]
    NotFound(String),
    #[error("{0}")]
    Conflict(String),
    #[error("{0}")]
    Invalid(String),
    #[error("database error: {0}")]
    Database(#[from] sqlx::Error),
    #[error("database migration failed: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
}

impl StoreError {
    /// The database could not be reached (no connection within the pool's timeout, or the
    /// connection was lost): nothing was changed, and the same request may succeed later.
    pub fn is_unavailable(&self) -> bool {
        matches!(
            self,
            StoreError::Database(
                sqlx::Error::PoolTimedOut | sqlx::Error::PoolClosed | sqlx::Error::Io(_)
            )
        )
    }
}

pub type Result<T, E = StoreError> = std::result::Result<T, E>;

/// Current time as unix seconds: the one clock every row is stamped with.
pub fn now() -> i64 {
    chrono::Utc::now().timestamp()
}

/// Current time as unix milliseconds, for change stamps that drive `Last-Modified`.
pub fn now_millis() -> i64 {
    chrono::Utc::now().timestamp_millis()
}

/// Connection pool sizes and waits.
#[derive(Clone, Debug)]
pub struct PoolSettings {
    pub postgres_connections: u32,
    /// SQLite serialises writers anyway; more connections only help concurrent reads.
    pub sqlite_connections: u32,
    /// How long a query waits for a free connection before failing as unavailable.
    pub acquire_timeout: Duration,
    /// How long SQLite waits on a locked database before failing.
    pub sqlite_busy_timeout: Duration,
}

impl PoolSettings {
    /// A pool of at most `connections`, each waited for at most `acquire_timeout`.
    fn options<DB: sqlx::Database>(&self, connections: u32) -> PoolOptions<DB> {
        PoolOptions::new()
            .max_connections(connections)
            .acquire_timeout(self.acquire_timeout)
    }
}

impl Default for PoolSettings {
    fn default() -> Self {
        PoolSettings {
            postgres_connections: 16,
            sqlite_connections: 8,
            acquire_timeout: Duration::from_secs(10),
            sqlite_busy_timeout: Duration::from_secs(10),
        }
    }
}

impl Db {
    /// Runs `sql`, a `DELETE` with one parameter (`$1`) bound to `value`; returns how many
    /// rows went.
    pub(crate) async fn delete_where<V>(&self, sql: &'static str, value: V) -> Result<u64>
    where
        V: for<'t> sqlx::Encode<'t, sqlx::Postgres> + sqlx::Type<sqlx::Postgres>,
        V: for<'t> sqlx::Encode<'t, sqlx::Sqlite> + sqlx::Type<sqlx::Sqlite> + Send,
    {
        Ok(on_db!(self, pool => sqlx::query(sql)
            .bind(value)
            .execute(pool)
            .await?
            .rows_affected()))
    }

    /// Opens (creating if needed) the database at `url`: `sqlite://path`, `sqlite:path`,
    /// or `postgres://…`, with the default [`PoolSettings`]. Runs migrations unless
    /// `migrate` is false.
    pub async fn connect(url: &str, migrate: bool) -> Result<Db> {
        Db::connect_with(url, migrate, &PoolSettings::default()).await
    }

    /// [`Db::connect`] with explicit pool settings.
    pub async fn connect_with(url: &str, migrate: bool, pools: &PoolSettings) -> Result<Db> {
        let db = if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            let opts = PgConnectOptions::from_str(url)?;
            let pool = pools.options(pools.postgres_connections);
            Db::Postgres(pool.connect_with(opts).await?)
        } else if url.starts_with("sqlite:") {
            let opts = SqliteConnectOptions::from_str(url)?
                .create_if_missing(true)
                .journal_mode(SqliteJournalMode::Wal)
                .synchronous(SqliteSynchronous::Full)
                .busy_timeout(pools.sqlite_busy_timeout)
                .foreign_keys(true);
            let pool = pools.options(pools.sqlite_connections);
            Db::Sqlite(pool.connect_with(opts).await?)
        } else {
            return Err(StoreError::Invalid(format!(
                "unsupported database URL {url:?}: use sqlite://PATH or postgres://USER@HOST/DB"
            )));
        };
        if migrate {
            db.migrate().await?;
        }
        Ok(db)
    }

    /// Opens the embedded SQLite database inside a data directory, creating the directory.
    pub async fn open_data_dir(dir: &Path) -> Result<Db> {
        Db::open_data_dir_with(dir, &PoolSettings::default()).await
    }

    /// [`Db::open_data_dir`] with explicit pool settings.
    pub async fn open_data_dir_with(dir: &Path, pools: &PoolSettings) -> Result<Db> {
        std::fs::create_dir_all(dir).map_err(|e| {
            StoreError::Invalid(format!(
                "cannot create data directory {}: {e}",
                dir.display()
            ))
        })?;
        let url = format!("sqlite://{}", dir.join("packyard.sqlite3").display());
        Db::connect_with(&url, true, pools).await
    }

    pub async fn migrate(&self) -> Result<()> {
        match self {
            Db::Sqlite(pool) => sqlx::migrate!("migrations/sqlite").run(pool).await?,
            Db::Postgres(pool) => sqlx::migrate!("migrations/postgres").run(pool).await?,
        }
        Ok(())
    }

    pub fn backend_name(&self) -> &'static str {
        match self {
            Db::Sqlite(_) => "sqlite",
            Db::Postgres(_) => "postgres",
        }
    }

    /// The number of committed changes so far; it only grows.
    pub async fn change_seq(&self) -> Result<i64> {
        let seq: i64 = on_db!(self, pool => {
            sqlx::query_scalar("SELECT seq FROM change_counter WHERE id = 1")
                .fetch_one(pool)
                .await?
        });
        Ok(seq)
    }

    pub async fn close(&self) {
        on_db!(self, pool => pool.close().await)
    }
}

/// Bumps the change counter inside the caller's transaction and logs what changed, so a
/// server can apply just that entity to its snapshot ([`changes::ChangeKind`] names the
/// kinds). The row lock this takes also serialises writers, so sequence order equals commit
/// order. The one-argument form logs an `All` change (the server reloads everything): right
/// for rare, wide changes such as products, and a safe default for new mutations.
macro_rules! bump {
    ($tx:expr) => {
        bump!($tx, All, 0i64)
    };
    ($tx:expr, $kind:ident, $entity:expr) => {{
        let seq: i64 = sqlx::query_scalar(
            "UPDATE change_counter SET seq = seq + 1 WHERE id = 1 RETURNING seq",
        )
        .fetch_one(&mut *$tx)
        .await?;
        sqlx::query("INSERT INTO change_log (seq, kind, entity) VALUES ($1, $2, $3)")
            .bind(seq)
            .bind($crate::changes::ChangeKind::$kind.as_str())
            .bind($entity)
            .execute(&mut *$tx)
            .await?;
    }};
}
pub(crate) use bump;

/// Appends an audit-log row inside the caller's transaction, so the record and the change
/// it describes commit (or vanish) together. `$actor` may carry the client's address
/// ([`audit::actor_at`]), which lands in the `ip` column.
macro_rules! record_audit {
    ($tx:expr, $actor:expr, $action:expr, $subject:expr) => {{
        let (who, ip) = $crate::audit::split_actor(&$actor);
        sqlx::query(
            "INSERT INTO audit_log (at, actor, action, subject, ip) VALUES ($1, $2, $3, $4, $5)",
        )
        .bind($crate::now())
        .bind(who)
        .bind($action)
        .bind($subject)
        .bind(ip)
        .execute(&mut *$tx)
        .await?
    }};
}
pub(crate) use record_audit;

/// Runs one statement that changes an entity, with its change-log entry and audit record,
/// in one transaction: the shape of most single-row mutations.
/// `audited_change!(db, Kind, entity_id, actor, action, subject, sqlx::query(…).bind(…))`.
macro_rules! audited_change {
    ($db:expr, $kind:ident, $entity:expr, $actor:expr, $action:expr, $subject:expr, $query:expr) => {
        $crate::on_db!($db, pool => {
            let mut tx = pool.begin().await?;
            $query.execute(&mut *tx).await?;
            bump!(tx, $kind, $entity);
            record_audit!(tx, $actor, $action, $subject);
            tx.commit().await?;
        })
    };
}
pub(crate) use audited_change;

/// Maps a unique-constraint violation to a user-facing conflict message.
pub(crate) fn conflict_on_unique(err: sqlx::Error, message: impl Into<String>) -> StoreError {
    if let sqlx::Error::Database(db) = &err
        && db.is_unique_violation()
    {
        return StoreError::Conflict(message.into());
    }
    StoreError::Database(err)
}
