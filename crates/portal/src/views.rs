//! What every page shares: the header (the vendor's brand, who is logged in, navigation,
//! logout button), how times are written, and the pager of long lists.

use std::sync::Arc;

use chrono::{DateTime, NaiveDate};
use packyard_store::invoices::Invoice;
use packyard_store::{Search, SearchRow, StoreError};

use super::posted::form;
use super::session::{CustomerSession, OperatorSession};
use crate::areas::Area;
use crate::state::PortalState;
use packyard_core::brand::Brand;
use packyard_core::rules;
use packyard_store::users::Role;

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
    pub brand: Arc<Brand>,
    /// The customer's billing hold, shown at the top of every customer page.
    pub hold: Option<String>,
    /// The customer pages in the navigation: those the user's role allows.
    pub areas: Vec<Area>,
    /// The logged-in user's email (customers).
    pub user: String,
    /// The user's other accounts, for the switcher: (account id, name).
    pub switch_to: Vec<(String, String)>,
}

/// The areas `role` may use; all but Users when the role is not known (an error page).
fn areas_of(role: Option<Role>) -> Vec<Area> {
    Area::ALL
        .into_iter()
        .filter(|a| match role {
            Some(role) => a.allows(role),
            None => *a != Area::Users,
        })
        .collect()
}

impl Layout {
    pub fn customer(s: &CustomerSession, title: &str, current: &'static str) -> Layout {
        Layout {
            title: title.into(),
            customer: true,
            operator: false,
            who: s.account.public_id.clone(),
            csrf: s.signed.csrf.clone(),
            current,
            brand: s.signed.brand.clone(),
            hold: s.hold.clone(),
            areas: areas_of(Some(s.role)),
            user: s.user.email.clone(),
            switch_to: s
                .accounts
                .iter()
                .filter(|m| m.account.id != s.account.id)
                .map(|m| (m.account.public_id.clone(), m.account.name.clone()))
                .collect(),
        }
    }

    pub fn operator(s: &OperatorSession, title: &str, current: &'static str) -> Layout {
        Layout {
            title: title.into(),
            customer: false,
            operator: true,
            who: s.operator.email.clone(),
            csrf: s.signed.csrf.clone(),
            current,
            brand: s.signed.brand.clone(),
            hold: None,
            areas: Vec::new(),
            user: String::new(),
            switch_to: Vec::new(),
        }
    }

    pub fn anonymous(brand: &Arc<Brand>, title: &str) -> Layout {
        Layout {
            title: title.into(),
            customer: false,
            operator: false,
            who: String::new(),
            csrf: String::new(),
            current: "",
            brand: brand.clone(),
            hold: None,
            areas: Vec::new(),
            user: String::new(),
            switch_to: Vec::new(),
        }
    }

    /// The frame of an error page at `path`: the navigation of that side of the portal (the
    /// links only: who is logged in is not looked up for an error).
    pub fn for_error(brand: &Arc<Brand>, path: &str, title: &str, role: Option<Role>) -> Layout {
        let mut l = Layout::anonymous(brand, title);
        l.customer = path.starts_with("/account");
        l.areas = areas_of(role);
        l.operator = path.starts_with("/admin") && !path.starts_with("/admin/login");
        l
    }
}

impl Layout {
    /// Whether the navigation offers `segment` (`"invoices"`, …): links to other pages
    /// appear only when the role may follow them.
    pub fn shows(&self, segment: &str) -> bool {
        self.areas.iter().any(|a| a.segment() == segment)
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

form! {
    /// The `?page=` of a paged list (1-based; anything else is the first page) and its search.
    PageQuery { q, page: Option<String> }
}

impl PageQuery {
    /// The page asked for, from 1.
    pub fn number(&self) -> i64 {
        self.page
            .as_deref()
            .and_then(|p| p.parse::<i64>().ok())
            .filter(|&p| p >= 1)
            .unwrap_or(1)
    }

    /// What to look for: the query trimmed, lower case (empty: everything).
    pub fn needle(&self) -> String {
        self.q.trim().to_lowercase()
    }

    /// This page of the back-office list `search` at `path`, the operator's page size at a
    /// time, and its pager.
    pub async fn rows<T: SearchRow>(
        &self,
        state: &PortalState,
        path: &str,
        search: &Search<T>,
    ) -> Result<(Vec<T>, Pager), StoreError> {
        let size = state.config.admin_page_size.max(1) as i64;
        let needle = self.needle();
        let (_, total) = state.db.search_page(search, &needle, 0, 0).await?;
        let pager = Pager::new(path, &self.q, self.number(), size, total);
        let (rows, _) = state
            .db
            .search_page(search, &needle, pager.offset(size), size)
            .await?;
        Ok((rows, pager))
    }
}

/// Where a paged list is: "page 2 of 7", with links to the pages around it.
pub struct Pager {
    pub page: i64,
    pub pages: i64,
    pub total: i64,
    pub prev: Option<String>,
    pub next: Option<String>,
}

impl Pager {
    /// The pager of page `page` of `total` rows shown `size` at a time at `path`, keeping the
    /// search `q` in its links.
    pub fn new(path: &str, q: &str, page: i64, size: i64, total: i64) -> Pager {
        let pages = ((total + size - 1) / size.max(1)).max(1);
        let page = page.clamp(1, pages);
        let link = |p: i64| {
            let mut url = format!("{path}?page={p}");
            if !q.trim().is_empty() {
                url.push_str("&q=");
                url.push_str(&encode_query(q.trim()));
            }
            url
        };
        Pager {
            page,
            pages,
            total,
            prev: (page > 1).then(|| link(page - 1)),
            next: (page < pages).then(|| link(page + 1)),
        }
    }

    /// The offset of this page's first row.
    pub fn offset(&self, size: i64) -> i64 {
        (self.page - 1) * size
    }
}

/// `application/x-www-form-urlencoded` encoding of a query value.
fn encode_query(value: &str) -> String {
    value
        .bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => {
                (b as char).to_string()
            }
            b' ' => "+".into(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pagers_link_their_neighbours_and_keep_the_search() {
        let p = Pager::new("/admin/audit", "a b&c", 2, 50, 120);
        assert_eq!((p.page, p.pages, p.offset(50)), (2, 3, 50));
        assert_eq!(p.prev.as_deref(), Some("/admin/audit?page=1&q=a+b%26c"));
        assert_eq!(p.next.as_deref(), Some("/admin/audit?page=3&q=a+b%26c"));
        let only = Pager::new("/admin/accounts", "", 9, 50, 0);
        assert_eq!(
            (only.page, only.pages, only.prev, only.next),
            (1, 1, None, None)
        );
        let q = PageQuery {
            q: String::new(),
            page: Some("x".into()),
        };
        assert_eq!(q.number(), 1);
    }
}
