//! Calls to upstream repositories: conditional GETs of p2 files and dist downloads, each
//! bounded in time (connect, whole metadata request, silence between dist chunks) and size.
//! Credentials go only to the upstream's own origin: packagist's dists live on GitHub, and
//! a password for one host must never reach another.
//!
//! The HTTP client itself is behind [`UpstreamFetcher`] (one GET, its status, validators and
//! body as a stream), so this crate links no HTTP or TLS stack: `packyard-net` implements it
//! with reqwest for the server and the CLI.

use std::time::Duration;

use bytes::Bytes;
use futures_util::StreamExt;
use futures_util::future::BoxFuture;
use futures_util::stream::BoxStream;

use packyard_store::upstreams::{Upstream, UpstreamAuth};

use super::secrets::{SecretsError, SecretsKey};

/// How upstream calls are bounded.
#[derive(Clone, Debug)]
pub struct UpstreamLimits {
    /// Connecting, and a whole metadata request.
    pub request_timeout: Duration,
    /// Longest silence while a dist streams.
    pub read_timeout: Duration,
    /// Largest metadata file accepted.
    pub max_metadata_bytes: u64,
    /// Largest dist accepted.
    pub max_dist_bytes: u64,
    /// Calls in flight to one upstream; more wait (up to `first_fetch_wait`).
    pub concurrency: usize,
    /// How long a client waits for a first fetch before it is told the upstream is slow
    /// (the fetch goes on and serves the next request).
    pub first_fetch_wait: Duration,
    /// How often fetched metadata is revalidated.
    pub refresh_interval: Duration,
}

impl Default for UpstreamLimits {
    fn default() -> Self {
        UpstreamLimits {
            request_timeout: Duration::from_secs(30),
            read_timeout: Duration::from_secs(60),
            max_metadata_bytes: 64 << 20,
            max_dist_bytes: 8 << 30,
            concurrency: 8,
            first_fetch_wait: Duration::from_secs(20),
            refresh_interval: Duration::from_secs(300),
        }
    }
}

/// Why a call to an upstream failed, in words an operator or developer can act on.
#[derive(Debug, thiserror::Error)]
pub enum UpstreamError {
    #[error(
        "upstream {0} refused our credentials (HTTP {1}); check them with `packyard upstream show {0}`"
    )]
    Refused(String, u16),
    #[error("upstream {0} answered HTTP {1}")]
    Status(String, u16),
    #[error("upstream {0} could not be reached: {1}")]
    Unreachable(String, String),
    #[error("upstream {0} did not answer within {1} s")]
    Slow(String, u64),
    #[error("upstream {0} sent more than the limit of {1} bytes")]
    TooLarge(String, u64),
    #[error("upstream {0} sent something that is not Composer metadata")]
    Malformed(String),
    #[error(
        "upstream {0} has credentials, but this server has no secrets key (--secrets-key-file)"
    )]
    NoKey(String),
    #[error("upstream {0}: {1}")]
    Secrets(String, SecretsError),
    #[error("fetching it from upstream {0} failed: {1}")]
    Fetch(String, String),
}

/// A file's validators as its upstream sent them (`Last-Modified`, `ETag`): kept with our
/// copy, and sent back (`If-Modified-Since`, `If-None-Match`) to revalidate it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Validators {
    pub last_modified: Option<String>,
    pub etag: Option<String>,
}

/// What a conditional GET of a p2 file found.
pub enum Fetched {
    NotModified,
    NotFound,
    Body {
        body: String,
        validators: Validators,
    },
}

/// Credentials for one upstream (no `Debug`: they are secrets).
#[derive(Clone)]
pub enum Credentials {
    Basic { user: String, password: String },
    Bearer(String),
}

/// One GET to an upstream, as the fetcher is asked for it.
pub struct FetchRequest<'a> {
    pub url: &'a str,
    /// Sent only when `url` is on the upstream's own origin.
    pub credentials: Option<&'a Credentials>,
    /// Those of the copy being revalidated.
    pub validators: Option<&'a Validators>,
    /// Bound on the whole call, body included (metadata); `None` for dists, whose silence
    /// between chunks the fetcher bounds instead (`UpstreamLimits::read_timeout`).
    pub timeout: Option<Duration>,
}

/// Why a call did not get an answer.
#[derive(Debug, thiserror::Error)]
#[error("{message}")]
pub struct TransportError {
    pub timed_out: bool,
    /// The cause with its chain of sources.
    pub message: String,
}

/// The chunks of an answer's body as they arrive.
pub type BodyStream = BoxStream<'static, Result<Bytes, TransportError>>;

/// An upstream's answer once its headers arrived.
pub struct FetchResponse {
    pub status: u16,
    pub validators: Validators,
    pub content_length: Option<u64>,
    pub body: BodyStream,
}

/// The HTTP client upstream calls go through (connection pools live inside it). Built with
/// the `UpstreamLimits` it is to honour: connect and read timeouts.
pub trait UpstreamFetcher: Send + Sync {
    fn get<'a>(
        &'a self,
        request: FetchRequest<'a>,
    ) -> BoxFuture<'a, Result<FetchResponse, TransportError>>;
}

