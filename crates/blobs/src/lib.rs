//! Artifact storage behind a small interface, so the rest of Packyard never touches paths.
//! Keys are content-addressed (`dists/ab/cd/<sha256>.zip`), so a key, once written, always
//! names the same bytes and writes of the same content are idempotent.
//!
//! Local disk is the only backend today (S3 is a later issue). Writes are crash-safe: bytes
//! go to a temporary file in the destination directory, are fsynced, then renamed into place,
//! so a reader (or a restart after `kill -9`) sees either the whole object or none.

use std::io;
use std::path::{Path, PathBuf};

use md5::Md5;
use sha2::{Digest, Sha256};
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWriteExt};

#[derive(Debug, thiserror::Error)]
pub enum BlobError {
    #[error("artifact {0} is missing from storage")]
    Missing(String),
    #[error("invalid artifact key {0:?}")]
    InvalidKey(String),
    #[error(
        "unsupported storage URL {0:?}: use a directory path or file:///path (S3 is not supported yet)"
    )]
    UnsupportedUrl(String),
    #[error("the upload is larger than the limit of {0} bytes")]
    TooLarge(u64),
    #[error("artifact storage I/O error on {path}: {source}")]
    Io { path: String, source: io::Error },
}

pub type Result<T, E = BlobError> = std::result::Result<T, E>;

/// What [`BlobStore::stage_stream`] stored.
#[derive(Clone, Debug)]
pub struct StoredObject {
    pub key: String,
    pub size: u64,
    pub md5: String,
    pub sha256: String,
}

/// A temporary file that is deleted when dropped, unless it was moved into place.
#[derive(Debug)]
struct PendingFile {
    path: PathBuf,
    installed: bool,
}

impl Drop for PendingFile {
    fn drop(&mut self) {
        if !self.installed {
            let _ = std::fs::remove_file(&self.path);
        }
    }
}

impl PendingFile {
    /// Renames the (fsynced) file to `dest` unless `dest` already exists, which for
    /// content-addressed keys means the same bytes are already stored.
    async fn install(mut self, dest: &Path) -> Result<()> {
        let dir = dest.parent().expect("keys always have a directory");
        tokio::fs::create_dir_all(dir).await.map_err(io_err(dir))?;
        if tokio::fs::try_exists(dest).await.map_err(io_err(dest))? {
            return Ok(());
        }
        tokio::fs::rename(&self.path, dest)
            .await
            .map_err(io_err(dest))?;
        self.installed = true;
        sync_dir(dir).await;
        Ok(())
    }
}

/// Bytes written to storage's upload area but not yet visible under their key. Dropping it
/// deletes the bytes.
#[derive(Debug)]
pub struct StagedObject {
    file: PendingFile,
    dest: PathBuf,
    object: StoredObject,
}

impl StagedObject {
    pub fn object(&self) -> &StoredObject {
        &self.object
    }

    /// Makes the object visible under its key (a no-op if identical bytes are already there).
    pub async fn commit(self) -> Result<StoredObject> {
        self.file.install(&self.dest).await?;
        Ok(self.object)
    }
}

#[derive(Clone, Debug)]
pub enum BlobStore {
    Local { root: PathBuf },
}

fn io_err(path: &Path) -> impl FnOnce(io::Error) -> BlobError + '_ {
    move |source| BlobError::Io {
        path: path.display().to_string(),
        source,
    }
}

/// The content-addressed key for an object with this sha256 (hex) and file extension.
pub fn content_key(kind: &str, sha256_hex: &str, extension: &str) -> String {
    format!(
        "{kind}/{}/{}/{sha256_hex}.{extension}",
        &sha256_hex[..2],
        &sha256_hex[2..4]
    )
}

impl BlobStore {
    /// `file:///path`, or a bare path.
    pub fn from_url(url: &str) -> Result<BlobStore> {
        if let Some(path) = url.strip_prefix("file://") {
            return Ok(BlobStore::Local {
                root: PathBuf::from(path),
            });
        }
        if url.contains("://") {
            return Err(BlobError::UnsupportedUrl(url.to_string()));
        }
        Ok(BlobStore::Local {
            root: PathBuf::from(url),
        })
    }

