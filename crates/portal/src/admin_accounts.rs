//! Operator pages for customer accounts: search and create, and one account's page with its
//! users (and their personal keys), keys, licences (grant, revoke) and invoices (add, mark
//! paid), the explain form, and closing or reopening it. Changes are recorded in the audit
//! log with the operator's email and address.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{FromRequest, FromRequestParts, Path, Query, Request};
use axum::response::{IntoResponse, Redirect, Response};
use chrono::NaiveDate;
use packyard_store::accounts::{ACCOUNT_SEARCH, Account, NewAccount};
use packyard_store::sessions::SessionKind;
use serde::de::DeserializeOwned;

use super::account_users::{MemberRow, ROLES};
use super::error::PortalError;
use super::error::PortalResult;
use super::invites::ShownLink;
use super::keys::KeyRow;
use super::posted::form;
use super::posted::{NoFields, Posted, Session, Viewed};
use super::session::OperatorSession;
use super::views::{InvoiceRow, Layout, PageQuery, Pager, date};
use crate::state::PortalState;
use packyard_core::explain::Explanation;
use packyard_core::rules::AccountStanding;

#[derive(Template, WebTemplate)]
#[template(path = "admin_accounts.html")]
pub struct AccountsPage {
    l: Layout,
    q: String,
    /// Each account with its standing ([`AccountStanding`]).
    accounts: Vec<(Account, String)>,
    pager: Pager,
}

pub async fn list(
    Viewed(state, session): Viewed<OperatorSession>,
    Query(query): Query<PageQuery>,
) -> PortalResult<AccountsPage> {
    let (accounts, pager) = query
        .rows(&state, "/admin/accounts", &ACCOUNT_SEARCH)
        .await?;
    let unpaid = state.db.unpaid_invoices().await?;
    let today = state.config.clock.today();
    let grace = state.config.billing_grace_days;
    let accounts = accounts
        .into_iter()
        .map(|a| {
            let own: Vec<_> = unpaid
                .iter()
                .filter(|i| i.account_id == a.id)
                .cloned()
                .collect();
            let standing = AccountStanding::of(a.is_closed(), &own, today, grace).to_string();
            (a, standing)
        })
        .collect();
    Ok(AccountsPage {
        l: Layout::operator(&session, "Accounts", "accounts"),
        q: query.q,
        accounts,
        pager,
    })
}

form! {
    NewAccountForm { email, name }
}

pub async fn create(
    Posted(state, session, form): Posted<OperatorSession, NewAccountForm>,
) -> PortalResult<Response> {
    let account = state
        .db
        .create_account(
            NewAccount {
                email: form.email.trim(),
                name: &form.name,
                id_prefix: &state.config.account_id_prefix,
                password_hash: None,
            },
            &session.actor(),
        )
        .await?;
    Ok(back_to(&account))
}

form! {
    ExplainQuery {
        /// `vendor/name` or `vendor/name:version`.
        package,
        /// A public key to explain instead of the account.
        key,
    }
}

pub struct LicenceRow {
    pub slug: String,
    pub name: String,
    pub updates_until: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "admin_account.html")]
