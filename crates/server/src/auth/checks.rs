//! The checks behind each entry point of [`super`], against one snapshot and without I/O.
//! Each says whether a refusal is definitive ([`Verdict::Refused`]: missing or malformed
//! credentials, a disabled key, an account that is closed or on hold) or only means the
//! snapshot does not know the credential ([`Verdict::Unknown`]), which the caller may look up
//! before refusing and counts as a failed attempt.

use std::sync::Arc;

use axum::http::HeaderMap;
use axum::http::header::AUTHORIZATION;

use super::credentials::{
    BasicCredentials, CredentialsError, basic_credentials_of, bearer_token, hash_matches,
};
use super::principal::{Customer, DownloadAccount, Operator};
use crate::edge::denial::Denial;
use crate::edge::request_headers::RequestHeaders;
use packyard_core::access::Seat;
use packyard_core::config::Config;
use packyard_core::rules::{self, Standing};
use packyard_core::snapshot::{AccountEntry, KeyOwner, Snapshot};

const DUMMY_HASH: [u8; 32] = [0u8; 32];

/// Why a check refused.
pub enum Verdict {
    /// The snapshot does not know these credentials (unknown id, or a wrong secret).
    Unknown(Denial),
    /// Understood and refused; looking again would change nothing.
    Refused(Denial),
}

/// An access key pair (Composer's HTTP Basic, `authorization` as sent) and the account's
/// standing.
pub fn key(
    snapshot: &Arc<Snapshot>,
    config: &Config,
    authorization: Option<&[u8]>,
) -> Result<Customer, Verdict> {
    let host = config.host();
    let creds = basic_or_denial(
        authorization,
        || format!(
            "this repository needs an access key: add your public key as username and private key as password to auth.json under \"http-basic\" for \"{host}\""
        ),
        "send HTTP Basic with your public key as username and private key as password",
    )
    .map_err(Verdict::Refused)?;
    let supplied = packyard_store::secret::sha256_array(creds.password());
    let entry = snapshot.keys.get_arc(creds.user());
    let stored = entry.map_or(&DUMMY_HASH[..], |k| &k.private_key_hash[..]);
    let matches = hash_matches(&supplied, stored);
    let Some(key) = entry.filter(|_| matches).cloned() else {
        return Err(Verdict::Unknown(Denial::Unauthorized(format!(
            "invalid access key for {host}: check the public key (username) and private key (password) in your auth.json"
        ))));
    };
    let seats = snapshot.seats(&key);
    let Some(first) = seats.first() else {
        return Err(Verdict::Unknown(Denial::Unauthorized(format!(
            "invalid access key for {host}"
        ))));
    };
    if !key.enabled {
        let whose = match key.owner {
            KeyOwner::Account(_) => format!(
                "the Access Keys page of account {}",
                first.account.public_id
            ),
            KeyOwner::User(_) => "your personal keys page".to_string(),
        };
        return Err(Verdict::Refused(Denial::Unauthorized(format!(
            "access key {} is disabled; enable it on {whose} or use another key",
            creds.user()
        ))));
    }
    // A personal key keeps the accounts in good standing; an account key needs its one.
    let refusal = seats
        .iter()
        .find_map(|s| in_good_standing(config, &s.account).err());
    let seats: Vec<Seat> = match key.owner {
        KeyOwner::Account(_) => seats,
        KeyOwner::User(_) => seats
            .into_iter()
            .filter(|s| in_good_standing(config, &s.account).is_ok())
            .collect(),
    };
    let account = match (refusal, seats.first()) {
        (Some(refused), _) if matches!(key.owner, KeyOwner::Account(_)) => return Err(refused),
        (_, Some(seat)) => seat.account.clone(),
        (Some(refused), None) => return Err(refused),
        (None, None) => unreachable!("an account key has its seat"),
    };
    Ok(Customer {
        snapshot: snapshot.clone(),
        account,
        seats,
        key,
        public_key: creds.user().to_string(),
    })
}

