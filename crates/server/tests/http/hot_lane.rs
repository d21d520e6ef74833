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
    // Renders every body once and makes each coding (through the router: the lane takes
    // only a body already made in the coding asked for), so the lane finds them cached.
    for file in ["hello", "hello~dev"] {
        for accepted in ["identity", "gzip", "br"] {
            let path = format!("/p2/acme/{file}.json");
            let request = Request::get(&path).basic(&customer.public, &customer.private);
            let warm = server
                .send(request.header("Accept-Encoding", accepted))
                .await;
            assert_eq!(warm.status, 200, "{file} {accepted}");
        }
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

backend_tests!(async a_kept_alive_connection_gets_the_routed_answers);
/// Composer keeps its connections open: warm p2 requests on such a connection are answered
/// by the connection itself (`edge::direct`), one by one and pipelined, until a request it
/// leaves to hyper, which then serves the rest of the connection, bytes already read
/// included. Every answer equals the router's to the same request.
async fn a_kept_alive_connection_gets_the_routed_answers(backend: Backend) {
    let server = TestServer::start(backend).await;
    let customer = server.one_package_and_customer("kept@example.com").await;
    for file in ["hello", "hello~dev"] {
        let warm = server
            .get_as(&format!("/p2/acme/{file}.json"), &customer)
            .await;
        assert_eq!(warm.status, 200);
    }
    server.advance_clock(std::time::Duration::from_secs(3));
    let stamp = server.get_as("/p2/acme/hello.json", &customer).await;
    let stamp = stamp.header("last-modified").unwrap().to_string();
    let ask = |path: &str, extra: &[(&str, &str)]| {
        let mut request = Request::get(path).basic(&customer.public, &customer.private);
        for (name, value) in extra {
            request = request.header(name, value);
        }
        request
    };
    let hot = [
        ask("/p2/acme/hello.json", &[]),
        ask("/p2/acme/hello.json", &[("Accept-Encoding", "gzip")]),
        ask(
            "/p2/acme/hello~dev.json",
            &[("Accept-Encoding", "deflate, gzip, br, zstd")],
        ),
        ask("/p2/acme/hello.json", &[("If-Modified-Since", &stamp)]),
    ];
    // The router's answers to the same requests, on a kept-alive connection of their own
    // (an encoded path is never the lane's, so hyper serves that connection throughout).
    let routed: Vec<Request> = hot
        .iter()
        .map(|request| Request {
            path: request.path.replace(".json", "%2Ejson"),
            ..request.clone()
        })
        .collect();
    let mut router = KeptAlive::open(server.addr).await;
    let expected: Vec<_> = router
        .exchange(&routed)
        .await
        .iter()
        .map(comparable)
        .collect();
    assert_eq!(expected[3].0, 304);
    let mut connection = KeptAlive::open(server.addr).await;
    // One at a time, then pipelined.
    for (request, expected) in hot.iter().zip(&expected).take(2) {
        let answer = connection.exchange(std::slice::from_ref(request)).await;
        assert_eq!(&comparable(&answer[0]), expected, "{}", request.path);
    }
    let answers = connection.exchange(&hot).await;
    for (answer, expected) in answers.iter().zip(&expected) {
        assert_eq!(&comparable(answer), expected);
    }
    // A request for the router in the middle of a pipeline: it and everything after it
    // are hyper's, answered alike.
    let mut mixed = vec![hot[0].clone(), Request::get("/healthz")];
    mixed.extend(hot.iter().cloned());
    let answers = connection.exchange(&mixed).await;
    assert_eq!(comparable(&answers[0]), expected[0]);
    assert_eq!(answers[1].status, 200);
    for (answer, expected) in answers[2..].iter().zip(&expected) {
        assert_eq!(&comparable(answer), expected);
    }
    // A refused key on a kept-alive connection gets the router's refusal.
    let wrong = Request::get("/p2/acme/hello.json").basic(&customer.public, "wrong");
    let refused = KeptAlive::open(server.addr)
        .await
        .exchange(std::slice::from_ref(&wrong))
        .await;
    let routed = Request {
        path: wrong.path.replace(".json", "%2Ejson"),
        ..wrong
    };
    let routed = KeptAlive::open(server.addr).await.exchange(&[routed]).await;
    assert_eq!(refused[0].status, 401);
    assert_eq!(comparable(&refused[0]), comparable(&routed[0]));
}

backend_tests!(async refusals_after_a_warm_answer_are_the_routers);
async fn refusals_after_a_warm_answer_are_the_routers(backend: Backend) {
    let (server, customer) = warm_customer(backend, "cold@example.com").await;
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
    key_enabled(&server, &customer, false).await;
    refused_alike(&server, &customer, 401, "disabled").await;
    key_enabled(&server, &customer, true).await;
    server
        .db()
        .close_account(&customer.account.public_id, ACTOR)
        .await
        .unwrap();
    refused_alike(&server, &customer, 403, "closed").await;
}

/// A server with one package and a customer whose `hello.json` has been answered once, so
/// the lane finds its body rendered.
async fn warm_customer(backend: Backend, email: &str) -> (TestServer, Customer) {
    let server = TestServer::start(backend).await;
    let customer = server.one_package_and_customer(email).await;
    assert_eq!(
        server.get_as("/p2/acme/hello.json", &customer).await.status,
        200
    );
    (server, customer)
}

/// Enables or disables `customer`'s key, and waits until the server's snapshot has it.
async fn key_enabled(server: &TestServer, customer: &Customer, enabled: bool) {
    server
        .db()
        .set_key_enabled(&customer.public, enabled, ACTOR)
        .await
        .unwrap();
    server.refresh().await;
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

backend_tests!(async a_kept_alive_connection_is_refused_as_soon_as_its_key_is);
/// A connection remembers the key pair it verified last (`auth::KeyMemo`), so a change to
/// the key, its account or the credential sent must reach the very next request on it: on a
/// connection the lane answers itself and on one hyper serves (after a router request).
async fn a_kept_alive_connection_is_refused_as_soon_as_its_key_is(backend: Backend) {
    let (server, customer) = warm_customer(backend, "memo@example.com").await;
    let p2 = Request::get("/p2/acme/hello.json").basic(&customer.public, &customer.private);
    let wrong = Request::get("/p2/acme/hello.json").basic(&customer.public, "not-the-key");
    let statuses = |answers: Vec<Response>| answers.iter().map(|a| a.status).collect::<Vec<_>>();
    let twice = [p2.clone(), p2.clone()];
    // The lane's own connection, and one hyper serves from its first request on.
    let mut direct = KeptAlive::open(server.addr).await;
    let mut hyper = KeptAlive::open(server.addr).await;
    assert_eq!(statuses(direct.exchange(&twice).await), [200, 200]);
    let first = [Request::get("/healthz"), p2.clone(), p2.clone()];
    assert_eq!(statuses(hyper.exchange(&first).await), [200, 200, 200]);
    key_enabled(&server, &customer, false).await;
    for connection in [&mut direct, &mut hyper] {
        let refused = connection.exchange(std::slice::from_ref(&p2)).await;
        assert_eq!(refused[0].status, 401, "{}", refused[0].text());
        refused[0].assert_text_contains("disabled");
    }
    key_enabled(&server, &customer, true).await;
    // Another credential after the right one is checked, and the right one again after it.
    let mut direct = KeptAlive::open(server.addr).await;
    let mixed = [p2.clone(), wrong.clone(), p2.clone(), wrong.clone()];
    assert_eq!(
        statuses(direct.exchange(&mixed).await),
        [200, 401, 200, 401]
    );
    assert_eq!(statuses(hyper.exchange(&mixed).await), [200, 401, 200, 401]);
    let mut direct = KeptAlive::open(server.addr).await;
    assert_eq!(statuses(direct.exchange(&twice).await), [200, 200]);
    server
        .db()
        .close_account(&customer.account.public_id, ACTOR)
        .await
        .unwrap();
    server.refresh().await;
    let refused = direct.exchange(std::slice::from_ref(&p2)).await;
    assert_eq!(refused[0].status, 403, "{}", refused[0].text());
    refused[0].assert_text_contains("closed");
}
