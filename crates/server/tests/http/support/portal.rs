//! A browser-like portal client for in-process tests: it keeps the cookies the server sets
//! (and sends them back whatever their `Max-Age`, as a replaying attacker would), reads the
//! hidden CSRF field of a form, and posts URL-encoded forms. Customers with a portal password
//! are created through the store, as `account create --password-stdin` does.

use packyard_core::passwords::hash_password;
use packyard_store::accounts::{Account, NewAccount};

use super::{ACTOR, Request, Response, TestServer};

/// The portal password of the customers made here.
pub const CUSTOMER_PASSWORD: &str = "portal-password-1";
/// The back-office password of the operators made here.
pub const OPERATOR_PASSWORD: &str = "operator-password-1";

pub struct PortalClient<'a> {
    server: &'a TestServer,
    cookies: Vec<(String, String)>,
}

impl TestServer {
    /// An account whose owner (`email`) logs in to the portal with [`CUSTOMER_PASSWORD`].
    pub async fn customer_with_password(&self, email: &str) -> Account {
        let new = NewAccount {
            email,
            name: "Portal GmbH",
            id_prefix: "MAG",
            password_hash: Some(hash_password(CUSTOMER_PASSWORD).unwrap()),
        };
        let account = self.db().create_account(new, ACTOR).await.unwrap();
        self.refresh().await;
        account
    }

    /// A client logged in to the back office as a new operator `email`.
    pub async fn office_session(&self, email: &str) -> PortalClient<'_> {
        let hash = hash_password(OPERATOR_PASSWORD).unwrap();
        self.db()
            .create_operator(email, &hash, ACTOR)
            .await
            .unwrap();
        self.logged_in("/admin/login", email, OPERATOR_PASSWORD)
            .await
    }

    /// A client without cookies yet.
    pub fn portal(&self) -> PortalClient<'_> {
        PortalClient {
            server: self,
            cookies: Vec::new(),
        }
    }

    /// A client logged in as `email` through `/login`.
    pub async fn customer_session(&self, email: &str) -> PortalClient<'_> {
        self.logged_in("/login", email, CUSTOMER_PASSWORD).await
    }

    async fn logged_in(&self, form: &str, email: &str, password: &str) -> PortalClient<'_> {
        let mut client = self.portal();
        let login = client.login(form, email, password).await;
        let status = login.status;
        assert_eq!(status, 303, "{email} could not log in: {}", login.text());
        client
    }
}

impl PortalClient<'_> {
    async fn send(&mut self, request: Request) -> Response {
        let jar: Vec<String> = self
            .cookies
            .iter()
            .map(|(n, v)| format!("{n}={v}"))
            .collect();
        let request = match jar.is_empty() {
            true => request,
            false => request.header("Cookie", &jar.join("; ")),
        };
        let response = self.server.send(request).await;
        for (name, value) in &response.headers {
            if name.eq_ignore_ascii_case("set-cookie") {
                self.keep(value);
            }
        }
        response
    }

    fn keep(&mut self, set_cookie: &str) {
        let pair = set_cookie.split(';').next().unwrap_or_default();
        let Some((name, value)) = pair.split_once('=') else {
            return;
        };
        self.cookies.retain(|(n, _)| n != name);
        if !set_cookie.contains("Max-Age=0") {
            self.cookies.push((name.to_string(), value.to_string()));
        }
    }

    pub async fn get(&mut self, path: &str) -> Response {
        self.send(Request::get(path)).await
    }

    /// POSTs `form` URL-encoded, as a browser submits it.
    pub async fn post(&mut self, path: &str, form: &[(&str, &str)]) -> Response {
        let body: Vec<String> = form
            .iter()
            .map(|(n, v)| format!("{}={}", encode(n), encode(v)))
            .collect();
        let request = Request::post(path, body.join("&"))
            .header("Content-Type", "application/x-www-form-urlencoded");
        self.send(request).await
    }

    /// Logs in through `form_path` (`/login` or `/admin/login`); returns the POST's answer.
    pub async fn login(&mut self, form_path: &str, email: &str, password: &str) -> Response {
        let csrf = csrf_of(&self.get(form_path).await.text());
        let form = [("email", email), ("password", password), ("csrf", &csrf)];
        self.post(form_path, &form).await
    }
}

pub use packyard_testkit::http::csrf_of;

/// `application/x-www-form-urlencoded` encoding of one name or value.
fn encode(text: &str) -> String {
    let mut out = String::new();
    for byte in text.bytes() {
        match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'*' => {
                out.push(byte as char)
            }
            b' ' => out.push('+'),
            other => out.push_str(&format!("%{other:02X}")),
        }
    }
    out
}
