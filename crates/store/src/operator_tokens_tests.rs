//! Conformance tests for operators and their API tokens, on both backends.

use crate::Db;
use crate::StoreError;
use crate::operator_tokens::TokenScope;
use crate::secret::sha256;
use crate::tests::TestDb;
use packyard_testkit::{Backend, backend_tests};

backend_tests!(async operators_and_admin_tokens);
async fn operators_and_admin_tokens(backend: Backend) {
    let db = TestDb::open(backend).await;
    db.create_operator("ops@example.com", "$argon2id$fake", "t")
        .await
        .unwrap();
    let created = db
        .create_operator_token("ops@example.com", "ci", TokenScope::Publish, "t")
        .await
        .unwrap();
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
    db.create_operator("a@example.com", "$argon2id$fake", "t")
        .await
        .unwrap();
    db.create_operator("b@example.com", "$argon2id$fake", "t")
        .await
        .unwrap();
    let a1 = db
        .create_operator_token("a@example.com", "one", TokenScope::Admin, "t")
        .await
        .unwrap();
    let a2 = db
        .create_operator_token("a@example.com", "two", TokenScope::Read, "t")
        .await
        .unwrap();
    let b = db
        .create_operator_token("b@example.com", "b", TokenScope::Admin, "t")
        .await
        .unwrap();
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
