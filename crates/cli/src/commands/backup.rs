//! `packyard backup --to DIR` and `packyard restore --from DIR` (SPEC §10).
//!
//! A backup is taken while servers run: first the database, as of one commit (`VACUUM
//! INTO`), then the artifacts. Artifacts are content-addressed and written before the rows
//! that name them, so every archive the copied database refers to already exists when the
//! files are copied; archives added later are copied too and are merely unreferenced.
//! `backup.json` is written last: a directory without it is an unfinished backup, and
//! restore refuses it. Restore builds the new data directory beside the target and renames
//! it into place, so an interrupted restore leaves no half-filled data directory.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use serde_json::json;

use crate::args::{BackupArgs, Global, RestoreArgs};
use crate::context::{SQLITE_FILE, open_db, open_db_creating};
use crate::render::print;

const MANIFEST: &str = "backup.json";
const ARTIFACTS: &str = "artifacts";

/// Files and bytes copied.
#[derive(Default)]
struct Copied {
    files: u64,
    bytes: u64,
}

pub async fn backup(g: &Global, args: BackupArgs) -> Result<()> {
    if g.storage_url.is_some() {
        bail!(
            "backup copies artifacts from the data directory; with --storage-url, back up that storage with its own tools"
        );
    }
    let db = open_db(g).await?;
    ensure_empty(&args.to)?;
    std::fs::create_dir_all(&args.to)
        .with_context(|| format!("cannot create {}", args.to.display()))?;
    db.backup_into(&args.to.join(SQLITE_FILE)).await?;
    let (from, to) = (g.data_dir.join(ARTIFACTS), args.to.join(ARTIFACTS));
    let copied = tokio::task::spawn_blocking(move || copy_tree(&from, &to)).await??;
    let manifest = json!({
        "format": 1,
        "packyard": env!("CARGO_PKG_VERSION"),
        "created_at": packyard_store::timestamps::rfc3339_text(packyard_store::now()),
        "database": SQLITE_FILE,
        "artifacts": { "files": copied.files, "bytes": copied.bytes },
    });
    write_synced(&args.to.join(MANIFEST), manifest.to_string().as_bytes())?;
    print(
        g.json,
        &json!({ "backup": args.to.display().to_string(), "manifest": manifest }),
        format!(
            "backup written to {}: database and {} artifacts ({} bytes)",
            args.to.display(),
            copied.files,
            copied.bytes
        ),
    )
}

pub async fn restore(g: &Global, args: RestoreArgs) -> Result<()> {
    if g.database_url.is_some() || g.storage_url.is_some() {
        bail!("restore fills an embedded data directory; give --data-dir only");
    }
    if !args.from.join(MANIFEST).is_file() {
        bail!(
            "{} is not a complete Packyard backup (no {MANIFEST}; was the backup interrupted?)",
            args.from.display()
        );
    }
    ensure_empty(&g.data_dir)?;
    let staging = staging_dir(&g.data_dir)?;
    let (from, into) = (args.from.clone(), staging.clone());
    let copied = tokio::task::spawn_blocking(move || -> Result<Copied> {
        std::fs::create_dir_all(&into)?;
        let copied = copy_tree(&from.join(ARTIFACTS), &into.join(ARTIFACTS))?;
        copy_file(&from.join(SQLITE_FILE), &into.join(SQLITE_FILE))?;
        Ok(copied)
    })
    .await?;
    if let Err(e) = copied.as_ref() {
        let _ = std::fs::remove_dir_all(&staging);
        bail!("cannot restore from {}: {e:#}", args.from.display());
    }
    // rename(2) replaces an empty directory, so an empty target is fine too.
    std::fs::rename(&staging, &g.data_dir)
        .with_context(|| format!("cannot move the restored data to {}", g.data_dir.display()))?;
    let db = open_db_creating(g).await?;
    let accounts = db.accounts().await?.len();
    let copied = copied.unwrap_or_default();
    print(
        g.json,
        &json!({ "restored": g.data_dir.display().to_string(), "accounts": accounts, "artifacts": copied.files }),
        format!(
            "restored into {}: {accounts} accounts, {} artifacts; start it with 'packyard serve --data-dir {}'",
            g.data_dir.display(),
            copied.files,
            g.data_dir.display()
        ),
    )
}

/// Refuses a directory that exists and holds anything.
fn ensure_empty(dir: &Path) -> Result<()> {
    match std::fs::read_dir(dir).map(|mut entries| entries.next().is_none()) {
        Ok(false) => bail!(
            "{} is not empty; give a new or empty directory",
            dir.display()
        ),
        Ok(true) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
        Err(e) => Err(e).with_context(|| format!("cannot read {}", dir.display())),
    }
}

/// A fresh directory next to `target`, on the same file system so it can be renamed.
fn staging_dir(target: &Path) -> Result<PathBuf> {
    let name = target
        .file_name()
        .with_context(|| format!("{} has no directory name", target.display()))?;
    let parent = match target.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    std::fs::create_dir_all(&parent)
        .with_context(|| format!("cannot create {}", parent.display()))?;
    let mut staging = name.to_os_string();
    staging.push(format!(".restoring-{}", std::process::id()));
    Ok(parent.join(staging))
}

/// Copies every finished artifact under `from` to `to`. Temporary files of writes in
/// progress (names starting with `.`, the `tmp` upload folder) are skipped.
fn copy_tree(from: &Path, to: &Path) -> Result<Copied> {
    let mut copied = Copied::default();
    let mut pending = vec![(from.to_path_buf(), to.to_path_buf())];
    while let Some((src, dst)) = pending.pop() {
        let entries = match std::fs::read_dir(&src) {
            Ok(e) => e,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => continue,
            Err(e) => return Err(e).with_context(|| format!("cannot read {}", src.display())),
        };
        std::fs::create_dir_all(&dst)
            .with_context(|| format!("cannot create {}", dst.display()))?;
        for entry in entries {
            let entry = entry?;
            let name = entry.file_name();
            let skip = name.to_string_lossy().starts_with('.') || (src == from && name == "tmp");
            if skip {
                continue;
            }
            let kind = entry.file_type()?;
            if kind.is_dir() {
                pending.push((entry.path(), dst.join(&name)));
            } else if kind.is_file() {
                copied.bytes += copy_file(&entry.path(), &dst.join(&name))?;
                copied.files += 1;
            }
        }
    }
    Ok(copied)
}

/// Copies one file and flushes it to disk; returns its size.
fn copy_file(from: &Path, to: &Path) -> Result<u64> {
    let bytes = std::fs::copy(from, to)
        .with_context(|| format!("cannot copy {} to {}", from.display(), to.display()))?;
    std::fs::File::open(to)?.sync_all()?;
    Ok(bytes)
}

fn write_synced(path: &Path, bytes: &[u8]) -> Result<()> {
    std::fs::write(path, bytes).with_context(|| format!("cannot write {}", path.display()))?;
    std::fs::File::open(path)?.sync_all()?;
    Ok(())
}
