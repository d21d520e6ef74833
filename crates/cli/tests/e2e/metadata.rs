//! The metadata Composer reads, checked against Composer's own code: p2 files expanded with
//! `MetadataMinifier::expand` must reproduce every published manifest and dists must match
//! their `shasum`. (Compression and `If-Modified-Since` are checked in-process, in
//! `crates/server/tests/http`.)

use serde_json::{Value, json};
use sha1::{Digest, Sha1};

use crate::support::*;

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

struct Fixture {
    server: Server,
    public: String,
    private: String,
}

fn fixture() -> Fixture {
    let server = Server::start(Backend::Sqlite);
    let mut zips: Vec<(String, Vec<u8>)> = manifests()
        .into_iter()
        .map(|(v, m)| package_zip("acme/varied", v, m))
        .collect();
    zips.push(package_zip(
        "acme/varied",
        "dev-main",
        json!({ "time": "2024-06-01", "extra": { "branch-alias": { "dev-main": "3.0.x-dev" } } }),
    ));
    let report = server.publish(&zips);
    assert_eq!(report["published"].as_array().unwrap().len(), 6, "{report}");
    server.product("varied", "Varied", "acme/varied", &[]);
    let (_, public, private) = server.licensed_customer("meta@example.com", &["varied"]);
    server.wait_visible(&public, &private, "acme/varied");
    Fixture {
        server,
        public,
        private,
    }
}

#[test]
fn p2_expands_with_composers_minifier_to_the_published_manifests() {
    let f = fixture();
    let p2 = f
        .server
        .get_as("/p2/acme/varied.json", &f.public, &f.private);
    assert_eq!(p2.status, 200);
    assert_eq!(p2.header("content-type"), Some("application/json"));
    let doc = p2.json();
    assert_eq!(doc["minified"], "composer/2.0");
    let expanded: Value = serde_json::from_str(&php(EXPAND, &p2.body)).unwrap();
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
        let dist = curl_as(
            v["dist"]["url"].as_str().unwrap(),
            &f.public,
            &f.private,
            &[],
        );
        assert_eq!(dist.status, 200);
        assert_eq!(
            dist.header("content-length"),
            Some(dist.body.len().to_string().as_str())
        );
        assert_eq!(v["dist"]["shasum"], hex::encode(Sha1::digest(&dist.body)));
        assert_eq!(v["dist"]["type"], "zip");
    }

    let dev = f
        .server
        .get_as("/p2/acme/varied~dev.json", &f.public, &f.private);
    let expanded: Value = serde_json::from_str(&php(EXPAND, &dev.body)).unwrap();
    let dev_versions = expanded["acme/varied"].as_array().unwrap();
    assert_eq!(dev_versions.len(), 1);
    assert_eq!(dev_versions[0]["version"], "dev-main");
    assert_eq!(
        dev_versions[0]["extra"]["branch-alias"]["dev-main"],
        "3.0.x-dev"
    );
}
