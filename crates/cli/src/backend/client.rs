//! A small blocking HTTP client for the admin API, the remote half of [`super::Backend`]:
//! Bearer token, JSON both ways, each answer read as its `packyard_api` type, and the
//! server's `{"error": …}` turned into the command's one-line error.

use std::time::Duration;

use anyhow::{Context, Result, bail};
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;
use ureq::http::Response;
use ureq::{Agent, Body};

#[derive(Clone)]
pub struct Client {
    base: String,
    auth: String,
    agent: Agent,
}

/// Percent-encodes one path segment (account ids, slugs, file names, emails).
pub fn segment(value: &str) -> String {
    packyard_core::metadata::percent_encode(value, b"")
}

impl Client {
    pub fn new(server: &str, token: &str) -> Result<Client> {
        let base = server.trim().trim_end_matches('/').to_string();
        if !(base.starts_with("http://") || base.starts_with("https://")) {
            bail!("--server {server:?} must be an http:// or https:// URL");
        }
        let agent: Agent = Agent::config_builder()
            .http_status_as_error(false)
            .timeout_connect(Some(Duration::from_secs(10)))
            .build()
            .into();
        Ok(Client {
            base,
            auth: format!("Bearer {}", token.trim()),
            agent,
        })
    }

    /// Sends a JSON body (or none) and returns the JSON answer of a 2xx status.
    pub fn call(&self, method: &str, path: &str, body: Option<&Value>) -> Result<Value> {
        let url = format!("{}{path}", self.base);
        let request = ureq::http::Request::builder()
            .method(method)
            .uri(&url)
            .header("Authorization", &self.auth)
            .header("Accept", "application/json");
        let response = match body {
            Some(body) => self.agent.run(
                request
                    .header("Content-Type", "application/json")
                    .body(body.to_string())?,
            ),
            None => self.agent.run(request.body(())?),
        }
        .with_context(|| format!("cannot reach {url}"))?;
        answer(method, &url, response)
    }

    /// A GET whose answer is read as `T`.
    pub fn get<T: DeserializeOwned>(&self, path: &str) -> Result<T> {
        self.answer("GET", path)
    }

    /// A call without a body whose answer is read as `T`.
    pub fn answer<T: DeserializeOwned>(&self, method: &str, path: &str) -> Result<T> {
        typed(self.call(method, path, None)?)
    }

    /// Sends `body` as JSON and reads the answer as `T`.
    pub fn send<T: DeserializeOwned>(
        &self,
        method: &str,
        path: &str,
        body: &impl Serialize,
    ) -> Result<T> {
        typed(self.call(method, path, Some(&serde_json::to_value(body)?))?)
    }

    /// Uploads a file as the request body, streamed from disk, and reads the answer as `T`.
    pub fn upload<T: DeserializeOwned>(
        &self,
        method: &str,
        path: &str,
        file: &std::path::Path,
    ) -> Result<T> {
        let url = format!("{}{path}", self.base);
        let handle =
            std::fs::File::open(file).with_context(|| format!("cannot read {}", file.display()))?;
        let request = ureq::http::Request::builder()
            .method(method)
            .uri(&url)
            .header("Authorization", &self.auth)
            .header("Content-Type", "application/octet-stream")
            .body(&handle)?;
        let response = self
            .agent
            .run(request)
            .with_context(|| format!("cannot reach {url}"))?;
        typed(answer(method, &url, response)?)
    }
}

/// An answer read as the admin API type it is documented as.
fn typed<T: DeserializeOwned>(answer: Value) -> Result<T> {
    serde_json::from_value(answer).context(
        "the server's answer does not have the expected shape (is it another Packyard version?)",
    )
}

/// The JSON of a successful answer, or the server's error as this command's error.
fn answer(method: &str, url: &str, mut response: Response<Body>) -> Result<Value> {
    let status = response.status();
    let text = response.body_mut().read_to_string().unwrap_or_default();
    let json: Value = if text.trim().is_empty() {
        Value::Null
    } else {
        serde_json::from_str(&text).unwrap_or(Value::String(text.clone()))
    };
    if status.is_success() {
        return Ok(json);
    }
    let reason = serde_json::from_value::<packyard_api::ErrorBody>(json)
        .map_or_else(|_| text.trim().to_string(), |e| e.error);
    bail!("{method} {url}: {} {reason}", status.as_u16())
}

pub fn account_path(id: &str) -> String {
    format!("/api/v1/accounts/{}", segment(id))
}

/// `/api/v1/packages/VENDOR/NAME` for a package name, each part encoded.
pub fn package_path(name: &str) -> String {
    let parts: Vec<String> = name.split('/').map(segment).collect();
    format!("/api/v1/packages/{}", parts.join("/"))
}
