//! Mail (SPEC §14): the settings, and the transport behind [`MailTransport`], for what the
//! portal sends: password-reset links, password-change confirmations, and notices of an
//! overdue invoice or of a licence whose updates end soon. The SMTP transport (lettre, with
//! rustls) lives in `packyard-net`, so this crate links no TLS stack.
//!
//! `--smtp-url smtp://[user:pass@]host:port` sends in plain text (a local relay),
//! `?starttls=true` upgrades with STARTTLS (and refuses to send without it), `smtps://`
//! speaks TLS from the first byte; certificates are checked against the web PKI roots.
//! The password never appears in logs or `Debug` output.

use std::sync::Arc;

use futures_util::future::BoxFuture;

/// A mail ready to send: the portal renders it, this module sends it.
#[derive(Clone, Debug)]
pub struct Mail {
    pub subject: String,
    pub text: String,
    pub html: String,
}

/// How the connection to the SMTP server is protected.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Security {
    /// `smtp://`: no encryption (a relay on the same host or network).
    Plain,
    /// `smtp://…?starttls=true`: STARTTLS required.
    StartTls,
    /// `smtps://`: TLS from the start.
    Tls,
}

/// `--smtp-url` and `--mail-from`, checked.
#[derive(Clone, PartialEq, Eq)]
pub struct MailSettings {
    pub security: Security,
    pub host: String,
    pub port: u16,
    pub username: Option<String>,
    password: Option<String>,
    pub from: String,
}

impl std::fmt::Debug for MailSettings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MailSettings")
            .field("security", &self.security)
            .field("host", &self.host)
            .field("port", &self.port)
            .field("username", &self.username)
            .field("password", &self.password.as_ref().map(|_| "(hidden)"))
            .field("from", &self.from)
            .finish()
    }
}

#[derive(Debug, thiserror::Error)]
pub enum MailError {
    #[error(
        "--smtp-url: {0} (expected smtp://[user:pass@]host:port, smtps://… or …?starttls=true)"
    )]
    Url(String),
    #[error("--mail-from {0:?} is not an address like \"Acme Support <support@acme.test>\"")]
    From(String),
    #[error("--mail-from is needed with --smtp-url")]
    NoFrom,
    #[error("cannot send mail to {to}: {reason}")]
    Send { to: String, reason: String },
}

/// `%XX` escapes decoded (user names and passwords in URLs may hold `@`, `:`, `/`).
fn percent_decode(text: &str) -> Result<String, MailError> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = text
                .get(i + 1..i + 3)
                .and_then(|h| u8::from_str_radix(h, 16).ok())
                .ok_or_else(|| MailError::Url(format!("bad %-escape in {text:?}")))?;
            out.push(hex);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).map_err(|_| MailError::Url("credentials are not UTF-8".into()))
}

impl MailSettings {
    /// Parses `--smtp-url` and `--mail-from`.
    pub fn parse(url: &str, from: Option<&str>) -> Result<MailSettings, MailError> {
        let bad = |why: &str| MailError::Url(why.to_string());
        let (scheme, rest) = url
            .trim()
            .split_once("://")
            .ok_or_else(|| bad("no scheme"))?;
        let (rest, query) = rest.split_once('?').unwrap_or((rest, ""));
        let rest = rest.trim_end_matches('/');
        let starttls = match query {
            "" | "starttls=false" => false,
            "starttls=true" => true,
            other => return Err(bad(&format!("unknown option {other:?}"))),
        };
        let security = match (scheme, starttls) {
            ("smtp", false) => Security::Plain,
            ("smtp", true) => Security::StartTls,
            ("smtps", false) => Security::Tls,
            ("smtps", true) => return Err(bad("starttls=true goes with smtp://, not smtps://")),
            _ => return Err(bad(&format!("unknown scheme {scheme:?}"))),
        };
        let (credentials, server) = match rest.rsplit_once('@') {
            Some((c, s)) => (Some(c), s),
            None => (None, rest),
        };
        let (username, password) = match credentials {
            None => (None, None),
            Some(c) => {
                let (u, p) = c.split_once(':').unwrap_or((c, ""));
                (Some(percent_decode(u)?), Some(percent_decode(p)?))
            }
        };
        let default_port = if security == Security::Tls { 465 } else { 25 };
        let (host, port) = match server.rsplit_once(':') {
            Some((h, p)) if !h.ends_with(']') || h.starts_with('[') => (
                h,
                p.parse::<u16>()
                    .map_err(|_| bad(&format!("port {p:?} is not a number")))?,
            ),
            _ => (server, default_port),
        };
        let host = host.trim_start_matches('[').trim_end_matches(']');
        if host.is_empty() || host.contains('/') {
            return Err(bad("no host"));
        }
        let from = from.ok_or(MailError::NoFrom)?.trim().to_string();
        if !is_mailbox(&from) {
            return Err(MailError::From(from));
        }
        Ok(MailSettings {
            security,
            host: host.to_string(),
            port,
            username,
            password,
            from,
        })
    }
}

