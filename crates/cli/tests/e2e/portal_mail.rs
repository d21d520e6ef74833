//! Mail (SPEC §14) through a real SMTP server (aiosmtpd): a password reset by the link in
//! the mail, then a login with the new password; a used or expired link refused; a password
//! change while logged in (confirmed by mail); and the notices of an overdue invoice and of a
//! licence whose updates end within 14 days, sent once each even with two nodes running
//! the notice task. The vendor's brand is in every mail. Both database backends.

use std::process::{Child, Stdio};

use packyard_store::Db;

use crate::portal::{CUSTOMER_PASSWORD, customer_with_password};
use crate::support::smtp::SmtpSink;
use crate::support::*;

const EMAIL: &str = "mail@example.com";
const NEW_PASSWORD: &str = "a brand new password";
const BRAND: &str = "Acme Repo";

fn mail_server(backend: Backend, smtp: &SmtpSink) -> Server {
    Server::start_with(
        backend,
        &[
            "--smtp-url",
            &smtp.url(),
            "--mail-from",
            "Acme Support <support@acme.test>",
            "--brand-name",
            BRAND,
            "--notice-interval",
            "200ms",
        ],
    )
}

/// The reset link in a mail's text part.
fn link_in(text: &str) -> String {
    let start = text.find("http://").expect("a link in the mail");
    text[start..].split_whitespace().next().unwrap().to_string()
}

/// Asks for a reset link for `email` on the forgot form; returns the form's answer.
fn ask_for_link(server: &Server, email: &str) -> HttpResponse {
    let client = PortalClient::new(server);
    let form = client.get("/password/forgot");
    assert_eq!(form.status, 200, "{}", form.text());
    client.post(
        "/password/forgot",
        &[("email", email), ("csrf", &csrf_of(&form.text()))],
        &[],
    )
}

/// Opens the link and posts a new password; returns the answer to the post.
fn reset_with(server: &Server, link: &str, password: &str) -> HttpResponse {
    let client = PortalClient::new(server);
    let path = link
        .strip_prefix(&server.url)
        .expect("a link to this server");
    let page = client.get(path);
    assert_eq!(page.status, 200, "{}", page.text());
    let token = path.split_once("token=").unwrap().1;
    client.post(
        "/password/reset",
        &[
            ("token", token),
            ("password", password),
            ("confirm", password),
            ("csrf", &csrf_of(&page.text())),
        ],
        &[],
    )
}

backend_tests!(password_reset_by_mail_works_once_within_the_hour);
fn password_reset_by_mail_works_once_within_the_hour(backend: Backend) {
    let smtp = SmtpSink::start();
    let server = mail_server(backend, &smtp);
    let account = customer_with_password(&server, EMAIL);

    // An unknown address gets the same answer and no mail.
    let unknown = ask_for_link(&server, "nobody@example.com");
    assert_eq!(unknown.status, 200);
    unknown.assert_text_contains("a mail with a link is on its way");
    let asked = ask_for_link(&server, EMAIL);
    assert_eq!(asked.status, 200);
    let mails = smtp.wait_for(EMAIL, "Reset your password", 1);
    assert_eq!(smtp.mails().len(), 1, "no mail for the unknown address");
    let mail = &mails[0];
    assert!(mail.subject.contains(BRAND), "{mail:?}");
    assert!(mail.from.contains("support@acme.test"), "{mail:?}");
    assert!(mail.text.contains(&account) && mail.html.contains(BRAND));
    let link = link_in(&mail.text);
    assert!(link.starts_with(&format!("{}/password/reset?token=", server.url)));

    let reset = reset_with(&server, &link, NEW_PASSWORD);
    assert_eq!(reset.status, 303, "{}", reset.text());
    let login = PortalClient::new(&server);
    assert_eq!(login.login("/login", EMAIL, NEW_PASSWORD).status, 303);
    let old = PortalClient::new(&server).login("/login", EMAIL, CUSTOMER_PASSWORD);
    assert_eq!(old.status, 401, "the old password no longer works");

    // The same link again: refused, and the password stays.
    let path = link.strip_prefix(&server.url).unwrap();
    let reused = PortalClient::new(&server).get(path);
    assert_eq!(reused.status, 400);
    reused.assert_text_contains("has been used already");

    // A link past its hour (its expiry set in the database): refused.
    ask_for_link(&server, EMAIL);
    let second = link_in(&smtp.wait_for(EMAIL, "Reset your password", 2)[1].text);
    let rt = tokio::runtime::Runtime::new().unwrap();
    let db = rt.block_on(open_state_db(&server, backend));
    assert_eq!(
        rt.block_on(db.expire_password_resets(EMAIL, packyard_store::now()))
            .unwrap(),
        1
    );
    let expired = PortalClient::new(&server).get(second.strip_prefix(&server.url).unwrap());
    assert_eq!(expired.status, 400);
    expired.assert_text_contains("has expired");
    assert_eq!(
        PortalClient::new(&server)
            .login("/login", EMAIL, NEW_PASSWORD)
            .status,
        303
    );
    rt.block_on(db.close());
}

