//! Operators (the vendor's staff): the back office logins and the owners of admin API tokens
//! (see [`crate::operator_tokens`]). Passwords arrive as argon2id hashes computed by the
//! caller. Disabling an operator is one flag that both the token snapshot and the portal
//! session check read, so it takes effect everywhere a change is seen (within 1 s).

use serde::{Deserialize, Serialize};

use crate::accounts::validate_email;
use crate::db::{Db, now};
use crate::error::{Result, conflict_on_unique};
use crate::macros::{audited_change, exec, fetch, found};

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, sqlx::FromRow)]
#[cfg_attr(feature = "schema", derive(utoipa::ToSchema), schema(as = OperatorView))]
pub struct Operator {
    pub id: i64,
    pub email: String,
    #[serde(skip)]
    pub password_hash: String,
    /// RFC 3339.
    #[serde(with = "crate::timestamps::rfc3339")]
    #[cfg_attr(feature = "schema", schema(value_type = String))]
    pub created_at: i64,
    /// A disabled operator's API tokens and portal sessions stop working.
    pub disabled: bool,
}

const COLUMNS: &str = "id, email, password_hash, created_at, disabled";

/// Ends an operator's portal sessions inside the caller's transaction (after a password
/// change or when the operator is disabled).
macro_rules! end_operator_sessions {
    ($tx:expr, $operator:expr) => {
        exec!(
            $tx,
            "DELETE FROM sessions WHERE kind = 'operator' AND principal_id = $1",
            $operator.id
        )?
    };
}

impl Db {
    pub async fn create_operator(
        &self,
        email: &str,
        password_hash: &str,
        actor: &str,
    ) -> Result<Operator> {
        validate_email(email)?;
        let email = email.trim().to_ascii_lowercase();
        audited_change!(self, Operators, 0i64, actor, "operator.create", &email, tx => {
            exec!(tx, "INSERT INTO operators (email, password_hash, created_at) VALUES ($1, $2, $3)", &email, password_hash, now())
                .map_err(|e| conflict_on_unique(e, format!("an operator with email {email} already exists")))?;
        });
        self.operator(&email).await
    }

    pub async fn operator(&self, email: &str) -> Result<Operator> {
        let email = email.trim().to_ascii_lowercase();
        let sql = format!("SELECT {COLUMNS} FROM operators WHERE email = $1");
        found!(self, sql, [&email], "no operator with email {email:?}")
    }

    pub async fn operator_by_id(&self, id: i64) -> Result<Operator> {
        let sql = format!("SELECT {COLUMNS} FROM operators WHERE id = $1");
        found!(self, sql, [id], "no operator with id {id}")
    }

    pub async fn operators(&self) -> Result<Vec<Operator>> {
        let sql = format!("SELECT {COLUMNS} FROM operators ORDER BY email");
        Ok(fetch!(self, fetch_all, sqlx::AssertSqlSafe(sql)))
    }

    /// Disables or enables an operator. Disabling also ends their portal sessions.
    pub async fn set_operator_disabled(
        &self,
        email: &str,
        disabled: bool,
        actor: &str,
    ) -> Result<Operator> {
        let operator = self.operator(email).await?;
        let action = if disabled {
            "operator.disable"
        } else {
            "operator.enable"
        };
        audited_change!(self, Operators, 0i64, actor, action, &operator.email, tx => {
            exec!(tx, "UPDATE operators SET disabled = $1 WHERE id = $2", disabled, operator.id)?;
            if disabled {
                end_operator_sessions!(tx, operator);
            }
        });
        self.operator(email).await
    }

    /// Sets an operator's password and ends their portal sessions (the old password's).
    pub async fn set_operator_password(
        &self,
        email: &str,
        password_hash: &str,
        actor: &str,
    ) -> Result<Operator> {
        let operator = self.operator(email).await?;
        audited_change!(self, Operators, 0i64, actor, "operator.password", &operator.email, tx => {
            exec!(tx, "UPDATE operators SET password_hash = $1 WHERE id = $2", password_hash, operator.id)?;
            end_operator_sessions!(tx, operator);
        });
        Ok(operator)
    }
}
