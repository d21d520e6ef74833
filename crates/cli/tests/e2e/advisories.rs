//! SPEC §12 with Debian's Composer 2.5.5: `composer audit` reports the vendor's advisories
//! (and passes once withdrawn), abandoned packages name their replacement, a recalled
//! version's dist answers 410 with the reason and `composer update` stops choosing it, and
//! discovery (`list`, `search`, `composer search`, the advisory api, `providers-api`) shows an
//! account only what it may see. 2.5.5 predates the blocking of 2.9 and the filter lists of
//! 2.10; those wire formats are checked in the server's unit tests (`announce::tests`).

use serde_json::{Value, json};

use crate::support::*;

/// acme/hello 1.4.1 and 1.4.2, its replacement acme/hola, and acme/secret for someone else.
fn catalog(server: &Server) {
    let report = server.publish(&[
        package_zip(
            "acme/hello",
            "1.4.1",
            json!({"time": "2026-01-05", "description": "Says hello politely"}),
        ),
        package_zip(
            "acme/hello",
            "1.4.2",
            json!({"time": "2026-02-05", "description": "Says hello politely"}),
        ),
        package_zip(
            "acme/hola",
            "1.0.0",
            json!({"type": "magento2-module", "description": "Dice hola",
                   "provide": {"acme/greeting-implementation": "1.0"}}),
        ),
        package_zip(
            "acme/secret",
            "1.0.0",
            json!({"description": "Secret sauce"}),
        ),
    ]);
    assert!(report["failed"].as_array().unwrap().is_empty(), "{report}");
    server.product("greetings", "Greetings", "acme/hello,acme/hola", &[]);
    server.product("sauce", "Sauce", "acme/secret", &[]);
}

/// The advisory api's answer for `names` as this key pair sees it.
fn advisories_as(server: &Server, public: &str, private: &str, names: &[&str]) -> Value {
    let form: Vec<String> = names
        .iter()
        .enumerate()
        .map(|(i, n)| format!("packages[{i}]={n}"))
        .collect();
    let url = format!("{}/security-advisories", server.url);
    let answer = curl_as(&url, public, private, &["--data", &form.join("&")]);
    assert_eq!(answer.status, 200, "{}", answer.text());
    answer.json()
}

