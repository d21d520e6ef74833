//! What the redesigned portal promises, checked from the outside: the "Install with
//! Composer" panel's commands, pasted into real Composer, install with the chosen key (and
//! its `COMPOSER_AUTH` line works in CI style); the Licences page says how far a licence
//! reaches ("2.4.7 of 2.4.9 — renew to get 2.4.8 and 2.4.9"); the vendor's brand is on every
//! page; and every customer and operator page passes axe-core (no serious or critical
//! violation, light and dark) without scrolling sideways at 390 px (`browser/pages.mjs`).

use std::path::Path;

use chrono::Datelike;

use serde_json::json;

use crate::portal::{CUSTOMER_PASSWORD, OPERATOR_PASSWORD, customer_with_password, operator};
use crate::support::smtp::SmtpSink;
use crate::support::*;

const EMAIL: &str = "design@example.com";
const BRAND: &str = "Acme Repo";
const LOGO: &str = r##"<svg xmlns="http://www.w3.org/2000/svg" width="28" height="28" viewBox="0 0 28 28"><rect width="28" height="28" rx="6" fill="#0f766e"/><path d="M7 19V9h6a4 4 0 0 1 0 8H7" stroke="#fff" stroke-width="2.5" fill="none"/></svg>"##;

/// The text of the element with `id` in a page (entities decoded: the commands hold quotes).
pub fn element_text(html: &str, id: &str) -> String {
    let marker = format!("id=\"{id}\"");
    let start = html
        .find(&marker)
        .unwrap_or_else(|| panic!("no #{id} in:\n{html}"));
    let open_end = start + html[start..].find('>').unwrap() + 1;
    let close = open_end + html[open_end..].find("</").unwrap();
    html[open_end..close]
        .replace("&#34;", "\"")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
}

/// A fresh project with no repository, and a COMPOSER_HOME without credentials.
fn bare_project(server: &Server, name: &str) -> (Developer, std::path::PathBuf) {
    let dev = Developer {
        home: server.work_dir(&format!("home-{name}")),
    };
    let dir = dev.home.join("project");
    std::fs::create_dir_all(&dir).unwrap();
    let manifest = json!({ "name": "test/app", "repositories": { "packagist.org": false } });
    std::fs::write(dir.join("composer.json"), manifest.to_string()).unwrap();
    (dev, dir)
}

/// Runs one pasted `composer …` line in `project`.
fn paste(dev: &Developer, project: &Path, line: &str) {
    let words: Vec<&str> = line.split_whitespace().collect();
    assert_eq!(words[0], "composer", "{line}");
    dev.composer_ok(project, &words[1..]);
}

fn catalog(server: &Server) -> (String, String, String) {
    let mut zips = dated(
        "acme/suite",
        &[
            ("2.4.7", "2024-01-15"),
            ("2.4.8", "2024-06-01"),
            ("2.4.9", "2024-09-01"),
        ],
    );
    zips.extend(dated("acme/tool-cli", &[("1.0.0", "2024-02-01")]));
    server.publish_all(&zips);
    server.product("suite", "Acme Suite", "acme/suite", &[]);
    server.product("tools", "Acme Tools", "acme/tool-*", &[]);
    let account = customer_with_password(server, EMAIL);
    server.grant_until(&account, "suite", "2024-03-01");
    // Tools end this month: the operator's dashboard lists them.
    let today = chrono::Utc::now().date_naive();
    let month_end = (today.with_day(1).unwrap() + chrono::Months::new(1)) - chrono::Days::new(1);
    server.grant_until(&account, "tools", &month_end.to_string());
    let key = server.cli_json(&["key", "create", &account, "--name", "ci"]);
    let text = |v: &serde_json::Value| v.as_str().unwrap().to_string();
    (account, text(&key["public_key"]), text(&key["private_key"]))
}

#[test]
fn the_install_panel_and_licence_reach_work_with_real_composer() {
    let server = Server::start_with(Backend::Sqlite, &["--brand-name", BRAND]);
    let (_, public, private) = catalog(&server);
    server.wait_visible(&public, &private, "acme/suite");
    let client = PortalClient::customer_session(&server, EMAIL);
    let keys = client.get(&format!("/account/keys?key={public}")).text();
    assert!(keys.contains(&format!("<title>Access Keys · {BRAND}</title>")));

    // The commands as shown, with the private key put in where the panel says.
    let (dev, project) = bare_project(&server, "panel");
    let repo = element_text(&keys, "repo-command");
    assert_eq!(
        repo,
        format!(
            "composer config repositories.acme-repo composer {}",
            server.url
        )
    );
    paste(&dev, &project, &repo);
    paste(&dev, &project, &element_text(&keys, "insecure-command"));
    let auth = element_text(&keys, "auth-command");
    assert_eq!(
        auth,
        format!(
            "composer config http-basic.{} {public} PRIVATE_KEY",
            server.host
        )
    );
    paste(&dev, &project, &auth.replace("PRIVATE_KEY", &private));
    dev.composer_ok(&project, &["require", "acme/suite", "acme/tool-cli"]);
    assert_eq!(
        locked_version(&project, "acme/suite").as_deref(),
        Some("2.4.7")
    );

    // CI: only COMPOSER_AUTH, no auth.json.
    let line = element_text(&keys, "composer-auth").replace("PRIVATE_KEY", &private);
    let value = line
        .strip_prefix("COMPOSER_AUTH='")
        .and_then(|v| v.strip_suffix('\''))
        .expect("COMPOSER_AUTH='…'");
    let (ci, ci_project) = bare_project(&server, "ci");
    paste(&ci, &ci_project, &repo);
    paste(&ci, &ci_project, "composer config secure-http false");
    let out = std::process::Command::new("composer")
        .args(["require", "acme/tool-cli", "--no-interaction", "--no-ansi"])
        .current_dir(&ci_project)
        .env("COMPOSER_HOME", &ci.home)
        .env("COMPOSER_CACHE_DIR", ci.home.join("cache"))
        .env("COMPOSER_ALLOW_SUPERUSER", "1")
        .env("COMPOSER_AUTH", value)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(
        locked_version(&ci_project, "acme/tool-cli").as_deref(),
        Some("1.0.0")
    );

    // The licence page agrees with what Composer just chose.
    let licences = client.get("/account/licences").text();
    assert!(
        licences.contains("2.4.7 of 2.4.9 — <strong>renew to get 2.4.8 and 2.4.9</strong>"),
        "{licences}"
    );
    assert!(licences.contains("1.0.0 (the newest)"), "{licences}");
}

