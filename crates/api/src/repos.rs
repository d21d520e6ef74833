//! Git repositories (SPEC §11): `/api/v1/repos…` and the push webhook `/api/hooks/{id}`.
//! `packyard_core::git::registry::describe` builds the JSON the CLI and the back office show;
//! these types are its schema, read back from that JSON so both never drift apart.

use serde::{Deserialize, Deserializer, Serialize};
use utoipa::ToSchema;

use crate::macros::list;

#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct NewRepo {
    pub url: String,
    pub name: Option<String>,
    /// The webhook secret (longer than 64 bytes); omitted: one is generated and returned.
    pub secret: Option<String>,
}

/// A ref that was skipped or is in conflict, with the reason.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct RepoRef {
    #[serde(rename = "ref")]
    pub ref_name: String,
    pub commit: Option<String>,
    pub upstream_commit: Option<String>,
    pub reason: Option<String>,
}

/// A ref that became a version.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct RepoVersion {
    #[serde(rename = "ref")]
    pub ref_name: String,
    pub package: Option<String>,
    pub version: Option<String>,
    pub commit: Option<String>,
}

/// A repository and its last sync; `show` adds its refs, `create` the generated secret.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct RepoView {
    pub id: i64,
    pub name: String,
    /// The URL without credentials.
    pub url: String,
    pub webhook_url: String,
    /// RFC 3339.
    pub created_at: Option<String>,
    /// RFC 3339.
    pub last_sync_at: Option<String>,
    pub last_sync_error: Option<String>,
    /// What the last sync did (versions published, refs skipped, conflicts).
    #[schema(value_type = Object)]
    pub last_sync: serde_json::Value,
    pub sync_pending: bool,
    /// A generated webhook secret, in the answer that registered the repository only (null
    /// there when the operator gave the secret).
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "present"
    )]
    pub secret: Option<Option<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub skipped: Option<Vec<RepoRef>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub conflicts: Option<Vec<RepoRef>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub versions: Option<Vec<RepoVersion>>,
}

/// A field that is there reads as `Some`, null included: `"secret": null` (the operator gave
/// the secret) stays apart from no `secret` at all (not a registration answer).
fn present<'de, D: Deserializer<'de>>(field: D) -> Result<Option<Option<String>>, D::Error> {
    Option::<String>::deserialize(field).map(Some)
}

impl RepoView {
    /// Reads the description `packyard_core::git::registry` built.
    pub fn from_description(described: serde_json::Value) -> Result<RepoView, serde_json::Error> {
        serde_json::from_value(described)
    }
}

list!(RepoList, repos: RepoView);

/// A sync queued for a repository.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct SyncQueued {
    pub id: i64,
    pub queued: bool,
    pub webhook_url: String,
}

/// The answer to a verified push webhook.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct HookAnswer {
    pub ok: bool,
    /// False for GitHub's ping, which only checks the signature.
    pub queued: bool,
    /// The host recognised from the signature header.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub provider: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::RepoView;
    use serde_json::json;

    fn read_back(secret: Option<serde_json::Value>) -> serde_json::Value {
        let mut answer = json!({
            "id": 1, "name": "tool", "url": "/srv/tool.git",
            "webhook_url": "https://repo.example.test/api/hooks/1", "created_at": null,
            "last_sync_at": null, "last_sync_error": null, "last_sync": null,
            "sync_pending": false,
        });
        if let Some(secret) = secret {
            answer["secret"] = secret;
        }
        let view: RepoView = serde_json::from_value(answer).unwrap();
        serde_json::to_value(view).unwrap()
    }

    #[test]
    fn a_registration_answer_keeps_its_secret_null_or_not() {
        assert_eq!(read_back(Some(json!(null)))["secret"], json!(null));
        assert!(read_back(Some(json!(null))).get("secret").is_some());
        assert_eq!(read_back(Some(json!("s3cret")))["secret"], "s3cret");
        assert!(read_back(None).get("secret").is_none());
    }
}
