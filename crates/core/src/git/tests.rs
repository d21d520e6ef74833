//! A sync against a real repository made with the git command: a tag whose tree exceeds the
//! operator's archive limits (the same limits uploads obey) is skipped with the reason and
//! publishes nothing, while a tag within them is published.

use packyard_blobs::BlobStore;
use packyard_composer::archive::ZipLimits;
use packyard_store::Db;
use packyard_testkit::git::{GIT, git};
use packyard_testkit::{Backend, TestDatabase, backend_tests};

use super::sync::sync_repo;
use super::{GitSettings, Quiet, SyncContext};

backend_tests!(async a_tag_over_the_archive_limits_is_skipped_with_the_reason);
async fn a_tag_over_the_archive_limits_is_skipped_with_the_reason(backend: Backend) {
    let database = TestDatabase::create(backend);
    let db = Db::connect(&database.url, true).await.unwrap();
    let tmp = tempfile::tempdir().unwrap();
    let src = tmp.path().join("src");
    std::fs::create_dir_all(&src).unwrap();
    git(&src, &["init", "--quiet", "-b", "main"]);
    std::fs::write(src.join("composer.json"), r#"{"name": "acme/big"}"#).unwrap();
    git(&src, &["add", "."]);
    git(&src, &["commit", "--quiet", "-m", "small"]);
    git(&src, &["tag", "v1.0.0"]);
    std::fs::write(src.join("data.bin"), vec![7u8; 64 * 1024]).unwrap();
    git(&src, &["add", "."]);
    git(&src, &["commit", "--quiet", "-m", "big"]);
    git(&src, &["tag", "v2.0.0"]);

    let url = src.to_str().unwrap();
    let repo = db.add_repo("big", url, &[0u8; 32], "test").await.unwrap();
    let ctx = SyncContext {
        db: db.clone(),
        blobs: BlobStore::from_url(tmp.path().join("blobs").to_str().unwrap()).unwrap(),
        mirror_dir: tmp.path().join("mirrors"),
        actor: "test".into(),
        git: GitSettings {
            program: Some(GIT.into()),
            ..GitSettings::default()
        },
        limits: ZipLimits {
            max_uncompressed_bytes: 16 * 1024,
            ..ZipLimits::default()
        },
    };
    let report = sync_repo(&ctx, &repo, None, &Quiet).await.unwrap();

    let imported: Vec<&str> = report
        .imported
        .iter()
        .map(|l| l.ref_name.as_str())
        .collect();
    assert_eq!(imported, ["refs/tags/v1.0.0"], "the small tag is published");
    let skipped: Vec<(&str, &str)> = report
        .skipped
        .iter()
        .filter(|l| l.ref_name.starts_with("refs/tags/"))
        .map(|l| (l.ref_name.as_str(), l.detail.as_str()))
        .collect();
    assert_eq!(skipped.len(), 1, "{skipped:?}");
    assert_eq!(skipped[0].0, "refs/tags/v2.0.0");
    assert!(
        skipped[0].1.contains("archive limits") && skipped[0].1.contains("16384 bytes"),
        "the reason names the limit: {}",
        skipped[0].1
    );
    let versions = db.versions_page(0, 100).await.unwrap();
    let listed: Vec<(&str, &str)> = versions
        .iter()
        .map(|v| (v.name.as_str(), v.version.as_str()))
        .collect();
    assert_eq!(
        listed,
        [("acme/big", "v1.0.0")],
        "nothing published for v2.0.0"
    );
}
