//! Accounts, their access keys and their download token: `/api/v1/accounts…`, `/api/v1/keys…`.

pub use packyard_core::rules::AccountStanding as Standing;
pub use packyard_store::accounts::Account as AccountView;
pub use packyard_store::keys::{AccessKey as KeyView, CreatedKey as CreatedKeyView};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::catalog::{InvoiceView, LicenceView};
use crate::macros::list;

#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct NewAccountBody {
    /// Primary contact's email (the portal login).
    pub email: String,
    /// Display name, e.g. the company.
    pub name: String,
    /// Portal password (optional; without one the customer cannot log in yet).
    pub password: Option<String>,
}

#[derive(Clone, Debug, Default, Serialize, Deserialize, ToSchema)]
pub struct AccountChange {
    pub name: Option<String>,
    pub email: Option<String>,
    /// A new portal password; logs out the account's browsers.
    pub password: Option<String>,
}

/// An account with its standing, as listings and `show` give it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct AccountStandingView {
    #[serde(flatten)]
    pub account: AccountView,
    pub standing: Standing,
}

list!(AccountList, accounts: AccountStandingView);

/// The answer to creating an account.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct AccountCreated {
    /// The new account's id.
    pub id: String,
    pub account: AccountView,
}

/// The answer to changing, closing or reopening an account.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct AccountAnswer {
    pub account: AccountView,
}

/// One account with its keys, licences and invoices.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct AccountDetail {
    pub account: AccountStandingView,
    pub keys: Vec<KeyView>,
    pub licences: Vec<LicenceView>,
    pub invoices: Vec<InvoiceView>,
}

list!(KeyList, keys: KeyView);

#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct NewKeyBody {
    /// Who or what uses the key.
    pub name: String,
    /// Slugs of the account's products the key is limited to (empty: all of them).
    #[serde(default)]
    pub products: Vec<String>,
}

/// `key import`: adopt an existing pair, e.g. when moving customers from another repository.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct ImportKeyBody {
    /// Who or what uses the key.
    pub name: String,
    /// The public half, 32 letters and digits.
    pub public_key: String,
    /// The private half, 32 letters and digits; only its hash is stored.
    pub private_key: String,
    /// Slugs of the account's products the key is limited to (empty: all of them).
    #[serde(default)]
    pub products: Vec<String>,
}

/// A key after it was enabled or disabled.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct KeySwitched {
    pub public_key: String,
    pub enabled: bool,
}

/// A new download access token (it replaced the previous one).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct DownloadToken {
    pub token: String,
}