    fn path_of(&self, key: &str) -> Result<PathBuf> {
        let valid = !key.is_empty()
            && key
                .split('/')
                .all(|part| !part.is_empty() && part != "." && part != "..")
            && key
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"/._-".contains(&b));
        if !valid {
            return Err(BlobError::InvalidKey(key.to_string()));
        }
        let BlobStore::Local { root } = self;
        Ok(root.join(key))
    }

    /// Stores `bytes` under `key` atomically. Writing an existing key is a no-op.
    pub async fn put(&self, key: &str, bytes: &[u8]) -> Result<()> {
        let dest = self.path_of(key)?;
        if tokio::fs::try_exists(&dest).await.map_err(io_err(&dest))? {
            return Ok(());
        }
        let dir = dest.parent().expect("keys always have a directory");
        tokio::fs::create_dir_all(dir).await.map_err(io_err(dir))?;
        let tmp = PendingFile {
            path: dir.join(format!(".tmp-{}", unique_suffix())),
            installed: false,
        };
        let mut file = tokio::fs::File::create(&tmp.path)
            .await
            .map_err(io_err(&tmp.path))?;
        file.write_all(bytes).await.map_err(io_err(&tmp.path))?;
        file.sync_all().await.map_err(io_err(&tmp.path))?;
        drop(file);
        tmp.install(&dest).await
    }

    /// Streams `reader` into storage's upload area, hashing on the way, in constant memory,
    /// and stops before the object becomes visible under its content-addressed key
    /// (`kind/ab/cd/<sha256>.ext`): the caller looks at the hashes, then
    /// [`StagedObject::commit`]s it or drops it. More than `max_bytes` aborts the upload.
    pub async fn stage_stream<R: AsyncRead + Unpin>(
        &self,
        kind: &str,
        extension: &str,
        mut reader: R,
        max_bytes: u64,
    ) -> Result<StagedObject> {
        let BlobStore::Local { root } = self;
        let tmp_dir = root.join("tmp");
        tokio::fs::create_dir_all(&tmp_dir)
            .await
            .map_err(io_err(&tmp_dir))?;
        let tmp = PendingFile {
            path: tmp_dir.join(format!(".upload-{}", unique_suffix())),
            installed: false,
        };
        let path = tmp.path.clone();
        let mut file = tokio::fs::File::create(&path)
            .await
            .map_err(io_err(&path))?;
        let (mut md5, mut sha256, mut size) = (Md5::new(), Sha256::new(), 0u64);
        let mut buf = vec![0u8; 256 * 1024];
        loop {
            let n = reader.read(&mut buf).await.map_err(io_err(&path))?;
            if n == 0 {
                break;
            }
            size += n as u64;
            if size > max_bytes {
                return Err(BlobError::TooLarge(max_bytes));
            }
            md5.update(&buf[..n]);
            sha256.update(&buf[..n]);
            file.write_all(&buf[..n]).await.map_err(io_err(&path))?;
        }
        file.sync_all().await.map_err(io_err(&path))?;
        let sha256 = hex::encode(sha256.finalize());
        let key = content_key(kind, &sha256, extension);
        Ok(StagedObject {
            dest: self.path_of(&key)?,
            file: tmp,
            object: StoredObject {
                key,
                size,
                md5: hex::encode(md5.finalize()),
                sha256,
            },
        })
    }

    /// Deletes what writes interrupted by a crash left behind (the upload area `tmp/` and
    /// `.tmp-*` files beside objects) and returns how many files went. Run it at start,
    /// before serving: a write in progress elsewhere on the same directory would fail (and
    /// be retried by its client), never leave a damaged object.
    pub async fn sweep_temporaries(&self) -> Result<usize> {
        let BlobStore::Local { root } = self;
        let root = root.clone();
        tokio::task::spawn_blocking(move || sweep_dir(&root, false))
            .await
            .map_err(|e| BlobError::Io {
                path: "the temporary file sweep".into(),
                source: io::Error::other(e),
            })?
    }

    pub async fn get(&self, key: &str) -> Result<Vec<u8>> {
        let path = self.path_of(key)?;
        match tokio::fs::read(&path).await {
            Ok(bytes) => Ok(bytes),
            Err(e) if e.kind() == io::ErrorKind::NotFound => {
                Err(BlobError::Missing(key.to_string()))
            }
            Err(e) => Err(io_err(&path)(e)),
        }
    }

    /// Opens the object for streaming.
    pub async fn open(&self, key: &str) -> Result<tokio::fs::File> {
        let path = self.path_of(key)?;
        match tokio::fs::File::open(&path).await {
            Ok(f) => Ok(f),
            Err(e) if e.kind() == io::ErrorKind::NotFound => {
                Err(BlobError::Missing(key.to_string()))
            }
            Err(e) => Err(io_err(&path)(e)),
        }
    }
}

