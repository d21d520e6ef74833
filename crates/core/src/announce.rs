//! What Packyard announces to Composer beyond packages and versions (SPEC §12), in the wire
//! formats of Composer's `ComposerRepository` (read from composer/composer's sources; see
//! `reference/composer-protocol.md` §2 and §8):
//!
//! - root `security-advisories`: `{"metadata": true, "api-url": <absolute URL>}` — `metadata`
//!   lets the summary audit after an update read the partial entries of the p2 files, the
//!   api answers `composer audit` with full entries. Composer 2.5.5 does not canonicalize
//!   the api url, so it is absolute.
//! - root `filter` (Composer 2.10 filter lists): our list [`RECALL_LIST`] enabled, read from
//!   the p2 files (`metadata: true`, no summary or api url); p2 `filter` holds
//!   `{"recalled": [{"constraint", "reason", "id"}]}`, the package being implicit.
//! - root `list`, `search`, `providers-api` for discovery, answered per account.
//! - root `infos` / `warnings`: the operator's notices, each with the Composer versions it is
//!   for (`versions` is required by Composer ≥ 2.2).

use packyard_store::package_marks::Notice;
use serde_json::{Map, Value, json};

use crate::marks::{PackageMarks, RECALL_LIST};

/// Where Composer POSTs `packages[]=…` for full advisories (outside `/api`, which is the
/// operators' admin API).
pub const ADVISORY_API_PATH: &str = "/security-advisories";

/// Adds the advisory, filter-list, discovery and notice keys to a root document; true when
/// it carries a notice (such roots are never answered 304, so every run shows it).
pub fn root_extras(doc: &mut Value, public_url: &str, notices: &[Notice]) -> bool {
    let Some(root) = doc.as_object_mut() else {
        return false;
    };
    root.insert(
        "security-advisories".into(),
        json!({"metadata": true, "api-url": format!("{public_url}{ADVISORY_API_PATH}")}),
    );
    root.insert(
        "filter".into(),
        json!({"metadata": true, "lists": { RECALL_LIST: {"enabled": true} }}),
    );
    root.insert(
        "list".into(),
        Value::from(format!("{public_url}/packages/list.json")),
    );
    root.insert(
        "search".into(),
        Value::from(format!("{public_url}/search.json?q=%query%&type=%type%")),
    );
    root.insert(
        "providers-api".into(),
        Value::from(format!("{public_url}/providers/%package%.json")),
    );
    for (kind, key) in [("info", "infos"), ("warning", "warnings")] {
        let messages: Vec<Value> = notices
            .iter()
            .filter(|n| n.kind == kind)
            .map(|n| json!({"message": n.message, "versions": n.versions}))
            .collect();
        if !messages.is_empty() {
            root.insert(key.into(), Value::Array(messages));
        }
    }
    !notices.is_empty()
}

/// Adds a package's advisories (partial entries) and recalls (filter list) to its p2 file.
/// `security-advisories` is always there, `[]` when there are none, so Composer's summary
/// audit does not ask the api about a package whose file already answered.
pub fn p2_marks(doc: &mut Map<String, Value>, marks: &PackageMarks) {
    doc.insert("security-advisories".into(), marks.partial_advisories());
    if let Some(filter) = marks.filter() {
        doc.insert("filter".into(), filter);
    }
}

#[cfg(test)]
mod tests;
