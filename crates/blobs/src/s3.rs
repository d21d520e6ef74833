//! The S3-compatible backend (`s3://bucket/prefix`), for several stateless nodes sharing one
//! bucket. Configured by the standard AWS variables (`AWS_ACCESS_KEY_ID`,
//! `AWS_SECRET_ACCESS_KEY`, `AWS_REGION`, `AWS_ENDPOINT_URL`/`AWS_ENDPOINT`, `AWS_ALLOW_HTTP`).
//!
//! Visibility rules match the local backend: small objects are written with one conditional
//! PUT (`If-None-Match: *`) under their content-addressed key; streamed uploads go to a random
//! key under `uploads/` (multipart parts are invisible until the upload completes), are
//! hashed on the way, and only then copied to their content-addressed key. A refused upload
//! is aborted or deleted; whatever a crash leaves under `uploads/` is collected by
//! `packyard storage gc`.
//!
//! Every request is bounded by the storage timeout, so an unreachable store turns into
//! [`BlobError::Unavailable`] quickly instead of a hanging download.

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use futures_util::StreamExt;
use object_store::aws::{AmazonS3, AmazonS3Builder, AmazonS3ConfigKey};
use object_store::buffered::BufWriter;
use object_store::path::Path;
use object_store::signer::Signer;
use object_store::{
    ClientConfigKey, GetOptions, GetRange, ObjectStore, ObjectStoreExt, PutMode, PutPayload,
    RetryConfig,
};
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWriteExt};

use crate::digest::{UPLOAD_CHUNK, UploadDigest};
use crate::error::{BlobError, Result};
use crate::object::{ByteStream, StoredObject, unique_suffix};

/// Size of one multipart part; S3 needs at least 5 MiB. Two parts in flight per upload.
const PART_SIZE: usize = 8 << 20;

#[derive(Clone, Debug)]
pub struct S3Store {
    store: Arc<AmazonS3>,
    bucket: String,
    prefix: String,
    timeout: Duration,
}

/// An object listed by [`S3Store::list`].
pub(crate) struct Listed {
    pub key: String,
    pub size: u64,
    pub modified: i64,
}

impl S3Store {
    /// `s3://bucket` or `s3://bucket/prefix`, credentials and endpoint from the environment.
    pub fn from_url(url: &str, timeout: Duration) -> Result<S3Store> {
        let rest = url
            .strip_prefix("s3://")
            .ok_or_else(|| BlobError::UnsupportedUrl(url.to_string()))?;
        let (bucket, prefix) = rest.split_once('/').unwrap_or((rest, ""));
        if bucket.is_empty() {
            return Err(BlobError::UnsupportedUrl(url.to_string()));
        }
        let seconds = format!("{}s", timeout.as_secs().max(1));
        let store = AmazonS3Builder::from_env()
            .with_bucket_name(bucket)
            // The body of a large download may take hours to reach a slow client; requests
            // are bounded by our own timeouts around each step instead.
            .with_config(AmazonS3ConfigKey::Client(ClientConfigKey::Timeout), "7d")
            .with_config(
                AmazonS3ConfigKey::Client(ClientConfigKey::ConnectTimeout),
                &seconds,
            )
            .with_retry(RetryConfig {
                max_retries: 2,
                retry_timeout: timeout,
                ..RetryConfig::default()
            })
            .build()
            .map_err(|e| BlobError::Config(format!("{url}: {e}")))?;
        Ok(S3Store {
            store: Arc::new(store),
            bucket: bucket.to_string(),
            prefix: prefix.trim_matches('/').to_string(),
            timeout,
        })
    }

    fn path(&self, key: &str) -> Path {
        if self.prefix.is_empty() {
            Path::from(key)
        } else {
            Path::from(format!("{}/{key}", self.prefix))
        }
    }

    fn describe(&self, key: &str) -> String {
        format!("s3://{}/{}", self.bucket, self.path(key))
    }

    /// Runs one storage request within the timeout, mapping errors to [`BlobError`].
    async fn bounded<T>(
        &self,
        key: &str,
        request: impl Future<Output = object_store::Result<T>>,
    ) -> Result<T> {
        match tokio::time::timeout(self.timeout, request).await {
            Ok(Ok(value)) => Ok(value),
            Ok(Err(object_store::Error::NotFound { .. })) => {
                Err(BlobError::Missing(key.to_string()))
            }
            Ok(Err(e)) => Err(BlobError::Unavailable(format!(
                "{}: {e}",
                self.describe(key)
            ))),
            Err(_) => Err(BlobError::Unavailable(format!(
                "{}: no answer within {} s",
                self.describe(key),
                self.timeout.as_secs_f32()
            ))),
        }
    }

    /// Writes `bytes` under `key` unless an object is already there (same content).
    pub async fn put(&self, key: &str, bytes: &[u8]) -> Result<()> {
        let payload = PutPayload::from(Bytes::copy_from_slice(bytes));
        let path = self.path(key);
        let request = self.store.put_opts(&path, payload, PutMode::Create.into());
        self.bounded(key, async {
            match request.await {
                Err(object_store::Error::AlreadyExists { .. }) => Ok(()),
                other => other.map(drop),
            }
        })
        .await
    }