backend_tests!(audit_reports_advisories_until_they_are_withdrawn);
fn audit_reports_advisories_until_they_are_withdrawn(backend: Backend) {
    let server = Server::start(backend);
    catalog(&server);
    let (_, public, private) = server.licensed_customer("shop@example.com", &["greetings"]);
    let (_, other_public, other_private) = server.licensed_customer("else@example.com", &["sauce"]);
    let dev = Developer::new(&server, "shop", &public, &private);
    let project = dev.project(&server, "app");
    server.wait_visible(&public, &private, "acme/hello");
    assert_eq!(
        dev.require_locked(&project, "acme/hello:1.4.1").as_deref(),
        Some("1.4.1")
    );
    let (ok, out) = dev.composer(&project, &["audit"]);
    assert!(ok, "{backend:?}: nothing to report yet: {out}");

    let added = server.cli_json(&[
        "advisory", "add", "acme/hello", "--affected", "<1.4.2",
        "--title", "Greeting is too friendly", "--cve", "CVE-2026-0001",
        "--link", "https://vendor.test/advisories/1", "--severity", "high",
        "--reported-at", "2026-03-01",
    ]);
    assert_eq!(added["advisoryId"], "PKSA-2026-0001", "{added}");
    let secret = server.cli_json(&[
        "advisory", "add", "acme/secret", "--affected", "*", "--title", "Sauce leaks",
        "--reported-at", "2026-03-02",
    ]);
    assert_eq!(secret["advisoryId"], "PKSA-2026-0002");
    let bad = server.cli_output(&["advisory", "add", "acme/hello", "--affected", "soon", "--title", "x"]);
    assert!(!bad.status.success());
    assert!(all_output(&bad).contains("constraint"), "{}", all_output(&bad));

    let seen = eventually(PROPAGATION * 5, || {
        advisories_as(&server, &public, &private, &["acme/hello"])["advisories"]["acme/hello"]
            .as_array()
            .is_some_and(|a| a.len() == 1)
    });
    assert!(seen, "{backend:?}: the advisory never reached the api");
    let (ok, out) = dev.composer(&project, &["audit"]);
    assert!(!ok, "{backend:?}: audit must fail: {out}");
    for expected in [
        "Greeting is too friendly",
        "CVE-2026-0001",
        "https://vendor.test/advisories/1",
        "acme/hello",
    ] {
        assert!(out.contains(expected), "{backend:?}: {expected} missing:\n{out}");
    }
    assert!(!out.contains("Sauce leaks"), "{out}");

    // Nobody learns of advisories for packages they may not see; visible ones answer [].
    let mine = advisories_as(&server, &public, &private, &["acme/hello", "acme/hola", "acme/secret"]);
    let keys: Vec<&String> = mine["advisories"].as_object().unwrap().keys().collect();
    assert_eq!(keys, ["acme/hello", "acme/hola"], "{mine}");
    assert_eq!(mine["advisories"]["acme/hola"], json!([]));
    let theirs = advisories_as(&server, &other_public, &other_private, &["acme/hello", "acme/secret"]);
    assert!(theirs["advisories"].get("acme/hello").is_none(), "{theirs}");
    assert_eq!(theirs["advisories"]["acme/secret"][0]["title"], "Sauce leaks");

    server.cli(&["advisory", "withdraw", "PKSA-2026-0001"]);
    let gone = eventually(PROPAGATION * 5, || {
        advisories_as(&server, &public, &private, &["acme/hello"])["advisories"]["acme/hello"]
            == json!([])
    });
    assert!(gone, "{backend:?}: the withdrawal never reached the api");
    let (ok, out) = dev.composer(&project, &["audit"]);
    assert!(ok, "{backend:?}: audit passes after the withdrawal: {out}");
    let listed = server.cli_json(&["advisory", "list", "acme/hello"]);
    assert!(listed["advisories"][0]["withdrawnAt"].is_string(), "{listed}");
}

backend_tests!(abandoned_packages_and_recalled_versions_reach_composer);
fn abandoned_packages_and_recalled_versions_reach_composer(backend: Backend) {
    let server = Server::start(backend);
    catalog(&server);
    let (_, public, private) = server.licensed_customer("shop@example.com", &["greetings"]);
    server.cli(&["package", "abandon", "acme/hello", "--replacement", "acme/hola"]);
    let dev = Developer::new(&server, "shop", &public, &private);
    let project = dev.project(&server, "app");
    server.wait_visible(&public, &private, "acme/hello");
    let out = dev.composer_ok(&project, &["require", "acme/hello:^1.4"]);
    assert!(
        out.contains("Package acme/hello is abandoned, you should avoid using it. Use acme/hola instead."),
        "{backend:?}: {out}"
    );
    assert_eq!(locked_version(&project, "acme/hello").as_deref(), Some("1.4.2"));
    let lock: Value = serde_json::from_slice(&std::fs::read(project.join("composer.lock")).unwrap()).unwrap();
    let dist = lock["packages"][0]["dist"]["url"].as_str().unwrap().to_string();

    server.cli(&["version", "recall", "acme/hello", "1.4.2", "--reason", "it deletes the cart"]);
    let recalled = eventually(PROPAGATION * 5, || curl_as(&dist, &public, &private, &[]).status == 410);
    assert!(recalled, "{backend:?}: the dist never answered 410");
    let gone = curl_as(&dist, &public, &private, &[]);
    assert_eq!(gone.header("content-type"), Some("application/json"));
    assert!(gone.text().contains("it deletes the cart"), "{}", gone.text());
    let audit_log = server.cli_json(&["version", "recalls", "acme/hello"]);
    assert_eq!(audit_log["recalls"][0]["reason"], "it deletes the cart");

    // A fresh machine installing the old lock file is told why the archive is gone.
    let fresh = Developer::new(&server, "fresh", &public, &private);
    let clone = fresh.project(&server, "clone");
    for file in ["composer.json", "composer.lock"] {
        std::fs::copy(project.join(file), clone.join(file)).unwrap();
    }
    let (ok, out) = fresh.composer(&clone, &["install"]);
    assert!(!ok, "{out}");
    assert!(out.contains("410") && out.contains("it deletes the cart"), "{backend:?}: {out}");

    // Update moves away from the recalled version.
    dev.composer_ok(&project, &["update"]);
    assert_eq!(locked_version(&project, "acme/hello").as_deref(), Some("1.4.1"));

    server.cli(&["version", "unrecall", "acme/hello", "1.4.2"]);
    server.cli(&["package", "unabandon", "acme/hello"]);
    let back = eventually(PROPAGATION * 5, || {
        let p2 = server.get_as("/p2/acme/hello.json", &public, &private).json();
        let versions = p2["packages"]["acme/hello"].as_array().cloned().unwrap_or_default();
        versions.len() == 2 && versions.iter().all(|v| v.get("abandoned").is_none())
    });
    assert!(back, "{backend:?}: unrecall and unabandon never reached the metadata");
    let out = dev.composer_ok(&project, &["update"]);
    assert!(!out.contains("abandoned"), "{out}");
    assert_eq!(locked_version(&project, "acme/hello").as_deref(), Some("1.4.2"));
}