/// Removes temporary files under `dir` (every file when `all`, as in the upload area).
fn sweep_dir(dir: &Path, all: bool) -> Result<usize> {
    let entries = match std::fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(0),
        Err(e) => return Err(io_err(dir)(e)),
    };
    let mut removed = 0;
    for entry in entries {
        let entry = entry.map_err(io_err(dir))?;
        let path = entry.path();
        let kind = entry.file_type().map_err(io_err(&path))?;
        let temporary = all || entry.file_name().to_string_lossy().starts_with(".tmp-");
        if kind.is_dir() {
            removed += sweep_dir(&path, all || dir_is_upload_area(&path))?;
        } else if temporary {
            std::fs::remove_file(&path).map_err(io_err(&path))?;
            removed += 1;
        }
    }
    Ok(removed)
}

fn dir_is_upload_area(path: &Path) -> bool {
    path.file_name().is_some_and(|n| n == "tmp")
}

/// Makes the rename durable; best effort, since not every filesystem supports it.
async fn sync_dir(dir: &Path) {
    if let Ok(d) = tokio::fs::File::open(dir).await {
        let _ = d.sync_all().await;
    }
}

fn unique_suffix() -> String {
    let mut b = [0u8; 8];
    getrandom::fill(&mut b).expect("the operating system's random source failed");
    b.iter().map(|x| format!("{x:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn put_get_roundtrip_and_idempotent() {
        let dir = tempfile::tempdir().unwrap();
        let store = BlobStore::from_url(dir.path().to_str().unwrap()).unwrap();
        let key = content_key("dists", "abcdef0123", "zip");
        assert_eq!(key, "dists/ab/cd/abcdef0123.zip");
        store.put(&key, b"hello").await.unwrap();
        store.put(&key, b"hello").await.unwrap();
        assert_eq!(store.get(&key).await.unwrap(), b"hello");
        let leftovers: Vec<_> = std::fs::read_dir(dir.path().join("dists/ab/cd"))
            .unwrap()
            .collect();
        assert_eq!(leftovers.len(), 1, "no temporary files may remain");
        assert!(matches!(
            store.get("dists/zz.zip").await,
            Err(BlobError::Missing(_))
        ));
    }

    #[tokio::test]
    async fn streams_with_hashes_and_limits() {
        let dir = tempfile::tempdir().unwrap();
        let store = BlobStore::from_url(dir.path().to_str().unwrap()).unwrap();
        let obj = store
            .stage_stream("releases", "bin", &b"hello"[..], 10)
            .await
            .unwrap()
            .commit()
            .await
            .unwrap();
        assert_eq!(obj.size, 5);
        assert_eq!(obj.md5, "5d41402abc4b2a76b9719d911017c592");
        assert_eq!(
            obj.sha256,
            "2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824"
        );
        assert_eq!(store.get(&obj.key).await.unwrap(), b"hello");
        assert!(matches!(
            store
                .stage_stream("releases", "bin", &b"too long!!!"[..], 10)
                .await,
            Err(BlobError::TooLarge(10))
        ));
        let leftovers = std::fs::read_dir(dir.path().join("tmp")).unwrap().count();
        assert_eq!(leftovers, 0, "an aborted upload must leave nothing behind");
    }

    #[tokio::test]
    async fn sweeps_what_interrupted_writes_left() {
        let dir = tempfile::tempdir().unwrap();
        let store = BlobStore::from_url(dir.path().to_str().unwrap()).unwrap();
        let kept = content_key("dists", "abcdef0123", "zip");
        store.put(&kept, b"kept").await.unwrap();
        std::fs::create_dir_all(dir.path().join("tmp")).unwrap();
        std::fs::write(dir.path().join("tmp/.upload-1234"), b"half").unwrap();
        std::fs::write(dir.path().join("dists/ab/cd/.tmp-99"), b"half").unwrap();
        assert_eq!(store.sweep_temporaries().await.unwrap(), 2);
        assert_eq!(
            std::fs::read_dir(dir.path().join("tmp")).unwrap().count(),
            0
        );
        let beside: Vec<_> = std::fs::read_dir(dir.path().join("dists/ab/cd"))
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(beside, ["abcdef0123.zip"]);
        assert_eq!(store.get(&kept).await.unwrap(), b"kept");
        assert_eq!(store.sweep_temporaries().await.unwrap(), 0);
    }

    #[tokio::test]
    async fn rejects_traversal_keys_and_remote_urls() {
        let dir = tempfile::tempdir().unwrap();
        let store = BlobStore::from_url(dir.path().to_str().unwrap()).unwrap();
        for key in ["../x", "a/../../x", "/etc/passwd", "a//b", ""] {
            assert!(
                matches!(store.put(key, b"x").await, Err(BlobError::InvalidKey(_))),
                "{key}"
            );
        }
        assert!(matches!(
            BlobStore::from_url("s3://bucket/x"),
            Err(BlobError::UnsupportedUrl(_))
        ));
    }
}
