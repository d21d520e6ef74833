//! What the snapshot holds about a package besides its versions (SPEC §12): the operator's
//! advisories, abandonment and recalled versions, and the few manifest facts discovery
//! needs (description, type, what it provides). Everything Composer will read is prepared
//! here once per change, when the package is (re)loaded: each advisory's full JSON entry is
//! serialized at load time, so the advisory api only concatenates prepared text and never
//! touches the database or a serializer per request.
//!
//! Recalled versions are taken out of the package's listed versions when the marks are
//! applied (`snapshot::mark_rows`), so no account's metadata offers them (clients before
//! Composer 2.10 never choose them), and kept aside here for the filter list and the dist's
//! 410 answer.

use chrono::{DateTime, NaiveDate, Utc};
use packyard_composer::constraint::{self, VersionConstraint};
use packyard_store::advisories::Advisory;
use serde_json::{Value, json};

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

#[derive(Clone)]
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

#[derive(Clone)]
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
