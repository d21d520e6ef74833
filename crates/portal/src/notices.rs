//! The notice task: mails the account's contact when an invoice becomes overdue (it puts the
//! account on hold) and when a licence's updates end within [`NOTICE_DAYS`] days, once each.
//!
//! Every node runs this task; the store's notice claims make sure one node sends each
//! notice ([`packyard_store::mail`]). A send that fails gives its claim back and is tried
//! again in the next round. Which invoice is overdue is decided by [`rules::past_grace`],
//! the same rule that refuses the account's Composer requests.

use chrono::{Days, NaiveDate};
use packyard_store::StoreError;
use packyard_store::mail::UnpaidInvoice;

use packyard_core::mail::Mailer;
use packyard_core::rules;

use crate::letters::Letter;
use crate::state::PortalState;

/// Notice kinds, as stored with each claim.
pub const INVOICE_OVERDUE: &str = "invoice-overdue";
pub const LICENCE_ENDING: &str = "licence-ending";
/// How many days before `updates_until` the licence notice goes out.
pub const NOTICE_DAYS: u64 = 14;
/// A claim not marked sent after this long belongs to a node that died; another may send.
const STALE_CLAIM_SECS: i64 = 600;

/// Runs a round every `config.notice_interval` until the server stops (the server starts it
/// when mail is set up).
pub async fn run(state: PortalState, mailer: Mailer) {
    let mut tick = tokio::time::interval(state.config.notice_interval);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tick.tick().await;
        if let Err(e) = round(&state, &mailer).await {
            tracing::warn!("mail notices: {e}");
        }
    }
}

/// One round as of today by the server's clock: returns how many notices this node sent.
pub async fn round(state: &PortalState, mailer: &Mailer) -> Result<usize, StoreError> {
    let today = state.config.clock.today();
    let grace = state.config.billing_grace_days;
    let mut sent = 0;
    let due_before = today.format("%Y-%m-%d").to_string();
    let unpaid = state.db.unpaid_invoices_due_before(&due_before).await?;
    for (invoice, amount) in past_grace(unpaid, today, grace) {
        let letter = Letter {
            subject: format!("Invoice {} is overdue", invoice.number),
            paragraphs: vec![
                format!(
                    "Invoice {} of account {} ({}) for {amount} was due on {} and has not been paid.",
                    invoice.number, invoice.account, invoice.account_name, invoice.due_date
                ),
                "Until it is paid, Composer and release downloads are refused for every key of \
                 this account. Access returns within a second of the payment being recorded."
                    .into(),
            ],
            action: portal_link(state, "See your invoices", "/account/invoices"),
        };
        let claim = (INVOICE_OVERDUE, invoice.number.as_str());
        if send_once(state, mailer, claim, &invoice.email, &letter).await? {
            sent += 1;
        }
    }
    let until = today + Days::new(NOTICE_DAYS);
    let (from, to) = (due_before, until.format("%Y-%m-%d").to_string());
    for licence in state.db.licences_ending_between(&from, &to).await? {
        let subject = format!(
            "{}/{}/{}",
            licence.account, licence.product, licence.updates_until
        );
        let letter = Letter {
            subject: format!(
                "Updates for {} end on {}",
                licence.product_name, licence.updates_until
            ),
            paragraphs: vec![
                format!(
                    "The licence of account {} ({}) for {} covers releases published up to {}.",
                    licence.account,
                    licence.account_name,
                    licence.product_name,
                    licence.updates_until
                ),
                "Releases published after that date will not be offered to this account; the \
                 versions released up to it stay installable. Renew to keep receiving updates."
                    .into(),
            ],
            action: portal_link(state, "See your licences", "/account/licences"),
        };
        let claim = (LICENCE_ENDING, subject.as_str());
        if send_once(state, mailer, claim, &licence.email, &letter).await? {
            sent += 1;
        }
    }
    Ok(sent)
}

/// The invoices of `unpaid` past their grace period on `today` (each holds its account, by
/// [`rules::past_grace`]), with their amount as written ("100.00 EUR").
pub fn past_grace(
    unpaid: Vec<UnpaidInvoice>,
    today: NaiveDate,
    grace: i64,
) -> impl Iterator<Item = (UnpaidInvoice, String)> {
    unpaid.into_iter().filter_map(move |invoice| {
        let due = NaiveDate::parse_from_str(&invoice.due_date, "%Y-%m-%d").ok()?;
        if !rules::past_grace(due, today, grace) {
            return None;
        }
        let cents = invoice.amount_cents;
        let amount = format!("{}.{:02} {}", cents / 100, cents % 100, invoice.currency);
        Some((invoice, amount))
    })
}

/// A mail's button to the portal page at `path`.
fn portal_link(state: &PortalState, label: &str, path: &str) -> Option<(String, String)> {
    Some((label.to_string(), state.config.portal_url(path)))
}

/// Sends one notice if this node wins its claim (`kind`, `subject`); true when it went out.
async fn send_once(
    state: &PortalState,
    mailer: &Mailer,
    (kind, subject): (&str, &str),
    to: &str,
    letter: &Letter,
) -> Result<bool, StoreError> {
    if !state
        .db
        .claim_notice(
            kind,
            subject,
            STALE_CLAIM_SECS,
            state.config.clock.unix_secs(),
        )
        .await?
    {
        return Ok(false);
    }
    let mail = letter.compose(&state.config.brand, &state.config.public_url);
    match mailer.send(to, &mail).await {
        Ok(()) => {
            state.db.notice_sent(kind, subject).await?;
            tracing::info!(kind, subject, "notice mailed");
            Ok(true)
        }
        Err(e) => {
            tracing::warn!("{kind} notice {subject}: {e}; will retry");
            state.db.release_notice(kind, subject).await?;
            Ok(false)
        }
    }
}
