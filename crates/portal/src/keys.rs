//! The customer's Access Keys page: the account's keys and the user's personal keys (SPEC
//! §13: a personal key installs what every account of the user may install). List, create
//! (the private key is shown once, on the page that answers the form; an owner may limit an
//! account key to some of the account's products), disable, enable, and delete after a
//! confirmation page. The page ends with the "Install with Composer" panel
//! ([`super::install`]) for a key the customer picks. Every action first checks that the key
//! belongs to the account worked on or to the user; any other key is "not found", never
//! "forbidden", so key existence does not leak.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use std::collections::HashMap;

use packyard_store::keys::{AccessKey, CreatedKey, NewKey};
use packyard_store::products::Product;
use packyard_store::users::Role;
use serde::Deserialize;

use super::error::PortalError;
use super::error::PortalResult;
use super::install::InstallGuide;
use super::posted::form;
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
    /// Who created the key (empty for keys older than users).
    pub created_by: String,
    /// Products the key is limited to (empty: all of the account's).
    pub products: String,
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
            created_by: k.created_by.clone().unwrap_or_default(),
            products: k.products.join(", "),
            last_used: k.last_used_at.map_or_else(|| "never".into(), datetime),
            last_ip: k.last_used_ip.clone().unwrap_or_default(),
        }
    }
}

/// One table of keys on the page, with the form that adds to it.
pub struct KeySection {
    pub id: &'static str,
    pub heading: &'static str,
    pub lead: &'static str,
    pub empty: &'static str,
    pub keys: Vec<KeyRow>,
    /// Where the section's create form posts.
    pub create: &'static str,
    pub field: &'static str,
}

#[derive(Template, WebTemplate)]
#[template(path = "keys.html")]
pub struct KeysPage {
    l: Layout,
    sections: Vec<KeySection>,
    /// Every key of both sections, for the install panel's chooser.
    all: Vec<KeyRow>,
    /// Products an owner may limit a new account key to (slug, name); empty for others.
    scopable: Vec<(String, String)>,
    chosen: String,
    guide: Option<InstallGuide>,
}

#[derive(Template, WebTemplate)]
#[template(path = "key_created.html")]
pub struct KeyCreatedPage {
    pub(super) l: Layout,
    pub(super) name: String,
    pub(super) public_key: String,
    pub(super) private_key: String,
    pub(super) guide: InstallGuide,
    /// Where the "back" link leads: the customer's keys, or the operator's account page.
    pub(super) back: String,
}

form! {
    /// `?key=PUBLIC_KEY`: the key the install panel is for.
    ChosenKey { key }
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
    /// Checkboxes `product.SLUG` of the products to limit the key to.
    #[serde(flatten)]
    pub(super) checked: HashMap<String, String>,
}

impl NameForm {
    /// The products whose checkbox is ticked, by slug, among `offered`.
    pub(super) fn products(&self, offered: &[Product]) -> Vec<Product> {
        offered
            .iter()
            .filter(|p| self.checked.contains_key(&format!("product.{}", p.slug)))
            .cloned()
            .collect()
    }
}

/// The products an owner may limit a key to; nobody else limits keys.
async fn scopable(state: &PortalState, session: &CustomerSession) -> PortalResult<Vec<Product>> {
    Ok(match session.role {
        Role::Owner => state.db.scopable_products(&session.account).await?,
        Role::Developer | Role::Billing => Vec::new(),
    })
}

