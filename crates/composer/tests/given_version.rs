//! `publish --version` (SPEC §9): a composer.json without a version takes the given one; a
//! version in the file must agree with it (compared normalized, the file's spelling wins).

use packyard_composer::archive::{ArchiveError, parse_manifest_with_version};

#[test]
fn a_given_version_fills_in_or_must_agree() {
    let without = br#"{"name": "acme/x", "type": "library"}"#;
    let filled = parse_manifest_with_version(without, Some("1.4.0")).unwrap();
    assert_eq!(filled.version, "1.4.0");
    assert_eq!(
        filled.json["version"], "1.4.0",
        "the stored manifest names it too"
    );
    assert!(matches!(
        parse_manifest_with_version(without, None),
        Err(ArchiveError::MissingVersion)
    ));

    let with = br#"{"name": "acme/x", "version": "1.4"}"#;
    let same = parse_manifest_with_version(with, Some("1.4.0")).unwrap();
    assert_eq!(same.version, "1.4");
    let other = parse_manifest_with_version(with, Some("2.0.0")).unwrap_err();
    assert!(
        matches!(other, ArchiveError::VersionMismatch { .. }),
        "{other}"
    );
    assert!(other.to_string().contains("2.0.0"));
    assert!(parse_manifest_with_version(without, Some("not a version")).is_err());
}