backend_tests!(discovery_shows_each_account_only_what_it_may_see);
fn discovery_shows_each_account_only_what_it_may_see(backend: Backend) {
    let server = Server::start(backend);
    catalog(&server);
    let (_, public, private) = server.licensed_customer("shop@example.com", &["greetings"]);
    let (_, other_public, other_private) = server.licensed_customer("else@example.com", &["sauce"]);
    server.wait_visible(&public, &private, "acme/hello");
    server.wait_visible(&other_public, &other_private, "acme/secret");

    let names = |path: &str, public: &str, private: &str| server.get_as(path, public, private).json()["packageNames"].clone();
    assert_eq!(names("/packages/list.json", &public, &private), json!(["acme/hello", "acme/hola"]));
    assert_eq!(names("/packages/list.json?filter=acme/h*", &public, &private), json!(["acme/hello", "acme/hola"]));
    assert_eq!(names("/packages/list.json?filter=*secret*", &public, &private), json!([]));
    assert_eq!(names("/packages/list.json?type=magento2-module", &public, &private), json!(["acme/hola"]));
    assert_eq!(names("/packages/list.json", &other_public, &other_private), json!(["acme/secret"]));

    let found = |q: &str, public: &str, private: &str| -> Vec<String> {
        let r = server.get_as(&format!("/search.json?q={q}&type="), public, private).json();
        r["results"].as_array().unwrap().iter().map(|p| p["name"].as_str().unwrap().to_string()).collect()
    };
    assert_eq!(found("politely", &public, &private), ["acme/hello"]);
    assert_eq!(found("acme", &public, &private), ["acme/hello", "acme/hola"]);
    assert!(found("secret", &public, &private).is_empty());
    assert_eq!(found("sauce", &other_public, &other_private), ["acme/secret"]);

    let providers = server.get_as("/providers/acme/greeting-implementation.json", &public, &private);
    assert_eq!(providers.json()["providers"][0]["name"], "acme/hola");
    let hidden = server.get_as("/providers/acme/greeting-implementation.json", &other_public, &other_private);
    assert_eq!(hidden.status, 404);

    let dev = Developer::new(&server, "shop", &public, &private);
    let project = dev.project(&server, "app");
    let out = dev.composer_ok(&project, &["search", "politely"]);
    assert!(out.contains("acme/hello") && out.contains("Says hello politely"), "{out}");
    let out = dev.composer_ok(&project, &["search", "sauce"]);
    assert!(!out.contains("acme/secret"), "{backend:?}: {out}");
    let other = Developer::new(&server, "else", &other_public, &other_private);
    let other_project = other.project(&server, "app");
    let out = other.composer_ok(&other_project, &["search", "sauce"]);
    assert!(out.contains("acme/secret"), "{out}");
}

