//! Mirroring upstream repositories (SPEC §15) against real upstreams started here: another
//! `packyard serve` with access keys standing in for repo.magento.com, and a static Composer
//! repository standing in for packagist.org. Composer installs through one URL and one key.

use serde_json::{Value, json};
use std::path::{Path, PathBuf};

use crate::support::*;

mod dists;
mod grants;
mod operators;
mod refresh;

/// A secrets key file for `--secrets-key-file` inside `dir`.
pub(super) fn secrets_key(dir: &Path) -> PathBuf {
    let path = dir.join("secrets.key");
    std::fs::write(&path, format!("{}\n", "5a".repeat(32))).unwrap();
    path
}

/// Waits until the server's snapshot includes the upstreams and the account's licences (the
/// root then lists the licensed patterns).
fn wait_for_upstreams(server: &Server, public: &str, private: &str) {
    wait_for_patterns(server, public, private, &[]);
}

/// Waits until the root offers mirrored names (an upstream is known) under at least the
/// `expected` patterns for this key pair.
pub(super) fn wait_for_patterns(server: &Server, public: &str, private: &str, expected: &[&str]) {
    let offered = || {
        let root = server.get_as("/packages.json", public, private);
        let Ok(doc) = serde_json::from_str::<Value>(&root.text()) else {
            return false;
        };
        let Some(patterns) = doc["available-package-patterns"].as_array() else {
            return false;
        };
        expected.iter().all(|e| patterns.iter().any(|p| p == e))
    };
    assert!(
        eventually(PROPAGATION * 3, offered),
        "the root never offered the mirrored patterns {expected:?}"
    );
}

/// The magento stand-in: a packyard with `magento/*` for one customer; its key pair.
pub(super) fn magento_stand_in() -> (Server, String, String) {
    let magento = Server::start(Backend::Sqlite);
    magento.product("mage", "Magento", "magento/*", &[]);
    let (_, public, private) = magento.licensed_customer("agency@example.com", &["mage"]);
    magento.publish(&[
        package_zip(
            "magento/module-foo",
            "1.0.0",
            json!({ "require": { "psr/log": "^1.0" } }),
        ),
        package_zip("magento/module-bar", "2.0.0", json!({})),
    ]);
    (magento, public, private)
}

