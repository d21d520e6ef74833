//! The admin API as a client sees it: curl with `Authorization: Bearer`, JSON in and out.

use serde_json::Value;

use super::{HttpResponse, Server, curl};

/// An operator API token holder talking to one server.
pub struct Api<'a> {
    pub server: &'a Server,
    pub token: String,
}

impl<'a> Api<'a> {
    pub fn new(server: &'a Server, token: &str) -> Api<'a> {
        Api {
            server,
            token: token.to_string(),
        }
    }

    /// `method path` with an optional JSON body.
    pub fn call(&self, method: &str, path: &str, body: Option<&Value>) -> HttpResponse {
        let auth = format!("Authorization: Bearer {}", self.token);
        let text = body.map(Value::to_string);
        let mut args = vec!["-X", method, "-H", auth.as_str()];
        if let Some(text) = &text {
            args.extend([
                "-H",
                "Content-Type: application/json",
                "--data-binary",
                text,
            ]);
        }
        curl(&format!("{}{path}", self.server.url), &args)
    }

    pub fn get(&self, path: &str) -> HttpResponse {
        self.call("GET", path, None)
    }

    pub fn post(&self, path: &str, body: &Value) -> HttpResponse {
        self.call("POST", path, Some(body))
    }

    /// Uploads bytes as the request body (`POST` a package zip, `PUT` a release).
    pub fn upload(&self, method: &str, path: &str, bytes: &[u8]) -> HttpResponse {
        let file = tempfile::NamedTempFile::new().unwrap();
        std::fs::write(file.path(), bytes).unwrap();
        let auth = format!("Authorization: Bearer {}", self.token);
        let data = format!("@{}", file.path().display());
        curl(
            &format!("{}{path}", self.server.url),
            &["-X", method, "-H", auth.as_str(), "--data-binary", &data],
        )
    }
}

/// An operator token named `name` with `scope` for `email` (an existing operator), as a
/// client: (id, client; its secret is `client.token`).
pub fn scoped_api<'a>(server: &'a Server, email: &str, name: &str, scope: &str) -> (i64, Api<'a>) {
    let (id, token) = scoped_token(server, email, name, scope);
    (id, Api::new(server, &token))
}

/// Creates an operator token with `scope` for `email` (an existing operator); returns
/// (id, token).
pub fn scoped_token(server: &Server, email: &str, name: &str, scope: &str) -> (i64, String) {
    let created = server.cli_json(&[
        "operator", "token", "create", "--email", email, "--name", name, "--scope", scope,
    ]);
    (
        created["id"].as_i64().unwrap(),
        created["token"].as_str().unwrap().to_string(),
    )
}
