//! The advisory api (`security-advisories.api-url`, SPEC §12): Composer POSTs a form of
//! `packages[]=…` (PHP's `http_build_query` spells it `packages[0]=…`), at most 1,000 names,
//! optionally `updatedSince` (unix seconds), and reads `{"advisories": {name: [entries]}}`.
//! Every requested package the account may see is answered, with `[]` when it has no
//! advisory, so Composer looks no further; packages it may not see are left out as if they
//! did not exist. Composer aborts an update when this endpoint fails, so it answers from the
//! snapshot alone: each entry's JSON was prepared when the package was loaded
//! ([`packyard_core::marks`]), and the answer is their concatenation.

use std::collections::HashSet;

use axum::Form;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::IntoResponse;

use crate::auth::Customer;
use crate::edge::error::{ApiError, ApiResult, Audience};
use packyard_core::access::Seat;
use packyard_core::snapshot::{PackageEntry, Snapshot};

/// Names per request, as packagist.org accepts.
pub const MAX_NAMES: usize = 1_000;

/// What Composer asked for.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct AdvisoryQuery {
    pub names: Vec<String>,
    pub updated_since: Option<i64>,
}

impl AdvisoryQuery {
    /// Reads the form fields (`packages[]`, `packages[N]`, `packages`, `updatedSince`).
    pub fn from_fields(fields: Vec<(String, String)>) -> Result<AdvisoryQuery, String> {
        let mut query = AdvisoryQuery::default();
        let mut seen = HashSet::new();
        for (key, value) in fields {
            if key == "packages" || (key.starts_with("packages[") && key.ends_with(']')) {
                let name = value.trim().to_ascii_lowercase();
                if seen.insert(name.clone()) {
                    query.names.push(name);
                }
            } else if key == "updatedSince" {
                let since = value.trim().parse::<i64>().map_err(|_| {
                    format!("updatedSince must be a unix timestamp in seconds, not {value:?}")
                })?;
                query.updated_since = Some(since);
            }
        }
        if query.names.len() > MAX_NAMES {
            return Err(format!(
                "ask for at most {MAX_NAMES} packages per request ({} were sent)",
                query.names.len()
            ));
        }
        if query.names.is_empty() && query.updated_since.is_none() {
            return Err("name the packages to check with packages[]=vendor/name".into());
        }
        Ok(query)
    }
}

pub async fn advisories(
    customer: Customer,
    Form(fields): Form<Vec<(String, String)>>,
) -> ApiResult {
    let query = AdvisoryQuery::from_fields(fields)
        .map_err(|why| ApiError::new(StatusCode::BAD_REQUEST, Audience::Composer, why))?;
    let body = answer(&customer.snapshot, &customer.seats, &query);
    let mut resp = body.into_response();
    resp.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    Ok(resp)
}

/// The answer's JSON text for a key that sees through `seats`.
pub fn answer(snapshot: &Snapshot, seats: &[Seat], query: &AdvisoryQuery) -> String {
    let since = query.updated_since.unwrap_or(i64::MIN);
    let visible = |entry: &PackageEntry| snapshot.licence(seats, entry).is_some();
    let mut out = String::with_capacity(64 + query.names.len() * 32);
    out.push_str("{\"advisories\":{");
    let mut first = true;
    let mut add = |name: &str, entry: &PackageEntry| {
        if !first {
            out.push(',');
        }
        first = false;
        out.push_str(&serde_json::Value::from(name).to_string());
        out.push_str(":[");
        let entries = entry
            .marks
            .advisories
            .iter()
            .filter(|a| a.updated_at >= since);
        for (i, a) in entries.enumerate() {
            if i > 0 {
                out.push(',');
            }
            out.push_str(&a.full);
        }
        out.push(']');
    };
    if query.names.is_empty() {
        // `updatedSince` alone: every visible package with an advisory changed since then.
        for (name, entry) in snapshot.packages.iter() {
            let recent = entry.marks.advisories.iter().any(|a| a.updated_at >= since);
            if recent && visible(entry) {
                add(name, entry);
            }
        }
    } else {
        for name in &query.names {
            if let Some(entry) = snapshot.packages.get(name.as_str())
                && visible(entry)
            {
                add(name, entry);
            }
        }
    }
    out.push_str("}}");
    out
}

#[cfg(test)]
mod tests {
    use super::AdvisoryQuery;

    fn fields(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn reads_composers_form_in_both_spellings() {
        let q = AdvisoryQuery::from_fields(fields(&[
            ("packages[0]", "Acme/Hello"),
            ("packages[]", "acme/other"),
            ("packages[1]", "acme/hello"),
            ("updatedSince", "1700000000"),
        ]))
        .unwrap();
        assert_eq!(q.names, ["acme/hello", "acme/other"]);
        assert_eq!(q.updated_since, Some(1_700_000_000));
    }

    #[test]
    fn refuses_too_many_names_and_empty_or_bad_queries() {
        let many: Vec<(String, String)> = (0..1_001)
            .map(|i| ("packages[]".to_string(), format!("v/p{i}")))
            .collect();
        assert!(
            AdvisoryQuery::from_fields(many)
                .unwrap_err()
                .contains("1000 packages")
        );
        let exactly: Vec<(String, String)> = (0..1_000)
            .map(|i| ("packages[]".to_string(), format!("v/p{i}")))
            .collect();
        assert_eq!(
            AdvisoryQuery::from_fields(exactly).unwrap().names.len(),
            1_000
        );
        assert!(AdvisoryQuery::from_fields(vec![]).is_err());
        assert!(AdvisoryQuery::from_fields(fields(&[("updatedSince", "yesterday")])).is_err());
    }
}