#[test]
fn notices_reach_every_composer_run_and_can_be_cleared() {
    let server = Server::start(Backend::Sqlite);
    catalog(&server);
    let (_, public, private) = server.licensed_customer("shop@example.com", &["greetings"]);
    server.cli(&["notice", "set", "maintenance tonight at 22:00 UTC", "--versions", ">=2.0"]);
    let bad = server.cli_output(&["notice", "set", "x", "--versions", ">=two"]);
    assert!(!bad.status.success(), "a bad constraint is refused");
    server.wait_visible(&public, &private, "acme/hello");
    let dev = Developer::new(&server, "shop", &public, &private);
    let project = dev.project(&server, "app");
    let out = dev.composer_ok(&project, &["require", "acme/hello"]);
    assert!(
        out.contains(&format!("Warning from {}: maintenance tonight at 22:00 UTC", server.url)),
        "{out}"
    );
    server.cli(&["notice", "clear"]);
    let cleared = eventually(PROPAGATION * 5, || {
        server.get_as("/packages.json", &public, &private).json().get("warnings").is_none()
    });
    assert!(cleared);
    let out = dev.composer_ok(&project, &["update"]);
    assert!(!out.contains("maintenance tonight"), "{out}");
}

#[test]
fn licences_page_and_back_office_show_advisories_and_recalls() {
    use crate::portal::{OPERATOR_PASSWORD, customer_with_password, operator};
    let server = Server::start(Backend::Sqlite);
    catalog(&server);
    let account = customer_with_password(&server, "portal@example.com");
    server.grant(&account, &["greetings"]);
    server.cli(&["advisory", "add", "acme/hello", "--affected", "<1.4.2", "--title", "Greeting is too friendly"]);
    server.cli(&["advisory", "add", "acme/secret", "--affected", "*", "--title", "Sauce leaks"]);
    server.cli(&["version", "recall", "acme/hello", "1.4.2", "--reason", "it deletes the cart"]);

    let customer = PortalClient::customer_session(&server, "portal@example.com");
    let shown = eventually(PROPAGATION * 5, || {
        customer.get("/account/licences").text().contains("it deletes the cart")
    });
    assert!(shown, "the recall never reached the Licences page");
    let page = customer.get("/account/licences").text();
    assert!(page.contains("Greeting is too friendly") && page.contains("1.4.1"), "{page}");
    assert!(!page.contains("Sauce leaks"), "an advisory of a package the account cannot see");

    operator(&server, "ops@example.com");
    let ops = PortalClient::new(&server);
    assert_eq!(ops.login("/admin/login", "ops@example.com", OPERATOR_PASSWORD).status, 303);
    let page = ops.get("/admin/advisories").text();
    assert!(page.contains("PKSA-") && page.contains("Sauce leaks") && page.contains("it deletes the cart"), "{page}");
    let csrf = csrf_of(&page);
    let refused = ops.post(
        "/admin/advisories",
        &[("csrf", &csrf), ("package", "acme/hola"), ("affected", "whenever"), ("title", "x")],
        &[],
    );
    assert_eq!(refused.status, 400, "{}", refused.text());
    let added = ops.post(
        "/admin/advisories",
        &[("csrf", &csrf), ("package", "acme/hola"), ("affected", "<2"), ("title", "Hola leaks"), ("severity", "low")],
        &[],
    );
    assert_eq!(added.status, 303, "{}", added.text());
    let listed = server.cli_json(&["advisory", "list", "acme/hola"]);
    let id = listed["advisories"][0]["advisoryId"].as_str().unwrap().to_string();
    let withdrawn = ops.post("/admin/advisories/withdraw", &[("csrf", &csrf), ("id", &id)], &[]);
    assert_eq!(withdrawn.status, 303);
    let listed = server.cli_json(&["advisory", "list", "acme/hola"]);
    assert!(listed["advisories"][0]["withdrawnAt"].is_string(), "{listed}");
}

