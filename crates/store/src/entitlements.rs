//! Entitlements: an account's licence for a product, optionally limited to releases made on
//! or before `updates_until` and/or to versions matching a Composer constraint (`versions`,
//! SPEC §13). Granting again replaces both limits.

use chrono::NaiveDate;
use packyard_composer::constraint::VersionConstraint;
use serde::{Deserialize, Serialize};

use crate::accounts::Account;
use crate::db::{Db, now, now_millis};
use crate::error::{Result, StoreError};
use crate::macros::{audited_change, exec, fetch, locked_change, on_db};
use crate::products::Product;

#[derive(Clone, Debug, Serialize, sqlx::FromRow)]
pub struct Entitlement {
    #[serde(skip)]
    pub account_id: i64,
    #[serde(skip)]
    pub product_id: i64,
    pub updates_until: Option<String>,
    #[serde(with = "crate::timestamps::rfc3339")]
    pub created_at: i64,
    /// A Composer constraint the licensed versions must match (None = any version).
    pub versions: Option<String>,
}

/// The limits of a grant.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct GrantTerms {
    pub updates_until: Option<NaiveDate>,
    pub versions: Option<VersionConstraint>,
}

/// What [`Db::grant`] changed: `new`, `unchanged`, or `changed` with the previous terms.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(utoipa::ToSchema), schema(as = GrantChangeView))]
#[serde(rename_all = "snake_case", tag = "change")]
pub enum GrantChange {
    /// The account had no entitlement to the product.
    New,
    /// The same grant existed already; nothing changed.
    Unchanged,
    /// The grant existed with another `updates_until` (None = unlimited) or constraint.
    Changed {
        /// The previous `updates_until` (null = unlimited).
        previous: Option<String>,
        /// The previous version constraint, when there was one.
        #[serde(skip_serializing_if = "Option::is_none")]
        previous_versions: Option<String>,
    },
}

/// An entitlement with the names people use: account id and product slug.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, sqlx::FromRow)]
#[cfg_attr(feature = "schema", derive(utoipa::ToSchema), schema(as = LicenceView))]
pub struct Licence {
    pub account: String,
    pub product: String,
    /// YYYY-MM-DD, or null for unlimited updates.
    pub updates_until: Option<String>,
    /// RFC 3339.
    #[serde(with = "crate::timestamps::rfc3339")]
    #[cfg_attr(feature = "schema", schema(value_type = String))]
    pub created_at: i64,
    /// A Composer constraint the licensed versions must match (null: any version).
    pub versions: Option<String>,
}

