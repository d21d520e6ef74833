//! Git repository rows on both backends: the sync queue and the lease that allows one sync
//! per repository at a time across nodes, ref states, and branch versions that follow their
//! branch while tagged versions stay immutable. Bodies take a `Db` so any per-backend runner
//! can drive them.

use crate::db::Db;
use crate::error::StoreError;
use crate::packages::{NewVersion, PublishOutcome};
use crate::repo_refs::{GitRef, RefState};
use crate::tests::TestDb;
use packyard_testkit::{Backend, backend_tests};

async fn queue_and_lease(db: Db) {
    let backend = db.backend_name();
    let repo = db
        .add_repo("tools", "/srv/git/tools.git", &[7; 32], "t")
        .await
        .unwrap();
    assert!(!repo.sync_pending(), "{backend}: adding does not queue");
    assert!(
        matches!(
            db.add_repo("tools", "/other", &[1], "t").await,
            Err(StoreError::Conflict(_))
        ),
        "{backend}"
    );
    db.request_repo_sync(repo.id).await.unwrap();
    db.request_repo_sync(repo.id).await.unwrap();
    assert_eq!(
        db.pending_repo_syncs().await.unwrap(),
        vec![repo.id],
        "{backend}"
    );

    let ticket = db.acquire_repo_lease(repo.id, "node-a", 300).await.unwrap();
    assert_eq!(
        ticket,
        Some(2),
        "{backend}: the lease serves every request so far"
    );
    assert_eq!(
        db.acquire_repo_lease(repo.id, "node-b", 300).await.unwrap(),
        None,
        "{backend}: one sync at a time"
    );
    assert_ne!(
        db.acquire_repo_lease(repo.id, "node-a", 300).await.unwrap(),
        None,
        "{backend}: the owner renews"
    );
    db.request_repo_sync(repo.id).await.unwrap(); // arrives during the sync
    db.finish_repo_sync(repo.id, "node-a", 2, r#"{"imported":1}"#, None)
        .await
        .unwrap();
    assert_eq!(
        db.pending_repo_syncs().await.unwrap(),
        vec![repo.id],
        "{backend}: a request made mid-sync stays queued"
    );
    assert_eq!(
        db.acquire_repo_lease(repo.id, "node-b", 300).await.unwrap(),
        Some(3),
        "{backend}: the lease was freed"
    );
    db.finish_repo_sync(repo.id, "node-b", 3, "{}", Some("fetch failed"))
        .await
        .unwrap();
    let repo = db.repo(repo.id).await.unwrap();
    assert!(
        repo.last_sync_at.is_some() && !repo.sync_pending(),
        "{backend}"
    );
    assert_eq!(
        repo.last_sync_error.as_deref(),
        Some("fetch failed"),
        "{backend}"
    );

    // A lease freed at shutdown, or expired (a node died mid-sync), can be taken over.
    db.acquire_repo_lease(repo.id, "node-e", 300).await.unwrap();
    assert_eq!(
        db.release_repo_leases("node-e").await.unwrap(),
        1,
        "{backend}"
    );
    db.acquire_repo_lease(repo.id, "node-c", -1).await.unwrap();
    assert_ne!(
        db.acquire_repo_lease(repo.id, "node-d", 300).await.unwrap(),
        None,
        "{backend}"
    );

    let r = GitRef {
        repo_id: repo.id,
        ref_name: "refs/tags/v1.0.0".into(),
        commit: "a".repeat(40),
        upstream_commit: "b".repeat(40),
        state: RefState::Conflict,
        package: Some("acme/tools".into()),
        version: Some("v1.0.0".into()),
        reason: Some("tag moved".into()),
        updated_at: 0,
    };
    db.save_repo_ref(&r).await.unwrap();
    db.save_repo_ref(&r).await.unwrap();
    let refs = db.repo_refs(repo.id).await.unwrap();
    assert_eq!(
        (refs.len(), refs[0].state),
        (1, RefState::Conflict),
        "{backend}"
    );
    db.remove_repo(repo.id, "t").await.unwrap();
    assert!(db.repo_refs(repo.id).await.unwrap().is_empty(), "{backend}");
    assert!(
        matches!(db.repo(repo.id).await, Err(StoreError::NotFound(_))),
        "{backend}"
    );
}

fn version<'a>(version: &'a str, normalized: &'a str, sha: &'a str) -> NewVersion<'a> {
    NewVersion {
        name: "acme/tools",
        version,
        version_normalized: normalized,
        manifest: "{}",
        released_at: 1,
        sha1: sha,
        sha256: sha,
        size: 1,
        blob_key: sha,
    }
}

async fn branches_follow_tags_stay(db: Db) {
    let backend = db.backend_name();
    let publish = |v| {
        let db = db.clone();
        async move { db.publish_branch_version(&v, "t").await }
    };
    // The branch moves (s2) after a no-op re-publish of the same bytes (s1).
    for (sha, outcome) in [
        ("s1", PublishOutcome::Published),
        ("s1", PublishOutcome::Unchanged),
        ("s2", PublishOutcome::Published),
    ] {
        let got = publish(version("dev-main", "dev-main", sha)).await.unwrap();
        assert_eq!(got, outcome, "{backend}: {sha}");
    }
    let versions = db.versions_page(0, 10).await.unwrap();
    assert_eq!(
        (versions.len(), versions[0].sha1.as_str()),
        (1, "s2"),
        "{backend}: the branch version was replaced"
    );
    assert!(
        matches!(
            publish(version("1.0.0", "1.0.0.0", "s3")).await,
            Err(StoreError::Invalid(_))
        ),
        "{backend}"
    );
}

backend_tests!(async repository_queue_and_lease);
async fn repository_queue_and_lease(backend: Backend) {
    let db = TestDb::open(backend).await;
    queue_and_lease((*db).clone()).await;
}

backend_tests!(async branch_versions_follow_their_branch);
async fn branch_versions_follow_their_branch(backend: Backend) {
    let db = TestDb::open(backend).await;
    branches_follow_tags_stay((*db).clone()).await;
}
