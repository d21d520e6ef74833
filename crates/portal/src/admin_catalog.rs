//! Operator pages for what is sold: products, and packages with their versions (upload a
//! zip, unlist a version).

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use packyard_store::products::{Product, parse_patterns};

use super::error::PortalError;
use super::error::PortalResult;
use super::posted::form;
use super::posted::{Posted, PostedUpload, Session, unreadable};
use super::session::OperatorSession;
use super::views::{Layout, PageQuery, Pager, date};
use crate::state::PortalState;
use packyard_core::publish::{PublishError, publish_zip};
use packyard_core::upload::{UploadError, read_zip};

#[derive(Template, WebTemplate)]
#[template(path = "admin_products.html")]
pub struct ProductsPage {
    l: Layout,
    products: Vec<Product>,
}

pub async fn products(
    State(state): State<PortalState>,
    session: OperatorSession,
) -> PortalResult<ProductsPage> {
    Ok(ProductsPage {
        l: Layout::operator(&session, "Products", "products"),
        products: state.db.products().await?,
    })
}

form! {
    ProductForm { slug, name, packages, public: Option<String> }
}

pub async fn create_product(
    Posted(state, session, form): Posted<OperatorSession, ProductForm>,
) -> PortalResult<Response> {
    let patterns = parse_patterns(&form.packages)?;
    state
        .db
        .create_product(
            form.slug.trim(),
            &form.name,
            &patterns,
            form.public.is_some(),
            &session.actor(),
        )
        .await?;
    Ok(Redirect::to("/admin/products").into_response())
}

pub struct VersionRow {
    pub version: String,
    pub normalized: String,
    pub released: String,
    pub size: i64,
    pub unlisted: bool,
}

pub struct PackageRow {
    pub name: String,
    pub description: String,
    pub versions: Vec<VersionRow>,
}

#[derive(Template, WebTemplate)]
#[template(path = "admin_packages.html")]
pub struct PackagesPage {
    l: Layout,
    packages: Vec<PackageRow>,
    /// What the last upload did, on the page that answers it.
    notice: Option<String>,
    pager: Pager,
}

async fn packages_page(
    state: &PortalState,
    session: &OperatorSession,
    page: i64,
    notice: Option<String>,
) -> PortalResult<PackagesPage> {
    let per_page = state.config.admin_page_size.max(1) as i64;
    let total = state.db.package_count().await?;
    let pager = Pager::new("/admin/packages", "", page, per_page, total);
    let mut packages: Vec<PackageRow> = Vec::new();
    for v in state
        .db
        .versions_page(pager.offset(per_page), per_page)
        .await?
    {
        let description = serde_json::from_str::<serde_json::Value>(&v.manifest)
            .ok()
            .and_then(|m| m["description"].as_str().map(str::to_string))
            .unwrap_or_default();
        let row = VersionRow {
            version: v.version,
            normalized: v.version_normalized,
            released: date(v.released_at),
            size: v.size,
            unlisted: v.unlisted_at.is_some(),
        };
        match packages.last_mut() {
            Some(p) if p.name == v.name => {
                if !description.is_empty() {
                    p.description = description;
                }
                p.versions.push(row);
            }
            _ => packages.push(PackageRow {
                name: v.name,
                description,
                versions: vec![row],
            }),
        }
    }
    Ok(PackagesPage {
        l: Layout::operator(session, "Packages", "packages"),
        packages,
        notice,
        pager,
    })
}

pub async fn packages(
    State(state): State<PortalState>,
    session: OperatorSession,
    Query(query): Query<PageQuery>,
) -> PortalResult<PackagesPage> {
    packages_page(&state, &session, query.number(), None).await
}

/// `multipart/form-data` with the `csrf` field first, then the zip in `archive`.
pub async fn upload(mut upload: PostedUpload<OperatorSession>) -> PortalResult<PackagesPage> {
    let mut archive: Option<Vec<u8>> = None;
    while let Some(field) = upload.fields.next_field().await.map_err(unreadable)? {
        if field.name() == Some("archive") {
            // Spooled within the upload limit; a file that is not a zip is refused by its
            // first bytes (`packyard_core::upload`).
            let read = read_zip(field, upload.state.config.max_upload_bytes).await;
            archive = Some(read.map_err(|e| match e {
                UploadError::TooLarge { .. } => PortalError::TooLarge(e.to_string()),
                UploadError::Empty => PortalError::Invalid("Choose a zip file to upload.".into()),
                e => PortalError::Invalid(format!("The file was refused: {e}.")),
            })?);
            break;
        }
    }
    let bytes =
        archive.ok_or_else(|| PortalError::Invalid("Choose a zip file to upload.".into()))?;
    let published = publish_zip(
        &upload.state.db,
        &upload.state.blobs,
        bytes,
        &upload.state.config.zip_limits,
        &upload.session.actor(),
    )
    .await
    .map_err(|e| match e {
        PublishError::Archive(e) => PortalError::Invalid(format!("The zip was refused: {e}")),
        e @ (PublishError::Time(_) | PublishError::Inspection) => {
            PortalError::Invalid(e.to_string())
        }
        PublishError::Store(e) => e.into(),
        PublishError::Blob(e) => PortalError::Internal(e.to_string()),
    })?;
    let outcome = match published.outcome {
        packyard_store::packages::PublishOutcome::Published => "published",
        packyard_store::packages::PublishOutcome::Unchanged => {
            "was already published with the same contents"
        }
    };
    let notice = format!("{} {} {outcome}.", published.name, published.version);
    packages_page(&upload.state, &upload.session, 1, Some(notice)).await
}

form! {
    UnlistForm { name, version }
}

pub async fn unlist(
    Posted(state, session, form): Posted<OperatorSession, UnlistForm>,
) -> PortalResult<Response> {
    state
        .db
        .unlist_version(&form.name, &form.version, &session.actor())
        .await?;
    Ok(Redirect::to("/admin/packages").into_response())
}
