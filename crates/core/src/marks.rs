//! What the snapshot holds about a package besides its versions (SPEC §12): the operator's
//! advisories, abandonment and recalled versions, and the few manifest facts discovery
//! needs (description, type, what it provides). Everything Composer will read is prepared
//! here once per change, when the package is (re)loaded: each advisory's full JSON entry is
//! serialized at load time, so the advisory api only concatenates prepared text and never
//! touches the database or a serializer per request.
//!
//! Recalled versions are taken out of the package's listed versions here, so no account's
//! metadata offers them (clients before Composer 2.10 never choose them), and kept aside for
//! the filter list and the dist's 410 answer.

use std::collections::HashMap;

use chrono::{DateTime, NaiveDate, Utc};
use packyard_composer::constraint::{self, VersionConstraint};
use packyard_store::advisories::Advisory;
use packyard_store::package_marks::Recall;
use packyard_store::snapshot_rows::Scope;
use packyard_store::{Db, Result};
use serde_json::{Map, Value, json};

use crate::snapshot::{PackageEntry, VersionEntry};

/// The name of our filter list (Composer 2.10 `filter`): not one Composer reserves
/// (`advisories`, `abandoned`, `malware`, `ignore*`, `package(s)`, `licen[cs]e(s)`, `support`,
/// `maintenance`, `security`, `minimum-release-age`).
pub const RECALL_LIST: &str = "recalled";

/// The advisory source name Composer prints with each entry.
const SOURCE: &str = "Packyard";

/// An abandoned package, with the package to use instead when the operator named one.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Abandoned {
    Yes,
    For(String),
}

impl Abandoned {
    /// `abandoned` as Composer reads it: `true` or the replacement's name.
    pub fn to_json(&self) -> Value {
        match self {
            Abandoned::Yes => Value::Bool(true),
            Abandoned::For(other) => Value::from(other.as_str()),
        }
    }
}

pub struct AdvisoryEntry {
    pub advisory_id: String,
    pub affected_versions: String,
    pub affected: Option<VersionConstraint>,
    pub title: String,
    pub cve: Option<String>,
    pub link: Option<String>,
    pub severity: Option<String>,
    /// Unix seconds of the last change (for `updatedSince`).
    pub updated_at: i64,
    /// The full entry Composer's `audit` prints, as JSON text.
    pub full: Box<str>,
}

pub struct RecalledVersion {
    pub version: String,
    pub version_normalized: String,
    pub released_on: NaiveDate,
    pub reason: String,
}

/// What discovery shows of a package, from its newest listed version.
#[derive(Default)]
pub struct Summary {
    pub description: String,
    pub kind: String,
    pub provides: Vec<String>,
}

#[derive(Default)]
pub struct PackageMarks {
    pub abandoned: Option<Abandoned>,
    pub advisories: Vec<AdvisoryEntry>,
    pub recalled: Vec<RecalledVersion>,
    pub summary: Summary,
}

impl PackageMarks {
    /// The partial entries of the p2 file (`security-advisories`: id and affected versions).
    pub fn partial_advisories(&self) -> Value {
        Value::Array(
            self.advisories
                .iter()
                .map(|a| json!({"advisoryId": a.advisory_id, "affectedVersions": a.affected_versions}))
                .collect(),
        )
    }

    /// The p2 `filter` object announcing recalled versions, or `None` without recalls.
    pub fn filter(&self) -> Option<Value> {
        if self.recalled.is_empty() {
            return None;
        }
        let entries: Vec<Value> = self
            .recalled
            .iter()
            .map(|r| json!({"constraint": r.version, "reason": r.reason, "id": format!("recall-{}", r.version_normalized)}))
            .collect();
        Some(json!({ RECALL_LIST: entries }))
    }

    pub fn recalled(&self, version_normalized: &str) -> Option<&RecalledVersion> {
        self.recalled
            .iter()
            .find(|r| r.version_normalized == version_normalized)
    }
}

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
                .find(|r| r.version_normalized == v.version_normalized)
            else {
                return true;
            };
            recalled.push(RecalledVersion {
                version: v.version.clone(),
                version_normalized: v.version_normalized.clone(),
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
        entry.marks = PackageMarks {
            abandoned,
            advisories,
            recalled,
            summary: summary(&entry.versions),
        };
    }
}

