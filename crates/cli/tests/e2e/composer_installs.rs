//! Installs with the real composer client: a Magento-shaped catalog through
//! `create-project`, licences limited by `updates_until`, and packages outside a licence.

use serde_json::json;

use crate::support::*;

const MODULES: usize = 40;
const RELEASES: [(&str, &str, &str); 3] = [
    ("2.4.6", "100.4.6", "2024-01-10"),
    ("2.4.7", "100.4.7", "2024-04-09"),
    ("2.4.7-p1", "100.4.7-p1", "2024-06-11"),
];

fn module(i: usize) -> String {
    format!("acme/module-m{i:02}")
}

/// Modules, a metapackage requiring all of them, and a project requiring the metapackage,
/// in several releases: the shape of magento/project-community-edition.
fn magento_catalog(server: &Server) -> Vec<(String, Vec<u8>)> {
    let mut zips = Vec::new();
    for (release, module_version, date) in RELEASES {
        for i in 0..MODULES {
            let mut require = json!({ "php": ">=7.4" });
            if i > 0 {
                require[module(0)] = json!("^100.4");
            }
            zips.push(package_zip(
                &module(i),
                module_version,
                json!({ "time": date, "require": require, "autoload": { "psr-4": { format!("Acme\\M{i:02}\\"): "src/" } } }),
            ));
        }
        let require: serde_json::Map<String, serde_json::Value> = (0..MODULES)
            .map(|i| (module(i), json!(module_version)))
            .collect();
        zips.push(package_zip(
            "acme/product-community-edition",
            release,
            json!({ "type": "metapackage", "time": date, "require": require }),
        ));
        zips.push(package_zip(
            "acme/project-community-edition",
            release,
            json!({
                "type": "project",
                "time": date,
                "require": { "acme/product-community-edition": release },
                "repositories": [{ "type": "composer", "url": server.url }, { "packagist.org": false }],
                "config": { "secure-http": false },
                "minimum-stability": "stable",
            }),
        ));
    }
    zips
}

#[test]
fn create_project_installs_a_magento_shaped_catalog() {
    let server = Server::start(Backend::Sqlite);
    let report = server.publish(&magento_catalog(&server));
    assert_eq!(
        report["published"].as_array().unwrap().len(),
        RELEASES.len() * (MODULES + 2),
        "{report}"
    );
    assert!(report["failed"].as_array().unwrap().is_empty());
    server.product("commerce", "Acme Commerce", "acme/*", &[]);
    let (_, public, private) = server.licensed_customer("shop@example.com", &["commerce"]);

    let dev = Developer::new(&server, "shop", &public, &private);
    let work = server.work_dir("cp");
    let repo = format!("--repository-url={}", server.url);
    server.wait_visible(&public, &private, "acme/project-community-edition");
    let out = dev.composer_ok(
        &work,
        &[
            "create-project",
            &repo,
            "--no-secure-http",
            "acme/project-community-edition",
            "shop",
        ],
    );
    let project = work.join("shop");
    assert_eq!(
        locked_version(&project, "acme/product-community-edition").as_deref(),
        Some("2.4.7-p1"),
        "{out}"
    );
    for i in 0..MODULES {
        assert_eq!(
            locked_version(&project, &module(i)).as_deref(),
            Some("100.4.7-p1")
        );
        let installed = project
            .join("vendor")
            .join(module(i))
            .join("src/Module.php");
        assert!(
            installed.exists(),
            "{} was not extracted",
            installed.display()
        );
    }

    // Composer's notify-batch reached us: every installed package is counted.
    let counted = eventually(PROPAGATION * 5, || {
        let stats = server.cli_json(&["stats"]);
        let rows = stats["downloads"].as_array().unwrap().clone();
        rows.iter().any(|r| {
            r["package"] == module(MODULES - 1) && r["version"] == "100.4.7-p1" && r["count"] == 1
        }) && rows
            .iter()
            .any(|r| r["package"] == "acme/project-community-edition" && r["count"] == 1)
    });
    assert!(
        counted,
        "install notifications were not recorded: {}",
        server.cli_json(&["stats"])
    );
}

fn licensed_catalog(server: &Server) {
    let mut zips = dated(
        "acme/licensed",
        &[
            ("1.0.0", "2024-01-15"),
            ("1.1.0", "2024-11-30"),
            ("1.2.0", "2025-02-01"),
            ("2.0.0", "2025-06-01"),
        ],
    );
    zips.extend(dated("acme/secret", &[("1.0.0", "2024-01-15")]));
    server.publish_all(&zips);
    server.product("licensed", "Licensed", "acme/licensed", &[]);
    server.product("secret", "Secret", "acme/secret", &[]);
}

