//! Fixtures the store's conformance tests share, built through the public functions: an
//! account with a given contact name and password, a private product, and readers for what
//! the audit log and the password columns hold. One home, so a test file does not grow its
//! own copy of account creation or of the audit-log query.

use crate::accounts::{Account, NewAccount};
use crate::products::Product;
use crate::tests::TestDb;

impl TestDb {
    /// An active account called Acme Corp with `email`, whose contact has a password set.
    pub(crate) async fn account_with_password(&self, email: &str) -> Account {
        let new = NewAccount {
            email,
            name: "Acme Corp",
            id_prefix: "MAG",
            password_hash: Some("$argon2id$placeholder".into()),
        };
        self.create_account(new, "test").await.unwrap()
    }

    /// A private product `slug` (shown as `name`) covering the packages `pattern` matches.
    pub(crate) async fn private_product(&self, slug: &str, name: &str, pattern: &str) -> Product {
        self.create_product(slug, name, &[pattern.to_string()], false, "t")
            .await
            .unwrap()
    }

    /// The actions of the newest `limit` audit entries, newest first.
    pub(crate) async fn audit_actions(&self, limit: i64) -> Vec<String> {
        let entries = self.audit_log(limit).await.unwrap();
        entries.into_iter().map(|e| e.action).collect()
    }

    /// The password hash user `email` logs in with (`None`: not set yet).
    pub(crate) async fn user_password_hash(&self, email: &str) -> Option<String> {
        self.user_by_email(email).await.unwrap().unwrap().1
    }

    /// The password hash stored on the account whose contact is `email`.
    pub(crate) async fn account_password_hash(&self, email: &str) -> Option<String> {
        self.account_by_email(email).await.unwrap().unwrap().1
    }
}
