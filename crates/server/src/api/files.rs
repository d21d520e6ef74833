//! Packages and releases: `/api/v1/packages…`, `/api/v1/releases…`, and the original
//! `/api/packages` and `/api/releases/…` routes, which stay as they were. Package zips are
//! spooled to a temporary file within `--max-upload-mib` (`packyard_core::upload`); release
//! files stream to storage.

use axum::Json;
use axum::body::Body;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use futures_util::TryStreamExt;
use packyard_api::files::{
    PackagePage, PackageView, Published, ReleaseAdded, ReleaseList, VersionView,
};
use packyard_store::packages::PublishOutcome;
use serde::Deserialize;
use tokio_util::io::StreamReader;
use utoipa::IntoParams;

use super::error::{BadRequest, Conflict, NotFound, TooLarge, Unprocessable};
use super::operation::{Admin, Answer, Created, by_key, listed, switched};
use super::params::FileName;
use crate::edge::error::{ApiError, ApiResult};
use crate::state::AppState;
use packyard_core::publish::publish_zip_as;
use packyard_core::releases::ingest::{ReleaseOutcome, ReleaseRequest, add_release};
use packyard_core::upload::{UploadError, read_zip};

#[derive(Deserialize, IntoParams)]
pub struct PublishParams {
    /// The version, for a zip whose composer.json has none (what `composer archive` makes).
    version: Option<String>,
}

#[derive(Deserialize, IntoParams)]
pub struct ReleaseParams {
    /// ce-full, ee-full, ce-patch, ee-patch or other.
    #[serde(rename = "type")]
    #[param(rename = "type")]
    kind: String,
    /// The release's version, e.g. 2.4.7-p1.
    version: String,
    /// The product whose licence entitles an account to the file.
    product: String,
}

#[derive(Deserialize, IntoParams)]
pub struct PageParams {
    /// Page number, from 1.
    page: Option<i64>,
    /// Packages per page (1 to 1000, default 100).
    per_page: Option<i64>,
}

/// Packages in name order with their versions (unlisted ones have `unlisted_at`), one page
/// at a time.
#[utoipa::path(get, path = "/api/v1/packages", tag = "packages", params(PageParams),
    responses((status = 200, body = PackagePage)))]
pub async fn packages(
    State(state): State<AppState>,
    Query(page): Query<PageParams>,
) -> Answer<PackagePage> {
    let per_page = page.per_page.unwrap_or(100).clamp(1, 1000);
    let number = page.page.unwrap_or(1).max(1);
    let mut packages: Vec<PackageView> = Vec::new();
    for v in state
        .db
        .versions_page((number - 1) * per_page, per_page)
        .await?
    {
        match packages.last_mut() {
            Some(p) if p.name == v.name => p.versions.push(v.into()),
            _ => packages.push(PackageView {
                name: v.name.clone(),
                versions: vec![v.into()],
            }),
        }
    }
    let total = state.db.package_count().await?;
    Ok(Json(PackagePage {
        packages,
        page: number,
        per_page,
        total,
    }))
}

/// Publish a package zip (the request body). 201 when published, 200 when the identical
/// archive was already there.
#[utoipa::path(post, path = "/api/v1/packages", tag = "packages", params(PublishParams),
    request_body(content = Vec<u8>, content_type = "application/zip"),
    responses((status = 201, body = Published), (status = 200, body = Published), Conflict,
        TooLarge, Unprocessable))]
pub async fn upload(
    Admin { state, operator }: Admin,
    Query(params): Query<PublishParams>,
    body: Body,
) -> Created<Published> {
    let bytes = read_zip(body.into_data_stream(), state.config.max_upload_bytes)
        .await
        .map_err(|e| {
            let status = match e {
                UploadError::TooLarge { .. } => StatusCode::PAYLOAD_TOO_LARGE,
                UploadError::NotZip | UploadError::Empty => StatusCode::UNPROCESSABLE_ENTITY,
                UploadError::Read(_) => StatusCode::BAD_REQUEST,
            };
            ApiError::operator(status, e.to_string())
        })?;
    let p = publish_zip_as(
        &state.db,
        &state.blobs,
        bytes,
        &state.config.zip_limits,
        params.version.as_deref(),
        &operator.email,
    )
    .await?;
    let status = match p.outcome {
        PublishOutcome::Published => StatusCode::CREATED,
        PublishOutcome::Unchanged => StatusCode::OK,
    };
    Ok((status, Json(Published::new(p.name, p.version, p.outcome))))
}

