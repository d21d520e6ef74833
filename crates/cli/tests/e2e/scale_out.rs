//! SPEC §6 scale-out: several stateless `packyard serve` nodes on one PostgreSQL database and
//! one S3 bucket (a real s3s-fs). Changes made through one node or the CLI reach the others
//! within 1 s, archives stream from the bucket through any node, a node killed with -9
//! costs nothing, and the nodes' data directories stay empty.

use std::time::{Duration, Instant};

use serde_json::json;

use crate::releases::bytes_of;
use crate::support::cluster::Cluster;
use crate::support::s3::stored_files;
use crate::support::*;

/// A request with an admin API token and a file as the body.
pub fn api_upload(
    node: &Server,
    method: &str,
    path: &str,
    token: &str,
    body: &[u8],
) -> HttpResponse {
    let file = node.work_dir("uploads").join("body");
    std::fs::write(&file, body).unwrap();
    let auth = format!("Authorization: Bearer {token}");
    let data = format!("@{}", file.display());
    let url = format!("{}{path}", node.url);
    curl(&url, &["-X", method, "-H", &auth, "--data-binary", &data])
}

/// Adds `bytes` as a release through `node`'s admin API.
pub fn upload_release(node: &Server, token: &str, name: &str, bytes: &[u8]) -> HttpResponse {
    let path = format!("/api/releases/{name}?type=other&version=1.0.0&product=acme");
    api_upload(node, "PUT", &path, token, bytes)
}

/// A product `acme` covering `acme/*`, an entitled customer with a key, a download token,
/// and an admin API token.
pub struct Shop {
    pub account: String,
    pub public: String,
    pub private: String,
    pub download_token: String,
    pub admin_token: String,
}

pub fn open_shop(cluster: &Cluster) -> Shop {
    let cli = cluster.cli();
    cli.product("acme", "Acme", "acme/*", &[]);
    let (account, public, private) = cli.licensed_customer("dev@shop.example", &["acme"]);
    let download_token = cli.cli_json(&["token", "generate", &account])["token"]
        .as_str()
        .unwrap()
        .to_string();
    let admin_token = cli.admin_token("ops@vendor.example");
    // Wait until every node knows the new operator token (an empty upload is then refused
    // as a bad archive rather than as a bad token).
    for node in &cluster.nodes {
        let known = eventually(PROPAGATION, || {
            api_upload(node, "POST", "/api/packages", &admin_token, b"").status != 401
        });
        assert!(known, "the admin token never reached {}", node.url);
    }
    Shop {
        admin_token,
        account,
        public,
        private,
        download_token,
    }
}

fn release_url(node: &Server, name: &str) -> String {
    format!("{}/products/downloads/file/{name}", node.url)
}

/// Adds `bytes` as release `name` through the first node and waits until that node offers
/// it with `status` (200, or 302 with redirects); returns its download URL.
fn offer_release(cluster: &Cluster, shop: &Shop, name: &str, bytes: &[u8], status: u16) -> String {
    let node = &cluster.nodes[0];
    let added = upload_release(node, &shop.admin_token, name, bytes);
    assert_eq!(added.status, 201, "{}", added.text());
    let url = release_url(node, name);
    let (id, token) = (&shop.account, &shop.download_token);
    let offered = eventually(PROPAGATION, || {
        curl_as(&url, id, token, &[]).status == status
    });
    assert!(offered, "{name} was never offered");
    url
}

fn packages_status(node: &Server, public: &str, private: &str) -> u16 {
    curl_as(&format!("{}/packages.json", node.url), public, private, &[]).status
}

