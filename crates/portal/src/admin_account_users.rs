//! The back office's user forms on an account page (SPEC §13): add a user (their
//! set-password link is shown, and mailed when mail is set up), change a role, remove a
//! user, or make a new set-password link; and the "explain" form, which shows the same
//! explanation as `packyard explain` by calling [`packyard_core::explain`] on the snapshot
//! Composer is answered from. The last owner of an account cannot be removed or demoted
//! (the store refuses; the page says why and nothing changes). Audited with the operator.

use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use packyard_core::explain::{Asker, Today, explain as explain_access};
use packyard_store::users::Role;

use super::account_users::UserForm;
use super::admin_accounts::{AccountExtras, AccountPage, AccountPost, ExplainQuery, account_page};
use super::error::{PortalError, PortalResult};
use super::invites::{add_user, link_for};
use super::posted::{Posted, Session};
use super::session::OperatorSession;
use crate::state::PortalState;

/// `POST /admin/accounts/{id}/users`: the account page, showing the new user's link.
pub async fn add(
    AccountPost(state, session, id, form): AccountPost<UserForm>,
) -> PortalResult<AccountPage> {
    let account = state.db.account(&id).await?;
    let actor = session.actor();
    let link = add_user(&state, &account, &form.email, &form.role, &actor).await?;
    let extras = AccountExtras {
        link,
        ..AccountExtras::default()
    };
    account_page(&state, &session, &id, extras).await
}

/// `POST /admin/accounts/{id}/users/{role|remove|link}`.
pub async fn change(
    Path((id, action)): Path<(String, String)>,
    Posted(state, session, form): Posted<OperatorSession, UserForm>,
) -> PortalResult<Response> {
    let account = state.db.account(&id).await?;
    let actor = session.actor();
    match action.as_str() {
        "role" => {
            let role = Role::parse(&form.role)?;
            state
                .db
                .set_role(&account, &form.email, role, &actor)
                .await?;
        }
        "remove" => state.db.remove_user(&account, &form.email, &actor).await?,
        "link" => {
            let user = state.db.user(&form.email).await?;
            let member = state.db.users_of(&account).await?;
            if !member.iter().any(|m| m.email == user.email) {
                return Err(PortalError::NotFound(format!(
                    "{} is not a user of account {}",
                    user.email, account.public_id
                )));
            }
            let link = Some(link_for(&state, &account, &user).await?);
            let extras = AccountExtras {
                link,
                ..AccountExtras::default()
            };
            let page = account_page(&state, &session, &id, extras).await?;
            return Ok(page.into_response());
        }
        other => return Err(PortalError::NotFound(format!("no user action {other:?}"))),
    }
    Ok(Redirect::to(&format!("/admin/accounts/{}#users", account.public_id)).into_response())
}

/// `GET /admin/accounts/{id}/explain?package=…[&key=…]`: the account page with the
/// explanation of why the account (or the key) can or cannot install the package.
pub async fn explain(
    State(state): State<PortalState>,
    session: OperatorSession,
    Path(id): Path<String>,
    Query(query): Query<ExplainQuery>,
) -> PortalResult<AccountPage> {
    let account = state.db.account(&id).await?;
    if query.package.trim().is_empty() {
        return Err(PortalError::Invalid(
            "Enter a package name (vendor/name, optionally :version) to explain.".into(),
        ));
    }
    let key = query.key.trim();
    let asker = match key {
        "" => Asker::Account(&account.public_id),
        key => Asker::Key(key),
    };
    let today = Today {
        date: state.config.clock.today(),
        grace_days: state.config.billing_grace_days,
    };
    let explanation = explain_access(&state.snapshot(), asker, &query.package, today);
    let extras = AccountExtras {
        explanation: Some(explanation),
        asked: query,
        ..AccountExtras::default()
    };
    account_page(&state, &session, &id, extras).await
}
