//! A package's listed versions as the snapshot holds them, compact: a million versions must
//! fit the memory budget next to everything else.
//!
//! - The SHA-1 is held as its 20 bytes; it is written out as hex where p2 files name it.
//! - An archive key of the canonical form ([`dist_key`]) is held as its 32-byte SHA-256 and
//!   rebuilt on use; any other key is kept as text ([`BlobKey`]).
//! - The version, its normalized form and the manifest share one allocation.
//! - Versions of one package carry near-identical composer.json objects, so each manifest is
//!   held as a delta against the previous listed version's: the lengths of their common
//!   prefix and suffix and the bytes in between. [`Versions::manifests`] decodes them in
//!   order, which is the order a p2 body is rendered in anyway; nothing else reads them
//!   often.

use std::borrow::Cow;
use std::ops::Deref;

use chrono::NaiveDate;

/// The object key of an archive whose SHA-256 is `sha256_hex` (the one form [`BlobKey`]
/// holds as raw bytes).
pub fn dist_key(sha256_hex: &str) -> String {
    packyard_blobs::content_key("dists", sha256_hex, "zip")
}

/// `N` bytes from exactly `2 * N` lowercase hex digits (the form digests are stored in).
/// A million rows at start-up are read with it, so it decodes by table, not by the `hex`
/// crate's checked loop.
pub fn lower_hex<const N: usize>(text: &str) -> Option<[u8; N]> {
    /// Each byte's value as a lowercase hex digit, `INVALID` if it is none.
    const DIGITS: [u8; 256] = {
        let mut table = [INVALID; 256];
        let mut i = 0;
        while i < 16 {
            table[b"0123456789abcdef"[i] as usize] = i as u8;
            i += 1;
        }
        table
    };
    const INVALID: u8 = 0xFF;
    if text.len() != 2 * N {
        return None;
    }
    let mut out = [0; N];
    let mut bad = 0;
    for (byte, pair) in out.iter_mut().zip(text.as_bytes().chunks_exact(2)) {
        let (high, low) = (DIGITS[pair[0] as usize], DIGITS[pair[1] as usize]);
        bad |= high | low;
        *byte = high << 4 | low;
    }
    (bad & 0xF0 == 0).then_some(out)
}

/// Where a version's archive lives in blob storage.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum BlobKey {
    /// `dists/ab/cd/<sha256>.zip`, held as the SHA-256.
    Dist([u8; 32]),
    /// Any other key, as stored.
    Other(Box<str>),
}

impl BlobKey {
    pub fn new(key: &str) -> BlobKey {
        match Self::canonical_digest(key) {
            Some(digest) => BlobKey::Dist(digest),
            None => BlobKey::Other(key.into()),
        }
    }

    fn canonical_digest(key: &str) -> Option<[u8; 32]> {
        let rest = key.strip_prefix("dists/")?.strip_suffix(".zip")?;
        let (fan_out, hex) = rest.split_at_checked(6)?;
        let digest = lower_hex::<32>(hex)?;
        let h = hex.as_bytes();
        (fan_out.as_bytes() == [h[0], h[1], b'/', h[2], h[3], b'/']).then_some(digest)
    }

    /// The key as stored.
    pub fn as_key(&self) -> Cow<'_, str> {
        match self {
            BlobKey::Dist(digest) => Cow::Owned(dist_key(&hex::encode(digest))),
            BlobKey::Other(key) => Cow::Borrowed(key),
        }
    }
}

/// One listed version. Its manifest is read through [`Versions`] (it is a delta).
pub struct VersionEntry {
    pub released_at: i64,
    pub released_on: NaiveDate,
    pub size: i64,
    pub dev: bool,
    pub sha1: [u8; 20],
    blob: BlobKey,
    /// The version, the normalized version and the manifest's middle, back to back.
    text: Box<str>,
    /// Lengths of the version, the normalized version, and the prefix and suffix the
    /// manifest shares with the previous listed version's.
    lens: [u32; 4],
}

impl VersionEntry {
    pub fn version(&self) -> &str {
        &self.text[..self.lens[0] as usize]
    }

    pub fn version_normalized(&self) -> &str {
        &self.text[self.lens[0] as usize..self.middle_at()]
    }

    pub fn sha1_hex(&self) -> String {
        hex::encode(self.sha1)
    }

    pub fn blob_key(&self) -> Cow<'_, str> {
        self.blob.as_key()
    }

    fn middle_at(&self) -> usize {
        (self.lens[0] + self.lens[1]) as usize
    }

    /// This version's manifest, given the previous listed version's (empty for the first).
    fn manifest_after(&self, previous: &str) -> String {
        let (prefix, suffix) = (self.lens[2] as usize, self.lens[3] as usize);
        let middle = &self.text[self.middle_at()..];
        let mut out = String::with_capacity(prefix + middle.len() + suffix);
        out.push_str(&previous[..prefix]);
        out.push_str(middle);
        out.push_str(&previous[previous.len() - suffix..]);
        out
    }
}

