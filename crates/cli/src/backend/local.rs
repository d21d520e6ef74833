//! The local half of [`super::Backend`]: the same answers as the admin API's handlers,
//! computed from the database with the store functions the handlers call. The catalog's
//! operations are in `local_catalog`.

use anyhow::Result;
use packyard_api::accounts::{
    AccountAnswer, AccountChange, AccountCreated, AccountDetail, AccountList, AccountStandingView,
    CreatedKeyView, DownloadToken, ImportKeyBody, KeyList, KeySwitched, NewAccountBody, NewKeyBody,
};
use packyard_api::explain::ExplanationView;
use packyard_api::users::{Membership, NewUserBody, UserList, UserRemoved};
use packyard_core::explain::{Asker, Today};
use packyard_core::passwords::hash_password;
use packyard_core::rules::AccountStanding;
use packyard_core::snapshot::Snapshot;
use packyard_store::Db;
use packyard_store::accounts::{Account, NewAccount};
use packyard_store::sessions::SessionKind;
use packyard_store::users::Role;

use super::handles::{ExplainFor, Local};
pub use super::local_catalog::*;
use crate::context::CLI_ACTOR;

/// The billing grace period the server recorded at its start (0 before any server ran).
pub async fn grace_days(db: &Db) -> Result<i64> {
    let recorded = db
        .setting(packyard_store::settings::BILLING_GRACE_DAYS)
        .await?;
    Ok(recorded.and_then(|v| v.parse().ok()).unwrap_or(0))
}

/// An account with its standing today, by the rule the Composer path applies.
async fn with_standing(l: &Local, a: Account) -> Result<AccountStandingView> {
    let invoices = l.db.invoices_of(&a).await?;
    let today = chrono::Utc::now().date_naive();
    let standing = AccountStanding::of(a.is_closed(), &invoices, today, l.grace_days);
    Ok(AccountStandingView {
        account: a,
        standing,
    })
}

pub async fn accounts(l: &Local) -> Result<AccountList> {
    let mut accounts = Vec::new();
    for a in l.db.accounts().await? {
        accounts.push(with_standing(l, a).await?);
    }
    Ok(AccountList { accounts })
}

pub async fn account(l: &Local, id: &str) -> Result<AccountDetail> {
    let a = l.db.account(id).await?;
    let keys = l.db.keys_of(&a).await?;
    let licences = l.db.licences(Some(&a)).await?;
    let invoices = l.db.invoices_of(&a).await?;
    Ok(AccountDetail {
        account: with_standing(l, a).await?,
        keys,
        licences,
        invoices,
    })
}

pub async fn create_account(
    l: &Local,
    new: NewAccountBody,
    id_prefix: &str,
) -> Result<AccountCreated> {
    let password_hash = new.password.as_deref().map(hash_password).transpose()?;
    let new = NewAccount {
        email: &new.email,
        name: &new.name,
        id_prefix,
        password_hash,
    };
    let account = l.db.create_account(new, CLI_ACTOR).await?;
    Ok(AccountCreated {
        id: account.public_id.clone(),
        account,
    })
}

pub async fn update_account(l: &Local, id: &str, change: AccountChange) -> Result<AccountAnswer> {
    let db = &l.db;
    let mut account = db.account(id).await?;
    if change.name.is_some() || change.email.is_some() {
        let (name, email) = (change.name.as_deref(), change.email.as_deref());
        account = db.update_account(id, name, email, CLI_ACTOR).await?;
    }
    if let Some(password) = &change.password {
        let hash = hash_password(password)?;
        db.set_account_password(&account.public_id, &hash, CLI_ACTOR)
            .await?;
        // A new password logs out every browser that knew the old one.
        db.delete_sessions_of(SessionKind::Customer, account.id)
            .await?;
    }
    Ok(AccountAnswer { account })
}

pub async fn set_account_open(l: &Local, id: &str, open: bool) -> Result<AccountAnswer> {
    let account = match open {
        true => l.db.reopen_account(id, CLI_ACTOR).await?,
        false => l.db.close_account(id, CLI_ACTOR).await?,
    };
    Ok(AccountAnswer { account })
}

pub async fn keys(l: &Local, account: &str) -> Result<KeyList> {
    let account = l.db.account(account).await?;
    Ok(KeyList {
        keys: l.db.keys_of(&account).await?,
    })
}