pub async fn list(
    State(state): State<PortalState>,
    session: CustomerSession,
    Query(chosen): Query<ChosenKey>,
) -> PortalResult<KeysPage> {
    let keys = state.db.keys_of(&session.account).await?;
    let personal = state.db.personal_keys_of(&session.user).await?;
    let all: Vec<&AccessKey> = keys.iter().chain(&personal).collect();
    let key = all
        .iter()
        .find(|k| k.public_key == chosen.key)
        .or_else(|| all.iter().find(|k| k.enabled))
        .or(all.first());
    Ok(KeysPage {
        l: Layout::customer(&session, "Access Keys", "keys"),
        chosen: key.map(|k| k.public_key.clone()).unwrap_or_default(),
        guide: key.map(|k| InstallGuide::new(&state.config, &k.public_key, None)),
        all: all.iter().map(|k| KeyRow::from(*k)).collect(),
        scopable: scopable(&state, &session)
            .await?
            .into_iter()
            .map(|p| (p.slug, p.name))
            .collect(),
        sections: vec![
            KeySection {
                id: "keys",
                heading: "Keys of the account",
                lead: "Each developer or server that installs packages with Composer gets its own \
                       key pair: the public key is the username and the private key the password.",
                empty: "This account has no access keys yet.",
                keys: keys.iter().map(KeyRow::from).collect(),
                create: "/account/keys",
                field: "key-name",
            },
            KeySection {
                id: "personal-keys",
                heading: "Your personal keys",
                lead: "A personal key belongs to you, not to one account: it installs what every \
                       account you belong to may install, so one Composer setup serves them all.",
                empty: "You have no personal keys yet.",
                keys: personal.iter().map(KeyRow::from).collect(),
                create: "/account/keys/personal",
                field: "personal-key-name",
            },
        ],
    })
}

/// The page that shows a new pair once: the customer's and the operator's forms answer
/// with it.
pub(super) fn created_page(
    state: &PortalState,
    l: Layout,
    created: CreatedKey,
    back: String,
) -> KeyCreatedPage {
    KeyCreatedPage {
        l,
        guide: InstallGuide::new(
            &state.config,
            &created.public_key,
            Some(&created.private_key),
        ),
        name: created.name,
        public_key: created.public_key,
        private_key: created.private_key,
        back,
    }
}

/// `POST /account/keys`: a key of the account, limited to the ticked products (owners).
pub async fn create(
    Posted(state, session, form): Posted<CustomerSession, NameForm>,
) -> PortalResult<KeyCreatedPage> {
    let products = form.products(&scopable(&state, &session).await?);
    let new = NewKey {
        name: &form.name,
        products: &products,
        pair: None,
    };
    let created = state
        .db
        .create_account_key(&session.account, &new, &session.actor())
        .await?;
    let l = Layout::customer(&session, "New access key", "keys");
    Ok(created_page(&state, l, created, "/account/keys".into()))
}

/// `POST /account/keys/personal`: a personal key of the logged-in user.
pub async fn create_personal(
    Posted(state, session, form): Posted<CustomerSession, NameForm>,
) -> PortalResult<KeyCreatedPage> {
    let created = state
        .db
        .create_personal_key(&session.user, &form.name, &session.actor())
        .await?;
    let l = Layout::customer(&session, "New personal key", "keys");
    Ok(created_page(&state, l, created, "/account/keys".into()))
}

async fn own_key(
    state: &PortalState,
    session: &CustomerSession,
    public_key: &str,
) -> PortalResult<AccessKey> {
    match state.db.key(public_key).await {
        Ok(k) if k.account_id == Some(session.account.id) || k.user_id == Some(session.user.id) => {
            Ok(k)
        }
        Ok(_) | Err(packyard_store::StoreError::NotFound(_)) => Err(PortalError::NotFound(
            "This account has no access key with that public key. It may have been deleted.".into(),
        )),
        Err(e) => Err(e.into()),
    }
}

/// `POST /account/keys/{public_key}/enable` or `/disable`.
pub async fn enable_or_disable(
    Path((public_key, action)): Path<(String, String)>,
    Posted(state, session, _): Posted<CustomerSession, NoFields>,
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
    Path(public_key): Path<String>,
    Posted(state, session, _): Posted<CustomerSession, NoFields>,
) -> PortalResult<Response> {
    let key = own_key(&state, &session, &public_key).await?;
    state
        .db
        .delete_key(&key.public_key, &session.actor())
        .await?;
    Ok(Redirect::to("/account/keys").into_response())
}
