//! Bulk reads for a server's in-memory snapshot: everything it needs about accounts (and
//! packages), either for all of them at startup or for a set of ids named by the change log.
//! One query per table for the whole set, never one per entity, so a backlog of thousands of
//! changes costs a handful of round trips.
//!
//! The id lists are written into the SQL text (`IN (1, 2, 3)`): they are `i64`s, so no
//! quoting is involved, the text is the same on both backends, and neither SQLite's lack of
//! arrays nor PostgreSQL's bind-parameter limit gets in the way. Lists are chunked to keep
//! each statement small.

use crate::db::Db;
use crate::entitlements::Entitlement;
use crate::error::Result;
use crate::invoices::Invoice;
use crate::macros::on_db;
use crate::tokens::DownloadToken;

/// Ids per statement.
const CHUNK: usize = 1_000;

/// Which accounts or packages to read.
#[derive(Clone, Copy, Debug)]
pub enum Scope<'a> {
    All,
    Ids(&'a [i64]),
}

/// An account as the snapshot holds it (what admission needs; no contact details).
#[derive(Debug, sqlx::FromRow)]
pub struct AccountRow {
    pub id: i64,
    pub public_id: String,
    pub status: String,
    pub licences_changed_at: i64,
}

impl AccountRow {
    pub fn is_closed(&self) -> bool {
        crate::accounts::is_closed(&self.status)
    }
}

/// An access key as the snapshot holds it (what the key check needs; no name or usage).
#[derive(Debug, sqlx::FromRow)]
pub struct KeyRow {
    pub id: i64,
    pub account_id: Option<i64>,
    /// The user of a personal key.
    pub user_id: Option<i64>,
    pub public_key: String,
    pub private_key_hash: Vec<u8>,
    pub enabled: bool,
}

const KEY_COLUMNS: &str = "id, account_id, user_id, public_key, private_key_hash, enabled";

/// What the snapshot holds about a set of accounts.
#[derive(Debug, Default)]
pub struct AccountRows {
    pub accounts: Vec<AccountRow>,
    pub entitlements: Vec<Entitlement>,
    /// Only unpaid invoices ([`crate::invoices::UNPAID`]): all the snapshot needs.
    pub unpaid: Vec<Invoice>,
    pub keys: Vec<KeyRow>,
    /// `(key id, product id)`: the product scopes of these accounts' keys.
    pub key_products: Vec<(i64, i64)>,
    pub tokens: Vec<DownloadToken>,
}

/// What the snapshot holds about people: personal keys and who belongs to which account.
#[derive(Debug, Default)]
pub struct PeopleRows {
    pub personal_keys: Vec<KeyRow>,
    /// `(user id, account id)`.
    pub memberships: Vec<(i64, i64)>,
}

/// The conditions that restrict a query to `column IN scope`, one per statement (appended
/// to a `WHERE`; one empty condition for all rows).
pub(crate) fn id_filters(column: &str, scope: Scope<'_>) -> Vec<String> {
    match scope {
        Scope::All => vec![String::new()],
        Scope::Ids(ids) => ids
            .chunks(CHUNK)
            .map(|chunk| {
                let list: Vec<String> = chunk.iter().map(i64::to_string).collect();
                format!(" AND {column} IN ({})", list.join(", "))
            })
            .collect(),
    }
}

impl Db {
    /// Runs `select` (which ends in a `WHERE` condition) restricted to `column IN scope`.
    pub(crate) async fn rows_in<T>(
        &self,
        select: &str,
        column: &str,
        scope: Scope<'_>,
    ) -> Result<Vec<T>>
    where
        T: for<'r> sqlx::FromRow<'r, sqlx::sqlite::SqliteRow>
            + for<'r> sqlx::FromRow<'r, sqlx::postgres::PgRow>
            + Send
            + Unpin,
    {
        let mut out = Vec::new();
        for filter in id_filters(column, scope) {
            let sql = format!("{select}{filter}");
            let rows: Vec<T> = on_db!(self, pool => sqlx::query_as(sqlx::AssertSqlSafe(sql))
                .persistent(false)
                .fetch_all(pool)
                .await?);
            out.extend(rows);
        }
        Ok(out)
    }