pub struct AccountPage {
    l: Layout,
    account: Account,
    /// Active, on hold since a day because of an invoice, or closed ([`AccountStanding`]).
    standing: String,
    created: String,
    keys: Vec<KeyRow>,
    licences: Vec<LicenceRow>,
    products: Vec<(String, String)>,
    invoices: Vec<InvoiceRow>,
    members: Vec<MemberRow>,
    /// Each user's personal keys: (email, keys), users without one left out.
    personal: Vec<(String, Vec<KeyRow>)>,
    roles: [&'static str; 3],
    users_base: String,
    account_id: String,
    /// Nobody is "you" on the operator's page.
    me: String,
    link: Option<ShownLink>,
    explanation: Option<Explanation>,
    asked: ExplainQuery,
}

/// What a form adds to the account page it answers with.
#[derive(Default)]
pub struct AccountExtras {
    /// A set-password link just made.
    pub link: Option<ShownLink>,
    pub explanation: Option<Explanation>,
    /// What the explain form asked (to fill it in again).
    pub asked: ExplainQuery,
}

pub async fn show(
    Viewed(state, session): Viewed<OperatorSession>,
    Path(id): Path<String>,
) -> PortalResult<AccountPage> {
    account_page(&state, &session, &id, AccountExtras::default()).await
}

/// The page of account `id`, with what a form adds to it.
pub async fn account_page(
    state: &PortalState,
    session: &OperatorSession,
    id: &str,
    extras: AccountExtras,
) -> PortalResult<AccountPage> {
    let account = state.db.account(id).await?;
    let keys = state.db.keys_of(&account).await?;
    let members = state.db.users_of(&account).await?;
    let mut personal = Vec::new();
    for m in &members {
        let user = state.db.user(&m.email).await?;
        let own = state.db.personal_keys_of(&user).await?;
        if !own.is_empty() {
            personal.push((m.email.clone(), own.iter().map(KeyRow::from).collect()));
        }
    }
    let entitlements = state.db.entitlements_of(&account).await?;
    let products = state.db.products().await?;
    let invoices = state.db.invoices_of(&account).await?;
    let today = state.config.clock.today();
    let grace = state.config.billing_grace_days;
    let licences = products
        .iter()
        .filter_map(|p| {
            let e = entitlements.iter().find(|e| e.product_id == p.id)?;
            Some(LicenceRow {
                slug: p.slug.clone(),
                name: p.name.clone(),
                updates_until: e.updates_until.clone().unwrap_or_else(|| "no limit".into()),
            })
        })
        .collect();
    Ok(AccountPage {
        l: Layout::operator(
            session,
            &format!("Account {}", account.public_id),
            "accounts",
        ),
        standing: AccountStanding::of(account.is_closed(), &invoices, today, grace).to_string(),
        created: date(account.created_at),
        keys: keys.iter().map(KeyRow::from).collect(),
        licences,
        products: products
            .iter()
            .map(|p| (p.slug.clone(), p.name.clone()))
            .collect(),
        invoices: invoices
            .iter()
            .map(|i| InvoiceRow::new(i, today, grace))
            .collect(),
        members: members.iter().map(MemberRow::from).collect(),
        personal,
        roles: ROLES,
        users_base: format!("/admin/accounts/{}/users", account.public_id),
        account_id: account.public_id.clone(),
        me: String::new(),
        link: extras.link,
        explanation: extras.explanation,
        asked: extras.asked,
        account,
    })
}

/// An operator's form post about the account in the path (`/admin/accounts/{id}/…`): the
/// state, the session, the account's public id and the form, the CSRF token checked.
pub struct AccountPost<F>(pub PortalState, pub OperatorSession, pub String, pub F);

impl<F: DeserializeOwned + Send> FromRequest<PortalState> for AccountPost<F> {
    type Rejection = Response;