backend_tests!(one_url_and_one_key_serve_own_and_mirrored_packages);
fn one_url_and_one_key_serve_own_and_mirrored_packages(backend: Backend) {
    let mut packagist = StaticRepo::start(json!({}));
    packagist.add("psr/log", "1.0.0", "2023-01-01", json!({}));
    packagist.add("psr/log", "1.1.0", "2024-01-01", json!({}));
    packagist.add("acme/shared", "5.0.0", "2024-01-01", json!({}));
    let (mut magento, mage_public, mage_private) = magento_stand_in();

    let keys = tempfile::tempdir().unwrap();
    let key = secrets_key(keys.path());
    let key = key.to_str().unwrap();
    let ours = Server::start_with(backend, &["--secrets-key-file", key]);
    ours.publish(&[
        package_zip(
            "acme/app",
            "1.0.0",
            json!({ "require": { "magento/module-foo": "^1.0", "acme/shared": "*" } }),
        ),
        package_zip("acme/shared", "1.0.0", json!({})),
    ]);
    ours.product("own", "Own", "acme/*", &[]);
    ours.product("mage", "Magento", "magento/*", &[]);
    ours.product("php", "PHP libraries", "psr/*", &[]);
    let (account, public, private) = ours.licensed_customer("dev@example.com", &["own"]);
    let refused = ours.cli_output(&[
        "upstream",
        "add",
        "m",
        &magento.url,
        "--username",
        "u",
        "--password-stdin",
    ]);
    assert_failed_with(&refused, "--secrets-key-file");
    ours.cli(&[
        "upstream",
        "add",
        "packagist",
        &packagist.url,
        "--priority",
        "10",
    ]);
    let add_magento = [
        "--secrets-key-file",
        key,
        "upstream",
        "add",
        "magento",
        &magento.url,
        "--username",
        &mage_public,
        "--password-stdin",
        "--packages",
        "magento/*",
        "--priority",
        "1",
    ];
    ours.cli_with_stdin(&add_magento, &mage_private);
    // A typo in the keys of a second account: its upstream is asked first for module-bar.
    let add_typo = [
        "--secrets-key-file",
        key,
        "upstream",
        "add",
        "magento-typo",
        &magento.url,
        "--username",
        &mage_public,
        "--password-stdin",
        "--packages",
        "magento/module-bar",
    ];
    ours.cli_with_stdin(&add_typo, "not-the-private-key");
    let shown = ours.cli(&["--json", "upstream", "show", "magento"]);
    assert!(
        !shown.contains(&mage_private),
        "credentials are never shown: {shown}"
    );
    let stored = std::fs::read(ours.dir.path().join("data/packyard.sqlite3")).unwrap_or_default();
    assert!(
        !stored
            .windows(mage_private.len())
            .any(|w| w == mage_private.as_bytes()),
        "credentials are not stored in clear"
    );

    // Licences granted after the upstreams were added (the order must not matter).
    ours.grant(&account, &["mage"]);
    ours.grant(&account, &["php"]);
    wait_for_patterns(&ours, &public, &private, &["magento/*", "psr/*"]);

    let dev = Developer::new(&ours, "dev", &public, &private);
    let shop = dev.project(&ours, "shop");
    dev.composer_ok(&shop, &["require", "acme/app:^1.0"]);
    assert_eq!(
        locked_version(&shop, "magento/module-foo").as_deref(),
        Some("1.0.0")
    );
    assert_eq!(locked_version(&shop, "psr/log").as_deref(), Some("1.1.0"));
    assert_eq!(
        locked_version(&shop, "acme/shared").as_deref(),
        Some("1.0.0"),
        "our own acme/shared wins over packagist's 5.0.0"
    );
    let lock = std::fs::read_to_string(shop.join("composer.lock")).unwrap();
    assert!(
        !lock.contains(&packagist.url) && !lock.contains(&magento.url),
        "{lock}"
    );
    assert!(shop.join("vendor/psr/log/composer.json").is_file());

    let (ok, out) = dev.composer(&shop, &["require", "magento/module-bar:^2.0"]);
    assert!(!ok, "{out}");
    assert!(
        out.contains("upstream magento-typo refused our credentials"),
        "{out}"
    );

    let views = ours.cli_json(&["upstream", "list"]);
    let magento_view = &views["upstreams"].as_array().unwrap()[1];
    assert_eq!(magento_view["name"], "magento");
    assert!(
        views["upstreams"][0]["last_error"]
            .as_str()
            .unwrap_or("")
            .contains("401"),
        "{views}"
    );

    packagist.stop();
    magento.kill();
    std::fs::remove_dir_all(dev.home.join("cache")).unwrap();
    std::fs::remove_dir_all(shop.join("vendor")).unwrap();
    dev.composer_ok(&shop, &["install"]);
    assert!(
        shop.join("vendor/magento/module-foo/composer.json")
            .is_file()
    );
    let second = dev.project(&ours, "second-shop");
    std::fs::remove_dir_all(dev.home.join("cache")).unwrap();
    dev.composer_ok(&second, &["require", "acme/app:^1.0"]);
    assert_eq!(locked_version(&second, "psr/log").as_deref(), Some("1.1.0"));
}

backend_tests!(unlicensed_mirrored_names_stay_hidden_and_uncached_dists_answer_502);
fn unlicensed_mirrored_names_stay_hidden_and_uncached_dists_answer_502(backend: Backend) {
    let mut packagist = StaticRepo::start(json!({}));
    packagist.add("psr/log", "1.0.0", "2023-01-01", json!({}));
    packagist.add("psr/cache", "1.0.0", "2023-01-01", json!({}));
    let ours = Server::start(backend);
    ours.product("php", "PHP libraries", "psr/log", &[]);
    let (_, public, private) = ours.licensed_customer("dev@example.com", &["php"]);
    ours.cli(&["upstream", "add", "packagist", &packagist.url]);
    wait_for_upstreams(&ours, &public, &private);
    assert_eq!(
        ours.get_as("/p2/psr/cache.json", &public, &private).status,
        404
    );
    let p2 = ours.get_as("/p2/psr/log.json", &public, &private);
    assert_eq!(p2.status, 200);
    let doc: Value = serde_json::from_str(&p2.text()).unwrap();
    let version = &doc["packages"]["psr/log"][0];
    let dist = version["dist"]["url"].as_str().unwrap().to_string();
    assert!(dist.starts_with(&ours.url), "{dist}");
    assert_eq!(
        version["dist"]["reference"].as_str().unwrap().len(),
        40,
        "null reference filled"
    );

    packagist.stop();
    let path = dist.strip_prefix(&ours.url).unwrap();
    let answer = ours.get_as(path, &public, &private);
    assert_eq!(answer.status, 502);
    assert!(answer.text().contains("\"warning\""), "{}", answer.text());
    assert!(
        answer.text().contains("could not be reached"),
        "{}",
        answer.text()
    );
    assert_eq!(
        ours.get_as("/p2/psr/log.json", &public, &private).status,
        200,
        "cached metadata stays"
    );
    packagist.resume();
    assert_eq!(ours.get_as(path, &public, &private).status, 200);
}
