//! Metadata answers over HTTP: the root document's layout, `Last-Modified` on every answer,
//! `304` for a current `If-Modified-Since`, a new version moving the date forward, and p2
//! files checked against Composer's own code: expanded with `MetadataMinifier::expand` they
//! reproduce every published manifest, and dists match their `shasum`.

use packyard_testkit::Backend;
use serde_json::{Value, json};
use sha1::{Digest, Sha1};

use crate::support::*;

/// Longer than the time a change's second takes to settle as a validator.
const SETTLE: std::time::Duration = std::time::Duration::from_secs(3);

backend_tests!(async the_root_lists_the_repository_layout);
async fn the_root_lists_the_repository_layout(backend: Backend) {
    let server = TestServer::start(backend).await;
    let customer = server.one_package_and_customer("root@example.com").await;
    let root = server.get_as("/packages.json", &customer).await;
    assert_eq!(root.header("content-type"), Some("application/json"));
    let root = root.json();
    assert_eq!(root["metadata-url"], "/p2/%package%.json");
    assert_eq!(root["available-packages"], json!(["acme/hello"]));
    assert_eq!(root["notify-batch"], format!("{}/downloads/", server.url));
    assert_eq!(root["packages"], json!([]));
}

/// `GET path` with `If-Modified-Since: since`.
async fn get_since(server: &TestServer, path: &str, who: &Customer, since: &str) -> Response {
    let request = Request::get(path)
        .basic(&who.public, &who.private)
        .header("If-Modified-Since", since);
    server.send(request).await
}

backend_tests!(async a_current_if_modified_since_gets_304);
async fn a_current_if_modified_since_gets_304(backend: Backend) {
    let server = TestServer::start(backend).await;
    let customer = server.one_package_and_customer("304@example.com").await;
    let paths = ["/packages.json", "/p2/acme/hello.json"];
    // A document changed within the settle time is dated a second earlier and never answered
    // 304; once the server's clock has passed it, its date is a validator.
    for path in paths {
        let fresh = server.get_as(path, &customer).await;
        let stamp = fresh.header("last-modified").expect("Last-Modified");
        assert_eq!(get_since(&server, path, &customer, stamp).await.status, 200);
    }
    server.advance_clock(SETTLE);
    for path in paths {
        let stamp = server.get_as(path, &customer).await;
        let stamp = stamp.header("last-modified").unwrap();
        let cached = get_since(&server, path, &customer, stamp).await;
        assert_eq!(cached.status, 304, "{path}");
        assert!(cached.body.is_empty());
        assert!(cached.header("last-modified").is_some());
        let old = "Mon, 01 Jan 2001 00:00:00 GMT";
        assert_eq!(get_since(&server, path, &customer, old).await.status, 200);
    }
}

backend_tests!(async a_new_version_moves_last_modified_forward);
async fn a_new_version_moves_last_modified_forward(backend: Backend) {
    let server = TestServer::start(backend).await;
    let customer = server.one_package_and_customer("moves@example.com").await;
    let path = "/p2/acme/hello.json";
    let before = server.get_as(path, &customer).await;
    let stamp = before.header("last-modified").unwrap().to_string();
    server
        .publish("acme/hello", "2.5.0", json!({ "time": "2024-07-01" }))
        .await;
    server.refresh().await;
    let after = get_since(&server, path, &customer, &stamp).await;
    assert_eq!(after.status, 200);
    after.assert_text_contains("2.5.0");
}

const EXPAND: &str = r#"require "/usr/share/php/Composer/MetadataMinifier/autoload.php";
$doc = json_decode(stream_get_contents(STDIN), true);
$out = [];
foreach ($doc["packages"] as $name => $versions) {
    $out[$name] = Composer\MetadataMinifier\MetadataMinifier::expand($versions);
}
echo json_encode($out, JSON_UNESCAPED_SLASHES | JSON_UNESCAPED_UNICODE);"#;

