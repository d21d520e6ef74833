//! Test-only support shared by every crate's tests: the database backends a test runs on, one
//! throwaway database per test ([`postgres`]: PostgreSQL databases cloned from a template
//! migrated once), [`backend_tests!`], which turns one test body into a separately named test
//! per backend (`name::sqlite`, `name::postgres`) so a SQLite failure never hides a PostgreSQL
//! one and every failure names its backend (the idea of kellnr's `#[db_test]`, as a
//! `macro_rules!`), and [`http`], what tests see of an HTTP answer plus a raw-TCP client for
//! in-process servers, and [`git`], repositories made with the git command.
//!
//! A skipped backend is reported as skipped, never as passed. libtest has no way for a test to
//! skip itself at run time (a test that returns early prints `ok`), so there is no run-time
//! switch: the PostgreSQL half always runs and fails with a clear message when
//! `PACKYARD_TEST_POSTGRES` (an admin URL such as
//! `postgres://packyard:packyard@127.0.0.1:5432/postgres`, which `scripts/test` provides) is
//! unset. Every test that needs PostgreSQL has `postgres` in its name, so leaving that half out
//! is a filter the runner reports: `cargo test -- --skip postgres` counts them as "filtered
//! out", `cargo nextest run -E 'not test(postgres)'` lists them as skipped.

pub mod bytes;
pub mod files;
pub mod git;
pub mod http;
pub mod postgres;
pub mod proxy;
pub mod zips;

pub use postgres::{PostgresDatabase, database_url, postgres_admin_url};

use std::fmt;

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

/// A database for one test on either backend, named by a URL that `Db::connect` accepts: a
/// SQLite file in a temp directory (migrated on connect), or a migrated PostgreSQL clone. Both are removed
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
        Self::create_with(backend, PostgresDatabase::create)
    }

    /// A database with no migration applied (SQLite files start empty anyway).
    pub fn create_empty(backend: Backend) -> TestDatabase {
        Self::create_with(backend, PostgresDatabase::create_empty)
    }

    fn create_with(backend: Backend, postgres: fn() -> PostgresDatabase) -> TestDatabase {
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
                let database = postgres();
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
                    super::$name($crate::Backend::Postgres).await
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
                    super::$name($crate::Backend::Postgres)
                }
            }
        )+
    };
}
