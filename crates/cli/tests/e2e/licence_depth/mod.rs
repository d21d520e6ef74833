//! SPEC §13 with the real composer client: grants limited by a version constraint, keys
//! limited to some products, imported pairs and personal keys across accounts, and
//! `explain` naming for each refusal the reason Composer actually meets. (What p2 and
//! `packages.json` answer for each case is checked in-process:
//! `crates/server/tests/http/licence_depth.rs`.)

mod explain;

use serde_json::{Value, json};

use crate::support::*;

/// acme/suite in 1.x, 2.x and 3.x; acme/a and acme/b in their own products.
fn catalog(server: &Server) {
    let mut zips = dated(
        "acme/suite",
        &[
            ("1.0.0", "2024-01-10"),
            ("2.0.0", "2024-03-10"),
            ("2.5.0", "2024-05-10"),
            ("3.0.0", "2024-07-10"),
            ("3.1.0", "2024-09-10"),
        ],
    );
    for name in ["acme/a", "acme/b"] {
        zips.extend(dated(name, &[("1.0.0", "2024-01-10")]));
    }
    server.publish_all(&zips);
    server.product("suite", "Suite", "acme/suite", &[]);
    server.product("alpha", "Alpha", "acme/a", &[]);
    server.product("beta", "Beta", "acme/b", &[]);
}

/// `packyard explain …` as JSON.
pub fn explain(server: &Server, args: &[&str]) -> Value {
    let mut all = vec!["explain"];
    all.extend_from_slice(args);
    server.cli_json(&all)
}

fn versions_seen(server: &Server, public: &str, private: &str, package: &str) -> Vec<String> {
    let p2 = server
        .get_as(&format!("/p2/{package}.json"), public, private)
        .json();
    packyard_testkit::http::p2_versions(&p2, package)
}

/// The pair of a `key create` answer, once it sees exactly `packages` (the last listed is
/// waited for).
fn key_seeing<'k>(server: &Server, created: &'k Value, packages: &[&str]) -> (&'k str, &'k str) {
    let public = created["public_key"].as_str().unwrap();
    let private = created["private_key"].as_str().unwrap();
    server.wait_visible(public, private, packages.last().unwrap());
    assert_eq!(server.visible_packages(public, private), json!(packages));
    (public, private)
}

backend_tests!(a_below_3_grant_resolves_to_the_last_2x);
fn a_below_3_grant_resolves_to_the_last_2x(backend: Backend) {
    let server = Server::start(backend);
    catalog(&server);
    let (account, public, private) = server.customer("ranges@example.com");
    let grant = ["entitlement", "grant", &account, "suite", "--versions"];
    server.cli(&[&grant[..], &["<3.0"]].concat());
    let sees = |versions: &[&str]| {
        eventually(PROPAGATION, || {
            versions_seen(&server, &public, &private, "acme/suite") == versions
        })
    };
    let dev = Developer::new(&server, "ranges", &public, &private);
    let project = dev.project(&server, "app");
    server.wait_visible(&public, &private, "acme/suite");

    let out = dev.composer_ok(&project, &["require", "acme/suite"]);
    assert_eq!(
        locked_version(&project, "acme/suite").as_deref(),
        Some("2.5.0"),
        "{backend:?}: {out}"
    );
    let (ok, out) = dev.composer(&project, &["require", "acme/suite:^3.0"]);
    assert!(!ok, "3.x must not be installable: {out}");

    let e = explain(&server, &[&account, "acme/suite:3.0.0"]);
    assert_eq!(e["reason"], "cut_off_by_constraint", "{e}");
    assert_eq!(e["first_hidden"]["version"], "3.0.0", "{e}");
    assert_eq!(
        e["visible_versions"],
        json!(["2.5.0", "2.0.0", "1.0.0"]),
        "{e}"
    );

    // Combined with a date: 2.x releases until 2024-04-01 leaves 2.0.0 and 1.0.0.
    let until = ["^2.0 || ^1.0", "--updates-until", "2024-04-01"];
    server.cli(&[&grant[..], &until].concat());
    let e = explain(&server, &[&account, "acme/suite:2.5.0"]);
    assert_eq!(e["reason"], "cut_off_by_date", "{e}");
    let listed = server.cli(&["entitlement", "list", &account]);
    assert!(listed.contains("versions ^2.0 || ^1.0"), "{listed}");

    // The admin API (remote CLI) grants with a constraint and explains the same way.
    let token = server.admin_token("ops@example.com");
    let ops = Remote::new(&server, &token);
    let remote = |args: &[&str]| ops.json(args);
    let granted = remote(&[&grant[..], &["<3.0"]].concat());
    assert_eq!(granted["versions"], "<3.0", "{granted}");
    assert!(sees(&["2.5.0", "2.0.0", "1.0.0"]));
    let e = remote(&["explain", &account, "acme/suite:3.1.0"]);
    assert_eq!(e["reason"], "cut_off_by_constraint", "{e}");
    assert_eq!(e, explain(&server, &[&account, "acme/suite:3.1.0"]));
}

