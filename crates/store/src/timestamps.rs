//! JSON shape of stored times. Rows keep unix seconds (portable across both databases, cheap
//! to compare); everything serialized for people and scripts (`--json`, the admin API) shows
//! them as RFC 3339 in UTC (`2026-01-31T12:00:00Z`), as SPEC §10 asks. Calendar dates that
//! people type (due dates, updates-until) are read by one parser, [`parse_day`], everywhere.

use chrono::{DateTime, NaiveDate, SecondsFormat};

/// RFC 3339 text for unix seconds (the epoch for a value out of chrono's range).
pub fn rfc3339_text(unix: i64) -> String {
    DateTime::from_timestamp(unix, 0)
        .unwrap_or_default()
        .to_rfc3339_opts(SecondsFormat::Secs, true)
}

/// `#[serde(with = "crate::timestamps::rfc3339")]` for an `i64` of unix seconds: written as
/// RFC 3339, read back from it (the remote CLI reads the admin API's rows).
pub mod rfc3339 {
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(unix: &i64, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&crate::timestamps::rfc3339_text(*unix))
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<i64, D::Error> {
        crate::timestamps::unix_of(&String::deserialize(d)?).map_err(serde::de::Error::custom)
    }
}

/// `#[serde(with = "crate::timestamps::rfc3339_opt")]` for an `Option<i64>` of unix seconds
/// (null when absent).
pub mod rfc3339_opt {
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(unix: &Option<i64>, s: S) -> Result<S::Ok, S::Error> {
        match unix {
            Some(t) => crate::timestamps::rfc3339::serialize(t, s),
            None => s.serialize_none(),
        }
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<i64>, D::Error> {
        Option::<String>::deserialize(d)?
            .map(|text| crate::timestamps::unix_of(&text).map_err(serde::de::Error::custom))
            .transpose()
    }
}

/// Unix seconds of an RFC 3339 time (any offset).
fn unix_of(text: &str) -> Result<i64, String> {
    DateTime::parse_from_rfc3339(text)
        .map(|t| t.timestamp())
        .map_err(|e| format!("{text:?} is not an RFC 3339 time: {e}"))
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

    #[derive(serde::Serialize, serde::Deserialize, Debug, PartialEq)]
    struct Times {
        #[serde(with = "super::rfc3339")]
        at: i64,
        #[serde(with = "super::rfc3339_opt")]
        until: Option<i64>,
    }

    #[test]
    fn times_read_back_as_they_were_written() {
        for times in [
            Times {
                at: 1_769_860_800,
                until: Some(0),
            },
            Times { at: 0, until: None },
        ] {
            let text = serde_json::to_string(&times).unwrap();
            assert_eq!(
                serde_json::from_str::<Times>(&text).unwrap(),
                times,
                "{text}"
            );
        }
        let written = serde_json::to_value(Times {
            at: 1_769_860_800,
            until: None,
        })
        .unwrap();
        assert_eq!(
            written,
            serde_json::json!({"at": "2026-01-31T12:00:00Z", "until": null})
        );
        let offset = r#"{"at": "2026-01-31T13:00:00+01:00", "until": null}"#;
        assert_eq!(
            serde_json::from_str::<Times>(offset).unwrap().at,
            1_769_860_800
        );
        let error = serde_json::from_str::<Times>(r#"{"at": "yesterday", "until": null}"#);
        assert!(
            error
                .unwrap_err()
                .to_string()
                .contains("not an RFC 3339 time")
        );
    }

    #[test]
    fn formats_utc_seconds() {
        assert_eq!(super::rfc3339_text(0), "1970-01-01T00:00:00Z");
        assert_eq!(super::rfc3339_text(1_769_860_800), "2026-01-31T12:00:00Z");
    }
}
