//! The back office's Advisories page (SPEC §12): every advisory (withdrawn ones marked), a
//! form to publish one for a package, a button to withdraw one, and the recalled versions.
//! Checks are the CLI's and the admin API's ([`packyard_core::marks_input`]).

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use packyard_store::advisories::Advisory;
use packyard_store::package_marks::Recall;

use super::error::{PortalError, PortalResult};
use super::posted::form;
use super::posted::{Posted, Session};
use super::session::OperatorSession;
use super::views::Layout;
use crate::state::PortalState;
use packyard_core::marks_input::{AdvisoryDraft, SEVERITIES};

#[derive(Template, WebTemplate)]
#[template(path = "admin_advisories.html")]
pub struct AdvisoriesPage {
    l: Layout,
    advisories: Vec<Advisory>,
    recalls: Vec<Recall>,
    severities: &'static [&'static str],
}

pub async fn page(
    State(state): State<PortalState>,
    session: OperatorSession,
) -> PortalResult<AdvisoriesPage> {
    Ok(AdvisoriesPage {
        l: Layout::operator(&session, "Advisories", "advisories"),
        advisories: state.db.advisories(None).await?,
        recalls: state.db.recalls(None).await?,
        severities: SEVERITIES,
    })
}

form! {
    AdvisoryForm { package, affected, title, cve, link, severity, reported_at }
}

pub async fn add(
    Posted(state, session, form): Posted<OperatorSession, AdvisoryForm>,
) -> PortalResult<Response> {
    let checked = AdvisoryDraft {
        package: form.package,
        affected: form.affected,
        title: form.title,
        cve: Some(form.cve),
        link: Some(form.link),
        severity: Some(form.severity),
        reported_at: Some(form.reported_at),
    }
    .check()
    .map_err(PortalError::Invalid)?;
    state
        .db
        .add_advisory(&checked.as_new(), &session.actor())
        .await?;
    Ok(Redirect::to("/admin/advisories").into_response())
}

form! {
    WithdrawForm { id }
}

pub async fn withdraw(
    Posted(state, session, form): Posted<OperatorSession, WithdrawForm>,
) -> PortalResult<Response> {
    state
        .db
        .withdraw_advisory(form.id.trim(), &session.actor())
        .await?;
    Ok(Redirect::to("/admin/advisories").into_response())
}
