//! Dist archives: the exact bytes whose sha1 the metadata announced, streamed from storage.
//! Unlike metadata, a dist the account is not licensed for answers 403 with the reason
//! (SPEC §2): the developer already knows the package exists from a lock file.
//! Small archives are served from memory ([`crate::dist_cache`]), large ones streamed.

use axum::body::Body;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use bytes::Bytes;
use tokio_util::io::ReaderStream;

use crate::AppState;
use crate::auth;
use crate::dist_cache::MAX_CACHED_ARCHIVE;
use crate::warning::{forbidden, not_found};

pub async fn download(
    State(state): State<AppState>,
    Path((vendor, name, rest)): Path<(String, String, String)>,
    headers: HeaderMap,
) -> Response {
    let snapshot = state.snapshot.load_full();
    let customer = match auth::customer(&snapshot, &state.config, &headers) {
        Ok(c) => c,
        Err(denial) => return denial.into_response(),
    };
    let package = format!("{vendor}/{name}");
    let unknown = || {
        not_found(format!(
            "{package} has no such archive; run composer update to refresh your metadata"
        ))
    };
    let Some((version, file)) = rest.rsplit_once('/') else {
        return unknown();
    };
    let Some(sha1) = file.strip_suffix(".zip") else {
        return unknown();
    };
    let Some(entry) = snapshot.packages.get(package.as_str()) else {
        return unknown();
    };
    let Some(v) = entry
        .versions
        .iter()
        .find(|v| v.version_normalized == version && v.sha1 == sha1)
    else {
        return unknown();
    };
    match snapshot.licence(customer.account, entry) {
        None => {
            return forbidden(format!(
                "account {} has no licence for {package}; ask the vendor for one",
                customer.account.public_id
            ));
        }
        Some(licence) => {
            if let Some(until) = licence.excludes(v.released_on) {
                return forbidden(format!(
                    "your licence for {package} covers releases up to {until}; {} was released on {}",
                    v.version, v.released_on
                ));
            }
        }
    }
    if let Some(bytes) = state.dists.get(&v.blob_key) {
        return zip_response(Body::from(bytes), v.size);
    }
    if v.size as u64 <= MAX_CACHED_ARCHIVE {
        return match state.blobs.get(&v.blob_key).await {
            Ok(bytes) => {
                let bytes = Bytes::from(bytes);
                state.dists.insert(&v.blob_key, bytes.clone());
                zip_response(Body::from(bytes), v.size)
            }
            Err(e) => unavailable(&package, &v.version, e),
        };
    }
    let file = match state.blobs.open(&v.blob_key).await {
        Ok(f) => f,
        Err(e) => return unavailable(&package, &v.version, e),
    };
    zip_response(
        Body::from_stream(ReaderStream::with_capacity(file, super::STREAM_CHUNK)),
        v.size,
    )
}

fn unavailable(package: &str, version: &str, e: packyard_blobs::BlobError) -> Response {
    tracing::error!("archive of {package} {version} is unavailable: {e}");
    let mut response = StatusCode::SERVICE_UNAVAILABLE.into_response();
    response
        .extensions_mut()
        .insert(crate::metrics::Failure::Storage);
    response
}

fn zip_response(body: Body, size: i64) -> Response {
    let mut resp = body.into_response();
    let h = resp.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/zip"),
    );
    h.insert(header::CONTENT_LENGTH, HeaderValue::from(size));
    resp
}
