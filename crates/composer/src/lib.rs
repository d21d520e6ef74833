//! Composer's own rules, as pure functions: what a package name and a version may look like,
//! how Composer normalizes versions, what a publishable zip must contain, and how the
//! `composer/2.0` minified metadata format is written. No I/O lives here, so everything can be
//! tested (and differentially checked against Composer's PHP) in isolation.

pub mod archive;
pub mod constraint;
pub mod minify;
pub mod name;
mod php;
pub mod php_compare;
pub mod vcs_versions;
pub mod version;
