//! Issue 22 in the CLI: an account held by an overdue invoice shows "on hold since D because
//! of invoice N" in `account show`, `account list` and their `--json`, by the rule the
//! Composer path applies (with the grace period the server runs with, which the CLI reads
//! from what `serve` recorded). Voiding the invoice lifts the hold, and the invoice stays
//! listed as void. (The admin API, the back office and the portal: in-process,
//! `crates/server/tests/http/standing.rs`.)

use serde_json::json;

use crate::support::*;

const HELD: &str = "on hold since 2020-01-04 because of invoice INV-1";

backend_tests!(a_held_account_shows_its_hold_in_the_cli_and_a_void_invoice_lifts_it);
fn a_held_account_shows_its_hold_in_the_cli_and_a_void_invoice_lifts_it(backend: Backend) {
    // Two days of grace: the hold begins on the third day after the due date.
    let server = Server::start_with(backend, &["--billing-grace-days", "2"]);
    let (account, public, private) = server.customer("held@example.com");
    server.invoice(&account, "INV-1", "100.00", "2020-01-01");
    server.invoice(&account, "INV-2", "5.00", "2020-01-01");

    let shown = server.cli(&["account", "show", &account]);
    assert!(shown.contains(&format!("status: {HELD}")), "{shown}");
    let listed = server.cli(&["account", "list"]);
    assert!(listed.contains(HELD), "{listed}");
    let standing = json!({ "state": "on_hold", "invoice": "INV-1", "on_hold_since": "2020-01-04" });
    let as_json = server.cli_json(&["account", "show", &account]);
    assert_eq!(as_json["account"]["standing"], standing);
    assert_eq!(
        server.cli_json(&["account", "list"])["accounts"][0]["standing"],
        standing
    );
    server.root_status_becomes(&public, &private, 403, "the hold");

    // INV-1 voided: INV-2 holds now. INV-2 voided too: active.
    server.cli(&["invoice", "void", "INV-1", "--reason", "entered twice"]);
    let shown = server.cli(&["account", "show", &account]);
    assert!(shown.contains("because of invoice INV-2"), "{shown}");
    server.cli(&["invoice", "void", "INV-2", "--reason", "goodwill"]);
    assert!(
        server
            .cli(&["account", "show", &account])
            .contains("status: active")
    );
    server.root_status_becomes(&public, &private, 200, "voiding");
    let invoices = server.cli(&["invoice", "list", &account]);
    assert_eq!(invoices.matches("  void").count(), 2, "{invoices}");
    let paying = server.cli_output(&["invoice", "pay", "INV-1"]);
    assert!(!paying.status.success(), "a void invoice cannot be paid");
    assert!(all_output(&paying).contains("is void"));
}
