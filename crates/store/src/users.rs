//! People and their roles on customer accounts (SPEC §13). A user is one email with one
//! password; a membership gives that user a role on one account, and one user may belong to
//! several accounts. Invariant: every account keeps at least one owner — removing or
//! demoting the last one is refused inside the same transaction that would do it.
//!
//! Membership changes are rare and can change what a personal key sees across accounts, so
//! they bump an `All` change (servers reload) rather than one account.

use serde::{Deserialize, Serialize};

use crate::accounts::{Account, validate_email};
use crate::db::{Db, now};
use crate::error::{Result, StoreError};
use crate::macros::{bump, exec, found, in_tx, insert_user, on_db, record_audit};

/// What a user may do on one account.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Everything, including managing users.
    Owner,
    /// Access keys, the download access token and licences.
    Developer,
    /// Invoices and licences.
    Billing,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Owner => "owner",
            Role::Developer => "developer",
            Role::Billing => "billing",
        }
    }

    pub fn parse(role: &str) -> Result<Role> {
        match role.trim().to_ascii_lowercase().as_str() {
            "owner" => Ok(Role::Owner),
            "developer" => Ok(Role::Developer),
            "billing" => Ok(Role::Billing),
            other => Err(StoreError::Invalid(format!(
                "unknown role {other:?}: use owner, developer or billing"
            ))),
        }
    }

    /// Access keys and the download access token.
    pub fn manages_keys(self) -> bool {
        matches!(self, Role::Owner | Role::Developer)
    }

    pub fn sees_invoices(self) -> bool {
        matches!(self, Role::Owner | Role::Billing)
    }

    pub fn manages_users(self) -> bool {
        self == Role::Owner
    }
}

#[derive(Clone, Debug, Serialize, sqlx::FromRow)]
pub struct User {
    #[serde(skip)]
    pub id: i64,
    pub email: String,
    #[serde(with = "crate::timestamps::rfc3339")]
    pub created_at: i64,
}

/// A user as an account's member list shows them.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(utoipa::ToSchema), schema(as = UserView))]
pub struct Member {
    pub email: String,
    /// owner, developer or billing.
    pub role: Role,
    /// False until the user has set a password through their link.
    pub password_set: bool,
    /// RFC 3339.
    #[serde(with = "crate::timestamps::rfc3339")]
    #[cfg_attr(feature = "schema", schema(value_type = String))]
    pub added_at: i64,
}

/// One account a user belongs to, with the role they have there.
#[derive(Clone, Debug)]
pub struct Membership {
    pub account: Account,
    pub role: Role,
}

#[derive(sqlx::FromRow)]
struct MemberRow {
    email: String,
    role: String,
    password_set: bool,
    added_at: i64,
}

impl Db {
    /// The user with this email (case-insensitive) and their password hash, if any.
    pub async fn user_by_email(&self, email: &str) -> Result<Option<(User, Option<String>)>> {
        let email = email.trim().to_ascii_lowercase();
        let row: Option<(i64, String, i64, Option<String>)> = on_db!(self, pool => {
            sqlx::query_as("SELECT id, email, created_at, password_hash FROM users WHERE email = $1")
                .bind(&email)
                .fetch_optional(pool)
                .await?
        });
        Ok(row.map(|(id, email, created_at, hash)| {
            (
                User {
                    id,
                    email,
                    created_at,
                },
                hash,
            )
        }))
    }

    /// The user with this row id (a portal session's principal).
    pub async fn user_by_id(&self, id: i64) -> Result<User> {
        found!(
            self,
            "SELECT id, email, created_at FROM users WHERE id = $1",
            [id],
            "no user with id {id}"
        )
    }

    /// The user with this email, or a NotFound naming it.
    pub async fn user(&self, email: &str) -> Result<User> {
        self.user_by_email(email)
            .await?
            .map(|(user, _)| user)
            .ok_or_else(|| StoreError::NotFound(format!("no user with email {email:?}")))
    }

    /// Adds `email` to `account` with `role`, creating the user if needed (with
    /// `password_hash` when one is given). Returns the user and whether they still need a
    /// password (then the caller hands out a [`Db::create_password_link`]).
    pub async fn add_user(
        &self,
        account: &Account,
        email: &str,
        role: Role,
        password_hash: Option<&str>,
        actor: &str,
    ) -> Result<(User, bool)> {
        validate_email(email.trim())?;
        let email = email.trim().to_ascii_lowercase();
        in_tx!(self, tx => {
            bump!(tx);
            insert_user!(tx, &email, password_hash);
            let user_id: i64 = sqlx::query_scalar("SELECT id FROM users WHERE email = $1")
                .bind(&email)
                .fetch_one(&mut *tx)
                .await?;
            let added = exec!(
                tx,
                "INSERT INTO memberships (user_id, account_id, role, created_at) VALUES ($1, $2, $3, $4) \
                 ON CONFLICT (user_id, account_id) DO NOTHING",
                user_id,
                account.id,
                role.as_str(),
                now()
            )?;
            if added.rows_affected() == 0 {
                return Err(StoreError::Conflict(format!(
                    "{email} is already a user of account {}; use user set-role to change the role",
                    account.public_id
                )));
            }
            record_audit!(tx, actor, "user.add", format!("{} {email} as {}", account.public_id, role.as_str()));
        });
        let (user, hash) = self
            .user_by_email(&email)
            .await?
            .ok_or_else(|| StoreError::NotFound(format!("no user with email {email:?}")))?;
        Ok((user, hash.is_none()))
    }

