//! The page an error answer becomes: what [`ErrorView`] says, in the portal's frame (brand
//! and the navigation of that side of the portal), rendered by the portal's middleware.

use std::sync::Arc;

use askama::Template;
use packyard_core::brand::Brand;

use crate::error::ErrorView;
use crate::views::Layout;

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage<'a> {
    l: Layout,
    status: u16,
    message: &'a str,
}

/// The error page for `view` at `path`, in the portal's frame.
pub fn render(brand: &Arc<Brand>, path: &str, view: &ErrorView) -> Option<String> {
    let page = ErrorPage {
        l: Layout::for_error(brand, path, view.heading, view.role),
        status: view.status,
        message: &view.message,
    };
    page.render()
        .map_err(|e| tracing::error!("portal: cannot render the error page: {e}"))
        .ok()
}

#[cfg(test)]
mod tests {
    use axum::http::StatusCode;
    use axum::response::IntoResponse;
    use packyard_store::users::Role;

    use super::*;
    use crate::error::PortalError;

    #[test]
    fn error_pages_have_the_frame_and_hide_internal_causes() {
        let brand = Arc::new(Brand::new(Some("Acme Repo"), None, None).unwrap());
        let response = PortalError::Internal("disk on fire".into()).into_response();
        assert_eq!(response.status(), StatusCode::INTERNAL_SERVER_ERROR);
        let view = response.extensions().get::<ErrorView>().unwrap().clone();
        let html = render(&brand, "/admin/accounts", &view).unwrap();
        assert!(html.contains("<title>Something went wrong · Acme Repo</title>"));
        assert!(
            html.contains("aria-label=\"Back office\""),
            "operator navigation"
        );
        assert!(html.contains("Error 500") && !html.contains("disk on fire"));
        let missing = PortalError::NotFound("no such key".into()).into_response();
        let view = missing.extensions().get::<ErrorView>().unwrap().clone();
        let html = render(&brand, "/account/keys/x/delete", &view).unwrap();
        assert!(html.contains("aria-label=\"Account\"") && html.contains("no such key"));
    }

    #[test]
    fn a_refused_page_shows_only_the_roles_navigation() {
        let brand = Arc::new(Brand::new(None, None, None).unwrap());
        let message = crate::areas::Area::Invoices.refusal(Role::Developer, "MAG000000001");
        let refused = PortalError::Forbidden {
            message,
            role: Role::Developer,
        }
        .into_response();
        assert_eq!(refused.status(), StatusCode::FORBIDDEN);
        let view = refused.extensions().get::<ErrorView>().unwrap().clone();
        let html = render(&brand, "/account/invoices", &view).unwrap();
        assert!(html.contains("does not include Invoices"), "{html}");
        assert!(html.contains("href=\"/account/keys\""), "{html}");
        assert!(!html.contains("href=\"/account/invoices\""), "{html}");
    }
}
