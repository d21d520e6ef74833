//! The customer's Access Keys page: list, create (the private key is shown once, on the
//! page that answers the form), disable, enable, and delete after a confirmation page.
//! Every action first checks that the key belongs to the logged-in account; another
//! account's key is "not found", never "forbidden", so key existence does not leak.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use packyard_store::keys::AccessKey;
use serde::Deserialize;

use super::error::PortalError;
use super::error::PortalResult;
use super::posted::{NoFields, Posted, Session};
use super::session::CustomerSession;
use super::views::{Layout, datetime};
use crate::state::PortalState;

/// One row of the keys table.
pub struct KeyRow {
    pub name: String,
    pub public_key: String,
    pub enabled: bool,
    pub created: String,
    pub last_used: String,
    pub last_ip: String,
}

impl From<&AccessKey> for KeyRow {
    fn from(k: &AccessKey) -> Self {
        KeyRow {
            name: k.name.clone(),
            public_key: k.public_key.clone(),
            enabled: k.enabled,
            created: datetime(k.created_at),
            last_used: k.last_used_at.map_or_else(|| "never".into(), datetime),
            last_ip: k.last_used_ip.clone().unwrap_or_default(),
        }
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "keys.html")]
pub struct KeysPage {
    l: Layout,
    keys: Vec<KeyRow>,
}

#[derive(Template, WebTemplate)]
#[template(path = "key_created.html")]
pub struct KeyCreatedPage {
    pub(super) l: Layout,
    pub(super) name: String,
    pub(super) public_key: String,
    pub(super) private_key: String,
    pub(super) host: String,
    /// Where the "back" link leads: the customer's keys, or the operator's account page.
    pub(super) back: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "key_delete.html")]
pub struct KeyDeletePage {
    l: Layout,
    key: KeyRow,
}

#[derive(Deserialize)]
pub struct NameForm {
    #[serde(default)]
    pub(super) name: String,
}

pub async fn list(
    State(state): State<PortalState>,
    session: CustomerSession,
) -> PortalResult<KeysPage> {
    let keys = state.db.keys_of(&session.account).await?;
    Ok(KeysPage {
        l: Layout::customer(&session, "Access Keys", "keys"),
        keys: keys.iter().map(KeyRow::from).collect(),
    })
}

pub async fn create(
    State(state): State<PortalState>,
    Posted { session, form }: Posted<CustomerSession, NameForm>,
) -> PortalResult<KeyCreatedPage> {
    let created = state
        .db
        .create_key(&session.account, &form.name, &session.actor())
        .await?;
    Ok(KeyCreatedPage {
        l: Layout::customer(&session, "New access key", "keys"),
        name: created.name,
        public_key: created.public_key,
        private_key: created.private_key,
        host: state.config.host().to_string(),
        back: "/account/keys".into(),
    })
}

/// The key with this public key, if it belongs to the session's account.
async fn own_key(
    state: &PortalState,
    session: &CustomerSession,
    public_key: &str,
) -> PortalResult<AccessKey> {
    match state.db.key(public_key).await {
        Ok(k) if k.account_id == session.account.id => Ok(k),
        Ok(_) | Err(packyard_store::StoreError::NotFound(_)) => Err(PortalError::NotFound(
            "This account has no access key with that public key. It may have been deleted.".into(),
        )),
        Err(e) => Err(e.into()),
    }
}

/// `POST /account/keys/{public_key}/enable` or `/disable`.
pub async fn enable_or_disable(
    State(state): State<PortalState>,
    Path((public_key, action)): Path<(String, String)>,
    Posted { session, .. }: Posted<CustomerSession, NoFields>,
) -> PortalResult<Response> {
    let enabled = match action.as_str() {
        "enable" => true,
        "disable" => false,
        _ => return Err(PortalError::NotFound(format!("no key action {action:?}"))),
    };
    let key = own_key(&state, &session, &public_key).await?;
    state
        .db
        .set_key_enabled(&key.public_key, enabled, &session.actor())
        .await?;
    Ok(Redirect::to("/account/keys").into_response())
}

pub async fn confirm_delete(
    State(state): State<PortalState>,
    session: CustomerSession,
    Path(public_key): Path<String>,
) -> PortalResult<KeyDeletePage> {
    let key = own_key(&state, &session, &public_key).await?;
    Ok(KeyDeletePage {
        l: Layout::customer(&session, "Delete access key", "keys"),
        key: KeyRow::from(&key),
    })
}

pub async fn delete(
    State(state): State<PortalState>,
    Path(public_key): Path<String>,
    Posted { session, .. }: Posted<CustomerSession, NoFields>,
) -> PortalResult<Response> {
    let key = own_key(&state, &session, &public_key).await?;
    state
        .db
        .delete_key(&key.public_key, &session.actor())
        .await?;
    Ok(Redirect::to("/account/keys").into_response())
}
