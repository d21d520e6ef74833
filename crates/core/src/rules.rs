//! The licensing and billing rules, each written once. Every front end asks here: the
//! Composer metadata and dists, the release downloads, the portal pages, the CLI and the
//! coming `explain` command. Callers bring the facts (from the snapshot or from database
//! rows); this module decides. It depends on nothing else in this crate (only on the store's
//! row types), so any module can use it without a cycle.
//!
//! - **Product visibility and licence coverage**: a public product is open to every account
//!   with all releases; otherwise an entitlement grants it, limited to releases made on or
//!   before its `updates_until` date and to versions matching its constraint when it has
//!   them ([`product_licence`], in [`crate::licence`]). Several grants covering one package
//!   combine as a union ([`Licence::union`]).
//! - **Updates until and versions**: a release is installable when some grant admits its
//!   date and version ([`may_install`]).
//! - **What a key sees** (its account and product scope, or a personal key's accounts) is
//!   in [`crate::access`].
//! - **Billing hold**: an unpaid invoice holds the account from the day after its due date
//!   plus the grace period ([`past_grace`], [`billing_hold`]); a held or closed account may
//!   not use the repository ([`standing`]).
//! - **Invoice state** as shown to people: void, paid, unpaid, or overdue (= holding the
//!   account); an account's standing likewise ([`AccountStanding`]).

use chrono::{Days, NaiveDate};
use packyard_store::invoices::Invoice;

pub use crate::licence::{Licence, Refusal, Terms, combined, may_install, product_licence};

/// Does `name` match a product pattern (`*` matches any run of characters)?
pub fn pattern_matches(pattern: &str, name: &str) -> bool {
    match pattern.split_once('*') {
        None => pattern == name,
        Some((prefix, rest)) => {
            let Some(mut tail) = name.strip_prefix(prefix) else {
                return false;
            };
            let mut parts = rest.split('*').peekable();
            while let Some(part) = parts.next() {
                if parts.peek().is_none() {
                    return tail.len() >= part.len() && tail.ends_with(part);
                }
                match tail.find(part) {
                    Some(i) => tail = &tail[i + part.len()..],
                    None => return false,
                }
            }
            true
        }
    }
}

/// Whether a package is in a product: some pattern of the product matches its name.
pub fn product_covers(patterns: &[String], package: &str) -> bool {
    patterns.iter().any(|p| pattern_matches(p, package))
}

/// The billing-hold rule (SPEC §1): an unpaid invoice due on `due` holds the account from the
/// day after the grace period ends.
pub fn past_grace(due: NaiveDate, today: NaiveDate, grace_days: i64) -> bool {
    due.checked_add_days(Days::new(grace_days.max(0) as u64))
        .is_some_and(|limit| today > limit)
}

/// The first of an account's unpaid invoices that holds it today, if any. `due` reads an
/// invoice's due date (an unreadable date never holds an account).
pub fn billing_hold<T>(
    unpaid: impl IntoIterator<Item = T>,
    due: impl Fn(&T) -> Option<NaiveDate>,
    today: NaiveDate,
    grace_days: i64,
) -> Option<T> {
    unpaid
        .into_iter()
        .find(|inv| due(inv).is_some_and(|d| past_grace(d, today, grace_days)))
}

/// How an invoice is shown.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum InvoiceStatus {
    /// Voided (entered by mistake): never holds the account.
    Void,
    Paid,
    Unpaid,
    /// Unpaid past its grace period: it holds the account.
    Overdue,
}

impl InvoiceStatus {
    pub fn of(paid: bool, due: Option<NaiveDate>, today: NaiveDate, grace_days: i64) -> Self {
        if paid {
            InvoiceStatus::Paid
        } else if due.is_some_and(|d| past_grace(d, today, grace_days)) {
            InvoiceStatus::Overdue
        } else {
            InvoiceStatus::Unpaid
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            InvoiceStatus::Void => "void",
            InvoiceStatus::Paid => "paid",
            InvoiceStatus::Unpaid => "unpaid",
            InvoiceStatus::Overdue => "overdue",
        }
    }
}

/// How a stored invoice is shown: paid, unpaid, or overdue (it holds the account).
pub fn invoice_status(invoice: &Invoice, today: NaiveDate, grace_days: i64) -> InvoiceStatus {
    match invoice.is_void() {
        true => InvoiceStatus::Void,
        false => InvoiceStatus::of(invoice.is_paid(), invoice.due(), today, grace_days),
    }
}

/// The first day an invoice due on `due` holds its account ([`past_grace`]).
pub fn hold_starts(due: NaiveDate, grace_days: i64) -> NaiveDate {
    due.checked_add_days(Days::new(grace_days.max(0) as u64 + 1))
        .unwrap_or(NaiveDate::MAX)
}

/// An account's standing as operators see it (CLI, admin API, back office): the same
/// [`standing`] and [`billing_hold`] the Composer path applies, over the stored invoices
/// (the admin API's `Standing`).
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "schema", derive(utoipa::ToSchema), schema(as = Standing))]
pub struct AccountStanding {
    /// `active`, `on_hold` or `closed`.
    pub state: String,
    /// The invoice that holds the account.
    pub invoice: Option<String>,
    /// The day the hold began, YYYY-MM-DD.
    #[cfg_attr(feature = "schema", schema(value_type = Option<String>))]
    pub on_hold_since: Option<NaiveDate>,
}

impl AccountStanding {
    /// `closed` comes from the account row; `invoices` are all of the account's invoices.
    pub fn of(closed: bool, invoices: &[Invoice], today: NaiveDate, grace_days: i64) -> Self {
        let open = invoices.iter().filter(|i| i.is_open());
        let hold = billing_hold(open, |i| i.due(), today, grace_days);
        AccountStanding::held_by(
            closed,
            hold.map(|i| (i.number.as_str(), i.due())),
            grace_days,
        )
    }

