//! The web portal in a real browser (headless Chromium), with every effect checked from the
//! outside: keys created, disabled and deleted in the page are tried with composer and curl,
//! the token generated in the page lists and downloads a release with curl, and the
//! operator's changes (payment, licences, uploads, unlist, closing) are checked with composer
//! and the CLI. Screenshots of every page land in `$CARGO_TARGET_DIR/tmp/portal-screenshots`.

use packyard_store::Db;
use serde_json::json;

use crate::support::*;

pub const CUSTOMER_PASSWORD: &str = "correct horse battery";
pub const OPERATOR_PASSWORD: &str = "operator staple 42";

/// A customer account with a portal password; returns its id.
pub fn customer_with_password(server: &Server, email: &str) -> String {
    let out = server.cli_with_stdin(
        &[
            "--json",
            "account",
            "create",
            "--email",
            email,
            "--name",
            "Portal GmbH",
            "--password-stdin",
        ],
        CUSTOMER_PASSWORD,
    );
    serde_json::from_str::<serde_json::Value>(&out).unwrap()["id"]
        .as_str()
        .unwrap()
        .to_string()
}

pub fn operator(server: &Server, email: &str) {
    server.cli_with_stdin(
        &["operator", "create", "--email", email, "--password-stdin"],
        OPERATOR_PASSWORD,
    );
}

fn open_db(server: &Server) -> (tokio::runtime::Runtime, Db) {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let db = rt
        .block_on(Db::open_data_dir(&server.dir.path().join("data")))
        .unwrap();
    (rt, db)
}

