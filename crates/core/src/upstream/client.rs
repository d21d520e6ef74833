//! Calls to upstream repositories: conditional GETs of p2 files and dist downloads, each
//! bounded in time (connect, whole metadata request, silence between dist chunks) and size.
//! Credentials go only to the upstream's own origin: packagist's dists live on GitHub, and
//! a password for one host must never reach another.

use std::time::Duration;

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
}

/// What a conditional GET of a p2 file found.
pub enum Fetched {
    NotModified,
    NotFound,
    Body {
        body: String,
        last_modified: Option<String>,
        etag: Option<String>,
    },
}

/// An upstream with its credentials decrypted, ready to call.
#[derive(Clone)]
pub struct Caller {
    pub name: String,
    pub url: String,
    auth: Option<Auth>,
}

#[derive(Clone)]
enum Auth {
    Basic(String, String),
    Bearer(String),
}

fn origin(url: &str) -> &str {
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
        let auth = secret.map(|s| match up.auth {
            UpstreamAuth::Bearer => Auth::Bearer(s),
            _ => Auth::Basic(up.username.clone().unwrap_or_default(), s),
        });
        Ok(Caller {
            name: up.name.clone(),
            url: up.url.clone(),
            auth,
        })
    }

    fn get(&self, http: &reqwest::Client, url: &str) -> reqwest::RequestBuilder {
        let req = http.get(url);
        if origin(url) != origin(&self.url) {
            return req;
        }
        match &self.auth {
            Some(Auth::Basic(user, password)) => req.basic_auth(user, Some(password)),
            Some(Auth::Bearer(token)) => req.bearer_auth(token),
            None => req,
        }
    }

    fn failed(&self, e: reqwest::Error, limits: &UpstreamLimits) -> UpstreamError {
        if e.is_timeout() {
            UpstreamError::Slow(self.name.clone(), limits.request_timeout.as_secs())
        } else {
            let mut text = e.to_string();
            let mut source = std::error::Error::source(&e);
            while let Some(s) = source {
                text = format!("{text}: {s}");
                source = s.source();
            }
            UpstreamError::Unreachable(self.name.clone(), text)
        }
    }

    fn refused(&self, status: reqwest::StatusCode) -> UpstreamError {
        match status.as_u16() {
            s @ (401 | 403) => UpstreamError::Refused(self.name.clone(), s),
            s => UpstreamError::Status(self.name.clone(), s),
        }
    }

    /// GETs `path` (relative to the upstream URL, or absolute), revalidating with the
    /// validators of our copy when we have one.
    pub async fn fetch(
        &self,
        http: &reqwest::Client,
        limits: &UpstreamLimits,
        path: &str,
        validators: (Option<&str>, Option<&str>),
    ) -> Result<Fetched, UpstreamError> {
        let url = if path.contains("://") {
            path.to_string()
        } else {
            format!("{}/{}", self.url, path.trim_start_matches('/'))
        };
        let mut req = self.get(http, &url).timeout(limits.request_timeout);
        if let Some(since) = validators.0 {
            req = req.header("If-Modified-Since", since);
        }
        if let Some(etag) = validators.1 {
            req = req.header("If-None-Match", etag);
        }
        let mut resp = req.send().await.map_err(|e| self.failed(e, limits))?;
        match resp.status().as_u16() {
            304 => return Ok(Fetched::NotModified),
            404 | 410 => return Ok(Fetched::NotFound),
            200 => {}
            _ => return Err(self.refused(resp.status())),
        }
        let header = |name: &str| {
            resp.headers()
                .get(name)
                .and_then(|v| v.to_str().ok())
                .map(str::to_string)
        };
        let (last_modified, etag) = (header("last-modified"), header("etag"));
        let mut body = Vec::new();
        while let Some(chunk) = resp.chunk().await.map_err(|e| self.failed(e, limits))? {
            body.extend_from_slice(&chunk);
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
            last_modified,
            etag,
        })
    }

    /// Starts downloading a dist: the response once its headers arrived with a 200.
    pub async fn open_dist(
        &self,
        http: &reqwest::Client,
        limits: &UpstreamLimits,
        url: &str,
    ) -> Result<reqwest::Response, UpstreamError> {
        let resp = tokio::time::timeout(limits.request_timeout, self.get(http, url).send())
            .await
            .map_err(|_| UpstreamError::Slow(self.name.clone(), limits.request_timeout.as_secs()))?
            .map_err(|e| self.failed(e, limits))?;
        if !resp.status().is_success() {
            return Err(self.refused(resp.status()));
        }
        if resp
            .content_length()
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

/// The HTTP client for every upstream (connection pools are per host inside it).
pub fn http_client(limits: &UpstreamLimits) -> reqwest::Client {
    reqwest::Client::builder()
        .connect_timeout(limits.request_timeout)
        .read_timeout(limits.read_timeout)
        .user_agent(concat!("packyard/", env!("CARGO_PKG_VERSION"), " (mirror)"))
        .build()
        .unwrap_or_else(|_| reqwest::Client::new())
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
