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

/// HTTP Basic credentials as sent.
pub struct BasicCredentials {
    pub user: String,
    pub password: String,
}

#[derive(Debug, PartialEq, Eq)]
pub enum CredentialsError {
    Missing,
    Malformed(&'static str),
}

pub fn basic_credentials(headers: &HeaderMap) -> Result<BasicCredentials, CredentialsError> {
    let Some(value) = headers.get(AUTHORIZATION) else {
        return Err(CredentialsError::Missing);
    };
    let value = value
        .to_str()
        .map_err(|_| CredentialsError::Malformed("it contains non-ASCII bytes"))?;
    let (scheme, encoded) = value
        .trim()
        .split_once(' ')
        .ok_or(CredentialsError::Malformed("it has no scheme"))?;
    if !scheme.eq_ignore_ascii_case("basic") {
        return Err(CredentialsError::Malformed("it is not HTTP Basic"));
    }
    let decoded = STANDARD
        .decode(encoded.trim())
        .map_err(|_| CredentialsError::Malformed("its credentials are not valid base64"))?;
    let decoded = String::from_utf8(decoded)
        .map_err(|_| CredentialsError::Malformed("its credentials are not UTF-8"))?;
    let (user, password) = decoded.split_once(':').ok_or(CredentialsError::Malformed(
        "it lacks the ':' between username and password",
    ))?;
    Ok(BasicCredentials {
        user: user.to_string(),
        password: password.to_string(),
    })
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
        assert_eq!(
            (ok.user.as_str(), ok.password.as_str()),
            ("alice", "s3cret")
        );
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
    fn bearer_tokens() {
        assert_eq!(bearer_token(&headers("Bearer  abc ")), Some("abc"));
        assert_eq!(bearer_token(&headers("bearer abc")), Some("abc"));
        assert_eq!(bearer_token(&headers("Basic abc")), None);
        assert_eq!(bearer_token(&HeaderMap::new()), None);
    }
}
