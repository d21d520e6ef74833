//! Observability (SPEC §10): `GET /metrics` counters move with the requests served, on the
//! main listener or only on `--metrics-listen`, and every request leaves one JSON access
//! line that names the account but never a secret.

use std::collections::HashMap;

use serde_json::{Value, json};

use crate::support::*;

/// The `--metrics-token` of the servers here, which opens `/metrics` on the main listener.
const METRICS_TOKEN: &str = "scraper-secret";

/// `name{labels}` → value, from the Prometheus text format.
fn scrape(url: &str) -> HashMap<String, f64> {
    let auth = format!("Authorization: Bearer {METRICS_TOKEN}");
    let answer = curl(&format!("{url}/metrics"), &["-H", &auth]);
    assert_eq!(answer.status, 200, "{}", answer.text());
    answer
        .text()
        .lines()
        .filter(|l| !l.starts_with('#'))
        .filter_map(|l| l.rsplit_once(' '))
        .map(|(name, value)| (name.to_string(), value.parse().unwrap()))
        .collect()
}

fn grew(before: &HashMap<String, f64>, after: &HashMap<String, f64>, name: &str, by: f64) {
    let old = before.get(name).copied().unwrap_or(0.0);
    let new = after.get(name).copied().unwrap_or(0.0);
    assert!(new - old >= by, "{name}: {old} → {new}, expected +{by}");
}

/// A customer who sees one published package: (account id, public key, private key).
fn customer_with_package(server: &Server) -> (String, String, String) {
    server.publish(&[package_zip("acme/observed", "1.0.0", json!({}))]);
    server.product("all", "All", "acme/*", &[]);
    let customer = server.licensed_customer("observed@example.com", &["all"]);
    server.wait_visible(&customer.1, &customer.2, "acme/observed");
    customer
}

#[test]
fn metrics_move_and_access_lines_are_json() {
    let server = Server::start_logging(
        Backend::Sqlite,
        &["--log-format", "json", "--metrics-token", METRICS_TOKEN],
    );
    let (account, public, private) = customer_with_package(&server);
    let before = scrape(&server.url);
    let packages = format!("{}/packages.json", server.url);
    assert_eq!(curl_as(&packages, &public, "wrong", &[]).status, 401);
    let served = curl_as(&packages, &public, &private, &[]);
    assert_eq!(served.status, 200);
    let batch = r#"{"downloads":[{"name":"acme/observed","version":"1.0.0.0"}]}"#;
    let notified = curl_as(
        &format!("{}/downloads/", server.url),
        &public,
        &private,
        &[
            "-X",
            "POST",
            "-H",
            "Content-Type: application/json",
            "--data",
            batch,
        ],
    );
    assert_eq!(notified.status, 200);
    // The first answer renders the body (the router), the next ones are the hot lane's: both
    // counted and logged with their account.
    let p2 = format!("{}/p2/acme/observed.json", server.url);
    let p2_bodies: Vec<usize> = (0..3)
        .map(|_| curl_as(&p2, &public, &private, &[]))
        .inspect(|answer| assert_eq!(answer.status, 200))
        .map(|answer| answer.body.len())
        .collect();
    let after = scrape(&server.url);
    for (series, by) in [
        (
            r#"packyard_http_requests_total{group="p2",status="200"}"#,
            3.0,
        ),
        (
            r#"packyard_http_requests_total{group="packages",status="401"}"#,
            1.0,
        ),
        (
            r#"packyard_http_requests_total{group="packages",status="200"}"#,
            1.0,
        ),
        (
            r#"packyard_http_requests_total{group="notify",status="200"}"#,
            1.0,
        ),
    ] {
        grew(&before, &after, series, by);
    }
    grew(
        &before,
        &after,
        "packyard_http_response_bytes_total",
        served.body.len() as f64,
    );
    grew(&before, &after, "packyard_installs_total", 1.0);
    grew(
        &before,
        &after,
        r#"packyard_auth_failures_total{reason="unauthorized"}"#,
        1.0,
    );
    for gauge in [
        "packyard_snapshot_age_seconds",
        "packyard_change_feed_lag_seconds",
    ] {
        let value = after[gauge];
        assert!((0.0..5.0).contains(&value), "{gauge} = {value}");
    }

    // Log lines are buffered per worker thread and written in batches, so lines from
    // different threads may land in any order: wait for every line this test reads.
    let last_line = format!("\"bytes\":{}", served.body.len());
    let p2_lines = |log: &str| {
        log.lines()
            .filter(|l| l.contains("\"path\":\"/p2/acme/observed.json\""))
            .filter(|l| l.contains(&format!("\"account\":\"{account}\"")))
            .filter(|l| l.contains(&format!("\"bytes\":{}", p2_bodies[0])))
            .count()
    };
    assert!(eventually(PROPAGATION, || {
        let log = server.log();
        p2_lines(&log) >= 3
            && log.contains(&last_line)
            && log.contains("\"path\":\"/downloads/\"")
            && log.contains("\"status\":401")
    }));
    let log = server.log();
    assert!(
        !log.contains(&private),
        "the access log holds a private key"
    );
    let lines: Vec<Value> = log
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("not JSON ({e}): {l}")))
        .collect();
    let access: Vec<&Value> = lines
        .iter()
        .filter(|l| l["target"] == "packyard::access")
        .collect();
    let line = access
        .iter()
        .rev()
        .find(|l| l["fields"]["path"] == "/packages.json" && l["fields"]["status"] == 200)
        .expect("an access line for the served packages.json (the last one)");
    let fields = &line["fields"];
    assert_eq!(fields["method"], "GET");
    assert_eq!(fields["bytes"], served.body.len());
    assert_eq!(fields["account"], account.as_str());
    assert!(fields["duration_ms"].as_f64().is_some(), "{line}");
    assert!(
        access.iter().any(|l| l["fields"]["status"] == 401),
        "the refused request is logged too"
    );
    let notify_line = access
        .iter()
        .find(|l| l["fields"]["path"] == "/downloads/")
        .expect("an access line for the install report");
    assert_eq!(
        notify_line["fields"]["account"],
        account.as_str(),
        "every authenticated route names its account: {notify_line}"
    );
}

#[test]
fn metrics_listen_moves_metrics_off_the_main_listener() {
    let metrics = format!("127.0.0.1:{}", free_port());
    let server = Server::start_with(Backend::Sqlite, &["--metrics-listen", &metrics]);
    assert_ne!(curl(&format!("{}/metrics", server.url), &[]).status, 200);
    let scraped = scrape(&format!("http://{metrics}"));
    assert!(scraped.contains_key("packyard_http_response_bytes_total"));
}

#[test]
fn metrics_are_not_public_by_default_and_a_token_opens_them_on_the_main_listener() {
    let server = Server::start(Backend::Sqlite);
    let public = curl(&format!("{}/metrics", server.url), &[]);
    assert_eq!(public.status, 404, "{}", public.text());
    let server = Server::start_with(Backend::Sqlite, &["--metrics-token", METRICS_TOKEN]);
    let url = format!("{}/metrics", server.url);
    assert_eq!(curl(&url, &[]).status, 404);
    assert_eq!(
        curl(&url, &["-H", "Authorization: Bearer wrong"]).status,
        404
    );
    assert!(scrape(&server.url).contains_key("packyard_http_response_bytes_total"));
}
