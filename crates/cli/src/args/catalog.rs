//! `product`, `entitlement`, `invoice`, `package`, `publish` and `release`: what is sold,
//! to whom, and the files themselves.

use std::path::PathBuf;

use clap::{Args, Subcommand};

#[derive(Subcommand)]
pub enum PackageCmd {
    /// List packages with their number of versions, latest version and installs.
    List,
    /// Show a package's versions: released, who published them and when, installs, listed.
    Show {
        /// Package name, e.g. acme/module-a.
        name: String,
    },
    /// Unlist a version: Composer stops seeing it; the archive stays, so it can be relisted.
    Unlist {
        /// Package name, e.g. acme/module-a.
        name: String,
        /// The version as published, e.g. 2.4.7-p1.
        version: String,
    },
    /// List an unlisted version again.
    Relist {
        /// Package name, e.g. acme/module-a.
        name: String,
        /// The version as published, e.g. 2.4.7-p1.
        version: String,
    },
}

#[derive(Subcommand)]
pub enum ProductCmd {
    /// Create a product from package names and patterns.
    Create {
        /// Short id used everywhere else, e.g. acme-pro.
        slug: String,
        /// Display name.
        #[arg(long, env = "PACKYARD_PRODUCT_NAME")]
        name: String,
        /// Comma-separated package names and patterns, e.g. 'acme/*,acme/extra'.
        #[arg(long, env = "PACKYARD_PRODUCT_PACKAGES")]
        packages: String,
        /// Installable by every active account without an entitlement.
        #[arg(long, env = "PACKYARD_PRODUCT_PUBLIC")]
        public: bool,
    },
    /// List every product.
    List,
    /// Change a product's name, packages or visibility.
    Update {
        /// The product's slug.
        slug: String,
        /// The new display name.
        #[arg(long, env = "PACKYARD_PRODUCT_NAME")]
        name: Option<String>,
        /// The new comma-separated package names and patterns (replaces the old list).
        #[arg(long, env = "PACKYARD_PRODUCT_PACKAGES")]
        packages: Option<String>,
        /// true: installable by every active account; false: only with an entitlement.
        #[arg(long, env = "PACKYARD_PRODUCT_PUBLIC")]
        public: Option<bool>,
    },
    /// Delete a product that no entitlement or release uses any more.
    Delete {
        /// The product's slug.
        slug: String,
    },
}

#[derive(Subcommand)]
pub enum EntitlementCmd {
    /// Let an account install a product (again: change its date); says what changed.
    Grant {
        /// Account id, e.g. MAG000000001.
        account: String,
        /// The product's slug.
        product: String,
        /// Releases after this date (YYYY-MM-DD) are not covered; omit for unlimited updates.
        #[arg(long, env = "PACKYARD_UPDATES_UNTIL")]
        updates_until: Option<String>,
    },
    /// Take a product away from an account.
    Revoke {
        /// Account id, e.g. MAG000000001.
        account: String,
        /// The product's slug.
        product: String,
    },
    /// List entitlements, of one account or all.
    List {
        /// Account id; omit for every account.
        account: Option<String>,
    },
}

#[derive(Subcommand)]
pub enum InvoiceCmd {
    /// Record an invoice; unpaid past its due date, it puts the account on hold.
    Add(InvoiceAdd),
    /// Mark an invoice paid (lifts a billing hold within a second).
    Pay {
        /// Invoice number, e.g. INV-1001.
        number: String,
    },
    /// Void an invoice entered by mistake: it never holds the account and stays listed as
    /// void (audited, with the reason).
    Void {
        /// Invoice number, e.g. INV-1001.
        number: String,
        /// Why it is void, e.g. "entered twice".
        #[arg(long, env = "PACKYARD_INVOICE_REASON")]
        reason: String,
    },
    /// List invoices, of one account or all.
    List {
        /// Account id; omit for every account.
        account: Option<String>,
    },
}

#[derive(Args)]
pub struct PublishArgs {
    /// Zip archives with composer.json at their root (or in one top folder).
    #[arg(required = true)]
    pub files: Vec<PathBuf>,
    /// The version, for zips whose composer.json has none (what `composer archive` makes);
    /// a different version inside the zip is refused.
    #[arg(long, env = "PACKYARD_PUBLISH_VERSION")]
    pub version: Option<String>,
    /// Refuse archives that would expand to more than this many MiB.
    #[arg(long, env = "PACKYARD_MAX_UNPACKED_MIB", default_value_t = 512)]
    pub max_unpacked_mib: u64,
}

#[derive(Subcommand)]
pub enum ReleaseCmd {
    /// Add a full release archive that entitled accounts download with their token.
    Add(ReleaseAdd),
    /// List every release file.
    List,
    /// Remove a release file from the download interface.
    Delete {
        /// The file name customers download, e.g. Acme-CE-2.4.7.tar.gz.
        file_name: String,
    },
}

// The arguments of `release add`, the same in local and remote mode.
#[derive(Args)]
pub struct ReleaseAdd {
    /// The archive, e.g. Acme-CE-2.4.7.tar.gz.
    pub file: PathBuf,
    /// ce-full, ee-full, ce-patch, ee-patch or other.
    #[arg(long = "type", env = "PACKYARD_RELEASE_TYPE")]
    pub kind: String,
    /// The release's version, e.g. 2.4.7 or 2.4.7-p1.
    #[arg(long, env = "PACKYARD_RELEASE_VERSION")]
    pub version: String,
    /// The product whose licence entitles an account to the file.
    #[arg(long, env = "PACKYARD_RELEASE_PRODUCT")]
    pub product: String,
    /// The name customers download it as (default: the file's own name).
    #[arg(long, env = "PACKYARD_RELEASE_NAME")]
    pub name: Option<String>,
}

impl ReleaseAdd {
    /// The name the release is stored under: `--name`, else the file's own name.
    pub fn file_name(&self) -> anyhow::Result<String> {
        match (
            self.name.as_deref(),
            self.file.file_name().and_then(|n| n.to_str()),
        ) {
            (Some(n), _) | (None, Some(n)) => Ok(n.to_string()),
            (None, None) => anyhow::bail!(
                "{} has no usable file name; pass --name",
                self.file.display()
            ),
        }
    }
}

// The arguments of `invoice add`, the same in local and remote mode.
#[derive(Args)]
pub struct InvoiceAdd {
    /// Account id, e.g. MAG000000001.
    pub account: String,
    /// Invoice number, unique, e.g. INV-1001.
    pub number: String,
    /// Amount with at most two decimals, e.g. 100.00.
    #[arg(long, env = "PACKYARD_INVOICE_AMOUNT")]
    pub amount: String,
    /// ISO 4217 currency code, e.g. EUR.
    #[arg(long, env = "PACKYARD_INVOICE_CURRENCY")]
    pub currency: String,
    /// Due date, YYYY-MM-DD.
    #[arg(long, env = "PACKYARD_INVOICE_DUE")]
    pub due: String,
}