/// A version to list, with its whole manifest.
pub struct Listed<'a> {
    pub version: &'a str,
    pub version_normalized: &'a str,
    pub manifest: &'a str,
    pub released_at: i64,
    pub sha1: [u8; 20],
    pub size: i64,
    pub blob: BlobKey,
}

/// Listed versions of a package, oldest release first.
#[derive(Default)]
pub struct Versions {
    entries: Vec<VersionEntry>,
}

impl Deref for Versions {
    type Target = [VersionEntry];

    fn deref(&self) -> &[VersionEntry] {
        &self.entries
    }
}

impl Versions {
    /// Every manifest, in the order of the versions.
    pub fn manifests(&self) -> Vec<String> {
        let mut out: Vec<String> = Vec::with_capacity(self.entries.len());
        for v in &self.entries {
            let previous = out.last().map_or("", String::as_str);
            let manifest = v.manifest_after(previous);
            out.push(manifest);
        }
        out
    }

    /// The manifest of the version at `index`.
    pub fn manifest(&self, index: usize) -> String {
        let mut manifest = String::new();
        for v in &self.entries[..=index] {
            manifest = v.manifest_after(&manifest);
        }
        manifest
    }

    /// Keeps the versions `keep` accepts (the deltas are encoded again if any is dropped).
    pub fn retain(&mut self, mut keep: impl FnMut(&VersionEntry) -> bool) {
        let kept: Vec<bool> = self.entries.iter().map(&mut keep).collect();
        if kept.iter().all(|k| *k) {
            return;
        }
        let manifests = self.manifests();
        let mut builder = VersionsBuilder::default();
        let kept = self.entries.iter().zip(&manifests).zip(kept);
        for (v, manifest) in kept.filter_map(|(pair, keep)| keep.then_some(pair)) {
            builder.push(Listed {
                version: v.version(),
                version_normalized: v.version_normalized(),
                manifest,
                released_at: v.released_at,
                sha1: v.sha1,
                size: v.size,
                blob: v.blob.clone(),
            });
        }
        *self = builder.finish();
    }
}

/// Builds [`Versions`] from versions in order, encoding each manifest against the previous.
#[derive(Default)]
pub struct VersionsBuilder {
    entries: Vec<VersionEntry>,
    previous: String,
}

impl VersionsBuilder {
    pub fn push(&mut self, v: Listed<'_>) {
        let (prefix, suffix) = common_ends(&self.previous, v.manifest);
        let middle = &v.manifest[prefix..v.manifest.len() - suffix];
        let text = [v.version, v.version_normalized, middle].concat();
        let len = |s: &str| u32::try_from(s.len()).unwrap_or(u32::MAX);
        self.entries.push(VersionEntry {
            released_at: v.released_at,
            released_on: super::read_packages::date_of(v.released_at),
            size: v.size,
            dev: packyard_composer::version::is_dev(v.version_normalized),
            sha1: v.sha1,
            blob: v.blob,
            text: text.into_boxed_str(),
            lens: [
                len(v.version),
                len(v.version_normalized),
                prefix as u32,
                suffix as u32,
            ],
        });
        self.previous.clear();
        self.previous.push_str(v.manifest);
    }

    pub fn finish(mut self) -> Versions {
        self.entries.shrink_to_fit();
        Versions {
            entries: self.entries,
        }
    }
}

/// The lengths of the longest prefix and suffix `a` and `b` share, not overlapping in either
/// and cut at character boundaries.
fn common_ends(a: &str, b: &str) -> (usize, usize) {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    let at_boundary = |i: usize, j: usize| !is_continuation(a, i) && !is_continuation(b, j);
    let mut prefix = a.iter().zip(b).take_while(|(x, y)| x == y).count();
    while !at_boundary(prefix, prefix) {
        prefix -= 1;
    }
    let mut suffix = a[prefix..]
        .iter()
        .rev()
        .zip(b[prefix..].iter().rev())
        .take_while(|(x, y)| x == y)
        .count();
    while !at_boundary(a.len() - suffix, b.len() - suffix) {
        suffix -= 1;
    }
    (prefix, suffix)
}

/// Whether byte `i` of valid UTF-8 `text` is inside a character (not at its start or end).
fn is_continuation(text: &[u8], i: usize) -> bool {
    text.get(i).is_some_and(|b| b & 0xC0 == 0x80)
}

#[cfg(test)]
#[path = "versions_tests.rs"]
mod tests;
