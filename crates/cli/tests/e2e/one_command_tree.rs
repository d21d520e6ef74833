//! One command tree (issue 16) and remote tables (issue 22): every command prints the same
//! human text and the same `--json` document whether it works on the database (local mode)
//! or through a running server's admin API (`--server URL --token T`): the listings of every
//! group here, the changes in `changes`. The commands that used to be local-only (`user …`,
//! `user key …`, `key import`, `explain`) work remotely too.

mod changes;

use serde_json::json;

use crate::support::*;

/// What a `--secret-stdin` webhook secret must be longer than.
const WEBHOOK_SECRET: &str =
    "a-webhook-secret-longer-than-sixty-four-bytes-so-none-is-generated-for-it";

/// Something in every group: a package in a product, a licensed customer with an invoice, a
/// developer with a personal key, an advisory, a recall, a notice, a release, a git
/// repository and an upstream. Returns (account, public key, admin token).
fn installation(server: &Server) -> (String, String, String) {
    let token = server.admin_token("ops@example.com");
    server.publish(&[package_zip("acme/tree", "1.0.0", json!({}))]);
    server.product("tree", "Tree", "acme/*", &[]);
    let (account, public, _) = server.licensed_customer("buyer@example.com", &["tree"]);
    server.invoice(&account, "INV-1", "100.00", "2099-01-01");
    let developer = ["--email", "dev@example.com", "--role", "developer"];
    server.cli(&[&["user", "add", &account][..], &developer].concat());
    let laptop = ["dev@example.com", "--name", "laptop"];
    server.cli(&[&["user", "key", "create"][..], &laptop].concat());
    let leak = ["acme/tree", "--affected", "<2", "--title", "Leaks"];
    server.cli(&[&["advisory", "add"][..], &leak].concat());
    server.cli(&["version", "recall", "acme/tree", "1.0.0", "--reason", "bad"]);
    server.cli(&["notice", "set", "maintenance", "--kind", "info"]);
    let release = server.work_dir("releases").join("Tree-1.0.zip");
    std::fs::write(&release, b"the tree release").unwrap();
    let path = release.display().to_string();
    let kind = ["--type", "other", "--version", "1.0", "--product", "tree"];
    server.cli(&[&["release", "add", &path][..], &kind].concat());
    server.cli_with_stdin(
        &[
            "repo",
            "add",
            &bare_repo(server, "tree.git"),
            "--secret-stdin",
        ],
        WEBHOOK_SECRET,
    );
    server.cli(&["upstream", "add", "vendor", "https://vendor.invalid"]);
    (account, public, token)
}

/// A new empty bare git repository under the server's directory; its path.
fn bare_repo(server: &Server, name: &str) -> String {
    let repo = server.work_dir(name);
    let init = std::process::Command::new("git")
        .args(["init", "-q", "--bare"])
        .arg(&repo)
        .status();
    assert!(init.unwrap().success());
    repo.display().to_string()
}

backend_tests!(listings_print_the_same_in_local_and_remote_mode);
fn listings_print_the_same_in_local_and_remote_mode(backend: Backend) {
    let server = Server::start(backend);
    let (account, public, token) = installation(&server);
    let remote = Remote::new(&server, &token);

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
        vec!["operator", "list"],
        vec!["operator", "token", "list"],
        vec!["operator", "token", "list", "--email", "ops@example.com"],
        vec!["release", "list"],
        vec!["advisory", "list"],
        vec!["advisory", "list", "acme/tree"],
        vec!["version", "recalls"],
        vec!["version", "recalls", "acme/tree"],
        vec!["notice", "list"],
        vec!["upstream", "list"],
        vec!["upstream", "show", "vendor"],
        vec!["repo", "list"],
        vec!["repo", "show", "1"],
        vec!["package", "list"],
        vec!["package", "show", "acme/tree"],
    ];
    // The server's snapshot (which explain reads remotely) catches up within a second.
    let explained = ["explain", "--key", public.as_str(), "acme/tree"];
    assert!(eventually(PROPAGATION * 3, || {
        remote.output(&explained).stdout == server.cli(&explained).into_bytes()
    }));
    for args in &listings {
        let local = server.cli(args);
        assert_eq!(local, remote.ok(args), "{backend:?}: text of {args:?}");
        assert!(
            !local.trim_start().starts_with('{') && !local.trim().is_empty(),
            "{backend:?}: {args:?} printed no table:\n{local}"
        );
        let local_json = server.cli_json(args);
        assert_eq!(
            local_json,
            remote.json(args),
            "{backend:?}: --json of {args:?}"
        );
        assert!(local_json.is_object(), "{args:?}: {local_json}");
    }
    assert!(
        server.cli(&["invoice", "list"]).contains("INV-1"),
        "the invoice table names the invoice"
    );
    let packages = server.cli(&["package", "list"]);
    assert!(
        packages.contains("acme/tree  1 version(s)  latest 1.0.0  0 install(s)"),
        "{packages}"
    );
}

backend_tests!(users_personal_keys_and_imports_work_remotely);
fn users_personal_keys_and_imports_work_remotely(backend: Backend) {
    let server = Server::start(backend);
    let token = server.admin_token("ops@example.com");
    let remote = Remote::new(&server, &token);
    let (account, _, _) = server.customer("buyer@example.com");

    let developer = ["--email", "dev@example.com", "--role", "developer"];
    let added = remote.ok(&[&["user", "add", &account][..], &developer].concat());
    assert!(
        added.contains("is now developer of") && added.contains("/account/password/"),
        "{added}"
    );
    remote.ok(&["user", "set-role", &account, "dev@example.com", "billing"]);
    let users = server.cli(&["user", "list", &account]);
    assert!(users.contains("dev@example.com  billing"), "{users}");

    let created = remote.json(&[
        "user",
        "key",
        "create",
        "dev@example.com",
        "--name",
        "laptop",
    ]);
    let personal = created["public_key"].as_str().unwrap();
    assert!(
        server
            .cli(&["user", "key", "list", "dev@example.com"])
            .contains(personal)
    );

    let public = "P".repeat(32);
    let pair = ["--public-key", &public, "--private-key-stdin"];
    let import = [&["key", "import", &account, "--name", "moved"][..], &pair].concat();
    succeeded(
        remote.output_with_input(&import, &"q".repeat(32)),
        "remote key import",
    );
    assert!(server.cli(&["key", "list", &account]).contains(&public));

    remote.ok(&["user", "remove", &account, "dev@example.com"]);
    let users = server.cli(&["user", "list", &account]);
    assert!(!users.contains("dev@example.com"), "{users}");
}
