//! Cross-site request forgery protection for the portal's forms.
//!
//! Why two checks: a logged-in customer's browser sends the session cookie with any request
//! to us, including a form another site makes it submit. `SameSite=Lax` already stops
//! cross-site POSTs from carrying the cookie in current browsers, but not in every browser
//! and not from a sibling subdomain ("same-site" is not "same-origin"). And browsers attach
//! cached HTTP Basic credentials to cross-site requests regardless of `SameSite`. So:
//!
//! 1. **Origin policy** (Go's `CrossOriginProtection`): a state-changing request is refused
//!    when the browser says it came from elsewhere: `Sec-Fetch-Site` other than
//!    `same-origin` or `none` (typed URL, bookmark), or, from browsers that send no fetch
//!    metadata, an `Origin` whose host differs from `Host`. Requests with neither header do
//!    not come from a browser form and pass this check.
//! 2. **Synchronizer token**: every form carries a hidden `csrf` field holding the
//!    session's random token, compared in constant time. It defends whatever the first check
//!    misses (old browsers, proxies stripping headers), and a page that cannot be read
//!    cross-origin is the only place to learn it.
//!
//! The login form has no session yet; it uses the same token check against a short-lived
//! cookie set with the form (double submit), so nobody can log a victim into their account.

use axum::http::{HeaderMap, Method, header};
use subtle::ConstantTimeEq;

/// Why a request was refused; shown to the user on the 403 page.
#[derive(Debug, PartialEq, Eq)]
pub enum CsrfError {
    CrossOrigin,
    BadToken,
}

impl CsrfError {
    pub fn message(&self) -> &'static str {
        match self {
            CsrfError::CrossOrigin => {
                "This form was sent from another site, so it was refused and nothing changed."
            }
            CsrfError::BadToken => {
                "This form has expired or was not sent from this portal, so nothing changed. Go back, reload the page and try again."
            }
        }
    }
}

/// The origin policy (check 1). Safe methods always pass: they must not change anything.
pub fn check_origin(method: &Method, headers: &HeaderMap) -> Result<(), CsrfError> {
    if matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS) {
        return Ok(());
    }
    if let Some(site) = headers.get("sec-fetch-site") {
        return match site.as_bytes() {
            b"same-origin" | b"none" => Ok(()),
            _ => Err(CsrfError::CrossOrigin),
        };
    }
    let Some(origin) = headers.get(header::ORIGIN) else {
        return Ok(());
    };
    let origin_host = origin
        .to_str()
        .ok()
        .and_then(|o| o.split_once("://"))
        .map(|(_, host)| host.trim_end_matches('/'));
    let host = headers.get(header::HOST).and_then(|h| h.to_str().ok());
    match (origin_host, host) {
        (Some(o), Some(h)) if o.eq_ignore_ascii_case(h) => Ok(()),
        _ => Err(CsrfError::CrossOrigin),
    }
}

/// The synchronizer token check (check 2), in constant time.
pub fn check_token(expected: &str, supplied: &str) -> Result<(), CsrfError> {
    let same: bool = expected.as_bytes().ct_eq(supplied.as_bytes()).into();
    if same && !expected.is_empty() {
        Ok(())
    } else {
        Err(CsrfError::BadToken)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (name, value) in pairs {
            h.insert(*name, HeaderValue::from_static(value));
        }
        h
    }

    #[test]
    fn fetch_metadata_decides_when_present() {
        let post = Method::POST;
        assert_eq!(
            check_origin(&post, &headers(&[("sec-fetch-site", "same-origin")])),
            Ok(())
        );
        assert_eq!(
            check_origin(&post, &headers(&[("sec-fetch-site", "none")])),
            Ok(())
        );
        for site in ["cross-site", "same-site"] {
            let h = headers(&[
                ("sec-fetch-site", site),
                ("origin", "http://portal.example"),
                ("host", "portal.example"),
            ]);
            assert_eq!(
                check_origin(&post, &h),
                Err(CsrfError::CrossOrigin),
                "{site}"
            );
        }
    }

    #[test]
    fn origin_must_match_host_without_fetch_metadata() {
        let post = Method::POST;
        let same = headers(&[
            ("origin", "http://127.0.0.1:8080"),
            ("host", "127.0.0.1:8080"),
        ]);
        assert_eq!(check_origin(&post, &same), Ok(()));
        let other = headers(&[
            ("origin", "https://evil.example"),
            ("host", "127.0.0.1:8080"),
        ]);
        assert_eq!(check_origin(&post, &other), Err(CsrfError::CrossOrigin));
        let null = headers(&[("origin", "null"), ("host", "127.0.0.1:8080")]);
        assert_eq!(check_origin(&post, &null), Err(CsrfError::CrossOrigin));
        // No browser headers at all: left to the token check.
        assert_eq!(check_origin(&post, &HeaderMap::new()), Ok(()));
        // Safe methods are never refused.
        assert_eq!(check_origin(&Method::GET, &other), Ok(()));
    }

    #[test]
    fn tokens_must_match_exactly() {
        assert_eq!(check_token("abc123", "abc123"), Ok(()));
        assert_eq!(check_token("abc123", "abc124"), Err(CsrfError::BadToken));
        assert_eq!(check_token("abc123", ""), Err(CsrfError::BadToken));
        assert_eq!(check_token("abc123", "abc1234"), Err(CsrfError::BadToken));
        assert_eq!(check_token("", ""), Err(CsrfError::BadToken));
    }
}
