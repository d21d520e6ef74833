//! Operators (the vendor's staff) and their admin API tokens. Operator passwords arrive as
//! argon2id hashes computed by the caller; API tokens are stored as SHA-256.

use serde::Serialize;

use crate::accounts::validate_email;
use crate::secret::{random_alphanumeric, sha256};
use crate::{Db, Result, StoreError, bump, conflict_on_unique, now, on_db, record_audit};

#[derive(Clone, Debug, Serialize, sqlx::FromRow)]
pub struct Operator {
    pub id: i64,
    pub email: String,
    #[serde(skip)]
    pub password_hash: String,
    pub created_at: i64,
}

#[derive(Clone, Debug, sqlx::FromRow)]
pub struct OperatorToken {
    pub operator_id: i64,
    pub email: String,
    pub name: String,
    pub token_hash: Vec<u8>,
}

/// Admin tokens carry a prefix so they are recognisable in logs and secret scanners.
pub const ADMIN_TOKEN_PREFIX: &str = "pya_";

impl Db {
    pub async fn create_operator(
        &self,
        email: &str,
        password_hash: &str,
        actor: &str,
    ) -> Result<Operator> {
        validate_email(email)?;
        let email = email.trim().to_ascii_lowercase();
        on_db!(self, pool => {
            let mut tx = pool.begin().await?;
            sqlx::query("INSERT INTO operators (email, password_hash, created_at) VALUES ($1, $2, $3)")
                .bind(&email)
                .bind(password_hash)
                .bind(now())
                .execute(&mut *tx)
                .await
                .map_err(|e| conflict_on_unique(e, format!("an operator with email {email} already exists")))?;
            bump!(tx, Operators, 0i64);
            record_audit!(tx, actor, "operator.create", &email);
            tx.commit().await?;
        });
        self.operator(&email).await
    }

    pub async fn operator(&self, email: &str) -> Result<Operator> {
        let email = email.trim().to_ascii_lowercase();
        let found: Option<Operator> = on_db!(self, pool => {
            sqlx::query_as("SELECT id, email, password_hash, created_at FROM operators WHERE email = $1")
                .bind(&email)
                .fetch_optional(pool)
                .await?
        });
        found.ok_or_else(|| StoreError::NotFound(format!("no operator with email {email:?}")))
    }

    pub async fn operator_by_id(&self, id: i64) -> Result<Operator> {
        let found: Option<Operator> = on_db!(self, pool => {
            sqlx::query_as("SELECT id, email, password_hash, created_at FROM operators WHERE id = $1")
                .bind(id)
                .fetch_optional(pool)
                .await?
        });
        found.ok_or_else(|| StoreError::NotFound(format!("no operator with id {id}")))
    }

    /// Creates an admin API token for the operator and returns it in plaintext, once.
    pub async fn create_operator_token(
        &self,
        email: &str,
        name: &str,
        actor: &str,
    ) -> Result<String> {
        let operator = self.operator(email).await?;
        let name = crate::keys::validate_key_name(name)?;
        let token = format!("{ADMIN_TOKEN_PREFIX}{}", random_alphanumeric(40));
        on_db!(self, pool => {
            let mut tx = pool.begin().await?;
            sqlx::query("INSERT INTO operator_tokens (operator_id, name, token_hash, created_at) VALUES ($1, $2, $3, $4)")
                .bind(operator.id)
                .bind(name)
                .bind(sha256(&token))
                .bind(now())
                .execute(&mut *tx)
                .await?;
            bump!(tx, Operators, 0i64);
            record_audit!(tx, actor, "operator.token.create", format!("{} ({name})", operator.email));
            tx.commit().await?;
        });
        Ok(token)
    }

    pub async fn all_operator_tokens(&self) -> Result<Vec<OperatorToken>> {
        Ok(on_db!(self, pool => {
            sqlx::query_as(
                "SELECT t.operator_id, o.email, t.name, t.token_hash FROM operator_tokens t \
                 JOIN operators o ON o.id = t.operator_id",
            )
            .fetch_all(pool)
            .await?
        }))
    }
}
