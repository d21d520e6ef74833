//! The operator's Releases page: the release archives customers download with their token,
//! and a form to add one. The archive is streamed to storage as it arrives (they can be
//! gigabytes), so the form's text fields, the CSRF token first, must precede the file: the
//! token is checked before a single byte of the file is stored.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::State;
use futures_util::TryStreamExt;
use packyard_blobs::BlobError;
use packyard_store::releases::{RELEASE_TYPES, Release};
use tokio_util::io::StreamReader;

use super::error::PortalError;
use super::error::PortalResult;
use super::posted::{PostedUpload, Session, unreadable};
use super::session::OperatorSession;
use super::views::Layout;
use crate::state::PortalState;
use packyard_core::releases::ingest::{IngestError, ReleaseOutcome, ReleaseRequest, add_release};

#[derive(Template, WebTemplate)]
#[template(path = "admin_releases.html")]
pub struct ReleasesPage {
    l: Layout,
    releases: Vec<(Release, String)>,
    products: Vec<(String, String)>,
    types: &'static [&'static str],
    notice: Option<String>,
}

async fn page(
    state: &PortalState,
    session: &OperatorSession,
    notice: Option<String>,
) -> PortalResult<ReleasesPage> {
    let products = state.db.products().await?;
    let releases = state
        .db
        .releases()
        .await?
        .into_iter()
        .map(|r| {
            let slug = products
                .iter()
                .find(|p| p.id == r.product_id)
                .map(|p| p.slug.clone())
                .unwrap_or_default();
            (r, slug)
        })
        .collect();
    Ok(ReleasesPage {
        l: Layout::operator(session, "Releases", "releases"),
        releases,
        products: products
            .iter()
            .map(|p| (p.slug.clone(), p.name.clone()))
            .collect(),
        types: &RELEASE_TYPES,
        notice,
    })
}

pub async fn list(
    State(state): State<PortalState>,
    session: OperatorSession,
) -> PortalResult<ReleasesPage> {
    page(&state, &session, None).await
}

/// `multipart/form-data`: `csrf` (checked by [`PostedUpload`] before anything else is read),
/// `type`, `version`, `product`, then the file in `archive`.
pub async fn upload(mut upload: PostedUpload<OperatorSession>) -> PortalResult<ReleasesPage> {
    let (mut kind, mut version, mut product) = (String::new(), String::new(), String::new());
    while let Some(field) = upload.fields.next_field().await.map_err(unreadable)? {
        match field.name().unwrap_or_default() {
            "type" => kind = field.text().await.map_err(unreadable)?,
            "version" => version = field.text().await.map_err(unreadable)?,
            "product" => product = field.text().await.map_err(unreadable)?,
            "archive" => {
                let file_name = field.file_name().unwrap_or_default().to_string();
                if file_name.is_empty() {
                    break;
                }
                let request = ReleaseRequest {
                    file_name: &file_name,
                    kind: kind.trim(),
                    version: version.trim(),
                    product: product.trim(),
                    max_bytes: upload.state.config.max_release_bytes,
                };
                let reader = StreamReader::new(field.map_err(std::io::Error::other));
                let (release, outcome) =
                    add_release(&upload.state.db, &upload.state.blobs, &request, reader, &upload.session.actor())
                        .await
                        .map_err(|e| match e {
                            IngestError::Store(e) => PortalError::from(e),
                            IngestError::Blob(BlobError::TooLarge(limit)) => {
                                PortalError::TooLarge(format!(
                                    "The file is larger than the server's limit of {} MiB; the operator can raise it with --max-release-mib.",
                                    limit >> 20
                                ))
                            }
                            IngestError::Blob(e) => PortalError::Internal(e.to_string()),
                        })?;
                let notice = match outcome {
                    ReleaseOutcome::Added => format!("{} added.", release.file_name),
                    ReleaseOutcome::Unchanged => format!(
                        "{} was already there with the same contents.",
                        release.file_name
                    ),
                };
                return page(&upload.state, &upload.session, Some(notice)).await;
            }
            _ => {}
        }
    }
    Err(PortalError::Invalid(
        "Choose the release file to upload.".into(),
    ))
}
