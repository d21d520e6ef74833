//! SPEC §9 remote mode: `packyard --server URL --token T …` from a directory with no data,
//! as CI runs it, including `publish --version` for zips made by `composer archive`.

use serde_json::json;

use crate::support::*;

/// A zip as `composer archive` makes it: composer.json without a version, at the root.
fn archive_without_version(name: &str) -> Vec<u8> {
    let manifest = json!({ "name": name, "type": "library" }).to_string();
    zip_of(&[
        ("composer.json", manifest.as_bytes()),
        ("src/A.php", b"<?php\n"),
    ])
}

backend_tests!(ci_publishes_and_manages_customers_without_the_data_dir);
fn ci_publishes_and_manages_customers_without_the_data_dir(backend: Backend) {
    let server = Server::start(backend);
    server.admin_token("ci@example.com");
    let (_, publish) = scoped_token(&server, "ci@example.com", "ci", "publish");
    let (_, admin) = scoped_token(&server, "ci@example.com", "ops", "admin");
    let elsewhere = tempfile::tempdir().unwrap();
    let cwd = elsewhere.path();
    let (ci, ops) = (
        Remote::at(&server, &publish, cwd),
        Remote::at(&server, &admin, cwd),
    );
    assert!(eventually(PROPAGATION, || ops
        .output(&["account", "list"])
        .status
        .success()));

    let (file, bytes) = package_zip("acme/remote", "2.0.0", json!({}));
    std::fs::write(cwd.join(&file), bytes).unwrap();
    let report = ci.json(&["publish", &file]);
    assert_eq!(
        report["published"],
        json!([{ "name": "acme/remote", "version": "2.0.0" }]),
        "{backend:?}"
    );
    let again = ci.json(&["publish", &file]);
    assert_eq!(again["skipped"][0]["version"], "2.0.0", "{backend:?}");

    std::fs::write(
        cwd.join("archived.zip"),
        archive_without_version("acme/archived"),
    )
    .unwrap();
    let missing = ci.output_json(&["publish", "archived.zip"]);
    assert!(
        !missing.status.success(),
        "{backend:?}: a zip without a version was published"
    );
    let versioned = ci.json(&["publish", "archived.zip", "--version", "3.1.0"]);
    assert_eq!(versioned["published"][0]["version"], "3.1.0", "{backend:?}");
    let clash = ci.output_json(&["publish", &file, "--version", "9.9.9"]);
    assert!(!clash.status.success(), "{backend:?}");
    assert!(
        String::from_utf8_lossy(&clash.stdout).contains("9.9.9"),
        "{backend:?}"
    );

    // A publish token cannot manage customers; an admin token can, end to end.
    let create = [
        "account",
        "create",
        "--email",
        "r@shop.example",
        "--name",
        "R",
    ];
    let refused = ci.output_json(&create);
    assert!(!refused.status.success(), "{backend:?}");
    let id = ops.json(&create)["id"].as_str().unwrap().to_string();
    ops.json(&[
        "product",
        "create",
        "remote",
        "--name",
        "Remote",
        "--packages",
        "acme/*",
    ]);
    ops.json(&["entitlement", "grant", &id, "remote"]);
    ops.json(&[
        "invoice",
        "add",
        &id,
        "R-1",
        "--amount",
        "5",
        "--currency",
        "EUR",
        "--due",
        "2031-01-01",
    ]);
    let key = ops.json(&["key", "create", &id, "--name", "laptop"]);
    let token = ops.json(&["token", "generate", &id]);
    assert_eq!(token["token"].as_str().unwrap().len(), 32, "{backend:?}");
    let release = cwd.join("Remote-1.0.zip");
    std::fs::write(&release, b"remote release").unwrap();
    let added = ci.json(&[
        "release",
        "add",
        "Remote-1.0.zip",
        "--type",
        "other",
        "--version",
        "1.0",
        "--product",
        "remote",
    ]);
    assert_eq!(added["outcome"], "added", "{backend:?}");
    server.wait_visible(
        key["public_key"].as_str().unwrap(),
        key["private_key"].as_str().unwrap(),
        "acme/archived",
    );

    let listed = ops.json(&["entitlement", "list", &id]);
    assert_eq!(
        listed["entitlements"][0]["product"], "remote",
        "{backend:?}"
    );
    assert!(
        std::fs::read_dir(cwd)
            .unwrap()
            .all(|e| e.unwrap().file_name() != "packyard-data"),
        "{backend:?}: a data dir was created"
    );
}
