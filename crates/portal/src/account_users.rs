//! The people side of the customer portal (SPEC §13): the **Users** page, where owners add
//! users (each new one gets a set-password link, [`super::invites`]), change roles and remove
//! users, and the account switcher of a user who belongs to several accounts. The store
//! refuses to remove or demote an account's last owner, so that rule holds here too; the
//! page says why and nothing changes. Only owners reach the Users page ([`crate::areas`]).

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Redirect, Response};
use packyard_store::users::{Member, Role};

use super::error::{PortalError, PortalResult};
use super::invites::{ShownLink, add_user};
use super::posted::form;
use super::posted::{Posted, Session};
use super::session::{CUSTOMER_COOKIE, CustomerSession, cookie};
use super::views::{Layout, date};
use crate::areas::Area;
use crate::state::PortalState;

/// The roles, as the forms offer them.
pub const ROLES: [&str; 3] = ["owner", "developer", "billing"];

/// One user of an account, as the customer's and the operator's pages list them.
pub struct MemberRow {
    pub email: String,
    pub role: &'static str,
    pub password_set: bool,
    pub added: String,
}

impl From<&Member> for MemberRow {
    fn from(m: &Member) -> Self {
        MemberRow {
            email: m.email.clone(),
            role: m.role.as_str(),
            password_set: m.password_set,
            added: date(m.added_at),
        }
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "users.html")]
pub struct UsersPage {
    l: Layout,
    members: Vec<MemberRow>,
    roles: [&'static str; 3],
    /// The set-password link of the user just added.
    link: Option<ShownLink>,
    /// Who is looking (they are marked "you" in the list).
    me: String,
}

async fn page(
    state: &PortalState,
    session: &CustomerSession,
    link: Option<ShownLink>,
) -> PortalResult<UsersPage> {
    let members = state.db.users_of(&session.account).await?;
    Ok(UsersPage {
        l: Layout::customer(session, "Users", "users"),
        members: members.iter().map(MemberRow::from).collect(),
        roles: ROLES,
        link,
        me: session.user.email.clone(),
    })
}

pub async fn list(
    State(state): State<PortalState>,
    session: CustomerSession,
) -> PortalResult<UsersPage> {
    page(&state, &session, None).await
}

form! {
    UserForm { email, role }
}

/// `POST /account/users`: adds a user; the page shows their set-password link.
pub async fn add(
    Posted(state, session, form): Posted<CustomerSession, UserForm>,
) -> PortalResult<UsersPage> {
    let actor = session.actor();
    let link = add_user(&state, &session.account, &form.email, &form.role, &actor).await?;
    page(&state, &session, link).await
}

/// `POST /account/users/role`.
pub async fn set_role(
    Posted(state, session, form): Posted<CustomerSession, UserForm>,
) -> PortalResult<Response> {
    let role = Role::parse(&form.role)?;
    let actor = session.actor();
    state
        .db
        .set_role(&session.account, &form.email, role, &actor)
        .await?;
    Ok(Redirect::to("/account/users").into_response())
}

/// `POST /account/users/remove`.
pub async fn remove(
    Posted(state, session, form): Posted<CustomerSession, UserForm>,
) -> PortalResult<Response> {
    let actor = session.actor();
    state
        .db
        .remove_user(&session.account, &form.email, &actor)
        .await?;
    Ok(Redirect::to("/account/users").into_response())
}

/// `GET /account`: the first page the user's role allows.
pub async fn home(session: CustomerSession) -> Redirect {
    Redirect::to(Area::home(session.role))
}

form! {
    SwitchForm { account }
}

/// `POST /account/switch`: work on another of the user's accounts.
pub async fn switch(
    headers: HeaderMap,
    Posted(state, session, form): Posted<CustomerSession, SwitchForm>,
) -> PortalResult<Response> {
    let wanted = form.account.trim();
    let Some(target) = session
        .accounts
        .iter()
        .find(|m| m.account.public_id.eq_ignore_ascii_case(wanted))
    else {
        return Err(PortalError::NotFound(format!(
            "You do not belong to an open account {wanted}. Pick one of the list at the top."
        )));
    };
    let value = cookie(&headers, CUSTOMER_COOKIE).unwrap_or_default();
    state
        .db
        .set_session_account(&value, target.account.id)
        .await?;
    state
        .db
        .record_event(&session.actor(), "portal.switch", &target.account.public_id)
        .await?;
    Ok(Redirect::to(Area::home(target.role)).into_response())
}