pub(crate) fn advisory_entry(a: Advisory) -> AdvisoryEntry {
    let reported = DateTime::<Utc>::from_timestamp(a.reported_at, 0).unwrap_or_default();
    let full = json!({
        "advisoryId": a.advisory_id,
        "packageName": a.package_name,
        "remoteId": a.advisory_id,
        "title": a.title,
        "link": a.link,
        "cve": a.cve,
        "affectedVersions": a.affected_versions,
        "source": SOURCE,
        "reportedAt": reported.format("%Y-%m-%d %H:%M:%S").to_string(),
        "severity": a.severity,
        "sources": [{"name": SOURCE, "remoteId": a.advisory_id}],
    });
    AdvisoryEntry {
        affected: constraint::parse(&a.affected_versions).ok(),
        full: full.to_string().into_boxed_str(),
        advisory_id: a.advisory_id,
        affected_versions: a.affected_versions,
        title: a.title,
        cve: a.cve,
        link: a.link,
        severity: a.severity,
        updated_at: a.updated_at,
    }
}

/// Description, type and provided names of the newest non-branch version (else the newest).
fn summary(versions: &[VersionEntry]) -> Summary {
    let newest = versions
        .iter()
        .rev()
        .find(|v| !v.dev)
        .or_else(|| versions.last());
    let Some(manifest) =
        newest.and_then(|v| serde_json::from_str::<Map<String, Value>>(&v.manifest).ok())
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

/// An advisory as the customer's Licences page shows it: with the installable versions it
/// affects.
pub struct AffectingAdvisory {
    pub package: String,
    pub advisory_id: String,
    pub title: String,
    pub cve: Option<String>,
    pub link: Option<String>,
    pub severity: Option<String>,
    pub affected_versions: String,
    pub versions: Vec<String>,
}

/// A recalled version the account's licence covers.
pub struct AffectingRecall {
    pub package: String,
    pub version: String,
    pub reason: String,
}

/// The advisories and recalls that touch versions `account` may install, by package name.
pub fn affecting(
    snapshot: &crate::snapshot::Snapshot,
    account: &crate::snapshot::AccountEntry,
) -> (Vec<AffectingAdvisory>, Vec<AffectingRecall>) {
    let (mut advisories, mut recalls) = (Vec::new(), Vec::new());
    let marked = snapshot
        .packages
        .iter()
        .filter(|(_, p)| !p.marks.advisories.is_empty() || !p.marks.recalled.is_empty());
    for (name, package) in marked {
        let licence = crate::rules::combined(
            package
                .products
                .iter()
                .map(|&idx| snapshot.product_licence(account, idx)),
        );
        let Some(licence) = licence else {
            continue;
        };
        for a in &package.marks.advisories {
            let versions: Vec<String> = package
                .versions
                .iter()
                .filter(|v| licence.admits(v.released_on, &v.version_normalized).is_ok())
                .filter(|v| {
                    a.affected
                        .as_ref()
                        .is_some_and(|c| c.matches(&v.version_normalized))
                })
                .map(|v| v.version.clone())
                .collect();
            if !versions.is_empty() {
                advisories.push(AffectingAdvisory {
                    package: name.clone(),
                    advisory_id: a.advisory_id.clone(),
                    title: a.title.clone(),
                    cve: a.cve.clone(),
                    link: a.link.clone(),
                    severity: a.severity.clone(),
                    affected_versions: a.affected_versions.clone(),
                    versions,
                });
            }
        }
        for r in package
            .marks
            .recalled
            .iter()
            .filter(|r| licence.admits(r.released_on, &r.version_normalized).is_ok())
        {
            recalls.push(AffectingRecall {
                package: name.clone(),
                version: r.version.clone(),
                reason: r.reason.clone(),
            });
        }
    }
    advisories.sort_by(|a, b| (&a.package, &a.advisory_id).cmp(&(&b.package, &b.advisory_id)));
    recalls.sort_by(|a, b| (&a.package, &a.version).cmp(&(&b.package, &b.version)));
    (advisories, recalls)
}
