//! `file/…` with real curl: exact bytes with `-O`, resume with `-C -`, and constant memory
//! for large files. Status and Range answers are in `crates/server/tests/http/downloads.rs`.

use std::path::PathBuf;

use super::*;

backend_tests!(curl_downloads_exactly_and_resumes);
fn curl_downloads_exactly_and_resumes(backend: Backend) {
    let f = fixture(backend);
    let (ce, token) = f.account("files@example.com", &["ce"]);
    f.wait_ready(&ce, &token);
    let name = "Acme-CE-2.4.7.tar.gz";
    let expected = f.bytes(name);
    let url = format!("{}/products/downloads/file/{name}", f.server.url);

    // curl -O, as customers' scripts do.
    let dir = f.server.work_dir("download");
    let (ok, err) = curl_download(&url, &ce, &token, &dir, &["-O"]);
    assert!(ok, "{err}");
    assert_eq!(
        std::fs::read(dir.join(name)).unwrap(),
        expected,
        "{backend:?}: bytes differ"
    );

    // A broken download resumes with curl -C - and ends byte-exact.
    let partial: PathBuf = dir.join("resumed.tar.gz");
    std::fs::write(&partial, &expected[..123_457]).unwrap();
    let (ok, err) = curl_download(
        &url,
        &ce,
        &token,
        &dir,
        &["-C", "-", "-o", "resumed.tar.gz"],
    );
    assert!(ok, "{err}");
    assert_eq!(
        std::fs::read(&partial).unwrap(),
        expected,
        "{backend:?}: resumed bytes differ"
    );
}

/// A large file streams through the server without being held in memory. (The ≥ 1 GiB
/// version of this check, on a release build, is `bench/release-memory`.)
#[test]
fn large_files_stream_in_constant_memory() {
    let server = Server::start(Backend::Sqlite);
    server.product("ce", "Acme CE", "acme/ce-*", &[]);
    let size = 96usize << 20;
    let content = bytes_of(77, size);
    add_release(
        &server,
        "Acme-CE-big.tar.gz",
        &content,
        "ce-full",
        "9.0",
        "ce",
    );
    let (id, _, _) = server.licensed_customer("big@example.com", &["ce"]);
    let token = server.download_token(&id);
    let url = format!("{}/products/downloads/file/Acme-CE-big.tar.gz", server.url);
    assert!(eventually(PROPAGATION, || curl_as(
        &url,
        &id,
        &token,
        &["-r", "0-0"]
    )
    .status
        == 206));
    let before = memory_kib(server.pid(), "VmHWM");
    let dir = server.work_dir("big");
    let (ok, err) = curl_download(&url, &id, &token, &dir, &["--limit-rate", "200M", "-O"]);
    assert!(ok, "{err}");
    let after = memory_kib(server.pid(), "VmHWM");
    let downloaded = std::fs::read(dir.join("Acme-CE-big.tar.gz")).unwrap();
    assert!(downloaded == content, "large download differs");
    let growth_mib = (after.saturating_sub(before)) / 1024;
    assert!(
        growth_mib < 32,
        "serving {} MiB grew the server's peak memory by {growth_mib} MiB",
        size >> 20
    );
}
