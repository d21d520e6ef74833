//! Bulk reads for a server's in-memory snapshot: everything it needs about accounts (and
//! packages), either for all of them at startup or for a set of ids named by the change log.
//! One query per table for the whole set, never one per entity, so a backlog of thousands of
//! changes costs a handful of round trips.
//!
//! The id lists are written into the SQL text (`IN (1, 2, 3)`): they are `i64`s, so no
//! quoting is involved, the text is the same on both backends, and neither SQLite's lack of
//! arrays nor PostgreSQL's bind-parameter limit gets in the way. Lists are chunked to keep
//! each statement small.

use crate::accounts::Account;
use crate::entitlements::Entitlement;
use crate::invoices::Invoice;
use crate::keys::AccessKey;
use crate::packages::PackageVersion;
use crate::tokens::DownloadToken;
use crate::{Db, Result, on_db};

/// Ids per statement.
const CHUNK: usize = 1_000;

/// Which accounts or packages to read.
#[derive(Clone, Copy, Debug)]
pub enum Scope<'a> {
    All,
    Ids(&'a [i64]),
}

/// What the snapshot holds about a set of accounts.
#[derive(Debug, Default)]
pub struct AccountRows {
    pub accounts: Vec<Account>,
    pub entitlements: Vec<Entitlement>,
    /// Only unpaid invoices ([`crate::invoices::UNPAID`]): all the snapshot needs.
    pub unpaid: Vec<Invoice>,
    pub keys: Vec<AccessKey>,
    pub tokens: Vec<DownloadToken>,
}

impl Db {
    /// Runs `select` (which ends in a `WHERE` condition) restricted to `column IN scope`.
    async fn rows_in<T>(&self, select: &str, column: &str, scope: Scope<'_>) -> Result<Vec<T>>
    where
        T: for<'r> sqlx::FromRow<'r, sqlx::sqlite::SqliteRow>
            + for<'r> sqlx::FromRow<'r, sqlx::postgres::PgRow>
            + Send
            + Unpin,
    {
        let filters: Vec<String> = match scope {
            Scope::All => vec![String::new()],
            Scope::Ids(ids) => ids
                .chunks(CHUNK)
                .map(|chunk| {
                    let list: Vec<String> = chunk.iter().map(i64::to_string).collect();
                    format!(" AND {column} IN ({})", list.join(", "))
                })
                .collect(),
        };
        let mut out = Vec::new();
        for filter in filters {
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
                    &format!("SELECT {} FROM accounts WHERE 1 = 1", crate::accounts::COLUMNS),
                    "id",
                    scope,
                )
                .await?,
            entitlements: self
                .rows_in(
                    "SELECT account_id, product_id, updates_until, created_at FROM entitlements WHERE 1 = 1",
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
                    &format!("SELECT {} FROM access_keys WHERE 1 = 1", crate::keys::COLUMNS),
                    "account_id",
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

    /// Every stored version (listed or not) of the packages with these ids, grouped by
    /// package, oldest release first.
    pub async fn versions_of_packages(&self, ids: &[i64]) -> Result<Vec<PackageVersion>> {
        let mut rows: Vec<(i64, PackageVersion)> = Vec::new();
        let select = format!(
            "SELECT v.package_id, {} WHERE 1 = 1",
            crate::packages::SELECT.trim_start_matches("SELECT ")
        );
        for chunk in self
            .rows_in::<PackageVersionWithId>(&select, "v.package_id", Scope::Ids(ids))
            .await?
        {
            rows.push((chunk.package_id, chunk.version));
        }
        rows.sort_by(|a, b| (a.0, a.1.released_at, a.1.id).cmp(&(b.0, b.1.released_at, b.1.id)));
        Ok(rows.into_iter().map(|(_, v)| v).collect())
    }
}

#[derive(sqlx::FromRow)]
struct PackageVersionWithId {
    package_id: i64,
    #[sqlx(flatten)]
    version: PackageVersion,
}
