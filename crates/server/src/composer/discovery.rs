//! Discovery for an account (SPEC §12): the `list` (`/packages/list.json`, `?filter=` glob,
//! `?vendor=`, `?type=`), `search` (`/search.json?q=&type=`, what `composer search` calls)
//! and `providers-api` (`/providers/{vendor}/{name}.json`) URLs of the root file. Each sees
//! only the packages the account's `available-packages` lists, so none of them reveals that
//! a package exists. These are not on Composer's install path (it calls them for `search`,
//! `show -a` and suggestions, and caches the list for 10 minutes), so they filter the
//! snapshot per request instead of keeping rendered copies.

use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use serde_json::{Value, json};

use crate::auth::Customer;
use crate::state::AppState;
use packyard_core::marks::Summary;
use packyard_core::rules::pattern_matches;
use packyard_core::snapshot::PackageEntry;

#[derive(Deserialize, Default)]
pub struct ListQuery {
    filter: Option<String>,
    vendor: Option<String>,
    #[serde(rename = "type")]
    kind: Option<String>,
}

#[derive(Deserialize, Default)]
pub struct SearchQuery {
    #[serde(default)]
    q: String,
    #[serde(rename = "type")]
    kind: Option<String>,
}

/// The packages `customer` may see, by name, in name order.
fn visible(customer: &Customer) -> Vec<(&String, &PackageEntry)> {
    let snapshot = &customer.snapshot;
    let mut found: Vec<(&String, &PackageEntry)> = snapshot
        .packages
        .iter()
        .filter(|(_, p)| snapshot.licence(&customer.seats, p).is_some())
        .collect();
    found.sort_unstable_by_key(|(name, _)| *name);
    found
}

fn of_kind(summary: &Summary, kind: &Option<String>) -> bool {
    kind.as_deref()
        .filter(|k| !k.is_empty())
        .is_none_or(|k| summary.kind.eq_ignore_ascii_case(k))
}

pub async fn list(customer: Customer, Query(query): Query<ListQuery>) -> Response {
    let filter = query.filter.map(|f| f.to_ascii_lowercase());
    let vendor = query.vendor.map(|v| format!("{}/", v.to_ascii_lowercase()));
    let names: Vec<&String> = visible(&customer)
        .into_iter()
        .filter(|(name, p)| {
            filter.as_deref().is_none_or(|f| pattern_matches(f, name))
                && vendor.as_deref().is_none_or(|v| name.starts_with(v))
                && of_kind(&p.marks.summary, &query.kind)
        })
        .map(|(name, _)| name)
        .collect();
    Json(json!({ "packageNames": names })).into_response()
}

pub async fn search(
    State(state): State<AppState>,
    customer: Customer,
    Query(query): Query<SearchQuery>,
) -> Response {
    let terms: Vec<String> = query.q.split_whitespace().map(str::to_lowercase).collect();
    let results: Vec<Value> = visible(&customer)
        .into_iter()
        .filter(|(name, p)| {
            let description = p.marks.summary.description.to_lowercase();
            of_kind(&p.marks.summary, &query.kind)
                && terms
                    .iter()
                    .all(|t| name.contains(t.as_str()) || description.contains(t.as_str()))
        })
        .map(|(name, p)| {
            let mut result = json!({
                "name": name,
                "description": p.marks.summary.description,
                "url": format!("{}/p2/{name}.json", state.config.public_url),
            });
            if let Some(abandoned) = &p.marks.abandoned {
                result["abandoned"] = abandoned.to_json();
            }
            result
        })
        .collect();
    Json(json!({ "results": results, "total": results.len() })).into_response()
}

pub async fn providers(
    customer: Customer,
    Path((vendor, file)): Path<(String, String)>,
) -> Response {
    let Some(name) = file.strip_suffix(".json") else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let wanted = format!("{vendor}/{name}").to_ascii_lowercase();
    let providers: Vec<Value> = visible(&customer)
        .into_iter()
        .filter(|(_, p)| p.marks.summary.provides.contains(&wanted))
        .map(|(name, p)| {
            json!({"name": name, "description": p.marks.summary.description, "type": p.marks.summary.kind})
        })
        .collect();
    if providers.is_empty() {
        return StatusCode::NOT_FOUND.into_response();
    }
    Json(json!({ "providers": providers })).into_response()
}
