//! The Composer routes' answers for names that are not our own packages: p2 files and dists
//! from upstreams, under the same authentication and licence rules as local packages. The
//! Composer routes call here only after finding no local package of that name.

use axum::body::Body;
use axum::http::{HeaderMap, StatusCode};
use axum::response::IntoResponse;

use packyard_core::rules::{Licence, Refusal, may_install};
use packyard_core::upstream::catalog::MirroredFile;
use packyard_core::upstream::client::UpstreamError;
use packyard_core::upstream::{self as mirror_rules};

use crate::auth::Customer;
use crate::composer::storage::zip_response;
use crate::edge::conditional::{Coding, conditional_json, negotiate};
use crate::edge::error::{ApiError, ApiResult, Audience};
use crate::state::AppState;

fn bad_gateway(e: &UpstreamError) -> ApiError {
    ApiError::new(StatusCode::BAD_GATEWAY, Audience::Composer, e.to_string())
}

/// The rendered body of `file` for `licence`, rendered once per licence (the cache local
/// packages use, [`packyard_core::rendered::RenderCache`]).
async fn rendered(
    state: &AppState,
    file: std::sync::Arc<MirroredFile>,
    licence: Licence,
    coding: Coding,
) -> Result<std::sync::Arc<packyard_core::rendered::Rendered>, ApiError> {
    let (f, config) = (file.clone(), state.config.clone());
    file.rendered
        .get_or_render(licence.clone(), coding, &state.renders.p2, move || {
            f.render(licence, &config)
        })
        .await
        .map_err(|e| ApiError::internal("could not render mirrored metadata", e))
}

/// `GET /p2/{name}.json` (or `~dev`) for a name no local package has.
pub async fn p2(
    state: &AppState,
    customer: &Customer,
    name: &str,
    dev: bool,
    headers: &HeaderMap,
) -> ApiResult {
    let snapshot = &customer.snapshot;
    // Unlicensed names are never fetched: a 404 like any package the account may not see.
    let Some(licence) = mirror_rules::licence(snapshot, &customer.seats, name) else {
        return Ok(StatusCode::NOT_FOUND.into_response());
    };
    let found = state
        .mirror
        .resolve(&snapshot.upstreams, name, dev)
        .await
        .map_err(|e| bad_gateway(&e))?;
    let Some(file) = found else {
        return Ok(StatusCode::NOT_FOUND.into_response());
    };
    let coding = negotiate(headers);
    let doc = rendered(state, file, licence, coding).await?;
    let changed_at = doc
        .changed_at
        .max(customer.licences_changed_at())
        .max(snapshot.products_changed_at);
    Ok(conditional_json(
        headers,
        &doc,
        coding,
        changed_at,
        true,
        &state.config.clock,
    ))
}

/// `GET /dist/{name}/{version}/{reference}.zip` for a name no local package has.
pub async fn dist(state: &AppState, customer: &Customer, package: &str, rest: &str) -> ApiResult {
    let snapshot = &customer.snapshot;
    let unknown = || {
        ApiError::new(
            StatusCode::NOT_FOUND,
            Audience::Composer,
            format!("{package} has no such archive; run composer update to refresh your metadata"),
        )
    };
    let (version, file) = rest.rsplit_once('/').ok_or_else(unknown)?;
    let reference = file.strip_suffix(".zip").ok_or_else(unknown)?;
    let licence = mirror_rules::licence(snapshot, &customer.seats, package);
    if licence.is_none() {
        return Err(unknown());
    }
    let mirror = &state.mirror;
    let upstreams = &snapshot.upstreams;
    let held = [false, true]
        .into_iter()
        .filter_map(|dev| {
            let file = if dev {
                format!("{package}~dev")
            } else {
                package.to_string()
            };
            mirror.held_file(upstreams, &file)
        })
        .find(|f| f.version(version, reference).is_some());
    let upstream_id = match &held {
        Some(f) => f.upstream_id,
        None => mirror.source_of(upstreams, package).ok_or_else(unknown)?,
    };
    let refuse = |refusal: Refusal| {
        let message = match refusal {
            Refusal::NotLicensed => format!(
                "account {} has no licence for {package}; ask the vendor for one",
                customer.account.public_id
            ),
            Refusal::TooNew { until } => {
                format!(
                    "your licence for {package} covers releases up to {until}; {version} is newer"
                )
            }
            Refusal::OutsideVersions { versions } => format!(
                "your licence for {package} covers versions {versions}; {version} is not one of them"
            ),
        };
        ApiError::new(StatusCode::FORBIDDEN, Audience::Composer, message)
    };
    if let Some(stored) = mirror
        .stored_dist(upstream_id, package, version, reference)
        .await
    {
        may_install(
            licence.as_ref(),
            mirror_rules::date_of(stored.released_at),
            version,
        )
        .map_err(refuse)?;
        mirror
            .stats(upstream_id)
            .hits
            .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let stream = state
            .blobs
            .read(&stored.blob_key, None)
            .await
            .map_err(|e| {
                ApiError::new(
                    StatusCode::SERVICE_UNAVAILABLE,
                    Audience::Composer,
                    format!("the archive of {package} {version} is temporarily unavailable: {e}"),
                )
            })?;
        return Ok(zip_response(
            Body::from_stream(stream),
            Some(stored.size as u64),
        ));
    }
    let file = held.ok_or_else(unknown)?;
    let v = file.version(version, reference).ok_or_else(unknown)?;
    may_install(licence.as_ref(), v.released_on, &v.version_normalized).map_err(refuse)?;
    let up = upstreams
        .iter()
        .find(|u| u.id == file.upstream_id)
        .ok_or_else(unknown)?;
    let streaming = mirror.fetch_dist(up, package, v).await.map_err(|e| {
        ApiError::new(
            StatusCode::BAD_GATEWAY,
            Audience::Composer,
            format!(
                "the archive of {package} {} was never fetched and {e}",
                v.object
                    .get("version")
                    .and_then(|x| x.as_str())
                    .unwrap_or(version)
            ),
        )
    })?;
    Ok(zip_response(
        Body::from_stream(streaming.body),
        streaming.size,
    ))
}
