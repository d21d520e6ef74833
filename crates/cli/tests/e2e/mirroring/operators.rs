//! Operators manage upstreams through the CLI, the admin API and the back office; the
//! credentials never come back.

use serde_json::json;

use super::secrets_key;
use crate::support::*;

backend_tests!(operators_manage_upstreams_through_cli_api_and_back_office);
fn operators_manage_upstreams_through_cli_api_and_back_office(backend: Backend) {
    let packagist = StaticRepo::start(json!({}));
    packagist.add("psr/log", "1.0.0", "2023-01-01", json!({}));
    let keys = tempfile::tempdir().unwrap();
    let key = secrets_key(keys.path());
    let metrics_addr = format!("127.0.0.1:{}", free_port());
    let ours = Server::start_with(
        backend,
        &[
            "--secrets-key-file",
            key.to_str().unwrap(),
            "--metrics-listen",
            &metrics_addr,
        ],
    );
    let token = ours.admin_token("ops@example.com");
    let api = Api::new(&ours, &token);
    let body = json!({ "name": "packagist", "url": packagist.url, "priority": 5 });
    assert_eq!(api.post("/api/v1/upstreams", &body).status, 201);
    let body = json!({ "name": "vendor", "url": "https://vendor.test", "username": "u", "password": "hunter2-secret" });
    let created = api.post("/api/v1/upstreams", &body);
    assert_eq!(created.status, 201, "{}", created.text());
    assert!(!created.text().contains("hunter2"), "{}", created.text());
    assert_eq!(api.get("/api/v1/upstreams/vendor").json()["auth"], "basic");
    assert_eq!(api.post("/api/v1/upstreams", &body).status, 409);
    assert!(api.get("/api/openapi.json").text().contains("UpstreamView"));

    let synced = ours.cli(&["upstream", "sync", "packagist", "psr/log"]);
    assert!(
        synced.contains("1 metadata file(s), 1 archive(s)"),
        "{synced}"
    );
    let again = api.post(
        "/api/v1/upstreams/packagist/sync",
        &json!({ "packages": ["psr/log"] }),
    );
    assert_eq!(again.json()["metadata"], 1, "{}", again.text());
    assert_eq!(
        again.json()["dists"],
        0,
        "already stored by the CLI: {}",
        again.text()
    );
    let missing = ours.cli_output(&["upstream", "sync", "packagist", "psr/nothing"]);
    assert_failed_with(&missing, "has no package psr/nothing");

    let metrics = curl(&format!("http://{metrics_addr}/metrics"), &[]).text();
    assert!(
        metrics.contains("packyard_upstream_packages{upstream=\"packagist\"} 1"),
        "{metrics}"
    );
    let browser = PortalClient::new(&ours);
    assert_eq!(
        browser
            .login("/admin/login", "ops@example.com", "operator password")
            .status,
        303
    );
    let page = browser.get("/admin/upstreams").text();
    assert!(
        page.contains("data-upstream=\"packagist\"") && page.contains("vendor.test"),
        "{page}"
    );
    assert!(!page.contains("hunter2"), "{page}");

    let ops = Remote::new(&ours, &token);
    let remote = |args: &[&str]| ops.json(args);
    assert_eq!(
        remote(&["upstream", "show", "packagist"])["packages_mirrored"],
        1
    );
    let other = remote(&[
        "upstream",
        "add",
        "other",
        "https://other.test",
        "--priority",
        "7",
    ]);
    assert_eq!(other["priority"], 7, "{other}");
    assert_eq!(remote(&["upstream", "remove", "other"])["deleted"], true);
    assert_eq!(
        api.call("DELETE", "/api/v1/upstreams/vendor", None).status,
        204
    );
    let listed = ours.cli_json(&["upstream", "list"]);
    assert_eq!(listed["upstreams"].as_array().unwrap().len(), 1, "{listed}");
}

backend_tests!(operators_add_sync_and_remove_upstreams_in_the_back_office);
fn operators_add_sync_and_remove_upstreams_in_the_back_office(backend: Backend) {
    let (magento, mage_public, mage_private) = super::magento_stand_in();
    let keys = tempfile::tempdir().unwrap();
    let key = secrets_key(keys.path());
    let ours = Server::start_with(backend, &["--secrets-key-file", key.to_str().unwrap()]);
    ours.product("mage", "Magento", "magento/*", &[]);
    let (account, public, private) = ours.licensed_customer("dev@example.com", &[]);
    crate::portal::operator(&ours, "ops@example.com");
    run_browser(
        &ours,
        "upstreams.mjs",
        &[
            ("OPERATOR_EMAIL", "ops@example.com"),
            ("OPERATOR_PASSWORD", crate::portal::OPERATOR_PASSWORD),
            ("UPSTREAM_URL", &magento.url),
            ("UPSTREAM_USERNAME", &mage_public),
            ("UPSTREAM_PASSWORD", &mage_private),
        ],
    );
    let listed = ours.cli_json(&["upstream", "list"]);
    assert_eq!(listed["upstreams"].as_array().unwrap().len(), 1, "{listed}");
    assert_eq!(listed["upstreams"][0]["priority"], 3, "{listed}");
    assert!(!listed.to_string().contains(&mage_private), "{listed}");
    // The sealed password works: a mirrored package comes through the upstream added there.
    ours.grant(&account, &["mage"]);
    super::wait_for_patterns(&ours, &public, &private, &["magento/*"]);
    let p2 = ours.get_as("/p2/magento/module-bar.json", &public, &private);
    assert_eq!(p2.status, 200, "{}", p2.text());

    // Without a secrets key, credentials are refused with the reason and nothing is added.
    let keyless = Server::start(backend);
    let browser = PortalClient::operator_session(&keyless, "ops@example.com");
    let page = browser.get("/admin/upstreams").text();
    assert!(page.contains("id=\"no-secrets-key\""), "{page}");
    let refused = browser.post(
        "/admin/upstreams",
        &[
            ("csrf", &csrf_of(&page)),
            ("name", "magento"),
            ("url", &magento.url),
            ("username", &mage_public),
            ("password", &mage_private),
        ],
        &[],
    );
    assert_eq!(refused.status, 400, "{}", refused.text());
    assert!(
        refused.text().contains("--secrets-key-file"),
        "{}",
        refused.text()
    );
    let none = keyless.cli_json(&["upstream", "list"]);
    assert_eq!(none["upstreams"], json!([]), "{none}");
}
