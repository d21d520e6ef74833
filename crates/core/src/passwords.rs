//! Human passwords (portal logins): argon2id with the crate's default parameters, stored as
//! PHC strings. Never used on the Composer hot path, where it would cap throughput.

use argon2::{Argon2, PasswordHasher, PasswordVerifier};

#[derive(Debug, thiserror::Error)]
pub enum PasswordError {
    #[error("the password must be 8 to 1024 characters long")]
    Length,
    #[error("could not hash the password: {0}")]
    Hash(String),
}

pub fn hash_password(password: &str) -> Result<String, PasswordError> {
    if password.chars().count() < 8 || password.len() > 1024 {
        return Err(PasswordError::Length);
    }
    let hash = Argon2::default()
        .hash_password(password.as_bytes())
        .map_err(|e| PasswordError::Hash(e.to_string()))?;
    Ok(hash.to_string())
}

pub fn verify_password(password: &str, phc: &str) -> bool {
    Argon2::default()
        .verify_password(password.as_bytes(), phc)
        .is_ok()
}

/// Does the work of one verification and fails, for logins with an unknown email: the
/// answer then takes as long as for a known email with a wrong password, so response times
/// do not reveal which emails have accounts.
pub fn verify_against_nothing(password: &str) {
    static DUMMY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    let phc = DUMMY.get_or_init(|| {
        hash_password("no account has this password").expect("a fixed password hashes")
    });
    let _ = verify_password(password, phc);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashes_verify_and_reject() {
        let h = hash_password("correct horse").unwrap();
        assert!(h.starts_with("$argon2id$"));
        assert!(verify_password("correct horse", &h));
        assert!(!verify_password("wrong horse", &h));
        assert!(matches!(hash_password("short"), Err(PasswordError::Length)));
    }
}