#[test]
fn two_nodes_share_one_database_and_one_bucket() {
    let mut cluster = Cluster::start(2, &[]);
    let shop = open_shop(&cluster);
    let (a, b) = (&cluster.nodes[0], &cluster.nodes[1]);

    // Publish through node A's admin API and through the CLI; install through node B.
    let (_, api_zip) = package_zip("acme/api-made", "1.0.0", json!({}));
    let made = api_upload(a, "POST", "/api/packages", &shop.admin_token, &api_zip);
    assert_eq!(made.status, 201, "{}", made.text());
    cluster
        .cli()
        .publish_all(&[package_zip("acme/cli-made", "2.0.0", json!({}))]);
    b.wait_visible(&shop.public, &shop.private, "acme/api-made");
    b.wait_visible(&shop.public, &shop.private, "acme/cli-made");
    let dev = Developer::new(b, "dev", &shop.public, &shop.private);
    let project = dev.project(b, "app");
    dev.composer_ok(&project, &["require", "acme/api-made", "acme/cli-made"]);
    assert_eq!(
        locked_version(&project, "acme/api-made").as_deref(),
        Some("1.0.0")
    );
    assert!(project.join("vendor/acme/cli-made/composer.json").exists());

    // A 3 MB release added through A streams from the bucket through B, whole and in ranges.
    let release = bytes_of(3, 3_000_000);
    let added = upload_release(a, &shop.admin_token, "Acme-3MB.tar.gz", &release);
    assert_eq!(added.status, 201, "{}", added.text());
    let url = release_url(b, "Acme-3MB.tar.gz");
    let (id, token) = (&shop.account, &shop.download_token);
    assert!(
        eventually(PROPAGATION, || curl_as(&url, id, token, &[]).status == 200),
        "node B never offered the release added through node A"
    );
    let whole = curl_as(&url, id, token, &[]);
    assert!(
        whole.body == release,
        "the release differs after the round trip through S3"
    );
    let part = curl_as(&url, id, token, &["-r", "1000000-2099999"]);
    assert_eq!(part.status, 206);
    assert_eq!(
        part.header("content-range"),
        Some("bytes 1000000-2099999/3000000")
    );
    assert!(
        part.body == release[1_000_000..2_100_000],
        "ranged bytes differ"
    );
    let etag = whole.header("etag").unwrap().to_string();
    let resumed = curl_as(
        &url,
        id,
        token,
        &["-r", "2999000-", "-H", &format!("If-Range: {etag}")],
    );
    assert_eq!(resumed.status, 206);
    assert!(resumed.body == release[2_999_000..]);

    // A key disabled through the CLI is refused by both nodes within 1 s.
    let (_, spare_public, spare_private) = cluster.cli().customer("other@shop.example");
    cluster.cli().cli(&["key", "disable", &shop.public]);
    let disabled_at = Instant::now();
    let refused = eventually(PROPAGATION, || {
        cluster
            .nodes
            .iter()
            .all(|n| packages_status(n, &shop.public, &shop.private) == 401)
    });
    assert!(
        refused,
        "the disabled key still worked after {:?}",
        disabled_at.elapsed()
    );

    // Node A dies with kill -9; B keeps serving metadata, dists and releases, and sees
    // what the CLI publishes next.
    cluster.nodes[0].kill();
    let b = &cluster.nodes[1];
    assert_eq!(packages_status(b, &spare_public, &spare_private), 200);
    let again = curl_as(&url, id, token, &["-r", "0-99"]);
    assert!(again.status == 206 && again.body == release[..100]);
    cluster
        .cli()
        .publish(&[package_zip("acme/after-crash", "1.0.0", json!({}))]);
    cluster.cli().cli(&["key", "enable", &shop.public]);
    b.wait_visible(&shop.public, &shop.private, "acme/after-crash");
    dev.composer_ok(&project, &["require", "acme/after-crash"]);

    // The bucket holds the archives; no node's data directory holds anything.
    assert!(
        cluster.stored_objects().len() >= 4,
        "{:?}",
        cluster.stored_objects()
    );
    for node in &cluster.nodes {
        let data = stored_files(&node.dir.path().join("data"));
        assert!(data.is_empty(), "a node's data directory holds {data:?}");
    }
    let spare = cluster.add_node(&[]);
    let fresh = &cluster.nodes[spare];
    assert!(curl_as(&release_url(fresh, "Acme-3MB.tar.gz"), id, token, &[]).body == release);
}

