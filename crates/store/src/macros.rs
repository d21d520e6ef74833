//! The macros every query module writes with: [`on_db!`] runs one query text on either
//! backend, [`in_tx!`] wraps a body in one transaction (opened by [`BeginWrite`], which on
//! SQLite takes the write lock up front) and [`exec!`] runs one statement with
//! its binds inside it ([`exec_on!`] and [`fetch!`] outside one); [`bump!`], [`record_audit!`] and [`audited_change!`] keep the change
//! log and the audit log in the same transaction as the change they describe.

/// Expands `$body` once per backend with `$pool` bound to the concrete pool, so one query
/// text serves both databases without a web of generic trait bounds.
macro_rules! on_db {
    ($db:expr, $pool:ident => $body:expr) => {
        match $db {
            $crate::db::Db::Sqlite($pool) => $body,
            $crate::db::Db::Postgres($pool) => $body,
        }
    };
}
pub(crate) use on_db;

use sqlx::{PgPool, Postgres, Sqlite, SqlitePool, Transaction};

/// Opening a transaction that writes. SQLite's default (`BEGIN DEFERRED`) takes the write
/// lock only at the first write, and a transaction that read before then fails at once with
/// "database is locked" if another connection (the server, while the CLI runs) committed in
/// between: no busy timeout helps. `BEGIN IMMEDIATE` takes the lock up front and waits for it
/// under the busy timeout. PostgreSQL's transactions need no such care.
pub(crate) trait BeginWrite {
    type Backend: sqlx::Database;
    fn begin_write(
        &self,
    ) -> impl std::future::Future<Output = sqlx::Result<Transaction<'static, Self::Backend>>> + Send;
}

impl BeginWrite for SqlitePool {
    type Backend = Sqlite;
    fn begin_write(
        &self,
    ) -> impl std::future::Future<Output = sqlx::Result<Transaction<'static, Sqlite>>> + Send {
        self.begin_with("BEGIN IMMEDIATE")
    }
}

impl BeginWrite for PgPool {
    type Backend = Postgres;
    fn begin_write(
        &self,
    ) -> impl std::future::Future<Output = sqlx::Result<Transaction<'static, Postgres>>> + Send
    {
        self.begin()
    }
}

/// Runs `$body` in one transaction on either backend, with `$tx` bound to it, and commits;
/// the body's value is the macro's. A `return` or `?` out of the body rolls back.
macro_rules! in_tx {
    ($db:expr, $tx:ident => $body:expr) => {
        $crate::macros::on_db!($db, pool => {
            let mut $tx = $crate::macros::BeginWrite::begin_write(pool).await?;
            let out = $body;
            $tx.commit().await?;
            out
        })
    };
}
pub(crate) use in_tx;

/// Executes one statement with its binds in the transaction `$tx` and yields the driver's
/// `Result` (the caller adds `?`, or maps a unique violation to a conflict first):
/// `exec!(tx, "UPDATE t SET a = $1 WHERE id = $2", a, id)?`.
macro_rules! exec {
    ($tx:expr, $sql:expr $(, $bind:expr)* $(,)?) => {
        sqlx::query($sql)$(.bind($bind))*.execute(&mut *$tx).await
    };
}
pub(crate) use exec;

/// Executes one statement with its binds on the pool, outside any transaction (a write that
/// stands alone), and yields how many rows it affected.
macro_rules! exec_on {
    ($db:expr, $sql:expr $(, $bind:expr)* $(,)?) => {
        $crate::macros::on_db!($db, pool => sqlx::query($sql)$(.bind($bind))*.execute(pool).await?.rows_affected())
    };
}
pub(crate) use exec_on;

/// Reads rows of one query with its binds on either backend: `$fetch` is `fetch_all`,
/// `fetch_optional` or `fetch_one`, the row type comes from the caller's binding:
/// `let found: Option<Row> = fetch!(db, fetch_optional, "SELECT … WHERE id = $1", id);`.
macro_rules! fetch {
    ($db:expr, $fetch:ident, $sql:expr $(, $bind:expr)* $(,)?) => {
        $crate::macros::on_db!($db, pool => sqlx::query_as($sql)$(.bind($bind))*.$fetch(pool).await?)
    };
}
pub(crate) use fetch;

