//! The local half of [`super::Backend`]: the same answers as the admin API's handlers,
//! computed from the database with the store functions the handlers call.

use anyhow::Result;
use packyard_api::accounts::{
    AccountDetail, AccountList, AccountStandingView, CreatedKeyView, ImportKeyBody, KeyList,
};
use packyard_api::catalog::{AccountInvoice, EntitlementList, InvoiceList, ProductList};
use packyard_api::explain::ExplanationView;
use packyard_api::users::{Membership, NewUserBody, UserList, UserRemoved};
use packyard_core::explain::{Asker, Today};
use packyard_core::passwords::hash_password;
use packyard_core::rules::AccountStanding;
use packyard_core::snapshot::Snapshot;
use packyard_store::Db;
use packyard_store::accounts::Account;
use packyard_store::keys::NewKey;
use packyard_store::users::Role;

use super::ExplainFor;
use crate::context::CLI_ACTOR;

fn views<T, V: From<T>>(rows: Vec<T>) -> Vec<V> {
    rows.into_iter().map(V::from).collect()
}

/// The billing grace period the server recorded at its start (0 before any server ran).
pub async fn grace_days(db: &Db) -> Result<i64> {
    let recorded = db
        .setting(packyard_store::settings::BILLING_GRACE_DAYS)
        .await?;
    Ok(recorded.and_then(|v| v.parse().ok()).unwrap_or(0))
}

/// An account with its standing today, by the rule the Composer path applies.
async fn with_standing(db: &Db, a: Account, grace_days: i64) -> Result<AccountStandingView> {
    let invoices = db.invoices_of(&a).await?;
    let today = chrono::Utc::now().date_naive();
    let standing = AccountStanding::of(a.is_closed(), &invoices, today, grace_days);
    Ok(AccountStandingView {
        account: a.into(),
        standing: standing.into(),
    })
}

pub async fn accounts(db: &Db, grace_days: i64) -> Result<AccountList> {
    let mut accounts = Vec::new();
    for a in db.accounts().await? {
        accounts.push(with_standing(db, a, grace_days).await?);
    }
    Ok(AccountList { accounts })
}

pub async fn account(db: &Db, grace_days: i64, id: &str) -> Result<AccountDetail> {
    let a = db.account(id).await?;
    let keys = db.keys_of(&a).await?;
    let licences = db.licences(Some(&a)).await?;
    let invoices = db.invoices_of(&a).await?;
    Ok(AccountDetail {
        account: with_standing(db, a, grace_days).await?,
        keys: views(keys),
        licences: views(licences),
        invoices: views(invoices),
    })
}

pub async fn keys(db: &Db, account: &str) -> Result<KeyList> {
    let account = db.account(account).await?;
    Ok(KeyList {
        keys: views(db.keys_of(&account).await?),
    })
}

pub async fn import_key(db: &Db, account: &str, pair: ImportKeyBody) -> Result<CreatedKeyView> {
    let account = db.account(account).await?;
    let mut products = Vec::new();
    for slug in pair.products.iter().map(|s| s.trim()).filter(|s| !s.is_empty()) {
        products.push(db.product(slug).await?);
    }
    let new = NewKey {
        name: &pair.name,
        products: &products,
        pair: Some((&pair.public_key, &pair.private_key)),
    };
    Ok(db.create_account_key(&account, &new, CLI_ACTOR).await?.into())
}

pub async fn products(db: &Db) -> Result<ProductList> {
    Ok(ProductList {
        products: views(db.products().await?),
    })
}

pub async fn entitlements(db: &Db, account: Option<&str>) -> Result<EntitlementList> {
    let account = match account {
        Some(id) => Some(db.account(id).await?),
        None => None,
    };
    Ok(EntitlementList {
        entitlements: views(db.licences(account.as_ref()).await?),
    })
}

pub async fn invoices(db: &Db, account: Option<&str>) -> Result<InvoiceList> {
    let accounts = match account {
        Some(id) => vec![db.account(id).await?],
        None => db.accounts().await?,
    };
    let mut invoices = Vec::new();
    for a in accounts {
        for invoice in db.invoices_of(&a).await? {
            invoices.push(AccountInvoice {
                invoice: invoice.into(),
                account: a.public_id.clone(),
            });
        }
    }
    Ok(InvoiceList { invoices })
}

pub async fn users(db: &Db, account: &str) -> Result<UserList> {
    let account = db.account(account).await?;
    Ok(UserList {
        users: views(db.users_of(&account).await?),
    })
}

pub async fn add_user(db: &Db, account: &str, user: NewUserBody) -> Result<Membership> {
    let role = Role::parse(&user.role)?;
    let account = db.account(account).await?;
    let hash = user.password.as_deref().map(hash_password).transpose()?;
    let (added, needs_password) = db
        .add_user(&account, &user.email, role, hash.as_deref(), CLI_ACTOR)
        .await?;
    let link = match needs_password {
        true => Some(db.create_password_link(&added).await?),
        false => None,
    };
    Ok(Membership {
        account: account.public_id,
        email: added.email,
        role: role.as_str().into(),
        password_link_token: link,
    })
}

pub async fn set_role(db: &Db, account: &str, email: &str, role: &str) -> Result<Membership> {
    let role = Role::parse(role)?;
    let account = db.account(account).await?;
    db.set_role(&account, email, role, CLI_ACTOR).await?;
    Ok(Membership {
        account: account.public_id,
        email: email.into(),
        role: role.as_str().into(),
        password_link_token: None,
    })
}

pub async fn remove_user(db: &Db, account: &str, email: &str) -> Result<UserRemoved> {
    let account = db.account(account).await?;
    db.remove_user(&account, email, CLI_ACTOR).await?;
    Ok(UserRemoved {
        account: account.public_id,
        email: email.into(),
        removed: true,
    })
}

pub async fn personal_keys(db: &Db, email: &str) -> Result<KeyList> {
    let user = db.user(email).await?;
    Ok(KeyList {
        keys: views(db.personal_keys_of(&user).await?),
    })
}

pub async fn create_personal_key(db: &Db, email: &str, name: &str) -> Result<CreatedKeyView> {
    let user = db.user(email).await?;
    Ok(db.create_personal_key(&user, name, CLI_ACTOR).await?.into())
}

pub async fn explain(
    db: &Db,
    asker: ExplainFor<'_>,
    package: &str,
    grace_days: i64,
) -> Result<ExplanationView> {
    let snapshot = Snapshot::load(db, None).await?;
    let asker = match asker {
        ExplainFor::Account(id) => Asker::Account(id),
        ExplainFor::Key(key) => Asker::Key(key),
    };
    let today = Today {
        date: chrono::Utc::now().date_naive(),
        grace_days,
    };
    Ok(packyard_core::explain::explain(&snapshot, asker, package, today).into())
}
