//! Advisories, abandoned packages, recalled versions and notices (SPEC §12):
//! `/api/v1/advisories…`, `/api/v1/packages/…/abandoned`, `…/recall`, `/api/v1/notices…`.

use packyard_store::advisories::Advisory;
use packyard_store::package_marks::{Notice, Recall};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use packyard_store::timestamps::rfc3339_text;

#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct NewAdvisoryBody {
    /// The affected package, e.g. acme/module-sales.
    pub package: String,
    /// A Composer constraint, e.g. "<1.4.2".
    pub affected_versions: String,
    pub title: String,
    /// e.g. CVE-2026-12345.
    pub cve: Option<String>,
    /// An http(s) URL describing the issue.
    pub link: Option<String>,
    /// low, medium, high or critical.
    pub severity: Option<String>,
    /// YYYY-MM-DD; today when absent.
    pub reported_at: Option<String>,
}

/// An advisory as operators see it (withdrawn ones included).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct AdvisoryView {
    /// e.g. PKSA-2026-0001.
    pub advisory_id: String,
    pub package_name: String,
    pub affected_versions: String,
    pub title: String,
    pub link: Option<String>,
    pub cve: Option<String>,
    pub severity: Option<String>,
    /// RFC 3339.
    pub reported_at: String,
    /// RFC 3339, when withdrawn.
    pub withdrawn_at: Option<String>,
}

impl From<Advisory> for AdvisoryView {
    fn from(a: Advisory) -> Self {
        AdvisoryView {
            reported_at: rfc3339_text(a.reported_at),
            withdrawn_at: a.withdrawn_at.map(rfc3339_text),
            advisory_id: a.advisory_id,
            package_name: a.package_name,
            affected_versions: a.affected_versions,
            title: a.title,
            link: a.link,
            cve: a.cve,
            severity: a.severity,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct AdvisoryList {
    pub advisories: Vec<AdvisoryView>,
}

#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct AbandonBody {
    /// The package to use instead.
    pub replacement: Option<String>,
}

/// A package's abandoned mark after a change.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct AbandonedView {
    pub name: String,
    pub abandoned: bool,
    pub replacement: Option<String>,
}

#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct RecallBody {
    /// Why, in one line customers will read.
    pub reason: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct RecallView {
    pub name: String,
    pub version: String,
    pub reason: String,
    /// RFC 3339.
    pub recalled_at: String,
}

impl From<Recall> for RecallView {
    fn from(r: Recall) -> Self {
        RecallView {
            recalled_at: rfc3339_text(r.recalled_at),
            name: r.name,
            version: r.version,
            reason: r.reason,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct RecallList {
    pub recalls: Vec<RecallView>,
}

#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct NoticeBody {
    pub message: String,
    /// Composer versions the message is for, e.g. "<2.7"; all when absent.
    pub versions: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct NoticeView {
    /// info or warning.
    pub kind: String,
    pub message: String,
    pub versions: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct NoticeList {
    pub notices: Vec<NoticeView>,
}

impl From<Notice> for NoticeView {
    fn from(n: Notice) -> Self {
        NoticeView {
            kind: n.kind,
            message: n.message,
            versions: n.versions,
        }
    }
}
