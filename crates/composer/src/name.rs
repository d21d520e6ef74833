//! Package names, with Composer's own validity rule (lowercase `vendor/name`).

use std::sync::LazyLock;

use regex::Regex;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum NameError {
    #[error("package name {0:?} must be lowercase; use {1:?}")]
    Uppercase(String, String),
    #[error(
        "invalid package name {0:?}: use vendor/name with lowercase letters, digits and single '.', '_' or '-' separators (e.g. acme/module-sales)"
    )]
    Invalid(String),
}

static VALID: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^[a-z0-9](?:(?:[_.]|-{1,2})?[a-z0-9]+)*/[a-z0-9](?:(?:[_.]|-{1,2})?[a-z0-9]+)*$")
        .expect("the package name pattern is valid")
});

pub fn validate_package_name(name: &str) -> Result<(), NameError> {
    if VALID.is_match(name) {
        return Ok(());
    }
    let lower = name.to_ascii_lowercase();
    if lower != name && VALID.is_match(&lower) {
        return Err(NameError::Uppercase(name.to_string(), lower));
    }
    Err(NameError::Invalid(name.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names() {
        for ok in [
            "acme/hello",
            "magento/module-sales",
            "a/b",
            "my.vendor/pkg_name",
            "acme/x--y",
        ] {
            assert_eq!(validate_package_name(ok), Ok(()), "{ok}");
        }
        assert!(
            matches!(validate_package_name("Acme/Hello"), Err(NameError::Uppercase(_, l)) if l == "acme/hello")
        );
        for bad in [
            "acme",
            "acme/",
            "/x",
            "acme/x/y",
            "acme/-x",
            "acme/x-",
            "acme/x---y",
            "../etc",
            "acme/x y",
        ] {
            assert!(
                matches!(validate_package_name(bad), Err(NameError::Invalid(_))),
                "{bad}"
            );
        }
    }
}