/// Composer aborts an update when the advisory api fails: it must answer from memory while
/// the database is unreachable.
#[test]
fn the_advisory_api_answers_during_a_database_outage() {
    if !packyard_testkit::postgres_enabled() {
        return;
    }
    let (_database, proxy, server) = crate::outage::server_behind_a_proxy();
    catalog(&server);
    let (_, public, private) = server.licensed_customer("shop@example.com", &["greetings"]);
    server.cli(&["advisory", "add", "acme/hello", "--affected", "<1.4.2", "--title", "Greeting is too friendly"]);
    let dev = Developer::new(&server, "shop", &public, &private);
    let project = dev.project(&server, "app");
    server.wait_visible(&public, &private, "acme/hello");
    dev.require_locked(&project, "acme/hello:1.4.1");
    let seen = eventually(PROPAGATION * 5, || {
        advisories_as(&server, &public, &private, &["acme/hello"])["advisories"]["acme/hello"]
            .as_array()
            .is_some_and(|a| a.len() == 1)
    });
    assert!(seen);

    proxy.cut();
    let answer = advisories_as(&server, &public, &private, &["acme/hello", "acme/hola"]);
    assert_eq!(answer["advisories"]["acme/hello"][0]["title"], "Greeting is too friendly");
    assert_eq!(answer["advisories"]["acme/hola"], json!([]));
    let (ok, out) = dev.composer(&project, &["audit"]);
    assert!(!ok && out.contains("Greeting is too friendly"), "{out}");
    proxy.restore();
}

backend_tests!(remote_cli_manages_advisories_marks_and_notices);
fn remote_cli_manages_advisories_marks_and_notices(backend: Backend) {
    use crate::remote_cli::{remote, remote_ok};
    let server = Server::start(backend);
    catalog(&server);
    let token = server.admin_token("ci@example.com");
    let cwd = server.work_dir("ci");
    let remote_ok = |args: &[&str]| remote_ok(&server, &cwd, &token, args);

    let added = remote_ok(&[
        "advisory", "add", "acme/hello", "--affected", ">=1.0,<1.4.2", "--title", "Remote advisory",
        "--cve", "CVE-2026-4242", "--severity", "critical", "--reported-at", "2026-04-01",
    ]);
    assert_eq!(added["advisoryId"], "PKSA-2026-0001", "{added}");
    assert_eq!(added["severity"], "critical");
    let refused = remote(&server, &cwd, &token, &["advisory", "add", "acme/hello", "--affected", "<1", "--title", "x", "--cve", "nope"]);
    assert!(!refused.status.success() && all_output(&refused).contains("CVE"), "{}", all_output(&refused));
    let listed = remote_ok(&["advisory", "list"]);
    assert_eq!(listed["advisories"].as_array().unwrap().len(), 1, "{listed}");
    let withdrawn = remote_ok(&["advisory", "withdraw", "PKSA-2026-0001"]);
    assert!(withdrawn["withdrawnAt"].is_string(), "{withdrawn}");

    let abandoned = remote_ok(&["package", "abandon", "acme/hello", "--replacement", "acme/hola"]);
    assert_eq!(abandoned["replacement"], "acme/hola");
    remote_ok(&["package", "unabandon", "acme/hello"]);
    let recalled = remote_ok(&["version", "recall", "acme/hello", "1.4.2", "--reason", "bad build"]);
    assert_eq!(recalled["recalls"][0]["version"], "1.4.2", "{recalled}");
    assert_eq!(remote_ok(&["version", "recalls"])["recalls"].as_array().unwrap().len(), 1);
    let undone = remote_ok(&["version", "unrecall", "acme/hello", "1.4.2"]);
    assert_eq!(undone["recalls"], json!([]));
    let set = remote_ok(&["notice", "set", "maintenance", "--kind", "info", "--versions", "<3"]);
    assert_eq!(set["notices"][0]["versions"], "<3", "{set}");
    let cleared = remote_ok(&["notice", "clear"]);
    assert_eq!(cleared["notices"], json!([]));

    let openapi = curl(&format!("{}/api/openapi.json", server.url), &[]).json();
    for path in ["/api/v1/advisories", "/api/v1/packages/{vendor}/{name}/versions/{version}/recall", "/api/v1/notices/{kind}"] {
        assert!(openapi["paths"].get(path).is_some(), "{path} is not documented");
    }
    assert!(openapi["components"]["schemas"].get("AdvisoryView").is_some());
}
