//! Hand-picked constraints with what Composer answers for them; the differential test in
//! `tests/semver_differential.rs` covers thousands more against composer/semver itself.

use super::*;

fn allows(constraint: &str, version: &str) -> bool {
    let version = normalize(version).unwrap();
    parse(constraint).unwrap().matches(&version)
}

/// A constraint, a version, and whether Composer lets the one satisfy the other.
const CASES: &[(&str, &str, bool)] = &[
    ("<3.0", "2.9.9", true),
    ("<3.0", "3.0.0", false),
    // Pre-releases of the bound are excluded.
    ("<3.0", "3.0.0-beta1", false),
    ("^2.0", "2.5.1", true),
    ("^2.0", "3.0.0", false),
    ("~1.2", "1.9.0", true),
    ("~1.2.3", "1.3.0", false),
    ("2.*", "2.4.7-p1", true),
    ("1.0 - 2.0", "2.0.5", true),
    ("1.0 - 2.0.0", "2.0.5", false),
    ("^1.0 || ^3.0", "3.1.0", true),
    (">=1.0 <2.0", "2.0.0", false),
    ("*", "dev-main", true),
    // Branches only match themselves.
    (">=1.0", "dev-main", false),
    ("dev-main", "dev-main", true),
    ("!=1.0", "1.1", true),
];

#[test]
fn ranges_match_as_composer_does() {
    for &(constraint, version, allowed) in CASES {
        assert_eq!(
            allows(constraint, version),
            allowed,
            "{constraint:?} against {version:?}"
        );
    }
}

#[test]
fn bad_constraints_are_refused() {
    for bad in ["", "banana", "~>1.0", ">=", "^", "1.0 -"] {
        assert!(parse(bad).is_err(), "{bad:?}");
    }
    assert_eq!(parse("<3.0").unwrap().to_string(), "<3.0");
}
