//! Packages and releases: `/api/v1/packages…`, `/api/v1/releases…` (and the original
//! `/api/packages`, `/api/releases/…`).

use packyard_store::packages::{PackageVersion, PublishOutcome};
pub use packyard_store::releases::Release as ReleaseView;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::macros::list;

/// A published version; a package's page adds its installs.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct VersionView {
    #[serde(flatten)]
    pub row: PackageVersion,
    /// Installs reported by Composer (in `GET /api/v1/packages/{vendor}/{name}` only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub installs: Option<i64>,
}

impl From<PackageVersion> for VersionView {
    fn from(row: PackageVersion) -> Self {
        VersionView {
            row,
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

list!(ReleaseList, releases: ReleaseView);

/// What a release upload did.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct ReleaseAdded {
    pub release: ReleaseView,
    /// added, or unchanged (the same file was there already).
    pub outcome: String,
}
