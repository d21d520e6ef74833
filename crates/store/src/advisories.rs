//! Security advisories operators write for their own packages (SPEC §12). Ids look like
//! `PKSA-2026-0001`: numbered per year of the report, never reused (a withdrawn advisory keeps
//! its row and id, and is served to nobody). Every change also moves the package's
//! `marks_changed_at` and logs a package change, so servers re-render just that package.
//!
//! Inputs arrive validated by the caller (the constraint is checked with Composer's rules in
//! `packyard-composer`); this module only checks what the database decides: that the package
//! exists and the advisory id is known.

use serde::{Deserialize, Serialize};

use crate::db::{Db, now};
use crate::error::{Result, StoreError};
use crate::macros::{bump, exec, fetch, found, in_tx, record_audit};
use crate::snapshot_rows::Scope;

/// An advisory as stored (and as `advisory list --json` and the admin API show it, withdrawn
/// ones included).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, sqlx::FromRow)]
#[cfg_attr(feature = "schema", derive(utoipa::ToSchema), schema(as = AdvisoryView))]
#[serde(rename_all = "camelCase")]
pub struct Advisory {
    #[serde(skip)]
    pub package_id: i64,
    /// e.g. PKSA-2026-0001.
    pub advisory_id: String,
    pub package_name: String,
    pub affected_versions: String,
    pub title: String,
    pub link: Option<String>,
    pub cve: Option<String>,
    pub severity: Option<String>,
    /// RFC 3339.
    #[serde(with = "crate::timestamps::rfc3339")]
    #[cfg_attr(feature = "schema", schema(value_type = String))]
    pub reported_at: i64,
    #[serde(skip)]
    pub updated_at: i64,
    /// RFC 3339, when withdrawn.
    #[serde(with = "crate::timestamps::rfc3339_opt")]
    #[cfg_attr(feature = "schema", schema(value_type = Option<String>))]
    pub withdrawn_at: Option<i64>,
}

/// What an operator writes.
#[derive(Clone, Debug)]
pub struct NewAdvisory<'a> {
    pub package: &'a str,
    pub affected_versions: &'a str,
    pub title: &'a str,
    pub link: Option<&'a str>,
    pub cve: Option<&'a str>,
    pub severity: Option<&'a str>,
    /// Unix seconds.
    pub reported_at: i64,
}

const SELECT: &str = "SELECT a.package_id, a.advisory_id, p.name AS package_name, a.affected_versions, a.title, \
    a.link, a.cve, a.severity, a.reported_at, a.updated_at, a.withdrawn_at \
    FROM advisories a JOIN packages p ON p.id = a.package_id";

/// Moves a package's `marks_changed_at` forward inside the caller's transaction (it never
/// goes back: see migration 0011).
macro_rules! touch_marks {
    ($tx:expr, $package_id:expr) => {
        sqlx::query(
            "UPDATE packages SET marks_changed_at = CASE WHEN marks_changed_at >= $1 \
             THEN marks_changed_at + 1 ELSE $1 END WHERE id = $2",
        )
        .bind($crate::db::now_millis())
        .bind($package_id)
        .execute(&mut *$tx)
        .await?
    };
}
pub(crate) use touch_marks;

/// A change to what clients are told about one package (marks, recalls, advisories): the
/// package's change is logged first ([`locked_change!`]), the body runs, and the package's
/// `marks_changed_at` moves forward so its metadata is rendered again.
macro_rules! marks_change {
    ($db:expr, $package_id:expr, $actor:expr, $action:expr, $subject:expr, $tx:ident => $body:expr) => {
        $crate::macros::locked_change!($db, Package, $package_id, $actor, $action, $subject, $tx => {
            let out = $body;
            $crate::advisories::touch_marks!($tx, $package_id);
            out
        })
    };
}
pub(crate) use marks_change;

/// `PKSA-2026-0007` for the 7th advisory reported in 2026.
fn advisory_id(year: i32, number: i64) -> String {
    format!("PKSA-{year}-{number:04}")
}

