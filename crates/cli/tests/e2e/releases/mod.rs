//! SPEC §3 release downloads, driven with real curl: `file/…` downloads and `curl -C -`
//! resume, constant-memory streaming, and adding releases through the CLI and the admin API.
//! The `info/…` answers and download tokens are tested in-process
//! (`crates/server/tests/http/releases/`).

mod adding;
mod files;

use std::path::Path;
use std::process::Command;

use md5::Md5;
use serde_json::Value;
use sha2::{Digest, Sha256};

use crate::support::*;
pub use packyard_testkit::bytes::bytes_of;

pub struct Fixture {
    pub server: Server,
    files: Vec<(String, Vec<u8>)>,
}

pub fn add_release(
    server: &Server,
    name: &str,
    bytes: &[u8],
    kind: &str,
    version: &str,
    product: &str,
) -> Value {
    let path = server.work_dir("releases").join(name);
    std::fs::write(&path, bytes).unwrap();
    server.cli_json(&[
        "release",
        "add",
        path.to_str().unwrap(),
        "--type",
        kind,
        "--version",
        version,
        "--product",
        product,
    ])
}

pub fn fixture(backend: Backend) -> Fixture {
    let server = Server::start(backend);
    server.product("ce", "Acme CE", "acme/ce-*", &[]);
    server.product("ee", "Acme EE", "acme/ee-*", &[]);
    server.product("tools", "Tools", "acme/tools", &["--public"]);
    let files = vec![
        (
            "Acme-CE-2.4.6.tar.gz".to_string(),
            bytes_of(1, 70_000),
            "ce-full",
            "2.4.6",
            "ce",
        ),
        (
            "Acme-CE-2.4.7.tar.gz".to_string(),
            bytes_of(2, 300_000),
            "ce-full",
            "2.4.7",
            "ce",
        ),
        (
            "PATCH_ACME-1_CE_2.4.7.sh".to_string(),
            bytes_of(3, 999),
            "ce-patch",
            "2.4.7",
            "ce",
        ),
        (
            "Acme-EE-2.4.7.tar.gz".to_string(),
            bytes_of(4, 5_000),
            "ee-full",
            "2.4.7",
            "ee",
        ),
        (
            "acme-tools-1.0.zip".to_string(),
            bytes_of(5, 1_234),
            "other",
            "1.0",
            "tools",
        ),
    ];
    for (name, bytes, kind, version, product) in &files {
        let out = add_release(&server, name, bytes, kind, version, product);
        assert_eq!(out["outcome"], "added", "{out}");
        assert_eq!(out["release"]["sha256"], hex::encode(Sha256::digest(bytes)));
        assert_eq!(out["release"]["md5"], hex::encode(Md5::digest(bytes)));
        assert_eq!(out["release"]["size"], bytes.len());
    }
    let files = files.into_iter().map(|(n, b, ..)| (n, b)).collect();
    Fixture { server, files }
}

impl Fixture {
    pub fn bytes(&self, name: &str) -> &[u8] {
        &self.files.iter().find(|(n, _)| n == name).unwrap().1
    }

    /// An account entitled to `grant` with a fresh download token: (id, token).
    pub fn account(&self, email: &str, grant: &[&str]) -> (String, String) {
        let (id, _, _) = self.server.licensed_customer(email, grant);
        let token = self.server.download_token(&id);
        (id, token)
    }

    pub fn get(&self, path: &str, id: &str, token: &str, extra: &[&str]) -> HttpResponse {
        curl_as(
            &format!("{}/products/downloads/{path}", self.server.url),
            id,
            token,
            extra,
        )
    }

    /// Waits until the account's token works (CLI changes reach the server within 1 s).
    pub fn wait_ready(&self, id: &str, token: &str) {
        assert!(
            eventually(PROPAGATION, || self.get("info/help", id, token, &[]).status
                == 200),
            "token of {id} never worked"
        );
    }
}

pub fn curl_download(
    url: &str,
    user: &str,
    token: &str,
    dir: &Path,
    extra: &[&str],
) -> (bool, String) {
    let out = Command::new("curl")
        .current_dir(dir)
        .args(["-s", "-S", "-f", "-u", &format!("{user}:{token}")])
        .args(extra)
        .arg(url)
        .output()
        .unwrap();
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}
