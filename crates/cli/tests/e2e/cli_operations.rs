//! Issue 11's command-line fixes: operations that were missing, messages that misled a new
//! user, `--json` shapes (RFC 3339 times), completions and the refusal to start an empty
//! installation by accident.

use serde_json::json;

use crate::support::*;

fn stderr_of(server: &Server, args: &[&str]) -> String {
    let out = server.cli_output(args);
    assert!(!out.status.success(), "{args:?} succeeded");
    String::from_utf8_lossy(&out.stderr).into_owned()
}

backend_tests!(missing_operations_exist_and_say_what_they_did);
fn missing_operations_exist_and_say_what_they_did(backend: Backend) {
    let server = Server::start(backend);
    let (id, _, _) = server.customer("ops@shop.example");
    server.product("pro", "Pro", "acme/*", &[]);
    server.product("tmp", "Tmp", "tmp/*", &[]);

    // Granting again says what changed.
    let grant = |until| ["entitlement", "grant", &id, "pro", "--updates-until", until];
    let first = server.cli(&grant("2025-01-31"));
    assert!(
        first.contains("releases up to 2025-01-31"),
        "{backend:?}: {first}"
    );
    let same = server.cli(&grant("2025-01-31"));
    assert!(same.contains("nothing changed"), "{backend:?}: {same}");
    let changed = server.cli_json(&grant("2026-06-30"));
    assert_eq!(
        changed["change"],
        json!({ "change": "changed", "previous": "2025-01-31" })
    );
    let listed = server.cli_json(&["entitlement", "list", &id]);
    assert_eq!(listed["entitlements"][0]["product"], "pro", "{backend:?}");
    assert_eq!(listed["entitlements"][0]["updates_until"], "2026-06-30");

    // account show lists licences; rename and email change; reopen.
    let shown = server.cli(&["account", "show", &id]);
    assert!(
        shown.contains("licences: 1") && shown.contains("pro (2026-06-30)"),
        "{shown}"
    );
    let updated = server.cli_json(&[
        "account",
        "update",
        &id,
        "--name",
        "Shop AG",
        "--email",
        "new@shop.example",
    ]);
    assert_eq!(updated["account"]["name"], "Shop AG", "{backend:?}");
    assert_eq!(updated["account"]["email"], "new@shop.example");
    assert!(stderr_of(&server, &["account", "update", &id]).contains("nothing to change"));
    server.cli(&["account", "close", &id]);
    let reopened = server.cli_json(&["account", "reopen", &id]);
    assert_eq!(reopened["status"], "active", "{backend:?}");

    // Invoices are listed with their account.
    server.cli(&[
        "invoice",
        "add",
        &id,
        "INV-7",
        "--amount",
        "12.50",
        "--currency",
        "EUR",
        "--due",
        "2030-01-01",
    ]);
    let invoices = server.cli_json(&["invoice", "list"]);
    assert_eq!(invoices["invoices"][0]["number"], "INV-7", "{backend:?}");
    assert_eq!(invoices["invoices"][0]["account"], id.as_str());

    // Products change and go; one still in use is refused with the reason.
    let p = server.cli_json(&[
        "product",
        "update",
        "tmp",
        "--name",
        "Temp",
        "--packages",
        "tmp/a,tmp/b",
        "--public",
        "true",
    ]);
    assert_eq!(p["patterns"], json!(["tmp/a", "tmp/b"]), "{backend:?}");
    assert_eq!(p["public"], true);
    assert!(
        stderr_of(&server, &["product", "delete", "pro"]).contains("still used by 1 entitlement")
    );
    server.cli(&["product", "delete", "tmp"]);
    let products = server.cli_json(&["product", "list"]);
    assert_eq!(
        products["products"].as_array().unwrap().len(),
        1,
        "{backend:?}"
    );

    // Releases can be deleted; the release-type error says it once.
    let file = server.work_dir("rel").join("Acme-1.0.tar.gz");
    std::fs::write(&file, b"release bytes").unwrap();
    let path = file.display().to_string();
    let err = stderr_of(
        &server,
        &[
            "release",
            "add",
            &path,
            "--type",
            "full",
            "--version",
            "1.0",
            "--product",
            "pro",
        ],
    );
    assert_eq!(
        err.matches("must be one of").count(),
        1,
        "{backend:?}: {err}"
    );
    server.cli(&[
        "release",
        "add",
        &path,
        "--type",
        "other",
        "--version",
        "1.0",
        "--product",
        "pro",
    ]);
    server.cli(&["release", "delete", "Acme-1.0.tar.gz"]);
    assert_eq!(server.cli_json(&["release", "list"])["releases"], json!([]));

    // --json times are RFC 3339.
    let accounts = server.cli_json(&["account", "list"]);
    let created = accounts["accounts"][0]["created_at"]
        .as_str()
        .unwrap_or_default();
    assert!(
        chrono::DateTime::parse_from_rfc3339(created).is_ok(),
        "{created:?}"
    );
}

