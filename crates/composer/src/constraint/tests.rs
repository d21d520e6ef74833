//! Hand-picked constraints with what Composer answers for them; the differential test in
//! `tests/semver_differential.rs` covers thousands more against composer/semver itself.

use super::*;

fn allows(constraint: &str, version: &str) -> bool {
    let version = normalize(version).unwrap();
    parse(constraint).unwrap().matches(&version)
}

#[test]
fn ranges_match_as_composer_does() {
    assert!(allows("<3.0", "2.9.9"));
    assert!(!allows("<3.0", "3.0.0"));
    assert!(
        !allows("<3.0", "3.0.0-beta1"),
        "pre-releases of the bound are excluded"
    );
    assert!(allows("^2.0", "2.5.1"));
    assert!(!allows("^2.0", "3.0.0"));
    assert!(allows("~1.2", "1.9.0"));
    assert!(!allows("~1.2.3", "1.3.0"));
    assert!(allows("2.*", "2.4.7-p1"));
    assert!(allows("1.0 - 2.0", "2.0.5"));
    assert!(!allows("1.0 - 2.0.0", "2.0.5"));
    assert!(allows("^1.0 || ^3.0", "3.1.0"));
    assert!(!allows(">=1.0 <2.0", "2.0.0"));
    assert!(allows("*", "dev-main"));
    assert!(
        !allows(">=1.0", "dev-main"),
        "branches only match themselves"
    );
    assert!(allows("dev-main", "dev-main"));
    assert!(allows("!=1.0", "1.1"));
}

#[test]
fn bad_constraints_are_refused() {
    for bad in ["", "banana", "~>1.0", ">=", "^", "1.0 -"] {
        assert!(parse(bad).is_err(), "{bad:?}");
    }
    assert_eq!(parse("<3.0").unwrap().to_string(), "<3.0");
}
