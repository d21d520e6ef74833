//! What every page shares: the header (who is logged in, navigation, logout button) and how
//! times are written.

use chrono::{DateTime, NaiveDate};
use packyard_store::invoices::Invoice;

use super::session::{CustomerSession, OperatorSession};
use packyard_core::rules;

/// The page frame rendered by `templates/base.html`.
pub struct Layout {
    pub title: String,
    pub customer: bool,
    pub operator: bool,
    /// The account id (customers) or email (operators) shown at the top of every page.
    pub who: String,
    pub csrf: String,
    /// Which navigation entry is the current page.
    pub current: &'static str,
    /// The customer's billing hold, shown at the top of every customer page.
    pub hold: Option<String>,
}

impl Layout {
    pub fn customer(s: &CustomerSession, title: &str, current: &'static str) -> Layout {
        Layout {
            title: title.into(),
            customer: true,
            operator: false,
            who: s.account.public_id.clone(),
            csrf: s.csrf.clone(),
            current,
            hold: s.hold.clone(),
        }
    }

    pub fn operator(s: &OperatorSession, title: &str, current: &'static str) -> Layout {
        Layout {
            title: title.into(),
            customer: false,
            operator: true,
            who: s.operator.email.clone(),
            csrf: s.csrf.clone(),
            current,
            hold: None,
        }
    }

    pub fn anonymous(title: &str) -> Layout {
        Layout {
            title: title.into(),
            customer: false,
            operator: false,
            who: String::new(),
            csrf: String::new(),
            current: "",
            hold: None,
        }
    }
}

/// "2026-11-25 14:03 UTC"
pub fn datetime(ts: i64) -> String {
    DateTime::from_timestamp(ts, 0)
        .map(|d| d.format("%Y-%m-%d %H:%M UTC").to_string())
        .unwrap_or_default()
}

/// "2026-11-25"
pub fn date(ts: i64) -> String {
    DateTime::from_timestamp(ts, 0)
        .map(|d| d.format("%Y-%m-%d").to_string())
        .unwrap_or_default()
}

/// One row of an invoices table (the customer's Invoices page, an account's admin page).
pub struct InvoiceRow {
    pub number: String,
    pub amount: String,
    pub due: String,
    /// "void", "paid", "unpaid" or "overdue" ([`packyard_core::rules::InvoiceStatus`]).
    pub status: &'static str,
    pub paid_on: String,
    /// Why the invoice was voided (empty unless it is void).
    pub void_reason: String,
}

impl InvoiceRow {
    pub fn new(invoice: &Invoice, today: NaiveDate, grace_days: i64) -> InvoiceRow {
        InvoiceRow {
            number: invoice.number.clone(),
            amount: format!("{} {}", invoice.amount(), invoice.currency),
            due: invoice.due_date.clone(),
            status: rules::invoice_status(invoice, today, grace_days).as_str(),
            paid_on: invoice.paid_at.map(date).unwrap_or_default(),
            void_reason: invoice.void_reason.clone().unwrap_or_default(),
        }
    }
}

/// The `?q=` search box of the operator's list pages.
#[derive(serde::Deserialize)]
pub struct Search {
    #[serde(default)]
    pub q: String,
}

impl Search {
    /// What to look for: the query trimmed, lower case (empty: everything).
    pub fn needle(&self) -> String {
        self.q.trim().to_lowercase()
    }
}
