//! `explain` (SPEC §13): `/api/v1/accounts/{id}/explain` and `/api/v1/keys/{key}/explain`.

use packyard_core::explain::Explanation;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// The oldest release the asker does not see, and why.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct HiddenVersion {
    pub version: String,
    pub why: String,
}

/// Why an account or key can or cannot install a package, step by step.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct ExplanationView {
    pub package: String,
    pub version: Option<String>,
    pub can_install: bool,
    /// The deciding reason as a stable word: installable, unknown_key, unknown_account,
    /// key_disabled, account_closed, on_hold, unknown_package, unknown_version,
    /// not_entitled, outside_key_scope, cut_off_by_date or cut_off_by_constraint.
    pub reason: String,
    /// One sentence naming the reason.
    pub verdict: String,
    /// What was checked, in order.
    pub steps: Vec<String>,
    /// Versions the asker sees, newest release first.
    pub visible_versions: Vec<String>,
    pub first_hidden: Option<HiddenVersion>,
}

impl From<Explanation> for ExplanationView {
    fn from(e: Explanation) -> Self {
        // The reason's word is its serde name, the one place it is spelt.
        let reason = match serde_json::to_value(e.reason) {
            Ok(serde_json::Value::String(word)) => word,
            _ => format!("{:?}", e.reason),
        };
        ExplanationView {
            package: e.package,
            version: e.version,
            can_install: e.can_install,
            reason,
            verdict: e.verdict,
            steps: e.steps,
            visible_versions: e.visible_versions,
            first_hidden: e.first_hidden.map(|h| HiddenVersion {
                version: h.version,
                why: h.why,
            }),
        }
    }
}
