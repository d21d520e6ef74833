//! `file/…`: exact bytes, Range, resume, refusals, and constant memory for large files.

use std::path::PathBuf;

use super::*;

backend_tests!(files_download_exactly_with_ranges_and_resume);
fn files_download_exactly_with_ranges_and_resume(backend: Backend) {
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

    let whole = f.get(&format!("file/{name}"), &ce, &token, &[]);
    assert_eq!(whole.status, 200);
    assert_eq!(
        whole.header("content-length"),
        Some(expected.len().to_string().as_str())
    );
    assert_eq!(whole.header("accept-ranges"), Some("bytes"));

    let part = f.get(&format!("file/{name}"), &ce, &token, &["-r", "1000-1999"]);
    assert_eq!(part.status, 206);
    assert_eq!(part.body, &expected[1000..2000]);
    assert_eq!(
        part.header("content-range"),
        Some(format!("bytes 1000-1999/{}", expected.len()).as_str())
    );
    let tail = f.get(
        &format!("file/{name}"),
        &ce,
        &token,
        &["-H", "Range: bytes=-10"],
    );
    assert_eq!(
        (tail.status, tail.body.as_slice()),
        (206, &expected[expected.len() - 10..])
    );
    let beyond = f.get(
        &format!("file/{name}"),
        &ce,
        &token,
        &["-H", &format!("Range: bytes={}-", expected.len())],
    );
    assert_eq!(beyond.status, 416);
    assert_eq!(
        beyond.header("content-range"),
        Some(format!("bytes */{}", expected.len()).as_str())
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

    // Not licensed, unknown, and traversal-shaped names.
    let ee = f.get("file/Acme-EE-2.4.7.tar.gz", &ce, &token, &[]);
    assert_eq!(ee.status, 403);
    assert!(
        ee.text()
            .contains(&format!("account {ce} has no licence for ee")),
        "{}",
        ee.text()
    );
    let missing = f.get("file/Acme-CE-9.9.9.tar.gz", &ce, &token, &[]);
    assert_eq!(missing.status, 404);
    assert!(missing.text().contains("info/files"), "{}", missing.text());
    for path in ["file/..%2F..%2Fetc%2Fpasswd", "file/%2e%2e"] {
        assert_eq!(f.get(path, &ce, &token, &[]).status, 404, "{path}");
    }
}

/// Peak resident memory of a process, in KiB.
fn peak_rss_kib(pid: u32) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .expect("VmHWM in /proc/PID/status")
}

/// A large file streams through the server without being held in memory. (The ≥ 1 GiB
/// version of this check, on a release build, is `bench/release-memory`.)
#[test]
fn large_files_stream_in_constant_memory() {
    let server = Server::start(Backend::Sqlite);
    server.cli(&[
        "product",
        "create",
        "ce",
        "--name",
        "Acme CE",
        "--packages",
        "acme/ce-*",
    ]);
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
    let (id, _, _) = server.customer("big@example.com");
    server.cli(&["entitlement", "grant", &id, "ce"]);
    let token = server.cli_json(&["token", "generate", &id])["token"]
        .as_str()
        .unwrap()
        .to_string();
    let url = format!("{}/products/downloads/file/Acme-CE-big.tar.gz", server.url);
    assert!(eventually(PROPAGATION, || curl_as(
        &url,
        &id,
        &token,
        &["-r", "0-0"]
    )
    .status
        == 206));
    let before = peak_rss_kib(server.pid());
    let dir = server.work_dir("big");
    let (ok, err) = curl_download(&url, &id, &token, &dir, &["--limit-rate", "200M", "-O"]);
    assert!(ok, "{err}");
    let after = peak_rss_kib(server.pid());
    let downloaded = std::fs::read(dir.join("Acme-CE-big.tar.gz")).unwrap();
    assert!(downloaded == content, "large download differs");
    let growth_mib = (after.saturating_sub(before)) / 1024;
    assert!(
        growth_mib < 32,
        "serving {} MiB grew the server's peak memory by {growth_mib} MiB",
        size >> 20
    );
}
