//! What the halves of [`Backend`] share: the backend itself, the local half's handles, who
//! `explain` asks about, and the remote half's typed calls (the blocking client run in place
//! on this worker). A leaf, so the operation modules import no parent.

use std::sync::OnceLock;

use anyhow::Result;
use packyard_blobs::BlobStore;
use packyard_store::Db;
use serde::Serialize;
use serde::de::DeserializeOwned;

use super::client::Client;
use crate::args::Global;
use crate::context::open_blobs;

/// Where a command's answers come from.
#[derive(Clone)]
pub enum Backend {
    Local(Local),
    /// A running server's admin API.
    Remote(Client),
}

/// The database, with the billing grace period the server recorded, and the global flags
/// (artifact storage, the data directory, the secrets key) for the operations that need
/// more than the database.
#[derive(Clone)]
pub struct Local {
    pub db: Db,
    pub grace_days: i64,
    pub global: Global,
    pub blobs: OnceLock<BlobStore>,
}

impl Local {
    /// Artifact storage, opened on first use (most commands need only the database).
    pub fn blobs(&self) -> Result<BlobStore> {
        if let Some(blobs) = self.blobs.get() {
            return Ok(blobs.clone());
        }
        let blobs = open_blobs(&self.global)?;
        Ok(self.blobs.get_or_init(|| blobs).clone())
    }
}

/// Who or what `explain` asks about.
pub enum ExplainFor<'a> {
    Account(&'a str),
    Key(&'a str),
}

pub fn get<T: DeserializeOwned>(c: &Client, path: &str) -> Result<T> {
    tokio::task::block_in_place(|| c.get(path))
}

pub fn send<T: DeserializeOwned>(
    c: &Client,
    method: &str,
    path: &str,
    body: &impl Serialize,
) -> Result<T> {
    tokio::task::block_in_place(|| c.send(method, path, body))
}

/// A POST without a body, answered with a `T`.
pub fn post<T: DeserializeOwned>(c: &Client, path: &str) -> Result<T> {
    answer(c, "POST", path)
}

/// A call without a body, answered with a `T`.
pub fn answer<T: DeserializeOwned>(c: &Client, method: &str, path: &str) -> Result<T> {
    tokio::task::block_in_place(|| c.answer(method, path))
}

/// A call whose answer has no body (204).
pub fn call(c: &Client, method: &str, path: &str) -> Result<()> {
    tokio::task::block_in_place(|| c.call(method, path, None)).map(drop)
}

/// A file streamed from disk as the request body, answered with a `T`.
pub fn upload<T: DeserializeOwned>(
    c: &Client,
    method: &str,
    path: &str,
    file: &std::path::Path,
) -> Result<T> {
    tokio::task::block_in_place(|| c.upload(method, path, file))
}
