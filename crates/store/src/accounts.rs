//! Customer accounts. The public id (`MAG000000042`) is derived from the row's identity
//! value, which neither backend ever hands out twice, so ids are never reused.

use serde::{Deserialize, Serialize};

use crate::db::{Db, Search, now};
use crate::error::{Result, StoreError, conflict_on_unique};
use crate::macros::{audited_change, bump, exec, found, in_tx, insert_user, on_db, record_audit};

/// An account's row (and its admin API body, `AccountView`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, sqlx::FromRow)]
#[cfg_attr(feature = "schema", derive(utoipa::ToSchema), schema(as = AccountView))]
pub struct Account {
    #[serde(skip)]
    pub id: i64,
    /// e.g. MAG000000042.
    #[serde(rename = "id")]
    pub public_id: String,
    pub email: String,
    pub name: String,
    /// `active` or `closed` (the stored status; `standing` says whether it is on hold).
    pub status: String,
    /// RFC 3339.
    #[serde(with = "crate::timestamps::rfc3339")]
    #[cfg_attr(feature = "schema", schema(value_type = String))]
    pub created_at: i64,
    #[serde(skip)]
    pub licences_changed_at: i64,
}

impl Account {
    pub fn is_closed(&self) -> bool {
        is_closed(&self.status)
    }
}

/// Whether an account with this stored status is closed.
pub(crate) fn is_closed(status: &str) -> bool {
    status == "closed"
}

pub(crate) const COLUMNS: &str =
    "id, public_id, email, name, status, created_at, licences_changed_at";

/// The back office's account list: id order, searched by id, email or name.
pub const ACCOUNT_SEARCH: Search<Account> = Search {
    columns: COLUMNS,
    from: "accounts",
    searched: &["LOWER(public_id)", "LOWER(email)", "LOWER(name)"],
    order: "id",
    rows: std::marker::PhantomData,
};

pub struct NewAccount<'a> {
    pub email: &'a str,
    pub name: &'a str,
    /// Prefix of the public id, e.g. `MAG`.
    pub id_prefix: &'a str,
    /// An already-computed password hash (argon2id PHC string), if a password was given.
    pub password_hash: Option<String>,
}

pub fn validate_email(email: &str) -> Result<()> {
    let ok = email.len() <= 254
        && !email.chars().any(char::is_whitespace)
        && matches!(email.split_once('@'), Some((local, domain)) if !local.is_empty() && domain.contains('.') && !domain.starts_with('.') && !domain.ends_with('.'));
    if ok {
        Ok(())
    } else {
        Err(StoreError::Invalid(format!(
            "{email:?} is not a valid email address (expected something like dev@example.com)"
        )))
    }
}

fn validate_prefix(prefix: &str) -> Result<()> {
    if prefix.is_empty() || prefix.len() > 8 || !prefix.bytes().all(|b| b.is_ascii_uppercase()) {
        return Err(StoreError::Invalid(format!(
            "account id prefix {prefix:?} must be 1 to 8 uppercase letters (e.g. MAG)"
        )));
    }
    Ok(())
}

impl Db {
    pub async fn create_account(&self, new: NewAccount<'_>, actor: &str) -> Result<Account> {
        validate_email(new.email)?;
        validate_prefix(new.id_prefix)?;
        let name = new.name.trim();
        if name.is_empty() {
            return Err(StoreError::Invalid(
                "the account name must not be empty".into(),
            ));
        }
        let email = new.email.to_ascii_lowercase();
        let public_id: String = in_tx!(self, tx => {
            let id: i64 = sqlx::query_scalar(
                "INSERT INTO accounts (email, name, password_hash, status, created_at) \
                 VALUES ($1, $2, $3, 'active', $4) RETURNING id",
            )
            .bind(&email)
            .bind(name)
            .bind(&new.password_hash)
            .bind(now())
            .fetch_one(&mut *tx)
            .await
            .map_err(|e| conflict_on_unique(e, format!("an account with email {email} already exists")))?;
            if id > 999_999_999 {
                return Err(StoreError::Invalid("account numbers are exhausted (9 digits)".into()));
            }
            let public_id = format!("{}{id:09}", new.id_prefix);
            exec!(tx, "UPDATE accounts SET public_id = $1 WHERE id = $2", &public_id, id)
                .map_err(|e| conflict_on_unique(e, format!("account id {public_id} is already taken")))?;
            // The primary contact is the account's first owner (a user may exist already,
            // from another account: their password stays theirs).
            insert_user!(tx, &email, &new.password_hash);
            exec!(tx, "INSERT INTO memberships (user_id, account_id, role, created_at) SELECT id, $1, 'owner', $2 FROM users WHERE email = $3", id, now(), &email)?;
            bump!(tx, Account, id);
            record_audit!(tx, actor, "account.create", &public_id);
            public_id
        });
        self.account(&public_id).await
    }

