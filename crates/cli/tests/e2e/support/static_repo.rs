//! A static Composer repository standing in for packagist.org: generated files (root,
//! plain p2 lists, zips) served by `python3 -m http.server`, which answers `If-Modified-Since`
//! with 304 and unknown files with 404 like a CDN would. Its request log (one line per request)
//! tells tests how often the mirror called it.

use std::collections::BTreeMap;
use std::net::TcpStream;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::Mutex;
use std::time::Duration;

use serde_json::{Value, json};
use sha1::{Digest, Sha1};

use super::{eventually, package_zip};

pub struct StaticRepo {
    pub url: String,
    pub dir: tempfile::TempDir,
    log: tempfile::TempDir,
    child: Option<Child>,
    port: u16,
    versions: Mutex<BTreeMap<String, Vec<Value>>>,
}

impl StaticRepo {
    /// Serves an empty repository; `root` adds keys to its packages.json.
    pub fn start(root: Value) -> StaticRepo {
        let port = super::free_port();
        let dir = tempfile::tempdir().unwrap();
        let mut doc = json!({ "packages": [], "metadata-url": "/p2/%package%.json" });
        if let (Some(d), Value::Object(extra)) = (doc.as_object_mut(), root) {
            d.extend(extra);
        }
        std::fs::write(dir.path().join("packages.json"), doc.to_string()).unwrap();
        let mut repo = StaticRepo {
            url: format!("http://127.0.0.1:{port}"),
            dir,
            log: tempfile::tempdir().unwrap(),
            child: None,
            port,
            versions: Mutex::default(),
        };
        repo.serve();
        repo
    }

    fn serve(&mut self) {
        let child = Command::new("python3")
            .args([
                "-m",
                "http.server",
                &self.port.to_string(),
                "--bind",
                "127.0.0.1",
            ])
            .arg("--directory")
            .arg(self.dir.path())
            .stdout(Stdio::null())
            .stderr(self.request_log())
            .spawn()
            .expect("python3 is installed");
        self.child = Some(child);
        let port = self.port;
        assert!(
            eventually(Duration::from_secs(10), || TcpStream::connect((
                "127.0.0.1",
                port
            ))
            .is_ok()),
            "the static repository did not start"
        );
    }

    /// http.server's request log (appended to across restarts), outside the served files.
    fn request_log(&self) -> std::fs::File {
        std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(self.log.path().join("requests.log"))
            .unwrap()
    }

    /// How many GET requests for `path` (e.g. `/dists/x.zip`) this repository received.
    pub fn requests(&self, path: &str) -> usize {
        let log = std::fs::read_to_string(self.log.path().join("requests.log")).unwrap_or_default();
        let needle = format!("\"GET {path} ");
        log.lines().filter(|l| l.contains(&needle)).count()
    }

    /// Publishes `name` `version` (released on `date`, YYYY-MM-DD) with `manifest` keys; its
    /// dist is a real zip whose sha1 the metadata states. Returns the zip's sha1.
    pub fn add(&self, name: &str, version: &str, date: &str, manifest: Value) -> String {
        let (file, bytes) = package_zip(name, version, manifest.clone());
        let dists = self.dir.path().join("dists");
        std::fs::create_dir_all(&dists).unwrap();
        std::fs::write(dists.join(&file), &bytes).unwrap();
        let sha1 = hex::encode(Sha1::digest(&bytes));
        self.add_version(name, version, date, manifest, &file, &sha1);
        sha1
    }

    /// Adds a version whose dist file (under `dists/`) is already in place.
    pub fn add_version(
        &self,
        name: &str,
        version: &str,
        date: &str,
        manifest: Value,
        file: &str,
        sha1: &str,
    ) {
        let mut object = json!({
            "name": name, "version": version, "type": "library",
            "time": format!("{date}T00:00:00+00:00"),
            "dist": { "type": "zip", "url": format!("{}/dists/{file}", self.url), "reference": null, "shasum": sha1 },
        });
        if let (Some(o), Value::Object(extra)) = (object.as_object_mut(), manifest) {
            o.extend(extra);
        }
        let mut all = self.versions.lock().unwrap();
        let list = all.entry(name.to_string()).or_default();
        list.push(object);
        write_p2(self.dir.path(), name, list);
    }

    /// Stops serving (an outage); [`StaticRepo::resume`] serves the same files again.
    /// Serves `doc` at `path` (relative to the root) from now on, replacing any earlier file
    /// in one step.
    pub fn serve_json(&self, path: &str, doc: &Value) {
        replace_file(&self.dir.path().join(path), doc);
    }

    pub fn stop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }

    pub fn resume(&mut self) {
        self.serve();
    }
}

fn write_p2(root: &Path, name: &str, versions: &[Value]) {
    let doc = json!({ "packages": { name: versions } });
    replace_file(&root.join("p2").join(format!("{name}.json")), &doc);
}

/// Writes `doc` to `path` in one step, as a CDN would: the server never reads a half-written
/// file.
fn replace_file(path: &Path, doc: &Value) {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    let staged = path.with_extension("json.tmp");
    std::fs::write(&staged, doc.to_string()).unwrap();
    std::fs::rename(staged, path).unwrap();
}

impl Drop for StaticRepo {
    fn drop(&mut self) {
        self.stop();
    }
}