    /// Accounts in `scope` with their licences, unpaid invoices, keys and download tokens.
    pub async fn account_rows(&self, scope: Scope<'_>) -> Result<AccountRows> {
        Ok(AccountRows {
            accounts: self
                .rows_in(
                    "SELECT id, public_id, status, licences_changed_at FROM accounts WHERE 1 = 1",
                    "id",
                    scope,
                )
                .await?,
            entitlements: self
                .rows_in(
                    "SELECT account_id, product_id, updates_until, created_at, versions FROM entitlements WHERE 1 = 1",
                    "account_id",
                    scope,
                )
                .await?,
            unpaid: self
                .rows_in(
                    &format!(
                        "SELECT {} FROM invoices WHERE {}",
                        crate::invoices::COLUMNS,
                        crate::invoices::UNPAID
                    ),
                    "account_id",
                    scope,
                )
                .await?,
            keys: self
                .rows_in(
                    &format!("SELECT {KEY_COLUMNS} FROM access_keys WHERE 1 = 1"),
                    "account_id",
                    scope,
                )
                .await?,
            key_products: self
                .rows_in(
                    "SELECT kp.key_id, kp.product_id FROM access_key_products kp JOIN access_keys k ON k.id = kp.key_id WHERE 1 = 1",
                    "k.account_id",
                    scope,
                )
                .await?,
            tokens: self
                .rows_in(
                    "SELECT account_id, token_hash, created_at FROM download_tokens WHERE 1 = 1",
                    "account_id",
                    scope,
                )
                .await?,
        })
    }

    /// Every personal key and membership (read whole: they change rarely and reload all).
    pub async fn people_rows(&self) -> Result<PeopleRows> {
        Ok(PeopleRows {
            personal_keys: self
                .rows_in(
                    &format!("SELECT {KEY_COLUMNS} FROM access_keys WHERE user_id IS NOT NULL"),
                    "id",
                    Scope::All,
                )
                .await?,
            memberships: self
                .rows_in(
                    "SELECT user_id, account_id FROM memberships WHERE 1 = 1",
                    "user_id",
                    Scope::All,
                )
                .await?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::Scope;
    use crate::accounts::NewAccount;
    use crate::db::Db;
    use crate::packages::NewVersion;
    use crate::tests::TestDb;
    use packyard_testkit::{Backend, backend_tests};

    async fn account(db: &Db, email: &str) -> crate::accounts::Account {
        let new = NewAccount {
            email,
            name: "A",
            id_prefix: "MAG",
            password_hash: None,
        };
        db.create_account(new, "t").await.unwrap()
    }

    backend_tests!(async account_rows_cover_exactly_the_named_accounts);
    async fn account_rows_cover_exactly_the_named_accounts(backend: Backend) {
        let db = TestDb::open(backend).await;
        let a = account(&db, "a@example.com").await;
        let b = account(&db, "b@example.com").await;
        db.create_key(&a, "k", "t").await.unwrap();
        db.create_key(&b, "k", "t").await.unwrap();
        db.generate_token(&b, "t").await.unwrap();
        let due = chrono::NaiveDate::from_ymd_opt(2026, 1, 1).unwrap();
        db.add_invoice(&b, "INV-1", "1", "EUR", due, "t")
            .await
            .unwrap();
        db.add_invoice(&b, "INV-2", "1", "EUR", due, "t")
            .await
            .unwrap();
        db.pay_invoice("INV-1", "t").await.unwrap();
        let only_b = db.account_rows(Scope::Ids(&[b.id])).await.unwrap();
        let backend = db.backend_name();
        assert_eq!(only_b.accounts.len(), 1, "{backend}");
        assert_eq!(only_b.keys.len(), 1, "{backend}");
        assert_eq!(only_b.tokens.len(), 1, "{backend}");
        let unpaid: Vec<&str> = only_b.unpaid.iter().map(|i| i.number.as_str()).collect();
        assert_eq!(unpaid, ["INV-2"], "{backend}: only unpaid invoices");
        let all = db.account_rows(Scope::All).await.unwrap();
        assert_eq!((all.accounts.len(), all.keys.len()), (2, 2), "{backend}");
        let none = db.account_rows(Scope::Ids(&[])).await.unwrap();
        assert!(
            none.accounts.is_empty() && none.keys.is_empty(),
            "{backend}"
        );
    }

    backend_tests!(async versions_come_in_pages_of_whole_packages);
    async fn versions_come_in_pages_of_whole_packages(backend: Backend) {
        let db = TestDb::open(backend).await;
        for name in ["acme/c", "acme/a", "acme/b"] {
            for (version, sha) in [("1.0.0", "1"), ("2.0.0", "2")] {
                let v = NewVersion {
                    name,
                    version,
                    version_normalized: &format!("{version}.0"),
                    manifest: "{}",
                    released_at: 1,
                    sha1: sha,
                    sha256: &format!("{name}{sha}"),
                    size: 1,
                    blob_key: "k",
                };
                db.publish_version(&v, "t").await.unwrap();
            }
        }
        let backend = db.backend_name();
        assert_eq!(db.package_count().await.unwrap(), 3, "{backend}");
        let names = |rows: Vec<crate::packages::PackageVersion>| {
            rows.into_iter().map(|v| v.name).collect::<Vec<_>>()
        };
        let first = names(db.versions_page(0, 2).await.unwrap());
        assert_eq!(first, ["acme/a", "acme/a", "acme/b", "acme/b"], "{backend}");
        let second = names(db.versions_page(2, 2).await.unwrap());
        assert_eq!(second, ["acme/c", "acme/c"], "{backend}");
    }
}
