//! The admin API (SPEC §9): REST + JSON under `/api/v1/` for everything the CLI does, plus
//! the original `/api/packages` and `/api/releases/…` routes. Every route is registered
//! through `utoipa_axum::routes!`, so the OpenAPI document served at `/api/openapi.json`
//! (no authentication) is generated from the handlers themselves and cannot miss one; a test
//! fails if an `/api` route is ever added to a router some other way.
//!
//! Authentication and scopes are checked in one place, [`scope::require_scope`], in front
//! of every route here and before any request body is read.

mod accounts;
mod advisories;
mod catalog;
pub mod error;
mod explain;
mod files;
mod hooks;
mod operation;
mod operators;
mod params;
mod repos;
pub mod scope;
mod upstreams;
mod users;

use axum::extract::DefaultBodyLimit;
use axum::http::Method;
use axum::middleware::from_fn_with_state;
use axum::routing::get;
use axum::{Json, Router};
use utoipa::openapi::OpenApi as Document;
use utoipa::openapi::security::{Http, HttpAuthScheme, SecurityScheme};
use utoipa::{Modify, OpenApi};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::state::AppState;

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Packyard admin API",
        description = "Operators' API: accounts, keys, download tokens, products, entitlements, invoices, packages, releases, git repositories, upstream repositories, operators and their tokens. Send 'Authorization: Bearer <operator API token>'; errors are {\"error\": \"…\"}."
    ),
    components(schemas(error::ErrorBody)),
    modifiers(&BearerAuth),
    security(("bearer" = []))
)]
struct ApiDoc;

struct BearerAuth;

impl Modify for BearerAuth {
    fn modify(&self, doc: &mut Document) {
        let components = doc.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(Http::new(HttpAuthScheme::Bearer)),
        );
    }
}

/// Every admin API route with its documentation, without state or middleware.
pub fn documented_routes() -> OpenApiRouter<AppState> {
    let uploads = OpenApiRouter::new()
        .routes(routes!(files::packages, files::upload))
        .layer(DefaultBodyLimit::disable());
    let releases = OpenApiRouter::new()
        .routes(routes!(files::upload_release, files::delete_release))
        .layer(DefaultBodyLimit::disable());
    OpenApiRouter::with_openapi(ApiDoc::openapi())
        .routes(routes!(accounts::list, accounts::create))
        .routes(routes!(accounts::show, accounts::update))
        .routes(routes!(accounts::close))
        .routes(routes!(accounts::reopen))
        .routes(routes!(accounts::keys, accounts::create_key))
        .routes(routes!(accounts::import_key))
        .routes(routes!(users::list, users::add))
        .routes(routes!(users::remove))
        .routes(routes!(users::set_role))
        .routes(routes!(users::keys, users::create_key))
        .routes(routes!(accounts::disable_key))
        .routes(routes!(explain::explain_account))
        .routes(routes!(explain::explain_key))
        .routes(routes!(accounts::enable_key))
        .routes(routes!(accounts::delete_key))
        .routes(routes!(accounts::generate_token))
        .routes(routes!(catalog::products, catalog::create_product))
        .routes(routes!(
            catalog::product,
            catalog::update_product,
            catalog::delete_product
        ))
        .routes(routes!(catalog::entitlements))
        .routes(routes!(catalog::grant, catalog::revoke))
        .routes(routes!(catalog::invoices))
        .routes(routes!(catalog::add_invoice))
        .routes(routes!(catalog::pay_invoice))
        .routes(routes!(catalog::void_invoice))
        .routes(routes!(files::releases))
        .routes(routes!(files::unlist))
        .routes(routes!(files::relist))
        .routes(routes!(files::package))
        .routes(routes!(operators::list, operators::create))
        .routes(routes!(operators::disable))
        .routes(routes!(operators::enable))
        .routes(routes!(operators::set_password))
        .routes(routes!(operators::tokens, operators::create_token))
        .routes(routes!(operators::revoke_token))
        .routes(routes!(repos::list, repos::create))
        .routes(routes!(repos::show, repos::remove))
        .routes(routes!(repos::sync))
        .routes(routes!(advisories::list, advisories::add))
        .routes(routes!(advisories::withdraw))
        .routes(routes!(advisories::abandon, advisories::unabandon))
        .routes(routes!(advisories::recalls))
        .routes(routes!(advisories::recall, advisories::unrecall))
        .routes(routes!(advisories::notices))
        .routes(routes!(advisories::set_notice, advisories::clear_notice))
        .routes(routes!(upstreams::list, upstreams::create))
        .routes(routes!(upstreams::show, upstreams::remove))
        .routes(routes!(upstreams::sync))
        .merge(uploads)
        .merge(releases)
}

/// The original routes that keep working next to their `/api/v1/` twins (SPEC §9): the
/// method, the old path and the twin's path. Each is served by the twin's handler and
/// documented as a copy of the twin's operation; this table is the only place they exist.
const LEGACY_TWINS: [(Method, &str, &str); 3] = [
    (Method::POST, "/api/packages", "/api/v1/packages"),
    (
        Method::DELETE,
        "/api/packages/{vendor}/{name}/{version}",
        "/api/v1/packages/{vendor}/{name}/{version}",
    ),
    (
        Method::PUT,
        "/api/releases/{file_name}",
        "/api/v1/releases/{file_name}",
    ),
];

