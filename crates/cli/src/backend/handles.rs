//! What the halves of [`super::Backend`] share: the local half's handles, who `explain`
//! asks about, the row-to-view conversion, and the remote half's typed calls (the blocking
//! client run in place on this worker). A leaf, so the halves import no parent.

use anyhow::Result;
use packyard_store::Db;
use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::remote::client::Client;

/// The database, with the billing grace period the server recorded.
pub struct Local {
    pub db: Db,
    pub grace_days: i64,
}

/// Who or what `explain` asks about.
pub enum ExplainFor<'a> {
    Account(&'a str),
    Key(&'a str),
}

pub use crate::render::views;

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
    tokio::task::block_in_place(|| c.answer("POST", path))
}

/// A call whose answer has no body (204).
pub fn call(c: &Client, method: &str, path: &str) -> Result<()> {
    tokio::task::block_in_place(|| c.call(method, path, None)).map(drop)
}
