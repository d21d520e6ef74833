//! Registering upstreams and describing them, shared by the CLI, the admin API and the back
//! office: credentials are sealed here (and only with the operator's key), and every view
//! of an upstream leaves them out.

use std::fmt::Write;
use std::sync::Arc;
use std::sync::atomic::Ordering;

use packyard_store::upstreams::{NewUpstream, Upstream, UpstreamAuth};
use packyard_store::{Db, StoreError};
use serde::{Deserialize, Serialize};

use super::mirror::Mirror;
use super::secrets::SecretsKey;

/// What an operator gives to add an upstream.
/// (No `Debug`: it carries the password or token.)
#[derive(Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(utoipa::ToSchema))]
pub struct AddUpstream {
    pub name: String,
    pub url: String,
    /// HTTP Basic user name; needs `password`.
    pub username: Option<String>,
    pub password: Option<String>,
    /// A bearer token instead of a user name and password.
    pub bearer: Option<String>,
    /// Comma-separated name patterns this upstream may provide (none = every name).
    pub packages: Option<String>,
    /// Lower numbers are asked first.
    #[serde(default)]
    pub priority: i64,
}

/// An upstream as operators see it: never its credentials.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(utoipa::ToSchema))]
pub struct UpstreamView {
    pub name: String,
    pub url: String,
    pub priority: i64,
    pub packages: Vec<String>,
    /// `none`, `basic` or `bearer`.
    pub auth: String,
    pub username: Option<String>,
    /// Packages this node holds metadata of.
    pub packages_mirrored: u64,
    pub hits: u64,
    pub misses: u64,
    /// Dist bytes fetched from the upstream by this node.
    pub bytes: u64,
    pub last_error: Option<String>,
    /// Unix seconds of the last error.
    pub last_error_at: Option<i64>,
}

/// Adds an upstream; credentials are sealed with `key` and refused without one.
pub async fn add(
    db: &Db,
    key: Option<&SecretsKey>,
    add: &AddUpstream,
    actor: &str,
) -> Result<Upstream, StoreError> {
    let (auth, secret) = match (&add.username, &add.password, &add.bearer) {
        (None, None, None) => (UpstreamAuth::None, None),
        (Some(_), Some(p), None) => (UpstreamAuth::Basic, Some(p.as_str())),
        (None, None, Some(t)) => (UpstreamAuth::Bearer, Some(t.as_str())),
        _ => {
            return Err(StoreError::Invalid(
                "give either a user name with a password, or a bearer token".into(),
            ));
        }
    };
    let sealed = match (secret, key) {
        (None, _) => None,
        (Some(s), Some(k)) => Some(k.seal(&add.name, s)),
        (Some(_), None) => {
            return Err(StoreError::Invalid(
                "credentials are stored encrypted: start with --secrets-key-file FILE (or PACKYARD_SECRETS_KEY_FILE) holding 64 hex digits from `openssl rand -hex 32`".into(),
            ));
        }
    };
    let packages = match add.packages.as_deref().map(str::trim) {
        None | Some("") => Vec::new(),
        Some(list) => packyard_store::products::parse_patterns(list)?,
    };
    db.add_upstream(
        &NewUpstream {
            name: &add.name,
            url: &add.url,
            priority: add.priority,
            packages: &packages,
            auth,
            username: add.username.as_deref(),
            secret: sealed.as_deref(),
        },
        actor,
    )
    .await
}

/// The operator's view of `up`, with this node's counters.
pub fn view(up: &Upstream, mirror: &Mirror) -> UpstreamView {
    let stats = mirror.stats(up.id);
    UpstreamView {
        name: up.name.clone(),
        url: up.url.clone(),
        priority: up.priority,
        packages: up.packages.clone(),
        auth: up.auth.as_str().to_string(),
        username: up.username.clone(),
        packages_mirrored: mirror.packages_mirrored(up.id) as u64,
        hits: stats.hits.load(Ordering::Relaxed),
        misses: stats.misses.load(Ordering::Relaxed),
        bytes: stats.bytes.load(Ordering::Relaxed),
        last_error: up.last_error.clone(),
        last_error_at: up.last_error_at,
    }
}

