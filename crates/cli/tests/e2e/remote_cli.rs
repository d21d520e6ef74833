//! SPEC §9 remote mode: `packyard --server URL --token T …` from a directory with no data,
//! as CI runs it, including `publish --version` for zips made by `composer archive`.

use std::path::Path;
use std::process::Command;

use serde_json::{Value, json};

use crate::support::*;

/// The CLI in `cwd` (no data directory anywhere near), talking to `server` with `token`.
pub(crate) fn remote(
    server: &Server,
    cwd: &Path,
    token: &str,
    args: &[&str],
) -> std::process::Output {
    Command::new(BIN)
        .args(["--json", "--server", &server.url, "--token", token])
        .args(args)
        .current_dir(cwd)
        .env_remove("PACKYARD_DATA_DIR")
        .env_remove("PACKYARD_DATABASE_URL")
        .output()
        .unwrap()
}

pub(crate) fn remote_ok(server: &Server, cwd: &Path, token: &str, args: &[&str]) -> Value {
    let out = remote(server, cwd, token, args);
    serde_json::from_str(&succeeded(out, &format!("{args:?}"))).unwrap()
}

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
    assert!(eventually(PROPAGATION, || remote(
        &server,
        cwd,
        &admin,
        &["account", "list"]
    )
    .status
    .success()));

    let (file, bytes) = package_zip("acme/remote", "2.0.0", json!({}));
    std::fs::write(cwd.join(&file), bytes).unwrap();
    let report = remote_ok(&server, cwd, &publish, &["publish", &file]);
    assert_eq!(
        report["published"],
        json!([{ "name": "acme/remote", "version": "2.0.0" }]),
        "{backend:?}"
    );
    let again = remote_ok(&server, cwd, &publish, &["publish", &file]);
    assert_eq!(again["skipped"][0]["version"], "2.0.0", "{backend:?}");

    std::fs::write(
        cwd.join("archived.zip"),
        archive_without_version("acme/archived"),
    )
    .unwrap();
    let missing = remote(&server, cwd, &publish, &["publish", "archived.zip"]);
    assert!(
        !missing.status.success(),
        "{backend:?}: a zip without a version was published"
    );
    let versioned = remote_ok(
        &server,
        cwd,
        &publish,
        &["publish", "archived.zip", "--version", "3.1.0"],
    );
    assert_eq!(versioned["published"][0]["version"], "3.1.0", "{backend:?}");
    let clash = remote(
        &server,
        cwd,
        &publish,
        &["publish", &file, "--version", "9.9.9"],
    );
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
    let refused = remote(&server, cwd, &publish, &create);
    assert!(!refused.status.success(), "{backend:?}");
    let id = remote_ok(&server, cwd, &admin, &create)["id"]
        .as_str()
        .unwrap()
        .to_string();
    remote_ok(
        &server,
        cwd,
        &admin,
        &[
            "product",
            "create",
            "remote",
            "--name",
            "Remote",
            "--packages",
            "acme/*",
        ],
    );
    remote_ok(
        &server,
        cwd,
        &admin,
        &["entitlement", "grant", &id, "remote"],
    );
    remote_ok(
        &server,
        cwd,
        &admin,
        &[
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
        ],
    );
    let key = remote_ok(
        &server,
        cwd,
        &admin,
        &["key", "create", &id, "--name", "laptop"],
    );
    let token = remote_ok(&server, cwd, &admin, &["token", "generate", &id]);
    assert_eq!(token["token"].as_str().unwrap().len(), 32, "{backend:?}");
    let release = cwd.join("Remote-1.0.zip");
    std::fs::write(&release, b"remote release").unwrap();
    let added = remote_ok(
        &server,
        cwd,
        &publish,
        &[
            "release",
            "add",
            "Remote-1.0.zip",
            "--type",
            "other",
            "--version",
            "1.0",
            "--product",
            "remote",
        ],
    );
    assert_eq!(added["outcome"], "added", "{backend:?}");
    server.wait_visible(
        key["public_key"].as_str().unwrap(),
        key["private_key"].as_str().unwrap(),
        "acme/archived",
    );

    let listed = remote_ok(&server, cwd, &admin, &["entitlement", "list", &id]);
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
