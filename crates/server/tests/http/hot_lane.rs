//! The hot lane (`packyard_server::composer::hot`) answers a warm p2 request exactly as the
//! router does, and leaves every request it cannot answer that way to the router. An encoded
//! path (`hello%2Ejson`) is one the lane never takes, so it is the router's answer to the
//! same request.

use packyard_testkit::Backend;
use serde_json::json;

use crate::support::*;

/// Everything but `Date`, which is the only header allowed to differ between two answers.
fn comparable(response: &Response) -> (u16, Vec<(String, String)>, Vec<u8>) {
    let mut headers: Vec<_> = response
        .headers
        .iter()
        .filter(|(name, _)| !name.eq_ignore_ascii_case("date"))
        .cloned()
        .collect();
    headers.sort();
    (response.status, headers, response.body.clone())
}

async fn lane_and_router(
    server: &TestServer,
    who: &Customer,
    file: &str,
    extra: &[(&str, &str)],
) -> [Response; 2] {
    let mut answers = Vec::new();
    for path in [
        format!("/p2/acme/{file}.json"),
        format!("/p2/acme/{file}%2Ejson"),
    ] {
        let mut request = Request::get(&path).basic(&who.public, &who.private);
        for (name, value) in extra {
            request = request.header(name, value);
        }
        answers.push(server.send(request).await);
    }
    answers.try_into().unwrap()
}

backend_tests!(async a_warm_p2_answer_is_the_routed_answer);
async fn a_warm_p2_answer_is_the_routed_answer(backend: Backend) {
    let server = TestServer::start(backend).await;
    server
        .publish("acme/hello", "1.1.0", json!({ "time": "2024-02-01" }))
        .await;
    let customer = server.one_package_and_customer("hot@example.com").await;
    // Renders every body once (through the router), so the lane finds them cached.
    for file in ["hello", "hello~dev"] {
        assert_eq!(
            server
                .get_as(&format!("/p2/acme/{file}.json"), &customer)
                .await
                .status,
            200
        );
    }
    server.advance_clock(std::time::Duration::from_secs(3));
    let stamp = server.get_as("/p2/acme/hello.json", &customer).await;
    let stamp = stamp.header("last-modified").unwrap().to_string();
    let variants: [&[(&str, &str)]; 5] = [
        &[],
        &[("Accept-Encoding", "gzip")],
        &[("Accept-Encoding", "deflate, gzip, br, zstd")],
        &[("If-Modified-Since", &stamp)],
        &[("If-Modified-Since", "Mon, 01 Jan 2001 00:00:00 GMT")],
    ];
    for file in ["hello", "hello~dev"] {
        for extra in variants {
            let [lane, router] = lane_and_router(&server, &customer, file, extra).await;
            assert!(
                matches!(lane.status, 200 | 304),
                "{file} {extra:?}: {}",
                lane.status
            );
            assert_eq!(comparable(&lane), comparable(&router), "{file} {extra:?}");
        }
    }
}

backend_tests!(async refusals_after_a_warm_answer_are_the_routers);
async fn refusals_after_a_warm_answer_are_the_routers(backend: Backend) {
    let server = TestServer::start(backend).await;
    let customer = server.one_package_and_customer("cold@example.com").await;
    assert_eq!(
        server.get_as("/p2/acme/hello.json", &customer).await.status,
        200
    );
    let wrong = Customer {
        private: "not-the-key".into(),
        ..customer.clone()
    };
    let nobody = Customer {
        public: "unknown".into(),
        ..customer.clone()
    };
    for who in [&wrong, &nobody] {
        let [lane, router] = lane_and_router(&server, who, "hello", &[]).await;
        assert_eq!(lane.status, 401);
        assert_eq!(comparable(&lane), comparable(&router));
    }
    // A package from nowhere: the router's 404, not a lane answer.
    let missing = server.get_as("/p2/acme/nothing.json", &customer).await;
    assert_eq!(missing.status, 404);
    server
        .db()
        .set_key_enabled(&customer.public, false, ACTOR)
        .await
        .unwrap();
    refused_alike(&server, &customer, 401, "disabled").await;
    server
        .db()
        .set_key_enabled(&customer.public, true, ACTOR)
        .await
        .unwrap();
    server
        .db()
        .close_account(&customer.account.public_id, ACTOR)
        .await
        .unwrap();
    refused_alike(&server, &customer, 403, "closed").await;
}

/// After the change just made, the lane and the router refuse `customer` alike: `status`,
/// saying `why`.
async fn refused_alike(server: &TestServer, customer: &Customer, status: u16, why: &str) {
    server.refresh().await;
    let [lane, router] = lane_and_router(server, customer, "hello", &[]).await;
    assert_eq!(lane.status, status, "{}", lane.text());
    lane.assert_text_contains(why);
    assert_eq!(comparable(&lane), comparable(&router));
}
