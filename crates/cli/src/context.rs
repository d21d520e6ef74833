//! Opening the state every command acts on, from the global flags.

use anyhow::{Context, Result};
use packyard_blobs::BlobStore;
use packyard_store::Db;

use crate::args::Global;

pub async fn open_db(global: &Global) -> Result<Db> {
    match &global.database_url {
        Some(url) => Db::connect(url, true)
            .await
            .with_context(|| format!("cannot open database {}", redact(url))),
        None => Db::open_data_dir(&global.data_dir)
            .await
            .with_context(|| format!("cannot open the database in {}", global.data_dir.display())),
    }
}

pub fn open_blobs(global: &Global) -> Result<BlobStore> {
    let url = match &global.storage_url {
        Some(u) => u.clone(),
        None => global.data_dir.join("artifacts").display().to_string(),
    };
    Ok(BlobStore::from_url(&url)?)
}

/// A database URL without its password, for messages.
pub fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(s), Some(at)) if at > s => {
            let creds = &url[s + 3..at];
            let user = creds.split(':').next().unwrap_or("");
            format!("{}{user}:***{}", &url[..s + 3], &url[at..])
        }
        _ => url.to_string(),
    }
}

pub fn parse_date(value: &str, what: &str) -> Result<chrono::NaiveDate> {
    chrono::NaiveDate::parse_from_str(value.trim(), "%Y-%m-%d")
        .with_context(|| format!("{what} {value:?} is not a date in the form YYYY-MM-DD"))
}

/// A new password: typed at a prompt without echo (twice, to catch typos) when standard
/// input is a terminal, else the first line of standard input (`--password-stdin`, scripts).
pub fn read_new_password() -> Result<String> {
    use std::io::IsTerminal;
    if !std::io::stdin().is_terminal() {
        return read_password_stdin();
    }
    let first = rpassword::prompt_password("Password: ").context("cannot read the password")?;
    let again = rpassword::prompt_password("Repeat it: ").context("cannot read the password")?;
    if first != again {
        anyhow::bail!("the two passwords differ; nothing was changed");
    }
    Ok(first)
}

/// Reads a password from standard input (first line, without the newline).
pub fn read_password_stdin() -> Result<String> {
    let mut line = String::new();
    std::io::stdin()
        .read_line(&mut line)
        .context("cannot read the password from standard input")?;
    Ok(line.trim_end_matches(['\n', '\r']).to_string())
}
