//! Building and publishing the version of one ref: read the commit's composer.json, decide
//! the version by Composer's rules, zip the tree deterministically and store it. Runs the
//! git work on a blocking thread; the outcome is either a published version or the reason
//! the ref was skipped (or, for a tag whose version exists with other bytes, a conflict).

use std::path::Path;

use packyard_composer::archive::ZipLimits;
use packyard_composer::name::validate_package_name;
use packyard_composer::vcs_versions::{RefVersion, branch_version, tag_version};
use packyard_store::StoreError;
use packyard_vcs::VcsError;
use packyard_vcs::tree::Mirror;
use serde_json::{Map, Value};

use super::SyncContext;
use crate::publish::{PublishError, StoredManifest, store_version};

/// What became of one ref.
pub enum Built {
    Published { package: String, version: String },
    Skipped(String),
    Conflict(String),
}

/// Why a ref could not be built (the sync reports it and retries the ref next time).
#[derive(Debug, thiserror::Error)]
pub enum BuildError {
    /// Reading the mirror or zipping failed.
    #[error(transparent)]
    Vcs(#[from] VcsError),
    /// The blocking task building the ref panicked or was cancelled.
    #[error("building {ref_name} stopped: {reason}")]
    Stopped { ref_name: String, reason: String },
    #[error(transparent)]
    Publish(#[from] PublishError),
}

/// A ref after the git work: ready to publish, or the reason it is not a version.
pub enum Readiness {
    Ready(Prepared),
    Skipped(String),
}

/// A ref ready to publish: everything the blocking git work produced.
pub struct Prepared {
    package: String,
    version: RefVersion,
    json: Map<String, Value>,
    committed_at: i64,
    zip: Vec<u8>,
}

/// Reads and zips `ref_name` at `commit` from the mirror at `mirror` on a blocking thread
/// (several refs may be prepared at once), within the archive `limits`.
pub async fn prepare_ref(
    mirror: &Path,
    ref_name: &str,
    commit: &str,
    limits: &ZipLimits,
) -> Result<Readiness, BuildError> {
    let (mirror, name, id, limits) = (
        mirror.to_path_buf(),
        ref_name.to_string(),
        commit.to_string(),
        limits.clone(),
    );
    let prepared = tokio::task::spawn_blocking(move || prepare(&mirror, &name, &id, &limits))
        .await
        .map_err(|e| BuildError::Stopped {
            ref_name: ref_name.to_string(),
            reason: e.to_string(),
        })?;
    match prepared {
        Ok(p) => Ok(Readiness::Ready(p)),
        Err(Skip::Reason(reason)) => Ok(Readiness::Skipped(reason)),
        Err(Skip::Fatal(e)) => Err(e.into()),
    }
}

/// Stores a prepared ref's archive and version. Refs are published one at a time: the
/// database serialises writers anyway, and SQLite refuses a write transaction whose read
/// snapshot went stale under a concurrent writer.
pub async fn publish_ref(
    ctx: &SyncContext,
    ref_name: &str,
    prepared: Readiness,
) -> Result<Built, BuildError> {
    let p = match prepared {
        Readiness::Ready(p) => p,
        Readiness::Skipped(reason) => return Ok(Built::Skipped(reason)),
    };
    let is_branch = ref_name.starts_with("refs/heads/");
    let manifest = StoredManifest {
        name: &p.package,
        version: &p.version.version,
        version_normalized: &p.version.normalized,
        json: &p.json,
        released_at: p.committed_at,
    };
    match store_version(
        &ctx.db, &ctx.blobs, &manifest, &p.zip, &ctx.actor, is_branch,
    )
    .await
    {
        Ok(_) => Ok(Built::Published {
            package: p.package,
            version: p.version.version,
        }),
        Err(PublishError::Store(StoreError::Conflict(m))) => Ok(Built::Conflict(m)),
        // An archive an upload would refuse is a reason to skip the ref, not a failed sync.
        Err(e @ (PublishError::Archive(_) | PublishError::Time(_))) => {
            Ok(Built::Skipped(e.to_string()))
        }
        Err(e) => Err(e.into()),
    }
}

enum Skip {
    /// The ref is not a version; shown to operators.
    Reason(String),
    /// Reading the mirror failed; the sync reports an error and retries the ref next time.
    Fatal(VcsError),
}

fn prepare(
    mirror: &Path,
    ref_name: &str,
    commit: &str,
    limits: &ZipLimits,
) -> Result<Prepared, Skip> {
    let fatal = Skip::Fatal;
    let mirror = Mirror::open(mirror).map_err(fatal)?;
    let info = mirror.commit_info(commit).map_err(fatal)?;
    let Some(text) = mirror.read_file(commit, "composer.json").map_err(fatal)? else {
        return Err(Skip::Reason(
            "no composer.json at the root of the commit".into(),
        ));
    };
    let json = parse_composer_json(&text).map_err(Skip::Reason)?;
    let package = match json.get("name") {
        Some(Value::String(n)) => n.clone(),
        _ => return Err(Skip::Reason("composer.json has no \"name\"".into())),
    };
    validate_package_name(&package).map_err(|e| Skip::Reason(format!("composer.json: {e}")))?;
    let version = if let Some(tag) = ref_name.strip_prefix("refs/tags/") {
        let declared = json.get("version").and_then(Value::as_str);
        tag_version(tag, declared)
    } else {
        branch_version(ref_name.strip_prefix("refs/heads/").unwrap_or(ref_name))
    }
    .map_err(|e| Skip::Reason(e.to_string()))?;
    // Over the operator's archive limits: the ref is refused with the reason, like an upload.
    let zip = mirror.build_zip(commit, limits).map_err(|e| match e {
        VcsError::TooLarge { .. } => Skip::Reason(e.to_string()),
        e => Skip::Fatal(e),
    })?;
    Ok(Prepared {
        package,
        version,
        json,
        committed_at: info.committed_at,
        zip,
    })
}

fn parse_composer_json(text: &[u8]) -> Result<Map<String, Value>, String> {
    let text = text.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(text);
    match serde_json::from_slice(text) {
        Ok(Value::Object(map)) => Ok(map),
        Ok(_) => Err("composer.json is not a JSON object".into()),
        Err(e) => Err(format!("composer.json is not valid JSON: {e}")),
    }
}
