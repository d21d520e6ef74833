//! Operators (back office logins) and their admin API tokens, in both modes: the store
//! functions the `/api/v1/operators…` handlers call, or those handlers over HTTP.

use anyhow::Result;
use packyard_api::operators::{
    CreatedTokenView, NewOperator, NewToken, OperatorList, OperatorPassword, OperatorView,
    TokenList, TokenView,
};
use packyard_core::passwords::hash_password;
use packyard_store::operator_tokens::TokenScope;

use super::client::segment;
use super::handles::{Backend, answer, get, post, send};
use crate::context::CLI_ACTOR;

fn operator_path(email: &str) -> String {
    format!("/api/v1/operators/{}", segment(email))
}

impl Backend {
    pub async fn operators(&self) -> Result<OperatorList> {
        match self {
            Backend::Local(l) => Ok(OperatorList {
                operators: l.db.operators().await?,
            }),
            Backend::Remote(c) => get(c, "/api/v1/operators"),
        }
    }

    pub async fn create_operator(&self, new: NewOperator) -> Result<OperatorView> {
        match self {
            Backend::Local(l) => {
                let hash = hash_password(&new.password)?;
                let op = l.db.create_operator(&new.email, &hash, CLI_ACTOR).await?;
                Ok(op)
            }
            Backend::Remote(c) => send(c, "POST", "/api/v1/operators", &new),
        }
    }

    pub async fn set_operator_password(
        &self,
        email: &str,
        password: String,
    ) -> Result<OperatorView> {
        match self {
            Backend::Local(l) => {
                let op = l.db.operator(email).await?;
                let hash = hash_password(&password)?;
                l.db.set_operator_password(&op.email, &hash, CLI_ACTOR)
                    .await?;
                Ok(op)
            }
            Backend::Remote(c) => {
                let path = format!("{}/password", operator_path(email));
                send(c, "PUT", &path, &OperatorPassword { password })
            }
        }
    }

    /// Disables (tokens and sessions stop working) or enables an operator.
    pub async fn set_operator_disabled(&self, email: &str, disabled: bool) -> Result<OperatorView> {
        match self {
            Backend::Local(l) => {
                let op = l.db.set_operator_disabled(email, disabled, CLI_ACTOR);
                Ok(op.await?)
            }
            Backend::Remote(c) => {
                let action = if disabled { "disable" } else { "enable" };
                post(c, &format!("{}/{action}", operator_path(email)))
            }
        }
    }

    pub async fn operator_tokens(&self, email: Option<&str>) -> Result<TokenList> {
        match self {
            Backend::Local(l) => Ok(TokenList {
                tokens: l.db.operator_tokens(email).await?,
            }),
            Backend::Remote(c) => {
                let query = email
                    .map(|e| format!("?email={}", segment(e)))
                    .unwrap_or_default();
                get(c, &format!("/api/v1/operator-tokens{query}"))
            }
        }
    }

    pub async fn create_operator_token(&self, new: NewToken) -> Result<CreatedTokenView> {
        match self {
            Backend::Local(l) => {
                let scope: TokenScope = new.scope.as_deref().unwrap_or("admin").parse()?;
                let created =
                    l.db.create_operator_token(&new.email, &new.name, scope, CLI_ACTOR)
                        .await?;
                Ok(created)
            }
            Backend::Remote(c) => send(c, "POST", "/api/v1/operator-tokens", &new),
        }
    }

    pub async fn revoke_operator_token(&self, id: i64) -> Result<TokenView> {
        match self {
            Backend::Local(l) => Ok(l.db.revoke_operator_token(id, CLI_ACTOR).await?),
            Backend::Remote(c) => answer(c, "DELETE", &format!("/api/v1/operator-tokens/{id}")),
        }
    }
}
