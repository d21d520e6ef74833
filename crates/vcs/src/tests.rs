//! The crate against a real repository made with the git command: fetch into a mirror,
//! read a commit, and build zips that are byte-identical across mirrors and honour
//! `export-ignore`.

use std::io::Read;

use packyard_composer::archive::ZipLimits;
use packyard_testkit::git::git;

use crate::remote::{GitSettings, Remote};
use crate::tree::Mirror;

fn names(zip: &[u8]) -> Vec<String> {
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(zip)).expect("a zip");
    let mut out: Vec<String> = archive
        .file_names()
        .map(|n| n.expect("utf-8 name").into_owned())
        .collect();
    out.sort();
    let mut text = String::new();
    archive
        .by_name("composer.json")
        .expect("composer.json")
        .read_to_string(&mut text)
        .expect("utf-8");
    assert!(text.contains("acme/x"));
    out
}

#[test]
fn fetched_commits_zip_deterministically_without_export_ignored_files() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let src = tmp.path().join("src");
    std::fs::create_dir_all(src.join("tests")).expect("mkdir");
    git(&src, &["init", "--quiet", "-b", "main"]);
    std::fs::write(src.join("composer.json"), r#"{"name": "acme/x"}"#).expect("write");
    std::fs::write(src.join("tests/big.txt"), "not shipped").expect("write");
    std::fs::write(src.join("run.sh"), "#!/bin/sh\n").expect("write");
    std::fs::write(src.join(".gitattributes"), "/tests export-ignore\n").expect("write");
    git(&src, &["add", "."]);
    git(&src, &["update-index", "--chmod=+x", "run.sh"]);
    git(&src, &["commit", "--quiet", "-m", "one"]);
    git(&src, &["tag", "-a", "v1.0.0", "-m", "first"]);
    let head = git(&src, &["rev-parse", "HEAD"]);

    let remote = Remote::new(src.to_str().expect("utf-8 path"));
    let settings = GitSettings::default();
    let refs = remote.list_refs(&settings).expect("ls-remote");
    assert_eq!(
        refs["refs/tags/v1.0.0"], head,
        "annotated tag peeled to its commit"
    );
    let mut zips = Vec::new();
    for mirror_dir in ["m1", "m2"] {
        let dir = tmp.path().join(mirror_dir);
        remote
            .fetch(&settings, &dir, &["refs/tags/v1.0.0", "refs/heads/main"])
            .expect("fetch");
        let mirror = Mirror::open(&dir).expect("open");
        assert_eq!(
            mirror.commit_info(&head).expect("commit").committed_at,
            1_709_287_200
        );
        let manifest = mirror.read_file(&head, "composer.json").expect("read");
        assert_eq!(manifest.as_deref(), Some(&br#"{"name": "acme/x"}"#[..]));
        assert_eq!(mirror.read_file(&head, "nope.json").expect("read"), None);
        zips.push(mirror.build_zip(&head, &ZipLimits::default()).expect("zip"));
    }
    assert_eq!(zips[0], zips[1], "same commit, same bytes");
    assert_eq!(
        names(&zips[0]),
        [".gitattributes", "composer.json", "run.sh"]
    );
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(&zips[0])).expect("zip");
    assert_eq!(
        archive.by_name("run.sh").expect("run.sh").unix_mode(),
        Some(0o100755)
    );
}
