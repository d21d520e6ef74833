//! Artifact storage behind a small interface, so the rest of Packyard never touches paths.
//! Keys are content-addressed (`dists/ab/cd/<sha256>.zip`), so a key, once written, always
//! names the same bytes and writes of the same content are idempotent.
//!
//! Two backends: local disk (the embedded default) and S3-compatible object storage
//! ([`s3`], for several nodes). Local writes are crash-safe: bytes go to a temporary file in
//! the destination directory, are fsynced, then renamed into place, so a reader (or a restart
//! after `kill -9`) sees either the whole object or none. S3 gives the same guarantee with
//! conditional PUTs and completed uploads (see [`s3`]). [`inventory`] lists and deletes
//! objects for `packyard storage gc`.

pub mod inventory;
pub mod s3;

use std::io;
use std::path::{Path, PathBuf};
use std::time::Duration;

use bytes::Bytes;
use futures_util::StreamExt;
use futures_util::stream::BoxStream;

use md5::Md5;
use sha2::{Digest, Sha256};
use tokio::io::{AsyncRead, AsyncReadExt, AsyncSeekExt, AsyncWriteExt};

pub use inventory::ObjectInfo;
pub use s3::S3Store;

/// An object's bytes as they arrive from storage.
pub type ByteStream = BoxStream<'static, io::Result<Bytes>>;

/// How long one storage request may take before it counts as unavailable.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(10);

/// Chunk size when streaming from local disk. Larger chunks were no faster over loopback and
/// left the allocator holding more memory after a download (`bench/release-memory`: +12 MiB
/// at 256 KiB, +1 MiB at 64 KiB).
const READ_CHUNK: usize = 64 * 1024;

#[derive(Debug, thiserror::Error)]
pub enum BlobError {
    #[error("artifact {0} is missing from storage")]
    Missing(String),
    #[error("invalid artifact key {0:?}")]
    InvalidKey(String),
    #[error(
        "unsupported storage URL {0:?}: use a directory path, file:///path or s3://bucket/prefix"
    )]
    UnsupportedUrl(String),
    #[error("invalid object storage settings for {0}")]
    Config(String),
    #[error("object storage is unavailable: {0}")]
    Unavailable(String),
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

/// How much of an upload is read at a time.
const UPLOAD_CHUNK: usize = 256 * 1024;

/// The running hashes and size of an upload, which must stay within `max_bytes`.
struct UploadDigest {
    md5: Md5,
    sha256: Sha256,
    size: u64,
    max_bytes: u64,
}

impl UploadDigest {
    fn new(max_bytes: u64) -> UploadDigest {
        UploadDigest {
            md5: Md5::new(),
            sha256: Sha256::new(),
            size: 0,
            max_bytes,
        }
    }

    fn update(&mut self, chunk: &[u8]) -> Result<()> {
        self.size += chunk.len() as u64;
        if self.size > self.max_bytes {
            return Err(BlobError::TooLarge(self.max_bytes));
        }
        self.md5.update(chunk);
        self.sha256.update(chunk);
        Ok(())
    }

    /// What the upload is, under its content-addressed key.
    fn finish(self, kind: &str, extension: &str) -> StoredObject {
        let sha256 = hex::encode(self.sha256.finalize());
        StoredObject {
            key: content_key(kind, &sha256, extension),
            size: self.size,
            md5: hex::encode(self.md5.finalize()),
            sha256,
        }
    }
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
    staging: Staging,
    object: StoredObject,
}

#[derive(Debug)]
enum Staging {
    Local {
        file: PendingFile,
        dest: PathBuf,
    },
    S3 {
        store: S3Store,
        upload_key: Option<String>,
    },
}

impl Drop for Staging {
    fn drop(&mut self) {
        if let Staging::S3 { store, upload_key } = self
            && let Some(key) = upload_key.take()
            && let Ok(runtime) = tokio::runtime::Handle::try_current()
        {
            // Best effort; `packyard storage gc` collects what a crash leaves behind.
            let store = store.clone();
            runtime.spawn(async move { store.delete(&key).await });
        }
    }
}

impl StagedObject {
    pub fn object(&self) -> &StoredObject {
        &self.object
    }

    /// Makes the object visible under its key (a no-op if identical bytes are already there).
    pub async fn commit(mut self) -> Result<StoredObject> {
        match &mut self.staging {
            Staging::Local { file, dest } => {
                let file = std::mem::replace(
                    file,
                    PendingFile {
                        path: PathBuf::new(),
                        installed: true,
                    },
                );
                file.install(dest).await?;
            }
            Staging::S3 { store, upload_key } => {
                if let Some(upload) = upload_key.take() {
                    store.commit(&upload, &self.object.key).await?;
                }
            }
        }
        Ok(self.object.clone())
    }
}

#[derive(Clone, Debug)]
pub enum BlobStore {
    Local { root: PathBuf },
    S3(S3Store),
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
    /// `file:///path`, a bare path, or `s3://bucket/prefix`.
    pub fn from_url(url: &str) -> Result<BlobStore> {
        BlobStore::from_url_with_timeout(url, DEFAULT_TIMEOUT)
    }

    /// Like [`BlobStore::from_url`], bounding each remote storage request by `timeout`.
    pub fn from_url_with_timeout(url: &str, timeout: Duration) -> Result<BlobStore> {
        if url.starts_with("s3://") {
            return Ok(BlobStore::S3(S3Store::from_url(url, timeout)?));
        }
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
        validate_key(key)?;
        match self {
            BlobStore::Local { root } => Ok(root.join(key)),
            BlobStore::S3(_) => Err(BlobError::InvalidKey(key.to_string())),
        }
    }

