//! SPEC §7: malformed input gets a clear error and changes nothing; a crash mid-publish
//! leaves nothing half-written.

use std::process::Stdio;

use serde_json::{Value, json};
use sha1::{Digest, Sha1};

use crate::support::*;

fn manifest_zip(manifest: &str) -> Vec<u8> {
    zip_of(&[
        ("pkg/composer.json", manifest.as_bytes()),
        ("pkg/src/A.php", b"<?php"),
    ])
}

/// Cases of (file name, bytes, expected piece of the error).
fn bad_archives() -> Vec<(&'static str, Vec<u8>, &'static str)> {
    vec![
        (
            "not-a-zip.zip",
            b"PK but not really a zip".to_vec(),
            "not a zip archive",
        ),
        ("empty.zip", zip_of(&[]), "no composer.json"),
        (
            "no-manifest.zip",
            zip_of(&[("pkg/src/A.php", b"<?php")]),
            "no composer.json",
        ),
        (
            "too-deep.zip",
            zip_of(&[(
                "a/b/composer.json",
                br#"{"name":"acme/deep","version":"1.0.0"}"#,
            )]),
            "no composer.json",
        ),
        (
            "invalid-json.zip",
            manifest_zip(r#"{"name": "acme/x", "version": "1.0.0",,}"#),
            "not valid JSON",
        ),
        ("array.zip", manifest_zip("[1, 2]"), "must be a JSON object"),
        (
            "no-name.zip",
            manifest_zip(r#"{"version": "1.0.0"}"#),
            "has no \"name\"",
        ),
        (
            "bad-name.zip",
            manifest_zip(r#"{"name": "Acme/Bad", "version": "1.0.0"}"#),
            "must be lowercase",
        ),
        (
            "bad-name2.zip",
            manifest_zip(r#"{"name": "acme", "version": "1.0.0"}"#),
            "invalid package name",
        ),
        (
            "no-version.zip",
            manifest_zip(r#"{"name": "acme/x"}"#),
            "has no \"version\"",
        ),
        (
            "bad-version.zip",
            manifest_zip(r#"{"name": "acme/x", "version": "banana"}"#),
            "invalid version string",
        ),
        (
            "alias-version.zip",
            manifest_zip(r#"{"name": "acme/x", "version": "1.0 as 2.0"}"#),
            "aliases",
        ),
        (
            "bad-time.zip",
            manifest_zip(r#"{"name": "acme/x", "version": "1.0.0", "time": "yesterday"}"#),
            "invalid \"time\"",
        ),
        (
            "traversal.zip",
            zip_of(&[
                (
                    "composer.json",
                    br#"{"name":"acme/evil","version":"1.0.0"}"#,
                ),
                ("../../evil.php", b"<?php"),
            ]),
            "points outside the archive",
        ),
        (
            "absolute.zip",
            zip_of(&[
                (
                    "composer.json",
                    br#"{"name":"acme/evil","version":"1.0.0"}"#,
                ),
                ("/etc/cron.d/evil", b"x"),
            ]),
            "points outside the archive",
        ),
        (
            "bomb.zip",
            zip_of(&[
                (
                    "composer.json",
                    br#"{"name":"acme/bomb","version":"1.0.0"}"#,
                ),
                ("zeros", &vec![0u8; 3 << 20]),
            ]),
            "zip bomb",
        ),
    ]
}

#[test]
fn publish_rejects_bad_archives_and_changes_nothing() {
    let server = Server::start(Backend::Sqlite);
    server.product("all", "Everything", "*/*", &["--public"]);
    let dir = server.work_dir("bad");
    for (name, bytes, expected) in bad_archives() {
        let path = dir.join(name);
        std::fs::write(&path, &bytes).unwrap();
        let out = server
            .command()
            .args(["--json", "publish", "--max-unpacked-mib", "2"])
            .arg(&path)
            .output()
            .unwrap();
        assert!(!out.status.success(), "{name} was accepted");
        let report: Value =
            serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("{name}: {e}"));
        let error = report["failed"][0]["error"].as_str().unwrap_or_default();
        assert!(
            error.contains(expected),
            "{name}: expected {expected:?} in {error:?}"
        );
        assert_eq!(report["published"], json!([]), "{name}");
    }
    // The customer is created after the attempts, so a snapshot that knows the customer
    // also reflects every attempt.
    let (_, public, private) = server.customer("bad@example.com");
    server.wait_accepted(&public, &private);
    assert_eq!(
        server.visible_packages(&public, &private),
        json!([]),
        "a rejected archive left a trace"
    );

    // A good archive still publishes, and the batch reports each file.
    let (good_name, good) = package_zip("acme/good", "1.0.0", json!({}));
    let report = server.publish(&[
        (good_name, good.clone()),
        ("not-a-zip.zip".into(), b"nope".to_vec()),
    ]);
    assert_eq!(
        report["published"],
        json!([{ "name": "acme/good", "version": "1.0.0" }])
    );
    assert_eq!(report["failed"].as_array().unwrap().len(), 1);
    let again = server.publish(&[("again.zip".into(), good)]);
    assert_eq!(
        again["skipped"].as_array().unwrap().len(),
        1,
        "same bytes are a no-op: {again}"
    );
    let (_, different) = package_zip("acme/good", "1.0.0", json!({ "description": "changed" }));
    let conflict = server.publish(&[("changed.zip".into(), different)]);
    assert!(
        conflict["failed"][0]["error"]
            .as_str()
            .unwrap()
            .contains("already published with different contents"),
        "{conflict}"
    );
    assert!(eventually(PROPAGATION, || server
        .visible_packages(&public, &private)
        == json!(["acme/good"])));
}

#[test]
fn kill_during_bulk_publish_leaves_only_whole_versions() {
    let server = Server::start(Backend::Sqlite);
    server.product("all", "Everything", "*/*", &["--public"]);
    let (_, public, private) = server.customer("crash@example.com");
    let dir = server.work_dir("crash");
    let mut args = vec!["publish".to_string()];
    for i in 0..400 {
        let (name, bytes) = package_zip(
            &format!("acme/crash{i:03}"),
            "1.0.0",
            json!({ "description": "x".repeat(2000) }),
        );
        std::fs::write(dir.join(&name), bytes).unwrap();
        args.push(dir.join(name).display().to_string());
    }
    let mut child = server
        .command()
        .args(&args)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let recorded = || {
        let list = server.cli_json(&["package", "list"]);
        list["packages"].as_array().map_or(0, Vec::len)
    };
    // Killed once the batch is under way (versions recorded), not after a guessed time.
    assert!(
        eventually(PROPAGATION * 10, || recorded() > 0),
        "the batch never started publishing"
    );
    child.kill().unwrap(); // SIGKILL
    child.wait().unwrap();

    server.wait_accepted(&public, &private);
    // Whatever the killed batch recorded becomes visible.
    let whole = recorded();
    let visible = || server.visible_packages(&public, &private);
    assert!(eventually(PROPAGATION, || visible()
        .as_array()
        .unwrap()
        .len()
        == whole));
    let names = visible();
    for name in names.as_array().unwrap() {
        let p2 = curl_as(
            &format!("{}/p2/{}.json", server.url, name.as_str().unwrap()),
            &public,
            &private,
            &[],
        )
        .json();
        let v = &p2["packages"][name.as_str().unwrap()][0];
        let dist = curl_as(v["dist"]["url"].as_str().unwrap(), &public, &private, &[]);
        assert_eq!(
            dist.status, 200,
            "{name}: version recorded without its archive"
        );
        assert_eq!(v["dist"]["shasum"], hex::encode(Sha1::digest(&dist.body)));
    }
    // The interrupted batch can simply be run again.
    let out = server.command().args(&args).output().unwrap();
    succeeded(out, "packyard publish");
    assert!(eventually(PROPAGATION, || server
        .visible_packages(&public, &private)
        .as_array()
        .unwrap()
        .len()
        == 400));
}
