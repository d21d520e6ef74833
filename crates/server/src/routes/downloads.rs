//! The release download interface (SPEC §3) under `/products/downloads/`, for scripts using
//! curl or wget with `ACCOUNT_ID:TOKEN`. Answers are plain text (the listings existing
//! Magento tooling parses) except `info/json`. Files stream from storage in fixed-size
//! chunks with `Range` support, so a multi-GiB archive costs the server a few buffers and a
//! broken download resumes with `curl -C -`.

use std::io::SeekFrom;

use axum::Json;
use axum::body::Body;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use tokio::io::{AsyncReadExt, AsyncSeekExt};
use tokio_util::io::ReaderStream;

use crate::AppState;
use crate::auth::token_holder;
use crate::releases::listing::{HELP, NO_RESULTS, files_table, json_feed, versions_text};
use crate::releases::{ReleaseRefusal, check_access, visible};
use crate::snapshot::{ReleaseEntry, pattern_matches};

fn text(status: StatusCode, body: String) -> Response {
    let mut resp = (status, body).into_response();
    resp.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/plain; charset=utf-8"),
    );
    resp
}

fn help_text(state: &AppState) -> String {
    HELP.replace(
        "{base}",
        &state.config.url_with_credentials("ACCOUNT_ID", "TOKEN"),
    )
}

/// `GET /products/downloads/info/{*option}`.
pub async fn info(
    State(state): State<AppState>,
    Path(option): Path<String>,
    headers: HeaderMap,
) -> Response {
    let snapshot = state.snapshot();
    let holder = match token_holder(&snapshot, &state.config, &headers) {
        Ok(h) => h,
        Err(denial) => return denial.into_text_response(),
    };
    let files = visible(&snapshot, holder.account);
    let parts: Vec<&str> = option.trim_matches('/').split('/').collect();
    match parts.as_slice() {
        ["help"] | [""] => text(StatusCode::OK, help_text(&state)),
        ["files"] => text(StatusCode::OK, files_table(&files)),
        ["versions"] => text(StatusCode::OK, versions_text(&files)),
        ["json"] => Json(json_feed(&files)).into_response(),
        ["filter", "version", wanted] => {
            let chosen: Vec<&ReleaseEntry> = files
                .into_iter()
                .filter(|r| pattern_matches(wanted, &r.version))
                .collect();
            text(StatusCode::OK, files_table(&chosen))
        }
        ["filter", "type", kind] => {
            if !packyard_store::releases::RELEASE_TYPES.contains(kind) {
                return text(
                    StatusCode::NOT_FOUND,
                    format!(
                        "unknown file type {kind:?}; use one of {}\n{NO_RESULTS}",
                        packyard_store::releases::RELEASE_TYPES.join(", ")
                    ),
                );
            }
            let chosen: Vec<&ReleaseEntry> =
                files.into_iter().filter(|r| r.kind == *kind).collect();
            text(StatusCode::OK, files_table(&chosen))
        }
        _ => text(
            StatusCode::NOT_FOUND,
            format!("unknown option /info/{option}\n\n{}", help_text(&state)),
        ),
    }
}

/// A single byte range requested with `Range: bytes=…`, resolved against the file size.
#[derive(Debug, PartialEq, Eq)]
pub enum RangeRequest {
    /// No usable `Range` header: send the whole file.
    Full,
    /// Inclusive byte offsets.
    Partial {
        start: u64,
        end: u64,
    },
    Unsatisfiable,
}

/// Parses `bytes=a-b`, `bytes=a-` and `bytes=-n`. Several ranges at once are answered with
/// the whole file, which RFC 9110 allows and every download tool handles.
pub fn parse_range(value: Option<&str>, size: u64) -> RangeRequest {
    let Some(spec) = value.and_then(|v| v.trim().strip_prefix("bytes=")) else {
        return RangeRequest::Full;
    };
    if spec.contains(',') {
        return RangeRequest::Full;
    }
    let Some((first, last)) = spec.trim().split_once('-') else {
        return RangeRequest::Full;
    };
    let (first, last) = (first.trim(), last.trim());
    let parsed = match (first.is_empty(), last.is_empty()) {
        (false, true) => first
            .parse::<u64>()
            .ok()
            .map(|s| (s, size.saturating_sub(1))),
        (false, false) => match (first.parse::<u64>(), last.parse::<u64>()) {
            (Ok(s), Ok(e)) if s <= e => Some((s, e.min(size.saturating_sub(1)))),
            _ => return RangeRequest::Full,
        },
        (true, false) => match last.parse::<u64>() {
            Ok(0) => return RangeRequest::Unsatisfiable,
            Ok(n) => Some((size.saturating_sub(n), size.saturating_sub(1))),
            Err(_) => return RangeRequest::Full,
        },
        (true, true) => return RangeRequest::Full,
    };
    match parsed {
        Some((start, end)) if start < size => RangeRequest::Partial { start, end },
        Some(_) => RangeRequest::Unsatisfiable,
        None => RangeRequest::Full,
    }
}

