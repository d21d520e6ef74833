//! `account`, `key` and `token`: customers and their credentials.

use clap::Subcommand;

#[derive(Subcommand)]
pub enum AccountCmd {
    /// Create a customer account; prints its id.
    Create {
        /// The primary contact's email (their portal login).
        #[arg(long, env = "PACKYARD_ACCOUNT_EMAIL")]
        email: String,
        /// Display name, e.g. the company.
        #[arg(long, env = "PACKYARD_ACCOUNT_NAME")]
        name: String,
        /// Read the portal password from standard input.
        #[arg(long, env = "PACKYARD_PASSWORD_STDIN")]
        password_stdin: bool,
        /// Prefix of new account ids (default MAG; the older variable PACKYARD_ACCOUNT_PREFIX
        /// is still read).
        #[arg(long, env = "PACKYARD_ACCOUNT_ID_PREFIX")]
        id_prefix: Option<String>,
    },
    /// List every account.
    List,
    /// Show an account with its keys, licences and invoices.
    Show {
        /// Account id, e.g. MAG000000001.
        id: String,
    },
    /// Rename an account or change its contact email.
    Update {
        /// Account id, e.g. MAG000000001.
        id: String,
        /// The new display name.
        #[arg(long, env = "PACKYARD_ACCOUNT_NAME")]
        name: Option<String>,
        /// The new contact email (and portal login).
        #[arg(long, env = "PACKYARD_ACCOUNT_EMAIL")]
        email: Option<String>,
    },
    /// Close an account: every request with its keys or token is refused.
    Close {
        /// Account id, e.g. MAG000000001.
        id: String,
    },
    /// Reopen a closed account.
    Reopen {
        /// Account id, e.g. MAG000000001.
        id: String,
    },
    /// Set the portal password, read from standard input; logs out the account's browsers.
    SetPassword {
        /// Account id, e.g. MAG000000001.
        id: String,
        /// Read the password from standard input (the only way; accepted for clarity).
        #[arg(long, env = "PACKYARD_PASSWORD_STDIN")]
        password_stdin: bool,
    },
}

#[derive(Subcommand)]
pub enum KeyCmd {
    /// Create an access key pair; the private key is printed once.
    Create {
        /// Account id, e.g. MAG000000001.
        account: String,
        /// Who or what uses the key, e.g. "CI" or a developer's name.
        #[arg(long, env = "PACKYARD_KEY_NAME")]
        name: String,
    },
    /// List an account's keys (never the private keys).
    List {
        /// Account id, e.g. MAG000000001.
        account: String,
    },
    /// Disable a key: Composer requests with it are refused until it is enabled.
    Disable(KeyRef),
    /// Enable a disabled key.
    Enable(KeyRef),
    /// Delete a key for good.
    Delete(KeyRef),
}

/// Which access key: `PUBLIC_KEY`, or `ACCOUNT PUBLIC_KEY` like `key create` and `key list`
/// take the account (then the key must be that account's).
#[derive(clap::Args)]
pub struct KeyRef {
    /// The key's public half (its HTTP Basic username), optionally after the account id.
    #[arg(value_name = "[ACCOUNT] PUBLIC_KEY", num_args = 1.., required = true)]
    words: Vec<String>,
}

/// The forms a key may be given in, for error messages.
pub const KEY_FORMS: &str = "give PUBLIC_KEY or ACCOUNT PUBLIC_KEY";

impl KeyRef {
    /// (account id if given, public key).
    pub fn parts(&self) -> anyhow::Result<(Option<&str>, &str)> {
        match self.words.as_slice() {
            [key] if !key.trim().is_empty() => Ok((None, key.as_str())),
            [account, key] if !key.trim().is_empty() => Ok((Some(account.as_str()), key.as_str())),
            _ => anyhow::bail!("which key? {KEY_FORMS}"),
        }
    }
}

#[derive(Subcommand)]
pub enum TokenCmd {
    /// Generate the account's download access token (replaces the previous one at once).
    Generate {
        /// Account id, e.g. MAG000000001.
        account: String,
    },
}
