//! Catalog set-up through the CLI in one call each: products, licences, invoices, download
//! tokens, so a test body reads as the scenario it checks.

use super::Server;

/// `invoice add ACCOUNT NUMBER` over `amount` EUR due on `due`.
pub fn invoice_args<'a>(
    account: &'a str,
    number: &'a str,
    amount: &'a str,
    due: &'a str,
) -> [&'a str; 10] {
    [
        "invoice",
        "add",
        account,
        number,
        "--amount",
        amount,
        "--currency",
        "EUR",
        "--due",
        due,
    ]
}

impl Server {
    /// Publishes `zips` in one `packyard publish` and checks that every one was published.
    pub fn publish_all(&self, zips: &[(String, Vec<u8>)]) {
        let report = self.publish(zips);
        let published = report["published"].as_array().map_or(0, Vec::len);
        assert_eq!(published, zips.len(), "{report}");
    }

    /// `packyard product create SLUG --name NAME --packages PATTERNS`, plus `extra` flags.
    pub fn product(&self, slug: &str, name: &str, packages: &str, extra: &[&str]) {
        let mut args = vec![
            "product",
            "create",
            slug,
            "--name",
            name,
            "--packages",
            packages,
        ];
        args.extend_from_slice(extra);
        self.cli(&args);
    }

    /// Licenses `account` for each of `products` (no `updates_until`).
    pub fn grant(&self, account: &str, products: &[&str]) {
        let mut args = vec!["entitlement", "grant", account];
        args.extend_from_slice(products);
        self.cli(&args);
    }

    /// Licenses `account` for `product` with releases up to `until` (YYYY-MM-DD).
    pub fn grant_until(&self, account: &str, product: &str, until: &str) {
        let args = ["entitlement", "grant", account, product];
        self.cli(&[&args[..], &["--updates-until", until]].concat());
    }

    /// A customer with one key, licensed for `products`: (account id, public, private key).
    pub fn licensed_customer(&self, email: &str, products: &[&str]) -> (String, String, String) {
        let customer = self.customer(email);
        if !products.is_empty() {
            self.grant(&customer.0, products);
        }
        customer
    }

    /// Adds an invoice over `amount` EUR due on `due` (YYYY-MM-DD).
    pub fn invoice(&self, account: &str, number: &str, amount: &str, due: &str) {
        self.cli(&invoice_args(account, number, amount, due));
    }

    /// Generates (or replaces) the account's download token and returns it.
    pub fn download_token(&self, account: &str) -> String {
        self.cli_json(&["token", "generate", account])["token"]
            .as_str()
            .expect("token generate prints the token")
            .to_string()
    }

    /// `GET path` (from the server's root) with this key pair.
    pub fn get_as(&self, path: &str, public: &str, private: &str) -> super::HttpResponse {
        super::curl_as(&format!("{}{path}", self.url), public, private, &[])
    }

    /// The status of `GET /packages.json` with this key pair.
    pub fn root_status(&self, public: &str, private: &str) -> u16 {
        let url = format!("{}/packages.json", self.url);
        super::curl_as(&url, public, private, &[]).status
    }

    /// The `available-packages` of the root document as this key pair sees it.
    pub fn visible_packages(&self, public: &str, private: &str) -> serde_json::Value {
        let url = format!("{}/packages.json", self.url);
        super::curl_as(&url, public, private, &[]).json()["available-packages"].clone()
    }

    /// Asserts that the root answers `status` to this key pair within the SPEC's second
    /// (after `change`, named in the failure).
    pub fn root_status_becomes(&self, public: &str, private: &str, status: u16, change: &str) {
        let reached = super::eventually(super::PROPAGATION, || {
            self.root_status(public, private) == status
        });
        assert!(reached, "{change}: not answered {status} within 1 s");
    }

    /// Waits (up to 5 s) until this key pair is accepted.
    pub fn wait_accepted(&self, public: &str, private: &str) {
        let accepted = super::eventually(super::PROPAGATION * 5, || {
            self.root_status(public, private) == 200
        });
        assert!(accepted, "key {public} was never accepted");
    }
}
