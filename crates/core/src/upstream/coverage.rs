//! Which names an upstream may serve, and what a key may install of a mirrored package: the
//! products whose patterns cover the name, each seat's scope and grants applied.

use std::borrow::Cow;

use packyard_store::upstreams::Upstream;

use crate::access::Seat;
use crate::rules::{self, Licence};
use crate::snapshot::Snapshot;

/// Whether `up` may provide `name` (its `--packages` patterns; none = any name).
pub fn provides(up: &Upstream, name: &str) -> bool {
    up.packages.is_empty() || rules::product_covers(&up.packages, name)
}

/// What a key seeing through `seats` may install of a mirrored `name`: the products whose
/// patterns cover it, each seat's scope and grants applied to that seat only.
pub fn licence(snapshot: &Snapshot, seats: &[Seat], name: &str) -> Option<Licence> {
    let covering: Vec<usize> = snapshot
        .products
        .iter()
        .enumerate()
        .filter(|(_, p)| rules::product_covers(&p.patterns, name))
        .map(|(i, _)| i)
        .collect();
    rules::combined(seats.iter().flat_map(|seat| {
        covering
            .iter()
            .filter(|&&i| seat.allows(i))
            .map(|&i| snapshot.product_licence(&seat.account, i))
    }))
    .map(Cow::into_owned)
}
