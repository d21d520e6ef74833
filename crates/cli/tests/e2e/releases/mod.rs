//! SPEC §3 release downloads, driven with real curl: every `info/…` endpoint, `file/…` with
//! Range and `curl -C -` resume, licences per product (including `updates_until`), token
//! regeneration, tokens used with another account's id, billing hold and closed accounts,
//! and adding releases through the CLI and the admin API.

mod adding;
mod files;
mod info;
mod tokens;

use std::path::Path;
use std::process::Command;

use md5::Md5;
use serde_json::Value;
use sha2::{Digest, Sha256};

use crate::support::*;

pub struct Fixture {
    pub server: Server,
    files: Vec<(String, Vec<u8>)>,
}

/// Deterministic, incompressible-looking bytes.
pub fn bytes_of(seed: u64, len: usize) -> Vec<u8> {
    let mut x = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
    (0..len)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x as u8
        })
        .collect()
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

    /// Whether `path` answers `status` to this id and token within the SPEC's second.
    pub fn becomes(&self, path: &str, id: &str, token: &str, status: u16) -> bool {
        eventually(PROPAGATION, || {
            self.get(path, id, token, &[]).status == status
        })
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

/// Rows of a plain-text table: columns are separated by two or more spaces.
pub fn table(text: &str) -> Vec<Vec<String>> {
    text.lines()
        .map(|l| {
            l.split("  ")
                .map(str::trim)
                .filter(|c| !c.is_empty())
                .map(str::to_string)
                .collect::<Vec<_>>()
        })
        .filter(|cols| !cols.is_empty())
        .collect()
}

pub fn file_names(text: &str) -> Vec<String> {
    let rows = table(text);
    assert_eq!(rows[0], ["File Type", "Version", "File Name"], "{text}");
    assert!(
        rows[1].iter().all(|c| c.chars().all(|ch| ch == '-')),
        "{text}"
    );
    let mut names: Vec<String> = rows[2..]
        .iter()
        .map(|r| r.last().unwrap().clone())
        .collect();
    names.sort();
    names
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
