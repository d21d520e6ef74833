//! Products, entitlements and invoices: `/api/v1/products…`, `/api/v1/entitlements`,
//! `/api/v1/accounts/{id}/entitlements…`, `/api/v1/invoices…`.

use packyard_store::entitlements::GrantChange;
pub use packyard_store::entitlements::Licence as LicenceView;
pub use packyard_store::invoices::Invoice as InvoiceView;
pub use packyard_store::products::Product as ProductView;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::macros::list;

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
    pub name: Option<String>,
    pub packages: Option<Vec<String>>,
    pub public: Option<bool>,
}

list!(ProductList, products: ProductView);

#[derive(Clone, Debug, Default, Serialize, Deserialize, ToSchema)]
pub struct GrantBody {
    /// Releases after this date (YYYY-MM-DD) are not covered; null for unlimited updates.
    pub updates_until: Option<String>,
    /// Only versions matching this Composer constraint are covered (e.g. "<3.0"); null for
    /// every version.
    pub versions: Option<String>,
}

list!(EntitlementList, entitlements: LicenceView);

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

/// An invoice with the account it belongs to, as listings give it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct AccountInvoice {
    #[serde(flatten)]
    pub invoice: InvoiceView,
    pub account: String,
}

list!(InvoiceList, invoices: AccountInvoice);
