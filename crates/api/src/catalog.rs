//! Products, entitlements and invoices: `/api/v1/products…`, `/api/v1/entitlements`,
//! `/api/v1/accounts/{id}/entitlements…`, `/api/v1/invoices…`.

use packyard_store::entitlements::{GrantChange, Licence};
use packyard_store::invoices::Invoice;
use packyard_store::products::Product;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use packyard_store::timestamps::rfc3339_text as time;

#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct NewProduct {
    /// Short id, e.g. acme-pro.
    pub slug: String,
    pub name: String,
    /// Package names and patterns, e.g. ["acme/*", "acme/extra"].
    pub packages: Vec<String>,
    /// Installable by every active account without an entitlement.
    #[serde(default)]
    pub public: bool,
}

#[derive(Clone, Debug, Default, Serialize, Deserialize, ToSchema)]
pub struct ProductPatch {
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub packages: Option<Vec<String>>,
    #[serde(default)]
    pub public: Option<bool>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct ProductView {
    pub slug: String,
    pub name: String,
    /// Package names and patterns.
    pub patterns: Vec<String>,
    pub public: bool,
    /// RFC 3339.
    pub created_at: String,
}

impl From<Product> for ProductView {
    fn from(p: Product) -> Self {
        ProductView {
            slug: p.slug,
            name: p.name,
            patterns: p.patterns,
            public: p.public,
            created_at: time(p.created_at),
        }
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct ProductList {
    pub products: Vec<ProductView>,
}

#[derive(Clone, Debug, Default, Serialize, Deserialize, ToSchema)]
pub struct GrantBody {
    /// Releases after this date (YYYY-MM-DD) are not covered; null for unlimited updates.
    #[serde(default)]
    pub updates_until: Option<String>,
    /// Only versions matching this Composer constraint are covered (e.g. "<3.0"); null for
    /// every version.
    #[serde(default)]
    pub versions: Option<String>,
}

/// An entitlement with the names people use: account id and product slug.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct LicenceView {
    pub account: String,
    pub product: String,
    /// YYYY-MM-DD, or null for unlimited updates.
    pub updates_until: Option<String>,
    /// RFC 3339.
    pub created_at: String,
    /// A Composer constraint the licensed versions must match (null: any version).
    pub versions: Option<String>,
}

impl From<Licence> for LicenceView {
    fn from(l: Licence) -> Self {
        LicenceView {
            account: l.account,
            product: l.product,
            updates_until: l.updates_until,
            created_at: time(l.created_at),
            versions: l.versions,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct EntitlementList {
    pub entitlements: Vec<LicenceView>,
}

/// What a grant changed: `new`, `unchanged`, or `changed` with the previous terms.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct GrantChangeView {
    /// new, unchanged or changed.
    pub change: String,
    /// The previous `updates_until` (for `changed`; null = unlimited).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub previous: Option<Option<String>>,
    /// The previous version constraint (for `changed`, when there was one).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub previous_versions: Option<String>,
}

impl From<GrantChange> for GrantChangeView {
    fn from(c: GrantChange) -> Self {
        let (change, previous, previous_versions) = match c {
            GrantChange::New => ("new", None, None),
            GrantChange::Unchanged => ("unchanged", None, None),
            GrantChange::Changed {
                previous,
                previous_versions,
            } => ("changed", Some(previous), previous_versions),
        };
        GrantChangeView {
            change: change.into(),
            previous,
            previous_versions,
        }
    }
}

/// The answer to a grant.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Grant {
    pub account: String,
    pub product: String,
    pub updates_until: Option<String>,
    pub versions: Option<String>,
    pub change: GrantChangeView,
}

#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct NewInvoice {
    /// Invoice number, unique, e.g. INV-1001.
    pub number: String,
    /// Amount with at most two decimals, e.g. "100.00".
    pub amount: String,
    /// ISO 4217 code, e.g. EUR.
    pub currency: String,
    /// Due date, YYYY-MM-DD.
    pub due: String,
}

#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct VoidBody {
    /// Why the invoice is void (e.g. "entered twice"), kept with it and in the audit log.
    pub reason: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct InvoiceView {
    pub number: String,
    pub amount_cents: i64,
    pub currency: String,
    /// YYYY-MM-DD.
    pub due_date: String,
    /// RFC 3339, when paid.
    pub paid_at: Option<String>,
    /// RFC 3339.
    pub created_at: String,
    /// RFC 3339, when void.
    pub voided_at: Option<String>,
    pub void_reason: Option<String>,
}

impl From<Invoice> for InvoiceView {
    fn from(i: Invoice) -> Self {
        InvoiceView {
            number: i.number,
            amount_cents: i.amount_cents,
            currency: i.currency,
            due_date: i.due_date,
            paid_at: i.paid_at.map(time),
            created_at: time(i.created_at),
            voided_at: i.voided_at.map(time),
            void_reason: i.void_reason,
        }
    }
}

impl InvoiceView {
    /// The amount as typed, e.g. `100.00`.
    pub fn amount(&self) -> String {
        format!("{}.{:02}", self.amount_cents / 100, self.amount_cents % 100)
    }
}

/// An invoice with the account it belongs to, as listings give it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct AccountInvoice {
    #[serde(flatten)]
    pub invoice: InvoiceView,
    pub account: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct InvoiceList {
    pub invoices: Vec<AccountInvoice>,
}
