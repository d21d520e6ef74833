//! Version normalization, behaving exactly like composer/semver's
//! `VersionParser::normalize` (the PHP original is the reference; a differential test runs
//! both over thousands of strings). Composer uses the normalized form to compare versions,
//! in notify-batch and in mirror URLs, so any drift would be visible to users.
//!
//! PHP semantics reproduced on purpose: byte-oriented ASCII matching (`\d`, case folding),
//! PCRE's `$` also matching before a final newline, and the exact order of the rules.

use std::sync::LazyLock;

use regex::bytes::Regex;

use crate::php::{ALIAS, END, MODIFIER, group, php_trim, re, text};

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum VersionError {
    #[error(
        "invalid version string {0:?}: use a version like 1.2.3, 1.2.3-beta1, 2.4.7-p1 or dev-main"
    )]
    Invalid(String),
    #[error("invalid version {version:?}: {reason}")]
    NotPublishable {
        version: String,
        reason: &'static str,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Stability {
    Dev,
    Alpha,
    Beta,
    RC,
    Stable,
}

static STABILITY_FLAG: LazyLock<Regex> =
    LazyLock::new(|| re(format!(r"(?i-u)(@(?:stable|RC|beta|alpha|dev)){END}")));
static BUILD_META: LazyLock<Regex> =
    LazyLock::new(|| re(format!(r"(?-u)^([^,\s+]+)\+[^\s]+{END}")));
static CLASSICAL: LazyLock<Regex> = LazyLock::new(|| {
    re(format!(
        r"(?i-u)^v?([0-9]{{1,5}})(\.[0-9]+)?(\.[0-9]+)?(\.[0-9]+)?{MODIFIER}{END}"
    ))
});
static DATE: LazyLock<Regex> = LazyLock::new(|| {
    re(format!(
        r"(?i-u)^v?([0-9]{{4}}(?:[.:-]?[0-9]{{2}}){{1,6}}(?:[.:-]?[0-9]{{1,3}})?){MODIFIER}{END}"
    ))
});
// Unanchored on purpose: PCRE retries from later offsets when `.` cannot cross a newline.
static DEV_SUFFIX: LazyLock<Regex> = LazyLock::new(|| re(format!(r"(?i-u)(.*?)[.-]?dev{END}")));
static BRANCH: LazyLock<Regex> = LazyLock::new(|| {
    re(format!(
        r"(?i-u)^v?([0-9]+)(\.(?:[0-9]+|[xX*]))?(\.(?:[0-9]+|[xX*]))?(\.(?:[0-9]+|[xX*]))?{END}"
    ))
});

fn expand_stability(s: &[u8]) -> String {
    let lower = String::from_utf8_lossy(s).to_ascii_lowercase();
    match lower.as_str() {
        "a" => "alpha".into(),
        "b" => "beta".into(),
        "p" | "pl" => "patch".into(),
        "rc" => "RC".into(),
        _ => lower,
    }
}

/// Normalizes a version the way Composer does (`1.0` → `1.0.0.0`, `2.4.7-p1` →
/// `2.4.7.0-patch1`, `1.2.x-dev` → `1.2.9999999.9999999-dev`, `dev-main` → `dev-main`).
pub fn normalize(version: &str) -> Result<String, VersionError> {
    let invalid = || VersionError::Invalid(version.to_string());
    let mut v: Vec<u8> = php_trim(version.as_bytes()).to_vec();

    if let Some(c) = ALIAS.captures(&v) {
        v = group(&c, 1).to_vec();
    }
    if let Some(m) = STABILITY_FLAG.captures(&v).and_then(|c| c.get(1)) {
        let cut = v.len() - m.as_bytes().len();
        v.truncate(cut);
    }
    if matches!(v.as_slice(), b"master" | b"trunk" | b"default") {
        v = [b"dev-".as_slice(), &v].concat();
    }
    if v.len() >= 4 && v[..4].eq_ignore_ascii_case(b"dev-") {
        return Ok(format!("dev-{}", text(&v[4..])));
    }
    if let Some(c) = BUILD_META.captures(&v) {
        v = group(&c, 1).to_vec();
    }

    let matched = if let Some(c) = CLASSICAL.captures(&v) {
        let part = |i: usize| {
            if group(&c, i).is_empty() {
                ".0".to_string()
            } else {
                text(group(&c, i))
            }
        };
        Some((
            format!("{}{}{}{}", text(group(&c, 1)), part(2), part(3), part(4)),
            c,
            5,
        ))
    } else if let Some(c) = DATE.captures(&v) {
        let digits: String = group(&c, 1)
            .iter()
            .map(|&b| if b.is_ascii_digit() { b as char } else { '.' })
            .collect();
        Some((digits, c, 2))
    } else {
        None
    };
    if let Some((mut out, c, index)) = matched {
        let stability = group(&c, index);
        if !stability.is_empty() {
            if stability == b"stable" {
                return Ok(out);
            }
            let number = group(&c, index + 1);
            let number = text(number);
            out.push('-');
            out.push_str(&expand_stability(stability));
            out.push_str(number.trim_start_matches(['.', '-']));
        }
        if !group(&c, index + 2).is_empty() {
            out.push_str("-dev");
        }
        return Ok(out);
    }

    if let Some(c) = DEV_SUFFIX.captures(&v) {
        let branch = normalize_branch(group(&c, 1));
        if !branch.contains("dev-") {
            return Ok(branch);
        }
    }
    Err(invalid())
}

