//! Composer's notify-batch (`POST /downloads/`): only installs the caller's account may make
//! are counted (a licensed package, a version that exists), each once per report, and a
//! report past the cap is refused with the cap named.

use packyard_core::usage;
use packyard_testkit::Backend;
use serde_json::json;

use crate::support::*;

fn report(entries: &[(&str, &str)]) -> Vec<u8> {
    let downloads: Vec<_> = entries
        .iter()
        .map(|(name, version)| json!({ "name": name, "version": version }))
        .collect();
    json!({ "downloads": downloads }).to_string().into_bytes()
}

/// (package, version, count) rows of the download statistics.
async fn counts(server: &TestServer) -> Vec<(String, String, i64)> {
    usage::flush(&server.state.usage, server.db()).await;
    let rows = server.db().download_counts().await.unwrap();
    rows.into_iter()
        .map(|r| (r.package, r.version, r.count))
        .collect()
}

backend_tests!(async only_installable_versions_are_counted_once_per_report);
async fn only_installable_versions_are_counted_once_per_report(backend: Backend) {
    let server = TestServer::start(backend).await;
    let _vendor = server.one_package_and_customer("vendor@example.com").await;
    server
        .publish("other/tool", "2.0.0", json!({ "time": "2024-01-15" }))
        .await;
    let other = server.product("other", &["other/*"]).await;
    let outsider = server.customer("outsider@example.com", &[&other]).await;
    let entries = [
        ("acme/hello", "1.0.0.0"),    // another vendor's package: not licensed
        ("other/tool", "9.9.9.0"),    // a made-up version
        ("other/tool", "2.0.0.0"),    // installable, normalized as Composer sends it
        ("other/tool", "2.0.0.0"),    // the same install twice in one report
        ("no/such-package", "1.0.0"), // nothing of that name
    ];
    let request = Request::post("/downloads/", report(&entries))
        .basic(&outsider.public, &outsider.private)
        .header("Content-Type", "application/json");
    assert_eq!(server.send(request).await.status, 200);
    assert_eq!(
        counts(&server).await,
        [("other/tool".to_string(), "2.0.0".to_string(), 1)]
    );
}

backend_tests!(async a_report_past_the_cap_is_refused_and_names_it);
async fn a_report_past_the_cap_is_refused_and_names_it(backend: Backend) {
    let server = TestServer::start(backend).await;
    let customer = server.one_package_and_customer("many@example.com").await;
    let entries = vec![("acme/hello", "1.0.0.0"); 1_001];
    let request = Request::post("/downloads/", report(&entries))
        .basic(&customer.public, &customer.private)
        .header("Content-Type", "application/json");
    let answer = server.send(request).await;
    assert_eq!(answer.status, 413);
    answer.assert_text_contains("at most 1000 downloads");
    assert_eq!(counts(&server).await, []);
}