#[test]
fn passwords_and_messages_a_new_user_meets() {
    let server = Server::start(Backend::Sqlite);
    let (id, _, _) = server.customer("pw@shop.example");
    // The flag the README and the back office print is accepted.
    server.cli_with_stdin(
        &["account", "set-password", &id, "--password-stdin"],
        "a new password 1",
    );
    let login = PortalClient::new(&server).login("/login", "pw@shop.example", "a new password 1");
    assert_eq!(login.status, 303);

    // The download interface shows the server's real scheme, and a refused token points at
    // the portal page that makes a new one.
    let token = server.cli_json(&["token", "generate", &id])["token"]
        .as_str()
        .unwrap()
        .to_string();
    let help_url = format!("{}/products/downloads/info/help", server.url);
    let help = eventually(PROPAGATION, || {
        curl_as(&help_url, &id, &token, &[]).status == 200
    });
    assert!(help);
    let text = curl_as(&help_url, &id, &token, &[]).text();
    assert!(
        text.contains(&format!("http://ACCOUNT_ID:TOKEN@{}", server.host)),
        "{text}"
    );
    assert!(!text.contains("https://"), "{text}");
    let refused = curl_as(&help_url, &id, "wrong", &[]);
    assert_eq!(refused.status, 401);
    assert!(
        refused
            .text()
            .contains(&format!("{}/account/token", server.url)),
        "{}",
        refused.text()
    );

    // Unknown portal pages render the error page.
    for path in ["/account/nope", "/admin/nope/deeper"] {
        let page = curl(&format!("{}{path}", server.url), &[]);
        assert_eq!(page.status, 404, "{path}");
        assert!(
            page.text().contains("<html") && page.text().contains("no such page"),
            "{path}: {}",
            page.text()
        );
    }
}

#[test]
fn commands_refuse_an_empty_data_dir_and_complete_in_shells() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("typo");
    let out = std::process::Command::new(BIN)
        .args(["account", "list", "--data-dir"])
        .arg(&missing)
        .env_remove("PACKYARD_DATABASE_URL")
        .output()
        .unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains(&missing.display().to_string()), "{err}");
    assert!(
        !missing.exists(),
        "the command created {}",
        missing.display()
    );

    // The environment gives every option: here the data dir and --json.
    let created = std::process::Command::new(BIN)
        .arg("migrate")
        .env("PACKYARD_DATA_DIR", &missing)
        .env("PACKYARD_JSON", "true")
        .output()
        .unwrap();
    assert!(created.status.success());
    assert_eq!(
        String::from_utf8_lossy(&created.stdout).trim(),
        r#"{"migrated":"sqlite"}"#
    );

    for shell in ["bash", "zsh", "fish"] {
        let out = std::process::Command::new(BIN)
            .args(["completions", shell])
            .output()
            .unwrap();
        assert!(out.status.success(), "{shell}");
        let script = String::from_utf8_lossy(&out.stdout);
        for word in ["operator", "entitlement", "backup", "--data-dir"] {
            assert!(script.contains(word), "{shell} completion lacks {word}");
        }
    }
    let bash = std::process::Command::new("bash")
        .arg("-c")
        .arg(format!(
            "source <({BIN} completions bash) && complete -p packyard"
        ))
        .output()
        .unwrap();
    succeeded(bash, "bash completion");
}
