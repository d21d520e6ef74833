//! Unit tests of the local backend: round trips, hashes, limits, key validation.

use super::*;

#[tokio::test]
async fn put_get_roundtrip_and_idempotent() {
    let dir = tempfile::tempdir().unwrap();
    let store = BlobStore::from_url(dir.path().to_str().unwrap()).unwrap();
    let key = content_key("dists", "abcdef0123", "zip");
    assert_eq!(key, "dists/ab/cd/abcdef0123.zip");
    store.put(&key, b"hello").await.unwrap();
    store.put(&key, b"hello").await.unwrap();
    assert_eq!(store.get(&key).await.unwrap(), b"hello");
    let leftovers: Vec<_> = std::fs::read_dir(dir.path().join("dists/ab/cd"))
        .unwrap()
        .collect();
    assert_eq!(leftovers.len(), 1, "no temporary files may remain");
    assert!(matches!(
        store.get("dists/zz.zip").await,
        Err(BlobError::Missing(_))
    ));
}

#[tokio::test]
async fn streams_with_hashes_and_limits() {
    let dir = tempfile::tempdir().unwrap();
    let store = BlobStore::from_url(dir.path().to_str().unwrap()).unwrap();
    let obj = store
        .stage_stream("releases", "bin", &b"hello"[..], 10)
        .await
        .unwrap()
        .commit()
        .await
        .unwrap();
    assert_eq!(obj.size, 5);
    assert_eq!(obj.md5, "5d41402abc4b2a76b9719d911017c592");
    assert_eq!(
        obj.sha256,
        "2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824"
    );
    assert_eq!(store.get(&obj.key).await.unwrap(), b"hello");
    assert!(matches!(
        store
            .stage_stream("releases", "bin", &b"too long!!!"[..], 10)
            .await,
        Err(BlobError::TooLarge(10))
    ));
    let leftovers = std::fs::read_dir(dir.path().join("tmp")).unwrap().count();
    assert_eq!(leftovers, 0, "an aborted upload must leave nothing behind");
}

#[tokio::test]
async fn rejects_traversal_keys_and_remote_urls() {
    let dir = tempfile::tempdir().unwrap();
    let store = BlobStore::from_url(dir.path().to_str().unwrap()).unwrap();
    for key in ["../x", "a/../../x", "/etc/passwd", "a//b", ""] {
        assert!(
            matches!(store.put(key, b"x").await, Err(BlobError::InvalidKey(_))),
            "{key}"
        );
    }
    for url in ["ftp://host/x", "s3://", "s3:///prefix"] {
        assert!(
            matches!(BlobStore::from_url(url), Err(BlobError::UnsupportedUrl(_))),
            "{url}"
        );
    }
    assert!(matches!(
        BlobStore::from_url("s3://bucket/some/prefix"),
        Ok(BlobStore::S3(_))
    ));
}

#[tokio::test]
async fn sweeps_what_interrupted_writes_left() {
    let dir = tempfile::tempdir().unwrap();
    let store = BlobStore::from_url(dir.path().to_str().unwrap()).unwrap();
    let kept = content_key("dists", "abcdef0123", "zip");
    store.put(&kept, b"kept").await.unwrap();
    std::fs::create_dir_all(dir.path().join("tmp")).unwrap();
    std::fs::write(dir.path().join("tmp/.upload-1234"), b"half").unwrap();
    std::fs::write(dir.path().join("dists/ab/cd/.tmp-99"), b"half").unwrap();
    assert_eq!(store.sweep_temporaries().await.unwrap(), 2);
    assert_eq!(
        std::fs::read_dir(dir.path().join("tmp")).unwrap().count(),
        0
    );
    let beside: Vec<_> = std::fs::read_dir(dir.path().join("dists/ab/cd"))
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(beside, ["abcdef0123.zip"]);
    assert_eq!(store.get(&kept).await.unwrap(), b"kept");
    assert_eq!(store.sweep_temporaries().await.unwrap(), 0);
}