/// The legacy twins' routes, each on its twin's handler.
fn legacy_routes() -> Router<AppState> {
    use axum::routing::{delete, post, put};
    let [(_, upload, _), (_, unlist, _), (_, release, _)] = LEGACY_TWINS;
    Router::new()
        .route(upload, post(files::upload))
        .route(unlist, delete(files::unlist))
        .route(release, put(files::upload_release))
        .layer(DefaultBodyLimit::disable())
}

/// Adds each legacy twin to `doc` as a copy of its twin's operation.
fn document_legacy_twins(doc: &mut Document) {
    use utoipa::openapi::path::{HttpMethod, PathItem};
    for (method, old, twin) in LEGACY_TWINS {
        let method = match method {
            Method::POST => HttpMethod::Post,
            Method::PUT => HttpMethod::Put,
            _ => HttpMethod::Delete,
        };
        let Some(item) = doc.paths.paths.get(twin) else {
            continue;
        };
        let operation = match method {
            HttpMethod::Post => item.post.clone(),
            HttpMethod::Put => item.put.clone(),
            _ => item.delete.clone(),
        };
        if let Some(mut operation) = operation {
            operation.operation_id = operation.operation_id.map(|id| format!("{id}_legacy"));
            operation.summary = Some(format!("The original route of {twin}"));
            doc.paths
                .paths
                .insert(old.to_string(), PathItem::new(method, operation));
        }
    }
}

/// `/api` routes that authenticate by other means than an operator token, and so stay out
/// of the scope check while still being documented: the git webhooks of issue 12
/// (`POST /api/hooks/{repo_id}`, verified by the repository's secret) belong here.
pub fn unguarded_routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(hooks::receive))
        .layer(DefaultBodyLimit::max(HOOK_BODY_LIMIT))
}

/// The largest push event accepted (hosts send a few KiB to a few MiB).
const HOOK_BODY_LIMIT: usize = 25 * 1024 * 1024;

/// The OpenAPI document of every admin API route.
pub fn openapi() -> Document {
    let mut doc = documented_routes().into_openapi();
    doc.merge(unguarded_routes().into_openapi());
    document_legacy_twins(&mut doc);
    doc
}

/// The admin API behind the scope check, and `/api/openapi.json` in front of it.
pub fn router(state: AppState) -> Router<AppState> {
    let (api, mut doc) = documented_routes().split_for_parts();
    let (unguarded, unguarded_doc) = unguarded_routes().split_for_parts();
    doc.merge(unguarded_doc);
    document_legacy_twins(&mut doc);
    let doc = std::sync::Arc::new(doc);
    api.merge(legacy_routes())
        .layer(from_fn_with_state(state, scope::require_scope))
        .merge(unguarded)
        .route("/api/{*rest}", axum::routing::any(no_such_route))
        .layer(axum::middleware::from_fn(error::json_errors))
        .route(
            "/api/openapi.json",
            get(move || {
                let doc = doc.clone();
                async move { Json(doc.as_ref().clone()) }
            }),
        )
}

/// Any other path under `/api/`: the admin API's 404, in its `{"error": …}` shape.
async fn no_such_route(uri: axum::http::Uri) -> crate::edge::error::ApiError {
    crate::edge::error::ApiError::operator(
        axum::http::StatusCode::NOT_FOUND,
        format!(
            "there is no {} in the admin API; /api/openapi.json lists every route",
            uri.path()
        ),
    )
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    /// Every `/api` route must be registered through `routes!` here, which is what puts it
    /// in the OpenAPI document; a plain `route` call for an `/api` path anywhere in the
    /// server would be served but undocumented. This walks the server's sources and names
    /// any such route.
    #[test]
    fn no_api_route_bypasses_the_openapi_document() {
        fn walk(dir: &Path, found: &mut Vec<String>) {
            for entry in std::fs::read_dir(dir).unwrap() {
                let path = entry.unwrap().path();
                if path.is_dir() {
                    walk(&path, found);
                } else if path.extension().is_some_and(|e| e == "rs") {
                    let text = std::fs::read_to_string(&path).unwrap();
                    let compact: String = text.split_whitespace().collect();
                    for (i, _) in compact.match_indices(".route(\"/api") {
                        let snippet: String = compact[i..].chars().take(60).collect();
                        let known = [".route(\"/api/openapi.json\"", ".route(\"/api/{*rest}\""];
                        if !known.iter().any(|k| snippet.starts_with(k)) {
                            found.push(format!("{}: {snippet}", path.display()));
                        }
                    }
                }
            }
        }
        let mut found = Vec::new();
        walk(
            &Path::new(env!("CARGO_MANIFEST_DIR")).join("src"),
            &mut found,
        );
        assert!(
            found.is_empty(),
            "undocumented /api routes (register them with utoipa_axum::routes!):\n{}",
            found.join("\n")
        );
    }

    /// The document names every route the router serves: both come from the same
    /// `documented_routes`, so this checks the operations are all there with their methods.
    #[test]
    fn the_document_covers_every_resource() {
        let doc = serde_json::to_value(super::openapi()).unwrap();
        let paths = doc["paths"].as_object().unwrap();
        let operations: usize = paths.values().map(|p| p.as_object().unwrap().len()).sum();
        assert!(operations >= 35, "{operations} operations");
        assert!(doc["components"]["securitySchemes"]["bearer"].is_object());
    }
}
