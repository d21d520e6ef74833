//! The connection to either database: [`Db`] (a pool per backend), opening and migrating
//! it, pool settings, and the clock rows are stamped with.

use std::path::Path;
use std::str::FromStr;
use std::time::Duration;

use sqlx::pool::PoolOptions;
use sqlx::postgres::PgConnectOptions;
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqliteSynchronous};
use sqlx::{PgPool, SqlitePool};

use crate::error::{Result, StoreError};
use crate::macros::on_db;

/// The two supported databases. Cloning is cheap (pools are reference-counted).
#[derive(Clone, Debug)]
pub enum Db {
    Sqlite(SqlitePool),
    Postgres(PgPool),
}

/// A `LIKE … ESCAPE '\\'` pattern matching text that contains `needle`, lower-cased (the
/// caller lower-cases the column); `%`, `_` and `\\` in the needle match themselves.
pub(crate) fn like_pattern(needle: &str) -> String {
    let mut pattern = String::from("%");
    for c in needle.trim().to_lowercase().chars() {
        if matches!(c, '%' | '_' | '\\') {
            pattern.push('\\');
        }
        pattern.push(c);
    }
    pattern.push('%');
    pattern
}

/// A back-office search list of `T` rows: the rows of `from` whose `searched` expressions
/// (lower-cased text) contain a needle, one page at a time in `order`, with the count of all
/// matches. [`Db::search_page`] reads one; the lists are constants beside their rows
/// (`accounts::ACCOUNT_SEARCH`, `audit::AUDIT_SEARCH`).
pub struct Search<T> {
    pub(crate) columns: &'static str,
    pub(crate) from: &'static str,
    pub(crate) searched: &'static [&'static str],
    pub(crate) order: &'static str,
    pub(crate) rows: std::marker::PhantomData<fn() -> T>,
}

/// A row a [`Search`] can read on either backend.
pub trait SearchRow:
    Send
    + Unpin
    + for<'r> sqlx::FromRow<'r, sqlx::sqlite::SqliteRow>
    + for<'r> sqlx::FromRow<'r, sqlx::postgres::PgRow>
{
}

impl<T> SearchRow for T where
    T: Send
        + Unpin
        + for<'r> sqlx::FromRow<'r, sqlx::sqlite::SqliteRow>
        + for<'r> sqlx::FromRow<'r, sqlx::postgres::PgRow>
{
}

impl<T> Search<T> {
    /// The page query (`$1` pattern, `$2` limit, `$3` offset) and the count query (`$1`).
    fn queries(&self) -> (String, String) {
        let filter = self
            .searched
            .iter()
            .map(|expr| format!("{expr} LIKE $1 ESCAPE '\\'"))
            .collect::<Vec<_>>()
            .join(" OR ");
        let Search {
            columns,
            from,
            order,
            ..
        } = self;
        (
            format!(
                "SELECT {columns} FROM {from} WHERE {filter} ORDER BY {order} LIMIT $2 OFFSET $3"
            ),
            format!("SELECT COUNT(*) FROM {from} WHERE {filter}"),
        )
    }
}

impl Db {
    /// One page of `search` for `needle` (case-insensitive; empty: all): the rows from
    /// `offset`, at most `limit` of them (0 only counts), and how many match in all.
    pub async fn search_page<T: SearchRow>(
        &self,
        search: &Search<T>,
        needle: &str,
        offset: i64,
        limit: i64,
    ) -> Result<(Vec<T>, i64)> {
        let pattern = like_pattern(needle);
        let (rows, count) = search.queries();
        Ok(crate::macros::on_db!(self, pool => (
            sqlx::query_as(sqlx::AssertSqlSafe(rows)).bind(&pattern).bind(limit).bind(offset).fetch_all(pool).await?,
            sqlx::query_scalar(sqlx::AssertSqlSafe(count)).bind(&pattern).fetch_one(pool).await?,
        )))
    }
}

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

/// Rows a SQLite connection's thread may read ahead of the query's consumer.
const SQLITE_ROWS_AHEAD: usize = 1024;

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
                .foreign_keys(true)
                // SQLite runs each connection on a thread of its own that hands rows over one
                // at a time; with room for many, it reads ahead instead of waiting for every
                // row to be taken (a large repository's start-up reads millions).
                .row_buffer_size(SQLITE_ROWS_AHEAD);
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
        self.migrate_up_to(i64::MAX).await
    }

    /// Applies the migrations numbered up to `last` (tests of a migration's data changes
    /// start from the schema before it).
    pub(crate) async fn migrate_up_to(&self, last: i64) -> Result<()> {
        let upto = |mut m: sqlx::migrate::Migrator| {
            m.migrations = m
                .migrations
                .iter()
                .filter(|x| x.version <= last)
                .cloned()
                .collect::<Vec<_>>()
                .into();
            m
        };
        match self {
            Db::Sqlite(pool) => upto(sqlx::migrate!("migrations/sqlite")).run(pool).await?,
            Db::Postgres(pool) => {
                upto(sqlx::migrate!("migrations/postgres"))
                    .run(pool)
                    .await?
            }
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
