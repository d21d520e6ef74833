//! The real clients: composer (isolated COMPOSER_HOME, cache and auth.json per developer),
//! curl for exact HTTP checks, and php for Composer's own library code.

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::{Value, json};

use super::{Server, all_output};

/// A developer's machine: a COMPOSER_HOME holding auth.json for the server, and a cache.
pub struct Developer {
    pub home: PathBuf,
}

impl Developer {
    /// Runs `composer require PACKAGE:CONSTRAINT` in `project`; returns the version locked.
    pub fn require_locked(&self, project: &Path, requirement: &str) -> Option<String> {
        self.composer_ok(project, &["require", requirement]);
        let package = requirement.split(':').next().unwrap_or(requirement);
        locked_version(project, package)
    }

    pub fn new(server: &Server, name: &str, public_key: &str, private_key: &str) -> Developer {
        let home = server.work_dir(&format!("home-{name}"));
        let auth = json!({ "http-basic": { server.host.clone(): { "username": public_key, "password": private_key } } });
        std::fs::write(home.join("auth.json"), auth.to_string()).unwrap();
        Developer { home }
    }

    /// A project directory whose composer.json points at the server only.
    pub fn project(&self, server: &Server, name: &str) -> PathBuf {
        let dir = self.home.join("projects").join(name);
        std::fs::create_dir_all(&dir).unwrap();
        let manifest = json!({
            "name": "test/app",
            "repositories": [{ "type": "composer", "url": server.url }, { "packagist.org": false }],
            "config": { "secure-http": false },
            "minimum-stability": "stable",
        });
        std::fs::write(
            dir.join("composer.json"),
            serde_json::to_string_pretty(&manifest).unwrap(),
        )
        .unwrap();
        dir
    }

    /// Runs composer non-interactively; returns (success, stdout+stderr).
    pub fn composer(&self, cwd: &Path, args: &[&str]) -> (bool, String) {
        let out = Command::new("composer")
            .args(args)
            .arg("--no-interaction")
            .arg("--no-ansi")
            .current_dir(cwd)
            .env("COMPOSER_HOME", &self.home)
            .env("COMPOSER_CACHE_DIR", self.home.join("cache"))
            .env("COMPOSER_ALLOW_SUPERUSER", "1")
            .env("COMPOSER_NO_AUDIT", "1")
            // Wide enough that Composer does not wrap its error blocks mid-sentence.
            .env("COLUMNS", "400")
            .env_remove("COMPOSER_AUTH")
            .output()
            .expect("composer is installed (apt-get install composer php-zip php-curl)");
        (out.status.success(), all_output(&out))
    }

    /// Runs composer and panics with its output if it fails.
    pub fn composer_ok(&self, cwd: &Path, args: &[&str]) -> String {
        let (ok, text) = self.composer(cwd, args);
        assert!(ok, "composer {args:?} failed:\n{text}");
        text
    }
}

/// The version of `package` that composer installed in `project`, from composer.lock.
pub fn locked_version(project: &Path, package: &str) -> Option<String> {
    let lock: Value =
        serde_json::from_slice(&std::fs::read(project.join("composer.lock")).ok()?).ok()?;
    lock["packages"]
        .as_array()?
        .iter()
        .find(|p| p["name"] == package)
        .and_then(|p| p["version"].as_str())
        .map(str::to_string)
}

/// What every check sees of an answer, shared with the in-process tests.
pub use packyard_testkit::http::Response as HttpResponse;

/// Runs curl with extra arguments against `url`.
pub fn curl(url: &str, extra: &[&str]) -> HttpResponse {
    let dir = tempfile::tempdir().unwrap();
    let body = dir.path().join("body");
    let headers = dir.path().join("headers");
    let out = Command::new("curl")
        .args(["-s", "-S", "-o"])
        .arg(&body)
        .arg("-D")
        .arg(&headers)
        .args(["-w", "%{http_code}"])
        .args(extra)
        .arg(url)
        .output()
        .expect("curl runs");
    let status = super::succeeded(out, &format!("curl {url}"))
        .trim()
        .parse()
        .unwrap();
    let header_text = std::fs::read_to_string(&headers).unwrap_or_default();
    let headers = header_text
        .lines()
        .skip(1)
        .filter_map(|l| l.split_once(':'))
        .map(|(n, v)| (n.trim().to_string(), v.trim().to_string()))
        .collect();
    HttpResponse {
        status,
        headers,
        body: std::fs::read(&body).unwrap_or_default(),
    }
}

/// curl with HTTP Basic credentials.
pub fn curl_as(url: &str, user: &str, password: &str, extra: &[&str]) -> HttpResponse {
    let creds = format!("{user}:{password}");
    let mut args = vec!["-u", creds.as_str()];
    args.extend_from_slice(extra);
    curl(url, &args)
}
