//! What an upstream's p2 file becomes in memory, and how we render it for an account: the
//! upstream's versions (expanded from `composer/2.0` minification) with each dist pointing at
//! our own dist route, so one repository URL and one key serve every download. A version's
//! dist identity is its normalized version plus the upstream's `dist.reference`, or, where
//! the upstream leaves the reference null, the sha1 of the upstream dist URL (which we then
//! also announce as the reference: Composer keys its cache on it).

use chrono::{DateTime, NaiveDate, Utc};
use packyard_store::upstreams::UpstreamFile;
use serde_json::{Map, Value, json};
use sha1::{Digest, Sha1};

use super::client::Validators;
use crate::config::Config;
use crate::metadata::encode_path;
use crate::rendered::{RenderCache, Rendered};
use crate::rules::Licence;

/// Where an upstream keeps one version's archive.
#[derive(Clone, Debug)]
pub struct UpstreamDistRef {
    pub url: String,
    pub kind: String,
    /// The upstream's reference, or the sha1 of `url` when it gave none.
    pub reference: String,
    /// sha1 of the archive as the upstream states it ("" = not stated).
    pub shasum: String,
}

pub struct MirroredVersion {
    /// The version object as the upstream sent it (expanded).
    pub object: Map<String, Value>,
    pub version_normalized: String,
    pub released_at: i64,
    pub released_on: NaiveDate,
    pub dist: Option<UpstreamDistRef>,
}

/// One upstream p2 file (`vendor/name` or `vendor/name~dev`) held in memory.
pub struct MirroredFile {
    pub upstream_id: i64,
    pub name: String,
    pub dev: bool,
    pub versions: Vec<MirroredVersion>,
    pub validators: Validators,
    /// Unix millis when our copy last changed: the `Last-Modified` we announce.
    pub changed_at: i64,
    /// Bodies rendered from this file, by licence, in the same cache as local packages'.
    pub rendered: RenderCache<Licence>,
}

#[derive(Debug, thiserror::Error)]
#[error("the upstream's metadata for {0} is not a Composer 2 p2 file")]
pub struct NotMetadata(pub String);

/// The day of a unix second (UTC).
pub fn date_of(unix: i64) -> NaiveDate {
    DateTime::<Utc>::from_timestamp(unix, 0)
        .unwrap_or_default()
        .date_naive()
}

fn released_at(object: &Map<String, Value>) -> i64 {
    match object.get("time") {
        Some(Value::String(s)) => DateTime::parse_from_rfc3339(s)
            .or_else(|_| DateTime::parse_from_str(s, "%Y-%m-%dT%H:%M:%S%z"))
            .map(|t| t.timestamp())
            .or_else(|_| {
                chrono::NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M:%S")
                    .map(|t| t.and_utc().timestamp())
            })
            .unwrap_or(0),
        Some(Value::Number(n)) => n.as_i64().unwrap_or(0),
        _ => 0,
    }
}

fn dist_ref(object: &Map<String, Value>) -> Option<UpstreamDistRef> {
    let dist = object.get("dist")?.as_object()?;
    let url = dist.get("url")?.as_str()?.to_string();
    let text = |k: &str| {
        dist.get(k)
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_string()
    };
    let mut reference = text("reference");
    if reference.is_empty() {
        reference = hex::encode(Sha1::digest(url.as_bytes()));
    }
    Some(UpstreamDistRef {
        kind: Some(text("type"))
            .filter(|t| !t.is_empty())
            .unwrap_or_else(|| "zip".into()),
        shasum: text("shasum"),
        url,
        reference,
    })
}

/// Parses our stored copy of an upstream p2 file (changed when it was fetched).
pub fn parse_stored(stored: &UpstreamFile) -> Result<MirroredFile, NotMetadata> {
    let validators = Validators {
        last_modified: stored.last_modified.clone(),
        etag: stored.etag.clone(),
    };
    let changed_at = stored.fetched_at * 1000;
    parse(
        stored.upstream_id,
        &stored.file,
        &stored.body,
        validators,
        changed_at,
    )
}

