//! The storage interface the rest of Packyard uses ([`BlobStore`]): local disk or S3 behind
//! one set of calls (put, stage, get, read, presign, check), and the start-up sweep of what
//! interrupted local writes left behind.

use std::io;
use std::path::{Path, PathBuf};
use std::time::Duration;

use futures_util::StreamExt;
use tokio::io::{AsyncRead, AsyncReadExt, AsyncSeekExt, AsyncWriteExt};

use crate::digest::{UPLOAD_CHUNK, UploadDigest};
use crate::error::{BlobError, Result, io_err};
use crate::object::{ByteStream, unique_suffix, validate_key};
#[cfg(feature = "s3")]
use crate::s3::S3Store;
use crate::staging::{PendingFile, StagedObject, Staging};

/// How long one storage request may take before it counts as unavailable.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(10);

/// Chunk size when streaming from local disk. Larger chunks were no faster over loopback and
/// left the allocator holding more memory after a download (`bench/release-memory`: +12 MiB
/// at 256 KiB, +1 MiB at 64 KiB).
const READ_CHUNK: usize = 64 * 1024;

#[derive(Clone, Debug)]
pub enum BlobStore {
    Local {
        root: PathBuf,
    },
    #[cfg(feature = "s3")]
    S3(S3Store),
}

impl BlobStore {
    /// `file:///path`, a bare path, or `s3://bucket/prefix`.
    pub fn from_url(url: &str) -> Result<BlobStore> {
        BlobStore::from_url_with_timeout(url, DEFAULT_TIMEOUT)
    }

    /// Like [`BlobStore::from_url`], bounding each remote storage request by `timeout`.
    pub fn from_url_with_timeout(url: &str, timeout: Duration) -> Result<BlobStore> {
        if url.starts_with("s3://") {
            #[cfg(feature = "s3")]
            return Ok(BlobStore::S3(S3Store::from_url(url, timeout)?));
            #[cfg(not(feature = "s3"))]
            {
                let _ = timeout; // only remote storage has requests to bound
                return Err(BlobError::UnsupportedUrl(url.to_string()));
            }
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
            #[cfg(feature = "s3")]
            BlobStore::S3(_) => Err(BlobError::InvalidKey(key.to_string())),
        }
    }

    /// Stores `bytes` under `key` atomically. Writing an existing key is a no-op.
    pub async fn put(&self, key: &str, bytes: &[u8]) -> Result<()> {
        match self {
            BlobStore::Local { .. } => self.put_local(key, bytes).await,
            #[cfg(feature = "s3")]
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
            #[cfg(feature = "s3")]
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

    /// On local disk, deletes what writes interrupted by a crash left behind (the upload area
    /// `tmp/` and `.tmp-*` files beside objects) and returns how many files went. Run it at start,
    /// before serving: a write in progress elsewhere on the same directory would fail (and
    /// be retried by its client), never leave a damaged object.
    pub async fn sweep_temporaries(&self) -> Result<usize> {
        // In a bucket, `uploads/` may hold another node's write in progress: only
        // `storage gc`, which goes by age and leases, may remove what is there.
        let root = match self {
            BlobStore::Local { root } => root.clone(),
            #[cfg(feature = "s3")]
            BlobStore::S3(_) => return Ok(0),
        };
        tokio::task::spawn_blocking(move || sweep_dir(&root, false))
            .await
            .map_err(|e| BlobError::Io {
                path: "the temporary file sweep".into(),
                source: io::Error::other(e),
            })?
    }

    pub async fn get(&self, key: &str) -> Result<Vec<u8>> {
        #[cfg(feature = "s3")]
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
        #[cfg(feature = "s3")]
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
        #[cfg(not(feature = "s3"))]
        let _ = (key, file_name, expires_in);
        match self {
            BlobStore::Local { .. } => Ok(None),
            #[cfg(feature = "s3")]
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
            #[cfg(feature = "s3")]
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
