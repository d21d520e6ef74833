//! Composer's rules for turning git refs into versions (its `VcsRepository`): a tag whose
//! name normalizes to a non-dev version becomes that version under its own name (`v1.2.3`
//! stays `v1.2.3`, normalized `1.2.3.0`); a branch becomes `dev-NAME`, or `X.Y.x-dev` when
//! its name is numeric (`1.2` → `1.2.x-dev`). A composer.json `version` in a tag must agree
//! with the tag.

use crate::version::{VersionError, is_dev, normalize, normalize_branch, validate_publishable};

/// A version derived from a ref: the name Composer shows and its normalized form.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RefVersion {
    pub version: String,
    pub normalized: String,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RefVersionError {
    #[error("tag {0:?} is not a version name (like v1.2.3 or 1.2.3-p1)")]
    NotAVersion(String),
    #[error("tag {0:?} names a development version; tags must name releases")]
    DevTag(String),
    #[error("composer.json says version {manifest:?} but the tag is {tag:?}")]
    Mismatch { tag: String, manifest: String },
    #[error("branch {0:?} cannot be a version: {1}")]
    Branch(String, VersionError),
}

/// The version a tag publishes, or why it is skipped. `manifest_version` is composer.json's
/// `version`, if it has one.
pub fn tag_version(
    tag: &str,
    manifest_version: Option<&str>,
) -> Result<RefVersion, RefVersionError> {
    let normalized =
        validate_publishable(tag).map_err(|_| RefVersionError::NotAVersion(tag.to_string()))?;
    if is_dev(&normalized) {
        return Err(RefVersionError::DevTag(tag.to_string()));
    }
    if let Some(declared) = manifest_version {
        let agrees = normalize(declared).is_ok_and(|n| n == normalized);
        if !agrees {
            return Err(RefVersionError::Mismatch {
                tag: tag.to_string(),
                manifest: declared.to_string(),
            });
        }
    }
    Ok(RefVersion {
        version: tag.to_string(),
        normalized,
    })
}

/// The version a branch publishes: `dev-NAME`, or `X.Y.x-dev` for numeric branch names.
pub fn branch_version(branch: &str) -> Result<RefVersion, RefVersionError> {
    let parsed = normalize_branch(branch.as_bytes());
    let version = if parsed.starts_with("dev-") {
        format!("dev-{branch}")
    } else {
        // Composer collapses each run of `.9999999` into one `.x`.
        let mut collapsed = parsed;
        while collapsed.contains(".9999999.9999999") {
            collapsed = collapsed.replace(".9999999.9999999", ".9999999");
        }
        collapsed.replace(".9999999", ".x")
    };
    let normalized = validate_publishable(&version)
        .map_err(|e| RefVersionError::Branch(branch.to_string(), e))?;
    Ok(RefVersion {
        version,
        normalized,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tags_follow_composer() {
        let v = |t: &str| tag_version(t, None).map(|r| (r.version, r.normalized));
        assert_eq!(v("v1.2.3"), Ok(("v1.2.3".into(), "1.2.3.0".into())));
        assert_eq!(
            v("1.2.3-p1"),
            Ok(("1.2.3-p1".into(), "1.2.3.0-patch1".into()))
        );
        assert_eq!(v("2.0.0-RC1").map(|r| r.1), Ok("2.0.0.0-RC1".into()));
        assert!(matches!(
            v("release-candidate"),
            Err(RefVersionError::NotAVersion(_))
        ));
        assert!(matches!(v("1.0.x-dev"), Err(RefVersionError::DevTag(_))));
        assert!(tag_version("v1.0.0", Some("1.0.0")).is_ok());
        assert!(matches!(
            tag_version("v1.0.0", Some("1.1.0")),
            Err(RefVersionError::Mismatch { .. })
        ));
    }

    #[test]
    fn branches_follow_composer() {
        let v = |b: &str| branch_version(b).map(|r| (r.version, r.normalized));
        assert_eq!(v("main"), Ok(("dev-main".into(), "dev-main".into())));
        assert_eq!(
            v("feature/x"),
            Ok(("dev-feature/x".into(), "dev-feature/x".into()))
        );
        assert_eq!(
            v("1.2"),
            Ok(("1.2.x-dev".into(), "1.2.9999999.9999999-dev".into()))
        );
        assert_eq!(
            v("2.x"),
            Ok(("2.x-dev".into(), "2.9999999.9999999.9999999-dev".into()))
        );
        assert!(v("a#b").is_err());
    }
}
