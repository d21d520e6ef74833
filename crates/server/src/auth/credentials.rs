//! Reading credentials out of the `Authorization` header.
//!
//! Why our own parser rather than `axum-extra`'s `TypedHeader<Authorization<Basic>>`: the
//! typed header turns every fault into one generic rejection, while a developer whose
//! `auth.json` is wrong needs to be told *what* is wrong (no scheme, not base64, no `:`),
//! and curl users send variants (extra spaces, lower-case scheme) that we accept today and
//! must keep accepting. The parser is small, pure, and tested below.

use axum::http::HeaderMap;
use axum::http::header::AUTHORIZATION;
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use subtle::ConstantTimeEq;

use crate::edge::request_headers::{RequestHeaders, text};

/// HTTP Basic credentials as sent.
pub struct BasicCredentials {
    /// The decoded `user:password`, on the stack when it fits (every access key does), so the
    /// hot path reads credentials without allocating.
    decoded: Decoded,
    /// Where the first ':' is in `decoded`.
    colon: usize,
}

enum Decoded {
    Inline([u8; INLINE], usize),
    Spilled(String),
}

/// Decoded credentials up to this many bytes are kept inline.
const INLINE: usize = 160;

impl BasicCredentials {
    fn text(&self) -> &str {
        match &self.decoded {
            // Checked to be UTF-8 when decoded; a failure here would be a bug, not input.
            Decoded::Inline(bytes, len) => std::str::from_utf8(&bytes[..*len]).unwrap_or(""),
            Decoded::Spilled(text) => text,
        }
    }

    /// The user name: everything before the first ':'.
    pub fn user(&self) -> &str {
        &self.text()[..self.colon]
    }

    /// The password: everything after the first ':'.
    pub fn password(&self) -> &str {
        &self.text()[self.colon + 1..]
    }
}

#[derive(Debug, PartialEq, Eq)]
pub enum CredentialsError {
    Missing,
    Malformed(&'static str),
}

pub fn basic_credentials(headers: &HeaderMap) -> Result<BasicCredentials, CredentialsError> {
    basic_credentials_of(headers.first(&AUTHORIZATION))
}

/// [`basic_credentials`] of an `Authorization` value as sent.
pub fn basic_credentials_of(
    authorization: Option<&[u8]>,
) -> Result<BasicCredentials, CredentialsError> {
    let Some(value) = authorization else {
        return Err(CredentialsError::Missing);
    };
    let value = text(value).ok_or(CredentialsError::Malformed("it contains non-ASCII bytes"))?;
    let (scheme, encoded) = value
        .trim()
        .split_once(' ')
        .ok_or(CredentialsError::Malformed("it has no scheme"))?;
    if !scheme.eq_ignore_ascii_case("basic") {
        return Err(CredentialsError::Malformed("it is not HTTP Basic"));
    }
    let not_base64 = CredentialsError::Malformed("its credentials are not valid base64");
    let not_utf8 = CredentialsError::Malformed("its credentials are not UTF-8");
    let encoded = encoded.trim();
    let mut inline = [0u8; INLINE];
    let decoded = match STANDARD.decode_slice(encoded, &mut inline) {
        Ok(len) => {
            std::str::from_utf8(&inline[..len]).map_err(|_| not_utf8)?;
            Decoded::Inline(inline, len)
        }
        Err(base64::DecodeSliceError::OutputSliceTooSmall) => {
            let bytes = STANDARD.decode(encoded).map_err(|_| not_base64)?;
            Decoded::Spilled(String::from_utf8(bytes).map_err(|_| not_utf8)?)
        }
        Err(base64::DecodeSliceError::DecodeError(_)) => return Err(not_base64),
    };
    let mut credentials = BasicCredentials { decoded, colon: 0 };
    credentials.colon = credentials
        .text()
        .find(':')
        .ok_or(CredentialsError::Malformed(
            "it lacks the ':' between username and password",
        ))?;
    Ok(credentials)
}

pub fn bearer_token(headers: &HeaderMap) -> Option<&str> {
    let value = headers.get(AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.trim().split_once(' ')?;
    scheme.eq_ignore_ascii_case("bearer").then(|| token.trim())
}

/// Compares two hashes in constant time.
pub fn hash_matches(candidate: &[u8], stored: &[u8]) -> bool {
    candidate.ct_eq(stored).into()
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn headers(value: &str) -> HeaderMap {
        let mut h = HeaderMap::new();
        h.insert(AUTHORIZATION, HeaderValue::from_str(value).unwrap());
        h
    }

    #[test]
    fn parses_basic_and_rejects_malformed_headers() {
        let ok = basic_credentials(&headers("Basic YWxpY2U6czNjcmV0")).unwrap();
        assert_eq!((ok.user(), ok.password()), ("alice", "s3cret"));
        assert_eq!(
            basic_credentials(&HeaderMap::new()).err(),
            Some(CredentialsError::Missing)
        );
        for bad in [
            "Basic",
            "Basic !!!",
            "Bearer abc",
            "Basic YWxpY2U=",
            "Digest x",
        ] {
            assert!(
                matches!(
                    basic_credentials(&headers(bad)),
                    Err(CredentialsError::Malformed(_))
                ),
                "{bad}"
            );
        }
    }

    #[test]
    fn long_credentials_are_decoded_too() {
        let user = "u".repeat(150);
        let password = "p:".repeat(100);
        let encoded = STANDARD.encode(format!("{user}:{password}"));
        let long = basic_credentials(&headers(&format!("Basic {encoded}"))).unwrap();
        assert_eq!(
            (long.user(), long.password()),
            (user.as_str(), password.as_str())
        );
        let not_utf8 = STANDARD.encode([0xff, b':', b'x']);
        assert!(basic_credentials(&headers(&format!("Basic {not_utf8}"))).is_err());
    }

    #[test]
    fn bearer_tokens() {
        assert_eq!(bearer_token(&headers("Bearer  abc ")), Some("abc"));
        assert_eq!(bearer_token(&headers("bearer abc")), Some("abc"));
        assert_eq!(bearer_token(&headers("Basic abc")), None);
        assert_eq!(bearer_token(&HeaderMap::new()), None);
    }
}
