//! Mirrored dists: fetched from the upstream once however many clients ask at the same
//! time, and streamed through in constant memory however large they are.

use serde_json::json;

use super::wait_for_upstreams;
use crate::support::*;

/// Serves `big/archive` 1.0.0 from `packagist` as a sparse file of `size` zeros (cheap to
/// create, real bytes on the wire), and a server mirroring it for one licensed key: (server,
/// public key, private key, the dist URL our metadata announces).
fn mirror_of_zeros(packagist: &StaticRepo, size: u64) -> (Server, String, String, String) {
    let dists = packagist.dir.path().join("dists");
    std::fs::create_dir_all(&dists).unwrap();
    std::fs::File::create(dists.join("big.zip"))
        .unwrap()
        .set_len(size)
        .unwrap();
    let mut sha1 = <sha1::Sha1 as sha1::Digest>::new();
    let zeros = vec![0u8; 1 << 20];
    for _ in 0..(size >> 20) {
        sha1::Digest::update(&mut sha1, &zeros);
    }
    let sha1 = hex::encode(sha1::Digest::finalize(sha1));
    packagist.add_version(
        "big/archive",
        "1.0.0",
        "2024-01-01",
        json!({}),
        "big.zip",
        &sha1,
    );
    // mimalloc commits arena memory eagerly by default, tens of MiB at a time as allocation
    // spreads over threads; off, RSS follows what the server really holds, which is what
    // these tests measure.
    let ours = Server::start_with_env(
        Backend::Sqlite,
        &[],
        &[("MIMALLOC_ARENA_EAGER_COMMIT", "0")],
    );
    ours.product("big", "Big", "big/*", &[]);
    let (_, public, private) = ours.licensed_customer("dev@example.com", &["big"]);
    ours.cli(&["upstream", "add", "packagist", &packagist.url]);
    wait_for_upstreams(&ours, &public, &private);
    let p2 = ours.get_as("/p2/big/archive.json", &public, &private);
    assert_eq!(p2.status, 200, "{}", p2.text());
    let url = p2.json()["packages"]["big/archive"][0]["dist"]["url"]
        .as_str()
        .unwrap()
        .to_string();
    (ours, public, private, url)
}

/// Downloads `url` with curl (at most `rate` bytes/s when given): "STATUS SIZE".
fn download(url: &str, public: &str, private: &str, rate: Option<&str>) -> String {
    let mut curl = std::process::Command::new("curl");
    curl.args([
        "-sS",
        "-u",
        &format!("{public}:{private}"),
        "-o",
        "/dev/null",
    ]);
    if let Some(rate) = rate {
        curl.args(["--limit-rate", rate]);
    }
    let out = curl
        .args(["-w", "%{http_code} %{size_download}", url])
        .output()
        .unwrap();
    String::from_utf8_lossy(&out.stdout).to_string()
}

#[test]
fn concurrent_first_requests_for_a_dist_fetch_it_from_the_upstream_once() {
    const SIZE: u64 = 32 << 20;
    let packagist = StaticRepo::start(json!({}));
    let (ours, public, private, url) = mirror_of_zeros(&packagist, SIZE);
    // The first client reads slowly (about 4 s), so the fetch it paces is still running
    // when the others ask.
    let first = {
        let (url, public, private) = (url.clone(), public.clone(), private.clone());
        std::thread::spawn(move || download(&url, &public, &private, Some("8M")))
    };
    assert!(
        eventually(std::time::Duration::from_secs(10), || packagist
            .requests("/dists/big.zip")
            == 1),
        "the first request never reached the upstream"
    );
    let others: Vec<_> = (0..3)
        .map(|_| {
            let (url, public, private) = (url.clone(), public.clone(), private.clone());
            std::thread::spawn(move || download(&url, &public, &private, None))
        })
        .collect();
    assert_eq!(first.join().unwrap(), format!("200 {SIZE}"));
    for other in others {
        assert_eq!(other.join().unwrap(), format!("200 {SIZE}"));
    }
    assert_eq!(
        packagist.requests("/dists/big.zip"),
        1,
        "every client served from one upstream fetch"
    );
    drop(ours);
}

/// The server's largest anonymous RSS (KiB: heap and stacks, not the binary's code pages,
/// which the first fetch pages in once) seen while `work` runs.
fn peak_rss_during(pid: u32, work: impl FnOnce() -> String) -> (u64, String) {
    let done = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let flag = done.clone();
    let sampler = std::thread::spawn(move || {
        let mut peak = 0;
        while !flag.load(std::sync::atomic::Ordering::Relaxed) {
            peak = peak.max(memory_kib(pid, "RssAnon"));
            std::thread::sleep(std::time::Duration::from_millis(20));
        }
        peak
    });
    let out = work();
    done.store(true, std::sync::atomic::Ordering::Relaxed);
    (sampler.join().unwrap(), out)
}

#[test]
fn a_one_gib_upstream_dist_streams_through_in_constant_memory() {
    const SIZE: u64 = 1 << 30;
    let packagist = StaticRepo::start(json!({}));
    let (ours, public, private, url) = mirror_of_zeros(&packagist, SIZE);
    let before = memory_kib(ours.pid(), "RssAnon");
    let download = || download(&url, &public, &private, None);
    let (peak, first) = peak_rss_during(ours.pid(), download);
    assert_eq!(first, format!("200 {SIZE}"));
    let grown = peak.saturating_sub(before);
    eprintln!(
        "server anonymous RSS {before} KiB before, peak grew by {grown} KiB over a 1 GiB upstream dist"
    );
    // In flight: a few 64 KiB pieces, the HTTP client's read buffer, the storage writer's
    // buffer (about 1 MiB), plus the threads the transfer wakes. Measured: about 3 MiB.
    assert!(
        grown < 6 * 1024,
        "anonymous RSS grew by {grown} KiB while streaming 1 GiB"
    );
    // The last bytes reach the client just before the copy is committed.
    let dists_dir = ours.dir.path().join("data/artifacts/dists");
    assert!(eventually(std::time::Duration::from_secs(10), || {
        !files_under(&dists_dir).is_empty()
    }));
    let stored = files_under(&dists_dir);
    assert_eq!(
        stored.len(),
        1,
        "stored once, content-addressed: {stored:?}"
    );
    assert_eq!(std::fs::metadata(&stored[0]).unwrap().len(), SIZE);
    drop(packagist);
    let before = memory_kib(ours.pid(), "RssAnon");
    let (peak, again) = peak_rss_during(ours.pid(), download);
    assert_eq!(
        again,
        format!("200 {SIZE}"),
        "served from our storage afterwards"
    );
    eprintln!(
        "from storage: peak grew by {} KiB",
        peak.saturating_sub(before)
    );
}
