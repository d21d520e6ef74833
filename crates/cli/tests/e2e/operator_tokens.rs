//! SPEC §9 / issue 8 item 6: operator API tokens can be listed and revoked, operators can be
//! disabled, and both take effect on a running server within a second.

use serde_json::json;

use crate::support::*;

const OPERATOR: &str = "ops@example.com";

fn upload_status(api: &Api, version: &str) -> u16 {
    let (_, zip) = package_zip("acme/tokens", version, json!({}));
    api.upload("POST", "/api/packages", &zip).status
}

/// Waits at most the SPEC's second for `api`'s uploads to be refused with 401.
fn refused_within_a_second(api: &Api, backend: Backend, what: &str) {
    let mut n = 0;
    let refused = eventually(PROPAGATION, || {
        n += 1;
        upload_status(api, &format!("9.0.{n}")) == 401
    });
    assert!(
        refused,
        "{backend:?}: {what}: token still accepted after 1 s"
    );
}

backend_tests!(tokens_are_listed_revoked_and_follow_their_operator);
fn tokens_are_listed_revoked_and_follow_their_operator(backend: Backend) {
    let server = Server::start(backend);
    server.admin_token(OPERATOR);
    let (ci_id, ci_api) = scoped_api(&server, OPERATOR, "ci", "publish");
    let (_, spare_api) = scoped_api(&server, OPERATOR, "spare", "admin");
    let works = eventually(PROPAGATION, || upload_status(&ci_api, "1.0.0") == 201);
    assert!(works, "{backend:?}: a new publish token cannot upload");

    // Listing shows ids, names and scopes, never the secrets.
    let listed = server.cli_json(&["operator", "token", "list", "--email", OPERATOR]);
    let text = listed.to_string();
    assert!(
        !text.contains(&ci_api.token) && !text.contains(&spare_api.token),
        "{backend:?}: {text}"
    );
    let ci_row = listed["tokens"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["id"] == ci_id)
        .unwrap_or_else(|| panic!("{backend:?}: token {ci_id} not listed: {text}"));
    assert_eq!(ci_row["scope"], "publish", "{backend:?}");
    assert!(ci_row["revoked_at"].is_null(), "{backend:?}");

    server.cli(&["operator", "token", "revoke", &ci_id.to_string()]);
    refused_within_a_second(&ci_api, backend, "revoked token");
    assert_eq!(
        upload_status(&spare_api, "1.0.1"),
        201,
        "{backend:?}: other tokens still work"
    );
    let listed = server.cli_json(&["operator", "token", "list"]);
    let revoked_at = listed["tokens"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["id"] == ci_id)
        .map(|t| t["revoked_at"].clone())
        .unwrap();
    assert!(
        revoked_at.as_str().is_some_and(|t| t.ends_with('Z')),
        "{backend:?}: revoked_at is RFC 3339: {revoked_at}"
    );

    // A disabled operator's tokens stop working; enabling brings them back.
    server.cli(&["operator", "disable", OPERATOR]);
    refused_within_a_second(&spare_api, backend, "token of a disabled operator");
    server.cli(&["operator", "enable", OPERATOR]);
    let back = eventually(PROPAGATION, || upload_status(&spare_api, "1.0.2") == 201);
    assert!(
        back,
        "{backend:?}: enabling the operator did not restore its token"
    );
    // The revoked token stays revoked.
    assert_eq!(upload_status(&ci_api, "1.0.3"), 401, "{backend:?}");

    let out = server.cli_output(&["operator", "token", "revoke", "424242"]);
    assert!(!out.status.success(), "{backend:?}");
    assert!(String::from_utf8_lossy(&out.stderr).contains("no operator API token"));
    let out = server.cli_output(&[
        "operator", "token", "create", "--email", OPERATOR, "--name", "x", "--scope", "root",
    ]);
    assert!(!out.status.success(), "{backend:?}: unknown scope accepted");
}

#[test]
fn disabled_operators_lose_their_sessions_and_cannot_log_in() {
    let server = Server::start(Backend::Sqlite);
    server.cli_with_stdin(
        &[
            "operator",
            "create",
            "--email",
            OPERATOR,
            "--password-stdin",
        ],
        "first password 1",
    );
    let browser = PortalClient::new(&server);
    assert_eq!(
        browser
            .login("/admin/login", OPERATOR, "first password 1")
            .status,
        303
    );
    assert_eq!(browser.get("/admin/accounts").status, 200);

    server.cli(&["operator", "disable", OPERATOR]);
    let page = browser.get("/admin/accounts");
    assert_eq!(
        page.status, 303,
        "a disabled operator's session still works"
    );
    let again = PortalClient::new(&server).login("/admin/login", OPERATOR, "first password 1");
    assert_eq!(again.status, 403);
    assert!(again.text().contains("disabled"), "{}", again.text());

    // Enabled again, with a new password set from standard input: only it works.
    server.cli(&["operator", "enable", OPERATOR]);
    server.cli_with_stdin(
        &["operator", "set-password", OPERATOR, "--password-stdin"],
        "second password 2",
    );
    let old = PortalClient::new(&server).login("/admin/login", OPERATOR, "first password 1");
    assert_eq!(old.status, 401);
    let new = PortalClient::new(&server).login("/admin/login", OPERATOR, "second password 2");
    assert_eq!(new.status, 303);
}