#[test]
fn downloads_answer_503_while_the_bucket_is_down_and_recover() {
    let cluster = Cluster::start_behind_proxies(1, &[]);
    let shop = open_shop(&cluster);
    let node = &cluster.nodes[0];
    // Past the 8 MiB part size, so the upload is a real multipart upload.
    let release = bytes_of(5, 17_000_000);
    let url = offer_release(&cluster, &shop, "R.tar.gz", &release, 200);
    let (id, token) = (&shop.account, &shop.download_token);
    let proxy = cluster.storage_proxy.as_ref().unwrap();
    let ready = || curl(&format!("{}/readyz", node.url), &[]);
    assert_eq!(ready().status, 200, "{}", ready().text());

    for (outage, take_away) in [
        ("refused", Proxy::refuse as fn(&Proxy)),
        ("stalled", Proxy::stall),
    ] {
        take_away(proxy);
        let started = Instant::now();
        let down = curl_as(&url, id, token, &[]);
        assert_eq!(down.status, 503, "{outage}: {}", down.text());
        assert!(
            down.text().contains("temporarily unavailable"),
            "{outage}: {}",
            down.text()
        );
        assert!(
            started.elapsed() < Duration::from_secs(15),
            "{outage}: the download hung for {:?} (storage timeout 2 s)",
            started.elapsed()
        );
        // Metadata keeps being served from memory; readiness names the bucket.
        assert_eq!(packages_status(node, &shop.public, &shop.private), 200);
        let not_ready = ready();
        assert_eq!(not_ready.status, 503, "{outage}");
        assert!(
            not_ready.json()["reason"]
                .as_str()
                .unwrap()
                .contains("storage")
        );

        proxy.forward();
        let back = eventually(Duration::from_secs(10), || {
            let r = curl_as(&url, id, token, &[]);
            r.status == 200 && r.body == release
        });
        assert!(
            back,
            "{outage}: downloads did not recover without a restart"
        );
        assert_eq!(ready().status, 200);
    }
}

#[test]
fn readiness_reports_an_unreachable_database() {
    let cluster = Cluster::start_behind_proxies(1, &[]);
    let shop = open_shop(&cluster);
    let node = &cluster.nodes[0];
    let ready = || curl(&format!("{}/readyz", node.url), &[]);
    assert_eq!(ready().status, 200, "{}", ready().text());
    assert_eq!(curl(&format!("{}/healthz", node.url), &[]).status, 200);
    let proxy = cluster.database_proxy.as_ref().unwrap();
    proxy.refuse();
    let not_ready = ready();
    assert_eq!(not_ready.status, 503);
    assert!(
        not_ready.json()["reason"]
            .as_str()
            .unwrap()
            .contains("database")
    );
    assert_eq!(curl(&format!("{}/healthz", node.url), &[]).status, 200);
    assert_eq!(packages_status(node, &shop.public, &shop.private), 200);
    proxy.forward();
    assert!(eventually(Duration::from_secs(10), || ready().status == 200));
}

#[test]
fn storage_redirect_hands_out_presigned_urls() {
    let cluster = Cluster::start(1, &["--storage-redirect"]);
    let shop = open_shop(&cluster);
    let release = bytes_of(8, 1_500_000);
    let url = offer_release(&cluster, &shop, "D.tar.gz", &release, 302);
    let (id, token) = (&shop.account, &shop.download_token);
    let redirect = curl_as(&url, id, token, &[]);
    let location = redirect.header("location").unwrap();
    assert!(location.contains("X-Amz-Signature="), "{location}");
    assert!(location.contains(&cluster.bucket), "{location}");
    // Refusals are still answered by the node, before any URL is handed out.
    assert_eq!(curl_as(&url, id, "wrong-token", &[]).status, 401);
    // curl follows the redirect (without sending our credentials to the bucket).
    let whole = curl_as(&url, id, token, &["-L"]);
    assert!(whole.status == 200 && whole.body == release);
    let part = curl_as(&url, id, token, &["-L", "-r", "100-199"]);
    assert!(part.status == 206 && part.body == release[100..200]);
}
