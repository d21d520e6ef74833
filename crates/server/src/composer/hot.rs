//! The hot lane: `GET /p2/VENDOR/PACKAGE.json` (and `~dev.json`) of one of our own packages,
//! for a key the snapshot knows and whose body for the key's licence is rendered already —
//! nearly every request Composer makes once a repository is warm. It is answered before the
//! router, synchronously and from memory: no route matching, no extractors, no middleware,
//! no extension maps, no boxed body or future, which is most of what a routed request costs
//! beyond hyper itself (see BENCHMARKS.md).
//!
//! It is a shortcut, not a second implementation: the same key check (through the
//! connection's [`KeyMemo`], which repeats it only when the header or the snapshot changed),
//! the same licence rule and the same answer ([`super::metadata::p2_answer`]) as the routed
//! handler. Anything else — another method, an encoded path, a credential the snapshot
//! does not know or refuses, a package from an upstream or hidden from the key, a body not
//! rendered yet or not yet compressed in the coding the client asks for — returns `None`
//! and goes through the router, which answers it, with its reason, as before.

use std::sync::Arc;

use axum::http::Method;
use axum::http::header::AUTHORIZATION;

use packyard_core::metadata::p2_cached;
use packyard_core::snapshot::AccountEntry;

use super::metadata::{p2_answer, p2_file};
use crate::auth::KeyMemo;
use crate::edge::conditional::{JsonAnswer, negotiate};
use crate::edge::observe::Lane;
use crate::edge::request_headers::RequestHeaders;
use crate::state::AppState;

/// The lane over the router's state.
#[derive(Clone)]
pub struct HotLane(pub AppState);

impl Lane for HotLane {
    type Memo = KeyMemo;

    fn answer<'m>(
        &self,
        method: &Method,
        path: &str,
        headers: &impl RequestHeaders,
        memo: &'m mut KeyMemo,
    ) -> Option<(JsonAnswer, &'m Arc<AccountEntry>)> {
        if method != Method::GET {
            return None;
        }
        let (name, dev) = p2_name(path)?;
        let snapshot = self.0.feed.current();
        let authorization = headers.first(&AUTHORIZATION);
        let key = memo.known_key(&snapshot, &self.0.config, authorization)?;
        let entry = snapshot.packages.get_arc(name)?;
        let licence = snapshot.licence_ref(&key.seats, entry)?;
        let clock = &self.0.config.clock;
        let coding = negotiate(headers);
        let response = p2_cached(entry, &licence, dev, |doc| {
            doc.at_hand(coding)?;
            Some(p2_answer(
                headers, doc, coding, &key.seats, &snapshot, clock,
            ))
        })??;
        Some((response, &key.account))
    }
}

/// `VENDOR/PACKAGE` and whether it is the dev file, for a p2 path the router would match
/// the same way (two plain segments; an encoded path is left to the router's decoding).
fn p2_name(path: &str) -> Option<(&str, bool)> {
    let rest = path.strip_prefix("/p2/")?;
    if rest.contains('%') {
        return None;
    }
    let (vendor, file) = rest.split_once('/')?;
    if vendor.is_empty() || file.contains('/') {
        return None;
    }
    let (package, dev) = p2_file(file)?;
    Some((&rest[..vendor.len() + 1 + package.len()], dev))
}

#[cfg(test)]
mod tests {
    use super::p2_name;

    #[test]
    fn p2_paths_the_router_would_match() {
        assert_eq!(p2_name("/p2/acme/foo.json"), Some(("acme/foo", false)));
        assert_eq!(p2_name("/p2/acme/foo~dev.json"), Some(("acme/foo", true)));
        for other in [
            "/p2/acme/foo",
            "/p2/acme%2Ffoo.json",
            "/p2/acme/sub/foo.json",
            "/p2//foo.json",
            "/p2/foo.json",
            "/packages.json",
            "/dist/acme/foo/1.0.0/x.zip",
        ] {
            assert_eq!(p2_name(other), None, "{other}");
        }
    }
}
