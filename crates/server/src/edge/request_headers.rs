//! The request headers an answer from memory reads (the credential, `Accept-Encoding`,
//! `If-Modified-Since`), whether they come from hyper's [`HeaderMap`] or straight from the
//! bytes the direct lane parsed ([`LaneHeaders`]): the lane then neither copies a value nor
//! builds a map per request (about 1.5 % of a p2 request in the profile, BENCHMARKS.md).

use std::ops::Range;

use axum::http::{HeaderMap, HeaderName, header};

/// Request headers by name, as sent.
pub trait RequestHeaders {
    /// The first value of `name`.
    fn first(&self, name: &HeaderName) -> Option<&[u8]>;
    /// Every value of `name`, in order.
    fn all(&self, name: &HeaderName) -> impl Iterator<Item = &[u8]>;
}

impl RequestHeaders for HeaderMap {
    fn first(&self, name: &HeaderName) -> Option<&[u8]> {
        self.get(name).map(|v| v.as_bytes())
    }

    fn all(&self, name: &HeaderName) -> impl Iterator<Item = &[u8]> {
        self.get_all(name).iter().map(|v| v.as_bytes())
    }
}

/// A value as text, where `HeaderValue::to_str` would give it: visible ASCII and tabs only.
pub fn text(value: &[u8]) -> Option<&str> {
    let visible = value
        .iter()
        .all(|&b| (b' '..0x7f).contains(&b) || b == b'\t');
    visible.then(|| std::str::from_utf8(value).ok()).flatten()
}

/// The headers the direct lane reads, at most one value each: where each one is in the
/// bytes of the head it parsed.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct LaneSlots([Option<Range<usize>>; 3]);

impl LaneSlots {
    /// The headers kept, in slot order.
    pub const NAMES: [HeaderName; 3] = [
        header::AUTHORIZATION,
        header::ACCEPT_ENCODING,
        header::IF_MODIFIED_SINCE,
    ];

    /// The slot of a header line named `name` (any case), if it is one the lane reads.
    pub fn slot_of(name: &str) -> Option<usize> {
        LaneSlots::NAMES
            .iter()
            .position(|n| name.eq_ignore_ascii_case(n.as_str()))
    }

    /// Keeps `value` for `slot`; false if the header came twice (left to hyper, which
    /// combines repeated lines).
    pub fn keep(&mut self, slot: usize, value: Range<usize>) -> bool {
        self.0[slot].replace(value).is_none()
    }

    /// The headers over the head's bytes.
    pub fn over<'a>(&'a self, head: &'a [u8]) -> LaneHeaders<'a> {
        LaneHeaders { slots: self, head }
    }
}

/// [`LaneSlots`] over the bytes they point into.
pub struct LaneHeaders<'a> {
    slots: &'a LaneSlots,
    head: &'a [u8],
}

impl RequestHeaders for LaneHeaders<'_> {
    fn first(&self, name: &HeaderName) -> Option<&[u8]> {
        let slot = LaneSlots::NAMES.iter().position(|n| n == name)?;
        self.slots.0[slot].clone().map(|range| &self.head[range])
    }

    fn all(&self, name: &HeaderName) -> impl Iterator<Item = &[u8]> {
        self.first(name).into_iter()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lane_headers_read_as_the_map_does() {
        let head = b"Basic YTpigzip, br";
        let mut slots = LaneSlots::default();
        assert!(slots.keep(LaneSlots::slot_of("authorization").unwrap(), 0..10));
        assert!(slots.keep(LaneSlots::slot_of("Accept-Encoding").unwrap(), 10..18));
        assert!(!slots.keep(1, 10..18), "a second line is refused");
        assert_eq!(LaneSlots::slot_of("host"), None);
        let mut map = HeaderMap::new();
        map.insert(header::AUTHORIZATION, "Basic YTpi".parse().unwrap());
        map.insert(header::ACCEPT_ENCODING, "gzip, br".parse().unwrap());
        let lane = slots.over(head);
        for name in &LaneSlots::NAMES {
            assert_eq!(lane.first(name), map.first(name), "{name}");
            assert!(lane.all(name).eq(map.all(name)), "{name}");
        }
        assert_eq!(text(b"gzip\t, br"), Some("gzip\t, br"));
        assert_eq!(text(b"caf\xc3\xa9"), None);
        assert_eq!(text(b"a\x7fb"), None);
    }
}
