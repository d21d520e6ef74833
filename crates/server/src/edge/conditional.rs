//! HTTP plumbing for the precomputed JSON documents that is not a route: content
//! negotiation (`Accept-Encoding`), conditional GET (`If-Modified-Since` → 304) and the
//! `Last-Modified` stamp.

use axum::body::Body;
use axum::http::{self as http, HeaderMap, HeaderName, HeaderValue, StatusCode, header};
use axum::response::Response;
use bytes::Bytes;
use std::time::SystemTime;

use super::request_headers::{RequestHeaders, text};
use packyard_core::clock::{Clock, unix_secs_of};
pub use packyard_core::rendered::Coding;
use packyard_core::rendered::Rendered;

/// How long after a change more changes may still arrive stamped with the same second: the
/// change feed's propagation (SPEC: within 1 s) plus some clock skew between nodes.
const SETTLE_SECS: i64 = 2;

/// The `Last-Modified` second of a document changed at `changed_at_millis`, and whether that
/// second has settled. HTTP dates have one-second resolution, so a date is only a safe
/// validator once no further change can carry the same second. Until then the document is
/// dated one second earlier (a client that fetched it revalidates later and gets the newer
/// date) and is never answered 304, because a client may hold an older version under that
/// earlier date: e.g. version 1 dated second S, then version 2 changed during second S + 1.
pub fn last_modified_secs(changed_at_millis: i64, clock: &Clock) -> (i64, bool) {
    let changed = changed_at_millis.div_euclid(1000);
    let now = clock.unix_secs();
    if now <= changed + SETTLE_SECS {
        (changed - 1, false)
    } else {
        (changed, true)
    }
}

/// The best coding the client accepts: brotli, then gzip, then none. Composer sends
/// `Accept-Encoding: deflate, gzip, br, zstd`; a `q=0` refuses a coding, `*` stands for any
/// coding not named.
pub fn negotiate(headers: &impl RequestHeaders) -> Coding {
    let (mut br, mut gzip, mut any) = (None, None, None);
    for item in headers
        .all(&header::ACCEPT_ENCODING)
        .filter_map(text)
        .flat_map(|v| v.split(','))
    {
        let mut parts = item.split(';');
        let coding = parts.next().unwrap_or("").trim();
        let q = parts
            .find_map(|p| p.trim().strip_prefix("q="))
            .map_or(1.0, |q| q.trim().parse::<f32>().unwrap_or(0.0));
        if coding.eq_ignore_ascii_case("br") {
            br = Some(q);
        } else if coding.eq_ignore_ascii_case("gzip") || coding.eq_ignore_ascii_case("x-gzip") {
            gzip = Some(q);
        } else if coding == "*" {
            any = Some(q);
        }
    }
    let accepted = |named: Option<f32>| named.or(any).is_some_and(|q| q > 0.0);
    if accepted(br) {
        Coding::Brotli
    } else if accepted(gzip) {
        Coding::Gzip
    } else {
        Coding::Identity
    }
}

/// A precomputed JSON document's answer as its parts: what [`conditional_answer`] decided,
/// made into an `http::Response` only where one is needed. The connection's own HTTP/1.1
/// loop ([`crate::edge::direct`]) writes a hot answer straight from these parts, without
/// building and dropping a header map per request.
pub struct JsonAnswer {
    /// 304: the client's copy is current (no body and no `Content-Type`).
    pub not_modified: bool,
    pub coding: Coding,
    pub last_modified: Option<HeaderValue>,
    /// The body in `coding`; empty when `not_modified`.
    pub body: Bytes,
}

impl JsonAnswer {
    pub fn status(&self) -> StatusCode {
        if self.not_modified {
            StatusCode::NOT_MODIFIED
        } else {
            StatusCode::OK
        }
    }

    /// Its headers, in the order [`JsonAnswer::into_response`] puts them in the response
    /// (the order hyper writes them in).
    pub fn headers(&self) -> impl Iterator<Item = (HeaderName, &HeaderValue)> {
        static JSON: HeaderValue = HeaderValue::from_static("application/json");
        static BR: HeaderValue = HeaderValue::from_static("br");
        static GZIP: HeaderValue = HeaderValue::from_static("gzip");
        static VARY: HeaderValue = HeaderValue::from_static("Accept-Encoding");
        let full = !self.not_modified;
        let encoding = match self.coding {
            Coding::Brotli => Some(&BR),
            Coding::Gzip => Some(&GZIP),
            Coding::Identity => None,
        };
        let content_type = full.then_some((header::CONTENT_TYPE, &JSON));
        let encoding = encoding.filter(|_| full);
        let last_modified = self.last_modified.as_ref();
        content_type
            .into_iter()
            .chain(encoding.map(|e| (header::CONTENT_ENCODING, e)))
            .chain([(header::VARY, &VARY)])
            .chain(last_modified.map(|d| (header::LAST_MODIFIED, d)))
    }

    pub fn into_response(self) -> http::Response<Bytes> {
        let mut r = http::Response::new(Bytes::new());
        *r.status_mut() = self.status();
        let h = r.headers_mut();
        for (name, value) in self.headers() {
            h.insert(name, value.clone());
        }
        *r.body_mut() = self.body;
        r
    }
}

/// A rendered JSON document with `Last-Modified` and `Vary: Accept-Encoding`, in `coding`
/// (what [`negotiate`] chose from the request's headers, made at hand beforehand so that
/// nothing is compressed here), or 304 when the client's copy is current and `revalidate`
/// allows it.
pub fn conditional_json(
    headers: &HeaderMap,
    doc: &Rendered,
    coding: Coding,
    changed_at_millis: i64,
    revalidate: bool,
    clock: &Clock,
) -> Response {
    conditional_answer(headers, doc, coding, changed_at_millis, revalidate, clock)
        .into_response()
        .map(Body::from)
}

