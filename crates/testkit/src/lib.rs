//! Test-only support shared by every crate's tests: the database backends a test runs on, one
//! throwaway PostgreSQL database per test (created empty, dropped when the guard goes), and
//! [`backend_tests!`], which turns one test body into a separately named test per backend
//! (`name::sqlite`, `name::postgres`) so a SQLite failure never hides a PostgreSQL one and every
//! failure names its backend (the idea of kellnr's `#[db_test]`, as a `macro_rules!`), and
//! [`http`], what tests see of an HTTP answer plus a raw-TCP client for in-process servers.
//!
//! PostgreSQL is mandatory: the server is named by `PACKYARD_TEST_POSTGRES` (an admin URL such
//! as `postgres://packyard:packyard@127.0.0.1:5432/postgres`, which `scripts/test` provides);
//! only `PACKYARD_TEST_SKIP_POSTGRES=1` turns the PostgreSQL half into a no-op, explicitly.

pub mod http;

use std::fmt;

use sqlx::Connection;

/// A database backend a test runs against.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

impl fmt::Display for Backend {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Backend::Sqlite => "sqlite",
            Backend::Postgres => "postgres",
        })
    }
}

/// Whether the PostgreSQL half of the tests runs: always, unless explicitly skipped.
pub fn postgres_enabled() -> bool {
    std::env::var("PACKYARD_TEST_SKIP_POSTGRES").as_deref() != Ok("1")
}

/// The admin URL of the PostgreSQL server the tests create their databases on.
pub fn postgres_admin_url() -> String {
    std::env::var("PACKYARD_TEST_POSTGRES").expect(
        "PACKYARD_TEST_POSTGRES must name a PostgreSQL server (e.g. \
         postgres://packyard:packyard@127.0.0.1:5432/postgres); run the suite through \
         scripts/test, or set PACKYARD_TEST_SKIP_POSTGRES=1",
    )
}

/// An empty PostgreSQL database of its own for one test, dropped (connections and all) when
/// this guard is dropped. Usable from plain and async tests alike: the few admin statements run
/// on a helper thread with its own runtime.
#[derive(Debug)]
pub struct PostgresDatabase {
    /// The URL to connect to this database.
    pub url: String,
    name: String,
    admin_url: String,
}

impl PostgresDatabase {
    /// Creates a database on the server named by `PACKYARD_TEST_POSTGRES`.
    pub fn create() -> PostgresDatabase {
        Self::create_on(&postgres_admin_url())
    }

    /// Creates a database on the server `admin_url` points at.
    pub fn create_on(admin_url: &str) -> PostgresDatabase {
        let name = format!("packyard_test_{}", unique_suffix());
        admin(admin_url, format!("CREATE DATABASE {name}"));
        PostgresDatabase {
            url: database_url(admin_url, &name),
            name,
            admin_url: admin_url.to_string(),
        }
    }

    pub fn name(&self) -> &str {
        &self.name
    }
}

impl Drop for PostgresDatabase {
    fn drop(&mut self) {
        let sql = format!("DROP DATABASE IF EXISTS {} WITH (FORCE)", self.name);
        admin(&self.admin_url, sql);
    }
}

/// An empty database for one test on either backend, named by a URL that `Db::connect`
/// accepts: a SQLite file in a temp directory, or a fresh PostgreSQL database. Both are removed
/// when this is dropped.
#[derive(Debug)]
pub struct TestDatabase {
    pub backend: Backend,
    pub url: String,
    _postgres: Option<PostgresDatabase>,
    _dir: Option<tempfile::TempDir>,
}

impl TestDatabase {
    pub fn create(backend: Backend) -> TestDatabase {
        match backend {
            Backend::Sqlite => {
                let dir = tempfile::tempdir().expect("a temp directory for SQLite");
                TestDatabase {
                    backend,
                    url: format!("sqlite://{}", dir.path().join("packyard.sqlite3").display()),
                    _postgres: None,
                    _dir: Some(dir),
                }
            }
            Backend::Postgres => {
                let database = PostgresDatabase::create();
                TestDatabase {
                    backend,
                    url: database.url.clone(),
                    _postgres: Some(database),
                    _dir: None,
                }
            }
        }
    }
}

/// `admin_url` with its database name replaced by `name`.
pub fn database_url(admin_url: &str, name: &str) -> String {
    let base = admin_url.rsplit_once('/').map_or(admin_url, |(b, _)| b);
    format!("{base}/{name}")
}

/// Runs one statement on the admin database, from any context (sync or inside a runtime).
fn admin(admin_url: &str, sql: String) {
    let url = admin_url.to_string();
    let outcome = std::thread::spawn(move || {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(|e| e.to_string())?;
        runtime.block_on(async {
            let mut conn = sqlx::PgConnection::connect(&url)
                .await
                .map_err(|e| format!("cannot connect to {url}: {e}"))?;
            sqlx::raw_sql(sqlx::AssertSqlSafe(sql.clone()))
                .execute(&mut conn)
                .await
                .map_err(|e| format!("{sql}: {e}"))?;
            conn.close().await.map_err(|e| e.to_string())
        })
    })
    .join();
    match outcome {
        Ok(Ok(())) => {}
        Ok(Err(message)) => panic!("PostgreSQL test database: {message}"),
        Err(_) => panic!("PostgreSQL test database: the admin thread panicked"),
    }
}

/// Unique across processes and calls: process id, a counter and the clock's nanoseconds.
fn unique_suffix() -> String {
    use std::sync::atomic::{AtomicU64, Ordering};
    use std::time::{SystemTime, UNIX_EPOCH};
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.subsec_nanos());
    let n = COUNTER.fetch_add(1, Ordering::Relaxed);
    format!("{}_{n}_{nanos}", std::process::id())
}

/// One test per backend from one body. The body is an ordinary function taking a
/// [`Backend`] (so rustfmt and clippy see it); the macro adds a module of the same name with
/// a `sqlite` and a `postgres` test calling it:
///
/// ```ignore
/// backend_tests!(keys_follow_the_cli);
/// fn keys_follow_the_cli(backend: Backend) { … }
///
/// backend_tests!(async sessions_expire);
/// async fn sessions_expire(backend: Backend) { … }   // run under #[tokio::test]
/// ```
#[macro_export]
macro_rules! backend_tests {
    (async $($name:ident),+ $(,)?) => {
        $(
            mod $name {
                #[tokio::test]
                async fn sqlite() {
                    super::$name($crate::Backend::Sqlite).await
                }
                #[tokio::test]
                async fn postgres() {
                    if $crate::postgres_enabled() {
                        super::$name($crate::Backend::Postgres).await
                    }
                }
            }
        )+
    };
    ($($name:ident),+ $(,)?) => {
        $(
            mod $name {
                #[test]
                fn sqlite() {
                    super::$name($crate::Backend::Sqlite)
                }
                #[test]
                fn postgres() {
                    if $crate::postgres_enabled() {
                        super::$name($crate::Backend::Postgres)
                    }
                }
            }
        )+
    };
}
