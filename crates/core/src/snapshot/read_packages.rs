//! Reading the catalog for a snapshot: every package with its stored versions, in pages of
//! package ids read by several tasks at once (each on its own connection, so rows are
//! fetched and decoded on every core), or the packages the change log names.

use std::sync::Arc;

use chrono::{DateTime, Utc};
use packyard_store::package_rows::{PackageRows, VersionRow};
use packyard_store::{Db, Result, StoreError};

use super::{BlobKey, Listed, PackageEntry, ProductEntry, VersionsBuilder, lower_hex};
use crate::rules::product_covers;

pub(super) fn date_of(unix: i64) -> chrono::NaiveDate {
    DateTime::<Utc>::from_timestamp(unix, 0)
        .unwrap_or_default()
        .date_naive()
}

/// The entry for one package from all its stored versions (listed or not, oldest first).
pub(super) fn package_entry(
    name: &str,
    products: &[ProductEntry],
    rows: impl IntoIterator<Item = VersionRow>,
) -> PackageEntry {
    let mut changed_at = 0;
    let mut versions = VersionsBuilder::default();
    for v in rows {
        changed_at = changed_at.max(v.changed_at);
        if v.unlisted_at.is_some() {
            continue;
        }
        if !v.manifest.trim_start().starts_with('{') {
            tracing::error!(
                "stored manifest of {name} {} is not a JSON object; skipping it",
                v.version
            );
            continue;
        }
        let Some(sha1) = lower_hex(&v.sha1) else {
            tracing::error!(
                "stored SHA-1 of {name} {} is not 40 lowercase hex digits; skipping it",
                v.version
            );
            continue;
        };
        versions.push(Listed {
            version: &v.version,
            version_normalized: &v.version_normalized,
            manifest: &v.manifest,
            released_at: v.released_at,
            sha1,
            size: v.size,
            blob: BlobKey::new(&v.blob_key),
        });
    }
    PackageEntry {
        versions: versions.finish(),
        products: products
            .iter()
            .enumerate()
            .filter(|(_, p)| product_covers(&p.patterns, name))
            .map(|(i, _)| i)
            .collect(),
        changed_at,
        rendered: Default::default(),
        marks: Default::default(),
    }
}

/// Runs `read` over its own handle of `db` on a task of its own.
pub(super) async fn on_own_task<T, F>(db: Db, read: impl FnOnce(Db) -> F) -> Result<T>
where
    T: Send + 'static,
    F: Future<Output = Result<T>> + Send + 'static,
{
    tokio::spawn(read(db))
        .await
        .map_err(|e| StoreError::Invalid(format!("reading the snapshot failed: {e}")))?
}

/// Every stored package with its versions, read in pages of [`PAGE`] packages by
/// [`READERS`] tasks at once (page `i` by reader `i % READERS`).
pub(super) async fn read_packages(
    db: &Db,
    products: Arc<Vec<ProductEntry>>,
) -> Result<Vec<(String, PackageEntry)>> {
    /// Packages per page: bounds the rows each reader holds at once to tens of thousands.
    const PAGE: i64 = 2_000;
    const READERS: i64 = 2;
    let max_id = db.max_package_id().await?;
    let readers = (0..READERS).map(|reader| {
        let products = products.clone();
        on_own_task(db.clone(), move |db| async move {
            let mut packages = Vec::new();
            let mut after = reader * PAGE;
            while after < max_id {
                let rows = db.package_rows_between(after, after + PAGE).await?;
                after += PAGE * READERS;
                packages.extend(entries(rows, &products));
            }
            Ok(packages)
        })
    });
    let mut packages = Vec::new();
    for read in futures_util::future::try_join_all(readers).await? {
        packages.extend(read);
    }
    Ok(packages)
}

/// One entry per package of `rows`.
pub(super) fn entries<'a>(
    rows: PackageRows,
    products: &'a [ProductEntry],
) -> impl Iterator<Item = (String, PackageEntry)> + 'a {
    rows.into_packages().map(|(name, versions)| {
        let entry = package_entry(&name, products, versions);
        (name, entry)
    })
}
