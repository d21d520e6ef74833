//! Who is asking. Composer sends `Authorization: Basic public:private` with every request;
//! we check it against the snapshot only (no database on the hot path). Rules:
//! - unknown public key and wrong private key get the same answer, after the same work
//!   (a hash comparison against a dummy when the key is unknown), so neither the message nor
//!   the timing tells whether a public key exists;
//! - only a caller holding the right private key learns that the key is disabled;
//! - hashes are compared in constant time.

use axum::http::HeaderMap;
use axum::http::header::AUTHORIZATION;
use axum::response::{IntoResponse, Response};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use chrono::Utc;
use subtle::ConstantTimeEq;

use crate::config::Config;
use crate::snapshot::{AccountEntry, KeyEntry, Snapshot};
use crate::warning::{forbidden, unauthorized};

/// HTTP Basic credentials as sent.
pub struct BasicCredentials {
    pub user: String,
    pub password: String,
}

#[derive(Debug, PartialEq, Eq)]
pub enum CredentialsError {
    Missing,
    Malformed(&'static str),
}

pub fn basic_credentials(headers: &HeaderMap) -> Result<BasicCredentials, CredentialsError> {
    let Some(value) = headers.get(AUTHORIZATION) else {
        return Err(CredentialsError::Missing);
    };
    let value = value
        .to_str()
        .map_err(|_| CredentialsError::Malformed("it contains non-ASCII bytes"))?;
    let (scheme, encoded) = value
        .trim()
        .split_once(' ')
        .ok_or(CredentialsError::Malformed("it has no scheme"))?;
    if !scheme.eq_ignore_ascii_case("basic") {
        return Err(CredentialsError::Malformed("it is not HTTP Basic"));
    }
    let decoded = STANDARD
        .decode(encoded.trim())
        .map_err(|_| CredentialsError::Malformed("its credentials are not valid base64"))?;
    let decoded = String::from_utf8(decoded)
        .map_err(|_| CredentialsError::Malformed("its credentials are not UTF-8"))?;
    let (user, password) = decoded.split_once(':').ok_or(CredentialsError::Malformed(
        "it lacks the ':' between username and password",
    ))?;
    Ok(BasicCredentials {
        user: user.to_string(),
        password: password.to_string(),
    })
}

pub fn bearer_token(headers: &HeaderMap) -> Option<&str> {
    let value = headers.get(AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.trim().split_once(' ')?;
    scheme.eq_ignore_ascii_case("bearer").then(|| token.trim())
}

pub fn hash_matches(candidate: &[u8], stored: &[u8]) -> bool {
    candidate.ct_eq(stored).into()
}

/// An authenticated customer request.
pub struct Customer<'a> {
    pub account: &'a AccountEntry,
    pub key: &'a KeyEntry,
    pub public_key: String,
}

const DUMMY_HASH: [u8; 32] = [0u8; 32];

/// Why a request was refused; becomes a warning response Composer prints.
#[derive(Debug)]
pub enum Denial {
    /// 401: no usable credentials.
    Unauthorized(String),
    /// 403: authenticated, but the account may not use the repository now.
    Forbidden(String),
}

impl Denial {
    /// The same refusal as plain text, for curl users of the download endpoints.
    pub fn into_text_response(self) -> Response {
        let (status, message) = match self {
            Denial::Unauthorized(m) => (axum::http::StatusCode::UNAUTHORIZED, m),
            Denial::Forbidden(m) => (axum::http::StatusCode::FORBIDDEN, m),
        };
        let mut resp = (status, format!("{message}\n")).into_response();
        if status == axum::http::StatusCode::UNAUTHORIZED {
            resp.headers_mut().insert(
                axum::http::header::WWW_AUTHENTICATE,
                axum::http::HeaderValue::from_static(
                    "Basic realm=\"Packyard downloads\", charset=\"UTF-8\"",
                ),
            );
        }
        resp
    }
}

impl IntoResponse for Denial {
    fn into_response(self) -> Response {
        match self {
            Denial::Unauthorized(m) => unauthorized(m),
            Denial::Forbidden(m) => forbidden(m),
        }
    }
}

/// Authenticates a Composer request and applies the account-wide rules (closed account,
/// billing hold). On failure returns the response to send.
pub fn customer<'a>(
    snapshot: &'a Snapshot,
    config: &Config,
    headers: &HeaderMap,
) -> Result<Customer<'a>, Denial> {
    let host = config.host();
    let creds = match basic_credentials(headers) {
        Ok(c) => c,
        Err(CredentialsError::Missing) => {
            return Err(Denial::Unauthorized(format!(
                "this repository needs an access key: add your public key as username and private key as password to auth.json under \"http-basic\" for \"{host}\""
            )));
        }
        Err(CredentialsError::Malformed(why)) => {
            return Err(Denial::Unauthorized(format!(
                "malformed Authorization header ({why}); send HTTP Basic with your public key as username and private key as password"
            )));
        }
    };
    let supplied = packyard_store::secret::sha256(&creds.password);
    let entry = snapshot.keys.get(&creds.user);
    let stored = entry.map_or(&DUMMY_HASH[..], |k| &k.private_key_hash[..]);
    let matches = hash_matches(&supplied, stored);
    let Some(key) = entry.filter(|_| matches) else {
        return Err(Denial::Unauthorized(format!(
            "invalid access key for {host}: check the public key (username) and private key (password) in your auth.json"
        )));
    };
    let Some(account) = snapshot.accounts.get(&key.account_id) else {
        return Err(Denial::Unauthorized(format!(
            "invalid access key for {host}"
        )));
    };
    if !key.enabled {
        return Err(Denial::Unauthorized(format!(
            "access key {} is disabled; enable it on the Access Keys page of account {} or use another key",
            creds.user, account.public_id
        )));
    }
    account_rules(snapshot, config, account)?;
    Ok(Customer {
        account,
        key,
        public_key: creds.user,
    })
}