#[test]
fn bad_brand_options_stop_serve_with_the_reason() {
    let server = Server::start(Backend::Sqlite);
    for (args, reason) in [
        (vec!["--brand-color", "blue"], "is not a colour like"),
        (vec!["--brand-logo", "/no/such/logo.png"], "cannot read it"),
        (
            vec!["--smtp-url", "smtp://mail:port", "--mail-from", "a@b.test"],
            "not a number",
        ),
    ] {
        let out = server
            .command()
            .args(["serve", "--listen", "127.0.0.1:0"])
            .args(&args)
            .output()
            .unwrap();
        assert!(!out.status.success(), "{args:?}");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(stderr.contains(reason), "{args:?}: {stderr}");
    }
}

#[test]
fn every_portal_page_passes_axe_and_fits_a_phone() {
    let smtp = SmtpSink::start();
    let dir = tempfile::tempdir().unwrap();
    let logo = dir.path().join("logo.svg");
    std::fs::write(&logo, LOGO).unwrap();
    let server = Server::start_with(
        Backend::Sqlite,
        &[
            "--brand-name",
            BRAND,
            "--brand-color",
            "#0f766e",
            "--brand-logo",
            logo.to_str().unwrap(),
            "--smtp-url",
            &smtp.url(),
            "--mail-from",
            "support@acme.test",
        ],
    );
    let (account, public, private) = catalog(&server);
    operator(&server, "ops@example.com");
    // The Upstreams page with a row (never contacted: nobody asks for its packages).
    server.cli(&[
        "upstream",
        "add",
        "packagist",
        "https://repo.packagist.org",
        "--priority",
        "10",
    ]);
    server.wait_visible(&public, &private, "acme/suite");
    let dev = Developer::new(&server, "cli", &public, &private);
    let project = dev.project(&server, "installs");
    dev.composer_ok(&project, &["require", "acme/suite"]);
    server.invoice(&account, "INV-OLD", "90", "2024-01-31");
    server.invoice(&account, "INV-NEW", "120", "2099-01-31");
    // The customer also works on a second account (the switcher shows in the header), and
    // a developer of the first gets the 403 page of a page their role lacks.
    let other = server.customer("other@example.com").0;
    server.cli(&["user", "add", &other, "--email", EMAIL, "--role", "billing"]);
    let args = [
        "user",
        "add",
        &account,
        "--email",
        "dev@example.com",
        "--role",
        "developer",
    ];
    server.cli_with_stdin(
        &[&args[..], &["--password-stdin"]].concat(),
        CUSTOMER_PASSWORD,
    );
    let failed = PortalClient::new(&server).login("/login", EMAIL, "not the password");
    assert_eq!(failed.status, 401);

    let logo_answer = curl(&format!("{}/assets/logo", server.url), &[]);
    assert_eq!(logo_answer.status, 200);
    assert_eq!(logo_answer.body, LOGO.as_bytes());
    let brand_css = curl(&format!("{}/assets/brand.css", server.url), &[]).text();
    assert!(brand_css.contains("--brand: #0f766e"), "{brand_css}");

    // browser/screenshots.sh sets this to save the pictures for docs/screenshots/.
    let docs = std::env::var("PORTAL_DOCS_SHOTS").unwrap_or_default();
    let mut env = vec![
        ("ACCOUNT_ID", account.as_str()),
        ("CUSTOMER_EMAIL", EMAIL),
        ("CUSTOMER_PASSWORD", CUSTOMER_PASSWORD),
        ("DEVELOPER_EMAIL", "dev@example.com"),
        ("OPERATOR_EMAIL", "ops@example.com"),
        ("OPERATOR_PASSWORD", OPERATOR_PASSWORD),
        ("MAIL", "1"),
    ];
    if !docs.is_empty() {
        env.push(("DOCS_SHOTS", docs.as_str()));
    }
    let result = run_browser(&server, "pages.mjs", &env);
    let seen = result["seen"].as_array().unwrap();
    assert!(seen.len() >= 31, "{result}");
    for page in seen {
        let title = page["title"].as_str().unwrap();
        assert!(
            title.ends_with(&format!("· {BRAND}")),
            "brand in the title: {page}"
        );
        assert!(!title.contains("Packyard"), "{page}");
    }
    assert_eq!(result["problems"], json!([]), "{result}");
}
