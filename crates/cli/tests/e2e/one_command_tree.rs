//! One command tree (issue 16) and remote tables (issue 22): every listing prints the same
//! human table and the same `--json` document whether it reads the database (local mode) or
//! a running server's admin API (`--server URL --token T`), and the commands that used to
//! be local-only (`user …`, `user key …`, `key import`, `explain`) work remotely too.

use std::path::Path;
use std::process::{Command, Output, Stdio};

use serde_json::json;

use crate::support::*;

/// The CLI in `cwd` (no data directory near), talking to `server` with `token`.
fn remote(server: &Server, cwd: &Path, token: &str, args: &[&str], input: &str) -> Output {
    let mut command = Command::new(BIN);
    command
        .args(["--server", &server.url, "--token", token])
        .args(args)
        .current_dir(cwd)
        .env_remove("PACKYARD_DATA_DIR")
        .env_remove("PACKYARD_DATABASE_URL")
        .stdin(Stdio::piped());
    run_with_input(&mut command, format!("{input}\n").as_bytes())
}

fn remote_ok(server: &Server, cwd: &Path, token: &str, args: &[&str]) -> String {
    succeeded(
        remote(server, cwd, token, args, ""),
        &format!("remote {args:?}"),
    )
}

backend_tests!(listings_print_the_same_in_local_and_remote_mode);
fn listings_print_the_same_in_local_and_remote_mode(backend: Backend) {
    let server = Server::start(backend);
    let token = server.admin_token("ops@example.com");
    let elsewhere = tempfile::tempdir().unwrap();
    let cwd = elsewhere.path();
    server.publish(&[package_zip("acme/tree", "1.0.0", json!({}))]);
    server.product("tree", "Tree", "acme/*", &[]);
    let (account, public, _) = server.licensed_customer("buyer@example.com", &["tree"]);
    server.invoice(&account, "INV-1", "100.00", "2099-01-01");
    server.cli(&[
        "user",
        "add",
        &account,
        "--email",
        "dev@example.com",
        "--role",
        "developer",
    ]);
    server.cli(&[
        "user",
        "key",
        "create",
        "dev@example.com",
        "--name",
        "laptop",
    ]);

    // What people read, written out for the account list: one line, standing included.
    let expected_accounts = format!("{account}  active buyer@example.com  Test Customer\n");
    assert_eq!(server.cli(&["account", "list"]), expected_accounts);

    let listings: Vec<Vec<&str>> = vec![
        vec!["account", "list"],
        vec!["account", "show", &account],
        vec!["key", "list", &account],
        vec!["invoice", "list"],
        vec!["invoice", "list", &account],
        vec!["entitlement", "list", &account],
        vec!["entitlement", "list"],
        vec!["product", "list"],
        vec!["user", "list", &account],
        vec!["user", "key", "list", "dev@example.com"],
        vec!["explain", &account, "acme/tree"],
        vec!["explain", "--key", &public, "acme/tree"],
    ];
    // The server's snapshot (which explain reads remotely) catches up within a second.
    let explained = ["explain", "--key", public.as_str(), "acme/tree"];
    assert!(eventually(PROPAGATION * 3, || {
        remote(&server, cwd, &token, &explained, "").stdout == server.cli(&explained).into_bytes()
    }));
    for args in &listings {
        let local = server.cli(args);
        let remote = remote_ok(&server, cwd, &token, args);
        assert_eq!(local, remote, "{backend:?}: text of {args:?}");
        assert!(
            !local.trim_start().starts_with('{') && !local.trim().is_empty(),
            "{backend:?}: {args:?} printed no table:\n{local}"
        );
        let json_args = [&["--json"][..], args].concat();
        let local_json = server.cli(&json_args);
        let remote_json = remote_ok(&server, cwd, &token, &json_args);
        assert_eq!(local_json, remote_json, "{backend:?}: --json of {args:?}");
        let document: serde_json::Value = serde_json::from_str(&local_json).unwrap();
        assert!(document.is_object(), "{args:?}: {local_json}");
    }
    assert!(
        server.cli(&["invoice", "list"]).contains("INV-1"),
        "the invoice table names the invoice"
    );

    // The other groups print local mode's text remotely too (some lists are empty here).
    let others: [&[&str]; 9] = [
        &["operator", "list"],
        &["operator", "token", "list"],
        &["release", "list"],
        &["advisory", "list"],
        &["version", "recalls"],
        &["notice", "list"],
        &["upstream", "list"],
        &["repo", "list"],
        &["package", "show", "acme/tree"],
    ];
    for args in others {
        let local = server.cli(args);
        let remote = remote_ok(&server, cwd, &token, args);
        assert_eq!(local, remote, "{backend:?}: text of {args:?}");
        assert!(!remote.trim_start().starts_with('{'), "{args:?}: {remote}");
    }
}

backend_tests!(users_personal_keys_and_imports_work_remotely);
fn users_personal_keys_and_imports_work_remotely(backend: Backend) {
    let server = Server::start(backend);
    let token = server.admin_token("ops@example.com");
    let elsewhere = tempfile::tempdir().unwrap();
    let cwd = elsewhere.path();
    let (account, _, _) = server.customer("buyer@example.com");

    let added = remote_ok(
        &server,
        cwd,
        &token,
        &[
            "user",
            "add",
            &account,
            "--email",
            "dev@example.com",
            "--role",
            "developer",
        ],
    );
    assert!(
        added.contains("is now developer of") && added.contains("/account/password/"),
        "{added}"
    );
    remote_ok(
        &server,
        cwd,
        &token,
        &["user", "set-role", &account, "dev@example.com", "billing"],
    );
    let users = server.cli(&["user", "list", &account]);
    assert!(users.contains("dev@example.com  billing"), "{users}");

    let created = remote_ok(
        &server,
        cwd,
        &token,
        &[
            "--json",
            "user",
            "key",
            "create",
            "dev@example.com",
            "--name",
            "laptop",
        ],
    );
    let created: serde_json::Value = serde_json::from_str(&created).unwrap();
    let personal = created["public_key"].as_str().unwrap();
    assert!(
        server
            .cli(&["user", "key", "list", "dev@example.com"])
            .contains(personal)
    );

    let public = "P".repeat(32);
    let import = [
        "key",
        "import",
        &account,
        "--name",
        "moved",
        "--public-key",
        &public,
    ];
    let imported = remote(
        &server,
        cwd,
        &token,
        &[&import[..], &["--private-key-stdin"]].concat(),
        &"q".repeat(32),
    );
    succeeded(imported, "remote key import");
    assert!(server.cli(&["key", "list", &account]).contains(&public));

    remote_ok(
        &server,
        cwd,
        &token,
        &["user", "remove", &account, "dev@example.com"],
    );
    let users = server.cli(&["user", "list", &account]);
    assert!(!users.contains("dev@example.com"), "{users}");
}
