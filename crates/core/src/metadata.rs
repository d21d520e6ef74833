//! Renders what Composer reads: the per-account root `packages.json` and the `composer/2.0`
//! minified p2 files holding only the versions an account's licence covers. Bodies are
//! rendered once per (package, stability, licence), compressed once per coding a client asks
//! for, and cached next to the data they came from in a [`crate::rendered::RenderCache`]
//! (the package entry's, or the snapshot's root cache keyed by the set of visible products);
//! requests only pick the cached bytes. The per-account `Last-Modified` is computed at
//! response time from change stamps.

use std::sync::Arc;
use std::sync::atomic::AtomicU64;

use tokio::task::JoinError;

use chrono::{DateTime, NaiveDate, Utc};
use serde_json::{Map, Value, json};

use crate::access::Seat;
use crate::config::Config;
use crate::rendered::{Coding, Rendered};
use crate::rules::{Licence, Refusal};
use crate::snapshot::{P2Key, PackageEntry, Snapshot, VersionEntry};

/// Keys of a stored composer.json that must not reach clients: we set them ourselves, or
/// they only mean something in a root project.
const OVERRIDDEN_KEYS: &[&str] = &[
    "name",
    "version",
    "version_normalized",
    "dist",
    "source",
    "time",
    "repositories",
    "config",
    "minimum-stability",
    "prefer-stable",
    "notification-url",
    "uid",
];

/// Percent-encodes a URL path, keeping `/` and unreserved characters.
pub fn encode_path(path: &str) -> String {
    percent_encode(path, b"/")
}

