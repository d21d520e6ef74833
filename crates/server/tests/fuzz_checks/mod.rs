//! The properties the fuzz targets in `fuzz/` check, kept here (outside the library's API;
//! the fuzz targets include this file by path) so that the stable test suite runs exactly
//! the same checks over every file of the committed corpora (`tests/fuzz_corpus.rs`). Each
//! takes arbitrary bytes and panics only when a property breaks; parsers must never panic
//! on their own.

use axum::http::header::AUTHORIZATION;
use axum::http::{HeaderMap, HeaderValue};
use packyard_composer::archive::{ZipLimits, inspect_zip};
use packyard_composer::version::{normalize, validate_publishable};

use packyard_server::auth::{basic_credentials, bearer_token};
use packyard_server::composer::{RangeRequest, parse_range};

/// The `Authorization` header parsers: whatever they accept is what was sent.
pub fn authorization(data: &[u8]) {
    let Ok(value) = HeaderValue::from_bytes(data) else {
        return;
    };
    let mut headers = HeaderMap::new();
    headers.insert(AUTHORIZATION, value);
    if let Ok(credentials) = basic_credentials(&headers) {
        assert!(
            !credentials.user().contains(':'),
            "the user name ends at the first ':'"
        );
    }
    if let Some(token) = bearer_token(&headers) {
        assert_eq!(token, token.trim(), "a bearer token is trimmed");
    }
}

/// Version normalization: a publishable version normalizes, holds no control characters
/// and no `.`/`..` path segment; normalizing is idempotent-safe (never panics twice).
pub fn version(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let normalized = normalize(text);
    if let Ok(published) = validate_publishable(text) {
        assert_eq!(Ok(&published), normalized.as_ref(), "{text:?}");
        assert!(!text.chars().any(char::is_control), "{text:?}");
        assert!(
            !text.split(['/', '\\']).any(|s| s == "." || s == ".."),
            "{text:?}"
        );
        let _ = normalize(&published);
    }
}

/// Zip inspection within small limits: a verdict, never a panic, never more memory than
/// the limits allow.
pub fn zip(data: &[u8]) {
    let limits = ZipLimits {
        max_entries: 1_000,
        max_uncompressed_bytes: 16 << 20,
        max_manifest_bytes: 64 << 10,
    };
    if let Ok(manifest) = inspect_zip(data, &limits) {
        assert!(!manifest.name.is_empty());
        assert!(validate_publishable(&manifest.version).is_ok());
    }
}

/// `Range` parsing: the first 8 bytes are the file size, the rest the header value; a
/// partial answer always lies inside the file.
pub fn range(data: &[u8]) {
    let Some((size, value)) = data.split_first_chunk::<8>() else {
        return;
    };
    let size = u64::from_le_bytes(*size);
    let Ok(value) = std::str::from_utf8(value) else {
        return;
    };
    if let RangeRequest::Partial { start, end } = parse_range(Some(value), size) {
        assert!(
            start <= end && end < size,
            "{value:?} of {size}: {start}-{end}"
        );
    }
}
