//! What the mail features keep: password-reset links and the notices already sent.
//!
//! A reset link carries a random token; only its SHA-256 is stored ([`crate::secret`]), it
//! is valid until its expiry (compared with the caller's `now`) and works once. Using it sets the password of the login email it
//! was made for, ends that login's sessions and is audited, all in one transaction.
//!
//! Notices (an overdue invoice, a licence whose updates end soon) go out once each, even with
//! several nodes running the same background task: a node first *claims* the notice by
//! inserting its row (the primary key lets exactly one insert win), sends, then marks it sent.
//! A failed send releases the claim so a later round retries; a claim left unsent by a node
//! that died is taken over once it is older than the caller's `stale_after`.

use serde::Serialize;

use crate::db::{Db, now};
use crate::error::{Result, StoreError};
use crate::macros::{audited_change, exec, exec_on, on_db};
use crate::secret::{random_alphanumeric, sha256};
use crate::users::User;

/// Length of a reset token: 43 characters of `[A-Za-z0-9]` carry more than 256 bits.
pub const RESET_TOKEN_LEN: usize = 43;

/// Why a reset link was refused.
fn refused(reason: &str) -> StoreError {
    StoreError::Invalid(format!(
        "This password reset link {reason}. Ask for a new one on the login page."
    ))
}

/// An unpaid invoice with the account it belongs to, for notices and the dashboard.
#[derive(Clone, Debug, Serialize, sqlx::FromRow)]
pub struct UnpaidInvoice {
    pub account: String,
    pub account_name: String,
    pub email: String,
    pub number: String,
    pub amount_cents: i64,
    pub currency: String,
    pub due_date: String,
}

/// A licence with a date on its updates, with the account's contact.
#[derive(Clone, Debug, Serialize, sqlx::FromRow)]
pub struct DatedLicence {
    pub account: String,
    pub account_name: String,
    pub email: String,
    pub product: String,
    pub product_name: String,
    pub updates_until: String,
}

impl Db {
    /// A new reset link token for `email`, valid for `ttl_secs` from `now`. The caller mails
    /// it; the database keeps only its hash.
    pub async fn create_password_reset(
        &self,
        email: &str,
        ttl_secs: i64,
        now: i64,
    ) -> Result<String> {
        let token = random_alphanumeric(RESET_TOKEN_LEN);
        let at = now;
        on_db!(self, pool => {
            sqlx::query(
                "INSERT INTO password_resets (token_hash, email, created_at, expires_at) \
                 VALUES ($1, $2, $3, $4)",
            )
            .bind(sha256(&token))
            .bind(email.trim().to_ascii_lowercase())
            .bind(at)
            .bind(at + ttl_secs)
            .execute(pool)
            .await?;
        });
        Ok(token)
    }

    /// The email a reset token was made for, if it is still usable at `now` (known, unused,
    /// not expired); otherwise an `Invalid` saying which.
    pub async fn password_reset_email(&self, token: &str, now: i64) -> Result<String> {
        let row: Option<(String, i64, Option<i64>)> = on_db!(self, pool => {
            sqlx::query_as("SELECT email, expires_at, used_at FROM password_resets WHERE token_hash = $1")
                .bind(sha256(token))
                .fetch_optional(pool)
                .await?
        });
        match row {
            None => Err(refused("is not valid")),
            Some((_, _, Some(_))) => Err(refused("has been used already")),
            Some((_, expires, None)) if expires <= now => Err(refused("has expired")),
            Some((email, _, None)) => Ok(email),
        }
    }

    /// Uses a reset token: sets the password of its email's user (and of the accounts whose
    /// primary contact that email is) to `password_hash` and marks the token used, in one
    /// transaction (a second use, even a concurrent one, is refused). Returns the user, whose
    /// sessions the caller should end.
    pub async fn reset_password(&self, token: &str, password_hash: &str, now: i64) -> Result<User> {
        let email = self.password_reset_email(token, now).await?;
        let user = self
            .user_by_email(&email)
            .await?
            .map(|(u, _)| u)
            .ok_or_else(|| refused("is not valid"))?;
        let at = now;
        let actor = user.email.as_str();
        audited_change!(self, All, 0i64, actor, "user.password_reset", &user.email, tx => {
            let used = exec!(
                tx,
                "UPDATE password_resets SET used_at = $1 \
                 WHERE token_hash = $2 AND used_at IS NULL AND expires_at > $1",
                at,
                sha256(token)
            )?
            .rows_affected();
            if used != 1 {
                return Err(refused("has been used already"));
            }
            exec!(tx, "UPDATE users SET password_hash = $1 WHERE id = $2", password_hash, user.id)?;
            exec!(tx, "UPDATE accounts SET password_hash = $1 WHERE email = $2", password_hash, &user.email)?;
        });
        Ok(user)
    }

