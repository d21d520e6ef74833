//! An in-process server for status and header checks (atuin's pattern): a listener on
//! `127.0.0.1:0`, an [`AppState`] on a throwaway database of the chosen backend and a temp
//! artifact directory, and [`packyard_server::serve`] running on the test's runtime. The
//! catalog is set up through the store and publish code the CLI uses, and changes are applied
//! with one explicit feed refresh instead of waiting for the poll.

pub mod crafted;
pub mod portal;
pub mod releases;

use packyard_store::operator_tokens::TokenScope;
use std::io::{Cursor, Write};
use std::net::SocketAddr;

use packyard_blobs::BlobStore;
use packyard_core::{Config, feed, publish};
use packyard_server::AppState;
use packyard_store::Db;
use packyard_store::accounts::{Account, NewAccount};
use packyard_store::products::Product;
use packyard_testkit::{Backend, TestDatabase};
use serde_json::{Value, json};
use tokio::sync::oneshot;

pub use packyard_testkit::backend_tests;
pub use packyard_testkit::http::{KeptAlive, Request, Response};

pub const ACTOR: &str = "test";

pub struct TestServer {
    pub addr: SocketAddr,
    pub url: String,
    pub state: AppState,
    stop: Option<oneshot::Sender<()>>,
    _database: TestDatabase,
    _artifacts: tempfile::TempDir,
}

/// A customer account with one access key.
#[derive(Clone)]
pub struct Customer {
    pub account: Account,
    pub public: String,
    pub private: String,
}

impl TestServer {
    pub async fn start(backend: Backend) -> TestServer {
        TestServer::start_with(backend, |_| {}).await
    }

    /// Starts with settings changed by `configure` (the CLI flags' counterparts).
    pub async fn start_with(backend: Backend, configure: impl FnOnce(&mut Config)) -> TestServer {
        let database = TestDatabase::create(backend);
        let db = Db::connect(&database.url, true).await.unwrap();
        let artifacts = tempfile::tempdir().unwrap();
        let blobs = BlobStore::from_url(artifacts.path().to_str().unwrap()).unwrap();
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let url = format!("http://{addr}");
        let mut config = Config::new(&url);
        configure(&mut config);
        let state = AppState::new(db, blobs, config).await.unwrap();
        let (stop, stopped) = oneshot::channel::<()>();
        let serving = state.clone();
        tokio::spawn(async move {
            let shutdown = async move {
                let _ = stopped.await;
            };
            packyard_server::serve(listener, serving, shutdown).await
        });
        TestServer {
            addr,
            url,
            state,
            stop: Some(stop),
            _database: database,
            _artifacts: artifacts,
        }
    }

    /// The directory the blob store keeps archives in.
    pub fn artifacts(&self) -> &std::path::Path {
        self._artifacts.path()
    }

    pub fn db(&self) -> &Db {
        &self.state.db
    }

    pub async fn send(&self, request: Request) -> Response {
        request.send(self.addr).await
    }

    pub async fn get(&self, path: &str) -> Response {
        self.send(Request::get(path)).await
    }

    /// `GET path` with `customer`'s key.
    pub async fn get_as(&self, path: &str, customer: &Customer) -> Response {
        self.send(Request::get(path).basic(&customer.public, &customer.private))
            .await
    }

    /// Moves the server's clock forward (no sleeping): time rules see `by` more time passed.
    pub fn advance_clock(&self, by: std::time::Duration) {
        self.state.config.clock.advance(by);
    }

    /// Applies every committed change to the served snapshot now.
    pub async fn refresh(&self) {
        feed::refresh(&self.state.feed).await.unwrap();
    }

    /// Publishes `name` `version` (with `manifest` merged in) as the CLI would.
    pub async fn publish(&self, name: &str, version: &str, manifest: Value) {
        let zip = package_zip(name, version, manifest);
        let limits = &self.state.config.zip_limits;
        publish::publish_zip(self.db(), &self.state.blobs, zip, limits, ACTOR)
            .await
            .unwrap_or_else(|e| panic!("publishing {name} {version}: {e}"));
    }

    pub async fn product(&self, slug: &str, patterns: &[&str]) -> Product {
        let patterns: Vec<String> = patterns.iter().map(|p| p.to_string()).collect();
        self.db()
            .create_product(slug, slug, &patterns, false, ACTOR)
            .await
            .unwrap()
    }

    /// A customer with one key and a licence for `products`, visible once this returns.
    pub async fn customer(&self, email: &str, products: &[&Product]) -> Customer {
        let new = NewAccount {
            email,
            name: "Test Customer",
            id_prefix: "MAG",
            password_hash: None,
        };
        let account = self.db().create_account(new, ACTOR).await.unwrap();
        for product in products {
            self.db()
                .grant(&account, product, None, ACTOR)
                .await
                .unwrap();
        }
        let key = self.db().create_key(&account, "ci", ACTOR).await.unwrap();
        self.refresh().await;
        Customer {
            account,
            public: key.public_key,
            private: key.private_key,
        }
    }

    /// A started server with an operator `ops@example.com` and their admin API token.
    pub async fn with_admin(backend: Backend) -> (TestServer, String) {
        let server = TestServer::start(backend).await;
        let token = server.admin_token("ops@example.com").await;
        (server, token)
    }

    /// An operator with a fresh admin API token; returns the token.
    pub async fn admin_token(&self, email: &str) -> String {
        let db = self.db();
        db.create_operator(email, "$argon2id$unused", ACTOR)
            .await
            .unwrap();
        let created = db
            .create_operator_token(email, "ci", TokenScope::Admin, ACTOR)
            .await
            .unwrap();
        self.refresh().await;
        created.token
    }

    /// One package `acme/hello` 1.0.0 in a product `hello`, and a customer licensed for it.
    pub async fn one_package_and_customer(&self, email: &str) -> Customer {
        self.publish("acme/hello", "1.0.0", json!({ "time": "2024-01-15" }))
            .await;
        let product = self.product("hello", &["acme/*"]).await;
        self.customer(email, &[&product]).await
    }
}

impl Drop for TestServer {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }
}

/// A package zip laid out as GitHub makes them: one top-level folder with composer.json.
pub fn package_zip(name: &str, version: &str, manifest: Value) -> Vec<u8> {
    let mut full = json!({ "name": name, "version": version, "type": "library" });
    if let (Some(obj), Value::Object(extra)) = (full.as_object_mut(), manifest) {
        obj.extend(extra);
    }
    let folder = format!("{}-{version}", name.replace('/', "-"));
    let mut w = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let opts = zip::write::SimpleFileOptions::default();
    w.start_file(format!("{folder}/composer.json"), opts)
        .unwrap();
    w.write_all(full.to_string().as_bytes()).unwrap();
    w.start_file(format!("{folder}/src/Module.php"), opts)
        .unwrap();
    w.write_all(b"<?php\n").unwrap();
    w.finish().unwrap().into_inner()
}

/// Runs `php -r script` with `stdin`; its standard output (Composer's own PHP libraries are
/// installed system-wide, so tests can check answers with Composer's code).
pub fn php(script: &str, stdin: &[u8]) -> String {
    use std::process::{Command, Stdio};
    let mut child = Command::new("php")
        .arg("-r")
        .arg(script)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("php runs");
    child.stdin.take().unwrap().write_all(stdin).unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "php failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}
