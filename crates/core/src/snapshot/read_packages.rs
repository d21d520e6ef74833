//! Reading the catalog for a snapshot: every package with its stored versions, in pages of
//! package ids read by several tasks at once (each on its own connection, so rows are
//! fetched and decoded on every core), or the packages the change log names.

use std::collections::VecDeque;
use std::sync::Arc;

use chrono::{DateTime, Utc};
use packyard_store::package_rows::{PackageSink, VersionRef};
use packyard_store::{Db, Result, StoreError};

use super::mark_rows::summary;
use super::{BlobKey, Listed, PackageEntry, ProductEntry, VersionsBuilder, lower_hex};
use crate::marks::PackageMarks;
use crate::rules::product_covers;

pub(super) fn date_of(unix: i64) -> chrono::NaiveDate {
    DateTime::<Utc>::from_timestamp(unix, 0)
        .unwrap_or_default()
        .date_naive()
}

/// Builds package entries from a set of packages' rows as they arrive ([`PackageSink`]):
/// each stored version (listed or not, oldest first) goes straight into its package's
/// compact [`Versions`](super::Versions); the rows' texts are never copied whole.
pub(super) struct Entries<'a> {
    products: &'a [ProductEntry],
    /// Packages not reached yet, by id.
    names: VecDeque<(i64, String)>,
    /// The package whose versions are arriving.
    current: Option<Building>,
    done: Vec<(String, PackageEntry)>,
}

struct Building {
    id: i64,
    name: String,
    changed_at: i64,
    versions: VersionsBuilder,
}

impl<'a> Entries<'a> {
    pub(super) fn new(products: &'a [ProductEntry]) -> Self {
        Entries {
            products,
            names: VecDeque::new(),
            current: None,
            done: Vec::new(),
        }
    }

    /// One entry per package that has stored versions.
    pub(super) fn finish(mut self) -> Vec<(String, PackageEntry)> {
        self.close_current();
        self.done
    }

    fn close_current(&mut self) {
        let Some(b) = self.current.take() else {
            return;
        };
        let products = self.products.iter().enumerate();
        let versions = b.versions.finish();
        // Read here, on the reader's task; marks replace it only if they recall a version.
        let marks = PackageMarks {
            summary: summary(&versions),
            ..Default::default()
        };
        let entry = PackageEntry {
            versions,
            products: products
                .filter(|(_, p)| product_covers(&p.patterns, &b.name))
                .map(|(i, _)| i)
                .collect(),
            changed_at: b.changed_at,
            rendered: Default::default(),
            marks,
        };
        self.done.push((b.name, entry));
    }

    /// The package `id`'s entry in the making, if its name was read.
    fn building(&mut self, id: i64) -> Option<&mut Building> {
        if self.current.as_ref().is_none_or(|b| b.id != id) {
            self.close_current();
            while self.names.front().is_some_and(|(next, _)| *next < id) {
                self.names.pop_front();
            }
            let (_, name) = self.names.pop_front_if(|(next, _)| *next == id)?;
            self.current = Some(Building {
                id,
                name,
                changed_at: 0,
                versions: VersionsBuilder::default(),
            });
        }
        self.current.as_mut()
    }
}

impl PackageSink for Entries<'_> {
    fn package(&mut self, id: i64, name: String) {
        self.names.push_back((id, name));
    }

    fn version(&mut self, v: VersionRef<'_>) {
        let Some(b) = self.building(v.package_id) else {
            return;
        };
        b.changed_at = b.changed_at.max(v.changed_at);
        if v.unlisted_at.is_some() {
            return;
        }
        let name = &b.name;
        if !v.manifest.trim_start().starts_with('{') {
            tracing::error!(
                "stored manifest of {name} {} is not a JSON object; skipping it",
                v.version
            );
            return;
        }
        let Some(sha1) = lower_hex(v.sha1) else {
            tracing::error!(
                "stored SHA-1 of {name} {} is not 40 lowercase hex digits; skipping it",
                v.version
            );
            return;
        };
        b.versions.push(Listed {
            version: v.version,
            version_normalized: v.version_normalized,
            manifest: v.manifest,
            released_at: v.released_at,
            sha1,
            size: v.size,
            blob: BlobKey::new(v.blob_key),
        });
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
                let mut page = Entries::new(&products);
                db.package_rows_between(after, after + PAGE, &mut page)
                    .await?;
                after += PAGE * READERS;
                packages.extend(page.finish());
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