    /// Ends every open reset link of `email` at `now` (after a password change, the old
    /// links must not work); returns how many.
    pub async fn expire_password_resets(&self, email: &str, now: i64) -> Result<u64> {
        Ok(on_db!(self, pool => {
            sqlx::query("UPDATE password_resets SET expires_at = $1 WHERE email = $2 AND used_at IS NULL AND expires_at > $1")
                .bind(now)
                .bind(email.trim().to_ascii_lowercase())
                .execute(pool)
                .await?
                .rows_affected()
        }))
    }

    /// Claims notice (`kind`, `subject`) for this node: true when this call won it (no one
    /// has sent it, and no other claim younger than `stale_after_secs` at `now` holds it).
    pub async fn claim_notice(
        &self,
        kind: &str,
        subject: &str,
        stale_after_secs: i64,
        now: i64,
    ) -> Result<bool> {
        let at = now;
        let won = on_db!(self, pool => {
            let inserted = sqlx::query(
                "INSERT INTO mail_notices (kind, subject, claimed_at) VALUES ($1, $2, $3) \
                 ON CONFLICT (kind, subject) DO NOTHING",
            )
            .bind(kind)
            .bind(subject)
            .bind(at)
            .execute(pool)
            .await?
            .rows_affected();
            inserted == 1 || sqlx::query(
                "UPDATE mail_notices SET claimed_at = $1 WHERE kind = $2 AND subject = $3 \
                 AND sent_at IS NULL AND claimed_at < $4",
            )
            .bind(at)
            .bind(kind)
            .bind(subject)
            .bind(at - stale_after_secs)
            .execute(pool)
            .await?
            .rows_affected() == 1
        });
        Ok(won)
    }

    /// Records that a claimed notice went out.
    pub async fn notice_sent(&self, kind: &str, subject: &str) -> Result<()> {
        on_db!(self, pool => {
            sqlx::query("UPDATE mail_notices SET sent_at = $1 WHERE kind = $2 AND subject = $3")
                .bind(now())
                .bind(kind)
                .bind(subject)
                .execute(pool)
                .await?;
        });
        Ok(())
    }

    /// Gives a claim back after a failed send, so a later round tries again.
    pub async fn release_notice(&self, kind: &str, subject: &str) -> Result<()> {
        exec_on!(
            self,
            "DELETE FROM mail_notices WHERE kind = $1 AND subject = $2 AND sent_at IS NULL",
            kind,
            subject
        );
        Ok(())
    }

    /// Whether notice (`kind`, `subject`) has gone out.
    pub async fn notice_was_sent(&self, kind: &str, subject: &str) -> Result<bool> {
        let sent: Option<Option<i64>> = on_db!(self, pool => {
            sqlx::query_scalar("SELECT sent_at FROM mail_notices WHERE kind = $1 AND subject = $2")
                .bind(kind)
                .bind(subject)
                .fetch_optional(pool)
                .await?
        });
        Ok(matches!(sent, Some(Some(_))))
    }

    /// Unpaid invoices of active accounts due before `before` (`YYYY-MM-DD`), oldest first.
    pub async fn unpaid_invoices_due_before(&self, before: &str) -> Result<Vec<UnpaidInvoice>> {
        Ok(on_db!(self, pool => {
            sqlx::query_as(
                "SELECT a.public_id AS account, a.name AS account_name, a.email, i.number, \
                 i.amount_cents, i.currency, i.due_date FROM invoices i \
                 JOIN accounts a ON a.id = i.account_id \
                 WHERE i.paid_at IS NULL AND i.due_date < $1 AND a.status = 'active' \
                 ORDER BY i.due_date, i.id",
            )
            .bind(before)
            .fetch_all(pool)
            .await?
        }))
    }

    /// Licences of active accounts whose updates end between `from` and `to` (inclusive,
    /// `YYYY-MM-DD`), soonest first.
    pub async fn licences_ending_between(&self, from: &str, to: &str) -> Result<Vec<DatedLicence>> {
        Ok(on_db!(self, pool => {
            sqlx::query_as(
                "SELECT a.public_id AS account, a.name AS account_name, a.email, p.slug AS product, \
                 p.name AS product_name, e.updates_until FROM entitlements e \
                 JOIN accounts a ON a.id = e.account_id JOIN products p ON p.id = e.product_id \
                 WHERE e.updates_until >= $1 AND e.updates_until <= $2 AND a.status = 'active' \
                 ORDER BY e.updates_until, a.public_id, p.slug",
            )
            .bind(from)
            .bind(to)
            .fetch_all(pool)
            .await?
        }))
    }
}
