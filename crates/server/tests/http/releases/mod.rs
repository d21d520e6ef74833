//! SPEC §3 release downloads, in-process: every `info/…` endpoint per licence, and download
//! tokens (one per account, replaced at once, never valid for another account, refused on
//! billing hold and for closed accounts). Real curl downloads, resume, constant-memory
//! streaming and adding releases through the CLI and the admin API stay in the e2e tests.

mod info;
mod tokens;

use packyard_testkit::Backend;
use packyard_testkit::bytes::bytes_of;

use crate::support::releases::NewFile;
use crate::support::*;

/// A server with products `ce`, `ee` and the public `tools`, five release files, and the
/// bytes of each file by name.
pub struct Fixture {
    pub server: TestServer,
    pub ce: packyard_store::products::Product,
    files: Vec<(&'static str, Vec<u8>)>,
}

/// (file name, kind, version, product, size)
const FILES: [(&str, &str, &str, &str, usize); 5] = [
    ("Acme-CE-2.4.6.tar.gz", "ce-full", "2.4.6", "ce", 70_000),
    ("Acme-CE-2.4.7.tar.gz", "ce-full", "2.4.7", "ce", 300_000),
    ("PATCH_ACME-1_CE_2.4.7.sh", "ce-patch", "2.4.7", "ce", 999),
    ("Acme-EE-2.4.7.tar.gz", "ee-full", "2.4.7", "ee", 5_000),
    ("acme-tools-1.0.zip", "other", "1.0", "tools", 1_234),
];

pub async fn fixture(backend: Backend) -> Fixture {
    let server = TestServer::start(backend).await;
    let ce = server.product("ce", &["acme/ce-*"]).await;
    server.product("ee", &["acme/ee-*"]).await;
    let tools = vec!["acme/tools".to_string()];
    let db = server.db();
    db.create_product("tools", "Tools", &tools, true, ACTOR)
        .await
        .unwrap();
    let mut files = Vec::new();
    for (seed, (name, kind, version, product, size)) in (1..).zip(FILES) {
        let bytes = bytes_of(seed, size);
        let file = NewFile {
            name,
            kind,
            version,
            product,
            bytes: &bytes,
        };
        server.release(&file).await;
        files.push((name, bytes));
    }
    server.refresh().await;
    Fixture { server, ce, files }
}

impl Fixture {
    pub fn bytes(&self, name: &str) -> &[u8] {
        &self.files.iter().find(|(n, _)| *n == name).unwrap().1
    }

    /// An account licensed for `ce` only, with its download token: (customer, id, token).
    pub async fn ce_account(&self, email: &str) -> (Customer, String, String) {
        let (customer, token) = self.server.release_account(email, &[&self.ce], None).await;
        let id = customer.account.public_id.clone();
        (customer, id, token)
    }

    pub async fn get(&self, path: &str, id: &str, token: &str) -> Response {
        self.server.downloads(path, id, token).await
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

/// The file names of an `info/files`-shaped table, sorted.
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
