//! `explain` against what Composer's requests really get, one refusal kind at a time: the
//! reason it names must be the one behind the status (401, 403, 404) or the missing
//! version that the same key meets.

use serde_json::json;

use super::{catalog, explain, versions_seen};
use crate::support::*;

backend_tests!(explain_names_the_reason_composer_meets);
fn explain_names_the_reason_composer_meets(backend: Backend) {
    let server = Server::start(backend);
    catalog(&server);
    let (account, public, private) = server.customer("why@example.com");
    server.grant_until(&account, "suite", "2024-04-01");
    server.wait_visible(&public, &private, "acme/suite");

    // Installable, and cut off by date: the p2 file shows exactly the visible versions.
    let e = explain(&server, &["--key", &public, "acme/suite"]);
    assert_eq!(
        (e["reason"].as_str(), e["can_install"].as_bool()),
        (Some("installable"), Some(true)),
        "{e}"
    );
    assert_eq!(
        e["visible_versions"],
        json!(versions_seen(&server, &public, &private, "acme/suite"))
    );
    let e = explain(&server, &["--key", &public, "acme/suite:2.5.0"]);
    assert_eq!(e["reason"], "cut_off_by_date", "{e}");
    assert!(
        !versions_seen(&server, &public, &private, "acme/suite").contains(&"2.5.0".to_string())
    );

    // Not entitled: 404.
    let e = explain(&server, &["--key", &public, "acme/a"]);
    assert_eq!(e["reason"], "not_entitled", "{e}");
    assert_eq!(
        server.get_as("/p2/acme/a.json", &public, &private).status,
        404
    );

    // Disabled key: 401.
    server.cli(&["key", "disable", &public]);
    server.root_status_becomes(&public, &private, 401, "key disabled");
    assert_eq!(
        explain(&server, &["--key", &public, "acme/suite"])["reason"],
        "key_disabled"
    );
    server.cli(&["key", "enable", &public]);
    server.root_status_becomes(&public, &private, 200, "key enabled");

    // On hold: 403, and the explanation names the invoice.
    server.invoice(&account, "INV-WHY-1", "10.00", "2020-01-01");
    server.root_status_becomes(&public, &private, 403, "invoice overdue");
    let e = explain(&server, &[&account, "acme/suite"]);
    assert_eq!(e["reason"], "on_hold", "{e}");
    assert!(e["verdict"].as_str().unwrap().contains("INV-WHY-1"), "{e}");
    server.cli(&["invoice", "pay", "INV-WHY-1"]);
    server.root_status_becomes(&public, &private, 200, "invoice paid");

    // Closed: 403.
    server.cli(&["account", "close", &account]);
    server.root_status_becomes(&public, &private, 403, "account closed");
    assert_eq!(
        explain(&server, &["--key", &public, "acme/suite"])["reason"],
        "account_closed"
    );

    // The human form tells the same story.
    let text = server.cli(&["explain", &account, "acme/suite"]);
    assert!(
        text.starts_with(&format!("account {account} is closed")),
        "{text}"
    );
}
