//! Conformance tests for SPEC §13's storage: users and roles with the last-owner rule,
//! single-use password links, key scopes, imported pairs, personal keys and version
//! constraints on grants. Each body runs on SQLite and PostgreSQL (see `tests::TestDb`).

use packyard_testkit::{Backend, backend_tests};

use crate::entitlements::{GrantChange, GrantTerms};
use crate::error::StoreError;
use crate::keys::NewKey;
use crate::tests::TestDb;
use crate::users::Role;

backend_tests!(async the_primary_contact_is_the_first_owner_and_an_owner_always_remains);
async fn the_primary_contact_is_the_first_owner_and_an_owner_always_remains(backend: Backend) {
    let db = TestDb::open(backend).await;
    let acct = db.test_account("boss@example.com").await;
    let members = db.users_of(&acct).await.unwrap();
    assert_eq!(members.len(), 1);
    assert_eq!(
        (members[0].email.as_str(), members[0].role),
        ("boss@example.com", Role::Owner)
    );

    let (dev, needs_password) = db
        .add_user(
            &acct,
            "Dev@Example.com",
            Role::Developer,
            None,
            "boss@example.com",
        )
        .await
        .unwrap();
    assert!(needs_password);
    assert_eq!(dev.email, "dev@example.com");
    let again = db
        .add_user(&acct, "dev@example.com", Role::Billing, None, "t")
        .await;
    assert!(matches!(again, Err(StoreError::Conflict(_))), "{again:?}");

    // The last owner can neither leave nor be demoted; with a second owner, both work.
    let last = db.remove_user(&acct, "boss@example.com", "t").await;
    assert!(
        matches!(&last, Err(StoreError::Invalid(m)) if m.contains("last owner")),
        "{last:?}"
    );
    assert!(
        db.set_role(&acct, "boss@example.com", Role::Billing, "t")
            .await
            .is_err()
    );
    db.set_role(&acct, "dev@example.com", Role::Owner, "t")
        .await
        .unwrap();
    db.set_role(&acct, "boss@example.com", Role::Billing, "t")
        .await
        .unwrap();
    db.remove_user(&acct, "boss@example.com", "t")
        .await
        .unwrap();
    let members = db.users_of(&acct).await.unwrap();
    assert_eq!(members.len(), 1);
    assert_eq!(members[0].role, Role::Owner);

    // One email, two accounts.
    let other = db.test_account("other@example.com").await;
    db.add_user(&other, "dev@example.com", Role::Billing, None, "t")
        .await
        .unwrap();
    let user = db.user("dev@example.com").await.unwrap();
    let roles: Vec<(String, Role)> = db
        .memberships(&user)
        .await
        .unwrap()
        .into_iter()
        .map(|m| (m.account.public_id, m.role))
        .collect();
    assert_eq!(
        roles,
        [
            (acct.public_id.clone(), Role::Owner),
            (other.public_id.clone(), Role::Billing)
        ]
    );
    assert!(Role::parse("admin").is_err());
    let entries = db.audit_log(20).await.unwrap();
    assert!(
        entries
            .iter()
            .any(|e| e.action == "user.add" && e.actor == "boss@example.com")
    );
}

backend_tests!(async a_password_link_works_once);
async fn a_password_link_works_once(backend: Backend) {
    let db = TestDb::open(backend).await;
    let acct = db.test_account("o@example.com").await;
    let (user, _) = db
        .add_user(&acct, "new@example.com", Role::Billing, None, "t")
        .await
        .unwrap();
    let t = crate::db::now();
    let token = db.create_password_link(&user, t).await.unwrap();
    assert_eq!(
        db.password_link_user(&token, t).await.unwrap().email,
        "new@example.com"
    );
    // A week later, as the caller's clock tells, the link no longer works.
    let week = crate::password_links::LINK_TTL_SECS;
    assert!(db.password_link_user(&token, t + week).await.is_err());
    assert!(
        db.redeem_password_link(&token, "$argon2id$late", t + week)
            .await
            .is_err()
    );
    db.redeem_password_link(&token, "$argon2id$new", t + week - 1)
        .await
        .unwrap();
    let hash = db.user_password_hash("new@example.com").await;
    assert_eq!(hash.as_deref(), Some("$argon2id$new"));
    assert!(
        db.redeem_password_link(&token, "$argon2id$again", t)
            .await
            .is_err()
    );
    assert!(db.password_link_user("not-a-token", t).await.is_err());
}