    /// The users of an account, owners first.
    pub async fn users_of(&self, account: &Account) -> Result<Vec<Member>> {
        let rows: Vec<MemberRow> = on_db!(self, pool => {
            sqlx::query_as(
                "SELECT u.email, m.role, u.password_hash IS NOT NULL AS password_set, m.created_at AS added_at \
                 FROM memberships m JOIN users u ON u.id = m.user_id WHERE m.account_id = $1 ORDER BY u.email",
            )
            .bind(account.id)
            .fetch_all(pool)
            .await?
        });
        let mut members = rows
            .into_iter()
            .map(|r| {
                Ok(Member {
                    email: r.email,
                    role: Role::parse(&r.role)?,
                    password_set: r.password_set,
                    added_at: r.added_at,
                })
            })
            .collect::<Result<Vec<_>>>()?;
        members.sort_by_key(|m| m.role != Role::Owner);
        Ok(members)
    }

    /// The accounts a user belongs to, with their role on each, in account order.
    pub async fn memberships(&self, user: &User) -> Result<Vec<Membership>> {
        let rows: Vec<(String, String)> = on_db!(self, pool => {
            sqlx::query_as(
                "SELECT a.public_id, m.role FROM memberships m JOIN accounts a ON a.id = m.account_id \
                 WHERE m.user_id = $1 ORDER BY a.id",
            )
            .bind(user.id)
            .fetch_all(pool)
            .await?
        });
        let mut out = Vec::with_capacity(rows.len());
        for (public_id, role) in rows {
            out.push(Membership {
                account: self.account(&public_id).await?,
                role: Role::parse(&role)?,
            });
        }
        Ok(out)
    }

    /// Removes a user from an account (the user stays, with their other accounts).
    pub async fn remove_user(&self, account: &Account, email: &str, actor: &str) -> Result<()> {
        self.change_membership(account, email, None, actor).await
    }

    pub async fn set_role(
        &self,
        account: &Account,
        email: &str,
        role: Role,
        actor: &str,
    ) -> Result<()> {
        self.change_membership(account, email, Some(role), actor)
            .await
    }

    /// Sets (`Some`) or removes (`None`) a membership, refusing to leave the account
    /// without an owner.
    async fn change_membership(
        &self,
        account: &Account,
        email: &str,
        role: Option<Role>,
        actor: &str,
    ) -> Result<()> {
        let user = self.user(email).await?;
        let not_member = || {
            StoreError::NotFound(format!(
                "{} is not a user of account {}",
                user.email, account.public_id
            ))
        };
        in_tx!(self, tx => {
            bump!(tx);
            let current: Option<String> = sqlx::query_scalar("SELECT role FROM memberships WHERE user_id = $1 AND account_id = $2")
                .bind(user.id)
                .bind(account.id)
                .fetch_optional(&mut *tx)
                .await?;
            let current = Role::parse(&current.ok_or_else(not_member)?)?;
            if current == Role::Owner && role != Some(Role::Owner) {
                let owners: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM memberships WHERE account_id = $1 AND role = 'owner'")
                    .bind(account.id)
                    .fetch_one(&mut *tx)
                    .await?;
                if owners <= 1 {
                    return Err(StoreError::Invalid(format!(
                        "{} is the last owner of account {}; make another user owner first",
                        user.email, account.public_id
                    )));
                }
            }
            let (action, subject) = match role {
                Some(role) => {
                    exec!(tx, "UPDATE memberships SET role = $1 WHERE user_id = $2 AND account_id = $3", role.as_str(), user.id, account.id)?;
                    ("user.set_role", format!("{} {} as {}", account.public_id, user.email, role.as_str()))
                }
                None => {
                    exec!(tx, "DELETE FROM memberships WHERE user_id = $1 AND account_id = $2", user.id, account.id)?;
                    ("user.remove", format!("{} {}", account.public_id, user.email))
                }
            };
            record_audit!(tx, actor, action, subject);
        });
        Ok(())
    }

    /// Sets a user's password (already hashed).
    pub async fn set_user_password(
        &self,
        user: &User,
        password_hash: &str,
        actor: &str,
    ) -> Result<()> {
        in_tx!(self, tx => {
            exec!(tx, "UPDATE users SET password_hash = $1 WHERE id = $2", password_hash, user.id)?;
            record_audit!(tx, actor, "user.password", &user.email);
        });
        Ok(())
    }
}
