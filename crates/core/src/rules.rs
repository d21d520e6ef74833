//! The licensing and billing rules, each written once. Every front end asks here: the
//! Composer metadata and dists, the release downloads, the portal pages, the CLI and the
//! coming `explain` command. Callers bring the facts (from the snapshot or from database
//! rows); this module decides. It depends on nothing else in this crate (only on the store's
//! row types), so any module can use it without a cycle.
//!
//! - **Product visibility and licence coverage**: a public product is open to every account
//!   with all releases; otherwise an entitlement grants it, limited to releases made on or
//!   before its `updates_until` date when it has one ([`product_licence`]). Several products
//!   covering one package combine: unlimited wins, else the latest date ([`Licence::widest`]).
//! - **Updates until**: a release is installable when its release date is on or before the
//!   licence's date ([`may_install`]).
//! - **Billing hold**: an unpaid invoice holds the account from the day after its due date
//!   plus the grace period ([`past_grace`], [`billing_hold`]); a held or closed account may
//!   not use the repository ([`standing`]).
//! - **Invoice state** as shown to people: void, paid, unpaid, or overdue (= holding the
//!   account); an account's standing likewise ([`AccountStanding`]).

use chrono::{Days, NaiveDate};
use packyard_store::invoices::Invoice;

/// What an account may install of one product or package.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Licence {
    Unlimited,
    /// Releases made on or before this date.
    Until(NaiveDate),
}

impl Licence {
    /// Several licences covering one package combine: unlimited wins, else the latest date.
    pub fn widest(self, other: Licence) -> Licence {
        match (self, other) {
            (Licence::Until(a), Licence::Until(b)) => Licence::Until(a.max(b)),
            _ => Licence::Unlimited,
        }
    }

    pub fn covers(self, released_on: NaiveDate) -> bool {
        self.excludes(released_on).is_none()
    }

    /// The licence's last covered date, when it ends before `released_on`: what a refusal
    /// tells the customer.
    pub fn excludes(self, released_on: NaiveDate) -> Option<NaiveDate> {
        match self {
            Licence::Until(date) if released_on > date => Some(date),
            _ => None,
        }
    }

    /// The licence's last covered date, if it has one.
    pub fn updates_until(self) -> Option<NaiveDate> {
        match self {
            Licence::Unlimited => None,
            Licence::Until(date) => Some(date),
        }
    }
}

/// What an account may install from one product. `grant` is the account's entitlement, if
/// any, with its `updates_until`; public products are open to all, whatever the grant.
pub fn product_licence(public: bool, grant: Option<Option<NaiveDate>>) -> Option<Licence> {
    if public {
        return Some(Licence::Unlimited);
    }
    grant.map(|until| until.map_or(Licence::Unlimited, Licence::Until))
}

/// The combined licence from every product covering a package.
pub fn combined(licences: impl IntoIterator<Item = Option<Licence>>) -> Option<Licence> {
    licences.into_iter().flatten().reduce(Licence::widest)
}

/// Why something an account asked for by name may not be installed or downloaded.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Refusal {
    /// No licence for it at all.
    NotLicensed,
    /// A licence whose updates end before the release was published.
    TooNew { until: NaiveDate },
}

/// May a release from `released_on` be installed under `licence`?
pub fn may_install(licence: Option<Licence>, released_on: NaiveDate) -> Result<(), Refusal> {
    match licence {
        None => Err(Refusal::NotLicensed),
        Some(l) => match l.excludes(released_on) {
            Some(until) => Err(Refusal::TooNew { until }),
            None => Ok(()),
        },
    }
}

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
/// [`standing`] and [`billing_hold`] the Composer path applies, over the stored invoices.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct AccountStanding {
    /// `active`, `on_hold` or `closed`.
    pub state: &'static str,
    /// The invoice that holds the account, and the day the hold began.
    pub invoice: Option<String>,
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
                state: "active",
                invoice: None,
                on_hold_since: None,
            },
            Standing::Closed => AccountStanding {
                state: "closed",
                invoice: None,
                on_hold_since: None,
            },
            Standing::OnHold((number, due)) => AccountStanding {
                state: "on_hold",
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
            _ => f.write_str(self.state),
        }
    }
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
    fn public_products_are_unlimited_and_grants_combine_to_the_widest() {
        assert_eq!(
            product_licence(true, Some(Some(d("2024-01-01")))),
            Some(Licence::Unlimited)
        );
        assert_eq!(product_licence(false, None), None);
        assert_eq!(product_licence(false, Some(None)), Some(Licence::Unlimited));
        let jan = Some(Licence::Until(d("2024-01-31")));
        let mar = Some(Licence::Until(d("2024-03-31")));
        assert_eq!(combined([jan, None, mar]), mar);
        assert_eq!(
            combined([jan, Some(Licence::Unlimited)]),
            Some(Licence::Unlimited)
        );
        assert_eq!(combined([None, None]), None);
    }

    #[test]
    fn updates_until_is_inclusive() {
        let l = Some(Licence::Until(d("2024-01-31")));
        assert_eq!(may_install(l, d("2024-01-31")), Ok(()));
        assert_eq!(
            may_install(l, d("2024-02-01")),
            Err(Refusal::TooNew {
                until: d("2024-01-31")
            })
        );
        assert_eq!(
            may_install(None, d("2020-01-01")),
            Err(Refusal::NotLicensed)
        );
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