/// An account authenticated with its id and download access token (SPEC §3).
pub struct TokenHolder<'a> {
    pub account: &'a AccountEntry,
}

/// Authenticates `ACCOUNT_ID:TOKEN` for the release downloads. As with keys, an unknown
/// account id and a wrong token get the same answer after the same work.
pub fn token_holder<'a>(
    snapshot: &'a Snapshot,
    config: &Config,
    headers: &HeaderMap,
) -> Result<TokenHolder<'a>, Denial> {
    let usage = || {
        format!(
            "use your account id and download access token: {}",
            config.download_command("ACCOUNT_ID", "TOKEN")
        )
    };
    let creds = match basic_credentials(headers) {
        Ok(c) => c,
        Err(CredentialsError::Missing) => {
            return Err(Denial::Unauthorized(format!(
                "authentication required; {}",
                usage()
            )));
        }
        Err(CredentialsError::Malformed(why)) => {
            return Err(Denial::Unauthorized(format!(
                "malformed Authorization header ({why}); {}",
                usage()
            )));
        }
    };
    let account_id = snapshot
        .account_ids
        .get(&creds.user.trim().to_ascii_uppercase())
        .copied();
    let stored = account_id.and_then(|id| snapshot.download_tokens.get(&id));
    let supplied = packyard_store::secret::sha256(&creds.password);
    let matches = hash_matches(&supplied, stored.map_or(&DUMMY_HASH[..], |h| &h[..]));
    let Some(account) = account_id
        .filter(|_| matches && stored.is_some())
        .and_then(|id| snapshot.accounts.get(&id))
    else {
        return Err(Denial::Unauthorized(format!(
            "invalid account id or download access token; generate a new token at {}/account/token",
            config.public_url
        )));
    };
    account_rules(snapshot, config, account)?;
    Ok(TokenHolder { account })
}

/// Rules that apply to an authenticated account whatever the credential: closed accounts and
/// billing holds are refused with the reason.
fn account_rules(
    snapshot: &Snapshot,
    config: &Config,
    account: &AccountEntry,
) -> Result<(), Denial> {
    if account.closed {
        return Err(Denial::Forbidden(format!(
            "account {} is closed; contact the vendor to reopen it",
            account.public_id
        )));
    }
    let today = Utc::now().date_naive();
    if let Some(invoice) = snapshot.billing_hold(account, today, config.billing_grace_days) {
        return Err(Denial::Forbidden(format!(
            "account {} is on hold: invoice {} overdue since {}; pay it to restore access",
            account.public_id, invoice.number, invoice.due
        )));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn headers(value: &str) -> HeaderMap {
        let mut h = HeaderMap::new();
        h.insert(AUTHORIZATION, HeaderValue::from_str(value).unwrap());
        h
    }

    #[test]
    fn parses_basic_and_rejects_malformed_headers() {
        let ok = basic_credentials(&headers("Basic YWxpY2U6czNjcmV0")).unwrap();
        assert_eq!(
            (ok.user.as_str(), ok.password.as_str()),
            ("alice", "s3cret")
        );
        assert_eq!(
            basic_credentials(&HeaderMap::new()).err(),
            Some(CredentialsError::Missing)
        );
        for bad in [
            "Basic",
            "Basic !!!",
            "Bearer abc",
            "Basic YWxpY2U=",
            "Digest x",
        ] {
            assert!(
                matches!(
                    basic_credentials(&headers(bad)),
                    Err(CredentialsError::Malformed(_))
                ),
                "{bad}"
            );
        }
    }
}
