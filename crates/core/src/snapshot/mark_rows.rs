//! Reading the operator's marks (advisories in force, abandonment, recalls) for the packages a
//! load covers, in bulk, and giving each package entry its [`PackageMarks`]: recalled versions
//! leave the listed ones, and the discovery summary is read from the newest version left.

use std::collections::HashMap;

use packyard_store::advisories::Advisory;
use packyard_store::package_marks::Recall;
use packyard_store::snapshot_rows::Scope;
use packyard_store::{Db, Result};
use serde_json::{Map, Value};

use super::{PackageEntry, Versions};
use crate::marks::{Abandoned, PackageMarks, RecalledVersion, Summary, advisory_entry};

/// Operator marks for a set of packages, read in bulk, by package name.
#[derive(Default)]
pub struct MarkRows {
    abandoned: HashMap<String, (i64, Option<Abandoned>)>,
    advisories: HashMap<String, Vec<Advisory>>,
    recalls: HashMap<String, Vec<Recall>>,
}

impl MarkRows {
    pub async fn read(db: &Db, scope: Scope<'_>) -> Result<MarkRows> {
        let mut rows = MarkRows::default();
        for m in db.package_marks(scope).await? {
            let abandoned = m
                .abandoned
                .then(|| m.replacement.map_or(Abandoned::Yes, Abandoned::For));
            rows.abandoned
                .insert(m.name, (m.marks_changed_at, abandoned));
        }
        for a in db.advisories_in_force(scope).await? {
            rows.advisories
                .entry(a.package_name.clone())
                .or_default()
                .push(a);
        }
        for r in db.recalls_in(scope).await? {
            rows.recalls.entry(r.name.clone()).or_default().push(r);
        }
        Ok(rows)
    }

    /// Gives `entry` its marks: recalled versions leave its listed versions, its change stamp
    /// covers the marks, and its summary is read from the newest version left.
    pub fn apply(&mut self, name: &str, entry: &mut PackageEntry) {
        let (changed_at, abandoned) = self.abandoned.remove(name).unwrap_or((0, None));
        entry.changed_at = entry.changed_at.max(changed_at);
        let recalls = self.recalls.remove(name).unwrap_or_default();
        let mut recalled = Vec::new();
        entry.versions.retain(|v| {
            let Some(r) = recalls
                .iter()
                .find(|r| r.version_normalized == v.version_normalized())
            else {
                return true;
            };
            recalled.push(RecalledVersion {
                version: v.version().to_string(),
                version_normalized: v.version_normalized().to_string(),
                released_on: v.released_on,
                reason: r.reason.clone(),
            });
            false
        });
        let advisories = self
            .advisories
            .remove(name)
            .unwrap_or_default()
            .into_iter()
            .map(advisory_entry)
            .collect();
        // The summary read when the entry was built holds unless a version was recalled.
        let summary = match recalled.is_empty() {
            true => std::mem::take(&mut entry.marks.summary),
            false => summary(&entry.versions),
        };
        entry.marks = PackageMarks {
            abandoned,
            advisories,
            recalled,
            summary,
        };
    }
}

/// Description, type and provided names of the newest non-branch version (else the newest).
pub(super) fn summary(versions: &Versions) -> Summary {
    let newest = versions
        .iter()
        .rposition(|v| !v.dev)
        .or_else(|| versions.len().checked_sub(1));
    let Some(manifest) =
        newest.and_then(|i| serde_json::from_str::<Map<String, Value>>(&versions.manifest(i)).ok())
    else {
        return Summary::default();
    };
    let text = |key: &str| {
        manifest
            .get(key)
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_string()
    };
    Summary {
        description: text("description"),
        kind: manifest
            .get("type")
            .and_then(Value::as_str)
            .unwrap_or("library")
            .to_ascii_lowercase(),
        provides: manifest
            .get("provide")
            .and_then(Value::as_object)
            .map(|p| p.keys().map(|k| k.to_ascii_lowercase()).collect())
            .unwrap_or_default(),
    }
}