backend_tests!(a_scoped_key_sees_only_its_products_and_an_imported_pair_installs);
fn a_scoped_key_sees_only_its_products_and_an_imported_pair_installs(backend: Backend) {
    let server = Server::start(backend);
    catalog(&server);
    let (account, public, private) = server.customer("scoped@example.com");
    server.grant(&account, &["alpha"]);
    server.grant(&account, &["beta"]);
    let scoped = server.cli_json(&[
        "key",
        "create",
        &account,
        "--name",
        "alpha only",
        "--products",
        "alpha",
    ]);
    let (s_public, s_private) = key_seeing(&server, &scoped, &["acme/a"]);

    let limited = Developer::new(&server, "scoped", s_public, s_private);
    let project = limited.project(&server, "app");
    let (ok, out) = limited.composer(&project, &["require", "acme/b"]);
    assert!(!ok, "the scoped key must not install acme/b: {out}");
    limited.composer_ok(&project, &["require", "acme/a"]);
    let full = Developer::new(&server, "full", &public, &private);
    let project = full.project(&server, "app");
    full.composer_ok(&project, &["require", "acme/b"]);
    assert_eq!(locked_version(&project, "acme/b").as_deref(), Some("1.0.0"));
    let e = explain(&server, &["--key", s_public, "acme/b"]);
    assert_eq!(e["reason"], "outside_key_scope", "{e}");
    let keys = server.cli(&["key", "list", &account]);
    assert!(keys.contains("created by cli  products: alpha"), "{keys}");

    // A pair made elsewhere, adopted as it is.
    let (i_public, i_private) = (
        "Imported0Public0Key0000000000001",
        "Imported0Private0Key000000000001",
    );
    server.cli_with_stdin(
        &[
            "key",
            "import",
            &account,
            "--name",
            "moved",
            "--public-key",
            i_public,
            "--private-key-stdin",
        ],
        i_private,
    );
    let bad = server.cli_output(&[
        "key",
        "import",
        &account,
        "--name",
        "x",
        "--public-key",
        "short",
        "--private-key-stdin",
    ]);
    assert!(!bad.status.success());
    let moved = Developer::new(&server, "moved", i_public, i_private);
    let project = moved.project(&server, "app");
    server.wait_visible(i_public, i_private, "acme/a");
    moved.composer_ok(&project, &["require", "acme/a", "acme/b"]);
    assert_eq!(locked_version(&project, "acme/b").as_deref(), Some("1.0.0"));
}

backend_tests!(a_personal_key_sees_both_accounts_until_one_goes_on_hold);
fn a_personal_key_sees_both_accounts_until_one_goes_on_hold(backend: Backend) {
    let server = Server::start(backend);
    catalog(&server);
    let (first, ..) = server.customer("agency-a@example.com");
    let (second, ..) = server.customer("agency-b@example.com");
    server.grant(&first, &["alpha"]);
    server.grant(&second, &["beta"]);
    for account in [&first, &second] {
        let email = "dev@agency.example";
        server.cli(&[
            "user",
            "add",
            account,
            "--email",
            email,
            "--role",
            "developer",
        ]);
    }
    let key = server.cli_json(&[
        "user",
        "key",
        "create",
        "dev@agency.example",
        "--name",
        "laptop",
    ]);
    let (public, private) = key_seeing(&server, &key, &["acme/a", "acme/b"]);

    let dev = Developer::new(&server, "agency", public, private);
    let project = dev.project(&server, "app");
    dev.composer_ok(&project, &["require", "acme/a", "acme/b"]);
    assert_eq!(locked_version(&project, "acme/a").as_deref(), Some("1.0.0"));

    // The second account goes on hold: exactly its package disappears.
    server.invoice(&second, "INV-B-1", "10.00", "2020-01-01");
    assert!(eventually(PROPAGATION, || server
        .get_as("/p2/acme/b.json", public, private)
        .status
        == 404));
    let other = dev.project(&server, "other");
    let (ok, out) = dev.composer(&other, &["require", "acme/b"]);
    assert!(!ok, "{out}");
    dev.composer_ok(&other, &["require", "acme/a"]);
    let e = explain(&server, &["--key", public, "acme/b"]);
    assert_eq!(e["reason"], "on_hold", "{e}");
    assert!(e["verdict"].as_str().unwrap().contains(&second), "{e}");
}
