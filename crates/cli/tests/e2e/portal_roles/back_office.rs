//! The operator's side of SPEC §13 on an account page, on both backends: the account's users
//! with their roles (add, change the role, remove, a new set-password link that replaces the
//! old one), the last owner kept, the contact's new password logging out only them, the users' personal keys listed, and the explain form
//! giving the same verdict as `packyard explain` for the account and for a key.

use super::{BILL, DEV, OWNER, team};
use crate::portal_design::element_text;
use crate::support::*;

fn role_of(server: &Server, account: &str, email: &str) -> Option<String> {
    let list = server.cli_json(&["user", "list", account]);
    list["users"]
        .as_array()
        .unwrap()
        .iter()
        .find(|u| u["email"] == email)
        .map(|u| u["role"].as_str().unwrap().to_string())
}

backend_tests!(the_back_office_manages_users_and_explains_access);
fn the_back_office_manages_users_and_explains_access(backend: Backend) {
    let (server, account, second) = team(backend);
    let personal = server.cli_json(&["user", "key", "create", DEV, "--name", "laptop"]);
    let personal = personal["public_key"].as_str().unwrap().to_string();
    let owner = PortalClient::customer_session(&server, OWNER);
    let dev = PortalClient::customer_session(&server, DEV);
    let ops = PortalClient::operator_session(&server, "ops@roles.example");
    let path = format!("/admin/accounts/{account}");
    let page = ops.get(&path).text();
    for (email, role) in [(OWNER, "owner"), (DEV, "developer"), (BILL, "billing")] {
        let row = page
            .split("<tr")
            .find(|r| r.contains(&format!("data-user=\"{email}\"")));
        let row = row.unwrap_or_else(|| panic!("{email} listed: {page}"));
        assert!(row.contains(&format!(
            "<td class=\"user-role\" data-label=\"Role\">{role}</td>"
        )));
    }
    assert!(
        page.contains(&personal),
        "personal keys of the users: {page}"
    );
    let csrf = csrf_of(&page);

    // Add a user: the set-password link is shown; a new link replaces it.
    let form = [
        ("email", "late@roles.example"),
        ("role", "billing"),
        ("csrf", &csrf),
    ];
    let added = ops.post(&format!("{path}/users"), &form, &[]);
    assert_eq!(added.status, 200, "{}", added.text());
    let first = element_text(&added.text(), "set-password-link");
    assert_eq!(
        role_of(&server, &account, "late@roles.example").as_deref(),
        Some("billing")
    );
    let again = [("email", "late@roles.example"), ("csrf", &csrf)];
    let again = ops.post(&format!("{path}/users/link"), &again, &[]);
    assert_eq!(again.status, 200, "{}", again.text());
    let second_link = element_text(&again.text(), "set-password-link");
    assert_ne!(first, second_link);
    let visitor = PortalClient::new(&server);
    assert_eq!(
        visitor.get(first.strip_prefix(&server.url).unwrap()).status,
        404
    );
    assert_eq!(
        visitor
            .get(second_link.strip_prefix(&server.url).unwrap())
            .status,
        200
    );

    // Roles change; the last owner stays.
    let form = [("email", BILL), ("role", "developer"), ("csrf", &csrf)];
    assert_eq!(
        ops.post(&format!("{path}/users/role"), &form, &[]).status,
        303
    );
    assert_eq!(
        role_of(&server, &account, BILL).as_deref(),
        Some("developer")
    );
    let form = [("email", OWNER), ("csrf", &csrf)];
    let refused = ops.post(&format!("{path}/users/remove"), &form, &[]);
    assert_eq!(refused.status, 400);
    refused.assert_text_contains("last owner");
    assert_eq!(role_of(&server, &account, OWNER).as_deref(), Some("owner"));
    let form = [("email", "late@roles.example"), ("csrf", &csrf)];
    assert_eq!(
        ops.post(&format!("{path}/users/remove"), &form, &[]).status,
        303
    );
    assert_eq!(role_of(&server, &account, "late@roles.example"), None);

    // A new password for the primary contact logs out the contact's browsers only.
    let form = [("password", "set by the vendor"), ("csrf", &csrf)];
    assert_eq!(
        ops.post(&format!("{path}/password"), &form, &[]).status,
        303
    );
    assert_eq!(
        owner.get("/account/keys").header("location"),
        Some("/login")
    );
    assert_eq!(dev.get("/account/keys").status, 200);
    let again = PortalClient::new(&server);
    assert_eq!(
        again.login("/login", OWNER, "set by the vendor").status,
        303
    );

    // Explain: the same verdict as the CLI, for the account and for a key.
    let cases = [
        (second.clone(), "acme/hello", ""),
        (second.clone(), "acme/legacy:1.0.0", ""),
        (account.clone(), "acme/legacy", personal.as_str()),
    ];
    for (on, package, key) in cases {
        let url = format!("/admin/accounts/{on}/explain?package={package}&key={key}");
        let page = ops.get(&url);
        assert_eq!(page.status, 200, "{}", page.text());
        let cli = match key {
            "" => server.cli_json(&["explain", &on, package]),
            key => server.cli_json(&["explain", "--key", key, package]),
        };
        let shown = element_text(&page.text(), "explain-verdict");
        assert_eq!(shown, cli["verdict"].as_str().unwrap(), "{package} {key}");
    }
    assert_eq!(
        ops.get(&format!("/admin/accounts/{account}/explain?package="))
            .status,
        400
    );
}

/// With mail set up, the set-password link an owner is shown also goes to the new user.
#[test]
fn set_password_links_are_mailed_when_mail_is_set_up() {
    let smtp = crate::support::smtp::SmtpSink::start();
    let mail = [
        "--smtp-url",
        &smtp.url(),
        "--mail-from",
        "support@acme.test",
    ];
    let server = Server::start_with(Backend::Sqlite, &mail);
    let account = crate::portal::customer_with_password(&server, OWNER);
    let owner = PortalClient::customer_session(&server, OWNER);
    let added = super::add_user(&owner, "mailed@roles.example", "billing");
    added.assert_text_contains("it was also mailed to them");
    let shown = element_text(&added.text(), "set-password-link");
    let mails = smtp.wait_for("mailed@roles.example", &account, 1);
    assert!(mails[0].text.contains(&shown), "{:?}", mails[0]);
}
