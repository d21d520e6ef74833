//! Mail (SPEC §14): the settings and the SMTP transport (`lettre`) for what the portal
//! sends: password-reset links, password-change confirmations, and notices of an overdue
//! invoice or of a licence whose updates end soon.
//!
//! `--smtp-url smtp://[user:pass@]host:port` sends in plain text (a local relay),
//! `?starttls=true` upgrades with STARTTLS (and refuses to send without it), `smtps://`
//! speaks TLS from the first byte; certificates are checked against the web PKI roots.
//! The password never appears in logs or `Debug` output.

use std::time::Duration;

use lettre::message::{Mailbox, MultiPart};
use lettre::transport::smtp::authentication::Credentials;
use lettre::transport::smtp::client::{Tls, TlsParameters};
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};

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
        from.parse::<Mailbox>()
            .map_err(|_| MailError::From(from.clone()))?;
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

/// Sends mail through one SMTP server (connections pooled by lettre).
#[derive(Clone)]
pub struct Mailer {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
}

impl Mailer {
    pub fn new(settings: &MailSettings) -> Result<Mailer, MailError> {
        let url_error = |e: lettre::transport::smtp::Error| MailError::Url(e.to_string());
        let mut builder = AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(&settings.host)
            .port(settings.port)
            .timeout(Some(Duration::from_secs(20)));
        if settings.security != Security::Plain {
            let tls = TlsParameters::new(settings.host.clone()).map_err(url_error)?;
            builder = builder.tls(match settings.security {
                Security::Tls => Tls::Wrapper(tls),
                _ => Tls::Required(tls),
            });
        }
        if let Some(user) = &settings.username {
            let password = settings.password.clone().unwrap_or_default();
            builder = builder.credentials(Credentials::new(user.clone(), password));
        }
        let from = settings
            .from
            .parse()
            .map_err(|_| MailError::From(settings.from.clone()))?;
        Ok(Mailer {
            transport: builder.build(),
            from,
        })
    }

    /// Sends `mail` (a plain-text and an HTML part) to `to`.
    pub async fn send(&self, to: &str, mail: &Mail) -> Result<(), MailError> {
        let failed = |reason: String| MailError::Send {
            to: to.to_string(),
            reason,
        };
        let recipient: Mailbox = to
            .parse()
            .map_err(|e: lettre::address::AddressError| failed(e.to_string()))?;
        let message = Message::builder()
            .from(self.from.clone())
            .to(recipient)
            .subject(&mail.subject)
            .multipart(MultiPart::alternative_plain_html(
                mail.text.clone(),
                mail.html.clone(),
            ))
            .map_err(|e| failed(e.to_string()))?;
        self.transport
            .send(message)
            .await
            .map_err(|e| failed(e.to_string()))?;
        Ok(())
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