/// `ACCOUNT_ID:TOKEN` for the release downloads. As with keys, an unknown account id and a
/// wrong token get the same answer after the same work.
pub fn download_token(
    snapshot: &Arc<Snapshot>,
    config: &Config,
    headers: &HeaderMap,
) -> Result<DownloadAccount, Verdict> {
    let usage = format!(
        "use your account id and download access token: {}",
        config.download_command("ACCOUNT_ID", "TOKEN")
    );
    let creds = basic_or_denial(
        headers.first(&AUTHORIZATION),
        || format!("authentication required; {usage}"),
        &usage,
    )
    .map_err(Verdict::Refused)?;
    let account_id = snapshot
        .account_ids
        .get(&creds.user().trim().to_ascii_uppercase())
        .copied();
    let stored = account_id.and_then(|id| snapshot.download_tokens.get(&id));
    let supplied = packyard_store::secret::sha256_array(creds.password());
    let matches = hash_matches(&supplied, stored.map_or(&DUMMY_HASH[..], |h| &h[..]));
    let Some(account) = account_id
        .filter(|_| matches && stored.is_some())
        .and_then(|id| snapshot.accounts.get_arc(&id).cloned())
    else {
        return Err(Verdict::Unknown(Denial::Unauthorized(format!(
            "invalid account id or download access token; generate a new token at {}/account/token",
            config.public_url
        ))));
    };
    in_good_standing(config, &account)?;
    Ok(DownloadAccount {
        snapshot: snapshot.clone(),
        account,
    })
}

/// An admin API token (`Authorization: Bearer …`).
pub fn operator(snapshot: &Snapshot, headers: &HeaderMap) -> Result<Operator, Verdict> {
    let Some(token) = bearer_token(headers) else {
        return Err(Verdict::Refused(Denial::Unauthorized(
            "send an admin API token as 'Authorization: Bearer <token>' (create one with 'packyard operator token create')".into(),
        )));
    };
    let hash = packyard_store::secret::sha256(token);
    // Revoked tokens and those of disabled operators are not in the snapshot.
    match snapshot.admin_tokens.get(&hash) {
        Some(token) => Ok(Operator {
            email: token.email.clone(),
            token_id: token.id,
            scope: token.scope,
        }),
        None => Err(Verdict::Unknown(Denial::Unauthorized(
            "invalid, revoked or disabled operator API token".into(),
        ))),
    }
}

/// The request's HTTP Basic credentials, or a 401 saying `missing` when there are none, or
/// what is malformed followed by `hint`.
/// `missing` builds the message for a request without credentials (only then: the hot path
/// of every authenticated request passes here).
fn basic_or_denial(
    authorization: Option<&[u8]>,
    missing: impl FnOnce() -> String,
    hint: &str,
) -> Result<BasicCredentials, Denial> {
    basic_credentials_of(authorization).map_err(|e| match e {
        CredentialsError::Missing => Denial::Unauthorized(missing()),
        CredentialsError::Malformed(why) => {
            Denial::Unauthorized(format!("malformed Authorization header ({why}); {hint}"))
        }
    })
}

/// Closed accounts and billing holds are refused with the reason, whatever the credential.
fn in_good_standing(config: &Config, account: &AccountEntry) -> Result<(), Verdict> {
    // Most accounts owe nothing: the clock is read only when there is an invoice to date.
    let hold = if account.unpaid.is_empty() {
        None
    } else {
        account.billing_hold(config.clock.today(), config.billing_grace_days)
    };
    let refused = |message| Err(Verdict::Refused(Denial::Forbidden(message)));
    match rules::standing(account.closed, hold) {
        Standing::Open => Ok(()),
        Standing::Closed => refused(format!(
            "account {} is closed; contact the vendor to reopen it",
            account.public_id
        )),
        Standing::OnHold(invoice) => refused(format!(
            "account {} is on hold: invoice {} overdue since {}; pay it to restore access",
            account.public_id, invoice.number, invoice.due
        )),
    }
}
