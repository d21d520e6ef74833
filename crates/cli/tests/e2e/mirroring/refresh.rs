//! Mirrored metadata stays fresh: packagist's `metadata-changes-url` names what to fetch again,
//! and an upstream without one is revalidated with conditional requests.

use serde_json::json;
use std::path::Path;
use std::time::Duration;

use super::wait_for_patterns;
use crate::support::*;

/// The versions of `name` the key pair sees; every answer, refresh in flight or not, is the
/// p2 document.
fn versions_seen(server: &Server, name: &str, public: &str, private: &str) -> Vec<String> {
    let answer = server.get_as(&format!("/p2/{name}.json"), public, private);
    assert_eq!(answer.status, 200, "{name}: {}", answer.text());
    answer.json()["packages"][name]
        .as_array()
        .map(|list| {
            list.iter()
                .filter_map(|v| v["version"].as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default()
}

/// Moves a file's modification time ahead, so a second-granular `Last-Modified` changes.
fn touch_ahead(path: &Path) {
    let later = format!("@{}", chrono::Utc::now().timestamp() + 5);
    let status = std::process::Command::new("touch")
        .args(["-d", &later])
        .arg(path)
        .status()
        .unwrap();
    assert!(status.success());
}

#[test]
fn fetched_metadata_is_refreshed_through_the_change_feed_or_by_revalidation() {
    let changes = json!({ "actions": [], "timestamp": 1 });
    let with_feed = StaticRepo::start(json!({ "metadata-changes-url": "/metadata/changes.json" }));
    with_feed.serve_json("metadata/changes.json", &changes);
    with_feed.add("psr/log", "1.0.0", "2023-01-01", json!({}));
    with_feed.add("psr/cache", "1.0.0", "2023-01-01", json!({}));
    let plain = StaticRepo::start(json!({}));
    plain.add("plain/lib", "1.0.0", "2023-01-01", json!({}));

    // The root is unreadable when the mirror first asks for it: the feed is looked for again
    // next round rather than taken to be missing (which would revalidate every file forever).
    let root_path = with_feed.dir.path().join("packages.json");
    let root = std::fs::read(&root_path).unwrap();
    std::fs::write(&root_path, b"{ half a document").unwrap();

    let ours = Server::start_with(Backend::Sqlite, &["--upstream-refresh", "1s"]);
    ours.product("libs", "Libraries", "psr/*,plain/*", &[]);
    let (account, public, private) = ours.licensed_customer("dev@example.com", &[]);
    ours.cli(&[
        "upstream",
        "add",
        "packagist",
        &with_feed.url,
        "--packages",
        "psr/*",
    ]);
    ours.cli(&[
        "upstream",
        "add",
        "plain",
        &plain.url,
        "--packages",
        "plain/*",
    ]);
    let asked = eventually(PROPAGATION * 5, || with_feed.requests("/packages.json") > 0);
    assert!(
        asked,
        "the refresh never asked the upstream's root for its change feed"
    );
    std::fs::write(&root_path, root).unwrap();
    // Granted after both upstreams were added: once the root offers the patterns, the
    // snapshot knows both upstreams too.
    ours.grant(&account, &["libs"]);
    wait_for_patterns(&ours, &public, &private, &["psr/*", "plain/*"]);
    for name in ["psr/log", "psr/cache", "plain/lib"] {
        assert_eq!(
            versions_seen(&ours, name, &public, &private),
            ["1.0.0"],
            "{name}"
        );
    }

    with_feed.add("psr/log", "1.1.0", "2024-01-01", json!({}));
    with_feed.add("psr/cache", "1.1.0", "2024-01-01", json!({}));
    let named = json!({ "actions": [{ "type": "update", "package": "psr/log", "time": 2 }], "timestamp": 2 });
    with_feed.serve_json("metadata/changes.json", &named);
    plain.add("plain/lib", "1.1.0", "2024-01-01", json!({}));
    touch_ahead(&plain.dir.path().join("p2/plain/lib.json"));

    let refreshed = |name: &str| versions_seen(&ours, name, &public, &private).len() == 2;
    assert!(
        eventually(Duration::from_secs(20), || refreshed("psr/log")),
        "the feed named psr/log"
    );
    assert!(
        eventually(Duration::from_secs(20), || refreshed("plain/lib")),
        "revalidated without a feed"
    );
    assert_eq!(
        versions_seen(&ours, "psr/cache", &public, &private),
        ["1.0.0"],
        "with a change feed, only the files it names are fetched again"
    );
}