    pub async fn accounts(&self) -> Result<Vec<Account>> {
        let sql = format!("SELECT {COLUMNS} FROM accounts ORDER BY id");
        Ok(on_db!(self, pool => sqlx::query_as(sqlx::AssertSqlSafe(sql)).fetch_all(pool).await?))
    }

    /// The account with public id `public_id` (case-insensitive), or a NotFound naming it.
    pub async fn account(&self, public_id: &str) -> Result<Account> {
        let sql = format!("SELECT {COLUMNS} FROM accounts WHERE public_id = $1");
        let wanted = public_id.trim().to_ascii_uppercase();
        found!(self, sql, [&wanted], "no account with id {public_id:?}")
    }

    /// The account with internal row id `id` (what a portal session refers to).
    pub async fn account_by_row_id(&self, id: i64) -> Result<Account> {
        let sql = format!("SELECT {COLUMNS} FROM accounts WHERE id = $1");
        found!(self, sql, [id], "no account with row id {id}")
    }

    pub async fn account_by_email(&self, email: &str) -> Result<Option<(Account, Option<String>)>> {
        let sql = format!("SELECT {COLUMNS}, password_hash FROM accounts WHERE email = $1");
        let email = email.trim().to_ascii_lowercase();
        let row: Option<(Account, Option<String>)> = on_db!(self, pool => {
            use sqlx::Row;
            let row = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(&email).fetch_optional(pool).await?;
            match row {
                Some(r) => Some((
                    <Account as sqlx::FromRow<_>>::from_row(&r)?,
                    r.try_get::<Option<String>, _>("password_hash")?,
                )),
                None => None,
            }
        });
        Ok(row)
    }

    pub async fn close_account(&self, public_id: &str, actor: &str) -> Result<Account> {
        let account = self.account(public_id).await?;
        self.set_account_status(account, "closed", "account.close", actor)
            .await
    }

    /// Reopens a closed account: its keys, licences and invoices apply again.
    pub async fn reopen_account(&self, public_id: &str, actor: &str) -> Result<Account> {
        let account = self.account(public_id).await?;
        if !account.is_closed() {
            return Ok(account);
        }
        self.set_account_status(account, "active", "account.reopen", actor)
            .await
    }

    /// Sets an account's status, audited as `action`; returns the account as it now is.
    async fn set_account_status(
        &self,
        account: Account,
        status: &str,
        action: &str,
        actor: &str,
    ) -> Result<Account> {
        audited_change!(
            self,
            Account,
            account.id,
            actor,
            action,
            &account.public_id,
            sqlx::query("UPDATE accounts SET status = $1 WHERE id = $2")
                .bind(status)
                .bind(account.id)
        );
        self.account(&account.public_id).await
    }

    pub async fn set_account_password(
        &self,
        public_id: &str,
        password_hash: &str,
        actor: &str,
    ) -> Result<()> {
        let account = self.account(public_id).await?;
        audited_change!(
            self,
            Account,
            account.id,
            actor,
            "account.password",
            &account.public_id,
            sqlx::query("UPDATE accounts SET password_hash = $1 WHERE id = $2")
                .bind(password_hash)
                .bind(account.id)
        );
        // The primary contact logs in as a user: their password is the one that counts.
        let contact = self.user(&account.email).await?;
        self.set_user_password(&contact, password_hash, actor).await
    }

    /// Renames an account and/or changes its contact email; `None` keeps the value.
    pub async fn update_account(
        &self,
        public_id: &str,
        name: Option<&str>,
        email: Option<&str>,
        actor: &str,
    ) -> Result<Account> {
        let account = self.account(public_id).await?;
        let name = match name.map(str::trim) {
            Some("") => {
                return Err(StoreError::Invalid(
                    "the account name must not be empty".into(),
                ));
            }
            Some(n) => n.to_string(),
            None => account.name.clone(),
        };
        let email = match email {
            Some(e) => {
                validate_email(e.trim())?;
                e.trim().to_ascii_lowercase()
            }
            None => account.email.clone(),
        };
        let subject = format!("{} {name} <{email}>", account.public_id);
        audited_change!(self, Account, account.id, actor, "account.update", subject, tx => {
            exec!(tx, "UPDATE accounts SET name = $1, email = $2 WHERE id = $3", &name, &email, account.id)
                .map_err(|e| conflict_on_unique(e, format!("an account with email {email} already exists")))?;
        });
        self.account(public_id).await
    }
}
