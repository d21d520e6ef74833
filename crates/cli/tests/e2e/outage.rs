//! SPEC §8 database outage (issue 8 item 5), with real PostgreSQL behind a TCP proxy that
//! the test cuts and restores (the shared cluster keeps running for everyone else): Composer
//! metadata is still served from memory, a write answers 503 with `Retry-After` within a few
//! seconds, and install counts reported during the outage are all stored once the database
//! is back.

use std::net::SocketAddr;
use std::time::{Duration, Instant};

use packyard_store::Db;
use packyard_testkit::PostgresDatabase;
use packyard_testkit::proxy::TcpProxy;
use serde_json::json;

use crate::support::*;

/// The `host:port` of a `postgres://user:password@host:port/name` URL.
fn host_port(url: &str) -> &str {
    let after_at = url.rsplit_once('@').map_or(url, |(_, rest)| rest);
    after_at.split('/').next().unwrap_or(after_at)
}

/// A fresh PostgreSQL database, a proxy in front of it, and a server using it through the
/// proxy; the acquire wait is 2 s, so an unreachable database is noticed quickly.
pub(crate) fn server_behind_a_proxy() -> (PostgresDatabase, TcpProxy, Server) {
    let database = PostgresDatabase::create();
    let upstream = host_port(&database.url);
    let proxy = TcpProxy::start(upstream.parse::<SocketAddr>().expect("an IP:port database"));
    let via_proxy = database.url.replace(upstream, &proxy.addr.to_string());
    let server = Server::start_on_database(&via_proxy, &["--database-wait", "2s"]);
    (database, proxy, server)
}

fn install_counts(database: &PostgresDatabase) -> Vec<(String, i64)> {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    runtime.block_on(async {
        let db = Db::connect(&database.url, false).await.unwrap();
        let counts = db.download_counts().await.unwrap();
        db.close().await;
        counts.into_iter().map(|c| (c.package, c.count)).collect()
    })
}

const REPORTS: usize = 10;

#[test]
fn postgres_outage_keeps_reads_refuses_writes_with_503_and_loses_no_install_counts() {
    let (database, proxy, server) = server_behind_a_proxy();
    server.publish(&[package_zip("acme/hello", "1.0.0", json!({}))]);
    server.product("hello", "Hello", "acme/*", &[]);
    let (_, public, private) = server.licensed_customer("outage@example.com", &["hello"]);
    let token = server.admin_token("ops@example.com");
    server.wait_visible(&public, &private, "acme/hello");
    let token_works = eventually(PROPAGATION * 5, || {
        upload(&server, &token, b"not a zip").status == 422
    });
    assert!(token_works, "the admin token was never accepted");
    let notify = format!("{}/downloads/", server.url);
    let report = json!({ "downloads": [{ "name": "acme/hello", "version": "1.0.0.0" }] });
    let body = report.to_string();
    let json_body = [
        "-X",
        "POST",
        "-H",
        "Content-Type: application/json",
        "--data",
        &body,
    ];

    proxy.cut();
    for _ in 0..REPORTS {
        let answer = curl_as(&notify, &public, &private, &json_body);
        assert_eq!(
            answer.status,
            200,
            "notify-batch during the outage: {}",
            answer.text()
        );
        std::thread::sleep(Duration::from_millis(300)); // spans several failed flushes
    }
    for path in ["/packages.json", "/p2/acme/hello.json"] {
        let read = server.get_as(path, &public, &private);
        assert_eq!(
            read.status,
            200,
            "{path} during the outage: {}",
            read.text()
        );
    }
    let started = Instant::now();
    let upload = upload_package(&server, &token, "2.0.0");
    let waited = started.elapsed();
    assert_eq!(
        upload.status,
        503,
        "a write during the outage: {}",
        upload.text()
    );
    assert!(
        upload.header("retry-after").is_some(),
        "503 without Retry-After"
    );
    upload.assert_text_contains("database");
    assert!(waited < Duration::from_secs(6), "the 503 took {waited:?}");

    proxy.restore();
    let all_counted = eventually(PROPAGATION * 15, || {
        install_counts(&database) == [("acme/hello".to_string(), REPORTS as i64)]
    });
    assert!(
        all_counted,
        "install counts after the outage: {:?}",
        install_counts(&database)
    );
    let after = upload_package(&server, &token, "2.0.0");
    assert_eq!(
        after.status,
        201,
        "a write after the outage: {}",
        after.text()
    );
}

/// `POST /api/packages` with a new version of acme/hello.
fn upload_package(server: &Server, token: &str, version: &str) -> HttpResponse {
    upload(
        server,
        token,
        &package_zip("acme/hello", version, json!({})).1,
    )
}

fn upload(server: &Server, token: &str, bytes: &[u8]) -> HttpResponse {
    let file = server.work_dir("upload").join("upload.zip");
    std::fs::write(&file, bytes).unwrap();
    let data = format!("@{}", file.display());
    let bearer = format!("Authorization: Bearer {token}");
    let args = [
        "-X",
        "POST",
        "-H",
        &bearer,
        "--data-binary",
        &data,
        "-m",
        "30",
    ];
    curl(&format!("{}/api/packages", server.url), &args)
}
