//! Metadata rendering is single-flight (SPEC §8): however many requests for one package's
//! p2 file arrive at once after a change, the body is rendered and compressed once, off the
//! async workers, and every request gets the same bytes. Runs the real server on
//! `127.0.0.1:0` and talks HTTP/1.1 to it over TCP.

use std::sync::atomic::Ordering;

use base64::Engine;
use packyard_blobs::BlobStore;
use packyard_core::Config;
use packyard_server::{AppState, serve};
use packyard_store::Db;
use packyard_store::accounts::NewAccount;
use packyard_store::packages::NewVersion;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

const CONCURRENT: usize = 32;

/// Version `1.{i}.0` of a package with long manifests, so rendering takes a while.
async fn publish(db: &Db, i: usize) {
    let description = format!("{i} ").repeat(1_000);
    {
        let version = format!("1.{i}.0");
        let manifest =
            format!(r#"{{"name":"acme/big","version":"{version}","description":"{description}"}}"#);
        let v = NewVersion {
            name: "acme/big",
            version: &version,
            version_normalized: &format!("{version}.0"),
            manifest: &manifest,
            released_at: 1_700_000_000 + i as i64,
            sha1: &format!("{i:040}"),
            sha256: &format!("{i:064}"),
            size: 1,
            blob_key: "dists/none.zip",
        };
        db.publish_version(&v, "test").await.unwrap();
    }
}

/// `GET path` with HTTP Basic; returns the status code and body.
async fn get(addr: std::net::SocketAddr, path: &str, auth: &str) -> (u16, Vec<u8>) {
    let mut stream = tokio::net::TcpStream::connect(addr).await.unwrap();
    let request = format!(
        "GET {path} HTTP/1.1\r\nHost: {addr}\r\nAuthorization: Basic {auth}\r\nConnection: close\r\n\r\n"
    );
    stream.write_all(request.as_bytes()).await.unwrap();
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw).await.unwrap();
    let split = raw.windows(4).position(|w| w == b"\r\n\r\n").unwrap();
    let head = String::from_utf8_lossy(&raw[..split]);
    let status = head.split_whitespace().nth(1).unwrap().parse().unwrap();
    (status, raw[split + 4..].to_vec())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_requests_for_one_package_share_one_render() {
    let dir = tempfile::tempdir().unwrap();
    let db = Db::open_data_dir(&dir.path().join("data")).await.unwrap();
    let blobs = BlobStore::from_url(dir.path().join("blobs").to_str().unwrap()).unwrap();
    db.create_product("all", "All", &["acme/*".to_string()], true, "test")
        .await
        .unwrap();
    let new = NewAccount {
        email: "a@example.com",
        name: "A",
        id_prefix: "MAG",
        password_hash: None,
    };
    let account = db.create_account(new, "test").await.unwrap();
    let key = db.create_key(&account, "ci", "test").await.unwrap();
    for i in 0..300 {
        publish(&db, i).await;
    }

    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let state = AppState::new(db.clone(), blobs, Config::new(&format!("http://{addr}")))
        .await
        .unwrap();
    let server = tokio::spawn(serve(listener, state.clone(), std::future::pending()));
    let auth = base64::engine::general_purpose::STANDARD
        .encode(format!("{}:{}", key.public_key, key.private_key));

    let burst = || async {
        let requests: Vec<_> = (0..CONCURRENT)
            .map(|_| {
                let auth = auth.clone();
                tokio::spawn(async move { get(addr, "/p2/acme/big.json", &auth).await })
            })
            .collect();
        let mut bodies = Vec::new();
        for r in requests {
            let (status, body) = r.await.unwrap();
            assert_eq!(status, 200, "{}", String::from_utf8_lossy(&body));
            bodies.push(body);
        }
        assert!(
            bodies.windows(2).all(|w| w[0] == w[1]),
            "every request got the same body"
        );
    };
    burst().await;
    assert_eq!(
        state.renders.p2.load(Ordering::Relaxed),
        1,
        "{CONCURRENT} requests, one render"
    );

    // A change to the package renders it once more, however many ask.
    publish(&db, 300).await;
    packyard_core::feed::refresh(&state.feed).await.unwrap();
    burst().await;
    assert_eq!(state.renders.p2.load(Ordering::Relaxed), 2);
    server.abort();
}
