//! Inspecting an uploaded dist zip before anything is stored: it must be a zip, hold a
//! composer.json at the root or inside exactly one top-level folder (the layouts Composer
//! and GitHub produce), name a valid package and version, and stay within limits that stop
//! zip bombs. Entries that would escape an extraction directory are refused outright, even
//! though Composer would extract elsewhere: such an archive is never legitimate.

use std::io::{Cursor, Read};

use serde_json::{Map, Value};
use zip::ZipArchive;

use crate::name::{NameError, validate_package_name};
use crate::version::{VersionError, validate_publishable};

#[derive(Debug, Clone)]
pub struct ZipLimits {
    pub max_entries: usize,
    pub max_uncompressed_bytes: u64,
    pub max_manifest_bytes: u64,
}

impl Default for ZipLimits {
    fn default() -> Self {
        ZipLimits {
            max_entries: 50_000,
            max_uncompressed_bytes: 512 * 1024 * 1024,
            max_manifest_bytes: 1024 * 1024,
        }
    }
}

#[derive(Debug, Clone)]
pub struct Manifest {
    pub name: String,
    pub version: String,
    pub version_normalized: String,
    pub json: Map<String, Value>,
}

#[derive(Debug, thiserror::Error)]
pub enum ArchiveError {
    #[error("not a zip archive ({0}); upload the package as a .zip file")]
    NotZip(String),
    #[error("the zip holds {0} entries, more than the limit of {1}")]
    TooManyEntries(usize, usize),
    #[error("the zip would expand to more than {0} bytes; refusing it as a possible zip bomb")]
    TooLarge(u64),
    #[error(
        "the zip entry {0:?} points outside the archive (absolute path or '..'); rebuild the zip without it"
    )]
    PathTraversal(String),
    #[error("the zip has no composer.json at its root or inside a single top-level folder")]
    MissingManifest,
    #[error("composer.json is larger than {0} bytes")]
    ManifestTooLarge(u64),
    #[error("composer.json is not valid JSON: {0}")]
    InvalidJson(String),
    #[error("composer.json must be a JSON object")]
    NotAnObject,
    #[error("composer.json has no \"name\"; add one like \"acme/module-sales\"")]
    MissingName,
    #[error(
        "composer.json has no \"version\"; add one like \"1.0.0\" or give it with --version (zips carry no git tags)"
    )]
    MissingVersion,
    #[error("composer.json: {0}")]
    Name(#[from] NameError),
    #[error("composer.json: {0}")]
    Version(#[from] VersionError),
    #[error(
        "composer.json says version {file:?} but {given:?} was given; drop --version or make them agree"
    )]
    VersionMismatch { file: String, given: String },
    #[error("the zip is damaged: {0}")]
    Damaged(String),
}

/// True when `name` could land outside the extraction directory.
fn escapes(name: &str) -> bool {
    let unified = name.replace('\\', "/");
    unified.starts_with('/')
        || unified.as_bytes().get(1) == Some(&b':')
        || unified.split('/').any(|part| part == "..")
}

pub fn inspect_zip(bytes: &[u8], limits: &ZipLimits) -> Result<Manifest, ArchiveError> {
    inspect_zip_with_version(bytes, limits, None)
}

/// [`inspect_zip`] for a zip whose composer.json may lack its version (what `composer
/// archive` makes): `version` supplies it, and must agree with one the file has.
pub fn inspect_zip_with_version(
    bytes: &[u8],
    limits: &ZipLimits,
    version: Option<&str>,
) -> Result<Manifest, ArchiveError> {
    let mut zip =
        ZipArchive::new(Cursor::new(bytes)).map_err(|e| ArchiveError::NotZip(e.to_string()))?;
    if zip.len() > limits.max_entries {
        return Err(ArchiveError::TooManyEntries(zip.len(), limits.max_entries));
    }
    let mut total: u64 = 0;
    let mut best: Option<(usize, usize)> = None; // (depth, index)
    let mut top_levels = std::collections::BTreeSet::new();
    for i in 0..zip.len() {
        let entry = zip
            .by_index_raw(i)
            .map_err(|e| ArchiveError::Damaged(e.to_string()))?;
        let name = entry
            .name()
            .map_err(|e| ArchiveError::Damaged(e.to_string()))?
            .to_string();
        if escapes(&name) {
            return Err(ArchiveError::PathTraversal(name));
        }
        total = total.saturating_add(entry.size());
        if total > limits.max_uncompressed_bytes {
            return Err(ArchiveError::TooLarge(limits.max_uncompressed_bytes));
        }
        let parts: Vec<&str> = name.split('/').filter(|p| !p.is_empty()).collect();
        if let Some(first) = parts.first() {
            top_levels.insert(first.to_string());
        }
        if parts.last() == Some(&"composer.json") && !entry.is_dir() {
            let depth = parts.len() - 1;
            if depth <= 1 && best.is_none_or(|(d, _)| depth < d) {
                best = Some((depth, i));
            }
        }
    }
    let index = match best {
        Some((0, i)) => i,
        // Inside a folder only counts when that folder is the archive's single top level.
        Some((_, i)) if top_levels.len() == 1 => i,
        _ => return Err(ArchiveError::MissingManifest),
    };
    let entry = zip
        .by_index(index)
        .map_err(|e| ArchiveError::Damaged(e.to_string()))?;
    let mut text = Vec::new();
    entry
        .take(limits.max_manifest_bytes + 1)
        .read_to_end(&mut text)
        .map_err(|e| ArchiveError::Damaged(e.to_string()))?;
    if text.len() as u64 > limits.max_manifest_bytes {
        return Err(ArchiveError::ManifestTooLarge(limits.max_manifest_bytes));
    }
    parse_manifest_with_version(&text, version)
}

/// Validates composer.json text as a publishable package manifest.
pub fn parse_manifest(text: &[u8]) -> Result<Manifest, ArchiveError> {
    parse_manifest_with_version(text, None)
}

/// [`parse_manifest`], with `given` as the version when composer.json has none. A version in
/// the file that normalizes differently from `given` is refused; the file's spelling wins.
pub fn parse_manifest_with_version(
    text: &[u8],
    given: Option<&str>,
) -> Result<Manifest, ArchiveError> {
    let text = text.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(text);
    let value: Value =
        serde_json::from_slice(text).map_err(|e| ArchiveError::InvalidJson(e.to_string()))?;
    let Value::Object(json) = value else {
        return Err(ArchiveError::NotAnObject);
    };
    let name = match json.get("name") {
        Some(Value::String(n)) => n.clone(),
        Some(_) | None => return Err(ArchiveError::MissingName),
    };
    validate_package_name(&name)?;
    let mut json = json;
    let version = match (json.get("version"), given) {
        (Some(Value::String(v)), _) => v.clone(),
        (None, Some(g)) => {
            json.insert("version".into(), Value::String(g.to_string()));
            g.to_string()
        }
        (Some(_) | None, _) => return Err(ArchiveError::MissingVersion),
    };
    let version_normalized = validate_publishable(&version)?;
    if let Some(g) = given
        && validate_publishable(g)? != version_normalized
    {
        return Err(ArchiveError::VersionMismatch {
            file: version,
            given: g.to_string(),
        });
    }
    Ok(Manifest {
        name,
        version,
        version_normalized,
        json,
    })
}