/// Percent-encodes `value`, keeping unreserved characters and the bytes in `keep`.
pub fn percent_encode(value: &str, keep: &[u8]) -> String {
    let mut out = String::with_capacity(value.len());
    for b in value.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~".contains(&b) || keep.contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

pub fn dist_path(name: &str, v: &VersionEntry) -> String {
    encode_path(&format!(
        "/dist/{name}/{}/{}.zip",
        v.version_normalized(),
        v.sha1_hex()
    ))
}

fn version_object(
    name: &str,
    v: &VersionEntry,
    manifest: &str,
    public_url: &str,
) -> Map<String, Value> {
    let mut m = Map::new();
    m.insert("name".into(), Value::from(name));
    m.insert("version".into(), Value::from(v.version()));
    m.insert(
        "version_normalized".into(),
        Value::from(v.version_normalized()),
    );
    // Checked to be a JSON object when published and when loaded.
    if let Ok(manifest) = serde_json::from_str::<Map<String, Value>>(manifest) {
        for (k, val) in manifest {
            if !OVERRIDDEN_KEYS.contains(&k.as_str()) {
                m.insert(k, val);
            }
        }
    }
    let time = DateTime::<Utc>::from_timestamp(v.released_at, 0).unwrap_or_default();
    m.insert(
        "time".into(),
        Value::from(time.format("%Y-%m-%dT%H:%M:%S+00:00").to_string()),
    );
    let sha1 = v.sha1_hex();
    m.insert(
        "dist".into(),
        json!({
            "type": "zip",
            "url": format!("{public_url}{}", dist_path(name, v)),
            "reference": sha1,
            "shasum": sha1,
        }),
    );
    m
}

/// The p2 document for `name` as seen under `licence`; `dev` selects the `~dev` file.
pub fn render_p2(
    name: &str,
    package: &PackageEntry,
    licence: &Licence,
    dev: bool,
    config: &Config,
) -> Rendered {
    let public_url = config.public_url.as_str();
    let manifests = package.versions.manifests();
    let candidates = package.versions.iter().zip(&manifests);
    let (mut visible, hidden): (Vec<(&VersionEntry, &String)>, Vec<_>) = candidates
        .filter(|(v, _)| v.dev == dev)
        .partition(|(v, _)| {
            licence
                .admits(v.released_on, v.version_normalized())
                .is_ok()
        });
    // The warning speaks of releases hidden by a date only: those a renewal would bring.
    let cut_off: Vec<(&VersionEntry, NaiveDate)> = hidden
        .iter()
        .filter_map(
            |(v, _)| match licence.admits(v.released_on, v.version_normalized()) {
                Err(Refusal::TooNew { until }) => Some((*v, until)),
                _ => None,
            },
        )
        .collect();
    // Newest first, as Packagist does; the order does not affect resolution.
    visible.sort_by(|(a, _), (b, _)| {
        b.released_at
            .cmp(&a.released_at)
            .then(b.version_normalized().cmp(a.version_normalized()))
    });
    let abandoned = package.marks.abandoned.as_ref().map(|a| a.to_json());
    let objects: Vec<Map<String, Value>> = visible
        .iter()
        .map(|(v, manifest)| {
            let mut object = version_object(name, v, manifest, public_url);
            if let Some(abandoned) = &abandoned {
                object.insert("abandoned".into(), abandoned.clone());
            }
            object
        })
        .collect();
    let mut doc = Map::new();
    doc.insert("minified".into(), Value::from("composer/2.0"));
    doc.insert(
        "packages".into(),
        json!({ name: packyard_composer::minify::minify(&objects) }),
    );
    if !dev {
        crate::announce::p2_marks(&mut doc, &package.marks);
    }
    let has_warning = !cut_off.is_empty();
    if let Some(until) = cut_off.iter().map(|(_, until)| *until).max() {
        let newest = cut_off
            .iter()
            .max_by_key(|(v, _)| v.released_at)
            .map(|(v, _)| v.version())
            .unwrap_or("");
        doc.insert(
            "warning".into(),
            Value::from(format!(
                "your licence for {name} covers releases up to {until}; {} newer release{} (latest {newest}) need{} a licence renewal",
                cut_off.len(),
                if cut_off.len() == 1 { "" } else { "s" },
                if cut_off.len() == 1 { "s" } else { "" },
            )),
        );
    }
    Rendered::new(
        Value::Object(doc).to_string().into_bytes(),
        package.changed_at,
        has_warning,
        &config.compression,
    )
}

/// How many bodies were rendered: each should be rendered once per change, however many
/// requests ask for it at once.
#[derive(Default, Debug)]
pub struct RenderCounters {
    pub p2: AtomicU64,
    pub roots: AtomicU64,
}

/// `answer` of the p2 body for this package and licence, if it has been rendered already:
/// the hot lane's look-up, which never waits.
pub fn p2_cached<T>(
    package: &PackageEntry,
    licence: &Licence,
    dev: bool,
    answer: impl FnOnce(&Rendered) -> T,
) -> Option<T> {
    package
        .rendered
        .with_cached(&(dev, licence) as &dyn P2Key, |doc| answer(doc))
}

/// The p2 body for this package and licence, rendered on first use, with `coding` at hand.
pub async fn p2_for(
    name: &str,
    package: &Arc<PackageEntry>,
    licence: Licence,
    dev: bool,
    coding: Coding,
    config: &Arc<Config>,
    renders: &RenderCounters,
) -> Result<Arc<Rendered>, JoinError> {
    let (name, entry, config) = (name.to_string(), package.clone(), config.clone());
    package
        .rendered
        .get_or_render((dev, licence.clone()), coding, &renders.p2, move || {
            render_p2(&name, &entry, &licence, dev, &config)
        })
        .await
}

/// The account's root `packages.json`: which packages exist for it and where to find them,
/// with `coding` at hand.
///
/// Accounts that see the same products share one rendered body; its `changed_at` is the
/// catalog's, the caller adds the account's own licence changes.
pub async fn root_for(
    snapshot: &Arc<Snapshot>,
    seats: &[Seat],
    coding: Coding,
    config: &Arc<Config>,
    renders: &RenderCounters,
) -> Result<Arc<Rendered>, JoinError> {
    let visible = snapshot.visible_products(seats);
    let (snap, config, products) = (snapshot.clone(), config.clone(), visible.clone());
    snapshot
        .roots
        .get_or_render(visible, coding, &renders.roots, move || {
            render_root(&snap, &products, &config)
        })
        .await
}

/// The root document for an account that sees `visible` products.
fn render_root(snapshot: &Snapshot, visible: &[usize], config: &Config) -> Rendered {
    let public_url = config.public_url.as_str();
    let mut names: Vec<&str> = snapshot
        .packages
        .iter()
        .filter(|(_, p)| p.products.iter().any(|i| visible.binary_search(i).is_ok()))
        .map(|(n, _)| n.as_str())
        .collect();
    names.sort_unstable();
    let prefix = url_path_prefix(public_url);
    let mut doc = json!({
        "packages": [],
        "metadata-url": format!("{prefix}/p2/%package%.json"),
        "available-packages": names,
        "notify-batch": format!("{public_url}/downloads/"),
    });
    let has_notice = crate::announce::root_extras(&mut doc, public_url, &snapshot.notices);
    if !snapshot.upstreams.is_empty() {
        // Mirrored names cannot be listed: Composer asks us for any name these patterns match.
        doc["available-package-patterns"] = json!(root_patterns(snapshot, visible));
    }
    Rendered::new(
        doc.to_string().into_bytes(),
        snapshot.catalog_changed_at,
        has_notice,
        &config.compression,
    )
}

/// The patterns of the visible products, for the root's `available-package-patterns`: any
/// name they cover may come from an upstream.
pub fn root_patterns(snapshot: &Snapshot, visible: &[usize]) -> Vec<String> {
    let mut patterns: Vec<String> = visible
        .iter()
        .flat_map(|&i| snapshot.products[i].patterns.iter().cloned())
        .collect();
    patterns.sort_unstable();
    patterns.dedup();
    patterns
}

/// The path part of the public URL (`https://h/repo` → `/repo`): Composer resolves
/// `/`-relative URLs against the host only, so the prefix must be spelled out.
fn url_path_prefix(public_url: &str) -> &str {
    let rest = public_url.split_once("://").map_or(public_url, |(_, r)| r);
    rest.find('/').map_or("", |i| &rest[i..])
}
