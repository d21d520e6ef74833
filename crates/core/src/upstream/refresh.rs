//! Keeping fetched metadata fresh in the background, so requests never wait for it. Every
//! `refresh_interval`, each upstream (concurrently: a slow one delays nobody else) either
//! reports what changed through packagist's `metadata-changes-url` feed, when its root
//! offers one, and only those files are revalidated; or, without a feed, every held file is
//! revalidated with a conditional request (`If-Modified-Since` / `If-None-Match`). A file
//! the upstream no longer answers for is kept: cached metadata outlives an outage.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use packyard_store::upstreams::Upstream;
use serde_json::Value;

use super::catalog;
use super::client::{Fetched, UpstreamError};
use super::mirror::Mirror;

/// Where an upstream's change feed is and how far we have read it (packagist's unit:
/// 1/10000 s).
#[derive(Clone, Debug)]
pub struct ChangeFeed {
    pub url: String,
    pub since: i64,
}

/// Per upstream id: its change feed, or `None` when its root offers none.
pub type Feeds = HashMap<i64, Option<ChangeFeed>>;

fn feed_now() -> i64 {
    chrono::Utc::now().timestamp_millis() * 10
}

impl Mirror {
    /// One refresh round over every upstream, concurrently.
    pub async fn refresh(self: &Arc<Self>, upstreams: &[Upstream], feeds: &mut Feeds) {
        let rounds = upstreams.iter().map(|up| {
            let feed = feeds.get(&up.id).cloned();
            let mirror = self.clone();
            let up = up.clone();
            tokio::spawn(async move {
                let feed = mirror.refresh_upstream(&up, feed).await;
                (up.id, feed)
            })
        });
        for (id, feed) in futures_util::future::join_all(rounds)
            .await
            .into_iter()
            .flatten()
        {
            match feed {
                Some(known) => feeds.insert(id, known),
                None => feeds.remove(&id),
            };
        }
    }

    /// One upstream's round. Returns what is known of its change feed afterwards: `None`
    /// while its root could not be read (asked again next round; until then every held file
    /// is revalidated), `Some(None)` when the root offers no feed.
    async fn refresh_upstream(
        &self,
        up: &Upstream,
        known: Option<Option<ChangeFeed>>,
    ) -> Option<Option<ChangeFeed>> {
        let known = match known {
            Some(known) => Some(known),
            None => self.discover_feed(up).await,
        };
        let held: Vec<_> = self
            .held_files()
            .into_iter()
            .filter(|f| f.upstream_id == up.id)
            .collect();
        let (changed, known) = match known {
            Some(Some(feed)) => match self.read_feed(up, &feed).await {
                Ok((names, since)) => (Some(names), Some(Some(ChangeFeed { since, ..feed }))),
                Err(e) => {
                    tracing::info!(
                        "change feed of upstream {}: {e}; revalidating everything",
                        up.name
                    );
                    let since = feed_now();
                    (None, Some(Some(ChangeFeed { since, ..feed })))
                }
            },
            other => (None, other),
        };
        for file in held {
            let key = if file.dev {
                format!("{}~dev", file.name)
            } else {
                file.name.clone()
            };
            if changed.as_ref().is_some_and(|names| !names.contains(&key)) {
                continue;
            }
            if let Err(e) = self.revalidate(up, &key, &file).await {
                self.outcome(up, Some(&e)).await;
                break;
            }
        }
        known
    }

    /// Whether the root offers a change feed (`Some(None)`: it does not; `None`: the root
    /// could not be read). The feed's URL is absolute, or relative to the upstream's origin.
    async fn discover_feed(&self, up: &Upstream) -> Option<Option<ChangeFeed>> {
        let Ok(Fetched::Body { body, .. }) = self.call(up, "packages.json", (None, None)).await
        else {
            return None;
        };
        let Ok(root) = serde_json::from_str::<Value>(&body) else {
            return None;
        };
        let Some(url) = root.get("metadata-changes-url").and_then(Value::as_str) else {
            return Some(None);
        };
        let url = if url.contains("://") {
            url.to_string()
        } else {
            let after = up.url.find("://").map_or(0, |i| i + 3);
            let origin = up.url[after..]
                .find('/')
                .map_or(up.url.as_str(), |i| &up.url[..after + i]);
            format!("{origin}/{}", url.trim_start_matches('/'))
        };
        Some(Some(ChangeFeed {
            url,
            since: feed_now(),
        }))
    }

    /// The files named by the feed since `feed.since`, and where to read from next time.
    async fn read_feed(
        &self,
        up: &Upstream,
        feed: &ChangeFeed,
    ) -> Result<(HashSet<String>, i64), UpstreamError> {
        let sep = if feed.url.contains('?') { '&' } else { '?' };
        let url = format!("{}{sep}since={}", feed.url, feed.since);
        let Fetched::Body { body, .. } = self.call(up, &url, (None, None)).await? else {
            return Err(UpstreamError::Malformed(up.name.clone()));
        };
        let doc: Value =
            serde_json::from_str(&body).map_err(|_| UpstreamError::Malformed(up.name.clone()))?;
        let timestamp = doc.get("timestamp").and_then(Value::as_i64);
        let (Some(actions), Some(timestamp)) =
            (doc.get("actions").and_then(Value::as_array), timestamp)
        else {
            return Err(UpstreamError::Malformed(up.name.clone()));
        };
        if actions
            .iter()
            .any(|a| a.get("type").and_then(Value::as_str) == Some("resync"))
        {
            return Err(UpstreamError::Malformed(up.name.clone()));
        }
        let names = actions
            .iter()
            .filter_map(|a| a.get("package").and_then(Value::as_str))
            .map(str::to_string)
            .collect();
        Ok((names, timestamp))
    }

    /// Revalidates one held file; a changed body replaces it.
    pub(crate) async fn revalidate(
        &self,
        up: &Upstream,
        key: &str,
        held: &catalog::MirroredFile,
    ) -> Result<(), UpstreamError> {
        let fetched = self
            .call(
                up,
                &format!("p2/{key}.json"),
                (held.last_modified.as_deref(), held.etag.as_deref()),
            )
            .await?;
        let Fetched::Body {
            body,
            last_modified,
            etag,
        } = fetched
        else {
            return Ok(());
        };
        let parsed = catalog::parse(
            up.id,
            key,
            &body,
            last_modified.clone(),
            etag.clone(),
            chrono::Utc::now().timestamp_millis(),
        )
        .map_err(|_| UpstreamError::Malformed(up.name.clone()))?;
        self.save_file(up.id, key, body, last_modified, etag).await;
        self.keep(key, Arc::new(parsed));
        Ok(())
    }
}

/// The background refresher of one server; the upstreams come from `feed`'s snapshot.
pub async fn run(mirror: Arc<Mirror>, feed: Arc<crate::feed::Feed>) {
    let mut feeds = Feeds::new();
    loop {
        tokio::time::sleep(mirror.limits.refresh_interval).await;
        let snapshot = feed.snapshot();
        mirror.refresh(&snapshot.upstreams, &mut feeds).await;
    }
}
