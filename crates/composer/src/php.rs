//! PHP's string handling and PCRE matching as composer/semver relies on them, reproduced once
//! for version normalization and constraint parsing alike: byte-oriented patterns, PCRE's `$`
//! (which also matches before a final newline), unmatched groups read as empty strings, and
//! `trim()`'s character set.

use std::sync::LazyLock;

use regex::bytes::{Captures, Regex};

/// The modifier part of a version (stability, its number, `-dev`).
pub(crate) const MODIFIER: &str =
    r"[._-]?(?:(stable|beta|b|RC|alpha|a|patch|pl|p)((?:[.-]?[0-9]+)*)?)?([.-]?dev)?";
/// PCRE's `$` without the D modifier: end of subject, or before a newline that ends it.
pub(crate) const END: &str = r"\n?\z";

pub(crate) fn re(pattern: String) -> Regex {
    Regex::new(&pattern).expect("Composer's patterns are valid")
}

/// An inline alias (`1.0 as 2.0`): versions and constraints both keep only its left side.
pub(crate) static ALIAS: LazyLock<Regex> =
    LazyLock::new(|| re(format!(r"(?-u)^([^,\s]+) +as +([^,\s]+){END}")));

/// A capture group as PHP sees it: unmatched groups are empty strings.
pub(crate) fn group<'a>(c: &Captures<'a>, i: usize) -> &'a [u8] {
    c.get(i).map_or(&b""[..], |m| m.as_bytes())
}

pub(crate) fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// PHP's `trim()` character set.
pub(crate) fn php_trim(s: &[u8]) -> &[u8] {
    let is_ws = |b: &u8| matches!(b, b' ' | b'\t' | b'\n' | b'\r' | b'\0' | 0x0B);
    let start = s.iter().position(|b| !is_ws(b)).unwrap_or(s.len());
    let end = s.iter().rposition(|b| !is_ws(b)).map_or(start, |e| e + 1);
    &s[start..end]
}