/// [`conditional_json`] as its parts, for a caller that writes the answer itself
/// ([`crate::edge::direct`]).
pub fn conditional_answer(
    headers: &impl RequestHeaders,
    doc: &Rendered,
    coding: Coding,
    changed_at_millis: i64,
    revalidate: bool,
    clock: &Clock,
) -> JsonAnswer {
    let (secs, settled) = last_modified_secs(changed_at_millis, clock);
    let secs = secs.max(0);
    let modified = std::time::UNIX_EPOCH + std::time::Duration::from_secs(secs as u64);
    let since = headers
        .first(&header::IF_MODIFIED_SINCE)
        .and_then(text)
        .and_then(|v| httpdate::parse_http_date(v).ok());
    let not_modified = matches!(since, Some(since) if revalidate && settled && modified <= since);
    JsonAnswer {
        not_modified,
        coding,
        last_modified: http_date(secs, modified),
        body: if not_modified {
            Bytes::new()
        } else {
            doc.encoded(coding).clone()
        },
    }
}

/// The last HTTP date a thread formatted, with its Unix second.
type DateSlot = std::cell::RefCell<Option<(i64, HeaderValue)>>;

/// `modified` (the Unix second `secs`) as an HTTP date. Most answers in a row carry the same
/// date, so each thread keeps the last one it formatted and hands out clones of it.
fn http_date(secs: i64, modified: SystemTime) -> Option<HeaderValue> {
    thread_local! {
        static LAST: DateSlot = const { std::cell::RefCell::new(None) };
    }
    per_second(&LAST, secs, modified)
}

/// `now` (when the request was read) as an HTTP date: the `Date` header, for answers written
/// without hyper ([`crate::edge::direct`]). Kept apart from [`http_date`]'s slot, which
/// holds a past second.
pub fn http_date_of(now: SystemTime) -> Option<HeaderValue> {
    thread_local! {
        static NOW: DateSlot = const { std::cell::RefCell::new(None) };
    }
    per_second(&NOW, unix_secs_of(now), now)
}

/// `time` (the Unix second `secs`) as an HTTP date, formatted only when `slot` holds
/// another second.
fn per_second(
    slot: &'static std::thread::LocalKey<DateSlot>,
    secs: i64,
    time: SystemTime,
) -> Option<HeaderValue> {
    slot.with(|last| {
        let mut last = last.borrow_mut();
        if let Some((cached, value)) = last.as_ref()
            && *cached == secs
        {
            return Some(value.clone());
        }
        // An HTTP date is ASCII, so this always succeeds; a failure would only drop the header.
        let value = HeaderValue::from_str(&httpdate::fmt_http_date(time)).ok()?;
        *last = Some((secs, value.clone()));
        Some(value)
    })
}

#[cfg(test)]
mod tests {
    use super::{Coding, negotiate};
    use axum::http::{HeaderMap, HeaderValue, header};

    fn coding(accept: &str) -> Coding {
        let mut h = HeaderMap::new();
        h.insert(
            header::ACCEPT_ENCODING,
            HeaderValue::from_str(accept).unwrap(),
        );
        negotiate(&h)
    }

    #[test]
    fn negotiation() {
        assert_eq!(negotiate(&HeaderMap::new()), Coding::Identity);
        assert_eq!(coding("deflate, gzip, br, zstd"), Coding::Brotli);
        assert_eq!(coding("gzip"), Coding::Gzip);
        assert_eq!(coding("br;q=0, gzip"), Coding::Gzip);
        assert_eq!(coding("gzip;q=0, identity"), Coding::Identity);
        assert_eq!(coding("*"), Coding::Brotli);
        assert_eq!(coding("*;q=0, gzip;q=0.5"), Coding::Gzip);
        assert_eq!(coding("identity"), Coding::Identity);
        assert_eq!(coding("BR;q=0.1"), Coding::Brotli);
    }

    #[test]
    fn a_second_that_has_not_settled_is_never_a_validator() {
        use super::{Clock, SETTLE_SECS, last_modified_secs};
        let clock = Clock::system();
        let now_millis = clock.now_millis();
        let (young, settled) = last_modified_secs(now_millis, &clock);
        assert!(!settled);
        assert_eq!(young, now_millis.div_euclid(1000) - 1);
        // Version 1 changed a minute ago and settled: dated S. Version 2 changed one second
        // after the date a client might hold: never answered 304 until its second settles.
        let old = now_millis - 60_000;
        let (dated_s, settled) = last_modified_secs(old, &clock);
        assert!(settled && dated_s == old.div_euclid(1000));
        let doc = packyard_core::rendered::Rendered::new(
            b"{}".to_vec(),
            now_millis,
            false,
            &packyard_core::config::CompressionConfig::default(),
        );
        let mut headers = HeaderMap::new();
        let since = httpdate::fmt_http_date(std::time::SystemTime::now());
        headers.insert(
            header::IF_MODIFIED_SINCE,
            HeaderValue::from_str(&since).unwrap(),
        );
        let fresh =
            super::conditional_json(&headers, &doc, Coding::Identity, now_millis, true, &clock);
        assert_eq!(
            fresh.status(),
            200,
            "a just-changed document is sent in full"
        );
        let settled_doc =
            super::conditional_json(&headers, &doc, Coding::Identity, old, true, &clock);
        assert_eq!(settled_doc.status(), 304);
        // Once the clock has passed the settle time, the same change is a validator.
        clock.advance(std::time::Duration::from_secs(SETTLE_SECS as u64 + 1));
        let now_settled =
            super::conditional_json(&headers, &doc, Coding::Identity, now_millis, true, &clock);
        assert_eq!(now_settled.status(), 304);
    }
}
