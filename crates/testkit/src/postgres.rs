//! Throwaway PostgreSQL databases cloned from a template that is migrated once.
//!
//! Migrating a fresh database takes longer than the test that uses it, so every test database
//! is a `CREATE DATABASE … TEMPLATE …` copy of one database migrated with the store's
//! PostgreSQL migrations. The template is named after those migrations (a hash of their
//! versions and checksums): it is built by the first test of a run that needs it, under an
//! advisory lock so parallel test processes build it once, and reused by every later run until
//! a migration changes, when a new name makes a new template. A half-built template is never
//! used: it is built under a temporary name and renamed when complete. The server and the CLI
//! still run their migrations on connect; on a clone they find every migration applied. Test
//! databases commit without waiting for the WAL flush (`synchronous_commit = off`, set on each
//! clone only; the server's settings are left alone).

use std::collections::HashMap;
use std::hash::{Hash, Hasher};
use std::path::PathBuf;
use std::sync::{Mutex, OnceLock};

use sqlx::Connection;
use sqlx::migrate::Migrator;

/// The admin URL of the PostgreSQL server the tests create their databases on.
pub fn postgres_admin_url() -> String {
    std::env::var("PACKYARD_TEST_POSTGRES").unwrap_or_else(|_| {
        panic!(
            "PACKYARD_TEST_POSTGRES must name a PostgreSQL server (e.g. \
             postgres://packyard:packyard@127.0.0.1:5432/postgres); run the suite through \
             scripts/test. To leave the PostgreSQL half out visibly, filter it: \
             `cargo test -- --skip postgres` (counted as filtered out) or \
             `cargo nextest run -E 'not test(postgres)'` (listed as skipped)"
        )
    })
}

/// A migrated PostgreSQL database of its own for one test, dropped (connections and all) when
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

    /// Creates a migrated database on the server `admin_url` points at.
    pub fn create_on(admin_url: &str) -> PostgresDatabase {
        Self::create_from(admin_url, &template(admin_url))
    }

    /// Creates a database with no migration applied (for tests of a migration's data changes).
    pub fn create_empty() -> PostgresDatabase {
        Self::create_from(&postgres_admin_url(), "template0")
    }

    fn create_from(admin_url: &str, template: &str) -> PostgresDatabase {
        let name = format!("packyard_test_{}", unique_suffix());
        let create = format!("CREATE DATABASE {name} TEMPLATE {template}");
        // A test database need not survive a crash of the cluster: its commits return without
        // waiting for the WAL flush, which is most of a commit's time on a busy disk.
        let relaxed = format!("ALTER DATABASE {name} SET synchronous_commit = off");
        on_admin_thread(admin_url, move |conn| {
            Box::pin(async move {
                // A clone fails only while someone is connected to the template; nothing stays
                // connected to it but the builder, which is done before anyone gets its name.
                execute(conn, &create).await?;
                execute(conn, &relaxed).await
            })
        });
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
        on_admin_thread(&self.admin_url, move |conn| {
            Box::pin(async move { execute(conn, &sql).await })
        });
    }
}

/// `admin_url` with its database name replaced by `name`.
pub fn database_url(admin_url: &str, name: &str) -> String {
    let base = admin_url.rsplit_once('/').map_or(admin_url, |(b, _)| b);
    format!("{base}/{name}")
}

fn migrations_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../store/migrations/postgres")
}

/// The name of the migrated template on `admin_url`'s server, built if it does not exist yet.
/// Looked up once per process and server.
fn template(admin_url: &str) -> String {
    static KNOWN: OnceLock<Mutex<HashMap<String, String>>> = OnceLock::new();
    let known = KNOWN.get_or_init(Default::default);
    let mut known = known.lock().unwrap_or_else(|e| e.into_inner());
    if let Some(name) = known.get(admin_url) {
        return name.clone();
    }
    let admin = admin_url.to_string();
    let name = on_admin_thread(admin_url, move |conn| {
        Box::pin(async move { ensure_template(conn, &admin).await })
    });
    known.insert(admin_url.to_string(), name.clone());
    name
}

/// Builds the template unless a complete one exists; returns its name.
async fn ensure_template(conn: &mut sqlx::PgConnection, admin_url: &str) -> Result<String, String> {
    let migrator = Migrator::new(migrations_dir())
        .await
        .map_err(|e| format!("reading {}: {e}", migrations_dir().display()))?;
    let mut hasher = std::hash::DefaultHasher::new();
    for migration in migrator.iter() {
        (migration.version, &migration.checksum[..]).hash(&mut hasher);
    }
    let name = format!("packyard_template_{:016x}", hasher.finish());
    // One builder at a time across every test process on this server.
    execute(conn, "SELECT pg_advisory_lock(7040501)").await?;
    let built = async {
        let exists: Option<i32> =
            sqlx::query_scalar("SELECT 1 FROM pg_database WHERE datname = $1")
                .bind(&name)
                .fetch_optional(&mut *conn)
                .await
                .map_err(|e| e.to_string())?;
        if exists.is_some() {
            return Ok(());
        }
        let building = format!("{name}_building_{}", unique_suffix());
        execute(conn, &format!("CREATE DATABASE {building}")).await?;
        let mut target = sqlx::PgConnection::connect(&database_url(admin_url, &building))
            .await
            .map_err(|e| e.to_string())?;
        let migrated = migrator.run(&mut target).await.map_err(|e| e.to_string());
        target.close().await.map_err(|e| e.to_string())?;
        if let Err(e) = migrated {
            execute(conn, &format!("DROP DATABASE {building} WITH (FORCE)")).await?;
            return Err(format!("migrating the template: {e}"));
        }
        execute(conn, &format!("ALTER DATABASE {building} RENAME TO {name}")).await
    }
    .await;
    execute(conn, "SELECT pg_advisory_unlock(7040501)").await?;
    built.map(|()| name)
}

async fn execute(conn: &mut sqlx::PgConnection, sql: &str) -> Result<(), String> {
    sqlx::raw_sql(sqlx::AssertSqlSafe(sql.to_string()))
        .execute(conn)
        .await
        .map(drop)
        .map_err(|e| format!("{sql}: {e}"))
}

type AdminFuture<'c, T> =
    std::pin::Pin<Box<dyn std::future::Future<Output = Result<T, String>> + 'c>>;

/// Runs `work` on a connection to the admin database, from any context (sync or inside a
/// runtime), on a helper thread with its own runtime; panics with the error.
fn on_admin_thread<T: Send + 'static>(
    admin_url: &str,
    work: impl for<'c> FnOnce(&'c mut sqlx::PgConnection) -> AdminFuture<'c, T> + Send + 'static,
) -> T {
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
            let done = work(&mut conn).await;
            conn.close().await.map_err(|e| e.to_string())?;
            done
        })
    })
    .join();
    match outcome {
        Ok(Ok(value)) => value,
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