backend_tests!(async keys_can_be_scoped_imported_and_personal);
async fn keys_can_be_scoped_imported_and_personal(backend: Backend) {
    let db = TestDb::open(backend).await;
    let acct = db.test_account("k@example.com").await;
    let a = db.private_product("alpha", "Alpha", "acme/a").await;
    let b = db.private_product("beta", "Beta", "acme/b").await;
    db.grant(&acct, &a, None, "t").await.unwrap();

    // A scope may name only the account's products.
    // A key limited to one product.
    let scoped_to = |name, product| NewKey {
        name,
        products: std::slice::from_ref(product),
        pair: None,
    };
    let refused = db.create_account_key(&acct, &scoped_to("x", &b), "t").await;
    assert!(
        matches!(&refused, Err(StoreError::Invalid(m)) if m.contains("beta")),
        "{refused:?}"
    );
    let scoped = db
        .create_account_key(&acct, &scoped_to("only alpha", &a), "dev@example.com")
        .await
        .unwrap();
    let stored = db.key(&scoped.public_key).await.unwrap();
    assert_eq!(stored.products, ["alpha"]);
    assert_eq!(stored.created_by.as_deref(), Some("dev@example.com"));

    // An imported pair keeps its halves; a malformed or taken one is refused.
    let public = "A".repeat(32);
    let private = "b1".repeat(16);
    let imported = NewKey {
        name: "moved",
        products: &[],
        pair: Some((&public, &private)),
    };
    let made = db
        .create_account_key(&acct, &imported, "cli")
        .await
        .unwrap();
    assert_eq!(
        (made.public_key.as_str(), made.private_key.as_str()),
        (public.as_str(), private.as_str())
    );
    let key = db.key(&public).await.unwrap();
    assert_eq!(key.private_key_hash, crate::secret::sha256(&private));
    assert!(matches!(
        db.create_account_key(&acct, &imported, "cli").await,
        Err(StoreError::Conflict(_))
    ));
    let short = NewKey {
        name: "bad",
        products: &[],
        pair: Some(("abc", &private)),
    };
    assert!(matches!(
        db.create_account_key(&acct, &short, "cli").await,
        Err(StoreError::Invalid(_))
    ));

    // Personal keys belong to the user; they appear in the people rows, not the account's.
    let user = db.user("k@example.com").await.unwrap();
    let personal = db
        .create_personal_key(&user, "laptop", "k@example.com")
        .await
        .unwrap();
    assert_eq!(
        db.personal_keys_of(&user).await.unwrap()[0].public_key,
        personal.public_key
    );
    assert!(
        db.keys_of(&acct)
            .await
            .unwrap()
            .iter()
            .all(|k| k.public_key != personal.public_key)
    );
    let people = db.people_rows().await.unwrap();
    assert_eq!(people.personal_keys.len(), 1);
    assert_eq!(people.memberships, [(user.id, acct.id)]);
    db.set_key_enabled(&personal.public_key, false, "t")
        .await
        .unwrap();
    db.delete_key(&scoped.public_key, "t").await.unwrap();
}

backend_tests!(async grants_carry_a_version_constraint);
async fn grants_carry_a_version_constraint(backend: Backend) {
    let db = TestDb::open(backend).await;
    let acct = db.test_account("g@example.com").await;
    let p = db.private_product("suite", "Suite", "acme/*").await;
    let terms = GrantTerms {
        updates_until: None,
        versions: Some("<3.0".parse().unwrap()),
    };
    assert_eq!(
        db.grant_with(&acct, &p, &terms, "t").await.unwrap(),
        GrantChange::New
    );
    assert_eq!(
        db.grant_with(&acct, &p, &terms, "t").await.unwrap(),
        GrantChange::Unchanged
    );
    let e = &db.entitlements_of(&acct).await.unwrap()[0];
    assert_eq!(e.versions.as_deref(), Some("<3.0"));
    assert!(e.versions_constraint().unwrap().unwrap().matches("2.9.0.0"));
    let change = db.grant(&acct, &p, None, "t").await.unwrap();
    assert_eq!(
        change,
        GrantChange::Changed {
            previous: None,
            previous_versions: Some("<3.0".into())
        }
    );
    assert_eq!(db.licences(Some(&acct)).await.unwrap()[0].versions, None);
}

backend_tests!(async migration_0010_makes_each_primary_contact_the_first_owner);
async fn migration_0010_makes_each_primary_contact_the_first_owner(backend: Backend) {
    let db = TestDb::open_at(backend, 9).await;
    crate::macros::on_db!(&*db, pool => {
        for (id, email, hash) in [("MAG000000901", "first@example.com", Some("$argon2id$first")), ("MAG000000902", "second@example.com", None)] {
            sqlx::query("INSERT INTO accounts (public_id, email, name, password_hash, status, created_at) VALUES ($1, $2, 'Old', $3, 'active', 1)")
                .bind(id)
                .bind(email)
                .bind(hash)
                .execute(pool)
                .await
                .unwrap();
        }
    });
    db.migrate().await.unwrap();
    let first = db.account("MAG000000901").await.unwrap();
    let members = db.users_of(&first).await.unwrap();
    assert_eq!(members.len(), 1);
    assert_eq!(
        (
            members[0].email.as_str(),
            members[0].role,
            members[0].password_set
        ),
        ("first@example.com", Role::Owner, true)
    );
    assert_eq!(
        db.user_password_hash("first@example.com").await.as_deref(),
        Some("$argon2id$first")
    );
    let second = db.account("MAG000000902").await.unwrap();
    assert!(!db.users_of(&second).await.unwrap()[0].password_set);
}
