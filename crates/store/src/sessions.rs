//! Portal sessions and login throttling.
//!
//! A session is created at login and found again from the cookie value. The cookie value is
//! random (≥ 190 bits) and only its SHA-256 is stored, the same rule as for access keys: a
//! leaked database or backup does not let anyone take over a session. Expiry is absolute
//! (`expires_at` is fixed at login), so a stolen cookie is useful for a bounded time.
//!
//! Every function that compares with or stamps the time takes it as `now` (unix seconds)
//! from the caller, whose clock a test can move.
//!
//! Failed logins are rows in `login_failures`, counted over a window per scope (the server
//! uses client IP + email), so every node behind a load balancer applies the same limit.

use crate::db::Db;
use crate::error::{Result, StoreError};
use crate::macros::{exec_on, on_db};
use crate::secret::{random_alphanumeric, sha256};

/// Length of the cookie value: 43 characters of `[A-Za-z0-9]` carry more than 256 bits.
pub const SESSION_VALUE_LEN: usize = 43;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SessionKind {
    Customer,
    Operator,
}

impl SessionKind {
    pub fn as_str(self) -> &'static str {
        match self {
            SessionKind::Customer => "customer",
            SessionKind::Operator => "operator",
        }
    }
}

#[derive(Clone, Debug, sqlx::FromRow)]
pub struct Session {
    pub kind: String,
    /// `users.id` for a customer session, `operators.id` for an operator session.
    pub principal_id: i64,
    /// The account a customer works on now (one of the user's; the switcher changes it).
    pub account_id: Option<i64>,
    pub csrf_token: String,
    pub created_at: i64,
    pub expires_at: i64,
}

impl Session {
    pub fn is(&self, kind: SessionKind) -> bool {
        self.kind == kind.as_str()
    }
}

/// A new session and the cookie value that finds it: the only time the value exists.
pub struct NewSession {
    pub cookie_value: String,
    pub session: Session,
}

impl Db {
    /// Starts a session lasting `ttl_secs` from `now` for the principal, logged in from `ip`.
    pub async fn create_session(
        &self,
        kind: SessionKind,
        principal_id: i64,
        ttl_secs: i64,
        ip: &str,
        now: i64,
    ) -> Result<NewSession> {
        if ttl_secs <= 0 {
            return Err(StoreError::Invalid(
                "the session lifetime must be positive".into(),
            ));
        }
        let cookie_value = random_alphanumeric(SESSION_VALUE_LEN);
        let created_at = now;
        let session = Session {
            kind: kind.as_str().to_string(),
            principal_id,
            account_id: None,
            csrf_token: random_alphanumeric(SESSION_VALUE_LEN),
            created_at,
            expires_at: created_at + ttl_secs,
        };
        on_db!(self, pool => {
            sqlx::query(
                "INSERT INTO sessions (id_hash, kind, principal_id, csrf_token, created_at, expires_at, ip) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7)",
            )
            .bind(sha256(&cookie_value))
            .bind(&session.kind)
            .bind(principal_id)
            .bind(&session.csrf_token)
            .bind(created_at)
            .bind(session.expires_at)
            .bind(ip)
            .execute(pool)
            .await?;
        });
        Ok(NewSession {
            cookie_value,
            session,
        })
    }

    /// The session the cookie value belongs to, live at `now`; `None` if unknown, ended or
    /// expired. The lookup is by hash, so the comparison never touches the secret itself.
    pub async fn session(&self, cookie_value: &str, now: i64) -> Result<Option<Session>> {
        let found: Option<Session> = on_db!(self, pool => {
            sqlx::query_as(
                "SELECT kind, principal_id, account_id, csrf_token, created_at, expires_at FROM sessions \
                 WHERE id_hash = $1 AND expires_at > $2",
            )
            .bind(sha256(cookie_value))
            .bind(now)
            .fetch_optional(pool)
            .await?
        });
        Ok(found)
    }

    /// Ends the session (logout). Ending an unknown session is not an error.
    pub async fn delete_session(&self, cookie_value: &str) -> Result<()> {
        let id_hash = sha256(cookie_value);
        self.delete_where("DELETE FROM sessions WHERE id_hash = $1", id_hash)
            .await
            .map(drop)
    }

    /// Makes `account_id` the account a customer session works on (login, the switcher).
    pub async fn set_session_account(&self, cookie_value: &str, account_id: i64) -> Result<()> {
        on_db!(self, pool => {
            sqlx::query("UPDATE sessions SET account_id = $1 WHERE id_hash = $2")
                .bind(account_id)
                .bind(sha256(cookie_value))
                .execute(pool)
                .await?;
        });
        Ok(())
    }

    /// Ends every session of an operator (`id` = operators.id), or every customer session
    /// working on an account (`id` = accounts.id), e.g. when the account is closed or its
    /// password is set by the vendor.
    pub async fn delete_sessions_of(&self, kind: SessionKind, id: i64) -> Result<()> {
        let sql = match kind {
            SessionKind::Customer => {
                "DELETE FROM sessions WHERE kind = 'customer' AND account_id = $1"
            }
            SessionKind::Operator => {
                "DELETE FROM sessions WHERE kind = 'operator' AND principal_id = $1"
            }
        };
        self.delete_where(sql, id).await.map(drop)
    }

    /// Ends every portal session of a user (their password changed).
    pub async fn delete_user_sessions(&self, user_id: i64) -> Result<()> {
        self.delete_where(
            "DELETE FROM sessions WHERE kind = 'customer' AND principal_id = $1",
            user_id,
        )
        .await
        .map(drop)
    }

    /// Removes sessions expired at `now` and login failures older than `keep_failures_secs`.
    pub async fn prune_sessions(&self, keep_failures_secs: i64, now: i64) -> Result<()> {
        self.delete_where("DELETE FROM sessions WHERE expires_at <= $1", now)
            .await?;
        let before = now - keep_failures_secs;
        self.delete_where("DELETE FROM login_failures WHERE at < $1", before)
            .await?;
        Ok(())
    }

    /// Records a failed login for `scope` at `now`.
    pub async fn record_login_failure(&self, scope: &str, now: i64) -> Result<()> {
        exec_on!(
            self,
            "INSERT INTO login_failures (scope, at) VALUES ($1, $2)",
            scope,
            now
        );
        Ok(())
    }

    /// Failed logins for `scope` within the `window_secs` before `now`.
    pub async fn login_failures(&self, scope: &str, window_secs: i64, now: i64) -> Result<i64> {
        let count: i64 = on_db!(self, pool => {
            sqlx::query_scalar("SELECT COUNT(*) FROM login_failures WHERE scope = $1 AND at > $2")
                .bind(scope)
                .bind(now - window_secs)
                .fetch_one(pool)
                .await?
        });
        Ok(count)
    }

    /// Forgets the failures of `scope` after a successful login.
    pub async fn clear_login_failures(&self, scope: &str) -> Result<()> {
        let scope = scope.to_string();
        self.delete_where("DELETE FROM login_failures WHERE scope = $1", scope)
            .await
            .map(drop)
    }
}