/// The one row a query finds, or [`crate::StoreError::NotFound`] with the message the
/// trailing `format!` arguments make (only when nothing is found):
/// `found!(db, sql, [id], "no invoice {id}")?`. `$sql` is text made from constants (a
/// column list and a condition); the values travel as binds.
macro_rules! found {
    ($db:expr, $sql:expr, [$($bind:expr),* $(,)?], $($missing:tt)+) => {{
        let sql = sqlx::AssertSqlSafe($sql);
        let row: Option<_> = $crate::macros::fetch!($db, fetch_optional, sql $(, $bind)*);
        row.ok_or_else(|| $crate::error::StoreError::NotFound(format!($($missing)+)))
    }};
}
pub(crate) use found;

/// Bumps the change counter inside the caller's transaction and logs what changed, so a
/// server can apply just that entity to its snapshot ([`changes::ChangeKind`] names the
/// kinds). The row lock this takes also serialises writers, so sequence order equals commit
/// order. The one-argument form logs an `All` change (the server reloads everything): right
/// for rare, wide changes such as products, and a safe default for new mutations.
macro_rules! bump {
    ($tx:expr) => {
        $crate::macros::bump!($tx, All, 0i64)
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
/// ([`crate::audit::actor_at`]), which lands in the `ip` column.
macro_rules! record_audit {
    ($tx:expr, $actor:expr, $action:expr, $subject:expr) => {{
        let (who, ip) = $crate::audit::split_actor(&$actor);
        sqlx::query(
            "INSERT INTO audit_log (at, actor, action, subject, ip) VALUES ($1, $2, $3, $4, $5)",
        )
        .bind($crate::db::now())
        .bind(who)
        .bind($action)
        .bind($subject)
        .bind(ip)
        .execute(&mut *$tx)
        .await?
    }};
}
pub(crate) use record_audit;

/// Runs a change to an entity, with its change-log entry and audit record, in one
/// transaction: the shape of most mutations. The change is one statement,
/// `audited_change!(db, Kind, entity_id, actor, action, subject, sqlx::query(…).bind(…))`,
/// or a body over the transaction, `audited_change!(db, Kind, id, actor, action, subject,
/// tx => { exec!(tx, …)?; … })`, whose value the macro yields.
macro_rules! audited_change {
    ($db:expr, $kind:ident, $entity:expr, $actor:expr, $action:expr, $subject:expr, $tx:ident => $body:expr) => {
        $crate::macros::in_tx!($db, $tx => {
            let out = $body;
            $crate::macros::bump!($tx, $kind, $entity);
            $crate::macros::record_audit!($tx, $actor, $action, $subject);
            out
        })
    };
    ($db:expr, $kind:ident, $entity:expr, $actor:expr, $action:expr, $subject:expr, $query:expr) => {
        $crate::macros::audited_change!($db, $kind, $entity, $actor, $action, $subject, tx => {
            $query.execute(&mut *tx).await?;
        })
    };
}
pub(crate) use audited_change;

/// [`audited_change!`] with the bump first: the change counter's row lock is then taken
/// before the body reads, which serialises check-then-write bodies between writers, and a
/// SQLite transaction that writes first never fails to upgrade to a writer ("database is
/// locked") after another connection committed. A body that bails out rolls the bump back.
macro_rules! locked_change {
    ($db:expr, $kind:ident, $entity:expr, $actor:expr, $action:expr, $subject:expr, $tx:ident => $body:expr) => {
        $crate::macros::in_tx!($db, $tx => {
            $crate::macros::bump!($tx, $kind, $entity);
            let out = $body;
            $crate::macros::record_audit!($tx, $actor, $action, $subject);
            out
        })
    };
}
pub(crate) use locked_change;

/// Adds a user by email inside the caller's transaction unless one exists (a user may hold
/// several accounts; an existing user's password stays theirs). Accounts and users share it.
macro_rules! insert_user {
    ($tx:expr, $email:expr, $password_hash:expr) => {
        $crate::macros::exec!(
            $tx,
            "INSERT INTO users (email, password_hash, created_at) VALUES ($1, $2, $3) ON CONFLICT (email) DO NOTHING",
            $email,
            $password_hash,
            $crate::db::now()
        )?
    };
}
pub(crate) use insert_user;
