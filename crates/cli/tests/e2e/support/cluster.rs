//! Several `packyard serve` nodes on one PostgreSQL database and one S3 bucket, the way
//! operators scale out. The database and the bucket belong to the cluster and outlive any
//! node; each node has its own (empty) data directory. Optionally the bucket and the
//! database are reached through [`Proxy`]s, so a test can take either away.

use std::net::SocketAddr;

use super::s3::{Proxy, S3Server};
use packyard_testkit::PostgresDatabase;

use super::server::Server;

pub struct Cluster {
    pub nodes: Vec<Server>,
    pub bucket: String,
    pub storage_url: String,
    pub database_url: String,
    env: Vec<(String, String)>,
    /// In front of s3s-fs and PostgreSQL when the cluster was started with proxies.
    pub storage_proxy: Option<Proxy>,
    pub database_proxy: Option<Proxy>,
    // Declared last: dropped (with FORCE) after the nodes and proxies.
    _database: PostgresDatabase,
}

/// Where the test PostgreSQL server listens, from `PACKYARD_TEST_POSTGRES`.
fn postgres_addr(admin: &str) -> SocketAddr {
    let host = admin
        .split_once('@')
        .map_or(admin, |(_, h)| h)
        .split('/')
        .next()
        .unwrap();
    let host = host.replace("localhost", "127.0.0.1");
    host.parse()
        .unwrap_or_else(|_| format!("{host}:5432").parse().unwrap())
}

impl Cluster {
    /// `nodes` nodes serving with `serve_args`, storage and database reached directly.
    pub fn start(nodes: usize, serve_args: &[&str]) -> Cluster {
        Cluster::build(nodes, serve_args, false)
    }

    /// Like [`Cluster::start`], with the bucket and the database behind proxies.
    pub fn start_behind_proxies(nodes: usize, serve_args: &[&str]) -> Cluster {
        Cluster::build(nodes, serve_args, true)
    }

    fn build(nodes: usize, serve_args: &[&str], proxied: bool) -> Cluster {
        let admin = std::env::var("PACKYARD_TEST_POSTGRES")
            .expect("PACKYARD_TEST_POSTGRES must name a PostgreSQL server (scale-out needs it)");
        let s3 = S3Server::shared();
        let bucket = s3.bucket();
        let database = PostgresDatabase::create_on(&admin);
        let (storage_proxy, database_proxy) = if proxied {
            (
                Some(Proxy::start(s3.addr)),
                Some(Proxy::start(postgres_addr(&admin))),
            )
        } else {
            (None, None)
        };
        let pg_addr = database_proxy
            .as_ref()
            .map_or(postgres_addr(&admin), |p| p.addr);
        let credentials = admin
            .split_once("://")
            .and_then(|(_, rest)| rest.split_once('@'))
            .map_or("", |(c, _)| c);
        let database_url = format!("postgres://{credentials}@{pg_addr}/{}", database.name());
        let endpoint = storage_proxy.as_ref().map_or(s3.addr, |p| p.addr);
        let mut cluster = Cluster {
            nodes: Vec::new(),
            storage_url: format!("s3://{bucket}/packyard"),
            bucket,
            database_url,
            _database: database,
            env: S3Server::env(endpoint),
            storage_proxy,
            database_proxy,
        };
        for _ in 0..nodes {
            cluster.add_node(serve_args);
        }
        cluster
    }

    /// Starts one more node; returns its index in `nodes`.
    pub fn add_node(&mut self, serve_args: &[&str]) -> usize {
        let global = vec![
            "--storage-url".to_string(),
            self.storage_url.clone(),
            "--storage-timeout".to_string(),
            "2s".to_string(),
        ];
        let node = Server::join(&self.database_url, &global, &self.env, serve_args);
        self.nodes.push(node);
        self.nodes.len() - 1
    }

    /// The CLI on the shared state (through the first node's settings; works after that
    /// node is killed, since the CLI talks to the database and the bucket).
    pub fn cli(&self) -> &Server {
        &self.nodes[0]
    }

    /// Objects stored in the bucket (s3s-fs keeps them as files).
    pub fn stored_objects(&self) -> Vec<std::path::PathBuf> {
        super::s3::stored_files(&S3Server::shared().bucket_dir(&self.bucket))
    }
}

impl Drop for Cluster {
    fn drop(&mut self) {
        self.nodes.clear();
        if let Some(proxy) = &self.database_proxy {
            proxy.forward();
        }
    }
}
