//! Read-your-writes for revocations (issue 22): once the admin API, the remote CLI or the
//! portal has answered that a credential is revoked, the very next request to that node
//! with it is refused, with no sleep in between. The server polls for changes only once an
//! hour here, so on a node that waited for its feed every check below would pass the old
//! credential.

use serde_json::json;

use crate::portal::{CUSTOMER_PASSWORD, customer_with_password};
use crate::support::*;

/// A server whose change feed would take an hour to notice anything on its own.
fn slow_feed_server(backend: Backend) -> Server {
    Server::start_with(backend, &["--poll-interval", "1h"])
}

fn files(server: &Server, account: &str, token: &str) -> u16 {
    let url = format!("{}/products/downloads/info/files", server.url);
    curl_as(&url, account, token, &[]).status
}

backend_tests!(operator_tokens_stop_at_once_when_revoked_or_their_operator_is_disabled);
fn operator_tokens_stop_at_once_when_revoked_or_their_operator_is_disabled(backend: Backend) {
    let server = slow_feed_server(backend);
    let admin = server.admin_token("ops@example.com");
    let (id, leaked) = scoped_token(&server, "ops@example.com", "leaked", "admin");
    let api = Api::new(&server, &admin);
    let leaked_api = Api::new(&server, &leaked);
    assert_eq!(leaked_api.get("/api/v1/accounts").status, 200);
    let revoked = api.call("DELETE", &format!("/api/v1/operator-tokens/{id}"), None);
    assert_eq!(revoked.status, 200, "{}", revoked.text());
    let mint = json!({ "email": "ops@example.com", "name": "sneaky" });
    assert_eq!(
        leaked_api.post("/api/v1/operator-tokens", &mint).status,
        401
    );
    assert_eq!(leaked_api.get("/api/v1/accounts").status, 401);

    server.cli_with_stdin(
        &[
            "operator",
            "create",
            "--email",
            "gone@example.com",
            "--password-stdin",
        ],
        "operator password",
    );
    let (_, theirs) = scoped_token(&server, "gone@example.com", "ci", "read");
    let theirs = Api::new(&server, &theirs);
    assert_eq!(theirs.get("/api/v1/accounts").status, 200);
    let disabled = api.post("/api/v1/operators/gone@example.com/disable", &json!({}));
    assert_eq!(disabled.status, 200, "{}", disabled.text());
    assert_eq!(theirs.get("/api/v1/accounts").status, 401);
}

backend_tests!(keys_tokens_and_accounts_stop_at_once_through_the_admin_api_and_remote_cli);
fn keys_tokens_and_accounts_stop_at_once_through_the_admin_api_and_remote_cli(backend: Backend) {
    let server = slow_feed_server(backend);
    let api = Api::new(&server, &server.admin_token("ops@example.com"));
    let (account, public, private) = server.customer("c@example.com");
    let (_, public2, private2) = server.customer("d@example.com");
    let (closing, public3, private3) = server.customer("e@example.com");
    for (public, private) in [
        (&public, &private),
        (&public2, &private2),
        (&public3, &private3),
    ] {
        assert_eq!(server.get_as("/packages.json", public, private).status, 200);
    }

    let r = api.post(&format!("/api/v1/keys/{public}/disable"), &json!({}));
    assert_eq!(r.status, 200, "{}", r.text());
    assert_eq!(
        server.get_as("/packages.json", &public, &private).status,
        401
    );

    // The remote CLI goes through the admin API: the same promise holds for it.
    let out = server
        .command()
        .args(["--server", &server.url, "--token", &api.token])
        .args(["key", "delete", &public2])
        .output()
        .unwrap();
    succeeded(out, "remote key delete");
    assert_eq!(
        server.get_as("/packages.json", &public2, &private2).status,
        401
    );

    let old = server.download_token(&account);
    assert_eq!(files(&server, &account, &old), 200);
    let r = api.post(
        &format!("/api/v1/accounts/{account}/download-token"),
        &json!({}),
    );
    assert_eq!(r.status, 201, "{}", r.text());
    assert_eq!(files(&server, &account, &old), 401);

    let r = api.post(&format!("/api/v1/accounts/{closing}/close"), &json!({}));
    assert_eq!(r.status, 200, "{}", r.text());
    assert_eq!(
        server.get_as("/packages.json", &public3, &private3).status,
        403
    );
}

backend_tests!(a_key_deleted_and_a_token_replaced_in_the_portal_stop_at_once);
fn a_key_deleted_and_a_token_replaced_in_the_portal_stop_at_once(backend: Backend) {
    let server = slow_feed_server(backend);
    let account = customer_with_password(&server, "portal@example.com");
    let key = server.cli_json(&["key", "create", &account, "--name", "laptop"]);
    let (public, private) = (
        key["public_key"].as_str().unwrap(),
        key["private_key"].as_str().unwrap(),
    );
    let old = server.download_token(&account);
    assert_eq!(server.get_as("/packages.json", public, private).status, 200);
    assert_eq!(files(&server, &account, &old), 200);

    let client = PortalClient::new(&server);
    let login = client.login("/login", "portal@example.com", CUSTOMER_PASSWORD);
    assert_eq!(login.status, 303, "{}", login.text());
    let csrf = csrf_of(&client.get("/account/keys").text());
    let deleted = client.post(
        &format!("/account/keys/{public}/delete"),
        &[("csrf", &csrf)],
        &[],
    );
    assert_eq!(deleted.status, 303, "{}", deleted.text());
    assert_eq!(server.get_as("/packages.json", public, private).status, 401);

    let generated = client.post("/account/token", &[("csrf", &csrf)], &[]);
    assert!(generated.status < 400, "{}", generated.text());
    assert_eq!(files(&server, &account, &old), 401);
}
