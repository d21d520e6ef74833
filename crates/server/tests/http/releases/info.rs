//! `info/…`: help, listings, filters and the JSON feed, per licence.

use chrono::NaiveDate;
use md5::Md5;
use packyard_testkit::Backend;
use sha2::{Digest, Sha256};

use super::*;

impl Fixture {
    /// The file names `path` lists for this id and token.
    async fn listed(&self, path: &str, id: &str, token: &str) -> Vec<String> {
        file_names(&self.get(path, id, token).await.text())
    }

    /// An account `email` licensed for `products` until `until` that lists the public
    /// product's file only: its id and download token.
    async fn public_only(
        &self,
        email: &str,
        products: &[&packyard_store::products::Product],
        until: Option<NaiveDate>,
    ) -> (String, String) {
        let (customer, token) = self.server.release_account(email, products, until).await;
        let id = customer.account.public_id;
        let listed = self.listed("info/files", &id, &token).await;
        assert_eq!(listed, ["acme-tools-1.0.zip"], "{email}");
        (id, token)
    }
}

const NO_RESULTS: &str = "No results found.\n";

/// The [`fixture`] with an account licensed for `ce`: its id and download token.
async fn ce_fixture(backend: Backend) -> (Fixture, String, String) {
    let f = fixture(backend).await;
    let (_, ce, token) = f.ce_account("ce@example.com").await;
    (f, ce, token)
}

backend_tests!(async help_names_every_endpoint_and_release_type);
async fn help_names_every_endpoint_and_release_type(backend: Backend) {
    let (f, ce, token) = ce_fixture(backend).await;
    let help = f.get("info/help", &ce, &token).await;
    assert_eq!(help.status, 200);
    let content_type = help.header("content-type").unwrap_or_default();
    assert!(content_type.starts_with("text/plain"), "{content_type}");
    let words = [
        "Downloads Usage:",
        "help",
        "files",
        "versions",
        "filter",
        "json",
    ];
    for word in words.iter().chain(&["ce-full", "ee-patch", "other"]) {
        help.assert_text_contains(word);
    }
    let download_url = format!("@{}/products/downloads/file/", f.server.addr);
    help.assert_text_contains(&download_url);
}

backend_tests!(async files_lists_licensed_and_public_releases);
async fn files_lists_licensed_and_public_releases(backend: Backend) {
    let (f, ce, token) = ce_fixture(backend).await;
    let files = f.get("info/files", &ce, &token).await;
    assert_eq!(files.status, 200);
    let expected = [
        "Acme-CE-2.4.6.tar.gz",
        "Acme-CE-2.4.7.tar.gz",
        "PATCH_ACME-1_CE_2.4.7.sh",
        "acme-tools-1.0.zip",
    ];
    let names = file_names(&files.text());
    assert_eq!(
        names, expected,
        "the EE file is not licensed, the public tools are"
    );
    let rows = table(&files.text());
    let row = rows.iter().find(|r| r[2] == "PATCH_ACME-1_CE_2.4.7.sh");
    assert_eq!(
        row.unwrap(),
        &["ce-patch", "2.4.7", "PATCH_ACME-1_CE_2.4.7.sh"]
    );
}

backend_tests!(async versions_and_filters_narrow_the_listing);
async fn versions_and_filters_narrow_the_listing(backend: Backend) {
    let (f, ce, token) = ce_fixture(backend).await;
    let versions = f.get("info/versions", &ce, &token).await.text();
    let ce_versions = "CE Versions\n-----------\n2.4.6\n2.4.7\n";
    assert!(versions.starts_with(ce_versions), "{versions}");
    let other_only = versions.contains("Other Versions") && !versions.contains("EE Versions");
    assert!(other_only, "{versions}");

    let [old, new, patch] = [
        "Acme-CE-2.4.6.tar.gz",
        "Acme-CE-2.4.7.tar.gz",
        "PATCH_ACME-1_CE_2.4.7.sh",
    ];
    let filters = [
        ("info/filter/version/2.4.7", vec![new, patch]),
        ("info/filter/version/2.4.*", vec![old, new, patch]),
        ("info/filter/type/ce-full", vec![old, new]),
    ];
    for (path, expected) in filters {
        assert_eq!(f.listed(path, &ce, &token).await, expected, "{path}");
    }
    for empty in ["info/filter/version/9.*", "info/filter/type/ee-full"] {
        let answer = f.get(empty, &ce, &token).await;
        assert_eq!(answer.text(), NO_RESULTS, "{empty}");
    }
}

backend_tests!(async unknown_types_and_endpoints_are_404);
async fn unknown_types_and_endpoints_are_404(backend: Backend) {
    let (f, ce, token) = ce_fixture(backend).await;
    let bogus = f.get("info/filter/type/full", &ce, &token).await;
    assert_eq!(bogus.status, 404);
    let known = "ce-full, ee-full, ce-patch, ee-patch, other";
    bogus.assert_text_contains(known);
    assert_eq!(f.get("info/nonsense", &ce, &token).await.status, 404);
}

backend_tests!(async the_json_feed_lists_every_type_with_checksums);
async fn the_json_feed_lists_every_type_with_checksums(backend: Backend) {
    let (f, ce, token) = ce_fixture(backend).await;
    let feed = f.get("info/json", &ce, &token).await;
    assert_eq!(feed.header("content-type"), Some("application/json"));
    let feed = feed.json();
    for kind in ["ce-full", "ee-full", "ce-patch", "ee-patch", "other"] {
        assert!(feed[kind].is_array(), "{kind} missing: {feed}");
    }
    assert_eq!(feed["ee-full"].as_array().unwrap().len(), 0);
    assert_eq!(feed["ce-full"].as_array().unwrap().len(), 2);
    let entries = feed.as_object().unwrap().values();
    for entry in entries.flat_map(|v| v.as_array().unwrap()) {
        let bytes = f.bytes(entry["file_name"].as_str().unwrap());
        assert_eq!(entry["md5"], hex::encode(Md5::digest(bytes)));
        assert_eq!(entry["sha256"], hex::encode(Sha256::digest(bytes)));
        assert_eq!(entry["size"], bytes.len());
        assert!(entry["version"].is_string());
    }
}

backend_tests!(async an_expired_licence_sees_only_public_releases_and_is_told_why);
async fn an_expired_licence_sees_only_public_releases_and_is_told_why(backend: Backend) {
    let f = fixture(backend).await;
    let until = NaiveDate::from_ymd_opt(2020, 1, 1);
    let (old, token) = f.public_only("old@example.com", &[&f.ce], until).await;
    let refused = f.get("file/Acme-CE-2.4.7.tar.gz", &old, &token).await;
    assert_eq!(refused.status, 403);
    refused.assert_text_contains("covers releases up to 2020-01-01");
}

backend_tests!(async an_account_without_a_licence_still_gets_the_public_product);
async fn an_account_without_a_licence_still_gets_the_public_product(backend: Backend) {
    let f = fixture(backend).await;
    let (none, token) = f.public_only("none@example.com", &[], None).await;
    let ce_full = f.get("info/filter/type/ce-full", &none, &token).await;
    assert_eq!(ce_full.text(), NO_RESULTS);
}
