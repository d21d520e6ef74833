//! `operator`, `backup`, `restore` and `completions`: running the installation itself.

use std::path::PathBuf;

use clap::{Args, Subcommand, ValueEnum};

#[derive(Subcommand)]
pub enum OperatorCmd {
    /// Create an operator (back office login, owner of API tokens).
    Create {
        /// The operator's email (their back office login).
        #[arg(long, env = "PACKYARD_OPERATOR_EMAIL")]
        email: String,
        /// Read the password from standard input (required).
        #[arg(long, env = "PACKYARD_PASSWORD_STDIN")]
        password_stdin: bool,
    },
    /// List operators.
    List,
    /// Disable an operator: their API tokens and back office sessions stop working.
    Disable {
        /// The operator's email.
        email: String,
    },
    /// Enable a disabled operator again.
    Enable {
        /// The operator's email.
        email: String,
    },
    /// Set an operator's password, read from standard input; ends their sessions.
    SetPassword {
        /// The operator's email.
        email: String,
        /// Read the password from standard input (the only way; accepted for clarity).
        #[arg(long, env = "PACKYARD_PASSWORD_STDIN")]
        password_stdin: bool,
    },
    /// Admin API tokens: create (printed once), list, revoke.
    #[command(subcommand)]
    Token(OperatorTokenCmd),
}

#[derive(Subcommand)]
pub enum OperatorTokenCmd {
    /// Create an admin API token; printed once.
    Create {
        /// The operator who owns the token.
        #[arg(long, env = "PACKYARD_OPERATOR_EMAIL")]
        email: String,
        /// What the token is for, e.g. "CI publish".
        #[arg(long, env = "PACKYARD_TOKEN_NAME")]
        name: String,
        /// read (GET only), publish (packages and releases) or admin (everything).
        #[arg(long, env = "PACKYARD_TOKEN_SCOPE", default_value = "admin", value_parser = ["read", "publish", "admin"])]
        scope: String,
    },
    /// List tokens (never the secrets), of one operator or all.
    List {
        /// Only this operator's tokens.
        #[arg(long, env = "PACKYARD_OPERATOR_EMAIL")]
        email: Option<String>,
    },
    /// Revoke a token: refused on every node within a second.
    Revoke {
        /// The token's id, from 'operator token list'.
        id: i64,
    },
}

#[derive(Args)]
pub struct BackupArgs {
    /// Directory to write the backup into (created; must be empty if it exists).
    #[arg(long, env = "PACKYARD_BACKUP_TO")]
    pub to: PathBuf,
}

#[derive(Args)]
pub struct RestoreArgs {
    /// A directory written by 'packyard backup'.
    #[arg(long, env = "PACKYARD_RESTORE_FROM")]
    pub from: PathBuf,
}

#[derive(Clone, Copy, ValueEnum)]
pub enum Shell {
    Bash,
    Zsh,
    Fish,
}

#[derive(Args)]
pub struct CompletionsArgs {
    /// The shell to complete for.
    #[arg(value_enum)]
    pub shell: Shell,
}
