//! Operating the server with signals and TLS (SPEC §10): SIGTERM stops accepting, lets a
//! slow download finish byte for byte and exits 0; over TLS, ALPN gives HTTP/2 (or 1.1);
//! SIGHUP serves a renewed certificate without dropping the download in progress.

use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use sha2::{Digest, Sha256};

use crate::releases::{add_release, bytes_of};
use crate::support::*;
use crate::tls::certificate;

const RELEASE: &str = "Acme-Big-1.0.tar.gz";

/// A 32 MiB release (far more than loopback socket buffers hold, so the server is still
/// sending when the signal comes) and an account entitled to it: returns (bytes, account id, token).
fn big_release(server: &Server) -> (Vec<u8>, String, String) {
    server.product("big", "Big", "acme/big", &[]);
    let bytes = bytes_of(7, 32 << 20);
    add_release(server, RELEASE, &bytes, "other", "1.0", "big");
    let (id, _, _) = server.licensed_customer("big@example.com", &["big"]);
    let token = server.download_token(&id);
    let help = format!("{}/products/downloads/info/help", server.url);
    assert!(eventually(PROPAGATION * 5, || {
        curl_as(&help, &id, &token, &["-k"]).status == 200
    }));
    (bytes, id, token)
}

/// curl downloading the release at 8 MB/s (about 4 s), into `dir/RELEASE`.
fn slow_download(server: &Server, id: &str, token: &str, dir: &std::path::Path) -> Child {
    Command::new("curl")
        .current_dir(dir)
        .args(["-s", "-S", "-f", "-k", "--limit-rate", "8M", "-O"])
        .args(["-u", &format!("{id}:{token}")])
        .arg(format!("{}/products/downloads/file/{RELEASE}", server.url))
        .stderr(Stdio::piped())
        .spawn()
        .unwrap()
}

/// Waits until the download has started writing (bytes arrived), so the signal comes with
/// a download in flight.
fn in_flight(dir: &std::path::Path) {
    let started = eventually(Duration::from_secs(2), || {
        std::fs::metadata(dir.join(RELEASE)).is_ok_and(|m| m.len() > 0)
    });
    assert!(started, "the download never started");
}

fn finished_intact(download: Child, dir: &std::path::Path, bytes: &[u8]) {
    let out = download.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "the download failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let got = std::fs::read(dir.join(RELEASE)).unwrap();
    assert_eq!(got.len(), bytes.len());
    assert_eq!(Sha256::digest(&got), Sha256::digest(bytes), "bytes differ");
}

#[test]
fn sigterm_finishes_the_download_in_flight_and_exits_0() {
    let mut server = Server::start(Backend::Sqlite);
    let (bytes, id, token) = big_release(&server);
    let dir = server.work_dir("sigterm");
    let download = slow_download(&server, &id, &token, &dir);
    in_flight(&dir);
    server.signal("TERM");
    assert!(
        server.wait_exit(Duration::from_millis(500)).is_none(),
        "the server exited with a download in flight"
    );
    assert!(
        eventually(Duration::from_secs(1), || TcpStream::connect(&server.host)
            .is_err()),
        "still accepting connections after SIGTERM"
    );
    finished_intact(download, &dir, &bytes);
    let status = server
        .wait_exit(Duration::from_secs(30))
        .expect("the server exits within 30 s of SIGTERM");
    assert!(status.success(), "exit status after SIGTERM: {status}");
}

/// (HTTP version curl negotiated, the certificate subject it saw).
fn tls_probe(server: &Server, curl_flag: &str) -> (String, String) {
    let out = Command::new("curl")
        .args([
            "-s",
            "-k",
            "-v",
            "-o",
            "/dev/null",
            "-w",
            "%{http_version}",
            curl_flag,
        ])
        .arg(format!("{}/healthz", server.url))
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    let subject = stderr
        .lines()
        .find_map(|l| l.trim_start_matches(['*', ' ']).strip_prefix("subject:"))
        .unwrap_or_default()
        .trim()
        .to_string();
    (String::from_utf8_lossy(&out.stdout).into_owned(), subject)
}

#[test]
fn tls_speaks_http2_by_alpn_and_sighup_renews_the_certificate() {
    let certs = tempfile::tempdir().unwrap();
    let (cert, key) = certificate(certs.path(), "first.packyard.test");
    let server = Server::start_with(Backend::Sqlite, &["--tls-cert", &cert, "--tls-key", &key]);
    let (version, subject) = tls_probe(&server, "--http2");
    assert_eq!(version, "2", "curl --http2 over TLS");
    assert!(subject.contains("first.packyard.test"), "{subject}");
    assert_eq!(tls_probe(&server, "--http1.1").0, "1.1");

    let (bytes, id, token) = big_release(&server);
    let dir = server.work_dir("sighup");
    let download = slow_download(&server, &id, &token, &dir);
    in_flight(&dir);
    let renewed = tempfile::tempdir().unwrap();
    let (new_cert, new_key) = certificate(renewed.path(), "second.packyard.test");
    std::fs::copy(new_cert, &cert).unwrap();
    std::fs::copy(new_key, &key).unwrap();
    server.signal("HUP");
    assert!(
        eventually(PROPAGATION, || tls_probe(&server, "--http2")
            .1
            .contains("second.packyard.test")),
        "the renewed certificate is not served after SIGHUP"
    );
    finished_intact(download, &dir, &bytes);
}
