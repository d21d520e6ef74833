//! A real S3-compatible server for the tests: one `s3s-fs` process per test binary (started
//! on first use, shared by every test, each test with its own bucket), and a TCP proxy that
//! lets a test make a service unreachable or unresponsive and bring it back without
//! disturbing the other tests. `scripts/test` installs s3s-fs and exports its path as
//! `PACKYARD_TEST_S3S_FS`.

use std::io::{Read, Write};
use std::net::{Shutdown, SocketAddr, TcpListener, TcpStream};
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicU8, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::Duration;

pub const ACCESS_KEY: &str = "packyard-test";
pub const SECRET_KEY: &str = "packyard-test-secret";

pub struct S3Server {
    pub addr: SocketAddr,
    root: PathBuf,
    /// The watchdog shell; it exits by itself once this process has.
    _watchdog: Mutex<std::process::Child>,
}

static SERVER: OnceLock<S3Server> = OnceLock::new();
static BUCKETS: AtomicUsize = AtomicUsize::new(0);

fn s3s_fs_binary() -> PathBuf {
    if let Ok(path) = std::env::var("PACKYARD_TEST_S3S_FS") {
        return PathBuf::from(path);
    }
    let home = std::env::var("HOME").unwrap_or_default();
    let cached = PathBuf::from(home).join(".cache/packyard-tools/bin/s3s-fs");
    assert!(
        cached.exists(),
        "s3s-fs is missing: run scripts/test, or cargo install s3s-fs --version 0.14.1 --features binary --root ~/.cache/packyard-tools"
    );
    cached
}

impl S3Server {
    /// The shared server, started on first use. A watchdog shell ends it (and removes its
    /// data) when this test process exits.
    pub fn shared() -> &'static S3Server {
        SERVER.get_or_init(|| {
            let root = std::env::temp_dir().join(format!("packyard-s3-{}", std::process::id()));
            std::fs::create_dir_all(&root).unwrap();
            let port = super::free_port();
            let script = format!(
                "\"$0\" --host 127.0.0.1 --port {port} --access-key {ACCESS_KEY} --secret-key {SECRET_KEY} {root} >/dev/null 2>&1 & s=$!; \
                 while kill -0 {parent} 2>/dev/null && kill -0 $s 2>/dev/null; do sleep 0.5; done; kill $s; rm -rf {root}",
                root = root.display(),
                parent = std::process::id(),
            );
            let watchdog = Command::new("sh")
                .arg("-c")
                .arg(script)
                .arg(s3s_fs_binary())
                .stdin(Stdio::null())
                .spawn()
                .expect("sh starts s3s-fs");
            let addr: SocketAddr = format!("127.0.0.1:{port}").parse().unwrap();
            let up = super::eventually(Duration::from_secs(10), || {
                TcpStream::connect(addr).is_ok()
            });
            assert!(up, "s3s-fs did not start on {addr}");
            S3Server {
                addr,
                root,
                _watchdog: Mutex::new(watchdog),
            }
        })
    }

    /// A new, empty bucket (s3s-fs keeps one directory per bucket); returns its name.
    pub fn bucket(&self) -> String {
        let name = format!(
            "t{}-{}",
            std::process::id(),
            BUCKETS.fetch_add(1, Ordering::SeqCst)
        );
        std::fs::create_dir_all(self.root.join(&name)).unwrap();
        name
    }

    /// Where s3s-fs keeps `bucket`'s objects, one file per object.
    pub fn bucket_dir(&self, bucket: &str) -> PathBuf {
        self.root.join(bucket)
    }

    /// The AWS variables a node needs to reach `endpoint` (this server, or a proxy of it).
    pub fn env(endpoint: SocketAddr) -> Vec<(String, String)> {
        [
            ("AWS_ACCESS_KEY_ID", ACCESS_KEY.to_string()),
            ("AWS_SECRET_ACCESS_KEY", SECRET_KEY.to_string()),
            ("AWS_REGION", "us-east-1".to_string()),
            ("AWS_ENDPOINT_URL", format!("http://{endpoint}")),
            ("AWS_ALLOW_HTTP", "true".to_string()),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_string(), v))
        .collect()
    }
}

/// Files stored under `dir` (recursively), s3s-fs's own `.…json` bookkeeping left out.
pub fn stored_files(dir: &std::path::Path) -> Vec<PathBuf> {
    let mut found = Vec::new();
    let Ok(entries) = std::fs::read_dir(dir) else {
        return found;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            found.extend(stored_files(&path));
        } else if !entry.file_name().to_string_lossy().starts_with('.') {
            found.push(path);
        }
    }
    found
}

const FORWARD: u8 = 0;
const REFUSE: u8 = 1;
const STALL: u8 = 2;

/// A TCP proxy in front of a service. `refuse` closes every connection at once (the service
/// is down), `stall` accepts connections and never answers (the service hangs), `forward`
/// brings it back.
pub struct Proxy {
    pub addr: SocketAddr,
    mode: Arc<AtomicU8>,
    open: Arc<Mutex<Vec<TcpStream>>>,
}

impl Proxy {
    pub fn start(target: SocketAddr) -> Proxy {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = listener.local_addr().unwrap();
        let mode = Arc::new(AtomicU8::new(FORWARD));
        let open: Arc<Mutex<Vec<TcpStream>>> = Arc::default();
        let (m, o) = (Arc::clone(&mode), Arc::clone(&open));
        std::thread::spawn(move || {
            for client in listener.incoming().flatten() {
                match m.load(Ordering::SeqCst) {
                    REFUSE => drop(client),
                    STALL => o.lock().unwrap().push(client),
                    _ => {
                        let Ok(upstream) = TcpStream::connect(target) else {
                            continue;
                        };
                        let mut open = o.lock().unwrap();
                        open.push(client.try_clone().unwrap());
                        open.push(upstream.try_clone().unwrap());
                        pipe(client.try_clone().unwrap(), upstream.try_clone().unwrap());
                        pipe(upstream, client);
                    }
                }
            }
        });
        Proxy { addr, mode, open }
    }

    fn set(&self, mode: u8) {
        self.mode.store(mode, Ordering::SeqCst);
        for stream in self.open.lock().unwrap().drain(..) {
            let _ = stream.shutdown(Shutdown::Both);
        }
    }

    pub fn refuse(&self) {
        self.set(REFUSE);
    }

    pub fn stall(&self) {
        self.set(STALL);
    }

    pub fn forward(&self) {
        self.set(FORWARD);
    }
}

fn pipe(mut from: TcpStream, mut to: TcpStream) {
    std::thread::spawn(move || {
        let mut buf = [0u8; 64 * 1024];
        while let Ok(n) = from.read(&mut buf) {
            if n == 0 || to.write_all(&buf[..n]).is_err() {
                break;
            }
        }
        let _ = to.shutdown(Shutdown::Write);
    });
}
