//! Issue 22, operator basics and careless input: `package list|show|unlist|relist`,
//! `publish` naming what it did, `repo add` printing the webhook on the public URL the
//! server recorded, the start-up lines, and dates, amounts and public URLs refused with
//! one clear line (CLI, admin API, back office).

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};

use serde_json::json;

use crate::support::*;

backend_tests!(packages_are_listed_shown_unlisted_and_relisted_from_the_cli);
fn packages_are_listed_shown_unlisted_and_relisted_from_the_cli(backend: Backend) {
    let server = Server::start(backend);
    let zips = [
        package_zip("acme/tool", "1.0.0", json!({ "time": "2026-01-01" })),
        package_zip("acme/tool", "1.1.0", json!({ "time": "2026-02-01" })),
    ];
    let dir = server.work_dir("zips");
    let mut args = vec!["publish".to_string()];
    for (name, bytes) in &zips {
        std::fs::write(dir.join(name), bytes).unwrap();
        args.push(dir.join(name).display().to_string());
    }
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let first = server.cli(&args);
    assert!(first.contains("published acme/tool 1.0.0"), "{first}");
    assert!(first.contains("published acme/tool 1.1.0"), "{first}");
    let again = server.cli(&args);
    assert!(
        again.contains("skipped acme/tool 1.0.0 (already published)"),
        "{again}"
    );

    let listed = server.cli(&["package", "list"]);
    assert!(
        listed.contains("acme/tool  2 version(s)  latest 1.1.0"),
        "{listed}"
    );
    server.cli(&["package", "unlist", "acme/tool", "1.1.0"]);
    let shown = server.cli_json(&["package", "show", "acme/tool"]);
    let versions = shown["versions"].as_array().unwrap();
    assert_eq!(versions.len(), 2);
    assert_eq!(versions[0]["published_by"], "cli");
    assert!(versions[1]["unlisted_at"].is_string(), "{shown}");
    assert!(server.cli(&["package", "list"]).contains("latest 1.0.0"));
    server.cli(&["package", "relist", "acme/tool", "1.1.0"]);
    let human = server.cli(&["package", "show", "acme/tool"]);
    assert!(
        human.contains("1.1.0") && human.contains("by cli") && !human.contains("unlisted"),
        "{human}"
    );
    server.refuses(
        &["package", "relist", "acme/tool", "1.1.0"],
        "no unlisted version",
    );
    server.refuses(&["package", "show", "acme/none"], "no package named");
}

#[test]
fn repo_add_prints_the_webhook_on_the_public_url_the_server_recorded() {
    let server = Server::start_with(
        Backend::Sqlite,
        &["--public-url", "https://repo.example.test"],
    );
    let repo = server.work_dir("tool.git");
    let init = Command::new("git")
        .args(["init", "-q", "--bare"])
        .arg(&repo)
        .status();
    assert!(init.unwrap().success());
    let added = server.cli(&["repo", "add", &repo.display().to_string()]);
    assert!(
        added.contains("webhook URL: https://repo.example.test/api/hooks/"),
        "{added}"
    );
}

#[test]
fn the_start_up_lines_say_where_the_data_is_and_what_to_do_next() {
    let dir = tempfile::tempdir().unwrap();
    let mut child = Command::new(BIN)
        .arg("--data-dir")
        .arg(dir.path())
        .args([
            "serve",
            "--listen",
            "127.0.0.1:0",
            "--metrics-listen",
            "127.0.0.1:0",
        ])
        .env_remove("PACKYARD_DATABASE_URL")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let text: Vec<String> = (0..4).map(|_| lines.next().unwrap().unwrap()).collect();
    child.kill().unwrap();
    let _ = child.wait();
    let text = text.join("\n");
    assert!(
        text.contains("packyard listening on http://127.0.0.1:"),
        "{text}"
    );
    let data = format!(
        "data: {} (SQLite database and archives in",
        dir.path().display()
    );
    assert!(text.contains(&data), "{text}");
    assert!(text.contains("metrics: http://127.0.0.1:"), "{text}");
    assert!(text.contains("next: create an operator"), "{text}");
    assert!(text.contains("packyard operator create --email"), "{text}");
}

backend_tests!(dates_amounts_and_public_urls_are_refused_with_one_clear_line);
fn dates_amounts_and_public_urls_are_refused_with_one_clear_line(backend: Backend) {
    let server = Server::start(backend);
    let (account, _, _) = server.customer("careless@example.com");
    server.product("pro", "Pro", "acme/*", &[]);
    let invoice = |due, amount| invoice_args(&account, "INV-9", amount, due);
    server.refuses(
        &invoice("26-1-1", "10"),
        "YYYY-MM-DD with a four-digit year",
    );
    server.refuses(&invoice("2026-01-01", "0"), "must be a positive number");
    let grant = [
        "entitlement",
        "grant",
        &account,
        "pro",
        "--updates-until",
        "26-1-1",
    ];
    server.refuses(&grant, "four-digit year");
    let api = Api::new(&server, &server.admin_token("ops@example.com"));
    let body = json!({ "number": "INV-9", "amount": "10", "currency": "EUR", "due": "26-1-1" });
    let r = api.post(&format!("/api/v1/accounts/{account}/invoices"), &body);
    assert_eq!(r.status, 422, "{}", r.text());
    r.assert_error_contains("four-digit year");
    let office = PortalClient::operator_session(&server, "office@example.com");
    let csrf = csrf_of(&office.get(&format!("/admin/accounts/{account}")).text());
    let form = [
        ("number", "INV-9"),
        ("amount", "10"),
        ("currency", "EUR"),
        ("due", "26-1-1"),
        ("csrf", &csrf),
    ];
    let r = office.post(&format!("/admin/accounts/{account}/invoices"), &form, &[]);
    assert_eq!(r.status, 400);
    r.assert_text_contains("four-digit year");
    assert_eq!(
        server.cli_json(&["invoice", "list"])["invoices"],
        json!([]),
        "nothing was added"
    );
    let serve = server.cli_output(&[
        "serve",
        "--listen",
        "127.0.0.1:0",
        "--public-url",
        "repo.example.com",
    ]);
    assert_failed_with(&serve, "is not an absolute http(s) URL");
}
