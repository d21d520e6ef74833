//! Packages and their versions as the in-memory snapshot reads them: every stored version
//! (listed or not) with only what the snapshot keeps (no name per row, no SHA-256, no
//! publisher), in pages of package ids at startup or for the ids the change log names. A
//! large repository's start-up reads a million of these rows, so each carries as little as
//! it can.

use futures_util::TryStreamExt;

use crate::db::Db;
use crate::error::Result;
use crate::macros::on_db;
use crate::snapshot_rows::{Scope, id_filters};

const VERSION_COLUMNS: &str = "SELECT package_id, version, version_normalized, manifest, \
    released_at, sha1, size, blob_key, unlisted_at, changed_at FROM versions WHERE 1 = 1";

/// A stored version, listed or not, borrowed from its row: a million of them at start-up
/// are read without copying their texts into strings of their own.
#[derive(Debug)]
pub struct VersionRef<'r> {
    pub package_id: i64,
    pub version: &'r str,
    pub version_normalized: &'r str,
    /// The composer.json object as published (JSON text).
    pub manifest: &'r str,
    pub released_at: i64,
    pub sha1: &'r str,
    pub size: i64,
    pub blob_key: &'r str,
    pub unlisted_at: Option<i64>,
    /// Unix millis of the version's last publish or unlist.
    pub changed_at: i64,
}

impl<'r> VersionRef<'r> {
    /// Reads by position (the order of [`VERSION_COLUMNS`]), not by column name.
    fn read<R>(row: &'r R) -> Result<Self, sqlx::Error>
    where
        R: sqlx::Row,
        usize: sqlx::ColumnIndex<R>,
        i64: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
        &'r str: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
    {
        Ok(VersionRef {
            package_id: row.try_get(0)?,
            version: row.try_get(1)?,
            version_normalized: row.try_get(2)?,
            manifest: row.try_get(3)?,
            released_at: row.try_get(4)?,
            sha1: row.try_get(5)?,
            size: row.try_get(6)?,
            blob_key: row.try_get(7)?,
            unlisted_at: row.try_get(8)?,
            changed_at: row.try_get(9)?,
        })
    }
}

/// Receives a set of packages: first their names (by id), then their stored versions (by
/// package id, oldest release first), as the rows arrive.
pub trait PackageSink: Send {
    fn package(&mut self, id: i64, name: String);
    fn version(&mut self, version: VersionRef<'_>);
}

impl Db {
    /// The packages with `after < id <= upto` and their versions: one page of a full load.
    pub async fn package_rows_between(
        &self,
        after: i64,
        upto: i64,
        sink: &mut impl PackageSink,
    ) -> Result<()> {
        let names: Vec<(i64, String)> = on_db!(self, pool => sqlx::query_as(
            "SELECT id, name FROM packages WHERE id > $1 AND id <= $2 ORDER BY id")
            .bind(after)
            .bind(upto)
            .fetch_all(pool)
            .await?);
        for (id, name) in names {
            sink.package(id, name);
        }
        let filter = format!(" AND package_id > {after} AND package_id <= {upto}");
        self.versions_into(&filter, sink).await
    }

    /// The packages with these ids and their versions.
    pub async fn package_rows_of(&self, ids: &[i64], sink: &mut impl PackageSink) -> Result<()> {
        let mut ids = ids.to_vec();
        ids.sort_unstable();
        ids.dedup();
        let scope = Scope::Ids(&ids);
        let names_sql = "SELECT id, name FROM packages WHERE 1 = 1";
        let mut names: Vec<(i64, String)> = self.rows_in(names_sql, "id", scope).await?;
        names.sort_unstable_by_key(|(id, _)| *id);
        for (id, name) in names {
            sink.package(id, name);
        }
        // Sorted ids in ordered chunks: the versions come in package order across chunks.
        for filter in id_filters("package_id", scope) {
            self.versions_into(&filter, sink).await?;
        }
        Ok(())
    }

    /// Streams the versions `filter` selects into `sink`, in package and release order.
    async fn versions_into(&self, filter: &str, sink: &mut impl PackageSink) -> Result<()> {
        let sql = format!("{VERSION_COLUMNS}{filter} ORDER BY package_id, released_at, id");
        on_db!(self, pool => {
            let mut rows = sqlx::query(sqlx::AssertSqlSafe(sql)).persistent(false).fetch(pool);
            while let Some(row) = rows.try_next().await? {
                sink.version(VersionRef::read(&row)?);
            }
        });
        Ok(())
    }

    /// The highest package id, 0 when there are none: the end of [`Db::package_rows_between`].
    pub async fn max_package_id(&self) -> Result<i64> {
        let max: Option<i64> = on_db!(self, pool => sqlx::query_scalar("SELECT MAX(id) FROM packages").fetch_one(pool).await?);
        Ok(max.unwrap_or(0))
    }
}

#[cfg(test)]
mod tests {
    use super::{PackageSink, VersionRef};
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
        let max = db.max_package_id().await.unwrap();
        let mut all = Listed::default();
        db.package_rows_between(0, max, &mut all).await.unwrap();
        let all = all.0;
        let names: Vec<&str> = all.iter().map(|(_, n, _)| n.as_str()).collect();
        assert_eq!(names, ["acme/c", "acme/a", "acme/b"], "{backend}: by id");
        for (_, name, versions) in &all {
            assert_eq!(versions, &["1.0.0", "2.0.0"], "{backend}: {name}");
        }
        // Ids need not be consecutive (PostgreSQL's sequences skip on conflicts): the first
        // package's id is the smallest bound whose page holds it.
        let mut first_id = 1;
        while {
            let mut page = Listed::default();
            db.package_rows_between(0, first_id, &mut page)
                .await
                .unwrap();
            page.0.is_empty()
        } {
            first_id += 1;
        }
        let mut some = Listed::default();
        db.package_rows_of(&[max, first_id, max], &mut some)
            .await
            .unwrap();
        let names: Vec<&str> = some.0.iter().map(|(_, n, _)| n.as_str()).collect();
        assert_eq!(names, ["acme/c", "acme/b"], "{backend}");
        assert_eq!(some.0[1].2, ["1.0.0", "2.0.0"], "{backend}");
        let mut none = Listed::default();
        db.package_rows_of(&[], &mut none).await.unwrap();
        assert!(none.0.is_empty(), "{backend}");
    }

    /// Each package the sink heard of with the versions that came after it.
    #[derive(Default)]
    struct Listed(Vec<(i64, String, Vec<String>)>);

    impl PackageSink for Listed {
        fn package(&mut self, id: i64, name: String) {
            self.0.push((id, name, Vec::new()));
        }
        fn version(&mut self, v: VersionRef<'_>) {
            let package = self.0.iter_mut().find(|(id, ..)| *id == v.package_id);
            package.unwrap().2.push(v.version.to_string());
        }
    }
}
