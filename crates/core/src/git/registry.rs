//! Registering repositories and describing them, shared by the CLI, the admin API and the
//! back office so all three say the same thing: the webhook URL, the URL without
//! credentials, the last sync and every skipped ref and conflict.

use chrono::{DateTime, Utc};
use packyard_store::repo_refs::{GitRef, RefState};
use packyard_store::repos::GitRepo;
use packyard_store::{Db, StoreError};
use packyard_vcs::remote::{GitSettings, Remote};
use serde_json::{Value, json};

use super::hooks::{GENERATED_SECRET_LEN, hook_key};

/// A newly registered repository and, when one was generated, its webhook secret (shown
/// once: only its hash is kept).
pub struct Added {
    pub repo: GitRepo,
    pub generated_secret: Option<String>,
}

/// Registers `url` (named `name`, default: the URL's last path segment); `queue_sync` queues
/// its first import for the servers' workers (the CLI runs it itself, with a progress bar).
/// `secret`: the webhook secret to use, else one is generated. `git`: how git is run to
/// check that the repository can be read.
pub async fn add_repository(
    db: &Db,
    git: &GitSettings,
    url: &str,
    name: Option<&str>,
    secret: Option<&str>,
    queue_sync: bool,
    actor: &str,
) -> Result<Added, StoreError> {
    let url = url.trim();
    if url.is_empty() {
        return Err(StoreError::Invalid(
            "give the repository's URL (https://, ssh://, git@host:path, git:// or a local path)"
                .into(),
        ));
    }
    let name = match name.map(str::trim).filter(|n| !n.is_empty()) {
        Some(n) => n.to_string(),
        None => default_name(url),
    };
    // Refuse what cannot be read now (typo, missing credentials) rather than register it.
    let remote = Remote::new(url);
    let (probe, settings) = (remote.clone(), git.clone());
    let listed = tokio::task::spawn_blocking(move || probe.list_refs(&settings))
        .await
        .map_err(|e| StoreError::Invalid(e.to_string()))?;
    if let Err(e) = listed {
        return Err(StoreError::Invalid(format!(
            "cannot read the repository at {}: {e}",
            remote.display_url()
        )));
    }
    let generated = secret
        .is_none()
        .then(|| packyard_store::secret::random_alphanumeric(GENERATED_SECRET_LEN));
    let key = hook_key(secret.or(generated.as_deref()).unwrap_or_default())
        .map_err(|e| StoreError::Invalid(e.to_string()))?;
    let mut repo = db.add_repo(&name, url, &key, actor).await?;
    if queue_sync {
        db.request_repo_sync(repo.id).await?;
        repo = db.repo(repo.id).await?;
    }
    Ok(Added {
        repo,
        generated_secret: generated,
    })
}

fn default_name(url: &str) -> String {
    let path = url.trim_end_matches('/').trim_end_matches(".git");
    path.rsplit(['/', ':'])
        .next()
        .filter(|s| !s.is_empty())
        .unwrap_or(path)
        .to_string()
}

pub fn webhook_url(public_url: &str, id: i64) -> String {
    format!("{public_url}/api/hooks/{id}")
}

fn rfc3339(t: Option<i64>) -> Value {
    t.and_then(|t| DateTime::<Utc>::from_timestamp(t, 0))
        .map_or(Value::Null, |t| Value::from(t.to_rfc3339()))
}

/// A repository as the CLI's `--json`, the admin API and the back office show it.
pub fn describe(repo: &GitRepo, public_url: &str) -> Value {
    let summary: Value = repo
        .last_sync_summary
        .as_deref()
        .and_then(|s| serde_json::from_str(s).ok())
        .unwrap_or(Value::Null);
    json!({
        "id": repo.id,
        "name": repo.name,
        "url": Remote::new(&repo.url).display_url(),
        "webhook_url": webhook_url(public_url, repo.id),
        "created_at": rfc3339(Some(repo.created_at)),
        "last_sync_at": rfc3339(repo.last_sync_at),
        "last_sync_error": repo.last_sync_error,
        "last_sync": summary,
        "sync_pending": repo.sync_pending(),
    })
}

/// [`describe`] plus every ref, with skipped refs and conflicts listed with their reasons.
pub fn describe_with_refs(repo: &GitRepo, refs: &[GitRef], public_url: &str) -> Value {
    let mut out = describe(repo, public_url);
    let pick = |state: RefState| -> Vec<Value> {
        refs.iter()
            .filter(|r| r.state == state)
            .map(|r| json!({ "ref": r.ref_name, "commit": r.commit, "upstream_commit": r.upstream_commit, "reason": r.reason }))
            .collect()
    };
    out["skipped"] = Value::from(pick(RefState::Skipped));
    out["conflicts"] = Value::from(pick(RefState::Conflict));
    out["versions"] = refs
        .iter()
        .filter(|r| r.state != RefState::Skipped)
        .map(|r| json!({ "ref": r.ref_name, "package": r.package, "version": r.version, "commit": r.commit }))
        .collect();
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn names_come_from_the_url() {
        let cases = [
            (
                "https://git.example.com/acme/module-sales.git",
                "module-sales",
            ),
            ("git@github.com:acme/x.git", "x"),
            ("/srv/git/tools/", "tools"),
        ];
        for (url, name) in cases {
            assert_eq!(super::default_name(url), name, "{url}");
        }
    }
}
