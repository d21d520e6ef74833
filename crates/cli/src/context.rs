//! Opening the state every command acts on, from the global flags. Only `serve`, `migrate`
//! and `restore` may create a new data directory; every other command refuses a directory
//! that holds no Packyard data and names the one it looked at, so a typo in `--data-dir` (or
//! running in the wrong folder) never silently starts an empty installation.

use std::path::Path;

use anyhow::{Context, Result, bail};
use packyard_blobs::BlobStore;
use packyard_core::git::GitSettings;
use packyard_core::upstream::secrets::SecretsKey;
use packyard_store::{Db, PoolSettings};

use crate::args::Global;

/// The actor recorded in the audit log for command-line changes.
pub const CLI_ACTOR: &str = "cli";

/// The embedded database file inside a data directory.
pub const SQLITE_FILE: &str = "packyard.sqlite3";

/// Opens the database of an existing installation.
pub async fn open_db(global: &Global) -> Result<Db> {
    if global.database_url.is_none() {
        require_data_dir(&global.data_dir)?;
    }
    open_db_with(global, &PoolSettings::default()).await
}

/// Refuses a data directory without Packyard's database in it.
pub fn require_data_dir(dir: &Path) -> Result<()> {
    if !dir.join(SQLITE_FILE).is_file() {
        bail!(
            "no Packyard data in {} (looked for {SQLITE_FILE}); pass --data-dir or set PACKYARD_DATA_DIR to your installation's directory, or start one with 'packyard serve'",
            absolute(dir).display()
        );
    }
    Ok(())
}

fn absolute(dir: &Path) -> std::path::PathBuf {
    std::path::absolute(dir).unwrap_or_else(|_| dir.to_path_buf())
}

/// Opens the database, creating the embedded one (and its directory) if needed: for
/// `serve`, `migrate` and `restore` only.
pub async fn open_db_creating(global: &Global) -> Result<Db> {
    open_db_with(global, &PoolSettings::default()).await
}

/// [`open_db_creating`] with explicit pool settings (`packyard serve` sets how long to wait).
pub async fn open_db_with(global: &Global, pools: &PoolSettings) -> Result<Db> {
    match &global.database_url {
        Some(url) => Db::connect_with(url, true, pools)
            .await
            .with_context(|| format!("cannot open database {}", redact(url))),
        None => Db::open_data_dir_with(&global.data_dir, pools)
            .await
            .with_context(|| format!("cannot open the database in {}", global.data_dir.display())),
    }
}

/// Opens artifact storage; the default (inside the data directory) must already exist
/// unless `create` is set.
pub fn open_blobs_in(global: &Global, create: bool) -> Result<BlobStore> {
    let url = match &global.storage_url {
        Some(u) => u.clone(),
        None if create => {
            let dir = global.data_dir.join("artifacts");
            std::fs::create_dir_all(&dir)
                .with_context(|| format!("cannot create {}", dir.display()))?;
            dir.display().to_string()
        }
        None => {
            if !global.data_dir.is_dir() {
                bail!(
                    "no Packyard data directory at {} (artifacts are stored there); pass --data-dir or --storage-url",
                    absolute(&global.data_dir).display()
                );
            }
            global.data_dir.join("artifacts").display().to_string()
        }
    };
    Ok(BlobStore::from_url_with_timeout(
        &url,
        global.storage_timeout,
    )?)
}

pub fn open_blobs(global: &Global) -> Result<BlobStore> {
    open_blobs_in(global, false)
}

/// How git is run, from the environment the operator sets: `PACKYARD_GIT` (the program),
/// `PACKYARD_GIT_USERNAME` / `PACKYARD_GIT_PASSWORD` (for https URLs without credentials),
/// `PACKYARD_GIT_SSH_KEY` and `PACKYARD_GIT_SSH_KNOWN_HOSTS`.
pub fn git_settings() -> GitSettings {
    let var = |name: &str| std::env::var(name).ok();
    GitSettings {
        program: var("PACKYARD_GIT"),
        basic: var("PACKYARD_GIT_USERNAME")
            .map(|user| (user, var("PACKYARD_GIT_PASSWORD").unwrap_or_default())),
        ssh_key: var("PACKYARD_GIT_SSH_KEY"),
        ssh_known_hosts: var("PACKYARD_GIT_SSH_KNOWN_HOSTS"),
    }
}

/// A database URL without its password, for messages.
pub fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(s), Some(at)) if at > s => {
            let creds = &url[s + 3..at];
            let user = creds.split(':').next().unwrap_or("");
            format!("{}{user}:***{}", &url[..s + 3], &url[at..])
        }
        _ => url.to_string(),
    }
}

pub fn parse_date(value: &str, what: &str) -> Result<chrono::NaiveDate> {
    packyard_store::timestamps::parse_day(value, what).map_err(anyhow::Error::msg)
}

/// An error whose details were already printed as the command's JSON document, so `main`
/// must not print a second one.
#[derive(Debug)]
pub struct Reported(pub String);

impl std::fmt::Display for Reported {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for Reported {}

/// Prints a listing or a record the backend answered: its JSON with `--json`, else the text
/// `render` makes of it.
pub fn show<T: serde::Serialize>(
    json: bool,
    answer: T,
    render: impl FnOnce(&T) -> String,
) -> Result<()> {
    let text = render(&answer);
    crate::render::print(json, &answer, text)
}

/// What a delete answers in JSON: `{ key: value, "deleted": true }`.
pub fn deleted(key: &str, value: &str) -> serde_json::Value {
    serde_json::json!({ key: value, "deleted": true })
}

/// The human report of a publish batch: one line per version published or skipped (name and
/// version), then the counts. Failures were printed as they happened.
pub fn publish_summary(
    published: &[serde_json::Value],
    skipped: &[serde_json::Value],
    failed: usize,
) -> String {
    let line = |verb: &str, v: &serde_json::Value, why: &str| {
        let name = v["name"].as_str().unwrap_or_default();
        let version = v["version"].as_str().unwrap_or_default();
        format!("{verb} {name} {version}{why}")
    };
    let mut lines: Vec<String> = published.iter().map(|v| line("published", v, "")).collect();
    lines.extend(
        skipped
            .iter()
            .map(|v| line("skipped", v, " (already published)")),
    );
    lines.push(format!(
        "published {}, skipped {} (already published), failed {failed}",
        published.len(),
        skipped.len()
    ));
    lines.join("\n")
}

/// The secrets key named by `--secrets-key-file`, if any.
pub fn secrets_key(global: &Global) -> Result<Option<SecretsKey>> {
    global
        .secrets_key_file
        .as_deref()
        .map(SecretsKey::from_file)
        .transpose()
        .context("cannot use the secrets key")
}