/// `GET /products/downloads/file/{name}`.
pub async fn file(
    State(state): State<AppState>,
    Path(name): Path<String>,
    headers: HeaderMap,
) -> Response {
    let snapshot = state.snapshot();
    let holder = match token_holder(&snapshot, &state.config, &headers) {
        Ok(h) => h,
        Err(denial) => return denial.into_text_response(),
    };
    let Some(release) = snapshot.releases.iter().find(|r| r.file_name == name) else {
        return text(
            StatusCode::NOT_FOUND,
            format!(
                "no file named {name:?}; list the files you may download with curl {}/products/downloads/info/files\n",
                state.config.url_with_credentials("ACCOUNT_ID", "TOKEN")
            ),
        );
    };
    if let Err(refusal) = check_access(&snapshot, holder.account, release) {
        let why = match refusal {
            ReleaseRefusal::NotLicensed { product } => format!(
                "account {} has no licence for {product}, which {name} belongs to; ask the vendor for one\n",
                holder.account.public_id
            ),
            ReleaseRefusal::TooNew { until } => format!(
                "your licence covers releases up to {until}; {name} was released on {}\n",
                release.released_on
            ),
        };
        return text(StatusCode::FORBIDDEN, why);
    }
    stream_release(&state, release, &headers).await
}

async fn stream_release(state: &AppState, release: &ReleaseEntry, headers: &HeaderMap) -> Response {
    let size = release.size as u64;
    let mut file = match state.blobs.open(&release.blob_key).await {
        Ok(f) => f,
        Err(e) => {
            tracing::error!("release {} is unavailable: {e}", release.file_name);
            return text(
                StatusCode::SERVICE_UNAVAILABLE,
                "the file is temporarily unavailable; try again later\n".into(),
            );
        }
    };
    let etag = format!("\"{}\"", release.sha256);
    // A resumed download must not splice two different files: honour Range only when the
    // client's If-Range (if any) still names this file.
    let if_range_ok = headers
        .get(header::IF_RANGE)
        .and_then(|v| v.to_str().ok())
        .is_none_or(|v| v == etag);
    let range = if if_range_ok {
        parse_range(
            headers.get(header::RANGE).and_then(|v| v.to_str().ok()),
            size,
        )
    } else {
        RangeRequest::Full
    };
    let (status, start, len) = match range {
        RangeRequest::Full => (StatusCode::OK, 0, size),
        RangeRequest::Partial { start, end } => {
            (StatusCode::PARTIAL_CONTENT, start, end - start + 1)
        }
        RangeRequest::Unsatisfiable => {
            let mut resp = text(
                StatusCode::RANGE_NOT_SATISFIABLE,
                format!("the requested range is outside the file ({size} bytes)\n"),
            );
            resp.headers_mut().insert(
                header::CONTENT_RANGE,
                HeaderValue::from_str(&format!("bytes */{size}")).expect("ASCII"),
            );
            return resp;
        }
    };
    if start > 0
        && let Err(e) = file.seek(SeekFrom::Start(start)).await
    {
        tracing::error!("cannot seek in release {}: {e}", release.file_name);
        return StatusCode::INTERNAL_SERVER_ERROR.into_response();
    }
    let body = Body::from_stream(ReaderStream::with_capacity(
        file.take(len),
        super::STREAM_CHUNK,
    ));
    let mut resp = (status, body).into_response();
    let h = resp.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/octet-stream"),
    );
    h.insert(header::CONTENT_LENGTH, HeaderValue::from(len));
    h.insert(header::ACCEPT_RANGES, HeaderValue::from_static("bytes"));
    h.insert(
        header::ETAG,
        HeaderValue::from_str(&etag).expect("hex is ASCII"),
    );
    h.insert(
        header::CONTENT_DISPOSITION,
        HeaderValue::from_str(&format!("attachment; filename=\"{}\"", release.file_name))
            .expect("release file names are validated ASCII"),
    );
    if status == StatusCode::PARTIAL_CONTENT {
        let range = format!("bytes {start}-{}/{size}", start + len - 1);
        h.insert(
            header::CONTENT_RANGE,
            HeaderValue::from_str(&range).expect("ASCII"),
        );
    }
    resp
}

#[cfg(test)]
mod tests {
    use super::{RangeRequest::*, parse_range};

    #[test]
    fn ranges() {
        assert_eq!(parse_range(None, 10), Full);
        assert_eq!(
            parse_range(Some("bytes=0-4"), 10),
            Partial { start: 0, end: 4 }
        );
        assert_eq!(
            parse_range(Some("bytes=4-"), 10),
            Partial { start: 4, end: 9 }
        );
        assert_eq!(
            parse_range(Some("bytes=-3"), 10),
            Partial { start: 7, end: 9 }
        );
        assert_eq!(
            parse_range(Some("bytes=-30"), 10),
            Partial { start: 0, end: 9 }
        );
        assert_eq!(
            parse_range(Some("bytes=5-100"), 10),
            Partial { start: 5, end: 9 }
        );
        assert_eq!(parse_range(Some("bytes=10-"), 10), Unsatisfiable);
        assert_eq!(parse_range(Some("bytes=-0"), 10), Unsatisfiable);
        assert_eq!(parse_range(Some("bytes=0-"), 0), Unsatisfiable);
        assert_eq!(parse_range(Some("bytes=5-2"), 10), Full);
        assert_eq!(parse_range(Some("bytes=0-1,4-5"), 10), Full);
        assert_eq!(parse_range(Some("items=0-1"), 10), Full);
        assert_eq!(parse_range(Some("bytes=x-"), 10), Full);
    }
}