    /// Stores `bytes` under `key` atomically. Writing an existing key is a no-op.
    pub async fn put(&self, key: &str, bytes: &[u8]) -> Result<()> {
        match self {
            BlobStore::Local { .. } => self.put_local(key, bytes).await,
            BlobStore::S3(s3) => {
                validate_key(key)?;
                s3.put(key, bytes).await
            }
        }
    }

    async fn put_local(&self, key: &str, bytes: &[u8]) -> Result<()> {
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
        let root = match self {
            BlobStore::Local { root } => root,
            BlobStore::S3(s3) => {
                let (upload_key, object) = s3.stage(kind, extension, reader, max_bytes).await?;
                return Ok(StagedObject {
                    staging: Staging::S3 {
                        store: s3.clone(),
                        upload_key: Some(upload_key),
                    },
                    object,
                });
            }
        };
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
        let mut digest = UploadDigest::new(max_bytes);
        let mut buf = vec![0u8; UPLOAD_CHUNK];
        loop {
            let n = reader.read(&mut buf).await.map_err(io_err(&path))?;
            if n == 0 {
                break;
            }
            digest.update(&buf[..n])?;
            file.write_all(&buf[..n]).await.map_err(io_err(&path))?;
        }
        file.sync_all().await.map_err(io_err(&path))?;
        let object = digest.finish(kind, extension);
        Ok(StagedObject {
            staging: Staging::Local {
                dest: self.path_of(&object.key)?,
                file: tmp,
            },
            object,
        })
    }

    pub async fn get(&self, key: &str) -> Result<Vec<u8>> {
        if let BlobStore::S3(s3) = self {
            validate_key(key)?;
            return s3.get(key).await;
        }
        let path = self.path_of(key)?;
        match tokio::fs::read(&path).await {
            Ok(bytes) => Ok(bytes),
            Err(e) if e.kind() == io::ErrorKind::NotFound => {
                Err(BlobError::Missing(key.to_string()))
            }
            Err(e) => Err(io_err(&path)(e)),
        }
    }

    /// Streams `len` bytes from `start` of the object (all of it when `range` is `None`).
    pub async fn read(&self, key: &str, range: Option<(u64, u64)>) -> Result<ByteStream> {
        if let BlobStore::S3(s3) = self {
            validate_key(key)?;
            return s3.read(key, range).await;
        }
        let mut file = self.open(key).await?;
        let Some((start, len)) = range else {
            return Ok(tokio_util::io::ReaderStream::with_capacity(file, READ_CHUNK).boxed());
        };
        file.seek(io::SeekFrom::Start(start))
            .await
            .map_err(io_err(&self.path_of(key)?))?;
        Ok(tokio_util::io::ReaderStream::with_capacity(file.take(len), READ_CHUNK).boxed())
    }

    /// A short-lived URL the client can fetch the object from directly, when the backend
    /// has one (S3); `None` for local disk.
    pub async fn presigned_url(
        &self,
        key: &str,
        file_name: &str,
        expires_in: Duration,
    ) -> Result<Option<String>> {
        match self {
            BlobStore::Local { .. } => Ok(None),
            BlobStore::S3(s3) => {
                validate_key(key)?;
                s3.presign(key, file_name, expires_in).await.map(Some)
            }
        }
    }

    /// Whether storage can be reached (for readiness checks).
    pub async fn check(&self) -> Result<()> {
        match self {
            BlobStore::Local { root } => {
                tokio::fs::create_dir_all(root).await.map_err(io_err(root))
            }
            BlobStore::S3(s3) => s3.check().await,
        }
    }

    /// Opens a local object for streaming.
    async fn open(&self, key: &str) -> Result<tokio::fs::File> {
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

/// Makes the rename durable; best effort, since not every filesystem supports it.
async fn sync_dir(dir: &Path) {
    if let Ok(d) = tokio::fs::File::open(dir).await {
        let _ = d.sync_all().await;
    }
}

/// Keys are relative, `/`-separated, without `.`/`..` segments, from a small alphabet.
fn validate_key(key: &str) -> Result<()> {
    let valid = !key.is_empty()
        && key
            .split('/')
            .all(|part| !part.is_empty() && part != "." && part != "..")
        && key
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"/._-".contains(&b));
    if valid {
        Ok(())
    } else {
        Err(BlobError::InvalidKey(key.to_string()))
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
    async fn rejects_traversal_keys_and_remote_urls() {
        let dir = tempfile::tempdir().unwrap();
        let store = BlobStore::from_url(dir.path().to_str().unwrap()).unwrap();
        for key in ["../x", "a/../../x", "/etc/passwd", "a//b", ""] {
            assert!(
                matches!(store.put(key, b"x").await, Err(BlobError::InvalidKey(_))),
                "{key}"
            );
        }
        for url in ["ftp://host/x", "s3://", "s3:///prefix"] {
            assert!(
                matches!(BlobStore::from_url(url), Err(BlobError::UnsupportedUrl(_))),
                "{url}"
            );
        }
        assert!(matches!(
            BlobStore::from_url("s3://bucket/some/prefix"),
            Ok(BlobStore::S3(_))
        ));
    }
}