/// Parses an upstream p2 body for `name`; a body without the package is an error.
pub fn parse(
    upstream_id: i64,
    file: &str,
    body: &str,
    validators: Validators,
    changed_at: i64,
) -> Result<MirroredFile, NotMetadata> {
    let (name, dev) = match file.strip_suffix("~dev") {
        Some(n) => (n, true),
        None => (file, false),
    };
    let doc: Value = serde_json::from_str(body).map_err(|_| NotMetadata(file.into()))?;
    let list = doc
        .get("packages")
        .and_then(|p| p.get(name))
        .ok_or_else(|| NotMetadata(file.into()))?;
    let objects: Vec<Map<String, Value>> = match list {
        Value::Array(items) if doc.get("minified").is_some() => {
            packyard_composer::minify::expand(items)
        }
        Value::Array(items) => items
            .iter()
            .filter_map(|v| v.as_object().cloned())
            .collect(),
        Value::Object(by_version) => by_version
            .values()
            .filter_map(|v| v.as_object().cloned())
            .collect(),
        _ => return Err(NotMetadata(file.into())),
    };
    let versions = objects
        .into_iter()
        .filter_map(|object| {
            let version = object.get("version")?.as_str()?;
            let version_normalized = match object.get("version_normalized").and_then(Value::as_str)
            {
                Some(v) => v.to_string(),
                None => packyard_composer::version::normalize(version).ok()?,
            };
            let released_at = released_at(&object);
            Some(MirroredVersion {
                dist: dist_ref(&object),
                version_normalized,
                released_at,
                released_on: date_of(released_at),
                object,
            })
        })
        .collect();
    Ok(MirroredFile {
        upstream_id,
        name: name.to_string(),
        dev,
        versions,
        validators,
        changed_at,
        rendered: Default::default(),
    })
}

impl MirroredFile {
    /// The version whose dist our metadata announced as `version_normalized`/`reference`.
    pub fn version(&self, version_normalized: &str, reference: &str) -> Option<&MirroredVersion> {
        self.versions.iter().find(|v| {
            v.version_normalized == version_normalized
                && v.dist.as_ref().is_some_and(|d| d.reference == reference)
        })
    }

    /// Our p2 document for this file under `licence`: the versions it covers, dists on our
    /// URLs.
    pub fn render(&self, licence: Licence, config: &Config) -> Rendered {
        let objects: Vec<Map<String, Value>> = self
            .versions
            .iter()
            .filter(|v| licence.admits(v.released_on, &v.version_normalized).is_ok())
            .map(|v| self.our_object(v, &config.public_url))
            .collect();
        let doc = json!({
            "minified": "composer/2.0",
            "packages": { self.name.as_str(): packyard_composer::minify::minify(&objects) },
        });
        Rendered::new(
            doc.to_string().into_bytes(),
            self.changed_at,
            false,
            &config.compression,
        )
    }

    fn our_object(&self, v: &MirroredVersion, public_url: &str) -> Map<String, Value> {
        let mut object = v.object.clone();
        object.insert("name".into(), Value::from(self.name.as_str()));
        // Installs report to us (notify-batch), not to the upstream.
        object.remove("notification-url");
        if let Some(d) = &v.dist {
            let path = encode_path(&format!(
                "/dist/{}/{}/{}.zip",
                self.name, v.version_normalized, d.reference
            ));
            object.insert(
                "dist".into(),
                json!({
                    "type": d.kind,
                    "url": format!("{public_url}{path}"),
                    "reference": d.reference,
                    "shasum": d.shasum,
                }),
            );
        }
        object
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dists_point_at_us_and_null_references_are_filled() {
        let body = r#"{"minified":"composer/2.0","packages":{"acme/x":[
            {"name":"acme/x","version":"1.1.0","version_normalized":"1.1.0.0","time":"2024-03-01T00:00:00+00:00",
             "notification-url":"https://up.test/downloads/",
             "dist":{"type":"zip","url":"https://up.test/d/x-1.1.zip","reference":null,"shasum":""}},
            {"version":"1.0.0","version_normalized":"1.0.0.0","time":"2024-01-01T00:00:00+00:00",
             "dist":{"type":"zip","url":"https://up.test/d/x-1.0.zip","reference":"abc","shasum":"f00"}}]}}"#;
        let file = parse(1, "acme/x", body, Validators::default(), 5).unwrap();
        assert_eq!(file.versions.len(), 2);
        let filled = hex::encode(Sha1::digest(b"https://up.test/d/x-1.1.zip"));
        assert!(file.version("1.1.0.0", &filled).is_some());
        assert!(file.version("1.0.0.0", "abc").is_some());
        let config = Config::new("http://us.test");
        let all = file.render(Licence::unlimited(), &config);
        let text = String::from_utf8(all.body.to_vec()).unwrap();
        assert!(
            text.contains(&format!("http://us.test/dist/acme/x/1.1.0.0/{filled}.zip")),
            "{text}"
        );
        assert!(!text.contains("up.test"), "{text}");
        assert!(text.contains(r#""shasum":"f00""#), "{text}");
        let until = Licence::new(crate::licence::Terms::until(
            NaiveDate::from_ymd_opt(2024, 2, 1).unwrap(),
        ));
        let limited = String::from_utf8(file.render(until, &config).body.to_vec()).unwrap();
        assert!(
            limited.contains("1.0.0") && !limited.contains("1.1.0"),
            "{limited}"
        );
        assert!(parse(1, "acme/y", body, Validators::default(), 5).is_err());
    }
}
