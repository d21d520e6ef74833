//! Upstream rows on both backends: registration with encrypted secrets kept opaque, the
//! priority order, fetched metadata files and stored dists (which `storage gc` must keep).

use packyard_testkit::{Backend, backend_tests};

use crate::error::StoreError;
use crate::tests::TestDb;
use crate::upstreams::{NewUpstream, UpstreamAuth, UpstreamDist, UpstreamFile};

fn new<'a>(name: &'a str, priority: i64, packages: &'a [String]) -> NewUpstream<'a> {
    NewUpstream {
        name,
        url: "https://repo.example.test/",
        priority,
        packages,
        auth: UpstreamAuth::None,
        username: None,
        secret: None,
    }
}

backend_tests!(async upstreams_register_in_priority_order);
async fn upstreams_register_in_priority_order(backend: Backend) {
    let db = TestDb::open(backend).await;
    let magento = ["magento/*".to_string()];
    let mut creds = new("magento", 1, &magento);
    creds.auth = UpstreamAuth::Basic;
    creds.username = Some("pub");
    creds.secret = Some(&[9, 8, 7]);
    let added = db.add_upstream(&creds, "t").await.unwrap();
    assert_eq!(
        added.url, "https://repo.example.test",
        "trailing slash dropped"
    );
    assert_eq!(added.packages, magento);
    assert_eq!(added.secret.as_deref(), Some(&[9u8, 8, 7][..]));
    db.add_upstream(&new("packagist", 0, &[]), "t")
        .await
        .unwrap();
    assert!(matches!(
        db.add_upstream(&new("packagist", 5, &[]), "t").await,
        Err(StoreError::Conflict(_))
    ));
    assert!(matches!(
        db.add_upstream(&new("bad name", 5, &[]), "t").await,
        Err(StoreError::Invalid(_))
    ));
    let mut ftp = new("ftp", 5, &[]);
    ftp.url = "ftp://x";
    assert!(matches!(
        db.add_upstream(&ftp, "t").await,
        Err(StoreError::Invalid(_))
    ));
    let names: Vec<String> = db
        .upstreams()
        .await
        .unwrap()
        .into_iter()
        .map(|u| u.name)
        .collect();
    assert_eq!(names, ["packagist", "magento"]);
    let json = serde_json::to_string(&db.upstream("magento").await.unwrap()).unwrap();
    assert!(!json.contains("secret"), "secrets never serialize: {json}");

    db.record_upstream_error(added.id, Some("HTTP 401"))
        .await
        .unwrap();
    let up = db.upstream("magento").await.unwrap();
    assert_eq!(up.last_error.as_deref(), Some("HTTP 401"));
    db.record_upstream_error(added.id, None).await.unwrap();
    assert_eq!(db.upstream("magento").await.unwrap().last_error, None);

    db.remove_upstream("magento", "t").await.unwrap();
    assert!(matches!(
        db.upstream("magento").await,
        Err(StoreError::NotFound(_))
    ));
}

backend_tests!(async upstream_files_and_dists_are_kept);
async fn upstream_files_and_dists_are_kept(backend: Backend) {
    let db = TestDb::open(backend).await;
    let up = db
        .add_upstream(&new("packagist", 0, &[]), "t")
        .await
        .unwrap();
    let mut file = UpstreamFile {
        upstream_id: up.id,
        file: "psr/log".into(),
        body: "{}".into(),
        last_modified: Some("Mon, 01 Jan 2024 00:00:00 GMT".into()),
        etag: None,
        fetched_at: 1,
    };
    db.save_upstream_file(&file).await.unwrap();
    file.body = r#"{"packages":{}}"#.into();
    file.etag = Some("\"e1\"".into());
    db.save_upstream_file(&file).await.unwrap();
    let got = db.upstream_file(up.id, "psr/log").await.unwrap().unwrap();
    assert_eq!(got.body, file.body, "a refetch replaces the file");
    assert_eq!(got.etag, file.etag);
    assert_eq!(db.upstream_files().await.unwrap().len(), 1);
    assert!(db.upstream_file(up.id, "x/y").await.unwrap().is_none());

    let dist = UpstreamDist {
        upstream_id: up.id,
        package: "psr/log".into(),
        version_normalized: "3.0.0.0".into(),
        reference: "abc".into(),
        sha1: "0".repeat(40),
        size: 10,
        blob_key: "dists/ab/cd/mirrored.zip".into(),
        released_at: 1_700_000_000,
    };
    db.save_upstream_dist(&dist).await.unwrap();
    db.save_upstream_dist(&dist).await.unwrap();
    let found = db
        .upstream_dist(up.id, "psr/log", "3.0.0.0", "abc")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(found.blob_key, dist.blob_key);
    assert_eq!(db.upstream_dists().await.unwrap().len(), 1);
    assert!(db.blob_referenced(&dist.blob_key).await.unwrap());
    assert!(
        db.referenced_blob_keys()
            .await
            .unwrap()
            .contains(&dist.blob_key),
        "storage gc keeps mirrored dists"
    );
}
