//! Releases: full archives (e.g. `Acme-CE-2.4.7.tar.gz`) outside Composer, each tied to the
//! product that entitles an account to download it. File names are unique: they are what
//! customers type into `curl -O …/file/NAME`.

use serde::{Deserialize, Serialize};

use crate::db::{Db, now};
use crate::error::{Result, StoreError, conflict_on_unique};
use crate::macros::{audited_change, exec, found, on_db};
use crate::products::Product;

pub const RELEASE_TYPES: [&str; 5] = ["ce-full", "ee-full", "ce-patch", "ee-patch", "other"];

/// A release file.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, sqlx::FromRow)]
#[cfg_attr(feature = "schema", derive(utoipa::ToSchema), schema(as = ReleaseView))]
pub struct Release {
    #[serde(skip)]
    pub id: i64,
    #[serde(skip)]
    pub product_id: i64,
    pub file_name: String,
    /// ce-full, ee-full, ce-patch, ee-patch or other.
    #[serde(rename = "type")]
    pub kind: String,
    pub version: String,
    pub size: i64,
    pub md5: String,
    pub sha256: String,
    #[serde(skip)]
    pub blob_key: String,
    /// RFC 3339.
    #[serde(with = "crate::timestamps::rfc3339")]
    #[cfg_attr(feature = "schema", schema(value_type = String))]
    pub created_at: i64,
}

pub struct NewRelease<'a> {
    pub file_name: &'a str,
    pub kind: &'a str,
    pub version: &'a str,
    pub size: i64,
    pub md5: &'a str,
    pub sha256: &'a str,
    pub blob_key: &'a str,
}

/// 1 to `max` letters, digits, '.', '_', '-' or '+': a URL path segment needing no escapes.
fn url_safe(value: &str, max: usize) -> bool {
    !value.is_empty()
        && value.len() <= max
        && value
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"._-+".contains(&b))
}

/// A release file name must be a plain file name that survives a URL path unescaped.
pub fn validate_file_name(name: &str) -> Result<()> {
    if url_safe(name, 200) && !name.starts_with('.') {
        Ok(())
    } else {
        Err(StoreError::Invalid(format!(
            "release file name {name:?} must be 1 to 200 letters, digits, '.', '_', '-' or '+', not starting with '.' (e.g. Acme-CE-2.4.7.tar.gz)"
        )))
    }
}

pub fn validate_kind(kind: &str) -> Result<()> {
    if RELEASE_TYPES.contains(&kind) {
        Ok(())
    } else {
        Err(StoreError::Invalid(format!(
            "release type {kind:?} must be one of {}",
            RELEASE_TYPES.join(", ")
        )))
    }
}

pub fn validate_release_version(version: &str) -> Result<()> {
    if url_safe(version, 64) {
        Ok(())
    } else {
        Err(StoreError::Invalid(format!(
            "release version {version:?} must be 1 to 64 letters, digits, '.', '_', '-' or '+' (e.g. 2.4.7-p1)"
        )))
    }
}

const COLUMNS: &str =
    "id, product_id, file_name, kind, version, size, md5, sha256, blob_key, created_at";

impl Db {
    pub async fn add_release(
        &self,
        product: &Product,
        new: &NewRelease<'_>,
        actor: &str,
    ) -> Result<Release> {
        validate_file_name(new.file_name)?;
        validate_kind(new.kind)?;
        validate_release_version(new.version)?;
        let subject = format!("{} ({})", new.file_name, product.slug);
        audited_change!(self, Releases, 0i64, actor, "release.add", subject, tx => {
            exec!(
                tx,
                "INSERT INTO releases (product_id, file_name, kind, version, size, md5, sha256, blob_key, created_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
                product.id, new.file_name, new.kind, new.version, new.size, new.md5, new.sha256, new.blob_key, now()
            )
            .map_err(|e| conflict_on_unique(e, format!("a release named {} already exists; release files are immutable", new.file_name)))?;
        });
        self.release(new.file_name).await
    }

    pub async fn release(&self, file_name: &str) -> Result<Release> {
        let sql = format!("SELECT {COLUMNS} FROM releases WHERE file_name = $1");
        found!(self, sql, [file_name], "no release named {file_name:?}")
    }

    pub async fn releases(&self) -> Result<Vec<Release>> {
        let sql = format!("SELECT {COLUMNS} FROM releases ORDER BY kind, version, file_name");
        Ok(on_db!(self, pool => sqlx::query_as(sqlx::AssertSqlSafe(sql)).fetch_all(pool).await?))
    }

    /// Removes a release from the download interface. The bytes stay in storage (content
    /// addressed, possibly shared); the file name becomes free for a new upload.
    pub async fn delete_release(&self, file_name: &str, actor: &str) -> Result<Release> {
        let release = self.release(file_name).await?;
        audited_change!(
            self,
            Releases,
            0i64,
            actor,
            "release.delete",
            &release.file_name,
            sqlx::query("DELETE FROM releases WHERE id = $1").bind(release.id)
        );
        Ok(release)
    }
}
