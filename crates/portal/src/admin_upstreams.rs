//! The operator's Upstreams page (SPEC §15): each mirrored repository with its priority,
//! the names it may provide, how it authenticates (never the credentials), and this node's
//! counters: packages mirrored, hits, misses, bytes fetched, and the last error. Operators
//! add an upstream here (credentials sealed with the server's secrets key, refused without
//! one, never shown again), remove one, or start a sync of what this node holds from it.
//! The rules are the CLI's and the admin API's ([`registry`]).

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};

use super::error::{PortalError, PortalResult};
use super::posted::form;
use super::posted::{Posted, Session};
use super::session::OperatorSession;
use super::views::{Layout, datetime};
use crate::state::PortalState;
use packyard_core::upstream::registry::{self, AddUpstream, UpstreamView};

#[derive(Template, WebTemplate)]
#[template(path = "admin_upstreams.html")]
pub struct UpstreamsPage {
    l: Layout,
    upstreams: Vec<(UpstreamView, String)>,
    /// Whether the server can seal credentials (`--secrets-key-file`).
    has_key: bool,
    /// What the last action did (from the redirect's query).
    notice: Option<&'static str>,
}

form! {
    PageQuery { done }
}

pub async fn list(
    State(state): State<PortalState>,
    session: OperatorSession,
    axum::extract::Query(query): axum::extract::Query<PageQuery>,
) -> PortalResult<UpstreamsPage> {
    let upstreams = state
        .db
        .upstreams()
        .await?
        .iter()
        .map(|u| {
            let view = registry::view(u, &state.mirror);
            let when = view.last_error_at.map(datetime).unwrap_or_default();
            (view, when)
        })
        .collect();
    let notice = match query.done.as_str() {
        "added" => Some(
            "Upstream added. Its packages are fetched when an entitled client first asks for them.",
        ),
        "removed" => Some("Upstream removed. What was fetched from it is no longer served."),
        "sync" => Some(
            "Sync started: held metadata is revalidated in the background; reload to see the counters move.",
        ),
        _ => None,
    };
    Ok(UpstreamsPage {
        l: Layout::operator(&session, "Upstreams", "upstreams"),
        upstreams,
        has_key: state.config.secrets_key.is_some(),
        notice,
    })
}

form! {
    /// The Add form; empty fields are absent ones.
    AddForm { name, url, username, password, bearer, packages, priority }
}

fn given(text: String) -> Option<String> {
    Some(text).filter(|t| !t.trim().is_empty())
}

pub async fn add(
    Posted(state, session, form): Posted<OperatorSession, AddForm>,
) -> PortalResult<Response> {
    let priority = match form.priority.trim() {
        "" => 0,
        p => p
            .parse()
            .map_err(|_| PortalError::Invalid(format!("Priority {p:?} is not a whole number.")))?,
    };
    let request = AddUpstream {
        name: form.name.trim().to_string(),
        url: form.url.trim().trim_end_matches('/').to_string(),
        username: given(form.username).map(|u| u.trim().to_string()),
        password: given(form.password),
        bearer: given(form.bearer).map(|b| b.trim().to_string()),
        packages: given(form.packages),
        priority,
    };
    registry::add(
        &state.db,
        state.config.secrets_key.as_ref(),
        &request,
        &session.actor(),
    )
    .await?;
    Ok(Redirect::to("/admin/upstreams?done=added").into_response())
}

form! {
    /// The Remove and Sync buttons name their upstream.
    NameForm { name }
}

pub async fn remove(
    Posted(state, session, form): Posted<OperatorSession, NameForm>,
) -> PortalResult<Response> {
    state
        .db
        .remove_upstream(form.name.trim(), &session.actor())
        .await?;
    Ok(Redirect::to("/admin/upstreams?done=removed").into_response())
}

/// Revalidates what this node holds from the upstream, in the background (it may take a
/// while; the counters and the last error show the outcome).
pub async fn sync(
    Posted(state, _, form): Posted<OperatorSession, NameForm>,
) -> PortalResult<Response> {
    let up = state.db.upstream(form.name.trim()).await?;
    let mirror = state.mirror.clone();
    tokio::spawn(async move {
        let report = registry::sync(&mirror, &up, &[]).await;
        for e in &report.errors {
            tracing::warn!("sync of upstream {}: {e}", up.name);
        }
    });
    Ok(Redirect::to("/admin/upstreams?done=sync").into_response())
}
