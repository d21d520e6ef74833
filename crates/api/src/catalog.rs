//! Products, entitlements and invoices: `/api/v1/products…`, `/api/v1/entitlements`,
//! `/api/v1/accounts/{id}/entitlements…`, `/api/v1/invoices…`.

use packyard_store::StoreError;
use packyard_store::accounts::Account;
pub use packyard_store::entitlements::GrantChange as GrantChangeView;
pub use packyard_store::entitlements::Licence as LicenceView;
pub use packyard_store::invoices::Invoice as InvoiceView;
pub use packyard_store::products::Product as ProductView;
use packyard_store::products::{ProductChange, parse_patterns};
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

impl NewProduct {
    /// The package names and patterns, checked as the store requires.
    pub fn patterns(&self) -> Result<Vec<String>, StoreError> {
        parse_patterns(&self.packages.join(","))
    }
}

#[derive(Clone, Debug, Default, Serialize, Deserialize, ToSchema)]
pub struct ProductPatch {
    pub name: Option<String>,
    pub packages: Option<Vec<String>>,
    pub public: Option<bool>,
}

impl ProductPatch {
    /// The store's change, its patterns checked as for a new product.
    pub fn into_change(self) -> Result<ProductChange, StoreError> {
        let packages = self.packages.map(|p| parse_patterns(&p.join(",")));
        Ok(ProductChange {
            name: self.name,
            patterns: packages.transpose()?,
            public: self.public,
        })
    }
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

impl AccountInvoice {
    /// `account`'s invoices, each with the account's id.
    pub fn all_of(account: &Account, invoices: Vec<InvoiceView>) -> Vec<AccountInvoice> {
        let account = &account.public_id;
        let with_account = |invoice| AccountInvoice {
            invoice,
            account: account.clone(),
        };
        invoices.into_iter().map(with_account).collect()
    }
}

list!(InvoiceList, invoices: AccountInvoice);
