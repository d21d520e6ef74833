//! SPEC §10: `packyard backup` taken while the server is busy (publishes and installs
//! running), restored into a fresh data directory, serves the same bytes.

use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

use serde_json::{Value, json};
use sha1::{Digest, Sha1};

use crate::support::*;

/// A server process that is killed when dropped, even when an assertion fails.
struct Running(Child);

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// `packyard serve` on an existing data directory; returns the process and its URL.
fn serve(data_dir: &std::path::Path) -> (Running, String) {
    let mut child = Command::new(BIN)
        .args(["serve", "--listen", "127.0.0.1:0", "--data-dir"])
        .arg(data_dir)
        .env_remove("PACKYARD_DATABASE_URL")
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let url = announced_url(&mut child);
    (Running(child), url)
}

/// name → version → dist shasum, from a server's metadata as `public:private` sees it.
fn catalog(url: &str, public: &str, private: &str) -> Value {
    let root = curl_as(&format!("{url}/packages.json"), public, private, &[]).json();
    let mut out = json!({});
    for name in root["available-packages"].as_array().unwrap() {
        let name = name.as_str().unwrap();
        let p2 = curl_as(&format!("{url}/p2/{name}.json"), public, private, &[]).json();
        for v in p2["packages"][name].as_array().unwrap() {
            let path = v["dist"]["url"].as_str().unwrap().trim_start_matches(url);
            out[name][v["version"].as_str().unwrap()] =
                json!({ "sha1": v["dist"]["shasum"], "path": path });
        }
    }
    out
}

#[test]
fn backup_under_load_restores_the_same_bytes() {
    let server = Server::start(Backend::Sqlite);
    server.product("all", "All", "acme/*", &[]);
    let (_, public, private) = server.licensed_customer("backup@example.com", &["all"]);
    let first: Vec<_> = (0..5)
        .map(|i| package_zip(&format!("acme/pkg{i}"), "1.0.0", json!({})))
        .collect();
    server.publish(&first);
    server.wait_visible(&public, &private, "acme/pkg4");

    let stop = AtomicBool::new(false);
    let rounds = AtomicUsize::new(0);
    let backup_dir = server.dir.path().join("backup");
    std::thread::scope(|s| {
        // Publishes and installs keep running while the backup is taken.
        s.spawn(|| {
            let mut n = 0;
            while !stop.load(Ordering::Relaxed) {
                n += 1;
                server.publish(&[package_zip("acme/busy", &format!("1.0.{n}"), json!({}))]);
                catalog(&server.url, &public, &private);
                rounds.fetch_add(1, Ordering::Relaxed);
            }
        });
        let started = eventually(PROPAGATION * 30, || rounds.load(Ordering::Relaxed) > 0);
        assert!(started, "the load never got going");
        let report = server.cli_json(&["backup", "--to", &backup_dir.display().to_string()]);
        stop.store(true, Ordering::Relaxed);
        assert!(
            rounds.load(Ordering::Relaxed) > 0,
            "no load ran during the backup"
        );
        assert!(
            report["manifest"]["artifacts"]["files"].as_u64().unwrap() >= 5,
            "{report}"
        );
    });

    // Restore refuses a non-empty target and an unfinished backup.
    let taken = server.work_dir("taken");
    std::fs::write(taken.join("x"), b"x").unwrap();
    let refused = Command::new(BIN)
        .arg("--data-dir")
        .arg(&taken)
        .args(["restore", "--from"])
        .arg(&backup_dir)
        .output()
        .unwrap();
    assert!(!refused.status.success());
    assert!(String::from_utf8_lossy(&refused.stderr).contains("not empty"));

    let fresh = tempfile::tempdir().unwrap();
    let restored_dir = fresh.path().join("restored");
    let out = Command::new(BIN)
        .arg("--data-dir")
        .arg(&restored_dir)
        .args(["restore", "--from"])
        .arg(&backup_dir)
        .env_remove("PACKYARD_DATABASE_URL")
        .output()
        .unwrap();
    succeeded(out, "restore");

    let (_restored_server, url) = serve(&restored_dir);
    let restored = catalog(&url, &public, &private);
    // The last version the load published may reach the running server a moment after the
    // load stopped (the change feed), while the restored one reads it at start.
    let covers = |original: &Value| {
        restored
            .as_object()
            .unwrap()
            .iter()
            .all(|(name, versions)| {
                versions
                    .as_object()
                    .unwrap()
                    .keys()
                    .all(|v| !original[name][v].is_null())
            })
    };
    let mut original = catalog(&server.url, &public, &private);
    let settled = eventually(PROPAGATION * 5, || {
        original = catalog(&server.url, &public, &private);
        covers(&original)
    });
    assert!(
        settled,
        "the running server never listed what the backup holds"
    );
    // Everything published before the backup is there, and every version the restored
    // server lists is byte-for-byte the original's.
    for i in 0..5 {
        let name = format!("acme/pkg{i}");
        assert_eq!(restored[&name], original[&name], "{name}");
    }
    for (name, versions) in restored.as_object().unwrap() {
        for (version, dist) in versions.as_object().unwrap() {
            assert_eq!(
                dist["sha1"], original[name][version]["sha1"],
                "{name} {version}"
            );
            let dist_url = format!("{url}{}", dist["path"].as_str().unwrap());
            let bytes = curl_as(&dist_url, &public, &private, &[]);
            assert_eq!(bytes.status, 200, "{name} {version}");
            assert_eq!(
                hex::encode(Sha1::digest(&bytes.body)),
                dist["sha1"].as_str().unwrap()
            );
        }
    }
}
