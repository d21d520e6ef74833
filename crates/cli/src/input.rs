//! What commands read from the person at the terminal or from standard input: passwords,
//! webhook secrets and private keys, which never go on the command line. A leaf: the
//! argument grammar, the commands and the backends all read through it.

use anyhow::{Context, Result, bail};

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
        bail!("the two passwords differ; nothing was changed");
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

/// The private half of an imported pair, from standard input.
pub fn read_private_key(private_key_stdin: bool) -> Result<String> {
    if !private_key_stdin {
        bail!(
            "pipe the private key in and pass --private-key-stdin (it never goes on the command line)"
        );
    }
    read_password_stdin().context("cannot read the private key from standard input")
}
