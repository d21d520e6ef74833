//! `packages.json` and the p2 metadata files, per account. Handlers only authenticate, pick a
//! precomputed body and date it ([`crate::conditional`]); rendering and compression happen
//! once per body in [`crate::metadata`].

use std::net::SocketAddr;

use axum::extract::{ConnectInfo, Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};

use crate::AppState;
use crate::auth::Customer;
use crate::conditional::conditional_json;
use crate::metadata::{p2_for, root_for};

pub async fn packages_json(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    customer: Customer,
    headers: HeaderMap,
) -> Response {
    state
        .usage
        .key_used(&customer.key, &customer.public_key, peer.ip());
    let snapshot = &customer.snapshot;
    let root = root_for(snapshot, &customer.account, &state.config);
    let changed_at = snapshot
        .catalog_changed_at
        .max(customer.account.licences_changed_at);
    conditional_json(&headers, &root, changed_at, true)
}

pub async fn p2(
    State(state): State<AppState>,
    Path((vendor, file)): Path<(String, String)>,
    customer: Customer,
    headers: HeaderMap,
) -> Response {
    let (package, dev) = if let Some(p) = file.strip_suffix("~dev.json") {
        (p, true)
    } else if let Some(p) = file.strip_suffix(".json") {
        (p, false)
    } else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let name = format!("{vendor}/{package}");
    let snapshot = &customer.snapshot;
    // A package the account may not see is indistinguishable from one that does not exist.
    let Some(entry) = snapshot.packages.get(name.as_str()) else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let Some(licence) = snapshot.licence(&customer.account, entry) else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let doc = p2_for(&name, entry, licence, dev, &state.config);
    let changed_at = doc
        .changed_at
        .max(customer.account.licences_changed_at)
        .max(snapshot.products_changed_at);
    conditional_json(&headers, &doc, changed_at, !doc.has_warning)
}