/// composer/semver's `normalizeBranch`: numeric branches become `X.Y.9999999.9999999-dev`.
pub(crate) fn normalize_branch(name: &[u8]) -> String {
    let name = php_trim(name);
    if let Some(c) = BRANCH.captures(name) {
        let mut out = String::new();
        for i in 1..5 {
            match c.get(i) {
                Some(m) => out.push_str(&text(m.as_bytes()).replace(['*', 'X'], "x")),
                None => out.push_str(".x"),
            }
        }
        return format!("{}-dev", out.replace('x', "9999999"));
    }
    format!("dev-{}", text(name))
}

/// True for branch versions (`dev-main`, `1.2.9999999.9999999-dev`), which Composer reads
/// from the `~dev` metadata file.
pub fn is_dev(normalized: &str) -> bool {
    normalized.starts_with("dev-") || normalized.ends_with("-dev")
}

pub fn stability(normalized: &str) -> Stability {
    if is_dev(normalized) {
        return Stability::Dev;
    }
    let lower = normalized.to_ascii_lowercase();
    if lower.contains("-alpha") {
        Stability::Alpha
    } else if lower.contains("-beta") {
        Stability::Beta
    } else if lower.contains("-rc") {
        Stability::RC
    } else {
        Stability::Stable
    }
}

/// What follows `dev-` in a branch version (empty for other versions).
fn branch_name(version: &str) -> &str {
    match version.get(..4) {
        Some(prefix) if prefix.eq_ignore_ascii_case("dev-") => &version[4..],
        _ => "",
    }
}

/// Normalizes a version a package carries in its composer.json, rejecting what only makes
/// sense in a constraint (aliases, stability flags) or would break URLs.
pub fn validate_publishable(version: &str) -> Result<String, VersionError> {
    let reason = if version.trim() != version || version.is_empty() {
        Some("it is empty or has surrounding whitespace")
    } else if version.chars().any(char::is_control) {
        Some("it contains control characters")
    } else if [version, branch_name(version)]
        .iter()
        .flat_map(|v| v.split(['/', '\\']))
        .any(|segment| segment == "." || segment == "..")
    {
        Some("a '/'-separated part of it is '.' or '..'")
    } else if version.contains(" as ") || version.chars().any(char::is_whitespace) {
        Some(
            "aliases (\"1.0 as 2.0\") and spaces belong in constraints, not in a package's version",
        )
    } else if version.contains('@') {
        Some("stability flags (\"@dev\") belong in constraints, not in a package's version")
    } else if version.contains(',') || version.contains('#') || version.contains('?') {
        Some("it contains ',', '#' or '?'")
    } else if version.len() > 100 {
        Some("it is longer than 100 characters")
    } else {
        None
    };
    if let Some(reason) = reason {
        return Err(VersionError::NotPublishable {
            version: version.to_string(),
            reason,
        });
    }
    normalize(version)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn documented_examples() {
        for (input, expected) in [
            ("1.0", "1.0.0.0"),
            ("1.0.0", "1.0.0.0"),
            ("v2.3.4", "2.3.4.0"),
            ("1.2.3.4", "1.2.3.4"),
            ("1.0.0-beta1", "1.0.0.0-beta1"),
            ("1.0.0-RC2", "1.0.0.0-RC2"),
            ("1.0.0-alpha.3", "1.0.0.0-alpha3"),
            ("2.4.7-p3", "2.4.7.0-patch3"),
            ("2.4.7-p1", "2.4.7.0-patch1"),
            ("2.4.7-p3.1", "2.4.7.0-patch3.1"),
            ("100.0.2", "100.0.2.0"),
            ("dev-main", "dev-main"),
            ("dev-feature/foo", "dev-feature/foo"),
            ("2.x-dev", "2.9999999.9999999.9999999-dev"),
            ("1.2.x-dev", "1.2.9999999.9999999-dev"),
            ("20240115", "20240115"),
            ("2024.01.15", "2024.01.15.0"),
            ("master", "dev-master"),
            ("1.0.0+build.5", "1.0.0.0"),
            ("1.0 as 2.0", "1.0.0.0"),
            ("1.0@dev", "1.0.0.0"),
        ] {
            assert_eq!(normalize(input).as_deref(), Ok(expected), "{input}");
        }
        for bad in ["", "foo", "1.2.3.4.5", "1.0.0-beta1-foo"] {
            assert!(normalize(bad).is_err(), "{bad} should be rejected");
        }
    }

    #[test]
    fn stabilities_and_dev() {
        assert_eq!(stability("1.0.0.0-patch1"), Stability::Stable);
        assert_eq!(stability("1.0.0.0-RC1"), Stability::RC);
        assert_eq!(stability("dev-main"), Stability::Dev);
        assert!(is_dev("1.2.9999999.9999999-dev"));
        assert!(!is_dev("1.2.0.0"));
    }

    #[test]
    fn publishable_versions_exclude_constraint_syntax() {
        assert_eq!(
            validate_publishable("2.4.7-p1").as_deref(),
            Ok("2.4.7.0-patch1")
        );
        for bad in ["1.0 as 2.0", "1.0@dev", " 1.0", "1.0,2.0", ""] {
            assert!(validate_publishable(bad).is_err(), "{bad}");
        }
        for bad in [
            "1.0.0\0",
            "dev-a\u{7}",
            "dev-../../x",
            "dev-a/./b",
            "dev-..\\x",
            "dev-../x",
            "DEV-./x",
        ] {
            assert!(
                matches!(
                    validate_publishable(bad),
                    Err(VersionError::NotPublishable { .. })
                ),
                "{bad:?}"
            );
        }
        assert!(validate_publishable("dev-feature/x..y").is_ok());
        assert!(matches!(
            validate_publishable("banana"),
            Err(VersionError::Invalid(_))
        ));
    }
}
