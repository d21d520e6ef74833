//! JSON shape of stored times. Rows keep unix seconds (portable across both databases, cheap
//! to compare); everything serialized for people and scripts (`--json`, the admin API) shows
//! them as RFC 3339 in UTC (`2026-01-31T12:00:00Z`), as SPEC §10 asks. Calendar dates that
//! people type (due dates, updates-until) are read by one parser, [`parse_day`], everywhere.

use chrono::{DateTime, NaiveDate, SecondsFormat};
use serde::Serializer;

/// RFC 3339 text for unix seconds (the epoch for a value out of chrono's range).
pub fn rfc3339_text(unix: i64) -> String {
    DateTime::from_timestamp(unix, 0)
        .unwrap_or_default()
        .to_rfc3339_opts(SecondsFormat::Secs, true)
}

/// `#[serde(serialize_with = "rfc3339")]` for an `i64` of unix seconds.
pub fn rfc3339<S: Serializer>(unix: &i64, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(&rfc3339_text(*unix))
}

/// `#[serde(serialize_with = "rfc3339_opt")]` for an `Option<i64>` of unix seconds.
pub fn rfc3339_opt<S: Serializer>(unix: &Option<i64>, s: S) -> Result<S::Ok, S::Error> {
    match unix {
        Some(t) => rfc3339(t, s),
        None => s.serialize_none(),
    }
}

/// A calendar date typed by a person (CLI, admin API, portal): exactly `YYYY-MM-DD` with a
/// four-digit year. chrono alone reads `26-1-1` as the year 26, which would put an account
/// on hold at once. `what` names the field in the error.
pub fn parse_day(value: &str, what: &str) -> Result<NaiveDate, String> {
    let value = value.trim();
    let shaped = value.len() == 10
        && value.bytes().enumerate().all(|(i, b)| {
            if i == 4 || i == 7 {
                b == b'-'
            } else {
                b.is_ascii_digit()
            }
        });
    shaped
        .then(|| NaiveDate::parse_from_str(value, "%Y-%m-%d").ok())
        .flatten()
        .ok_or_else(|| {
            format!("{what} {value:?} is not a date in the form YYYY-MM-DD with a four-digit year (e.g. 2026-12-31)")
        })
}

#[cfg(test)]
mod tests {
    #[test]
    fn only_full_dates_with_four_digit_years_are_read() {
        let day = |v: &str| super::parse_day(v, "--due");
        assert_eq!(day(" 2026-01-31 ").unwrap().to_string(), "2026-01-31");
        for bad in [
            "26-1-1",
            "0026-01-01x",
            "2026-1-1",
            "2026-02-30",
            "20260101",
            "+2026-01-01",
            "",
        ] {
            let error = day(bad).unwrap_err();
            assert!(
                error.contains("YYYY-MM-DD with a four-digit year"),
                "{bad}: {error}"
            );
        }
    }

    #[test]
    fn formats_utc_seconds() {
        assert_eq!(super::rfc3339_text(0), "1970-01-01T00:00:00Z");
        assert_eq!(super::rfc3339_text(1_769_860_800), "2026-01-31T12:00:00Z");
    }
}