    /// From the hold already decided by [`billing_hold`] (number and due date of the
    /// invoice), e.g. from the snapshot the Composer path reads.
    pub fn held_by(closed: bool, hold: Option<(&str, Option<NaiveDate>)>, grace_days: i64) -> Self {
        match standing(closed, hold) {
            Standing::Open => AccountStanding {
                state: "active".into(),
                invoice: None,
                on_hold_since: None,
            },
            Standing::Closed => AccountStanding {
                state: "closed".into(),
                invoice: None,
                on_hold_since: None,
            },
            Standing::OnHold((number, due)) => AccountStanding {
                state: "on_hold".into(),
                invoice: Some(number.to_string()),
                on_hold_since: due.map(|d| hold_starts(d, grace_days)),
            },
        }
    }
}

impl std::fmt::Display for AccountStanding {
    /// "active", "closed" or "on hold since 2026-01-02 because of invoice INV-7".
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match (&self.invoice, self.on_hold_since) {
            (Some(number), Some(since)) => {
                write!(f, "on hold since {since} because of invoice {number}")
            }
            _ => f.write_str(&self.state),
        }
    }
}

/// How far a licence reaches into a package's releases: the newest release it covers, the
/// newest release there is, and the releases it does not cover (what renewing would add).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Reach<'a> {
    pub newest_allowed: Option<&'a str>,
    pub newest: Option<&'a str>,
    pub missing: Vec<&'a str>,
}

/// The [`Reach`] of `licence` over `releases` (version, normalized version, release date),
/// oldest first, by [`Licence::admits`]: the test the Composer metadata applies.
pub fn reach<'a>(
    licence: &Licence,
    releases: impl IntoIterator<Item = (&'a str, &'a str, NaiveDate)>,
) -> Reach<'a> {
    let mut reach = Reach {
        newest_allowed: None,
        newest: None,
        missing: Vec::new(),
    };
    for (version, normalized, released_on) in releases {
        reach.newest = Some(version);
        if licence.admits(released_on, normalized).is_ok() {
            reach.newest_allowed = Some(version);
        } else {
            reach.missing.push(version);
        }
    }
    reach
}

/// Whether an account may use the repository and downloads at all.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Standing<T> {
    Open,
    Closed,
    /// On billing hold because of this invoice.
    OnHold(T),
}

/// A closed account is refused before a held one: reopening is the first thing to ask for.
pub fn standing<T>(closed: bool, hold: Option<T>) -> Standing<T> {
    match (closed, hold) {
        (true, _) => Standing::Closed,
        (false, Some(invoice)) => Standing::OnHold(invoice),
        (false, None) => Standing::Open,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn a_licence_reaches_the_releases_up_to_its_date() {
        let releases = [
            ("2.4.7", "2.4.7.0", d("2024-01-10")),
            ("2.4.8", "2.4.8.0", d("2024-03-10")),
            ("2.4.9", "2.4.9.0", d("2024-05-10")),
        ];
        let until = |s| Licence::new(Terms::until(d(s)));
        let r = reach(&until("2024-02-01"), releases);
        assert_eq!(r.newest_allowed, Some("2.4.7"));
        assert_eq!(r.newest, Some("2.4.9"));
        assert_eq!(r.missing, ["2.4.8", "2.4.9"]);
        let all = reach(&Licence::unlimited(), releases);
        assert_eq!((all.newest_allowed, all.missing.len()), (Some("2.4.9"), 0));
        let none = reach(&until("2023-01-01"), releases);
        assert_eq!((none.newest_allowed, none.missing.len()), (None, 3));
    }

    #[test]
    fn patterns() {
        assert!(pattern_matches("acme/*", "acme/x"));
        assert!(pattern_matches("acme/module-*", "acme/module-sales"));
        assert!(!pattern_matches("acme/module-*", "acme/theme-x"));
        assert!(pattern_matches("acme/extra", "acme/extra"));
        assert!(!pattern_matches("acme/extra", "acme/extras"));
        assert!(pattern_matches("*/x-*-y", "v/x-a-b-y"));
        assert!(!pattern_matches("acme/*-y", "acme/y"));
    }

    #[test]
    fn billing_hold_starts_the_day_after_the_grace_period() {
        let due = d("2024-01-10");
        assert!(!past_grace(due, d("2024-01-10"), 0));
        assert!(past_grace(due, d("2024-01-11"), 0));
        assert!(!past_grace(due, d("2024-01-13"), 3));
        assert!(past_grace(due, d("2024-01-14"), 3));
        for grace in [0, 3] {
            let first = hold_starts(due, grace);
            assert!(
                past_grace(due, first, grace) && !past_grace(due, first.pred_opt().unwrap(), grace)
            );
        }
        let invoices = [("A", Some(d("2024-02-01"))), ("B", None), ("C", Some(due))];
        let held = billing_hold(invoices.iter(), |i| i.1, d("2024-01-20"), 0);
        assert_eq!(held.map(|i| i.0), Some("C"));
        assert_eq!(
            InvoiceStatus::of(false, Some(due), d("2024-01-20"), 0),
            InvoiceStatus::Overdue
        );
        assert_eq!(
            InvoiceStatus::of(false, Some(due), d("2024-01-05"), 0),
            InvoiceStatus::Unpaid
        );
        assert_eq!(
            InvoiceStatus::of(true, Some(due), d("2024-01-20"), 0),
            InvoiceStatus::Paid
        );
        assert_eq!(standing(true, Some(1)), Standing::Closed);
        assert_eq!(standing(false, Some(1)), Standing::OnHold(1));
        assert_eq!(standing::<i32>(false, None), Standing::Open);
    }
}
