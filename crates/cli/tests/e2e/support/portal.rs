//! Driving the web portal: a headless Chromium script (`tests/browser/*.mjs`, run with node
//! and playwright-core against Debian's chromium), and a curl client with a cookie jar for
//! the exact HTTP checks (CSRF, expiry, throttling).

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

use super::{HttpResponse, Server, curl};

/// Where the browser scripts save their screenshots: a test artifact, kept after the run.
pub fn screenshot_dir() -> PathBuf {
    Path::new(env!("CARGO_TARGET_TMPDIR")).join("portal-screenshots")
}

/// Runs `tests/browser/{script}` with the portal URL and `env`; panics with its output if it
/// fails; returns the JSON it wrote to RESULT_FILE.
pub fn run_browser(server: &Server, script: &str, env: &[(&str, &str)]) -> Value {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/browser");
    assert!(
        dir.join("node_modules/playwright-core").is_dir(),
        "playwright-core is not installed: run `npm ci --prefix {}` (scripts/test does this)",
        dir.display()
    );
    let result = server.work_dir("browser").join(format!("{script}.json"));
    let out = Command::new("node")
        .arg(dir.join(script))
        .current_dir(&dir)
        .env("PORTAL_URL", &server.url)
        .env("SCREENSHOT_DIR", screenshot_dir())
        .env("RESULT_FILE", &result)
        .envs(env.iter().copied())
        .output()
        .expect("node runs (apt-get install nodejs npm)");
    assert!(
        out.status.success(),
        "browser script {script} failed:\n{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&std::fs::read(&result).unwrap()).unwrap()
}

/// A browser-like HTTP client: curl with a cookie jar.
pub struct PortalClient {
    base: String,
    jar: tempfile::NamedTempFile,
}

impl PortalClient {
    pub fn new(server: &Server) -> PortalClient {
        PortalClient {
            base: server.url.clone(),
            jar: tempfile::NamedTempFile::new().unwrap(),
        }
    }

    fn jar_args(&self) -> Vec<String> {
        let jar = self.jar.path().display().to_string();
        vec!["-b".into(), jar.clone(), "-c".into(), jar]
    }

    pub fn get(&self, path: &str) -> HttpResponse {
        let args = self.jar_args();
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        curl(&format!("{}{path}", self.base), &args)
    }

    /// POSTs a form (`name=value` pairs, URL-encoded by curl) with extra curl arguments.
    pub fn post(&self, path: &str, form: &[(&str, &str)], extra: &[&str]) -> HttpResponse {
        let mut args = self.jar_args();
        for (name, value) in form {
            args.push("--data-urlencode".into());
            args.push(format!("{name}={value}"));
        }
        args.extend(extra.iter().map(|s| s.to_string()));
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        curl(&format!("{}{path}", self.base), &args)
    }

    /// Logs in through `form_path` (`/login` or `/admin/login`); returns the POST's answer.
    pub fn login(&self, form_path: &str, email: &str, password: &str) -> HttpResponse {
        let form = self.get(form_path);
        let csrf = csrf_of(&form.text());
        self.post(
            form_path,
            &[("email", email), ("password", password), ("csrf", &csrf)],
            &[],
        )
    }

    /// A client already logged in as the customer `email` (portal password
    /// `CUSTOMER_PASSWORD` of the portal tests).
    pub fn customer_session(server: &Server, email: &str) -> PortalClient {
        PortalClient::logged_in(server, "/login", email, crate::portal::CUSTOMER_PASSWORD)
    }

    /// A client logged in to the back office as `email`, an operator created for it with
    /// the portal tests' `OPERATOR_PASSWORD`.
    pub fn operator_session(server: &Server, email: &str) -> PortalClient {
        crate::portal::operator(server, email);
        let password = crate::portal::OPERATOR_PASSWORD;
        PortalClient::logged_in(server, "/admin/login", email, password)
    }

    /// A client logged in through `form_path`, the login asserted to succeed.
    fn logged_in(server: &Server, form_path: &str, email: &str, password: &str) -> PortalClient {
        let client = PortalClient::new(server);
        let login = client.login(form_path, email, password);
        assert_eq!(
            login.status,
            303,
            "{email} could not log in: {}",
            login.text()
        );
        client
    }

    /// The value of a cookie in the jar.
    pub fn cookie(&self, name: &str) -> Option<String> {
        std::fs::read_to_string(self.jar.path())
            .ok()?
            .lines()
            .map(|l| l.split('\t').collect::<Vec<_>>())
            .find(|f| f.len() == 7 && f[5] == name)
            .map(|f| f[6].to_string())
    }
}

pub use packyard_testkit::http::csrf_of;