impl Entitlement {
    pub fn updates_until_date(&self) -> Option<NaiveDate> {
        self.updates_until
            .as_deref()
            .and_then(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d").ok())
    }

    /// The version constraint, if it has one. A stored constraint was valid when granted;
    /// one that no longer parses matches nothing rather than everything.
    pub fn versions_constraint(&self) -> Option<Result<VersionConstraint, String>> {
        self.versions
            .as_deref()
            .map(|v| v.parse().map_err(|_| v.to_string()))
    }
}

/// Stamps the account's licence change time, which feeds `Last-Modified` of its metadata.
async fn touch_licences<'c, DB: sqlx::Database>(
    tx: &mut sqlx::Transaction<'c, DB>,
    account_id: i64,
) -> Result<()>
where
    for<'e> &'e mut DB::Connection: sqlx::Executor<'e, Database = DB>,
    i64: sqlx::Encode<'static, DB> + sqlx::Type<DB>,
    for<'q> DB::Arguments: sqlx::IntoArguments<DB>,
{
    sqlx::query("UPDATE accounts SET licences_changed_at = $1 WHERE id = $2")
        .bind(now_millis())
        .bind(account_id)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

impl Db {
    /// Grants `product` to `account` (or changes the date of an existing grant) and says
    /// what changed, so the caller can tell the operator.
    pub async fn grant(
        &self,
        account: &Account,
        product: &Product,
        updates_until: Option<NaiveDate>,
        actor: &str,
    ) -> Result<GrantChange> {
        let terms = GrantTerms {
            updates_until,
            versions: None,
        };
        self.grant_with(account, product, &terms, actor).await
    }

    /// [`Db::grant`] with every limit a grant can have.
    pub async fn grant_with(
        &self,
        account: &Account,
        product: &Product,
        terms: &GrantTerms,
        actor: &str,
    ) -> Result<GrantChange> {
        let until = terms
            .updates_until
            .map(|d| d.format("%Y-%m-%d").to_string());
        let versions = terms
            .versions
            .as_ref()
            .map(|v| v.as_str().trim().to_string());
        let limit = versions
            .as_deref()
            .map(|v| format!(" versions {v}"))
            .unwrap_or_default();
        let subject = format!(
            "{} {} until {}{limit}",
            account.public_id,
            product.slug,
            until.as_deref().unwrap_or("forever")
        );
        // Write first (see `locked_change!`): the bump is rolled back with everything else
        // if nothing changes.
        let change = locked_change!(self, Account, account.id, actor, "entitlement.grant", subject, tx => {
            let before: Option<(Option<String>, Option<String>)> = sqlx::query_as(
                "SELECT updates_until, versions FROM entitlements WHERE account_id = $1 AND product_id = $2",
            )
            .bind(account.id)
            .bind(product.id)
            .fetch_optional(&mut *tx)
            .await?;
            let change = match before {
                None => GrantChange::New,
                Some((previous, previous_versions)) if previous == until && previous_versions == versions => {
                    return Ok(GrantChange::Unchanged)
                }
                Some((previous, previous_versions)) => GrantChange::Changed { previous, previous_versions },
            };
            exec!(
                tx,
                "INSERT INTO entitlements (account_id, product_id, updates_until, versions, created_at) VALUES ($1, $2, $3, $4, $5) \
                 ON CONFLICT (account_id, product_id) DO UPDATE SET updates_until = excluded.updates_until, versions = excluded.versions",
                account.id, product.id, &until, &versions, now()
            )?;
            touch_licences(&mut tx, account.id).await?;
            change
        });
        Ok(change)
    }

    pub async fn revoke(&self, account: &Account, product: &Product, actor: &str) -> Result<()> {
        let subject = format!("{} {}", account.public_id, product.slug);
        audited_change!(self, Account, account.id, actor, "entitlement.revoke", subject, tx => {
            let done = exec!(tx, "DELETE FROM entitlements WHERE account_id = $1 AND product_id = $2", account.id, product.id)?;
            if done.rows_affected() == 0 {
                return Err(StoreError::NotFound(format!(
                    "account {} has no entitlement to {}",
                    account.public_id, product.slug
                )));
            }
            touch_licences(&mut tx, account.id).await?;
        });
        Ok(())
    }

    pub async fn entitlements_of(&self, account: &Account) -> Result<Vec<Entitlement>> {
        Ok(fetch!(
            self,
            fetch_all,
            "SELECT account_id, product_id, updates_until, created_at, versions FROM entitlements WHERE account_id = $1",
            account.id
        ))
    }

    /// Entitlements by account id and product slug, of one account or all.
    pub async fn licences(&self, account: Option<&Account>) -> Result<Vec<Licence>> {
        let base = "SELECT a.public_id AS account, p.slug AS product, e.updates_until, e.created_at, e.versions \
            FROM entitlements e JOIN accounts a ON a.id = e.account_id JOIN products p ON p.id = e.product_id";
        Ok(match account {
            Some(account) => {
                let sql = format!("{base} WHERE e.account_id = $1 ORDER BY p.slug");
                on_db!(self, pool => sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(account.id).fetch_all(pool).await?)
            }
            None => {
                let sql = format!("{base} ORDER BY a.public_id, p.slug");
                on_db!(self, pool => sqlx::query_as(sqlx::AssertSqlSafe(sql)).fetch_all(pool).await?)
            }
        })
    }
}
