//! Packages and releases: `/api/v1/packages…`, `/api/v1/releases…` (and the original
//! `/api/packages`, `/api/releases/…`).

use packyard_store::packages::{PackageVersion, PublishOutcome};
use packyard_store::releases::Release;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use packyard_store::timestamps::rfc3339_text as time;

/// A published version.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct VersionView {
    pub name: String,
    /// As published, e.g. 2.4.7-p1.
    pub version: String,
    pub version_normalized: String,
    /// RFC 3339: the release time `updates_until` compares.
    pub released_at: String,
    pub sha1: String,
    pub sha256: String,
    pub size: i64,
    /// RFC 3339.
    pub created_at: String,
    /// RFC 3339, when unlisted.
    pub unlisted_at: Option<String>,
    /// Who published it (unknown for versions published before this was recorded).
    pub published_by: Option<String>,
    /// Installs reported by Composer (in `GET /api/v1/packages/{vendor}/{name}` only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub installs: Option<i64>,
}

impl From<PackageVersion> for VersionView {
    fn from(v: PackageVersion) -> Self {
        VersionView {
            name: v.name,
            version: v.version,
            version_normalized: v.version_normalized,
            released_at: time(v.released_at),
            sha1: v.sha1,
            sha256: v.sha256,
            size: v.size,
            created_at: time(v.created_at),
            unlisted_at: v.unlisted_at.map(time),
            published_by: v.published_by,
            installs: None,
        }
    }
}

/// A package with its versions.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct PackageView {
    pub name: String,
    pub versions: Vec<VersionView>,
}

/// One page of packages in name order.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct PackagePage {
    pub packages: Vec<PackageView>,
    pub page: i64,
    pub per_page: i64,
    /// Packages in all pages.
    pub total: i64,
}

/// What an upload did.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Published {
    pub name: String,
    pub version: String,
    /// published, or unchanged (the identical archive was there already).
    pub outcome: String,
}

impl Published {
    pub fn new(name: String, version: String, outcome: PublishOutcome) -> Self {
        let outcome = match outcome {
            PublishOutcome::Published => "published",
            PublishOutcome::Unchanged => "unchanged",
        };
        Published {
            name,
            version,
            outcome: outcome.into(),
        }
    }
}

/// A release file.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct ReleaseView {
    pub file_name: String,
    /// ce-full, ee-full, ce-patch, ee-patch or other.
    #[serde(rename = "type")]
    pub kind: String,
    pub version: String,
    pub size: i64,
    pub md5: String,
    pub sha256: String,
    /// RFC 3339.
    pub created_at: String,
}

impl From<Release> for ReleaseView {
    fn from(r: Release) -> Self {
        ReleaseView {
            file_name: r.file_name,
            kind: r.kind,
            version: r.version,
            size: r.size,
            md5: r.md5,
            sha256: r.sha256,
            created_at: time(r.created_at),
        }
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct ReleaseList {
    pub releases: Vec<ReleaseView>,
}

/// What a release upload did.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct ReleaseAdded {
    pub release: ReleaseView,
    /// added, or unchanged (the same file was there already).
    pub outcome: String,
}
