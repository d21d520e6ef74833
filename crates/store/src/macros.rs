//! The macros every query module writes with: [`on_db!`] runs one query text on either
//! backend; [`bump!`], [`record_audit!`] and [`audited_change!`] keep the change log and the
//! audit log in the same transaction as the change they describe.

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

/// Runs one statement that changes an entity, with its change-log entry and audit record,
/// in one transaction: the shape of most single-row mutations.
/// `audited_change!(db, Kind, entity_id, actor, action, subject, sqlx::query(…).bind(…))`.
macro_rules! audited_change {
    ($db:expr, $kind:ident, $entity:expr, $actor:expr, $action:expr, $subject:expr, $query:expr) => {
        $crate::macros::on_db!($db, pool => {
            let mut tx = pool.begin().await?;
            $query.execute(&mut *tx).await?;
            $crate::macros::bump!(tx, $kind, $entity);
            $crate::macros::record_audit!(tx, $actor, $action, $subject);
            tx.commit().await?;
        })
    };
}
pub(crate) use audited_change;
