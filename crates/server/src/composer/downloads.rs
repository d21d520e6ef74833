//! The release download interface (SPEC §3) under `/products/downloads/`, for scripts using
//! curl or wget with `ACCOUNT_ID:TOKEN`. Answers are plain text (the listings existing
//! Magento tooling parses) except `info/json`. Files stream from storage in fixed-size
//! chunks with `Range` support, so a multi-GiB archive costs the server a few buffers and a
//! broken download resumes with `curl -C -`.

use axum::Json;
use axum::body::Body;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

use super::storage::{STORAGE_RETRY_AFTER, storage_redirect};
use crate::auth::DownloadAccount;
use crate::edge::error::{ApiError, ApiResult, Audience};
use crate::state::AppState;
use packyard_core::releases::listing::{HELP, NO_RESULTS, files_table, json_feed, versions_text};
use packyard_core::releases::{check_access, visible};
use packyard_core::rules::{Refusal, pattern_matches};
use packyard_core::snapshot::ReleaseEntry;

fn text(status: StatusCode, body: String) -> Response {
    let mut resp = (status, body).into_response();
    resp.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/plain; charset=utf-8"),
    );
    resp
}

/// A refusal for curl: the sentence as plain text. `message` ends without a newline.
fn refused(status: StatusCode, message: String) -> ApiError {
    ApiError::new(status, Audience::Curl, message)
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
    holder: DownloadAccount,
    Path(option): Path<String>,
) -> Response {
    let files = visible(&holder.snapshot, &holder.account);
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
    holder: DownloadAccount,
    Path(name): Path<String>,
    headers: HeaderMap,
) -> ApiResult {
    let snapshot = &holder.snapshot;
    // A file of a product the account holds no licence for is answered exactly like a
    // missing one, so file names cannot be probed for product slugs; only a licence that
    // ends before the release earns the explanation.
    let no_such_file = || {
        refused(
            StatusCode::NOT_FOUND,
            format!(
                "no file named {name:?}; list the files you may download with curl {}/products/downloads/info/files",
                state.config.url_with_credentials("ACCOUNT_ID", "TOKEN")
            ),
        )
    };
    let Some(release) = snapshot.releases.iter().find(|r| r.file_name == name) else {
        return Err(no_such_file());
    };
    check_access(snapshot, &holder.account, release).map_err(|refusal| match refusal {
        Refusal::NotLicensed => no_such_file(),
        Refusal::TooNew { until } => refused(
            StatusCode::FORBIDDEN,
            format!(
                "your licence covers releases up to {until}; {name} was released on {}",
                release.released_on
            ),
        ),
    })?;
    stream_release(&state, release, &headers).await
}

async fn stream_release(
    state: &AppState,
    release: &ReleaseEntry,
    headers: &HeaderMap,
) -> ApiResult {
    let size = release.size as u64;
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
            set_text(
                resp.headers_mut(),
                header::CONTENT_RANGE,
                &format!("bytes */{size}"),
            );
            return Ok(resp);
        }
    };
    if let Some(redirect) = storage_redirect(state, &release.blob_key, &release.file_name).await {
        return Ok(redirect);
    }
    let ranged = (status == StatusCode::PARTIAL_CONTENT).then_some((start, len));
    let stream = state
        .blobs
        .read(&release.blob_key, ranged)
        .await
        .map_err(|e| {
            tracing::error!("release {} is unavailable: {e}", release.file_name);
            refused(
                StatusCode::SERVICE_UNAVAILABLE,
                "the file is temporarily unavailable (storage cannot be reached); try again shortly"
                    .into(),
            )
            .retry_after(STORAGE_RETRY_AFTER)
            .failed(crate::edge::metrics::Failure::Storage)
        })?;
    let body = Body::from_stream(stream);
    let mut resp = (status, body).into_response();
    let h = resp.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/octet-stream"),
    );
    h.insert(header::CONTENT_LENGTH, HeaderValue::from(len));
    h.insert(header::ACCEPT_RANGES, HeaderValue::from_static("bytes"));
    set_text(h, header::ETAG, &etag);
    let disposition = format!("attachment; filename=\"{}\"", release.file_name);
    set_text(h, header::CONTENT_DISPOSITION, &disposition);
    if status == StatusCode::PARTIAL_CONTENT {
        let range = format!("bytes {start}-{}/{size}", start + len - 1);
        set_text(h, header::CONTENT_RANGE, &range);
    }
    Ok(resp)
}

/// Sets a header built from text that is ASCII by construction (hex digests, numbers,
/// validated file names); text that is not would only leave the header out.
fn set_text(h: &mut HeaderMap, name: header::HeaderName, value: &str) {
    if let Ok(v) = HeaderValue::from_str(value) {
        h.insert(name, v);
    }
}

#[cfg(test)]
mod tests {
    use super::{RangeRequest::*, parse_range};

    #[test]
    fn ranges() {
        let cases = [
            (None, 10, Full),
            (Some("bytes=0-4"), 10, Partial { start: 0, end: 4 }),
            (Some("bytes=4-"), 10, Partial { start: 4, end: 9 }),
            (Some("bytes=-3"), 10, Partial { start: 7, end: 9 }),
            (Some("bytes=-30"), 10, Partial { start: 0, end: 9 }),
            (Some("bytes=5-100"), 10, Partial { start: 5, end: 9 }),
            (Some("bytes=10-"), 10, Unsatisfiable),
            (Some("bytes=-0"), 10, Unsatisfiable),
            (Some("bytes=0-"), 0, Unsatisfiable),
            (Some("bytes=5-2"), 10, Full),
            (Some("bytes=0-1,4-5"), 10, Full),
            (Some("items=0-1"), 10, Full),
            (Some("bytes=x-"), 10, Full),
        ];
        for (header, size, expected) in cases {
            assert_eq!(parse_range(header, size), expected, "{header:?} of {size}");
        }
    }
}
