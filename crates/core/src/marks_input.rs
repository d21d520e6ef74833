//! What an operator may write as an advisory, a recall, an abandonment or a notice, checked
//! once here for the CLI (local and remote), the admin API and the back office: anything
//! Composer will parse later (constraints, dates, package names) is refused now with a
//! sentence saying what to write instead, and nothing is stored.

use chrono::{NaiveDate, Utc};
use packyard_composer::constraint;
use packyard_composer::name::validate_package_name;
use packyard_composer::version::normalize;
use packyard_store::advisories::NewAdvisory;
use serde::{Deserialize, Serialize};

pub const SEVERITIES: &[&str] = &["low", "medium", "high", "critical"];

/// An advisory as typed by an operator (the admin API's `NewAdvisoryBody`).
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(utoipa::ToSchema), schema(as = NewAdvisoryBody))]
#[serde(rename_all = "camelCase")]
pub struct AdvisoryDraft {
    /// The affected package, e.g. acme/module-sales.
    pub package: String,
    /// A Composer constraint, e.g. "<1.4.2".
    #[serde(rename = "affectedVersions")]
    pub affected: String,
    pub title: String,
    /// e.g. CVE-2026-12345.
    pub cve: Option<String>,
    /// An http(s) URL describing the issue.
    pub link: Option<String>,
    /// low, medium, high or critical.
    pub severity: Option<String>,
    /// YYYY-MM-DD; today when absent.
    pub reported_at: Option<String>,
}

/// An advisory that passed every check, ready for the store.
#[derive(Clone, Debug)]
pub struct CheckedAdvisory {
    draft: AdvisoryDraft,
    reported_at: i64,
}

impl CheckedAdvisory {
    pub fn as_new(&self) -> NewAdvisory<'_> {
        let d = &self.draft;
        NewAdvisory {
            package: &d.package,
            affected_versions: &d.affected,
            title: &d.title,
            link: d.link.as_deref(),
            cve: d.cve.as_deref(),
            severity: d.severity.as_deref(),
            reported_at: self.reported_at,
        }
    }
}

fn plain_text(what: &str, value: &str, max: usize) -> Result<(), String> {
    if value.trim().is_empty() {
        return Err(format!("{what} is empty; write one line"));
    }
    if value.chars().any(char::is_control) || value.chars().count() > max {
        return Err(format!(
            "{what} must be one line of at most {max} characters"
        ));
    }
    Ok(())
}

impl AdvisoryDraft {
    pub fn check(mut self) -> Result<CheckedAdvisory, String> {
        self.package = package_name(&self.package)?;
        constraint::parse(&self.affected).map_err(|e| format!("--affected: {e}"))?;
        self.affected = self.affected.trim().to_string();
        plain_text("the title", &self.title, 200)?;
        self.title = self.title.trim().to_string();
        let empty_is_none =
            |v: Option<String>| v.map(|s| s.trim().to_string()).filter(|s| !s.is_empty());
        self.cve = empty_is_none(self.cve.take());
        self.link = empty_is_none(self.link.take());
        self.severity = empty_is_none(self.severity.take()).map(|s| s.to_ascii_lowercase());
        if let Some(cve) = &self.cve
            && !is_cve(cve)
        {
            return Err(format!(
                "{cve:?} is not a CVE id; write it like CVE-2026-12345"
            ));
        }
        if let Some(link) = &self.link
            && (!(link.starts_with("https://") || link.starts_with("http://"))
                || link.chars().any(|c| c.is_whitespace() || c.is_control())
                || link.len() > 2_000)
        {
            return Err(format!("{link:?} is not a link; give an http(s):// URL"));
        }
        if let Some(severity) = &self.severity
            && !SEVERITIES.contains(&severity.as_str())
        {
            return Err(format!(
                "unknown severity {severity:?}: use {}",
                SEVERITIES.join(", ")
            ));
        }
        let reported_at = match self.reported_at.as_deref().map(str::trim) {
            None | Some("") => Utc::now().timestamp(),
            Some(day) => NaiveDate::parse_from_str(day, "%Y-%m-%d")
                .map_err(|_| format!("reported-at {day:?} is not a date in the form YYYY-MM-DD"))?
                .and_hms_opt(0, 0, 0)
                .map_or(0, |t| t.and_utc().timestamp()),
        };
        Ok(CheckedAdvisory {
            draft: self,
            reported_at,
        })
    }
}

