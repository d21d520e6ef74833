//! `packyard serve` options for what customers see (SPEC §14): the vendor's brand on every
//! page and mail, and the SMTP server that mail goes through.

use std::path::PathBuf;

use anyhow::Result;
use packyard_core::Config;
use packyard_core::brand::Brand;
use packyard_core::mail::MailSettings;

use super::values::parse_duration;

/// Checks `--brand-color` while the arguments are parsed, so a typo stops `serve` at once.
fn parse_brand_color(value: &str) -> Result<String, String> {
    packyard_core::brand::parse_color(value)
        .map(|_| value.trim().to_string())
        .map_err(|e| e.to_string())
}

#[derive(clap::Args, Debug, Clone)]
pub struct PortalArgs {
    /// The name shown on every portal page and mail (default: Packyard).
    #[arg(long, env = "PACKYARD_BRAND_NAME")]
    pub brand_name: Option<String>,
    /// A logo (PNG, JPEG, GIF, WebP or SVG, at most 512 KiB) shown beside the name.
    #[arg(long, env = "PACKYARD_BRAND_LOGO", value_name = "FILE")]
    pub brand_logo: Option<PathBuf>,
    /// The accent colour of the portal and mails, as #RRGGBB.
    #[arg(long, env = "PACKYARD_BRAND_COLOR", value_name = "#RRGGBB", value_parser = parse_brand_color)]
    pub brand_color: Option<String>,
    /// Where mail goes: smtp://[user:pass@]host:port (add ?starttls=true to require
    /// STARTTLS), or smtps://… for TLS. Without it no mail is sent and password resets are
    /// not offered.
    #[arg(
        long,
        env = "PACKYARD_SMTP_URL",
        value_name = "URL",
        requires = "mail_from"
    )]
    pub smtp_url: Option<String>,
    /// The sender of every mail, e.g. "Acme Support <support@acme.test>".
    #[arg(long, env = "PACKYARD_MAIL_FROM", value_name = "ADDRESS")]
    pub mail_from: Option<String>,
    /// How often to look for overdue invoices and licences ending within 14 days to mail.
    #[arg(long, env = "PACKYARD_NOTICE_INTERVAL", default_value = "10m", value_parser = parse_duration)]
    pub notice_interval: std::time::Duration,
}

impl PortalArgs {
    /// Puts the brand and the mail settings into `config`; a bad value stops `serve` with
    /// the reason.
    pub fn apply(&self, config: &mut Config) -> Result<()> {
        let brand = Brand::new(
            self.brand_name.as_deref(),
            self.brand_color.as_deref(),
            self.brand_logo.as_deref(),
        )?;
        config.brand = std::sync::Arc::new(brand);
        config.mail = match &self.smtp_url {
            Some(url) => Some(MailSettings::parse(url, self.mail_from.as_deref())?),
            None => None,
        };
        config.notice_interval = self.notice_interval;
        Ok(())
    }
}
