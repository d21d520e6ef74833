//! JSON shape of stored times. Rows keep unix seconds (portable across both databases, cheap
//! to compare); everything serialized for people and scripts (`--json`, the admin API) shows
//! them as RFC 3339 in UTC (`2026-01-31T12:00:00Z`), as SPEC §10 asks.

use chrono::{DateTime, SecondsFormat};
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

#[cfg(test)]
mod tests {
    #[test]
    fn formats_utc_seconds() {
        assert_eq!(super::rfc3339_text(0), "1970-01-01T00:00:00Z");
        assert_eq!(super::rfc3339_text(1_769_860_800), "2026-01-31T12:00:00Z");
    }
}