impl MailSettings {
    /// The SMTP password (for the transport only; never logged).
    pub fn password(&self) -> Option<&str> {
        self.password.as_deref()
    }
}

/// `addr@host` or `Display Name <addr@host>`: one `@` with something on each side, no spaces
/// in the address.
fn is_mailbox(text: &str) -> bool {
    let address = match (text.rfind('<'), text.strip_suffix('>')) {
        (Some(open), Some(inner)) => &inner[open + 1..],
        (None, None) => text,
        _ => return false,
    };
    match address.split_once('@') {
        Some((local, domain)) => {
            !local.is_empty()
                && !domain.is_empty()
                && !domain.contains('@')
                && !address.chars().any(char::is_whitespace)
        }
        None => false,
    }
}

/// Delivers one mail (a plain-text and an HTML part) to one recipient.
pub trait MailTransport: Send + Sync {
    fn send<'a>(&'a self, to: &'a str, mail: &'a Mail) -> BoxFuture<'a, Result<(), MailError>>;
}

/// What the portal sends mail through; cheap to clone.
#[derive(Clone)]
pub struct Mailer(Arc<dyn MailTransport>);

impl Mailer {
    pub fn new(transport: impl MailTransport + 'static) -> Mailer {
        Mailer(Arc::new(transport))
    }

    /// Sends `mail` (a plain-text and an HTML part) to `to`.
    pub async fn send(&self, to: &str, mail: &Mail) -> Result<(), MailError> {
        self.0.send(to, mail).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const FROM: Option<&str> = Some("Acme <support@acme.test>");

    #[test]
    fn smtp_urls_are_parsed_with_their_security() {
        let plain = MailSettings::parse("smtp://127.0.0.1:2525", FROM).unwrap();
        assert_eq!(
            (plain.security, plain.host.as_str(), plain.port),
            (Security::Plain, "127.0.0.1", 2525)
        );
        assert_eq!(plain.username, None);
        let auth = MailSettings::parse(
            "smtp://me%40acme.test:p%3Ass@mail.acme.test:587?starttls=true",
            FROM,
        )
        .unwrap();
        assert_eq!(auth.security, Security::StartTls);
        assert_eq!(auth.username.as_deref(), Some("me@acme.test"));
        assert_eq!(auth.password.as_deref(), Some("p:ss"));
        assert!(!format!("{auth:?}").contains("p:ss"), "password hidden");
        let tls = MailSettings::parse("smtps://mail.acme.test", FROM).unwrap();
        assert_eq!((tls.security, tls.port), (Security::Tls, 465));
    }

    #[test]
    fn bad_mail_settings_say_what_is_wrong() {
        for (url, from, needle) in [
            ("mail.acme.test", FROM, "no scheme"),
            ("http://mail.acme.test", FROM, "unknown scheme"),
            ("smtp://mail.acme.test:port", FROM, "not a number"),
            ("smtp://mail.acme.test?tls=1", FROM, "unknown option"),
            (
                "smtps://mail.acme.test?starttls=true",
                FROM,
                "goes with smtp://",
            ),
            ("smtp://:25", FROM, "no host"),
            ("smtp://mail.acme.test", None, "--mail-from is needed"),
            (
                "smtp://mail.acme.test",
                Some("not an address"),
                "--mail-from",
            ),
        ] {
            let err = MailSettings::parse(url, from).unwrap_err().to_string();
            assert!(err.contains(needle), "{url}: {err}");
        }
    }
}