backend_tests!(updates_until_resolves_to_the_last_covered_release);
fn updates_until_resolves_to_the_last_covered_release(backend: Backend) {
    let server = Server::start(backend);
    licensed_catalog(&server);
    let (account, public, private) = server.customer("lic@example.com");
    server.grant_until(&account, "licensed", "2024-12-31");
    let dev = Developer::new(&server, "lic", &public, &private);
    let project = dev.project(&server, "app");
    server.wait_visible(&public, &private, "acme/licensed");

    let out = dev.composer_ok(&project, &["require", "acme/licensed"]);
    assert_eq!(
        locked_version(&project, "acme/licensed").as_deref(),
        Some("1.1.0"),
        "{backend:?}: {out}"
    );
    assert!(
        out.contains(&format!(
            "Warning from {}: your licence for acme/licensed covers releases up to 2024-12-31; 2 newer releases (latest 2.0.0) need a licence renewal",
            server.url
        )),
        "{backend:?}: {out}"
    );
    // Asking for an uncovered release fails, and the reason is printed.
    let (ok, out) = dev.composer(&project, &["require", "acme/licensed:^2.0"]);
    assert!(!ok, "{out}");
    assert!(out.contains("covers releases up to 2024-12-31"), "{out}");

    // A later licence date widens the view without any client-side change.
    server.grant_until(&account, "licensed", "2025-03-01");
    assert!(eventually(PROPAGATION, || {
        let p2 = server.get_as("/p2/acme/licensed.json", &public, &private);
        p2.text().contains("\"1.2.0\"")
    }));
    let out = dev.composer_ok(&project, &["update", "acme/licensed", "-vvv"]);
    assert_eq!(
        locked_version(&project, "acme/licensed").as_deref(),
        Some("1.2.0"),
        "{out}"
    );

    // The dist of a release after the licence date (its URL taken from an account with an
    // unlimited licence): 403 with the reason, for Composer to print.
    let (_, other_public, other_private) =
        server.licensed_customer("unlimited@example.com", &["licensed"]);
    let p2_url = format!("{}/p2/acme/licensed.json", server.url);
    assert!(eventually(PROPAGATION, || curl_as(
        &p2_url,
        &other_public,
        &other_private,
        &[]
    )
    .status
        == 200));
    let full = curl_as(&p2_url, &other_public, &other_private, &[]).json();
    let newest = &full["packages"]["acme/licensed"][0];
    assert_eq!(newest["version"], "2.0.0");
    let dist = curl_as(
        newest["dist"]["url"].as_str().unwrap(),
        &public,
        &private,
        &[],
    );
    assert_eq!(dist.status, 403);
    assert_eq!(dist.header("content-type"), Some("application/json"));
    assert_eq!(
        dist.warning(),
        "your licence for acme/licensed covers releases up to 2025-03-01; 2.0.0 was released on 2025-06-01"
    );
}

#[test]
fn packages_outside_the_licence_are_not_found() {
    let server = Server::start(Backend::Sqlite);
    licensed_catalog(&server);
    let (_, public, private) = server.licensed_customer("nosecret@example.com", &["licensed"]);
    let dev = Developer::new(&server, "nosecret", &public, &private);
    let project = dev.project(&server, "app");
    server.wait_visible(&public, &private, "acme/licensed");

    let root = server.get_as("/packages.json", &public, &private).json();
    assert_eq!(root["available-packages"], json!(["acme/licensed"]));
    let p2 = server.get_as("/p2/acme/secret.json", &public, &private);
    assert_eq!(p2.status, 404);
    let unknown = server.get_as("/p2/acme/nothing.json", &public, &private);
    assert_eq!(
        (unknown.status, unknown.body.clone()),
        (404, p2.body.clone()),
        "existence must not leak"
    );

    let (ok, out) = dev.composer(&project, &["require", "acme/secret"]);
    assert!(!ok);
    assert!(
        out.contains("Could not find a matching version of package acme/secret"),
        "{out}"
    );
    // With an unlimited licence the same package is installable at its newest version.
    dev.composer_ok(&project, &["require", "acme/licensed"]);
    assert_eq!(
        locked_version(&project, "acme/licensed").as_deref(),
        Some("2.0.0")
    );
}
