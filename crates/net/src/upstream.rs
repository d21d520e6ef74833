//! Upstream calls over reqwest: one client per server (connection pools per host inside
//! it), connect and read timeouts from `UpstreamLimits`, and each answer's body handed on as
//! the chunks arrive (never collected here, so a large dist stays a stream).

use futures_util::FutureExt;
use futures_util::future::BoxFuture;
use packyard_core::upstream::client::{
    Credentials, FetchRequest, FetchResponse, TransportError, UpstreamFetcher, UpstreamLimits,
    Validators,
};

/// [`UpstreamFetcher`] over one reqwest client.
pub struct HttpFetcher {
    client: reqwest::Client,
}

impl HttpFetcher {
    pub fn new(limits: &UpstreamLimits) -> HttpFetcher {
        let client = reqwest::Client::builder()
            .connect_timeout(limits.request_timeout)
            .read_timeout(limits.read_timeout)
            .user_agent(concat!("packyard/", env!("CARGO_PKG_VERSION"), " (mirror)"))
            .build()
            .unwrap_or_else(|_| reqwest::Client::new());
        HttpFetcher { client }
    }
}

/// The error with its chain of causes (reqwest's own message says little: "error sending
/// request").
fn transport_error(e: &reqwest::Error) -> TransportError {
    let mut message = e.to_string();
    let mut source = std::error::Error::source(e);
    while let Some(s) = source {
        message = format!("{message}: {s}");
        source = s.source();
    }
    TransportError {
        timed_out: e.is_timeout(),
        message,
    }
}

impl UpstreamFetcher for HttpFetcher {
    fn get<'a>(
        &'a self,
        request: FetchRequest<'a>,
    ) -> BoxFuture<'a, Result<FetchResponse, TransportError>> {
        async move {
            let mut req = self.client.get(request.url);
            req = match request.credentials {
                Some(Credentials::Basic { user, password }) => req.basic_auth(user, Some(password)),
                Some(Credentials::Bearer(token)) => req.bearer_auth(token),
                None => req,
            };
            if let Some(since) = request.validators.and_then(|v| v.last_modified.as_deref()) {
                req = req.header("If-Modified-Since", since);
            }
            if let Some(etag) = request.validators.and_then(|v| v.etag.as_deref()) {
                req = req.header("If-None-Match", etag);
            }
            if let Some(timeout) = request.timeout {
                req = req.timeout(timeout);
            }
            let resp = req.send().await.map_err(|e| transport_error(&e))?;
            let header = |name: &str| {
                resp.headers()
                    .get(name)
                    .and_then(|v| v.to_str().ok())
                    .map(str::to_string)
            };
            let validators = Validators {
                last_modified: header("last-modified"),
                etag: header("etag"),
            };
            let (status, content_length) = (resp.status().as_u16(), resp.content_length());
            let body = futures_util::stream::unfold(Some(resp), |resp| async move {
                let mut resp = resp?;
                match resp.chunk().await {
                    Ok(Some(chunk)) => Some((Ok(chunk), Some(resp))),
                    Ok(None) => None,
                    Err(e) => Some((Err(transport_error(&e)), None)),
                }
            });
            Ok(FetchResponse {
                status,
                validators,
                content_length,
                body: Box::pin(body),
            })
        }
        .boxed()
    }
}