/// The database the server uses, for the test's own checks.
async fn open_state_db(server: &Server, backend: Backend) -> Db {
    match backend {
        Backend::Sqlite => Db::open_data_dir(&server.dir.path().join("data"))
            .await
            .unwrap(),
        Backend::Postgres => Db::connect(server.database_url().expect("a PostgreSQL URL"), false)
            .await
            .unwrap(),
    }
}

backend_tests!(a_logged_in_customer_changes_the_password_and_is_told_by_mail);
fn a_logged_in_customer_changes_the_password_and_is_told_by_mail(backend: Backend) {
    let smtp = SmtpSink::start();
    let server = mail_server(backend, &smtp);
    customer_with_password(&server, EMAIL);
    let client = PortalClient::customer_session(&server, EMAIL);
    let form = client.get("/account/password");
    assert_eq!(form.status, 200);
    let csrf = csrf_of(&form.text());
    let change = |current: &str, new: &str, confirm: &str| {
        client.post(
            "/account/password",
            &[
                ("current", current),
                ("password", new),
                ("confirm", confirm),
                ("csrf", &csrf),
            ],
            &[],
        )
    };
    let wrong = change("not it", NEW_PASSWORD, NEW_PASSWORD);
    assert_eq!(wrong.status, 400);
    wrong.assert_text_contains("current password is wrong");
    let differ = change(CUSTOMER_PASSWORD, NEW_PASSWORD, "something else");
    assert_eq!(differ.status, 400);
    differ.assert_text_contains("differ");
    let changed = change(CUSTOMER_PASSWORD, NEW_PASSWORD, NEW_PASSWORD);
    assert_eq!(changed.status, 200, "{}", changed.text());
    changed.assert_text_contains("Your password was changed");
    smtp.wait_for(EMAIL, "Your password was changed", 1);
    assert_eq!(
        PortalClient::new(&server)
            .login("/login", EMAIL, NEW_PASSWORD)
            .status,
        303
    );
    assert_eq!(
        PortalClient::new(&server)
            .login("/login", EMAIL, CUSTOMER_PASSWORD)
            .status,
        401
    );
}

/// A second `serve` process on the server's state, with the same mail and brand settings
/// (either node may win a notice).
fn second_node(server: &Server, smtp: &SmtpSink) -> Child {
    let mut child = server
        .command()
        .args([
            "serve",
            "--listen",
            "127.0.0.1:0",
            "--smtp-url",
            &smtp.url(),
        ])
        .args([
            "--mail-from",
            "support@acme.test",
            "--notice-interval",
            "200ms",
        ])
        .args(["--brand-name", BRAND])
        .env("PACKYARD_LOG", "warn")
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .unwrap();
    announced_url(&mut child);
    child
}

backend_tests!(overdue_invoices_and_ending_licences_are_mailed_once_by_one_node);
fn overdue_invoices_and_ending_licences_are_mailed_once_by_one_node(backend: Backend) {
    let smtp = SmtpSink::start();
    let server = mail_server(backend, &smtp);
    let mut other = second_node(&server, &smtp);
    let account = customer_with_password(&server, EMAIL);
    server.product("suite", "Acme Suite", "acme/*", &[]);
    let soon = (chrono::Utc::now().date_naive() + chrono::Days::new(10)).to_string();
    let later = (chrono::Utc::now().date_naive() + chrono::Days::new(40)).to_string();
    server.grant_until(&account, "suite", &soon);
    server.product("other", "Acme Other", "other/*", &[]);
    server.grant_until(&account, "other", &later);
    server.invoice(&account, "INV-LATE", "90", "2024-01-31");
    server.invoice(&account, "INV-FUTURE", "90", "2099-01-31");

    let overdue = smtp.wait_for(EMAIL, "Invoice INV-LATE is overdue", 1);
    assert!(overdue[0].text.contains(&account) && overdue[0].subject.contains(BRAND));
    let ending = smtp.wait_for(EMAIL, "Updates for Acme Suite end on", 1);
    assert!(ending[0].text.contains(&soon), "{:?}", ending[0]);
    // More rounds, without guessing how long they take: a licence ending after the first
    // one is mailed only by a round that went through the overdue invoice and the first
    // licence again (a round takes invoices, then licences by date). Still one mail each,
    // none for the licence that ends in 40 days or the invoice not yet due.
    let marker = (chrono::Utc::now().date_naive() + chrono::Days::new(12)).to_string();
    server.product("marker", "Acme Marker", "marker/*", &[]);
    server.grant_until(&account, "marker", &marker);
    smtp.wait_for(EMAIL, "Updates for Acme Marker end on", 1);
    let subjects: Vec<String> = smtp.mails().into_iter().map(|m| m.subject).collect();
    assert_eq!(subjects.len(), 3, "{subjects:?}");
    let _ = other.kill();
    let _ = other.wait();
}
