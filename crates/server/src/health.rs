//! Liveness and readiness for load balancers and orchestrators (SPEC §10). `/healthz` says
//! only that the process answers; `/readyz` says whether this node can do its job: the
//! database and storage answer within the readiness timeout and the snapshot is loaded.
//! A node that is not ready still serves what it can from memory; the 503 lets a load
//! balancer prefer other nodes.

use std::future::Future;

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde_json::json;

use crate::state::AppState;

pub async fn healthz() -> &'static str {
    "ok\n"
}

pub async fn readyz(State(state): State<AppState>) -> Response {
    let limit = state.config.readiness_timeout;
    let (database, storage) = tokio::join!(
        probe(limit, async {
            state.db.ping().await.map_err(|e| e.to_string())
        }),
        probe(limit, async {
            state.blobs.check().await.map_err(|e| e.to_string())
        }),
    );
    let snapshot = state.snapshot();
    let mut problems = Vec::new();
    if let Err(e) = &database {
        problems.push(format!("database unreachable: {e}"));
    }
    if let Err(e) = &storage {
        problems.push(format!("storage unreachable: {e}"));
    }
    let status = if problems.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::SERVICE_UNAVAILABLE
    };
    let body = json!({
        "ready": problems.is_empty(),
        "database": database.err().unwrap_or_else(|| "ok".into()),
        "storage": storage.err().unwrap_or_else(|| "ok".into()),
        "snapshot": { "loaded": true, "seq": snapshot.seq },
        "reason": problems.join("; "),
    });
    (status, Json(body)).into_response()
}

/// Runs `check`, turning a timeout into an error that says so.
async fn probe(
    limit: std::time::Duration,
    check: impl Future<Output = Result<(), String>>,
) -> Result<(), String> {
    match tokio::time::timeout(limit, check).await {
        Ok(result) => result,
        Err(_) => Err(format!("no answer within {} s", limit.as_secs_f32())),
    }
}
