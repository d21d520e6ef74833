//! Packages from git (SPEC §11) against real git servers (`git daemon`, smart HTTP with
//! Basic authentication, a local path): imports, Composer installs of tags and `dev-main`,
//! signed webhooks, moved tags, and byte-identical archives across data directories.

mod hooks;
mod import;
mod providers;
mod ssh;

use std::collections::BTreeMap;

use crate::support::*;

/// Registers `url` with the CLI; returns (repository id, generated webhook secret).
fn add_repo(server: &Server, url: &str) -> (String, String) {
    let added = server.cli_json(&["repo", "add", url]);
    let secret = added["secret"]
        .as_str()
        .expect("a generated secret")
        .to_string();
    assert!(
        added["webhook_url"]
            .as_str()
            .unwrap()
            .ends_with(&format!("/api/hooks/{}", added["id"]))
    );
    (added["id"].to_string(), secret)
}

/// A customer key that sees every `acme/*` package (a public product).
fn public_customer(server: &Server, email: &str) -> (String, String) {
    server.product("everything", "Everything", "acme/*", &["--public"]);
    let (_, public, private) = server.customer(email);
    let known = eventually(PROPAGATION * 5, || {
        curl_as(
            &format!("{}/packages.json", server.url),
            &public,
            &private,
            &[],
        )
        .status
            == 200
    });
    assert!(known, "the new key reached the server");
    (public, private)
}

/// An operator's admin token, once the server accepts it.
fn admin_auth(server: &Server) -> String {
    let auth = format!(
        "Authorization: Bearer {}",
        server.admin_token("ops@vendor.example")
    );
    let known = eventually(PROPAGATION * 5, || {
        curl(&format!("{}/api/v1/repos", server.url), &["-H", &auth]).status == 200
    });
    assert!(known, "the new admin token reached the server");
    auth
}

/// Version → dist sha1 of `package` in the p2 file (`~dev` when `dev`), as the key sees it.
fn shasums(
    server: &Server,
    key: &(String, String),
    package: &str,
    dev: bool,
) -> BTreeMap<String, String> {
    let suffix = if dev { "~dev" } else { "" };
    let r = curl_as(
        &format!("{}/p2/{package}{suffix}.json", server.url),
        &key.0,
        &key.1,
        &[],
    );
    if r.status == 404 {
        return BTreeMap::new();
    }
    assert_eq!(r.status, 200, "{}", r.text());
    let versions = r.json()["packages"][package]
        .as_array()
        .cloned()
        .unwrap_or_default();
    // Minified: keys repeat from the previous entry unless they change; dist always changes.
    versions
        .iter()
        .filter_map(|v| {
            Some((
                v["version"].as_str()?.to_string(),
                v["dist"]["shasum"].as_str()?.to_string(),
            ))
        })
        .collect()
}

/// Whether `tag` of `package` is in the p2 file and its dist archive downloads, as the key
/// sees it.
fn installable(server: &Server, key: &(String, String), package: &str, tag: &str) -> bool {
    let sums = shasums(server, key, package, false);
    sums.get(tag).is_some_and(|sha1| {
        let normalized = format!("{}.0", tag.trim_start_matches('v'));
        let url = format!("{}/dist/{package}/{normalized}/{sha1}.zip", server.url);
        curl_as(&url, &key.0, &key.1, &[]).status == 200
    })
}

/// The full (expanded) entry of `version` in the p2 file.
fn p2_time(
    server: &Server,
    key: &(String, String),
    package: &str,
    version: &str,
) -> Option<String> {
    let r = curl_as(
        &format!("{}/p2/{package}.json", server.url),
        &key.0,
        &key.1,
        &[],
    );
    let mut time = None;
    for v in r.json()["packages"][package].as_array()? {
        if let Some(t) = v["time"].as_str() {
            time = Some(t.to_string());
        }
        if v["version"] == version {
            return time;
        }
    }
    None
}
