//! Abandoned packages and recalled versions with Composer, and the remote CLI and admin API
//! for everything SPEC §12 adds.

use serde_json::{Value, json};

use super::{add_hello, catalog, recall_hello};
use crate::support::*;

backend_tests!(abandoned_packages_and_recalled_versions_reach_composer);
fn abandoned_packages_and_recalled_versions_reach_composer(backend: Backend) {
    let server = Server::start(backend);
    catalog(&server);
    let (_, public, private) = server.licensed_customer("shop@example.com", &["greetings"]);
    server.cli(&[
        "package",
        "abandon",
        "acme/hello",
        "--replacement",
        "acme/hola",
    ]);
    let dev = Developer::new(&server, "shop", &public, &private);
    let project = dev.project(&server, "app");
    server.wait_visible(&public, &private, "acme/hello");
    let out = dev.composer_ok(&project, &["require", "acme/hello:^1.4"]);
    assert!(
        out.contains(
            "Package acme/hello is abandoned, you should avoid using it. Use acme/hola instead."
        ),
        "{backend:?}: {out}"
    );
    assert_eq!(
        locked_version(&project, "acme/hello").as_deref(),
        Some("1.4.2")
    );
    let lock: Value =
        serde_json::from_slice(&std::fs::read(project.join("composer.lock")).unwrap()).unwrap();
    let dist = lock["packages"][0]["dist"]["url"]
        .as_str()
        .unwrap()
        .to_string();

    recall_hello(&server);
    let recalled = eventually(PROPAGATION * 5, || {
        curl_as(&dist, &public, &private, &[]).status == 410
    });
    assert!(recalled, "{backend:?}: the dist never answered 410");
    let gone = curl_as(&dist, &public, &private, &[]);
    assert_eq!(gone.header("content-type"), Some("application/json"));
    assert!(
        gone.text().contains("it deletes the cart"),
        "{}",
        gone.text()
    );
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
    assert!(
        out.contains("410") && out.contains("it deletes the cart"),
        "{backend:?}: {out}"
    );

    // Update moves away from the recalled version.
    dev.composer_ok(&project, &["update"]);
    assert_eq!(
        locked_version(&project, "acme/hello").as_deref(),
        Some("1.4.1")
    );

    server.cli(&["version", "unrecall", "acme/hello", "1.4.2"]);
    server.cli(&["package", "unabandon", "acme/hello"]);
    let back = eventually(PROPAGATION * 5, || {
        let p2 = server
            .get_as("/p2/acme/hello.json", &public, &private)
            .json();
        let versions = p2["packages"]["acme/hello"]
            .as_array()
            .cloned()
            .unwrap_or_default();
        versions.len() == 2 && versions.iter().all(|v| v.get("abandoned").is_none())
    });
    assert!(
        back,
        "{backend:?}: unrecall and unabandon never reached the metadata"
    );
    let out = dev.composer_ok(&project, &["update"]);
    assert!(!out.contains("abandoned"), "{out}");
    assert_eq!(
        locked_version(&project, "acme/hello").as_deref(),
        Some("1.4.2")
    );
}

backend_tests!(remote_cli_manages_advisories_marks_and_notices);
fn remote_cli_manages_advisories_marks_and_notices(backend: Backend) {
    let server = Server::start(backend);
    catalog(&server);
    let token = server.admin_token("ci@example.com");
    let cwd = server.work_dir("ci");
    let ci = Remote::at(&server, &token, &cwd);
    let remote_ok = |args: &[&str]| ci.json(args);

    let extra = [
        "--cve",
        "CVE-2026-4242",
        "--severity",
        "critical",
        "--reported-at",
        "2026-04-01",
    ];
    let added = remote_ok(&add_hello(">=1.0,<1.4.2", "Remote advisory", &extra));
    assert_eq!(added["advisoryId"], "PKSA-2026-0001", "{added}");
    assert_eq!(added["severity"], "critical");
    let refused = ci.output_json(&add_hello("<1", "x", &["--cve", "nope"]));
    assert_failed_with(&refused, "CVE");
    let listed = remote_ok(&["advisory", "list"]);
    assert_eq!(
        listed["advisories"].as_array().unwrap().len(),
        1,
        "{listed}"
    );
    let withdrawn = remote_ok(&["advisory", "withdraw", "PKSA-2026-0001"]);
    assert!(withdrawn["withdrawnAt"].is_string(), "{withdrawn}");

    let abandoned = remote_ok(&[
        "package",
        "abandon",
        "acme/hello",
        "--replacement",
        "acme/hola",
    ]);
    assert_eq!(abandoned["replacement"], "acme/hola");
    remote_ok(&["package", "unabandon", "acme/hello"]);
    let recalled = remote_ok(&[
        "version",
        "recall",
        "acme/hello",
        "1.4.2",
        "--reason",
        "bad build",
    ]);
    assert_eq!(recalled["recalls"][0]["version"], "1.4.2", "{recalled}");
    assert_eq!(
        remote_ok(&["version", "recalls"])["recalls"]
            .as_array()
            .unwrap()
            .len(),
        1
    );
    let undone = remote_ok(&["version", "unrecall", "acme/hello", "1.4.2"]);
    assert_eq!(undone["recalls"], json!([]));
    let set = remote_ok(&[
        "notice",
        "set",
        "maintenance",
        "--kind",
        "info",
        "--versions",
        "<3",
    ]);
    assert_eq!(set["notices"][0]["versions"], "<3", "{set}");
    let cleared = remote_ok(&["notice", "clear"]);
    assert_eq!(cleared["notices"], json!([]));

    let openapi = curl(&format!("{}/api/openapi.json", server.url), &[]).json();
    for path in [
        "/api/v1/advisories",
        "/api/v1/packages/{vendor}/{name}/versions/{version}/recall",
        "/api/v1/notices/{kind}",
    ] {
        assert!(
            openapi["paths"].get(path).is_some(),
            "{path} is not documented"
        );
    }
    assert!(
        openapi["components"]["schemas"]
            .get("AdvisoryView")
            .is_some()
    );
}
