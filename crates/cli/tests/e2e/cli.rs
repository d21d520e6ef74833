//! SPEC §5: command names, `--json` shapes, one-line errors with a non-zero exit.

use serde_json::json;

use crate::support::*;

fn fails_with(server: &Server, args: &[&str], expected: &str) {
    let out = server.cli_output(args);
    assert!(!out.status.success(), "{args:?} succeeded");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(
        stderr.trim_end().lines().count(),
        1,
        "{args:?}: error is not one line: {stderr}"
    );
    assert!(
        stderr.contains(expected),
        "{args:?}: expected {expected:?} in {stderr}"
    );
}

#[test]
fn json_shapes_and_errors() {
    for backend in backends() {
        let server = Server::start(backend);
        let created = server.cli_json(&[
            "account",
            "create",
            "--email",
            "Dev@Example.com",
            "--name",
            "Acme GmbH",
        ]);
        assert_eq!(created, json!({ "id": "MAG000000001" }));
        let human = server.cli(&[
            "account",
            "create",
            "--email",
            "two@example.com",
            "--name",
            "Two",
        ]);
        assert_eq!(human.trim(), "MAG000000002");

        let key = server.cli_json(&["key", "create", "MAG000000001", "--name", "Jane's laptop"]);
        let public = key["public_key"].as_str().unwrap();
        let private = key["private_key"].as_str().unwrap();
        assert_eq!(key["name"], "Jane's laptop");
        for k in [public, private] {
            assert_eq!(k.len(), 32);
            assert!(k.bytes().all(|b| b.is_ascii_alphanumeric()));
        }
        let listed = server.cli(&["key", "list", "MAG000000001"]);
        assert!(
            listed.contains(public) && !listed.contains(private),
            "the private key is shown only once"
        );

        let token = server.cli_json(&["token", "generate", "MAG000000001"]);
        assert_eq!(token["token"].as_str().unwrap().len(), 32);

        server.cli(&[
            "product",
            "create",
            "acme-pro",
            "--name",
            "Acme Pro",
            "--packages",
            "acme/*,acme/extra",
        ]);
        server.cli(&[
            "entitlement",
            "grant",
            "MAG000000001",
            "acme-pro",
            "--updates-until",
            "2025-01-31",
        ]);
        server.cli(&[
            "invoice",
            "add",
            "MAG000000001",
            "INV-1",
            "--amount",
            "100.00",
            "--currency",
            "EUR",
            "--due",
            "2026-12-31",
        ]);
        let paid = server.cli_json(&["invoice", "pay", "INV-1"]);
        // SPEC §10: RFC 3339 timestamps in JSON.
        let paid_at = paid["paid_at"].as_str().unwrap_or_default();
        assert!(
            chrono::DateTime::parse_from_rfc3339(paid_at).is_ok(),
            "{backend:?}: paid_at {paid_at:?}"
        );

        fails_with(
            &server,
            &["account", "show", "MAG999999999"],
            "no account with id",
        );
        fails_with(&server, &["key", "disable", "nosuchkey"], "no access key");
        fails_with(
            &server,
            &["key", "create", "MAG000000404", "--name", "x"],
            "no account with id",
        );
        fails_with(
            &server,
            &["entitlement", "grant", "MAG000000001", "nope"],
            "no product with slug",
        );
        fails_with(
            &server,
            &[
                "entitlement",
                "grant",
                "MAG000000001",
                "acme-pro",
                "--updates-until",
                "2025-13-01",
            ],
            "YYYY-MM-DD",
        );
        fails_with(
            &server,
            &[
                "invoice",
                "add",
                "MAG000000001",
                "INV-2",
                "--amount",
                "ten",
                "--currency",
                "EUR",
                "--due",
                "2026-01-01",
            ],
            "amount",
        );
        fails_with(&server, &["invoice", "pay", "INV-404"], "no invoice");
        fails_with(
            &server,
            &[
                "account",
                "create",
                "--email",
                "dev@example.com",
                "--name",
                "Dup",
            ],
            "already exists",
        );
        fails_with(
            &server,
            &[
                "product",
                "create",
                "Bad Slug",
                "--name",
                "x",
                "--packages",
                "acme/*",
            ],
            "slug",
        );
        fails_with(
            &server,
            &[
                "product",
                "create",
                "p2",
                "--name",
                "x",
                "--packages",
                "Acme/*",
            ],
            "not a package name or pattern",
        );

        // A failed command changed nothing: still exactly two accounts.
        let accounts = server.cli_json(&["account", "list"]);
        assert_eq!(accounts["accounts"].as_array().unwrap().len(), 2);
        let closed = server.cli_json(&["account", "close", "MAG000000002"]);
        assert_eq!(closed["status"], "closed");
    }
}

#[test]
fn cli_changes_reach_a_running_server_within_a_second() {
    let server = Server::start(Backend::Sqlite);
    let report = server.publish(&[package_zip("acme/fast", "1.0.0", json!({}))]);
    assert_eq!(report["published"].as_array().unwrap().len(), 1);
    server.cli(&[
        "product",
        "create",
        "fast",
        "--name",
        "Fast",
        "--packages",
        "acme/fast",
    ]);
    let (account, public, private) = server.customer("fast@example.com");
    let root = format!("{}/packages.json", server.url);
    assert!(eventually(PROPAGATION, || curl_as(
        &root,
        &public,
        &private,
        &[]
    )
    .status
        == 200));
    assert_eq!(
        curl_as(&root, &public, &private, &[]).json()["available-packages"],
        json!([])
    );
    server.cli(&["entitlement", "grant", &account, "fast"]);
    assert!(eventually(PROPAGATION, || curl_as(
        &root,
        &public,
        &private,
        &[]
    )
    .json()["available-packages"]
        == json!(["acme/fast"])));
    server.cli(&["entitlement", "revoke", &account, "fast"]);
    assert!(eventually(PROPAGATION, || curl_as(
        &root,
        &public,
        &private,
        &[]
    )
    .json()["available-packages"]
        == json!([])));
}
