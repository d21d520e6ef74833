//! `advisory`, `version` and `notice` (and `package abandon` in the catalog's `package`): what the vendor tells customers' Composer
//! about their packages besides publishing them (SPEC §12).

use clap::{Subcommand, ValueEnum};

#[derive(Subcommand)]
pub enum AdvisoryCmd {
    /// Publish a security advisory for one of your packages: `composer audit` reports it to
    /// every account that may see the package.
    Add {
        /// The affected package, e.g. acme/module-sales.
        package: String,
        /// The affected versions as a Composer constraint, e.g. '<1.4.2' or '>=2.0,<2.1.3'.
        #[arg(long, env = "PACKYARD_ADVISORY_AFFECTED")]
        affected: String,
        /// One line describing the vulnerability.
        #[arg(long, env = "PACKYARD_ADVISORY_TITLE")]
        title: String,
        /// The CVE id, e.g. CVE-2026-12345.
        #[arg(long, env = "PACKYARD_ADVISORY_CVE")]
        cve: Option<String>,
        /// A page describing the vulnerability and the fix (http or https URL).
        #[arg(long, env = "PACKYARD_ADVISORY_LINK")]
        link: Option<String>,
        /// low, medium, high or critical.
        #[arg(long, env = "PACKYARD_ADVISORY_SEVERITY", value_enum)]
        severity: Option<Severity>,
        /// When it was reported (YYYY-MM-DD); default today.
        #[arg(long, env = "PACKYARD_ADVISORY_REPORTED_AT")]
        reported_at: Option<String>,
    },
    /// List advisories, withdrawn ones included; of one package or all.
    List {
        /// Only this package's advisories.
        package: Option<String>,
    },
    /// Withdraw an advisory (e.g. published in error): clients stop seeing it; its id is
    /// never reused.
    Withdraw {
        /// The advisory id, e.g. PKSA-2026-0001.
        id: String,
    },
}

#[derive(Clone, Copy, ValueEnum)]
pub enum Severity {
    Low,
    Medium,
    High,
    Critical,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Low => "low",
            Severity::Medium => "medium",
            Severity::High => "high",
            Severity::Critical => "critical",
        }
    }
}

#[derive(Subcommand)]
pub enum VersionCmd {
    /// Recall a version: it leaves every account's metadata, is announced on the `recalled`
    /// filter list, and its archive answers 410 with the reason.
    Recall {
        /// The package, e.g. acme/module-sales.
        name: String,
        /// The version, e.g. 1.4.1.
        version: String,
        /// Why, in one line customers will read.
        #[arg(long, env = "PACKYARD_RECALL_REASON")]
        reason: String,
    },
    /// Undo a recall: the version is installable again.
    Unrecall {
        /// The package, e.g. acme/module-sales.
        name: String,
        /// The version, e.g. 1.4.1.
        version: String,
    },
    /// List recalled versions; of one package or all.
    Recalls {
        /// Only this package's recalls.
        name: Option<String>,
    },
}

#[derive(Clone, Copy, ValueEnum)]
pub enum NoticeKind {
    Info,
    Warning,
}

impl NoticeKind {
    pub fn as_str(self) -> &'static str {
        match self {
            NoticeKind::Info => "info",
            NoticeKind::Warning => "warning",
        }
    }
}

#[derive(Subcommand)]
pub enum NoticeCmd {
    /// Show a message to every Composer run against this repository (e.g. maintenance);
    /// replaces the current message of its kind.
    Set {
        /// The message.
        message: String,
        /// info or warning.
        #[arg(
            long,
            env = "PACKYARD_NOTICE_KIND",
            value_enum,
            default_value = "warning"
        )]
        kind: NoticeKind,
        /// Only for Composer versions matching this constraint, e.g. '<2.7' (default all).
        #[arg(long, env = "PACKYARD_NOTICE_VERSIONS")]
        versions: Option<String>,
    },
    /// Remove the message of one kind, or both.
    Clear {
        /// info or warning (default both).
        #[arg(long, env = "PACKYARD_NOTICE_KIND", value_enum)]
        kind: Option<NoticeKind>,
    },
    /// Show the messages in force.
    List,
}