/// An upstream with its credentials decrypted, ready to call.
#[derive(Clone)]
pub struct Caller {
    pub name: String,
    pub url: String,
    credentials: Option<Credentials>,
}

/// The scheme and host (with port) of `url`: where credentials may go, and what an
/// upstream's origin-relative URLs are relative to.
pub(crate) fn origin(url: &str) -> &str {
    let after = url.find("://").map_or(0, |i| i + 3);
    url[after..].find('/').map_or(url, |i| &url[..after + i])
}

impl Caller {
    pub fn new(up: &Upstream, key: Option<&SecretsKey>) -> Result<Caller, UpstreamError> {
        let secret = match (&up.secret, up.auth) {
            (_, UpstreamAuth::None) | (None, _) => None,
            (Some(sealed), _) => {
                let key = key.ok_or_else(|| UpstreamError::NoKey(up.name.clone()))?;
                Some(
                    key.open(&up.name, sealed)
                        .map_err(|e| UpstreamError::Secrets(up.name.clone(), e))?,
                )
            }
        };
        let credentials = secret.map(|s| match up.auth {
            UpstreamAuth::Bearer => Credentials::Bearer(s),
            _ => Credentials::Basic {
                user: up.username.clone().unwrap_or_default(),
                password: s,
            },
        });
        Ok(Caller {
            name: up.name.clone(),
            url: up.url.clone(),
            credentials,
        })
    }

    /// The request for `url`, with our credentials only on the upstream's own origin.
    fn request<'a>(&'a self, url: &'a str) -> FetchRequest<'a> {
        FetchRequest {
            url,
            credentials: self
                .credentials
                .as_ref()
                .filter(|_| origin(url) == origin(&self.url)),
            validators: None,
            timeout: None,
        }
    }

    fn failed(&self, e: TransportError, limits: &UpstreamLimits) -> UpstreamError {
        if e.timed_out {
            UpstreamError::Slow(self.name.clone(), limits.request_timeout.as_secs())
        } else {
            UpstreamError::Unreachable(self.name.clone(), e.message)
        }
    }

    fn refused(&self, status: u16) -> UpstreamError {
        match status {
            401 | 403 => UpstreamError::Refused(self.name.clone(), status),
            _ => UpstreamError::Status(self.name.clone(), status),
        }
    }

    /// GETs `path` (relative to the upstream URL, or absolute), revalidating with the
    /// validators of our copy when we have one.
    pub async fn fetch(
        &self,
        http: &dyn UpstreamFetcher,
        limits: &UpstreamLimits,
        path: &str,
        validators: Option<&Validators>,
    ) -> Result<Fetched, UpstreamError> {
        let url = if path.contains("://") {
            path.to_string()
        } else {
            format!("{}/{}", self.url, path.trim_start_matches('/'))
        };
        let request = FetchRequest {
            validators,
            timeout: Some(limits.request_timeout),
            ..self.request(&url)
        };
        let mut resp = http
            .get(request)
            .await
            .map_err(|e| self.failed(e, limits))?;
        match resp.status {
            304 => return Ok(Fetched::NotModified),
            404 | 410 => return Ok(Fetched::NotFound),
            200 => {}
            s => return Err(self.refused(s)),
        }
        let mut body = Vec::new();
        while let Some(chunk) = resp.body.next().await {
            body.extend_from_slice(&chunk.map_err(|e| self.failed(e, limits))?);
            if body.len() as u64 > limits.max_metadata_bytes {
                return Err(UpstreamError::TooLarge(
                    self.name.clone(),
                    limits.max_metadata_bytes,
                ));
            }
        }
        let body =
            String::from_utf8(body).map_err(|_| UpstreamError::Malformed(self.name.clone()))?;
        Ok(Fetched::Body {
            body,
            validators: resp.validators,
        })
    }

    /// Starts downloading a dist: the response once its headers arrived with a 200.
    pub async fn open_dist(
        &self,
        http: &dyn UpstreamFetcher,
        limits: &UpstreamLimits,
        url: &str,
    ) -> Result<FetchResponse, UpstreamError> {
        let resp = tokio::time::timeout(limits.request_timeout, http.get(self.request(url)))
            .await
            .map_err(|_| UpstreamError::Slow(self.name.clone(), limits.request_timeout.as_secs()))?
            .map_err(|e| self.failed(e, limits))?;
        if !(200..300).contains(&resp.status) {
            return Err(self.refused(resp.status));
        }
        if resp
            .content_length
            .is_some_and(|n| n > limits.max_dist_bytes)
        {
            return Err(UpstreamError::TooLarge(
                self.name.clone(),
                limits.max_dist_bytes,
            ));
        }
        Ok(resp)
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn credentials_stay_on_the_upstream_origin() {
        assert_eq!(
            super::origin("https://repo.test/p2/a.json"),
            "https://repo.test"
        );
        assert_eq!(super::origin("http://127.0.0.1:80"), "http://127.0.0.1:80");
        assert_ne!(
            super::origin("https://codeload.github.com/x"),
            super::origin("https://repo.packagist.org")
        );
    }
}
