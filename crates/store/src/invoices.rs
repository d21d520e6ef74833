//! Invoices. An unpaid invoice past its due date (plus the configured grace period) puts the
//! account on billing hold; the hold itself is decided by the server's rules module from
//! these rows. What "unpaid" means is defined here once, as SQL ([`UNPAID`]) and as the same
//! test on a loaded row ([`Invoice::is_open`]). A void invoice (entered by mistake, voided
//! with a reason) is never unpaid: it cannot hold an account, and stays listed as void.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::accounts::Account;
use crate::db::{Db, now};
use crate::error::{Result, StoreError, conflict_on_unique};
use crate::macros::{audited_change, exec, found, on_db};

/// The SQL condition for an unpaid invoice: no payment recorded and not void.
/// [`Invoice::is_open`] is the same test on a loaded row.
pub(crate) const UNPAID: &str = "paid_at IS NULL AND voided_at IS NULL";

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, sqlx::FromRow)]
#[cfg_attr(feature = "schema", derive(utoipa::ToSchema), schema(as = InvoiceView))]
pub struct Invoice {
    #[serde(skip)]
    pub id: i64,
    #[serde(skip)]
    pub account_id: i64,
    pub number: String,
    pub amount_cents: i64,
    pub currency: String,
    /// YYYY-MM-DD.
    pub due_date: String,
    /// RFC 3339, when paid.
    #[serde(with = "crate::timestamps::rfc3339_opt")]
    #[cfg_attr(feature = "schema", schema(value_type = Option<String>))]
    pub paid_at: Option<i64>,
    /// RFC 3339.
    #[serde(with = "crate::timestamps::rfc3339")]
    #[cfg_attr(feature = "schema", schema(value_type = String))]
    pub created_at: i64,
    /// RFC 3339, when the invoice was voided, if it was.
    #[serde(with = "crate::timestamps::rfc3339_opt")]
    #[cfg_attr(feature = "schema", schema(value_type = Option<String>))]
    pub voided_at: Option<i64>,
    pub void_reason: Option<String>,
}

impl Invoice {
    /// Whether a payment is recorded.
    pub fn is_paid(&self) -> bool {
        self.paid_at.is_some()
    }

    pub fn is_void(&self) -> bool {
        self.voided_at.is_some()
    }

    /// Neither paid nor void: the row form of [`UNPAID`], the only invoices that can hold an
    /// account.
    pub fn is_open(&self) -> bool {
        !self.is_paid() && !self.is_void()
    }

    pub fn due(&self) -> Option<NaiveDate> {
        NaiveDate::parse_from_str(&self.due_date, "%Y-%m-%d").ok()
    }

    /// "100.00": the amount as written on the invoice.
    pub fn amount(&self) -> String {
        format!("{}.{:02}", self.amount_cents / 100, self.amount_cents % 100)
    }
}

pub(crate) const COLUMNS: &str = "id, account_id, number, amount_cents, currency, due_date, \
     paid_at, created_at, voided_at, void_reason";

/// Parses "100", "100.5" or "100.00" into cents; rejects negatives and sub-cent precision.
pub fn parse_amount(amount: &str) -> Result<i64> {
    let bad = || {
        StoreError::Invalid(format!(
            "amount {amount:?} must be a positive number with at most two decimals (e.g. 100.00)"
        ))
    };
    let (whole, frac) = amount.trim().split_once('.').unwrap_or((amount.trim(), ""));
    if whole.is_empty() || whole.len() > 12 || !whole.bytes().all(|b| b.is_ascii_digit()) {
        return Err(bad());
    }
    if frac.len() > 2 || !frac.bytes().all(|b| b.is_ascii_digit()) {
        return Err(bad());
    }
    let cents = format!("{frac:0<2}");
    let total =
        whole.parse::<i64>().map_err(|_| bad())? * 100 + cents.parse::<i64>().map_err(|_| bad())?;
    if total == 0 {
        return Err(bad());
    }
    Ok(total)
}

pub fn validate_invoice_number(number: &str) -> Result<&str> {
    let number = number.trim();
    if number.is_empty()
        || number.len() > 64
        || !number
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-_/.".contains(&b))
    {
        return Err(StoreError::Invalid(format!(
            "invoice number {number:?} must be 1 to 64 letters, digits, '-', '_', '/' or '.' (e.g. INV-1001)"
        )));
    }
    Ok(number)
}

