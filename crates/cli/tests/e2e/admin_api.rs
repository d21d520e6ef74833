//! SPEC §9: the admin API. A whole customer lifecycle through HTTP only, ending in a
//! Composer install; every route of the OpenAPI document answers; scopes are enforced.

use serde_json::{Value, json};

use crate::support::*;

const OPERATOR: &str = "api@example.com";

fn expect(r: HttpResponse, status: u16, what: &str) -> Value {
    assert_eq!(r.status, status, "{what}: {}", r.text());
    if r.body.is_empty() {
        Value::Null
    } else {
        r.json()
    }
}

backend_tests!(a_customer_lifecycle_through_the_api_only);
fn a_customer_lifecycle_through_the_api_only(backend: Backend) {
    let server = Server::start(backend);
    server.admin_token(OPERATOR);
    let (_, api) = scoped_api(&server, OPERATOR, "billing", "admin");
    let (_, ci) = scoped_api(&server, OPERATOR, "ci", "publish");
    let ctx = |what: &str| format!("{backend:?}: {what}");
    let ready = eventually(PROPAGATION, || {
        api.get("/api/v1/accounts").status == 200 && ci.get("/api/v1/packages").status == 200
    });
    assert!(ready, "{}", ctx("new tokens"));

    let (_, zip) = package_zip("acme/widget", "1.2.0", json!({}));
    expect(
        ci.upload("POST", "/api/v1/packages", &zip),
        201,
        &ctx("publish"),
    );
    expect(
        api.post(
            "/api/v1/products",
            &json!({ "slug": "suite", "name": "Suite", "packages": ["acme/*"] }),
        ),
        201,
        &ctx("product"),
    );
    let account = expect(
        api.post(
            "/api/v1/accounts",
            &json!({ "email": "buyer@shop.example", "name": "Shop" }),
        ),
        201,
        &ctx("account"),
    );
    let id = account["id"].as_str().unwrap().to_string();
    let grant = expect(
        api.call(
            "PUT",
            &format!("/api/v1/accounts/{id}/entitlements/suite"),
            Some(&json!({ "updates_until": null })),
        ),
        200,
        &ctx("grant"),
    );
    assert_eq!(grant["change"]["change"], "new", "{}", ctx("grant change"));
    let key = expect(
        api.post(
            &format!("/api/v1/accounts/{id}/keys"),
            &json!({ "name": "CI" }),
        ),
        201,
        &ctx("key"),
    );
    let (public, private) = (
        key["public_key"].as_str().unwrap(),
        key["private_key"].as_str().unwrap(),
    );

    // An overdue invoice puts the account on hold; paying lifts it.
    expect(api.post(&format!("/api/v1/accounts/{id}/invoices"), &json!({ "number": "INV-9", "amount": "99.00", "currency": "EUR", "due": "2020-01-01" })), 201, &ctx("invoice"));
    let url = format!("{}/packages.json", server.url);
    let held = eventually(PROPAGATION * 2, || {
        curl_as(&url, public, private, &[]).status == 403
    });
    assert!(held, "{}", ctx("billing hold"));
    assert!(
        curl_as(&url, public, private, &[])
            .warning()
            .contains("INV-9")
    );
    expect(
        api.call("POST", "/api/v1/invoices/INV-9/pay", None),
        200,
        &ctx("pay"),
    );
    server.wait_visible(public, private, "acme/widget");

    // Download token and a release, then curl lists it.
    let token = expect(
        api.call(
            "POST",
            &format!("/api/v1/accounts/{id}/download-token"),
            None,
        ),
        201,
        &ctx("token"),
    );
    let token = token["token"].as_str().unwrap().to_string();
    expect(
        ci.upload(
            "PUT",
            "/api/v1/releases/Suite-1.2.0.tar.gz?type=other&version=1.2.0&product=suite",
            b"suite bytes",
        ),
        201,
        &ctx("release"),
    );
    let files = format!("{}/products/downloads/info/files", server.url);
    let listed = eventually(PROPAGATION * 2, || {
        curl_as(&files, &id, &token, &[])
            .text()
            .contains("Suite-1.2.0.tar.gz")
    });
    assert!(listed, "{}", ctx("release listed"));

    let shown = expect(
        api.get(&format!("/api/v1/accounts/{id}")),
        200,
        &ctx("show"),
    );
    assert_eq!(shown["licences"][0]["product"], "suite");
    assert_eq!(
        shown["invoices"][0]["paid_at"]
            .as_str()
            .map(|t| t.ends_with('Z')),
        Some(true)
    );

    let dev = Developer::new(&server, "buyer", public, private);
    let project = dev.project(&server, "app");
    dev.composer_ok(&project, &["require", "acme/widget:^1.2"]);
    assert_eq!(
        locked_version(&project, "acme/widget").as_deref(),
        Some("1.2.0"),
        "{}",
        ctx("installed")
    );
}