    /// Streams `reader` into a random key under `uploads/`, hashing it; see the module docs.
    pub(crate) async fn stage<R: AsyncRead + Unpin>(
        &self,
        kind: &str,
        extension: &str,
        mut reader: R,
        max_bytes: u64,
    ) -> Result<(String, StoredObject)> {
        let upload_key = format!("uploads/{}.{extension}", unique_suffix());
        let mut writer = BufWriter::with_capacity(
            Arc::clone(&self.store) as Arc<dyn ObjectStore>,
            self.path(&upload_key),
            PART_SIZE,
        )
        .with_max_concurrency(2);
        let mut digest = UploadDigest::new(max_bytes);
        let mut buf = vec![0u8; UPLOAD_CHUNK];
        // Writing a part may wait for an earlier one; allow it several request timeouts.
        let part_timeout = self.timeout * 6;
        let outcome: Result<()> = async {
            loop {
                let n = reader
                    .read(&mut buf)
                    .await
                    .map_err(|source| BlobError::Io {
                        path: "the upload".into(),
                        source,
                    })?;
                if n == 0 {
                    break;
                }
                digest.update(&buf[..n])?;
                let chunk = Bytes::copy_from_slice(&buf[..n]);
                self.bounded_by(part_timeout, &upload_key, writer.put(chunk))
                    .await?;
            }
            self.bounded_by(part_timeout, &upload_key, async {
                writer
                    .shutdown()
                    .await
                    .map_err(|e| object_store::Error::Generic {
                        store: "S3",
                        source: Box::new(e),
                    })
            })
            .await
        }
        .await;
        if let Err(e) = outcome {
            let _ = tokio::time::timeout(self.timeout, writer.abort()).await;
            return Err(e);
        }
        Ok((upload_key, digest.finish(kind, extension)))
    }

    async fn bounded_by<T>(
        &self,
        limit: Duration,
        key: &str,
        request: impl Future<Output = object_store::Result<T>>,
    ) -> Result<T> {
        let patient = S3Store {
            timeout: limit,
            ..self.clone()
        };
        patient.bounded(key, request).await
    }

    /// Makes a staged upload visible under its content-addressed key.
    pub(crate) async fn commit(&self, upload_key: &str, key: &str) -> Result<()> {
        let (from, to) = (self.path(upload_key), self.path(key));
        self.bounded_by(self.timeout * 6, key, self.store.copy(&from, &to))
            .await?;
        self.delete(upload_key).await
    }

    pub async fn delete(&self, key: &str) -> Result<()> {
        match self.bounded(key, self.store.delete(&self.path(key))).await {
            Err(BlobError::Missing(_)) => Ok(()),
            other => other,
        }
    }

    /// Streams `len` bytes from `start` (the whole object when `range` is `None`).
    pub async fn read(&self, key: &str, range: Option<(u64, u64)>) -> Result<ByteStream> {
        let options = GetOptions {
            range: range.map(|(start, len)| GetRange::Bounded(start..start + len)),
            ..GetOptions::default()
        };
        let got = self
            .bounded(key, self.store.get_opts(&self.path(key), options))
            .await?;
        let (timeout, place) = (self.timeout, self.describe(key));
        let chunks = got.into_stream();
        // A store that stops sending mid-body ends the download instead of hanging it.
        let stream = futures_util::stream::unfold(Some(chunks), move |chunks| {
            let place = place.clone();
            async move {
                let mut chunks = chunks?;
                match tokio::time::timeout(timeout, chunks.next()).await {
                    Ok(Some(Ok(bytes))) => Some((Ok(bytes), Some(chunks))),
                    Ok(None) => None,
                    Ok(Some(Err(e))) => Some((Err(std::io::Error::other(e)), None)),
                    Err(_) => Some((
                        Err(std::io::Error::other(format!("{place}: stalled"))),
                        None,
                    )),
                }
            }
        });
        Ok(stream.boxed())
    }

    pub async fn get(&self, key: &str) -> Result<Vec<u8>> {
        let got = self.bounded(key, self.store.get(&self.path(key))).await?;
        let bytes = self.bounded(key, got.bytes()).await?;
        Ok(bytes.to_vec())
    }

    /// A URL that lets anyone holding it GET the object for `expires_in`, downloaded under
    /// `file_name`.
    pub async fn presign(
        &self,
        key: &str,
        file_name: &str,
        expires_in: Duration,
    ) -> Result<String> {
        let options = object_store::signer::SignedUrlOptions::new().with_query([(
            "response-content-disposition",
            format!("attachment; filename=\"{file_name}\""),
        )]);
        let url = self
            .bounded(
                key,
                self.store.signed_url_opts(
                    object_store::signer::Method::GET,
                    &self.path(key),
                    expires_in,
                    &options,
                ),
            )
            .await?;
        Ok(url.to_string())
    }

    /// Every object under `dir` (`dists`, `releases`, `uploads`), with its age.
    pub(crate) async fn list(&self, dir: &str) -> Result<Vec<Listed>> {
        let prefix = self.path(dir);
        let mut listing = self.store.list(Some(&prefix));
        let mut found = Vec::new();
        loop {
            let Some(item) = self
                .bounded(dir, async { Ok(listing.next().await) })
                .await?
            else {
                break;
            };
            let meta = self.bounded(dir, async { item }).await?;
            let full = meta.location.as_ref();
            let key = match self.prefix.is_empty() {
                true => full.to_string(),
                false => full
                    .strip_prefix(&format!("{}/", self.prefix))
                    .unwrap_or(full)
                    .to_string(),
            };
            found.push(Listed {
                key,
                size: meta.size,
                modified: meta.last_modified.timestamp(),
            });
        }
        Ok(found)
    }

    /// Whether the bucket answers: one listing request.
    pub async fn check(&self) -> Result<()> {
        let prefix = self.path("dists");
        self.bounded("", self.store.list_with_delimiter(Some(&prefix)))
            .await
            .map(drop)
    }
}
