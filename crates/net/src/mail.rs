//! Mail over SMTP with lettre: plain, STARTTLS or TLS from the first byte as `--smtp-url`
//! says, certificates checked against the web PKI roots, connections pooled.

use std::time::Duration;

use futures_util::FutureExt;
use futures_util::future::BoxFuture;
use lettre::message::{Mailbox, MultiPart};
use lettre::transport::smtp::authentication::Credentials;
use lettre::transport::smtp::client::{Tls, TlsParameters};
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use packyard_core::mail::{Mail, MailError, MailSettings, MailTransport, Mailer, Security};

/// [`MailTransport`] through one SMTP server.
pub struct SmtpTransport {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
}

/// The mailer for `settings`; fails on a host or sender lettre cannot use.
pub fn smtp_mailer(settings: &MailSettings) -> Result<Mailer, MailError> {
    Ok(Mailer::new(SmtpTransport::new(settings)?))
}

impl SmtpTransport {
    pub fn new(settings: &MailSettings) -> Result<SmtpTransport, MailError> {
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
            let password = settings.password().unwrap_or_default().to_string();
            builder = builder.credentials(Credentials::new(user.clone(), password));
        }
        let from = settings
            .from
            .parse()
            .map_err(|_| MailError::From(settings.from.clone()))?;
        Ok(SmtpTransport {
            transport: builder.build(),
            from,
        })
    }
}

impl MailTransport for SmtpTransport {
    fn send<'a>(&'a self, to: &'a str, mail: &'a Mail) -> BoxFuture<'a, Result<(), MailError>> {
        async move {
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
        .boxed()
    }
}
