//! Advisories, abandoned packages, recalled versions and notices (SPEC §12):
//! `/api/v1/advisories…`, `/api/v1/packages/…/abandoned`, `…/recall`, `/api/v1/notices…`.

pub use packyard_core::marks_input::AdvisoryDraft as NewAdvisoryBody;
pub use packyard_store::advisories::Advisory as AdvisoryView;
use packyard_store::package_marks::{Notice, Recall};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::macros::list;

list!(AdvisoryList, advisories: AdvisoryView);

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

list!(RecallList, recalls: Recall);

#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct NoticeBody {
    pub message: String,
    /// Composer versions the message is for, e.g. "<2.7"; all when absent.
    pub versions: Option<String>,
}

list!(NoticeList, notices: Notice);