/// Fills `{placeholders}` of a documented path with values that name nothing.
fn concrete(path: &str) -> String {
    path.split('/')
        .map(|part| {
            if part.starts_with('{') {
                "nothing"
            } else {
                part
            }
        })
        .collect::<Vec<_>>()
        .join("/")
}

#[test]
fn every_documented_route_is_served_and_guarded() {
    let server = Server::start(Backend::Sqlite);
    let doc = curl(&format!("{}/api/openapi.json", server.url), &[]).json();
    assert!(doc["openapi"].as_str().unwrap().starts_with("3."), "{doc}");
    let paths = doc["paths"].as_object().unwrap();
    for resource in [
        "accounts",
        "keys",
        "download-token",
        "products",
        "entitlements",
        "invoices",
        "packages",
        "releases",
        "operators",
        "operator-tokens",
        "repos",
        "hooks",
    ] {
        assert!(
            paths.keys().any(|p| p.contains(resource)),
            "no {resource} route documented"
        );
    }
    for legacy in [
        "/api/packages",
        "/api/releases/{file_name}",
        "/api/packages/{vendor}/{name}/{version}",
    ] {
        assert!(paths.contains_key(legacy), "{legacy} not documented");
    }
    let mut checked = 0;
    for (path, item) in paths {
        for method in item.as_object().unwrap().keys() {
            let url = format!("{}{}", server.url, concrete(path));
            let r = curl(&url, &["-X", &method.to_uppercase()]);
            // Webhooks take no token (`security: [{}]`): they are verified with the
            // repository's secret, so an unknown repository is a plain 404.
            let open = item[method]["security"].as_array().is_some_and(|s| {
                s.iter()
                    .any(|e| e.as_object().is_some_and(|o| o.is_empty()))
            });
            let expected: &[u16] = if open { &[401, 404] } else { &[401] };
            assert!(
                expected.contains(&r.status),
                "{method} {path}: {} {}",
                r.status,
                r.text()
            );
            assert!(r.json()["error"].is_string(), "{method} {path}");
            checked += 1;
        }
    }
    assert!(checked >= 35, "only {checked} operations documented");
}

#[test]
fn scopes_limit_tokens_and_revocation_is_immediate() {
    let server = Server::start_with(Backend::Sqlite, &["--max-upload-mib", "1"]);
    server.admin_token(OPERATOR);
    let (_, api) = scoped_api(&server, OPERATOR, "admin", "admin");
    let (publish_id, ci) = scoped_api(&server, OPERATOR, "ci", "publish");
    let (_, read) = scoped_api(&server, OPERATOR, "dash", "read");
    assert!(eventually(PROPAGATION, || read
        .get("/api/v1/accounts")
        .status
        == 200));

    let account = json!({ "email": "x@shop.example", "name": "X" });
    let refused = ci.post("/api/v1/accounts", &account);
    assert_eq!(refused.status, 403, "a publish token created an account");
    assert!(refused.json()["error"].as_str().unwrap().contains("admin"));
    assert_eq!(read.post("/api/v1/accounts", &account).status, 403);
    let (_, zip) = package_zip("acme/scoped", "1.0.0", json!({}));
    assert_eq!(
        read.upload("POST", "/api/v1/packages", &zip).status,
        403,
        "a read token published"
    );
    assert_eq!(ci.upload("POST", "/api/v1/packages", &zip).status, 201);
    assert_eq!(
        ci.get("/api/v1/packages").json()["packages"][0]["name"],
        "acme/scoped"
    );
    assert_eq!(read.get("/api/v1/operator-tokens").status, 200);
    assert_eq!(
        ci.post(
            "/api/v1/operator-tokens",
            &json!({ "email": OPERATOR, "name": "x" })
        )
        .status,
        403
    );
    // Too large and malformed input get the JSON error shape too.
    let mut zip_like = b"PK\x03\x04".to_vec();
    zip_like.resize(2 << 20, b'x');
    let big = ci.upload("POST", "/api/v1/packages", &zip_like);
    assert_eq!(big.status, 413, "{}", big.text());
    big.assert_error_contains("--max-upload-mib");
    let bad = api.call("POST", "/api/v1/products", Some(&json!({ "slug": 5 })));
    assert!(bad.status == 400 || bad.status == 422, "{}", bad.text());
    assert!(bad.json()["error"].is_string());

    // Revoked through the API: refused within the SPEC's second.
    expect(
        api.call(
            "DELETE",
            &format!("/api/v1/operator-tokens/{publish_id}"),
            None,
        ),
        200,
        "revoke",
    );
    let gone = eventually(PROPAGATION, || ci.get("/api/v1/packages").status == 401);
    assert!(gone, "a revoked token still worked after 1 s");
}