impl Db {
    /// Stores a new advisory and returns it with its id.
    pub async fn add_advisory(&self, new: &NewAdvisory<'_>, actor: &str) -> Result<Advisory> {
        let year = chrono::DateTime::from_timestamp(new.reported_at, 0)
            .unwrap_or_default()
            .format("%Y")
            .to_string()
            .parse::<i32>()
            .unwrap_or(1970);
        let prefix = format!("PKSA-{year}-%");
        let id: String = in_tx!(self, tx => {
            // Taking the change-counter lock first (bump!) serialises writers, so two
            // advisories never compute the same number.
            let package_id: Option<i64> = sqlx::query_scalar("SELECT id FROM packages WHERE name = $1")
                .bind(new.package)
                .fetch_optional(&mut *tx)
                .await?;
            let Some(package_id) = package_id else {
                return Err(StoreError::NotFound(format!(
                    "no package {}; advisories are written for published packages (check `packyard package list`)",
                    new.package
                )));
            };
            bump!(tx, Package, package_id);
            let taken: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM advisories WHERE advisory_id LIKE $1")
                .bind(&prefix)
                .fetch_one(&mut *tx)
                .await?;
            let id = advisory_id(year, taken + 1);
            let at = now();
            exec!(
                tx,
                "INSERT INTO advisories (advisory_id, package_id, affected_versions, title, link, cve, severity, \
                 reported_at, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9)",
                &id, package_id, new.affected_versions, new.title, new.link, new.cve, new.severity, new.reported_at, at
            )?;
            touch_marks!(tx, package_id);
            record_audit!(tx, actor, "advisory.add", format!("{id} {} {}", new.package, new.affected_versions));
            id
        });
        self.advisory(&id).await
    }

    /// One advisory by id, withdrawn or not.
    pub async fn advisory(&self, advisory_id: &str) -> Result<Advisory> {
        let sql = format!("{SELECT} WHERE a.advisory_id = $1");
        found!(
            self,
            sql,
            [advisory_id],
            "no advisory {advisory_id}; `packyard advisory list` shows the ids"
        )
    }

    /// Advisories, withdrawn ones included, of one package or of all, newest report first.
    pub async fn advisories(&self, package: Option<&str>) -> Result<Vec<Advisory>> {
        let sql = format!(
            "{SELECT} WHERE ($1 IS NULL OR p.name = $1) ORDER BY a.reported_at DESC, a.advisory_id DESC"
        );
        Ok(fetch!(self, fetch_all, sqlx::AssertSqlSafe(sql), package))
    }

    /// Advisories in force (not withdrawn) of the packages in `scope`, for the snapshot.
    pub async fn advisories_in_force(&self, scope: Scope<'_>) -> Result<Vec<Advisory>> {
        let select = format!("{SELECT} WHERE a.withdrawn_at IS NULL");
        let mut rows: Vec<Advisory> = self.rows_in(&select, "a.package_id", scope).await?;
        rows.sort_by(|a, b| a.advisory_id.cmp(&b.advisory_id));
        Ok(rows)
    }

    /// Withdraws an advisory: clients stop seeing it.
    pub async fn withdraw_advisory(&self, advisory_id: &str, actor: &str) -> Result<Advisory> {
        let advisory = self.advisory(advisory_id).await?;
        if advisory.withdrawn_at.is_some() {
            return Err(StoreError::Conflict(format!(
                "{advisory_id} is already withdrawn"
            )));
        }
        marks_change!(self, advisory.package_id, actor, "advisory.withdraw", advisory_id.to_string(), tx => {
            exec!(tx, "UPDATE advisories SET withdrawn_at = $1, updated_at = $1 WHERE advisory_id = $2", now(), advisory_id)?;
        });
        self.advisory(advisory_id).await
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn ids_are_numbered_per_year_with_four_digits() {
        assert_eq!(super::advisory_id(2026, 1), "PKSA-2026-0001");
        assert_eq!(super::advisory_id(2026, 12345), "PKSA-2026-12345");
    }
}
