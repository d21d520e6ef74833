//! The operator's dashboard: what a vendor asks every morning, on one page. Accounts on
//! billing hold with the invoices that hold them (decided by [`rules::past_grace`], the rule
//! that refuses their Composer requests), licences whose updates end this month, installs
//! per product over the last 30 days (one small SVG chart each, drawn on the server), and the
//! latest failed logins from the audit log.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::State;
use chrono::{Datelike, Days, NaiveDate};
use packyard_store::mail::{DatedLicence, UnpaidInvoice};

use super::admin_log::{CHART_DAYS, Chart, chart};
use super::error::PortalResult;
use super::session::OperatorSession;
use super::views::{Layout, datetime};
use crate::notices::past_grace;
use crate::state::PortalState;
use packyard_core::rules;

/// Failed logins listed.
const FAILED_LOGINS_SHOWN: i64 = 10;

pub struct HeldAccount {
    pub account: String,
    pub name: String,
    /// (number, amount, due date)
    pub invoices: Vec<(String, String, String)>,
}

pub struct FailedLogin {
    pub at: String,
    pub who: String,
    pub ip: String,
    pub side: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "admin_dashboard.html")]
pub struct DashboardPage {
    l: Layout,
    held: Vec<HeldAccount>,
    ending: Vec<DatedLicence>,
    month: String,
    charts: Vec<Chart>,
    failed: Vec<FailedLogin>,
}

/// Accounts on hold today, each with the unpaid invoices past their grace period.
fn held_accounts(unpaid: Vec<UnpaidInvoice>, today: NaiveDate, grace: i64) -> Vec<HeldAccount> {
    let mut held: Vec<HeldAccount> = Vec::new();
    for (i, amount) in past_grace(unpaid, today, grace) {
        let row = (i.number, amount, i.due_date);
        match held.iter_mut().find(|h| h.account == i.account) {
            Some(h) => h.invoices.push(row),
            None => held.push(HeldAccount {
                account: i.account,
                name: i.account_name,
                invoices: vec![row],
            }),
        }
    }
    held
}

pub async fn dashboard(
    State(state): State<PortalState>,
    session: OperatorSession,
) -> PortalResult<DashboardPage> {
    let now = state.config.clock.today();
    let grace = state.config.billing_grace_days;
    let unpaid = state
        .db
        .unpaid_invoices_due_before(&now.format("%Y-%m-%d").to_string())
        .await?;
    let first = now.with_day(1).unwrap_or(now);
    let last = first
        .checked_add_months(chrono::Months::new(1))
        .and_then(|d| d.checked_sub_days(Days::new(1)))
        .unwrap_or(now);
    let ending = state
        .db
        .licences_ending_between(&first.to_string(), &last.to_string())
        .await?;
    let today = state.config.clock.unix_secs() / 86400;
    let series = state
        .db
        .daily_downloads((today - CHART_DAYS + 1) * 86400)
        .await?;
    let charts = state
        .db
        .products()
        .await?
        .iter()
        .map(|p| {
            let counts: Vec<(i64, i64)> = series
                .iter()
                .filter(|d| rules::product_covers(&p.patterns, &d.package))
                .map(|d| (d.day, d.count))
                .collect();
            chart(&p.name, &counts, today)
        })
        .collect();
    let failed = state
        .db
        .audit_events("login.failed", FAILED_LOGINS_SHOWN)
        .await?
        .into_iter()
        .map(|e| FailedLogin {
            at: datetime(e.at),
            who: e.actor,
            ip: e.ip.unwrap_or_default(),
            side: e.subject,
        })
        .collect();
    Ok(DashboardPage {
        l: Layout::operator(&session, "Dashboard", "dashboard"),
        held: held_accounts(unpaid, now, grace),
        ending,
        month: first.format("%B %Y").to_string(),
        charts,
        failed,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn invoice(account: &str, number: &str, due: &str) -> UnpaidInvoice {
        UnpaidInvoice {
            account: account.into(),
            account_name: format!("{account} Ltd"),
            email: "a@example.com".into(),
            number: number.into(),
            amount_cents: 12_345,
            currency: "EUR".into(),
            due_date: due.into(),
        }
    }

    #[test]
    fn held_accounts_group_invoices_past_their_grace() {
        let today = NaiveDate::from_ymd_opt(2026, 3, 10).unwrap();
        let unpaid = vec![
            invoice("MAG1", "A-1", "2026-03-01"),
            invoice("MAG2", "B-1", "2026-03-08"),
            invoice("MAG1", "A-2", "2026-03-02"),
        ];
        let held = held_accounts(unpaid, today, 5);
        assert_eq!(held.len(), 1, "MAG2's invoice is still in its grace period");
        assert_eq!(held[0].account, "MAG1");
        assert_eq!(held[0].invoices.len(), 2);
        assert_eq!(held[0].invoices[0].1, "123.45 EUR");
    }
}
