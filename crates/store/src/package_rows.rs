//! Packages and their versions as the in-memory snapshot reads them: every stored version
//! (listed or not) with only what the snapshot keeps (no name per row, no SHA-256, no
//! publisher), in pages of package ids at startup or for the ids the change log names. A
//! large repository's start-up reads a million of these rows, so each carries as little as
//! it can.

use crate::db::Db;
use crate::error::Result;
use crate::macros::on_db;
use crate::snapshot_rows::Scope;

const VERSION_COLUMNS: &str = "SELECT id, package_id, version, version_normalized, manifest, \
    released_at, sha1, size, blob_key, unlisted_at, changed_at FROM versions WHERE 1 = 1";

/// A stored version, listed or not.
#[derive(Debug, sqlx::FromRow)]
pub struct VersionRow {
    pub id: i64,
    pub package_id: i64,
    pub version: String,
    pub version_normalized: String,
    /// The composer.json object as published (JSON text).
    pub manifest: String,
    pub released_at: i64,
    pub sha1: String,
    pub size: i64,
    pub blob_key: String,
    pub unlisted_at: Option<i64>,
    /// Unix millis of the version's last publish or unlist.
    pub changed_at: i64,
}

/// A set of packages with their stored versions.
#[derive(Debug, Default)]
pub struct PackageRows {
    /// `(package id, name)`, by id.
    names: Vec<(i64, String)>,
    /// By package id, then oldest release first.
    versions: Vec<VersionRow>,
}

impl PackageRows {
    /// Each package that has stored versions, with them (oldest release first).
    pub fn into_packages(self) -> impl Iterator<Item = (String, Vec<VersionRow>)> {
        let mut versions = self.versions.into_iter().peekable();
        self.names.into_iter().filter_map(move |(id, name)| {
            while versions.next_if(|v| v.package_id < id).is_some() {}
            let mut of_this = Vec::new();
            while let Some(v) = versions.next_if(|v| v.package_id == id) {
                of_this.push(v);
            }
            (!of_this.is_empty()).then_some((name, of_this))
        })
    }
}

impl Db {
    /// The packages with `after < id <= upto` and their versions: one page of a full load.
    pub async fn package_rows_between(&self, after: i64, upto: i64) -> Result<PackageRows> {
        let names = on_db!(self, pool => sqlx::query_as(
            "SELECT id, name FROM packages WHERE id > $1 AND id <= $2 ORDER BY id")
            .bind(after)
            .bind(upto)
            .fetch_all(pool)
            .await?);
        let sql = format!(
            "{VERSION_COLUMNS} AND package_id > $1 AND package_id <= $2 \
             ORDER BY package_id, released_at, id"
        );
        let versions = on_db!(self, pool => sqlx::query_as(sqlx::AssertSqlSafe(sql))
            .bind(after)
            .bind(upto)
            .fetch_all(pool)
            .await?);
        Ok(PackageRows { names, versions })
    }

    /// The packages with these ids and their versions.
    pub async fn package_rows_of(&self, ids: &[i64]) -> Result<PackageRows> {
        let scope = Scope::Ids(ids);
        let names_sql = "SELECT id, name FROM packages WHERE 1 = 1";
        let mut names: Vec<(i64, String)> = self.rows_in(names_sql, "id", scope).await?;
        names.sort_unstable_by_key(|(id, _)| *id);
        let mut versions: Vec<VersionRow> =
            self.rows_in(VERSION_COLUMNS, "package_id", scope).await?;
        versions.sort_unstable_by_key(|v| (v.package_id, v.released_at, v.id));
        Ok(PackageRows { names, versions })
    }

    /// The highest package id, 0 when there are none: the end of [`Db::package_rows_between`].
    pub async fn max_package_id(&self) -> Result<i64> {
        let max: Option<i64> = on_db!(self, pool => sqlx::query_scalar("SELECT MAX(id) FROM packages").fetch_one(pool).await?);
        Ok(max.unwrap_or(0))
    }
}

#[cfg(test)]
mod tests {
    use crate::packages::NewVersion;
    use crate::tests::TestDb;
    use packyard_testkit::{Backend, backend_tests};

    backend_tests!(async packages_come_whole_with_versions_oldest_first);
    async fn packages_come_whole_with_versions_oldest_first(backend: Backend) {
        let db = TestDb::open(backend).await;
        for name in ["acme/c", "acme/a", "acme/b"] {
            for (version, released_at) in [("2.0.0", 20), ("1.0.0", 10)] {
                let v = NewVersion {
                    name,
                    version,
                    version_normalized: &format!("{version}.0"),
                    manifest: "{}",
                    released_at,
                    sha1: "1",
                    sha256: &format!("{name}{version}"),
                    size: 1,
                    blob_key: "k",
                };
                db.publish_version(&v, "t").await.unwrap();
            }
        }
        let backend = db.backend_name();
        let listed = |rows: crate::package_rows::PackageRows| {
            rows.into_packages()
                .map(|(name, versions)| {
                    let versions: Vec<String> = versions.into_iter().map(|v| v.version).collect();
                    (name, versions)
                })
                .collect::<Vec<_>>()
        };
        let max = db.max_package_id().await.unwrap();
        let all = listed(db.package_rows_between(0, max).await.unwrap());
        let names: Vec<&str> = all.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(names, ["acme/c", "acme/a", "acme/b"], "{backend}: by id");
        for (name, versions) in &all {
            assert_eq!(versions, &["1.0.0", "2.0.0"], "{backend}: {name}");
        }
        // Ids need not be consecutive (PostgreSQL's sequences skip on conflicts): the first
        // package's id is the smallest bound whose page holds it.
        let mut first_id = 1;
        while db
            .package_rows_between(0, first_id)
            .await
            .unwrap()
            .names
            .is_empty()
        {
            first_id += 1;
        }
        let some = listed(db.package_rows_of(&[max, first_id]).await.unwrap());
        let names: Vec<&str> = some.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(names, ["acme/c", "acme/b"], "{backend}");
        assert_eq!(some[1].1, ["1.0.0", "2.0.0"], "{backend}");
        assert!(
            listed(db.package_rows_of(&[]).await.unwrap()).is_empty(),
            "{backend}"
        );
    }
}