switched! {
    set_listed(Path<(String, String, String)>) -> ApiResult<StatusCode>: tag = "packages",
        params(("vendor" = String, Path), ("name" = String, Path), ("version" = String, Path)),
        responses((status = 204), BadRequest, NotFound) {
        /// Unlist a version: Composer no longer sees it; the archive stays stored.
        delete "/api/v1/packages/{vendor}/{name}/{version}" unlist = false;
        /// List an unlisted version again.
        post "/api/v1/packages/{vendor}/{name}/{version}/relist" relist = true;
    }
}

/// Lists a version again (`listed`) or unlists it; the version as Composer writes it.
async fn set_listed(
    Admin { state, operator }: Admin,
    Path((vendor, name, version)): Path<(String, String, String)>,
    listed: bool,
) -> ApiResult<StatusCode> {
    let normalized = packyard_composer::version::normalize(&version)
        .map_err(|e| ApiError::operator(StatusCode::BAD_REQUEST, e.to_string()))?;
    let (db, package, by) = (&state.db, format!("{vendor}/{name}"), &operator.email);
    match listed {
        true => db.relist_version(&package, &normalized, by).await?,
        false => db.unlist_version(&package, &normalized, by).await?,
    }
    Ok(StatusCode::NO_CONTENT)
}

/// One package's versions (listed or not) with who published them and their installs.
#[utoipa::path(get, path = "/api/v1/packages/{vendor}/{name}", tag = "packages",
    params(("vendor" = String, Path), ("name" = String, Path)),
    responses((status = 200, body = PackageView), NotFound))]
pub async fn package(
    State(state): State<AppState>,
    Path((vendor, name)): Path<(String, String)>,
) -> Answer<PackageView> {
    let name = format!("{vendor}/{name}");
    let versions = state.db.package_versions(&name).await?;
    let counts = state.db.download_counts().await?;
    let versions = versions
        .into_iter()
        .map(|v| {
            let installs: i64 = counts
                .iter()
                .filter(|c| c.package == v.name && c.version == v.version)
                .map(|c| c.count)
                .sum();
            VersionView {
                installs: Some(installs),
                ..v.into()
            }
        })
        .collect();
    Ok(Json(PackageView { name, versions }))
}

/// Every release file.
#[utoipa::path(get, path = "/api/v1/releases", tag = "releases", responses((status = 200, body = ReleaseList)))]
pub async fn releases(State(state): State<AppState>) -> Answer<ReleaseList> {
    listed(state.db.releases(), |releases| ReleaseList { releases }).await
}

/// Add a release file (the request body, streamed to storage). 201 when added, 200 when the
/// same file was already there.
#[utoipa::path(put, path = "/api/v1/releases/{file_name}", tag = "releases",
    params(ReleaseParams, FileName),
    request_body(content = Vec<u8>, content_type = "application/octet-stream"),
    responses((status = 201, body = ReleaseAdded), (status = 200, body = ReleaseAdded), Conflict,
        TooLarge, Unprocessable))]
pub async fn upload_release(
    Admin { state, operator }: Admin,
    FileName { file_name }: FileName,
    Query(params): Query<ReleaseParams>,
    body: Body,
) -> Created<ReleaseAdded> {
    let stream = body.into_data_stream().map_err(std::io::Error::other);
    let request = ReleaseRequest {
        file_name: &file_name,
        kind: &params.kind,
        version: &params.version,
        product: &params.product,
        max_bytes: state.config.max_release_bytes,
    };
    let (release, outcome) = add_release(
        &state.db,
        &state.blobs,
        &request,
        StreamReader::new(stream),
        &operator.email,
    )
    .await?;
    let (status, outcome) = match outcome {
        ReleaseOutcome::Added => (StatusCode::CREATED, "added"),
        ReleaseOutcome::Unchanged => (StatusCode::OK, "unchanged"),
    };
    Ok((
        status,
        Json(ReleaseAdded {
            release,
            outcome: outcome.into(),
        }),
    ))
}

by_key! {
    /// Remove a release file from the download interface.
    #[utoipa::path(delete, path = "/api/v1/releases/{file_name}", tag = "releases",
        params(FileName),
        responses((status = 204), NotFound))]
    delete_release = delete_release(FileName { file_name }) -> NoContent;
}
