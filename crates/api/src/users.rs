//! The people of an account and their personal keys (SPEC §13):
//! `/api/v1/accounts/{id}/users…` and `/api/v1/users/{email}/keys`.

use packyard_store::users::Member;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::macros::list;

#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct NewUserBody {
    /// The user's email (their portal login).
    pub email: String,
    /// owner, developer or billing.
    pub role: String,
    /// The user's portal password; without one (and for a new user) the answer carries a
    /// single-use link to set it.
    pub password: Option<String>,
}

#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct RoleBody {
    /// owner, developer or billing.
    pub role: String,
}

list!(UserList, users: Member);

/// A user's role on an account after adding them or changing it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Membership {
    pub account: String,
    pub email: String,
    pub role: String,
    /// For a user who has no password yet: the token of the single-use link
    /// `/account/password/{token}` where they set it.
    pub password_link_token: Option<String>,
}

/// The answer to removing a user from an account.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct UserRemoved {
    pub account: String,
    pub email: String,
    pub removed: bool,
}

#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct NewPersonalKeyBody {
    /// Who or what uses the key, e.g. "laptop".
    pub name: String,
}
