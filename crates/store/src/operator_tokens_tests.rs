//! Conformance tests for operators and their API tokens, on both backends.

use crate::db::Db;
use crate::error::StoreError;
use crate::operator_tokens::{CreatedOperatorToken, TokenScope};
use crate::secret::sha256;
use crate::tests::TestDb;
use packyard_testkit::{Backend, backend_tests};

/// A new operator (`email`), who logs in with a fake hash.
async fn operator(db: &Db, email: &str) {
    db.create_operator(email, "$argon2id$fake", "t")
        .await
        .unwrap();
}

/// A new API token of `email`'s.
async fn token(db: &Db, email: &str, name: &str, scope: TokenScope) -> CreatedOperatorToken {
    db.create_operator_token(email, name, scope, "t")
        .await
        .unwrap()
}

backend_tests!(async operators_and_admin_tokens);
async fn operators_and_admin_tokens(backend: Backend) {
    let db = TestDb::open(backend).await;
    operator(&db, "ops@example.com").await;
    let created = token(&db, "ops@example.com", "ci", TokenScope::Publish).await;
    assert!(created.token.starts_with("pya_"));
    let active = db.active_operator_tokens().await.unwrap();
    assert_eq!(active[0].token_hash, sha256(&created.token));
    assert_eq!(active[0].scope, TokenScope::Publish);
    assert!(matches!(
        db.create_operator_token("nobody@example.com", "ci", TokenScope::Admin, "t")
            .await,
        Err(StoreError::NotFound(_))
    ));
}

backend_tests!(async revoked_tokens_and_disabled_operators_stop_authenticating);
async fn revoked_tokens_and_disabled_operators_stop_authenticating(backend: Backend) {
    let db = TestDb::open(backend).await;
    operator(&db, "a@example.com").await;
    operator(&db, "b@example.com").await;
    let a1 = token(&db, "a@example.com", "one", TokenScope::Admin).await;
    let a2 = token(&db, "a@example.com", "two", TokenScope::Read).await;
    let b = token(&db, "b@example.com", "b", TokenScope::Admin).await;
    let active_ids = |db: Db| async move {
        let mut ids: Vec<i64> = db
            .active_operator_tokens()
            .await
            .unwrap()
            .iter()
            .map(|t| t.id)
            .collect();
        ids.sort();
        ids
    };
    assert_eq!(active_ids(db.clone()).await, vec![a1.id, a2.id, b.id]);
    let revoked = db.revoke_operator_token(a1.id, "t").await.unwrap();
    assert!(revoked.revoked_at.is_some());
    assert_eq!(active_ids(db.clone()).await, vec![a2.id, b.id]);
    db.set_operator_disabled("b@example.com", true, "t")
        .await
        .unwrap();
    assert_eq!(active_ids(db.clone()).await, vec![a2.id]);
    db.set_operator_disabled("b@example.com", false, "t")
        .await
        .unwrap();
    assert_eq!(active_ids(db.clone()).await, vec![a2.id, b.id]);
    // Listing shows revoked tokens too, per operator or all.
    assert_eq!(
        db.operator_tokens(Some("a@example.com"))
            .await
            .unwrap()
            .len(),
        2
    );
    assert_eq!(db.operator_tokens(None).await.unwrap().len(), 3);
    assert!(matches!(
        db.revoke_operator_token(9999, "t").await,
        Err(StoreError::NotFound(_))
    ));
}