fn is_cve(text: &str) -> bool {
    let Some(rest) = text.strip_prefix("CVE-") else {
        return false;
    };
    let Some((year, number)) = rest.split_once('-') else {
        return false;
    };
    year.len() == 4
        && number.len() >= 4
        && year
            .bytes()
            .chain(number.bytes())
            .all(|b| b.is_ascii_digit())
}

/// A package name as Composer spells it (lower case), or why it is not one.
pub fn package_name(name: &str) -> Result<String, String> {
    let name = name.trim().to_ascii_lowercase();
    validate_package_name(&name).map_err(|e| e.to_string())?;
    Ok(name)
}

/// A recall's version (normalized) and reason, checked.
pub fn recall(version: &str, reason: &str) -> Result<String, String> {
    plain_text("the reason", reason, 300)?;
    normalize(version).map_err(|e| e.to_string())
}

/// A notice's message and the Composer versions it is for (`*` when not given).
pub fn notice(message: &str, versions: Option<&str>) -> Result<String, String> {
    plain_text("the message", message, 500)?;
    let versions = versions
        .map(str::trim)
        .filter(|v| !v.is_empty())
        .unwrap_or("*");
    constraint::parse(versions).map_err(|e| format!("--versions: {e}"))?;
    Ok(versions.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn draft() -> AdvisoryDraft {
        AdvisoryDraft {
            package: "Acme/Hello".into(),
            affected: "<1.4.2".into(),
            title: "Greeting is too friendly".into(),
            cve: Some("CVE-2026-0001".into()),
            link: Some("https://vendor.test/a".into()),
            severity: Some("High".into()),
            reported_at: Some("2026-03-01".into()),
        }
    }

    #[test]
    fn a_good_advisory_is_normalized() {
        let checked = draft().check().unwrap();
        let new = checked.as_new();
        assert_eq!(new.package, "acme/hello");
        assert_eq!(new.severity, Some("high"));
        assert_eq!(new.reported_at, 1_772_323_200);
    }

    #[test]
    fn bad_fields_are_refused_with_what_to_write() {
        type Spoil = fn(&mut AdvisoryDraft);
        let cases: [(Spoil, &str); 7] = [
            (|d| d.affected = "lots of words".into(), "--affected"),
            (|d| d.title = " ".into(), "title"),
            (|d| d.cve = Some("2026-1".into()), "CVE id"),
            (|d| d.link = Some("javascript:alert(1)".into()), "http(s)"),
            (|d| d.severity = Some("dire".into()), "low, medium"),
            (|d| d.reported_at = Some("01/03/2026".into()), "YYYY-MM-DD"),
            (|d| d.package = "no-slash".into(), "vendor"),
        ];
        for (spoil, expected) in cases {
            let mut d = draft();
            spoil(&mut d);
            let why = d.check().unwrap_err();
            assert!(
                why.contains(expected),
                "{why:?} should mention {expected:?}"
            );
        }
    }

    #[test]
    fn recalls_and_notices() {
        assert_eq!(recall("v1.2", "breaks checkout").unwrap(), "1.2.0.0");
        assert!(recall("1.2", "").is_err());
        assert!(recall("not a version", "x").is_err());
        assert_eq!(notice("maintenance", None).unwrap(), "*");
        assert_eq!(notice("maintenance", Some(">=2.2")).unwrap(), ">=2.2");
        assert!(notice("maintenance", Some(">=two")).is_err());
        assert!(notice("two\nlines", None).is_err());
    }
}
