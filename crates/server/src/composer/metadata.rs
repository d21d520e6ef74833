//! `packages.json` and the p2 metadata files, per account. Handlers only authenticate, pick a
//! precomputed body and date it ([`crate::edge::conditional`]); rendering and compression happen
//! once per body in [`packyard_core::metadata`], on a blocking thread, single-flight.

use std::net::SocketAddr;

use axum::body::Body;
use axum::extract::{ConnectInfo, Path, Request, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::IntoResponse;

use crate::auth::Customer;
use crate::edge::client_addr::client_addr;
use crate::edge::conditional::{
    Coding, JsonAnswer, conditional_answer, conditional_json, negotiate,
};
use crate::edge::error::{ApiError, ApiResult};
use crate::edge::request_headers::RequestHeaders;
use crate::state::AppState;
use packyard_core::access::{Seat, licences_changed_at};
use packyard_core::clock::Clock;
use packyard_core::metadata::{p2_for, root_for};
use packyard_core::rendered::Rendered;
use packyard_core::snapshot::Snapshot;

pub async fn packages_json(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    customer: Customer,
    headers: HeaderMap,
) -> ApiResult {
    let client = client_addr(peer.ip(), &headers, &state.config.trusted_proxies);
    state
        .usage
        .key_used(&customer.key, &customer.public_key, client);
    let snapshot = &customer.snapshot;
    let coding = negotiate(&headers);
    let root = root_for(
        snapshot,
        &customer.seats,
        coding,
        &state.config,
        &state.renders,
    )
    .await
    .map_err(|e| ApiError::internal("could not render packages.json", e))?;
    let changed_at = snapshot
        .catalog_changed_at
        .max(customer.licences_changed_at());
    Ok(conditional_json(
        &headers,
        &root,
        coding,
        changed_at,
        !root.has_warning,
        &state.config.clock,
    ))
}

pub async fn p2(
    State(state): State<AppState>,
    Path((vendor, file)): Path<(String, String)>,
    customer: Customer,
    request: Request,
) -> ApiResult {
    // The request itself rather than a copy of its headers (`HeaderMap` as an extractor clones).
    let headers = request.headers();
    let Some((package, dev)) = p2_file(&file) else {
        return Ok(StatusCode::NOT_FOUND.into_response());
    };
    let name = format!("{vendor}/{package}");
    let snapshot = &customer.snapshot;
    // A package the account may not see is indistinguishable from one that does not exist.
    // Our own package of this name wins; only names we do not have go to the upstreams.
    let Some(entry) = snapshot.packages.get_arc(name.as_str()) else {
        return super::upstream::p2(&state, &customer, &name, dev, headers).await;
    };
    let Some(licence) = snapshot.licence(&customer.seats, entry) else {
        return Ok(StatusCode::NOT_FOUND.into_response());
    };
    let coding = negotiate(headers);
    let doc = p2_for(
        &name,
        entry,
        licence,
        dev,
        coding,
        &state.config,
        &state.renders,
    )
    .await
    .map_err(|e| ApiError::internal("could not render the package metadata", e))?;
    let answer = p2_answer(
        headers,
        &doc,
        coding,
        &customer.seats,
        snapshot,
        &state.config.clock,
    );
    Ok(answer.into_response().map(Body::from))
}

/// A p2 document as sent: dated by the newest of its own change, the key's licences and the
/// products ([`conditional_json`]). The router's handler and the hot lane both end here.
pub(crate) fn p2_answer(
    headers: &impl RequestHeaders,
    doc: &Rendered,
    coding: Coding,
    seats: &[Seat],
    snapshot: &Snapshot,
    clock: &Clock,
) -> JsonAnswer {
    let changed_at = doc
        .changed_at
        .max(licences_changed_at(seats))
        .max(snapshot.products_changed_at);
    conditional_answer(headers, doc, coding, changed_at, !doc.has_warning, clock)
}

/// `FILE` of `/p2/VENDOR/FILE`: the package part of the name and whether it is the dev file.
pub(crate) fn p2_file(file: &str) -> Option<(&str, bool)> {
    if let Some(p) = file.strip_suffix("~dev.json") {
        Some((p, true))
    } else {
        file.strip_suffix(".json").map(|p| (p, false))
    }
}
