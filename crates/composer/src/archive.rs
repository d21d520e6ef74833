//! Inspecting an uploaded dist zip before anything is stored: it must be a zip, hold a
//! composer.json at the root or inside exactly one top-level folder (the layouts Composer
//! and GitHub produce), name a valid package and version, and stay within limits that stop
//! zip bombs. Entries that would escape an extraction directory are refused outright, even
//! though Composer would extract elsewhere: such an archive is never legitimate.
//!
//! A published version is immutable, so everything Composer's own unzip could trip over is
//! checked here, before anything is stored (SPEC §8): bytes before the first entry or after
//! the end of the central directory (a multipart form body sent as the zip), sizes counted
//! while really inflating every entry (declared sizes can lie), symbolic links, and entries
//! whose data is damaged.

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
    #[error(
        "the upload has data before the first zip entry; send the zip file itself as the body (curl --data-binary @package.zip), not a multipart form"
    )]
    DataBeforeArchive,
    #[error("the upload has data after the end of the zip archive; rebuild the zip")]
    DataAfterArchive,
    #[error(
        "the zip entry {0:?} is a symbolic link; packages must hold plain files (rebuild the zip without links)"
    )]
    Symlink(String),
}

/// True when `name` could land outside the extraction directory.
fn escapes(name: &str) -> bool {
    let unified = name.replace('\\', "/");
    unified.starts_with('/')
        || unified.as_bytes().get(1) == Some(&b':')
        || unified.split('/').any(|part| part == "..")
}

/// The zip must start with its first entry and end with its end-of-central-directory
/// record, so that every unzip tool reads the same archive from the same bytes.
fn check_framing(bytes: &[u8]) -> Result<(), ArchiveError> {
    const LOCAL_HEADER: &[u8] = b"PK\x03\x04";
    const END_OF_DIRECTORY: &[u8] = b"PK\x05\x06";
    if !bytes.starts_with(LOCAL_HEADER) {
        return Err(if bytes.starts_with(END_OF_DIRECTORY) {
            ArchiveError::MissingManifest
        } else if bytes.windows(4).any(|w| w == LOCAL_HEADER) {
            ArchiveError::DataBeforeArchive
        } else {
            ArchiveError::NotZip("it does not start with a zip entry".into())
        });
    }
    // The record is 22 bytes plus a comment of at most 65,535 bytes, and must end the file.
    let lowest = bytes.len().saturating_sub(22 + usize::from(u16::MAX));
    let ends_here = (lowest..=bytes.len().saturating_sub(22)).rev().any(|at| {
        bytes[at..].starts_with(END_OF_DIRECTORY)
            && at + 22 + usize::from(u16::from_le_bytes([bytes[at + 20], bytes[at + 21]]))
                == bytes.len()
    });
    if ends_here {
        Ok(())
    } else {
        Err(ArchiveError::DataAfterArchive)
    }
}

/// Where composer.json is: what the listing of entry names says, before any inflating.
fn locate_manifest(zip: &mut ZipArchive<Cursor<&[u8]>>) -> Result<usize, ArchiveError> {
    let mut best: Option<(usize, usize)> = None; // (depth, index)
    let mut top_levels = std::collections::BTreeSet::new();
    for i in 0..zip.len() {
        let entry = zip.by_index_raw(i).map_err(damaged)?;
        let name = entry.name().map_err(damaged)?.to_string();
        if escapes(&name) {
            return Err(ArchiveError::PathTraversal(name));
        }
        if entry.is_symlink() {
            return Err(ArchiveError::Symlink(name));
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
    match best {
        Some((0, i)) => Ok(i),
        // Inside a folder only counts when that folder is the archive's single top level.
        Some((_, i)) if top_levels.len() == 1 => Ok(i),
        _ => Err(ArchiveError::MissingManifest),
    }
}

fn damaged(e: impl std::fmt::Display) -> ArchiveError {
    ArchiveError::Damaged(e.to_string())
}

/// Inflates every entry (checking its CRC) and counts the bytes really produced against
/// the limit; returns the text of the entry at `manifest`.
fn inflate_all(
    zip: &mut ZipArchive<Cursor<&[u8]>>,
    manifest: usize,
    limits: &ZipLimits,
) -> Result<Vec<u8>, ArchiveError> {
    let mut budget = limits.max_uncompressed_bytes;
    let mut text = Vec::new();
    for i in 0..zip.len() {
        let entry = zip.by_index(i).map_err(damaged)?;
        let mut limited = entry.take(budget.saturating_add(1));
        let produced = if i == manifest {
            let mut capped = (&mut limited).take(limits.max_manifest_bytes + 1);
            capped.read_to_end(&mut text).map_err(damaged)?;
            if text.len() as u64 > limits.max_manifest_bytes {
                return Err(ArchiveError::ManifestTooLarge(limits.max_manifest_bytes));
            }
            text.len() as u64
                + std::io::copy(&mut limited, &mut std::io::sink()).map_err(damaged)?
        } else {
            std::io::copy(&mut limited, &mut std::io::sink()).map_err(damaged)?
        };
        budget = budget
            .checked_sub(produced)
            .ok_or(ArchiveError::TooLarge(limits.max_uncompressed_bytes))?;
    }
    Ok(text)
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
    check_framing(bytes)?;
    let mut zip =
        ZipArchive::new(Cursor::new(bytes)).map_err(|e| ArchiveError::NotZip(e.to_string()))?;
    if zip.offset() != 0 {
        return Err(ArchiveError::DataBeforeArchive);
    }
    if zip.len() > limits.max_entries {
        return Err(ArchiveError::TooManyEntries(zip.len(), limits.max_entries));
    }
    let manifest = locate_manifest(&mut zip)?;
    let text = inflate_all(&mut zip, manifest, limits)?;
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
