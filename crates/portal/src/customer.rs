//! The customer's Download Access Token and Invoices pages.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::State;

use super::error::PortalResult;
use super::posted::{NoFields, Posted, Session};
use super::session::CustomerSession;
use super::views::{InvoiceRow, Layout, datetime};
use crate::state::PortalState;
use packyard_core::rules;

#[derive(Template, WebTemplate)]
#[template(path = "token.html")]
pub struct TokenPage {
    l: Layout,
    /// When the current token was generated, if there is one.
    current: Option<String>,
    /// The new token, on the page that answers "Generate a new token" only.
    new_token: Option<String>,
    curl_line: String,
}

pub async fn token_page(
    State(state): State<PortalState>,
    session: CustomerSession,
) -> PortalResult<TokenPage> {
    let current = state.db.token_of(&session.account).await?;
    let created = current.map(|t| t.created_at);
    Ok(token_view(&state, &session, created, None))
}

pub async fn generate_token(
    Posted(state, session, _): Posted<CustomerSession, NoFields>,
) -> PortalResult<TokenPage> {
    let token = state
        .db
        .generate_token(&session.account, &session.actor())
        .await?;
    let created = Some(packyard_store::now());
    Ok(token_view(&state, &session, created, Some(token)))
}

/// The token page: when the current token was made, and a new one to show this once.
fn token_view(
    state: &PortalState,
    session: &CustomerSession,
    created: Option<i64>,
    new_token: Option<String>,
) -> TokenPage {
    let shown = new_token.as_deref().unwrap_or("TOKEN");
    TokenPage {
        l: Layout::customer(session, "Download Access Token", "token"),
        current: created.map(datetime),
        curl_line: state
            .config
            .download_command(&session.account.public_id, shown),
        new_token,
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "invoices.html")]
pub struct InvoicesPage {
    l: Layout,
    invoices: Vec<InvoiceRow>,
    /// The invoice that holds the account, with its due date.
    hold: Option<(String, String)>,
    grace_days: i64,
}

pub async fn invoices(
    State(state): State<PortalState>,
    session: CustomerSession,
) -> PortalResult<InvoicesPage> {
    let invoices = state.db.invoices_of(&session.account).await?;
    let today = state.config.clock.today();
    let grace = state.config.billing_grace_days;
    let unpaid = invoices.iter().filter(|i| i.is_open());
    let hold = rules::billing_hold(unpaid, |i| i.due(), today, grace)
        .map(|i| (i.number.clone(), i.due_date.clone()));
    Ok(InvoicesPage {
        l: Layout::customer(&session, "Invoices", "invoices"),
        invoices: invoices
            .iter()
            .map(|i| InvoiceRow::new(i, today, grace))
            .collect(),
        hold,
        grace_days: grace,
    })
}
