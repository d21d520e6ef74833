//! Operators' admin API tokens. Each token has a scope that limits what it may do through the
//! admin API ([`TokenScope`]); tokens are stored as SHA-256 and shown once, at creation.
//! Revoking keeps the row (the audit trail and `token list` still show it) but a revoked
//! token, or any token of a disabled operator, is left out of [`Db::active_operator_tokens`],
//! which is what servers authenticate against.

use serde::{Deserialize, Serialize};

use crate::db::{Db, now};
use crate::error::{Result, StoreError};
use crate::macros::{audited_change, bump, found, in_tx, on_db, record_audit};
use crate::secret::{random_alphanumeric, sha256};

/// Admin tokens carry a prefix so they are recognisable in logs and secret scanners.
pub const ADMIN_TOKEN_PREFIX: &str = "pya_";

/// What a token may do through the admin API.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(utoipa::ToSchema))]
#[serde(rename_all = "lowercase")]
pub enum TokenScope {
    /// Only reading (GET).
    Read,
    /// Reading, and publishing or unlisting packages and releases.
    Publish,
    /// Everything.
    Admin,
}

impl TokenScope {
    pub const NAMES: [&'static str; 3] = ["read", "publish", "admin"];

    pub fn as_str(self) -> &'static str {
        match self {
            TokenScope::Read => "read",
            TokenScope::Publish => "publish",
            TokenScope::Admin => "admin",
        }
    }
}

impl std::str::FromStr for TokenScope {
    type Err = StoreError;

    fn from_str(s: &str) -> Result<Self> {
        match s.trim().to_ascii_lowercase().as_str() {
            "read" => Ok(TokenScope::Read),
            "publish" => Ok(TokenScope::Publish),
            "admin" => Ok(TokenScope::Admin),
            other => Err(StoreError::Invalid(format!(
                "token scope {other:?} must be one of {}",
                TokenScope::NAMES.join(", ")
            ))),
        }
    }
}

impl std::fmt::Display for TokenScope {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A token as listed (never the secret itself).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(utoipa::ToSchema), schema(as = TokenView))]
pub struct OperatorTokenInfo {
    pub id: i64,
    pub email: String,
    pub name: String,
    /// read, publish or admin.
    pub scope: TokenScope,
    /// RFC 3339.
    #[serde(with = "crate::timestamps::rfc3339")]
    #[cfg_attr(feature = "schema", schema(value_type = String))]
    pub created_at: i64,
    /// RFC 3339, when revoked.
    #[serde(with = "crate::timestamps::rfc3339_opt")]
    #[cfg_attr(feature = "schema", schema(value_type = Option<String>))]
    pub revoked_at: Option<i64>,
}

/// A token that authenticates: not revoked, of an enabled operator.
#[derive(Clone, Debug)]
pub struct ActiveOperatorToken {
    pub id: i64,
    pub operator_id: i64,
    pub email: String,
    pub scope: TokenScope,
    pub token_hash: Vec<u8>,
}

/// A token just created: the plaintext exists only in this value (the only admin API answer
/// that carries it).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(utoipa::ToSchema), schema(as = CreatedTokenView))]
pub struct CreatedOperatorToken {
    pub id: i64,
    pub token: String,
    pub name: String,
    pub scope: TokenScope,
}

#[derive(sqlx::FromRow)]
struct TokenRow {
    id: i64,
    operator_id: i64,
    email: String,
    name: String,
    scope: String,
    token_hash: Vec<u8>,
    created_at: i64,
    revoked_at: Option<i64>,
}

impl TokenRow {
    /// Scopes were validated on the way in; an unknown one (a newer server's) grants least.
    fn scope(&self) -> TokenScope {
        self.scope.parse().unwrap_or(TokenScope::Read)
    }

    fn info(self) -> OperatorTokenInfo {
        OperatorTokenInfo {
            scope: self.scope(),
            id: self.id,
            email: self.email,
            name: self.name,
            created_at: self.created_at,
            revoked_at: self.revoked_at,
        }
    }
}

