//! SPEC §5: command names, `--json` shapes, one-line errors with a non-zero exit, and CLI
//! changes reaching a running server.

use serde_json::json;

use crate::support::*;

backend_tests!(accounts_keys_and_tokens_print_json_or_plain_ids);
fn accounts_keys_and_tokens_print_json_or_plain_ids(backend: Backend) {
    let server = Server::start(backend);
    let args = [
        "account",
        "create",
        "--email",
        "Dev@Example.com",
        "--name",
        "Acme GmbH",
    ];
    assert_eq!(server.cli_json(&args), json!({ "id": "MAG000000001" }));
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
    assert_eq!(server.download_token("MAG000000001").len(), 32);
    let closed = server.cli_json(&["account", "close", "MAG000000002"]);
    assert_eq!(closed["status"], "closed");
}

backend_tests!(licences_and_invoices_are_accepted);
fn licences_and_invoices_are_accepted(backend: Backend) {
    let server = Server::start(backend);
    let (account, _, _) = server.customer("dev@example.com");
    server.product("acme-pro", "Acme Pro", "acme/*,acme/extra", &[]);
    server.grant_until(&account, "acme-pro", "2025-01-31");
    server.invoice(&account, "INV-1", "100.00", "2026-12-31");
    let paid = server.cli_json(&["invoice", "pay", "INV-1"]);
    // SPEC §10: RFC 3339 timestamps in JSON.
    let paid_at = paid["paid_at"].as_str().unwrap_or_default();
    assert!(
        chrono::DateTime::parse_from_rfc3339(paid_at).is_ok(),
        "{backend:?}: paid_at {paid_at:?}"
    );
}

backend_tests!(failed_commands_print_one_line_and_change_nothing);
fn failed_commands_print_one_line_and_change_nothing(backend: Backend) {
    let server = Server::start(backend);
    server.customer("dev@example.com");
    server.product("acme-pro", "Acme Pro", "acme/*", &[]);
    let failures = [
        ("account show MAG999999999", "no account with id"),
        ("key disable nosuchkey", "no access key"),
        ("key create MAG000000404 --name x", "no account with id"),
        (
            "entitlement grant MAG000000001 nope",
            "no product with slug",
        ),
        (
            "entitlement grant MAG000000001 acme-pro --updates-until 2025-13-01",
            "YYYY-MM-DD",
        ),
        (
            "invoice add MAG000000001 INV-2 --amount ten --currency EUR --due 2026-01-01",
            "amount",
        ),
        ("invoice pay INV-404", "no invoice"),
        (
            "account create --email dev@example.com --name Dup",
            "already exists",
        ),
        (
            "product create p2 --name x --packages Acme/*",
            "not a package name or pattern",
        ),
    ];
    for (command, expected) in failures {
        let args: Vec<&str> = command.split_whitespace().collect();
        server.refuses(&args, expected);
    }
    let bad_slug = [
        "product",
        "create",
        "Bad Slug",
        "--name",
        "x",
        "--packages",
        "acme/*",
    ];
    server.refuses(&bad_slug, "slug");

    // A failed command changed nothing: still exactly one account and one product.
    let accounts = server.cli_json(&["account", "list"]);
    assert_eq!(accounts["accounts"].as_array().unwrap().len(), 1);
    let products = server.cli_json(&["product", "list"]);
    assert_eq!(
        products["products"].as_array().unwrap().len(),
        1,
        "{products}"
    );
}

#[test]
fn cli_changes_reach_a_running_server_within_a_second() {
    let server = Server::start(Backend::Sqlite);
    server.publish_all(&[package_zip("acme/fast", "1.0.0", json!({}))]);
    server.product("fast", "Fast", "acme/fast", &[]);
    let (account, public, private) = server.customer("fast@example.com");
    assert!(eventually(PROPAGATION, || server
        .root_status(&public, &private)
        == 200));
    assert_eq!(server.visible_packages(&public, &private), json!([]));
    server.grant(&account, &["fast"]);
    assert!(eventually(PROPAGATION, || server
        .visible_packages(&public, &private)
        == json!(["acme/fast"])));
    server.cli(&["entitlement", "revoke", &account, "fast"]);
    assert!(eventually(PROPAGATION, || server
        .visible_packages(&public, &private)
        == json!([])));
}
