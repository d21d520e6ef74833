//! Composer's notify-batch: after installing, it POSTs the installed names and normalized
//! versions. Failures are ignored by the client, so we accept leniently and record what
//! parses; the counts feed the operator's download statistics. Only versions the caller's
//! account may install are counted, each once per report, and a report is capped at
//! [`MAX_ENTRIES`] entries.

use std::collections::HashSet;

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::IntoResponse;
use bytes::Bytes;
use packyard_store::downloads::DownloadEvent;
use serde::Deserialize;

use crate::auth::Customer;
use crate::edge::error::{ApiError, ApiResult, Audience};
use crate::state::AppState;

/// The most entries one report may carry: Composer sends one per package installed from
/// this repository, far fewer than this for any real project.
pub const MAX_ENTRIES: usize = 1_000;

#[derive(Deserialize)]
struct Batch {
    downloads: Vec<Download>,
}

#[derive(Deserialize)]
struct Download {
    name: String,
    version: String,
}

pub async fn notify_batch(
    State(state): State<AppState>,
    customer: Customer,
    body: Bytes,
) -> ApiResult {
    let batch = serde_json::from_slice::<Batch>(&body).map_err(|_| {
        ApiError::new(
            StatusCode::BAD_REQUEST,
            Audience::Composer,
            "expected {\"downloads\": [{\"name\": …, \"version\": …}]}",
        )
    })?;
    if batch.downloads.len() > MAX_ENTRIES {
        return Err(ApiError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            Audience::Composer,
            format!("at most {MAX_ENTRIES} downloads are counted per request"),
        ));
    }
    let now = packyard_store::now();
    let mut seen = HashSet::new();
    let events: Vec<DownloadEvent> = batch
        .downloads
        .into_iter()
        .filter(|d| installable(&customer, &d.name, &d.version))
        .filter(|d| seen.insert((d.name.clone(), d.version.clone())))
        .map(|d| DownloadEvent {
            account_id: Some(customer.account.id),
            package: d.name,
            version: d.version,
            at: now,
        })
        .collect();
    state.metrics.record_installs(events.len() as u64);
    state.usage.downloaded(events);
    Ok((StatusCode::OK, "{\"status\":\"success\"}").into_response())
}

/// Whether the caller's account may install `version` of `name` (as Composer reports it,
/// normalized, or as published): only such reports are counted, so nobody can write
/// statistics for packages or versions they cannot install.
fn installable(customer: &Customer, name: &str, version: &str) -> bool {
    let snapshot = &customer.snapshot;
    let Some(package) = snapshot.packages.get(name) else {
        return false;
    };
    let licence = snapshot.licence(&customer.seats, package);
    package
        .versions
        .iter()
        .filter(|v| v.version_normalized() == version || v.version() == version)
        .any(|v| {
            packyard_core::licence::may_install(
                licence.as_ref(),
                v.released_on,
                v.version_normalized(),
            )
            .is_ok()
        })
}
