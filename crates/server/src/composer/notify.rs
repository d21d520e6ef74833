//! Composer's notify-batch: after installing, it POSTs the installed names and normalized
//! versions. Failures are ignored by the client, so we accept leniently and record what
//! parses; the counts feed the operator's download statistics.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::IntoResponse;
use bytes::Bytes;
use packyard_store::downloads::DownloadEvent;
use serde::Deserialize;

use crate::auth::Customer;
use crate::edge::error::{ApiError, ApiResult, Audience};
use crate::state::AppState;

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
    let now = packyard_store::now();
    let events: Vec<DownloadEvent> = batch
        .downloads
        .into_iter()
        .filter(|d| customer.snapshot.packages.contains_key(&d.name) && d.version.len() <= 255)
        .map(|d| DownloadEvent {
            account_id: Some(customer.key.account_id),
            package: d.name,
            version: d.version,
            at: now,
        })
        .collect();
    state.metrics.record_installs(events.len() as u64);
    state.usage.downloaded(events);
    Ok((StatusCode::OK, "{\"status\":\"success\"}").into_response())
}
