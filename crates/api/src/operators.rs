//! Operators and their API tokens: `/api/v1/operators…`, `/api/v1/operator-tokens…`.

use packyard_store::operator_tokens::OperatorTokenInfo;
use packyard_store::operators::Operator;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use packyard_store::timestamps::rfc3339_text as time;

#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct NewOperator {
    pub email: String,
    pub password: String,
}

/// A new password for an operator's back-office login.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct OperatorPassword {
    pub password: String,
}

#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct NewToken {
    /// The operator who owns the token.
    pub email: String,
    /// What the token is for.
    pub name: String,
    /// read, publish or admin (default admin).
    #[serde(default)]
    pub scope: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct OperatorView {
    pub id: i64,
    pub email: String,
    /// RFC 3339.
    pub created_at: String,
    /// A disabled operator's API tokens and portal sessions stop working.
    pub disabled: bool,
}

impl From<Operator> for OperatorView {
    fn from(o: Operator) -> Self {
        OperatorView {
            id: o.id,
            email: o.email,
            created_at: time(o.created_at),
            disabled: o.disabled,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct OperatorList {
    pub operators: Vec<OperatorView>,
}

/// An API token (never its secret).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct TokenView {
    pub id: i64,
    pub email: String,
    pub name: String,
    /// read, publish or admin.
    pub scope: String,
    /// RFC 3339.
    pub created_at: String,
    /// RFC 3339, when revoked.
    pub revoked_at: Option<String>,
}

impl From<OperatorTokenInfo> for TokenView {
    fn from(t: OperatorTokenInfo) -> Self {
        TokenView {
            id: t.id,
            email: t.email,
            name: t.name,
            scope: t.scope.as_str().to_string(),
            created_at: time(t.created_at),
            revoked_at: t.revoked_at.map(time),
        }
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct TokenList {
    pub tokens: Vec<TokenView>,
}

/// A new API token: the only answer that carries its secret.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct CreatedTokenView {
    pub id: i64,
    pub token: String,
    pub name: String,
    pub scope: String,
}

impl From<packyard_store::operator_tokens::CreatedOperatorToken> for CreatedTokenView {
    fn from(t: packyard_store::operator_tokens::CreatedOperatorToken) -> Self {
        CreatedTokenView {
            id: t.id,
            token: t.token,
            name: t.name,
            scope: t.scope.as_str().to_string(),
        }
    }
}