impl Db {
    pub async fn add_invoice(
        &self,
        account: &Account,
        number: &str,
        amount: &str,
        currency: &str,
        due: NaiveDate,
        actor: &str,
    ) -> Result<Invoice> {
        let number = validate_invoice_number(number)?;
        let cents = parse_amount(amount)?;
        let currency = currency.trim().to_ascii_uppercase();
        if currency.len() != 3 || !currency.bytes().all(|b| b.is_ascii_uppercase()) {
            return Err(StoreError::Invalid(format!(
                "currency {currency:?} must be a three-letter ISO 4217 code (e.g. EUR)"
            )));
        }
        let subject = format!("{} {number}", account.public_id);
        audited_change!(self, Account, account.id, actor, "invoice.add", subject, tx => {
            exec!(
                tx,
                "INSERT INTO invoices (account_id, number, amount_cents, currency, due_date, created_at) \
                 VALUES ($1, $2, $3, $4, $5, $6)",
                account.id, number, cents, &currency, due.format("%Y-%m-%d").to_string(), now()
            )
            .map_err(|e| conflict_on_unique(e, format!("invoice {number} already exists")))?;
        });
        self.invoice(number).await
    }

    pub async fn invoice(&self, number: &str) -> Result<Invoice> {
        let sql = format!("SELECT {COLUMNS} FROM invoices WHERE number = $1");
        found!(self, sql, [number.trim()], "no invoice numbered {number:?}")
    }

    /// Marks the invoice paid. Paying an already-paid invoice is a no-op, not an error; a
    /// void one cannot be paid.
    pub async fn pay_invoice(&self, number: &str, actor: &str) -> Result<Invoice> {
        self.close_invoice(number, Closing::Paid, actor).await
    }

    /// Voids an invoice entered by mistake, with the reason (audited). Voiding a void
    /// invoice again is a no-op; a paid one cannot be voided.
    pub async fn void_invoice(&self, number: &str, reason: &str, actor: &str) -> Result<Invoice> {
        let reason = reason.trim();
        if reason.is_empty() || reason.chars().count() > 500 || reason.chars().any(char::is_control)
        {
            return Err(StoreError::Invalid(
                "give the reason for voiding the invoice: 1 to 500 characters on one line".into(),
            ));
        }
        self.close_invoice(number, Closing::Void(reason), actor)
            .await
    }

    /// Closes the invoice the `to` way (see [`needs_closing`]), audited, in one statement:
    /// the column of the other way is left as it is.
    async fn close_invoice(&self, number: &str, to: Closing<'_>, actor: &str) -> Result<Invoice> {
        let invoice = self.invoice(number).await?;
        if !needs_closing(&invoice, to)? {
            return Ok(invoice);
        }
        let (action, subject, paid, void) = match to {
            Closing::Paid => ("invoice.pay", invoice.number.clone(), Some(now()), None),
            Closing::Void(reason) => (
                "invoice.void",
                format!("{}: {reason}", invoice.number),
                None,
                Some((now(), reason)),
            ),
        };
        audited_change!(
            self,
            Account,
            invoice.account_id,
            actor,
            action,
            &subject,
            sqlx::query(
                "UPDATE invoices SET paid_at = COALESCE($1, paid_at), \
                 voided_at = COALESCE($2, voided_at), void_reason = COALESCE($3, void_reason) \
                 WHERE id = $4"
            )
            .bind(paid)
            .bind(void.map(|(at, _)| at))
            .bind(void.map(|(_, reason)| reason))
            .bind(invoice.id)
        );
        self.invoice(number).await
    }

    /// Every unpaid invoice ([`UNPAID`]) of every account: what a list of accounts needs to
    /// show each one's standing.
    pub async fn unpaid_invoices(&self) -> Result<Vec<Invoice>> {
        let sql = format!("SELECT {COLUMNS} FROM invoices WHERE {UNPAID} ORDER BY due_date, id");
        Ok(on_db!(self, pool => sqlx::query_as(sqlx::AssertSqlSafe(sql)).fetch_all(pool).await?))
    }

    pub async fn invoices_of(&self, account: &Account) -> Result<Vec<Invoice>> {
        let sql =
            format!("SELECT {COLUMNS} FROM invoices WHERE account_id = $1 ORDER BY due_date, id");
        Ok(
            on_db!(self, pool => sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(account.id).fetch_all(pool).await?),
        )
    }
}

/// The two ways an invoice is closed (a void one with its reason); each is final and
/// excludes the other.
#[derive(Clone, Copy)]
enum Closing<'a> {
    Paid,
    Void(&'a str),
}

/// Whether closing `invoice` the `to` way changes anything: false when it is already closed
/// that way (a no-op), a conflict when it is closed the other way.
fn needs_closing(invoice: &Invoice, to: Closing<'_>) -> Result<bool> {
    let (done, other, other_state, verb) = match to {
        Closing::Paid => (invoice.is_paid(), invoice.is_void(), "void", "paid"),
        Closing::Void(_) => (invoice.is_void(), invoice.is_paid(), "paid", "voided"),
    };
    if done {
        return Ok(false);
    }
    if other {
        return Err(StoreError::Conflict(format!(
            "invoice {} is {other_state} and cannot be {verb}",
            invoice.number
        )));
    }
    Ok(true)
}
