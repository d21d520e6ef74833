//! Creation and hashing of the secrets customers and operators hold: access key halves,
//! download tokens, admin API tokens, session ids. They are random enough (≥ 190 bits) that a
//! single SHA-256 is the right hash: a slow password hash would only cap throughput on the
//! hot path, where every Composer request carries a key.

use sha2::{Digest, Sha256};

const ALPHABET: &[u8; 62] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

/// A random `[A-Za-z0-9]{len}` string from the operating system's CSPRNG, without modulo bias.
pub fn random_alphanumeric(len: usize) -> String {
    let mut out = String::with_capacity(len);
    let mut buf = [0u8; 64];
    while out.len() < len {
        getrandom::fill(&mut buf).expect("the operating system's random source failed");
        for &b in &buf {
            // 248 = 4 * 62: bytes at or above it would favour the first characters.
            if b < 248 && out.len() < len {
                out.push(ALPHABET[(b % 62) as usize] as char);
            }
        }
    }
    out
}

pub fn sha256(secret: &str) -> Vec<u8> {
    sha256_array(secret).to_vec()
}

/// [`sha256`] without the allocation, for the checks made on every request.
pub fn sha256_array(secret: &str) -> [u8; 32] {
    Sha256::digest(secret.as_bytes()).into()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn random_strings_have_the_requested_shape_and_differ() {
        let a = random_alphanumeric(32);
        let b = random_alphanumeric(32);
        assert_eq!(a.len(), 32);
        assert!(a.bytes().all(|c| c.is_ascii_alphanumeric()));
        assert_ne!(a, b);
    }

    #[test]
    fn every_character_of_the_alphabet_is_reachable() {
        let s = random_alphanumeric(20_000);
        for &c in ALPHABET {
            assert!(s.as_bytes().contains(&c), "{} never produced", c as char);
        }
    }
}
