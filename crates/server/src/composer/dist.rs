//! Dist archives: the exact bytes whose sha1 the metadata announced, streamed from storage.
//! Unlike metadata, a dist the account is not licensed for answers 403 with the reason
//! (SPEC §2): the developer already knows the package exists from a lock file.
//! A recalled version answers 410 Gone with the vendor's reason (SPEC §12), as JSON that
//! Composer appends to its error message.
//! Small archives are served from memory ([`packyard_core::dist_cache`]), large ones streamed (or,
//! with `--storage-redirect`, handed out as a short-lived presigned URL).

use axum::body::Body;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use bytes::Bytes;

use super::storage::{STORAGE_RETRY_AFTER, storage_redirect, zip_response};
use crate::auth::Customer;
use crate::edge::error::{ApiError, ApiResult, Audience};
use crate::state::AppState;
use packyard_core::rules::{Refusal, may_install};
use packyard_core::snapshot::lower_hex;

pub async fn download(
    State(state): State<AppState>,
    Path((vendor, name, rest)): Path<(String, String, String)>,
    customer: Customer,
) -> ApiResult {
    let snapshot = &customer.snapshot;
    let package = format!("{vendor}/{name}");
    let refused = |status, message: String| ApiError::new(status, Audience::Composer, message);
    let unknown = || {
        refused(
            StatusCode::NOT_FOUND,
            format!("{package} has no such archive; run composer update to refresh your metadata"),
        )
    };
    let (version, file) = rest.rsplit_once('/').ok_or_else(unknown)?;
    let sha1 = file.strip_suffix(".zip").ok_or_else(unknown)?;
    let Some(entry) = snapshot.packages.get(package.as_str()) else {
        return super::upstream::dist(&state, &customer, &package, &rest).await;
    };
    let licence = snapshot.licence(&customer.seats, entry);
    if let (Some(recalled), Some(_)) = (entry.marks.recalled(version), &licence) {
        return Err(refused(
            StatusCode::GONE,
            format!(
                "{package} {} was recalled by its vendor: {}; run composer update to move to another version",
                recalled.version, recalled.reason
            ),
        ));
    }
    let sha1 = lower_hex::<20>(sha1).ok_or_else(unknown)?;
    let v = entry
        .versions
        .iter()
        .find(|v| v.version_normalized() == version && v.sha1 == sha1)
        .ok_or_else(unknown)?;
    may_install(licence.as_ref(), v.released_on, v.version_normalized()).map_err(|refusal| {
        refused(
            StatusCode::FORBIDDEN,
            match refusal {
                Refusal::NotLicensed => format!(
                    "account {} has no licence for {package}; ask the vendor for one",
                    customer.account.public_id
                ),
                Refusal::TooNew { until } => format!(
                    "your licence for {package} covers releases up to {until}; {} was released on {}",
                    v.version(),
                    v.released_on
                ),
                Refusal::OutsideVersions { versions } => format!(
                    "your licence for {package} covers versions {versions}; {} is not one of them",
                    v.version()
                ),
            },
        )
    })?;
    let unavailable = |e: packyard_blobs::BlobError| {
        tracing::error!("archive of {package} {} is unavailable: {e}", v.version());
        ApiError::new(
            StatusCode::SERVICE_UNAVAILABLE,
            Audience::Composer,
            format!(
                "the archive of {package} {} is temporarily unavailable (storage cannot be reached); try again shortly",
                v.version()
            ),
        )
        .retry_after(STORAGE_RETRY_AFTER)
        .failed(crate::edge::metrics::Failure::Storage)
    };
    let blob_key = v.blob_key();
    if let Some(bytes) = state.dists.get(&blob_key) {
        return Ok(zip_response(Body::from(bytes), Some(v.size as u64)));
    }
    if state.dists.accepts(v.size as u64) {
        let bytes = Bytes::from(state.blobs.get(&blob_key).await.map_err(unavailable)?);
        state.dists.insert(&blob_key, bytes.clone());
        return Ok(zip_response(Body::from(bytes), Some(v.size as u64)));
    }
    let file_name = format!("{}-{}.zip", package.replace('/', "-"), v.version());
    if let Some(redirect) = storage_redirect(&state, &blob_key, &file_name).await {
        return Ok(redirect);
    }
    let stream = state
        .blobs
        .read(&blob_key, None)
        .await
        .map_err(unavailable)?;
    Ok(zip_response(Body::from_stream(stream), Some(v.size as u64)))
}
