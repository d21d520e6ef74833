//! SPEC §8 on credentials: a credential created by the CLI works on the very next request;
//! failed attempts are budgeted per client address (trusted proxies only may name it); an
//! unauthenticated upload is refused before its body is read.

use std::time::{Duration, Instant};

use super::support::*;

/// Long enough that only the credential look-up, never the change feed, can make a new
/// credential known during a test.
const NO_POLLING: &[&str] = &["--poll-interval", "1h"];

backend_tests!(credentials_created_by_the_cli_work_on_the_very_next_request);
fn credentials_created_by_the_cli_work_on_the_very_next_request(backend: Backend) {
    let server = Server::start_with(backend, NO_POLLING);
    // Access key pair: created, then used at once (no sleep; the feed polls hourly).
    let (id, public, private) = server.customer("fresh@example.com");
    let created = Instant::now();
    let r = curl_as(
        &format!("{}/packages.json", server.url),
        &public,
        &private,
        &[],
    );
    let answered = created.elapsed();
    assert_eq!(r.status, 200, "{backend:?}: new key refused: {}", r.text());
    assert!(
        answered < Duration::from_secs(1),
        "{backend:?}: {answered:?}"
    );

    // Download access token.
    let token = server.cli_json(&["token", "generate", &id])["token"]
        .as_str()
        .unwrap()
        .to_string();
    let files = format!("{}/products/downloads/info/files", server.url);
    let r = curl_as(&files, &id, &token, &[]);
    assert_eq!(
        r.status,
        200,
        "{backend:?}: new token refused: {}",
        r.text()
    );

    // Operator API token: authenticated, so the unknown version is a 404, not a 401.
    let admin = server.admin_token("ops@example.com");
    let bearer = format!("Authorization: Bearer {admin}");
    let url = format!("{}/api/packages/acme/none/1.0.0", server.url);
    let r = curl(&url, &["-X", "DELETE", "-H", &bearer]);
    assert_eq!(r.status, 404, "{backend:?}: new admin token: {}", r.text());
}

/// A wrong password for `public` from `client` (through the trusted proxy on 127.0.0.1).
fn guess(server: &Server, client: &str, public: &str) -> HttpResponse {
    let url = format!("{}/packages.json", server.url);
    let xff = format!("X-Forwarded-For: {client}");
    curl_as(&url, public, "wrong-private-key", &["-H", &xff])
}

#[test]
fn failed_attempts_past_the_budget_get_429_for_that_address_only() {
    let server = Server::start_with(
        Backend::Sqlite,
        &[
            "--auth-failure-budget",
            "5",
            "--trusted-proxy",
            "127.0.0.1/32",
        ],
    );
    let (id, public, private) = server.customer("budget@example.com");
    for attempt in 1..=5 {
        let r = guess(&server, "203.0.113.9", &public);
        assert_eq!(r.status, 401, "attempt {attempt}: {}", r.text());
    }
    let r = guess(&server, "203.0.113.9", &public);
    assert_eq!(r.status, 429, "{}", r.text());
    let retry: u64 = r
        .header("retry-after")
        .expect("Retry-After")
        .parse()
        .unwrap();
    assert!((1..=60).contains(&retry), "{retry}");
    assert!(r.warning().contains("too many failed"), "{}", r.warning());

    // Download tokens and Bearer tokens share the address's budget.
    let token_url = format!("{}/products/downloads/info/files", server.url);
    let xff = "X-Forwarded-For: 203.0.113.9";
    assert_eq!(curl_as(&token_url, &id, "wrong", &["-H", xff]).status, 429);
    let api = format!("{}/api/packages/acme/x/1.0.0", server.url);
    let r = curl(
        &api,
        &[
            "-X",
            "DELETE",
            "-H",
            xff,
            "-H",
            "Authorization: Bearer wrong",
        ],
    );
    assert_eq!(r.status, 429, "{}", r.text());

    // Valid credentials are unaffected, from that address and from any other; another
    // address still has its own budget.
    let url = format!("{}/packages.json", server.url);
    for client in ["203.0.113.9", "198.51.100.20"] {
        let xff = format!("X-Forwarded-For: {client}");
        let r = curl_as(&url, &public, &private, &["-H", &xff]);
        assert_eq!(r.status, 200, "valid key from {client}: {}", r.text());
    }
    assert_eq!(guess(&server, "198.51.100.20", &public).status, 401);
}

#[test]
fn forwarding_headers_from_untrusted_peers_are_ignored() {
    let server = Server::start_with(Backend::Sqlite, &["--auth-failure-budget", "3"]);
    let (_, public, _) = server.customer("spoof@example.com");
    for n in 0..3 {
        assert_eq!(guess(&server, &format!("192.0.2.{n}"), &public).status, 401);
    }
    // A new X-Forwarded-For each time does not buy a new budget: the peer is the client.
    assert_eq!(guess(&server, "192.0.2.99", &public).status, 429);
}

#[test]
fn unauthenticated_uploads_are_refused_before_their_body_is_read() {
    const BODY: u64 = 250 * 1024 * 1024;
    let server = Server::start(Backend::Sqlite);
    // Warm up the allocator with one ordinary request.
    assert_eq!(curl(&format!("{}/healthz", server.url), &[]).status, 200);
    let before = memory_kib(server.pid(), "VmRSS");
    let routes = [
        "POST /api/packages HTTP/1.1\r\nAuthorization: Bearer wrong-token",
        "PUT /api/releases/x.tar.gz?type=other&version=1&product=p HTTP/1.1\r\nAuthorization: Bearer wrong-token",
        "POST /admin/packages HTTP/1.1\r\nContent-Type: multipart/form-data; boundary=b",
    ];
    for head in routes {
        let status = stream_body(&server.host, head, b"", BODY);
        assert!(
            status.is_empty() || status.contains(" 401 ") || status.contains(" 303 "),
            "{head}: {status}"
        );
    }
    let grown = memory_kib(server.pid(), "VmRSS").saturating_sub(before);
    eprintln!("server RSS {before} KiB before, grew by {grown} KiB");
    assert!(
        grown < 16 * 1024,
        "RSS grew by {grown} KiB over 3 × 250 MB uploads"
    );
}
