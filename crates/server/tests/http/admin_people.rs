//! The admin API for what used to be local-only (SPEC §13): an account's users and their
//! roles, personal keys, and imported key pairs. Answers are read as the `packyard_api`
//! types the remote CLI reads, so a shape change breaks here first.

use packyard_api::accounts::CreatedKeyView;
use packyard_api::users::{Membership, UserList, UserRemoved};
use packyard_testkit::Backend;
use serde_json::json;

use crate::support::*;

fn with_method(method: &str, path: &str, body: serde_json::Value) -> Request {
    Request {
        method: method.into(),
        ..Request::post(path, body.to_string()).header("Content-Type", "application/json")
    }
}

fn post(path: &str, body: serde_json::Value) -> Request {
    with_method("POST", path, body)
}

backend_tests!(async users_are_added_reroled_and_removed_keeping_one_owner);
async fn users_are_added_reroled_and_removed_keeping_one_owner(backend: Backend) {
    let (server, token) = TestServer::with_admin(backend).await;
    let customer = server.customer("buyer@example.com", &[]).await;
    let users = format!("/api/v1/accounts/{}/users", customer.account.public_id);

    let owner = json!({ "email": "owner@example.com", "role": "owner" });
    let added = server.send(post(&users, owner).bearer(&token)).await;
    assert_eq!(added.status, 201, "{}", added.text());
    let added: Membership = serde_json::from_value(added.json()).unwrap();
    assert_eq!(added.role, "owner");
    assert!(
        added.password_link_token.is_some(),
        "a user without a password gets a link"
    );
    let dev =
        json!({ "email": "dev@example.com", "role": "developer", "password": "a long password" });
    let dev = server.send(post(&users, dev).bearer(&token)).await;
    let dev: Membership = serde_json::from_value(dev.json()).unwrap();
    assert_eq!(dev.password_link_token, None, "a password was given");

    let role = format!("{users}/dev@example.com/role");
    let billing = json!({ "role": "billing" });
    let changed = server
        .send(with_method("PUT", &role, billing).bearer(&token))
        .await;
    assert_eq!(changed.status, 200, "{}", changed.text());
    let bad = json!({ "role": "boss" });
    let refused = server
        .send(with_method("PUT", &role, bad).bearer(&token))
        .await;
    assert!(
        refused.text().contains("unknown role"),
        "{}",
        refused.text()
    );

    let listed = server.send(Request::get(&users).bearer(&token)).await;
    let listed: UserList = serde_json::from_value(listed.json()).unwrap();
    let roles: Vec<(&str, &str)> = listed
        .users
        .iter()
        .map(|u| (u.email.as_str(), u.role.as_str()))
        .collect();
    assert!(roles.contains(&("dev@example.com", "billing")), "{roles:?}");
    assert!(roles.contains(&("owner@example.com", "owner")), "{roles:?}");

    let delete = |email: &str| with_method("DELETE", &format!("{users}/{email}"), json!(null));
    let removed = server.send(delete("dev@example.com").bearer(&token)).await;
    let removed: UserRemoved = serde_json::from_value(removed.json()).unwrap();
    assert!(removed.removed);
    let owners_left: Vec<String> = {
        let listed = server.send(Request::get(&users).bearer(&token)).await;
        let listed: UserList = serde_json::from_value(listed.json()).unwrap();
        listed
            .users
            .into_iter()
            .filter(|u| u.role.as_str() == "owner")
            .map(|u| u.email)
            .collect()
    };
    for email in &owners_left[..owners_left.len() - 1] {
        server.send(delete(email).bearer(&token)).await;
    }
    let last = owners_left.last().unwrap();
    let kept = server.send(delete(last).bearer(&token)).await;
    assert!(
        kept.status >= 400 && kept.json()["error"].is_string(),
        "the last owner was removed: {}",
        kept.text()
    );
}

backend_tests!(async personal_and_imported_keys_are_made_through_the_api_and_work);
async fn personal_and_imported_keys_are_made_through_the_api_and_work(backend: Backend) {
    let (server, token) = TestServer::with_admin(backend).await;
    let customer = server.one_package_and_customer("buyer@example.com").await;
    let account = customer.account.public_id.clone();

    let pair = ("A".repeat(32), "b1".repeat(16));
    let import = json!({ "name": "moved", "public_key": pair.0, "private_key": pair.1 });
    let imported = server
        .send(post(&format!("/api/v1/accounts/{account}/keys/import"), import).bearer(&token))
        .await;
    assert_eq!(imported.status, 201, "{}", imported.text());
    let imported: CreatedKeyView = serde_json::from_value(imported.json()).unwrap();
    assert_eq!(imported.public_key, pair.0);
    let short = json!({ "name": "bad", "public_key": "short", "private_key": "short" });
    let refused = server
        .send(post(&format!("/api/v1/accounts/{account}/keys/import"), short).bearer(&token))
        .await;
    assert!(
        refused.status >= 400 && refused.status < 500,
        "{}",
        refused.text()
    );

    let users = format!("/api/v1/accounts/{account}/users");
    let dev = json!({ "email": "dev@example.com", "role": "developer" });
    server.send(post(&users, dev).bearer(&token)).await;
    let keys = "/api/v1/users/dev@example.com/keys";
    let personal = server
        .send(post(keys, json!({ "name": "laptop" })).bearer(&token))
        .await;
    assert_eq!(personal.status, 201, "{}", personal.text());
    let personal: CreatedKeyView = serde_json::from_value(personal.json()).unwrap();
    let listed = server.send(Request::get(keys).bearer(&token)).await;
    assert!(
        listed.text().contains(&personal.public_key),
        "{}",
        listed.text()
    );

    server.refresh().await;
    for (public, private) in [
        (&pair.0, &pair.1),
        (&personal.public_key, &personal.private_key),
    ] {
        let root = server
            .send(Request::get("/p2/acme/hello.json").basic(public, private))
            .await;
        assert_eq!(root.status, 200, "{public}: {}", root.text());
    }
}

backend_tests!(async an_operator_password_is_set_through_the_api);
async fn an_operator_password_is_set_through_the_api(backend: Backend) {
    let (server, token) = TestServer::with_admin(backend).await;
    let set_password = async |email: &str| {
        let path = format!("/api/v1/operators/{email}/password");
        let body = json!({ "password": "a brand new password" });
        server
            .send(with_method("PUT", &path, body).bearer(&token))
            .await
    };
    let answer = set_password("ops@example.com").await;
    assert_eq!(answer.status, 200, "{}", answer.text());
    let stored = server.db().operator("ops@example.com").await.unwrap();
    assert!(
        packyard_core::passwords::verify_password("a brand new password", &stored.password_hash),
        "the new password does not verify"
    );
    let missing = set_password("nobody@example.com").await;
    assert_eq!(missing.status, 404, "{}", missing.text());
}
