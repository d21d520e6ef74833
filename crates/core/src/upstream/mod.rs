//! Mirroring upstream Composer repositories (SPEC §15). Which upstreams exist is part of the
//! snapshot (adding or removing one is an `All` change); what was fetched from them lives
//! here, in memory, backed by the `upstream_*` tables so that a restart, another node or an
//! upstream outage still answers from what was fetched once.
//!
//! Invariants:
//! - A name is served by one source only: our own packages first (the routes look there
//!   before asking us), then the first upstream in priority order that has the package
//!   ([`Mirror::resolve`]); its `~dev` file comes from that same upstream.
//! - Requests never wait on an upstream for something already fetched; the first fetch of
//!   a file waits at most `first_fetch_wait`, behind that upstream's own concurrency limit,
//!   so one slow upstream delays nobody else ([`UpstreamStats::permits`]).
//! - Dists are stored content-addressed before they are recorded ([`dist`]).

pub mod catalog;
pub mod client;
mod coverage;
pub mod dist;
mod fetch;
mod mirror;
pub mod refresh;
pub mod registry;
pub mod secrets;

pub use catalog::date_of;
pub use coverage::{licence, provides};
pub use mirror::{Mirror, UpstreamStats};
pub use registry::metrics;