    async fn from_request(request: Request, state: &PortalState) -> Result<Self, Response> {
        let (mut parts, body) = request.into_parts();
        let Path(id) = Path::<String>::from_request_parts(&mut parts, state)
            .await
            .map_err(IntoResponse::into_response)?;
        let request = Request::from_parts(parts, body);
        let Posted(state, session, form) = Posted::from_request(request, state).await?;
        Ok(AccountPost(state, session, id, form))
    }
}

/// The back office's page of `account`.
pub(super) fn account_path(account: &Account) -> String {
    format!("/admin/accounts/{}", account.public_id)
}

/// Back to the page of `account`, where the form was.
pub(super) fn back_to(account: &Account) -> Response {
    Redirect::to(&account_path(account)).into_response()
}

pub async fn close(
    AccountPost(state, session, id, _): AccountPost<NoFields>,
) -> PortalResult<Response> {
    let account = state.db.close_account(&id, &session.actor()).await?;
    state
        .db
        .delete_sessions_of(SessionKind::Customer, account.id)
        .await?;
    Ok(back_to(&account))
}

pub async fn reopen(
    AccountPost(state, session, id, _): AccountPost<NoFields>,
) -> PortalResult<Response> {
    let account = state.db.reopen_account(&id, &session.actor()).await?;
    Ok(back_to(&account))
}

pub async fn key_action(
    Path((id, public_key, action)): Path<(String, String, String)>,
    Posted(state, session, _): Posted<OperatorSession, NoFields>,
) -> PortalResult<Response> {
    let account = state.db.account(&id).await?;
    let key = state.db.key(&public_key).await?;
    if key.account_id != Some(account.id) {
        return Err(PortalError::NotFound(format!(
            "account {} has no such key",
            account.public_id
        )));
    }
    let enabled = match action.as_str() {
        "disable" => false,
        "enable" => true,
        _ => return Err(PortalError::NotFound(format!("no key action {action:?}"))),
    };
    state
        .db
        .set_key_enabled(&key.public_key, enabled, &session.actor())
        .await?;
    Ok(back_to(&account))
}

fn parse_date(value: &str, what: &str) -> PortalResult<Option<NaiveDate>> {
    let value = value.trim();
    if value.is_empty() {
        return Ok(None);
    }
    packyard_store::timestamps::parse_day(value, what)
        .map(Some)
        .map_err(PortalError::Invalid)
}

form! {
    GrantForm { product, updates_until }
}

pub async fn grant(
    AccountPost(state, session, id, form): AccountPost<GrantForm>,
) -> PortalResult<Response> {
    let until = parse_date(&form.updates_until, "Updates until")?;
    let account = state.db.account(&id).await?;
    let product = state.db.product(&form.product).await?;
    state
        .db
        .grant(&account, &product, until, &session.actor())
        .await?;
    Ok(back_to(&account))
}

pub async fn revoke(
    AccountPost(state, session, id, form): AccountPost<GrantForm>,
) -> PortalResult<Response> {
    let account = state.db.account(&id).await?;
    let product = state.db.product(&form.product).await?;
    state
        .db
        .revoke(&account, &product, &session.actor())
        .await?;
    Ok(back_to(&account))
}

form! {
    InvoiceForm { number, amount, currency, due }
}

pub async fn add_invoice(
    AccountPost(state, session, id, form): AccountPost<InvoiceForm>,
) -> PortalResult<Response> {
    let due = parse_date(&form.due, "Due date")?
        .ok_or_else(|| PortalError::Invalid("Give the due date, like 2026-12-31.".into()))?;
    let account = state.db.account(&id).await?;
    state
        .db
        .add_invoice(
            &account,
            &form.number,
            &form.amount,
            &form.currency,
            due,
            &session.actor(),
        )
        .await?;
    Ok(back_to(&account))
}

pub async fn pay_invoice(
    AccountPost(state, session, id, form): AccountPost<InvoiceForm>,
) -> PortalResult<Response> {
    close_invoice(&state, &session, &id, &form.number, None).await
}

/// Closes the invoice `number` of account `id`: paid, or void for `reason`; then back to
/// the account's page.
pub(super) async fn close_invoice(
    state: &PortalState,
    session: &OperatorSession,
    id: &str,
    number: &str,
    void_for: Option<&str>,
) -> PortalResult<Response> {
    let (account, invoice) = account_invoice(state, id, number).await?;
    let (number, actor) = (&invoice.number, &session.actor());
    match void_for {
        None => state.db.pay_invoice(number, actor).await?,
        Some(reason) => state.db.void_invoice(number, reason, actor).await?,
    };
    Ok(back_to(&account))
}

/// The account `id` and its invoice `number` ("not found" when the invoice is another's).
async fn account_invoice(
    state: &PortalState,
    id: &str,
    number: &str,
) -> PortalResult<(Account, packyard_store::invoices::Invoice)> {
    let account = state.db.account(id).await?;
    let invoice = state.db.invoice(number).await?;
    if invoice.account_id != account.id {
        return Err(PortalError::NotFound(format!(
            "account {} has no invoice {number}",
            account.public_id
        )));
    }
    Ok((account, invoice))
}