fn manifests() -> Vec<(&'static str, Value)> {
    vec![
        (
            "1.0.0",
            json!({ "time": "2024-01-01", "description": "First", "require": { "php": ">=7.4" }, "keywords": ["a", "b"] }),
        ),
        (
            "1.1.0",
            json!({ "time": "2024-02-01", "description": "First", "require": { "php": ">=7.4", "acme/dep": "^1.0" }, "extra": { "x": { "y": [1, 2] } } }),
        ),
        (
            "1.2.0-beta1",
            json!({ "time": "2024-03-01", "description": "Ünïcödé / slashes \\ \"quotes\"", "require": { "php": ">=8.1" }, "license": "MIT" }),
        ),
        (
            "2.0.0",
            json!({ "time": "2024-04-01", "require": { "php": ">=8.1" }, "autoload": { "psr-4": { "Acme\\Varied\\": "src/" } }, "suggest": null }),
        ),
        (
            "2.4.7-p1",
            json!({ "time": "2024-05-01", "description": "Patch", "type": "magento2-module", "license": ["OSL-3.0", "AFL-3.0"] }),
        ),
    ]
}

/// Five releases and a branch of `acme/varied`, and a customer licensed for them.
async fn varied(server: &TestServer) -> Customer {
    for (version, manifest) in manifests() {
        server.publish("acme/varied", version, manifest).await;
    }
    let branch =
        json!({ "time": "2024-06-01", "extra": { "branch-alias": { "dev-main": "3.0.x-dev" } } });
    server.publish("acme/varied", "dev-main", branch).await;
    let product = server.product("varied", &["acme/varied"]).await;
    server.customer("meta@example.com", &[&product]).await
}

/// `doc` expanded by Composer's `MetadataMinifier`.
fn expand(doc: &[u8]) -> Value {
    serde_json::from_str(&php(EXPAND, doc)).unwrap()
}

backend_tests!(async p2_expands_with_composers_minifier_to_the_published_manifests);
async fn p2_expands_with_composers_minifier_to_the_published_manifests(backend: Backend) {
    let server = TestServer::start(backend).await;
    let customer = varied(&server).await;
    let p2 = server.get_as("/p2/acme/varied.json", &customer).await;
    assert_eq!(p2.status, 200);
    assert_eq!(p2.header("content-type"), Some("application/json"));
    assert_eq!(p2.json()["minified"], "composer/2.0");
    let expanded = expand(&p2.body);
    let versions = expanded["acme/varied"].as_array().unwrap();
    assert_eq!(
        versions.len(),
        manifests().len(),
        "dev versions belong in ~dev.json only"
    );

    for (version, manifest) in manifests() {
        let v = versions
            .iter()
            .find(|v| v["version"] == version)
            .unwrap_or_else(|| panic!("{version} missing"));
        assert_eq!(v["name"], "acme/varied");
        for key in [
            "description",
            "require",
            "keywords",
            "extra",
            "license",
            "autoload",
            "suggest",
        ] {
            assert_eq!(
                v.get(key),
                manifest.get(key),
                "{version}: {key} differs after Composer's expand"
            );
        }
        let normalized = php(
            r#"require "/usr/share/php/Composer/Semver/autoload.php"; echo (new Composer\Semver\VersionParser)->normalize(stream_get_contents(STDIN));"#,
            version.as_bytes(),
        );
        assert_eq!(v["version_normalized"], normalized.as_str());
        let url = v["dist"]["url"].as_str().unwrap();
        let dist = server
            .get_as(url.strip_prefix(&server.url).unwrap(), &customer)
            .await;
        assert_eq!(dist.status, 200);
        assert_eq!(
            dist.header("content-length"),
            Some(dist.body.len().to_string().as_str())
        );
        let sha1 = hex::encode(Sha1::digest(&dist.body));
        assert_eq!(v["dist"]["shasum"], sha1);
        assert_eq!(v["dist"]["type"], "zip");
    }

    let dev = server.get_as("/p2/acme/varied~dev.json", &customer).await;
    let expanded = expand(&dev.body);
    let dev_versions = expanded["acme/varied"].as_array().unwrap();
    assert_eq!(dev_versions.len(), 1);
    assert_eq!(dev_versions[0]["version"], "dev-main");
    assert_eq!(
        dev_versions[0]["extra"]["branch-alias"]["dev-main"],
        "3.0.x-dev"
    );
}