const SELECT: &str = "SELECT t.id, t.operator_id, o.email, t.name, t.scope, t.token_hash, \
    t.created_at, t.revoked_at FROM operator_tokens t JOIN operators o ON o.id = t.operator_id";

impl Db {
    /// Creates an API token for the operator and returns it in plaintext, once.
    pub async fn create_operator_token(
        &self,
        email: &str,
        name: &str,
        scope: TokenScope,
        actor: &str,
    ) -> Result<CreatedOperatorToken> {
        let operator = self.operator(email).await?;
        let name = crate::keys::validate_key_name(name)?;
        let token = format!("{ADMIN_TOKEN_PREFIX}{}", random_alphanumeric(40));
        let id: i64 = in_tx!(self, tx => {
            let id: i64 = sqlx::query_scalar(
                "INSERT INTO operator_tokens (operator_id, name, token_hash, created_at, scope) \
                 VALUES ($1, $2, $3, $4, $5) RETURNING id",
            )
            .bind(operator.id)
            .bind(name)
            .bind(sha256(&token))
            .bind(now())
            .bind(scope.as_str())
            .fetch_one(&mut *tx)
            .await?;
            bump!(tx, Operators, 0i64);
            record_audit!(tx, actor, "operator.token.create", format!("{} #{id} {name} ({scope})", operator.email));
            id
        });
        Ok(CreatedOperatorToken {
            id,
            token,
            name: name.to_string(),
            scope,
        })
    }

    /// Every token (revoked ones too), of one operator when `email` is given, oldest first.
    pub async fn operator_tokens(&self, email: Option<&str>) -> Result<Vec<OperatorTokenInfo>> {
        let rows: Vec<TokenRow> = match email {
            Some(email) => {
                let operator = self.operator(email).await?;
                let sql = format!("{SELECT} WHERE t.operator_id = $1 ORDER BY t.id");
                on_db!(self, pool => sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(operator.id).fetch_all(pool).await?)
            }
            None => {
                let sql = format!("{SELECT} ORDER BY t.id");
                on_db!(self, pool => sqlx::query_as(sqlx::AssertSqlSafe(sql)).fetch_all(pool).await?)
            }
        };
        Ok(rows.into_iter().map(TokenRow::info).collect())
    }

    /// The tokens that authenticate now: not revoked, of operators not disabled.
    pub async fn active_operator_tokens(&self) -> Result<Vec<ActiveOperatorToken>> {
        let sql = format!("{SELECT} WHERE t.revoked_at IS NULL AND o.disabled = FALSE");
        let rows: Vec<TokenRow> =
            on_db!(self, pool => sqlx::query_as(sqlx::AssertSqlSafe(sql)).fetch_all(pool).await?);
        Ok(rows
            .into_iter()
            .map(|r| ActiveOperatorToken {
                scope: r.scope(),
                id: r.id,
                operator_id: r.operator_id,
                email: r.email,
                token_hash: r.token_hash,
            })
            .collect())
    }

    /// One token by id (revoked or not).
    pub async fn operator_token(&self, id: i64) -> Result<OperatorTokenInfo> {
        let sql = format!("{SELECT} WHERE t.id = $1");
        let row: Result<TokenRow> = found!(self, sql, [id], "no operator API token with id {id}");
        row.map(TokenRow::info)
    }

    /// Revokes token `id`; revoking a revoked token changes nothing and is not an error.
    pub async fn revoke_operator_token(&self, id: i64, actor: &str) -> Result<OperatorTokenInfo> {
        let token = self.operator_token(id).await?;
        if token.revoked_at.is_some() {
            return Ok(token);
        }
        let subject = format!("{} #{id} {}", token.email, token.name);
        audited_change!(
            self,
            Operators,
            0i64,
            actor,
            "operator.token.revoke",
            subject,
            sqlx::query("UPDATE operator_tokens SET revoked_at = $1 WHERE id = $2")
                .bind(now())
                .bind(id)
        );
        self.operator_token(id).await
    }
}