/// What `upstream sync` did.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(utoipa::ToSchema))]
pub struct SyncReport {
    pub metadata: u64,
    pub dists: u64,
    pub errors: Vec<String>,
}

/// Refreshes what is held from `up`, or fetches `packages` with every stable archive.
pub async fn sync(mirror: &Arc<Mirror>, up: &Upstream, packages: &[String]) -> SyncReport {
    let mut report = SyncReport::default();
    if packages.is_empty() {
        for file in mirror
            .held_files()
            .into_iter()
            .filter(|f| f.upstream_id == up.id)
        {
            let key = if file.dev {
                format!("{}~dev", file.name)
            } else {
                file.name.clone()
            };
            match mirror.revalidate(up, &key, &file).await {
                Ok(()) => report.metadata += 1,
                Err(e) => report.errors.push(e.to_string()),
            }
        }
        return report;
    }
    let only = Arc::new(vec![up.clone()]);
    for name in packages {
        let file = match mirror.resolve(&only, name, false).await {
            Ok(Some(f)) => f,
            Ok(None) => {
                report
                    .errors
                    .push(format!("upstream {} has no package {name}", up.name));
                continue;
            }
            Err(e) => {
                report.errors.push(e.to_string());
                continue;
            }
        };
        report.metadata += 1;
        for v in &file.versions {
            let Some(d) = &v.dist else { continue };
            if mirror
                .stored_dist(up.id, name, &v.version_normalized, &d.reference)
                .await
                .is_some()
            {
                continue;
            }
            match mirror.fetch_dist(up, name, v).await {
                Ok(mut streaming) => {
                    let mut failed = None;
                    while let Some(chunk) = futures_util::StreamExt::next(&mut streaming.body).await
                    {
                        if let Err(e) = chunk {
                            failed = Some(e.to_string());
                        }
                    }
                    match failed {
                        None => report.dists += 1,
                        Some(e) => report
                            .errors
                            .push(format!("{name} {}: {e}", v.version_normalized)),
                    }
                }
                Err(e) => report.errors.push(e.to_string()),
            }
        }
    }
    report
}

/// The per-upstream lines of `GET /metrics`: packages mirrored, hits, misses, bytes fetched,
/// and whether the last call failed.
pub fn metrics(mirror: &Mirror, upstreams: &[Upstream]) -> String {
    let mut out = String::new();
    let families: [(&str, &str, &str); 5] = [
        (
            "packyard_upstream_packages",
            "gauge",
            "Packages this node holds metadata of, per upstream.",
        ),
        (
            "packyard_upstream_hits_total",
            "counter",
            "Requests answered from what was already fetched.",
        ),
        (
            "packyard_upstream_misses_total",
            "counter",
            "Requests that had to go to the upstream.",
        ),
        (
            "packyard_upstream_bytes_total",
            "counter",
            "Dist bytes fetched from the upstream.",
        ),
        (
            "packyard_upstream_failing",
            "gauge",
            "1 when the last call to the upstream failed.",
        ),
    ];
    for (i, (name, kind, help)) in families.into_iter().enumerate() {
        let _ = writeln!(out, "# HELP {name} {help}\n# TYPE {name} {kind}");
        for up in upstreams {
            let stats = mirror.stats(up.id);
            let value = match i {
                0 => mirror.packages_mirrored(up.id) as u64,
                1 => stats.hits.load(Ordering::Relaxed),
                2 => stats.misses.load(Ordering::Relaxed),
                3 => stats.bytes.load(Ordering::Relaxed),
                _ => u64::from(
                    stats
                        .last_error
                        .lock()
                        .unwrap_or_else(|e| e.into_inner())
                        .is_some(),
                ),
            };
            let _ = writeln!(out, "{name}{{upstream=\"{}\"}} {value}", up.name);
        }
    }
    out
}
