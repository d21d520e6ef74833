//! Operators and their API tokens: `/api/v1/operators…`, `/api/v1/operator-tokens…`.

pub use packyard_store::operator_tokens::{
    CreatedOperatorToken as CreatedTokenView, OperatorTokenInfo as TokenView,
};
pub use packyard_store::operators::Operator as OperatorView;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::macros::list;

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
    pub scope: Option<String>,
}

list!(OperatorList, operators: OperatorView);

list!(TokenList, tokens: TokenView);
