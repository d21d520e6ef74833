//! Release downloads set up through the library, as `packyard release add`, `packyard token
//! generate` and `packyard invoice add` do it.

use chrono::NaiveDate;
use packyard_core::releases::ingest::{ReleaseRequest, add_release};
use packyard_store::products::Product;

use super::{ACTOR, Customer, Request, Response, TestServer};

/// One release file to add.
pub struct NewFile<'a> {
    pub name: &'a str,
    pub kind: &'a str,
    pub version: &'a str,
    pub product: &'a str,
    pub bytes: &'a [u8],
}

impl TestServer {
    /// Adds a release file as `packyard release add` does.
    pub async fn release(&self, file: &NewFile<'_>) {
        let request = ReleaseRequest {
            file_name: file.name,
            kind: file.kind,
            version: file.version,
            product: file.product,
            max_bytes: u64::MAX,
        };
        add_release(self.db(), &self.state.blobs, &request, file.bytes, ACTOR)
            .await
            .unwrap_or_else(|e| panic!("adding {}: {e}", file.name));
    }

    /// A fresh download token for `customer`'s account, visible once this returns.
    pub async fn download_token(&self, customer: &Customer) -> String {
        let token = self.db().generate_token(&customer.account, ACTOR).await;
        self.refresh().await;
        token.unwrap()
    }

    /// A customer licensed for `products` with updates until `until`, and its download
    /// token.
    pub async fn release_account(
        &self,
        email: &str,
        products: &[&Product],
        until: Option<NaiveDate>,
    ) -> (Customer, String) {
        let customer = self.customer(email, &[]).await;
        for product in products {
            let account = &customer.account;
            self.db()
                .grant(account, product, until, ACTOR)
                .await
                .unwrap();
        }
        let token = self.download_token(&customer).await;
        (customer, token)
    }

    /// An invoice over `amount` EUR due on `due`, visible once this returns.
    pub async fn invoice(&self, customer: &Customer, number: &str, amount: &str, due: &str) {
        let due = NaiveDate::parse_from_str(due, "%Y-%m-%d").unwrap();
        let account = &customer.account;
        self.db()
            .add_invoice(account, number, amount, "EUR", due, ACTOR)
            .await
            .unwrap();
        self.refresh().await;
    }

    /// `GET /products/downloads/{path}` with an account id and token.
    pub async fn downloads(&self, path: &str, id: &str, token: &str) -> Response {
        let request = Request::get(&format!("/products/downloads/{path}")).basic(id, token);
        self.send(request).await
    }
}
