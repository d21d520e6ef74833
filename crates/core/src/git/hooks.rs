//! Verifying push webhooks from the four hosts SPEC §11 names, each with the repository's
//! secret. What is stored is `SHA-256(secret)` (the "hook key"), never the secret:
//! - HMAC-SHA256 replaces a key longer than its 64-byte block by that key's SHA-256, so for
//!   secrets longer than 64 bytes `HMAC(secret, body) == HMAC(SHA-256(secret), body)`: the
//!   stored digest verifies GitHub, Gitea/Forgejo and Bitbucket signatures exactly.
//! - GitLab sends the secret itself (`X-Gitlab-Token`); its SHA-256 is compared with the key.
//!
//! Secrets are therefore required to be longer than 64 bytes ([`hook_key`]); generated ones
//! are 80 characters. Every comparison is constant-time.

use hmac::{KeyInit, Mac};
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

/// Length of generated webhook secrets (over the 64-byte HMAC block, see the module header).
pub const GENERATED_SECRET_LEN: usize = 80;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Provider {
    GitHub,
    GitLab,
    Gitea,
    Bitbucket,
}

#[derive(Debug, PartialEq, Eq, thiserror::Error)]
pub enum HookError {
    #[error(
        "no webhook signature: send X-Hub-Signature-256 (GitHub), X-Gitlab-Token (GitLab), X-Gitea-Signature (Gitea/Forgejo) or X-Hub-Signature (Bitbucket)"
    )]
    Missing,
    #[error("the webhook signature does not match this repository's secret")]
    Mismatch,
    #[error(
        "webhook secrets must be longer than 64 bytes (this one has {0}), so that only a hash of them is stored; omit --secret-stdin to have one generated"
    )]
    ShortSecret(usize),
}

/// The key stored for `secret`, or why the secret is refused.
pub fn hook_key(secret: &str) -> Result<Vec<u8>, HookError> {
    if secret.len() <= 64 {
        return Err(HookError::ShortSecret(secret.len()));
    }
    Ok(Sha256::digest(secret.as_bytes()).to_vec())
}

/// Checks the signature headers of a webhook against `key`; the first present header
/// decides (no fallback from a failed one to another). `header` looks a request header up
/// by its lower-case name.
pub fn verify<'a>(
    header: impl Fn(&str) -> Option<&'a str>,
    body: &[u8],
    key: &[u8],
) -> Result<Provider, HookError> {
    if let Some(token) = header("x-gitlab-token") {
        let digest = Sha256::digest(token.as_bytes());
        return ct_ok(digest.as_slice(), key).map(|()| Provider::GitLab);
    }
    if let Some(sig) = header("x-gitea-signature").or_else(|| header("x-forgejo-signature")) {
        return hmac_ok(sig, body, key).map(|()| Provider::Gitea);
    }
    if let Some(sig) = header("x-hub-signature-256") {
        let hex = sig.strip_prefix("sha256=").ok_or(HookError::Mismatch)?;
        return hmac_ok(hex, body, key).map(|()| Provider::GitHub);
    }
    if let Some(sig) = header("x-hub-signature") {
        let hex = sig.strip_prefix("sha256=").ok_or(HookError::Mismatch)?;
        return hmac_ok(hex, body, key).map(|()| Provider::Bitbucket);
    }
    Err(HookError::Missing)
}

fn hmac_ok(hex_sig: &str, body: &[u8], key: &[u8]) -> Result<(), HookError> {
    let given = hex::decode(hex_sig.trim()).map_err(|_| HookError::Mismatch)?;
    ct_ok(&sign(key, body), &given)
}

/// HMAC-SHA256 of `body` under `key` (the hook key, or a secret in tests).
pub fn sign(key: &[u8], body: &[u8]) -> Vec<u8> {
    let mut mac =
        hmac::Hmac::<Sha256>::new_from_slice(key).expect("HMAC accepts keys of any length");
    mac.update(body);
    mac.finalize().into_bytes().to_vec()
}

fn ct_ok(a: &[u8], b: &[u8]) -> Result<(), HookError> {
    if a.len() == b.len() && bool::from(a.ct_eq(b)) {
        Ok(())
    } else {
        Err(HookError::Mismatch)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SECRET: &str =
        "s3cr3t-that-is-long-enough-to-exceed-the-sixty-four-byte-hmac-block-size!!";

    type Headers = (&'static str, String);

    fn headers(name: &'static str, value: String) -> Headers {
        (name, value)
    }

    /// The look-up `verify` takes, over one header.
    fn lookup<'h>(h: &'h Headers) -> impl Fn(&str) -> Option<&'h str> + 'h {
        move |name| (h.0 == name).then_some(h.1.as_str())
    }

    /// Signatures as the providers compute them: with the secret itself.
    fn provider_sig(body: &[u8]) -> String {
        hex::encode(sign(SECRET.as_bytes(), body))
    }

    #[test]
    fn each_provider_verifies_with_the_stored_key_only() {
        let key = hook_key(SECRET).expect("long secret");
        let body = br#"{"ref":"refs/tags/v1.0.0"}"#;
        let sig = provider_sig(body);
        let cases = [
            (
                headers("x-hub-signature-256", format!("sha256={sig}")),
                Provider::GitHub,
            ),
            (headers("x-gitlab-token", SECRET.into()), Provider::GitLab),
            (headers("x-gitea-signature", sig.clone()), Provider::Gitea),
            (headers("x-forgejo-signature", sig.clone()), Provider::Gitea),
            (
                headers("x-hub-signature", format!("sha256={sig}")),
                Provider::Bitbucket,
            ),
        ];
        for (h, provider) in cases {
            assert_eq!(verify(lookup(&h), body, &key), Ok(provider), "{provider:?}");
            assert_eq!(
                verify(lookup(&h), b"tampered", &key)
                    .err()
                    .map(|_| ())
                    .is_some(),
                provider != Provider::GitLab
            );
        }
    }

    #[test]
    fn wrong_or_missing_signatures_fail() {
        let key = hook_key(SECRET).expect("long secret");
        let body = b"{}";
        let other = hex::encode(sign(b"another secret", body));
        let cases = [
            headers("x-hub-signature-256", format!("sha256={other}")),
            headers("x-hub-signature-256", provider_sig(body)), // no "sha256=" prefix
            headers("x-gitlab-token", "wrong".into()),
            headers("x-gitea-signature", "zz-not-hex".into()),
            headers("x-hub-signature", format!("sha1={}", provider_sig(body))),
        ];
        for h in cases {
            assert_eq!(
                verify(lookup(&h), body, &key),
                Err(HookError::Mismatch),
                "{h:?}"
            );
        }
        assert_eq!(verify(|_| None, body, &key), Err(HookError::Missing));
    }

    #[test]
    fn short_secrets_are_refused() {
        assert!(hook_key("short").is_err());
        assert!(hook_key(&"x".repeat(65)).is_ok());
    }
}
