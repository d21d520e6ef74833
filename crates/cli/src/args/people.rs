//! `user` and `explain` (SPEC §13): the people of an account, their personal keys, and why a
//! key or account can or cannot install a package.

use clap::{Args, Subcommand};

#[derive(Subcommand)]
pub enum UserCmd {
    /// Add a user to an account with a role; prints a single-use link to set the password
    /// unless --password-stdin gives one (or the user has one already).
    Add {
        /// Account id, e.g. MAG000000001.
        account: String,
        /// The user's email (their portal login).
        #[arg(long, env = "PACKYARD_USER_EMAIL")]
        email: String,
        /// owner (everything, manages users), developer (keys, token, licences) or billing
        /// (invoices, licences).
        #[arg(long, env = "PACKYARD_USER_ROLE")]
        role: String,
        /// Read the user's portal password from standard input.
        #[arg(long, env = "PACKYARD_PASSWORD_STDIN")]
        password_stdin: bool,
    },
    /// List an account's users and their roles.
    List {
        /// Account id, e.g. MAG000000001.
        account: String,
    },
    /// Remove a user from an account (an account always keeps one owner).
    Remove {
        /// Account id, e.g. MAG000000001.
        account: String,
        /// The user's email.
        email: String,
    },
    /// Change a user's role on an account.
    SetRole {
        /// Account id, e.g. MAG000000001.
        account: String,
        /// The user's email.
        email: String,
        /// owner, developer or billing.
        role: String,
    },
    /// A user's personal keys: they see what every account of the user may install.
    #[command(subcommand)]
    Key(UserKeyCmd),
}

#[derive(Subcommand)]
pub enum UserKeyCmd {
    /// Create a personal key pair for a user; the private key is printed once.
    Create {
        /// The user's email.
        email: String,
        /// Who or what uses the key, e.g. "laptop".
        #[arg(long, env = "PACKYARD_KEY_NAME")]
        name: String,
    },
    /// List a user's personal keys.
    List {
        /// The user's email.
        email: String,
    },
}

#[derive(Args)]
pub struct ExplainArgs {
    /// Account id (e.g. MAG000000001), then the package; with --key, only the package.
    #[arg(num_args = 1..=2, required = true, value_name = "ACCOUNT] [PACKAGE")]
    pub names: Vec<String>,
    /// Explain for this access key (its public half) instead of an account.
    #[arg(long, env = "PACKYARD_EXPLAIN_KEY")]
    pub key: Option<String>,

    /// Days past an invoice's due date before the account goes on hold (as the server's).
    #[arg(long, env = "PACKYARD_BILLING_GRACE_DAYS", default_value_t = 0)]
    pub billing_grace_days: i64,
}
