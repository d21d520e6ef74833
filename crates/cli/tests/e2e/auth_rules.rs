//! SPEC §2 authentication: 401 / 403 / 404 as tabled, with warning bodies Composer prints,
//! and key, hold and closure changes made through the CLI while the server runs.

use crate::support::*;

fn one_package(server: &Server) {
    server.publish_all(&dated("acme/hello", &[("1.0.0", "2024-01-15")]));
    server.product("hello", "Hello", "acme/*", &[]);
}

backend_tests!(keys_disabled_enabled_and_deleted_while_the_server_runs);
fn keys_disabled_enabled_and_deleted_while_the_server_runs(backend: Backend) {
    let server = Server::start(backend);
    one_package(&server);
    let (_, public, private) = server.licensed_customer("keys@example.com", &["hello"]);
    let dev = Developer::new(&server, "keys", &public, &private);
    let project = dev.project(&server, "app");
    server.wait_visible(&public, &private, "acme/hello");
    dev.composer_ok(&project, &["require", "acme/hello"]);

    server.cli(&["key", "disable", &public]);
    server.root_status_becomes(&public, &private, 401, "disable");
    let (ok, out) = dev.composer(&project, &["update", "--no-cache"]);
    assert!(!ok, "{out}");
    assert!(
        out.contains(&format!(
            "Warning from {}: access key {public} is disabled",
            server.host
        )),
        "{backend:?}: {out}"
    );

    server.cli(&["key", "enable", &public]);
    server.root_status_becomes(&public, &private, 200, "enable");
    dev.composer_ok(&project, &["update", "--no-cache"]);

    server.cli(&["key", "delete", &public]);
    server.root_status_becomes(&public, &private, 401, "delete");
    let (ok, out) = dev.composer(&project, &["update", "--no-cache"]);
    assert!(!ok);
    assert!(
        out.contains(&format!("Warning from {}: invalid access key", server.host)),
        "{backend:?}: {out}"
    );
    assert!(out.contains("HTTP 401"), "{out}");
}

backend_tests!(billing_hold_blocks_every_request_until_the_invoice_is_paid);
fn billing_hold_blocks_every_request_until_the_invoice_is_paid(backend: Backend) {
    let server = Server::start(backend);
    one_package(&server);
    let (account, public, private) = server.licensed_customer("billing@example.com", &["hello"]);
    // Not yet due: no hold.
    server.invoice(&account, "INV-2000", "10.00", "2999-01-01");
    server.invoice(&account, "INV-1001", "100.00", "2026-01-31");
    let dev = Developer::new(&server, "billing", &public, &private);
    let project = dev.project(&server, "app");
    assert!(eventually(PROPAGATION * 5, || server
        .root_status(&public, &private)
        == 403));

    let (ok, out) = dev.composer(&project, &["require", "acme/hello"]);
    assert!(!ok);
    let reason = format!(
        "account {account} is on hold: invoice INV-1001 overdue since 2026-01-31; pay it to restore access"
    );
    assert!(
        out.contains(&format!("Warning from {}: {reason}", server.host)),
        "{backend:?}: {out}"
    );
    assert!(out.contains("HTTP 403"), "{out}");
    // Every repository request is held, dists and notifications included.
    for path in [
        "/packages.json",
        "/p2/acme/hello.json",
        "/dist/acme/hello/1.0.0.0/x.zip",
    ] {
        let r = curl_as(&format!("{}{path}", server.url), &public, &private, &[]);
        assert_eq!((r.status, r.warning()), (403, reason.clone()), "{path}");
    }

    server.cli(&["invoice", "pay", "INV-1001"]);
    server.root_status_becomes(&public, &private, 200, "paying");
    dev.composer_ok(&project, &["require", "acme/hello"]);
    assert_eq!(
        locked_version(&project, "acme/hello").as_deref(),
        Some("1.0.0")
    );
}
