//! The network clients behind `packyard-core`'s traits, kept in a crate of their own so that
//! the domain crate (and what only needs it, such as `packyard publish`) links no HTTP or TLS
//! stack: [`upstream::HttpFetcher`] (reqwest) for upstream repositories and
//! [`mail::SmtpTransport`] (lettre) for mail. Each is a feature, both on by default.

#[cfg(feature = "mail")]
pub mod mail;
#[cfg(feature = "upstream")]
pub mod upstream;