#[test]
fn customer_and_operator_actions_in_a_browser() {
    let server = Server::start(Backend::Sqlite);
    let report = server.publish(&[
        package_zip(
            "acme/hello",
            "1.0.0",
            json!({ "time": "2024-01-15", "description": "Hello <b>world</b>" }),
        ),
        package_zip("acme/hello", "1.1.0", json!({ "time": "2024-06-01" })),
    ]);
    assert_eq!(report["published"].as_array().unwrap().len(), 2, "{report}");
    for (slug, packages) in [("hello", "acme/hello"), ("legacy", "acme/legacy")] {
        server.product(slug, slug, packages, &[]);
    }
    let email = "portal@example.com";
    let account = customer_with_password(&server, email);
    server.grant_until(&account, "hello", "2099-12-31");
    server.grant(&account, &["legacy"]);
    let key = server.cli_json(&["key", "create", &account, "--name", "cli"]);
    let (cli_public, cli_private) = (
        key["public_key"].as_str().unwrap().to_string(),
        key["private_key"].as_str().unwrap().to_string(),
    );
    operator(&server, "ops@example.com");

    // One install with the CLI key: its last use shows in the portal, and notify-batch feeds
    // the download statistics.
    server.wait_visible(&cli_public, &cli_private, "acme/hello");
    let dev = Developer::new(&server, "cli", &cli_public, &cli_private);
    let project = dev.project(&server, "first");
    dev.composer_ok(&project, &["require", "acme/hello:1.0.0"]);

    // Now an overdue and a future invoice: the account is on hold until the operator
    // records the payment.
    server.invoice(&account, "INV-OLD", "90", "2024-01-31");
    server.invoice(&account, "INV-NEW", "90", "2099-01-31");
    let (rt, db) = open_db(&server);
    std::thread::sleep(std::time::Duration::from_millis(1100)); // usage flush: last use recorded

    let customer = run_browser(
        &server,
        "customer.mjs",
        &[
            ("ACCOUNT_ID", &account),
            ("CLI_KEY", &cli_public),
            ("CUSTOMER_EMAIL", email),
            ("CUSTOMER_PASSWORD", CUSTOMER_PASSWORD),
        ],
    );
    let s = |v: &serde_json::Value| v.as_str().unwrap().to_string();
    let (created_public, created_private) = (
        s(&customer["createdPublic"]),
        s(&customer["createdPrivate"]),
    );

    // Disabled and deleted in the page: refused with 401.
    assert!(eventually(PROPAGATION, || server
        .root_status(&cli_public, &cli_private)
        == 401));
    let deleted = (
        s(&customer["deletedPublic"]),
        s(&customer["deletedPrivate"]),
    );
    assert_eq!(server.root_status(&deleted.0, &deleted.1), 401);
    let disabled = curl_as(
        &format!("{}/packages.json", server.url),
        &cli_public,
        &cli_private,
        &[],
    );
    disabled.assert_warning_contains("is disabled");
    // The key made in the page is a real key: on hold for now (403 naming the invoice).
    let held = curl_as(
        &format!("{}/packages.json", server.url),
        &created_public,
        &created_private,
        &[],
    );
    assert_eq!(held.status, 403, "{}", held.text());
    held.assert_warning_contains("INV-OLD");

    // The token shown in the page is the one the server now accepts (only its hash is
    // stored), and the first one generated stopped working: 401 for the old one, and the
    // hold's 403 naming the invoice for the new one until the operator records the payment.
    let acct = rt.block_on(db.account(&account)).unwrap();
    let tokens: Vec<String> = customer["tokens"]
        .as_array()
        .unwrap()
        .iter()
        .map(s)
        .collect();
    let stored = rt.block_on(db.token_of(&acct)).unwrap().expect("a token");
    assert_eq!(
        stored.token_hash,
        packyard_store::secret::sha256(&tokens[1])
    );
    let files = format!("{}/products/downloads/info/files", server.url);
    assert!(eventually(PROPAGATION, || curl_as(
        &files,
        &account,
        &tokens[0],
        &[]
    )
    .status
        == 401));
    let held = curl_as(&files, &account, &tokens[1], &[]);
    assert_eq!(held.status, 403, "{}", held.text());
    held.assert_text_contains("INV-OLD");

    let zips = server.work_dir("upload");
    let (name, bytes) = package_zip("acme/extra-tool", "1.0.0", json!({ "time": "2024-02-01" }));
    let upload = zips.join(name);
    std::fs::write(&upload, bytes).unwrap();
    let release_bytes = b"not really a tarball, but bytes all the same\n".repeat(1000);
    let release = zips.join("Acme-CE-2.4.7.tar.gz");
    std::fs::write(&release, &release_bytes).unwrap();
    let evil = s(&customer["evilPublic"]);
    let ops = run_browser(
        &server,
        "operator.mjs",
        &[
            ("ACCOUNT_ID", &account),
            ("CUSTOMER_EMAIL", email),
            ("OPERATOR_EMAIL", "ops@example.com"),
            ("OPERATOR_PASSWORD", OPERATOR_PASSWORD),
            ("UPLOAD_ZIP", upload.to_str().unwrap()),
            ("EVIL_KEY", &evil),
            ("RELEASE_FILE", release.to_str().unwrap()),
        ],
    );

    // Paid, granted, uploaded and unlisted in the page: composer with the key created in the
    // page installs the uploaded package and the newest listed hello (1.0.0, not 1.1.0).
    server.wait_visible(&created_public, &created_private, "acme/extra-tool");
    let dev = Developer::new(&server, "browser", &created_public, &created_private);
    let project = dev.project(&server, "second");
    dev.composer_ok(&project, &["require", "acme/hello", "acme/extra-tool"]);
    assert_eq!(
        locked_version(&project, "acme/hello").as_deref(),
        Some("1.0.0")
    );
    assert_eq!(
        locked_version(&project, "acme/extra-tool").as_deref(),
        Some("1.0.0")
    );
    let evil_private = s(&customer["evilPrivate"]);
    let refused = curl_as(
        &format!("{}/packages.json", server.url),
        &evil,
        &evil_private,
        &[],
    );
    assert_eq!(
        refused.status,
        401,
        "disabled by the operator: {}",
        refused.text()
    );
    refused.assert_warning_contains("is disabled");

    // The token from the page now lists and downloads the release uploaded in the page.
    let listing = curl_as(&files, &account, &tokens[1], &[]);
    assert_eq!(listing.status, 200, "{}", listing.text());
    listing.assert_text_contains("Acme-CE-2.4.7.tar.gz");
    let file = curl_as(
        &format!(
            "{}/products/downloads/file/Acme-CE-2.4.7.tar.gz",
            server.url
        ),
        &account,
        &tokens[1],
        &[],
    );
    assert_eq!(file.status, 200);
    assert!(
        file.body == release_bytes,
        "downloaded bytes differ from the uploaded release"
    );

    let entitlements = rt.block_on(db.entitlements_of(&acct)).unwrap();
    let legacy = rt.block_on(db.product("legacy")).unwrap();
    assert!(
        entitlements.iter().all(|e| e.product_id != legacy.id),
        "legacy revoked"
    );
    let closed = server.cli_json(&["account", "show", ops["closedAccount"].as_str().unwrap()]);
    assert_eq!(closed["account"]["status"], "closed");
    let invoices = server.cli_json(&["account", "show", &account])["invoices"].clone();
    assert!(
        invoices
            .as_array()
            .unwrap()
            .iter()
            .any(|i| i["number"] == "INV-2"),
        "{invoices}"
    );
    rt.block_on(db.close());
}
