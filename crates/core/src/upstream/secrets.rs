//! Upstream credentials at rest: encrypted with ChaCha20-Poly1305 under a 256-bit key the
//! operator keeps outside the database (`--secrets-key-file`), so a database dump or backup
//! alone never yields a password or token. Each value gets a fresh random 96-bit nonce,
//! stored in front of the ciphertext; the upstream's name is bound in as associated data so
//! a ciphertext copied onto another upstream's row does not decrypt.

use std::path::Path;

use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{ChaCha20Poly1305, Key, Nonce};

const NONCE_LEN: usize = 12;

/// The operator's key. Debug output never shows it.
#[derive(Clone)]
pub struct SecretsKey(Key);

impl std::fmt::Debug for SecretsKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SecretsKey(…)")
    }
}

#[derive(Debug, thiserror::Error)]
pub enum SecretsError {
    #[error("cannot read the secrets key file {path}: {source}")]
    Read {
        path: String,
        source: std::io::Error,
    },
    #[error(
        "the secrets key file {0} must hold 32 random bytes as 64 hex digits (make one with `openssl rand -hex 32`)"
    )]
    Malformed(String),
    #[error(
        "a stored upstream credential cannot be decrypted: the secrets key is not the one it was stored with"
    )]
    WrongKey,
}

impl SecretsKey {
    /// Reads a key file: 64 hex digits (surrounding whitespace ignored).
    pub fn from_file(path: &Path) -> Result<SecretsKey, SecretsError> {
        let text = std::fs::read_to_string(path).map_err(|source| SecretsError::Read {
            path: path.display().to_string(),
            source,
        })?;
        let bytes: [u8; 32] = hex::decode(text.trim())
            .ok()
            .and_then(|b| b.try_into().ok())
            .ok_or_else(|| SecretsError::Malformed(path.display().to_string()))?;
        Ok(SecretsKey(Key::from(bytes)))
    }

    /// `nonce || ciphertext` of `plain`, bound to `context` (the upstream's name).
    pub fn seal(&self, context: &str, plain: &str) -> Vec<u8> {
        let mut nonce = [0u8; NONCE_LEN];
        getrandom::fill(&mut nonce).expect("the operating system's random source failed");
        let sealed = ChaCha20Poly1305::new(&self.0)
            .encrypt(
                &Nonce::from(nonce),
                Payload {
                    msg: plain.as_bytes(),
                    aad: context.as_bytes(),
                },
            )
            .expect("encrypting in memory cannot fail");
        let mut out = nonce.to_vec();
        out.extend_from_slice(&sealed);
        out
    }

    /// The plaintext of a value [`SecretsKey::seal`]ed with `context`.
    pub fn open(&self, context: &str, sealed: &[u8]) -> Result<String, SecretsError> {
        if sealed.len() < NONCE_LEN {
            return Err(SecretsError::WrongKey);
        }
        let (nonce, body) = sealed.split_at(NONCE_LEN);
        let nonce: [u8; NONCE_LEN] = nonce.try_into().map_err(|_| SecretsError::WrongKey)?;
        let plain = ChaCha20Poly1305::new(&self.0)
            .decrypt(
                &Nonce::from(nonce),
                Payload {
                    msg: body,
                    aad: context.as_bytes(),
                },
            )
            .map_err(|_| SecretsError::WrongKey)?;
        String::from_utf8(plain).map_err(|_| SecretsError::WrongKey)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(hex_digits: &str) -> SecretsKey {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("key");
        std::fs::write(&path, format!("{hex_digits}\n")).unwrap();
        SecretsKey::from_file(&path).unwrap()
    }

    #[test]
    fn sealed_values_open_only_with_their_key_and_upstream() {
        let k = key(&"ab".repeat(32));
        let sealed = k.seal("magento", "s3cret-password");
        assert!(!sealed.windows(6).any(|w| w == b"s3cret"), "not in clear");
        assert_ne!(sealed, k.seal("magento", "s3cret-password"), "fresh nonce");
        assert_eq!(k.open("magento", &sealed).unwrap(), "s3cret-password");
        assert!(k.open("other", &sealed).is_err(), "bound to the upstream");
        assert!(key(&"cd".repeat(32)).open("magento", &sealed).is_err());
        assert!(format!("{k:?}").contains('…'));
    }

    #[test]
    fn malformed_key_files_are_refused_with_the_fix() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("short");
        std::fs::write(&path, "abcd").unwrap();
        let err = SecretsKey::from_file(&path).unwrap_err().to_string();
        assert!(err.contains("openssl rand -hex 32"), "{err}");
        assert!(SecretsKey::from_file(&dir.path().join("missing")).is_err());
    }
}