async fn add_key(
    l: &Local,
    account: &str,
    name: &str,
    slugs: &[String],
    pair: Option<(&str, &str)>,
) -> Result<CreatedKeyView> {
    let key = l.db.add_account_key(account, name, slugs, pair, CLI_ACTOR);
    Ok(key.await?)
}

pub async fn create_key(l: &Local, account: &str, key: NewKeyBody) -> Result<CreatedKeyView> {
    add_key(l, account, &key.name, &key.products, None).await
}

pub async fn import_key(l: &Local, account: &str, pair: ImportKeyBody) -> Result<CreatedKeyView> {
    let keys = Some((pair.public_key.as_str(), pair.private_key.as_str()));
    add_key(l, account, &pair.name, &pair.products, keys).await
}

pub async fn set_key_enabled(l: &Local, public_key: &str, enabled: bool) -> Result<KeySwitched> {
    let key = l.db.set_key_enabled(public_key, enabled, CLI_ACTOR).await?;
    Ok(KeySwitched {
        public_key: key.public_key,
        enabled: key.enabled,
    })
}

pub async fn delete_key(l: &Local, public_key: &str) -> Result<()> {
    Ok(l.db.delete_key(public_key, CLI_ACTOR).await?)
}

pub async fn generate_token(l: &Local, account: &str) -> Result<DownloadToken> {
    let account = l.db.account(account).await?;
    let token = l.db.generate_token(&account, CLI_ACTOR).await?;
    Ok(DownloadToken { token })
}

pub async fn users(l: &Local, account: &str) -> Result<UserList> {
    let account = l.db.account(account).await?;
    Ok(UserList {
        users: l.db.users_of(&account).await?,
    })
}

pub async fn add_user(l: &Local, account: &str, user: NewUserBody) -> Result<Membership> {
    let role = Role::parse(&user.role)?;
    let account = l.db.account(account).await?;
    let hash = user.password.as_deref().map(hash_password).transpose()?;
    let (added, needs_password) =
        l.db.add_user(&account, &user.email, role, hash.as_deref(), CLI_ACTOR)
            .await?;
    let link = match needs_password {
        true => Some(
            l.db.create_password_link(&added, packyard_store::now())
                .await?,
        ),
        false => None,
    };
    Ok(Membership {
        account: account.public_id,
        email: added.email,
        role: role.as_str().into(),
        password_link_token: link,
    })
}

pub async fn set_role(l: &Local, account: &str, email: &str, role: &str) -> Result<Membership> {
    let role = Role::parse(role)?;
    let account = l.db.account(account).await?;
    l.db.set_role(&account, email, role, CLI_ACTOR).await?;
    Ok(Membership {
        account: account.public_id,
        email: email.into(),
        role: role.as_str().into(),
        password_link_token: None,
    })
}

pub async fn remove_user(l: &Local, account: &str, email: &str) -> Result<UserRemoved> {
    let account = l.db.account(account).await?;
    l.db.remove_user(&account, email, CLI_ACTOR).await?;
    Ok(UserRemoved {
        account: account.public_id,
        email: email.into(),
        removed: true,
    })
}

pub async fn personal_keys(l: &Local, email: &str) -> Result<KeyList> {
    let user = l.db.user(email).await?;
    Ok(KeyList {
        keys: l.db.personal_keys_of(&user).await?,
    })
}

pub async fn create_personal_key(l: &Local, email: &str, name: &str) -> Result<CreatedKeyView> {
    let user = l.db.user(email).await?;
    Ok(l.db.create_personal_key(&user, name, CLI_ACTOR).await?)
}

pub async fn explain(
    l: &Local,
    asker: ExplainFor<'_>,
    package: &str,
    grace_days: i64,
) -> Result<ExplanationView> {
    let snapshot = Snapshot::load(&l.db, None).await?;
    let asker = match asker {
        ExplainFor::Account(id) => Asker::Account(id),
        ExplainFor::Key(key) => Asker::Key(key),
    };
    let today = Today {
        date: chrono::Utc::now().date_naive(),
        grace_days,
    };
    Ok(packyard_core::explain::explain(
        &snapshot, asker, package, today,
    ))
}
