//! The address of the client behind a request, for throttling and the audit log. A request's
//! peer is the client unless the peer is a trusted proxy (`--trusted-proxy CIDR`, repeatable):
//! then the client is the first address in `X-Forwarded-For` (or `Forwarded: for=`) that is
//! not itself a trusted proxy, read from the right, because only the entries our own proxies
//! appended can be believed. Anyone else's forwarding headers are ignored, so a client cannot
//! pick the address it is throttled under.

use std::net::IpAddr;
use std::str::FromStr;

use axum::http::HeaderMap;

/// A network whose peers may say who their client is, e.g. `10.0.0.0/8` or `::1`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TrustedProxy {
    network: IpAddr,
    prefix: u8,
}

impl TrustedProxy {
    pub fn contains(&self, addr: IpAddr) -> bool {
        match (self.network, canonical(addr)) {
            (IpAddr::V4(net), IpAddr::V4(ip)) => {
                let mask = u32::MAX
                    .checked_shl(32 - u32::from(self.prefix))
                    .unwrap_or(0);
                u32::from(net) & mask == u32::from(ip) & mask
            }
            (IpAddr::V6(net), IpAddr::V6(ip)) => {
                let mask = u128::MAX
                    .checked_shl(128 - u32::from(self.prefix))
                    .unwrap_or(0);
                u128::from(net) & mask == u128::from(ip) & mask
            }
            _ => false,
        }
    }
}

impl FromStr for TrustedProxy {
    type Err = String;

    fn from_str(value: &str) -> Result<TrustedProxy, String> {
        let invalid =
            || format!("{value:?} is not an IP address or CIDR network (e.g. 10.0.0.0/8)");
        let (addr, prefix) = value.trim().split_once('/').unwrap_or((value.trim(), ""));
        let network = canonical(addr.parse::<IpAddr>().map_err(|_| invalid())?);
        let max = if network.is_ipv4() { 32 } else { 128 };
        let prefix = match prefix {
            "" => max,
            p => p
                .parse::<u8>()
                .ok()
                .filter(|p| *p <= max)
                .ok_or_else(invalid)?,
        };
        Ok(TrustedProxy { network, prefix })
    }
}

/// IPv4-mapped IPv6 addresses (`::ffff:10.0.0.1`) are the IPv4 address they carry.
fn canonical(addr: IpAddr) -> IpAddr {
    match addr {
        IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(addr, IpAddr::V4),
        v4 => v4,
    }
}

/// The client's address: `peer`, or what trusted proxies say behind it.
pub fn client_addr(peer: IpAddr, headers: &HeaderMap, trusted: &[TrustedProxy]) -> IpAddr {
    let peer = canonical(peer);
    let is_trusted = |ip: IpAddr| trusted.iter().any(|t| t.contains(ip));
    if !is_trusted(peer) {
        return peer;
    }
    let mut client = peer;
    for hop in forwarded_hops(headers).into_iter().rev() {
        let Some(hop) = hop else { return client };
        client = canonical(hop);
        if !is_trusted(client) {
            return client;
        }
    }
    client
}

/// The hops named by `X-Forwarded-For`, or else by `Forwarded`, oldest first; `None` marks a
/// hop that is not an IP address (obfuscated or `unknown`), beyond which nothing is believed.
fn forwarded_hops(headers: &HeaderMap) -> Vec<Option<IpAddr>> {
    let values = |name: &str| -> Vec<String> {
        let all = headers.get_all(name).iter();
        all.filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(','))
            .map(str::to_string)
            .collect()
    };
    let xff = values("x-forwarded-for");
    if !xff.is_empty() {
        return xff.iter().map(|hop| parse_hop(hop)).collect();
    }
    values("forwarded")
        .iter()
        .filter_map(|element| {
            let pairs = element.split(';').filter_map(|p| p.split_once('='));
            pairs
                .into_iter()
                .find(|(k, _)| k.trim().eq_ignore_ascii_case("for"))
        })
        .map(|(_, node)| parse_hop(node))
        .collect()
}

/// `192.0.2.1`, `192.0.2.1:4711`, `"[2001:db8::1]:4711"` or `2001:db8::1`.
fn parse_hop(hop: &str) -> Option<IpAddr> {
    let hop = hop.trim().trim_matches('"');
    if let Ok(ip) = hop.parse() {
        return Some(ip);
    }
    if let Some(rest) = hop.strip_prefix('[') {
        return rest.split_once(']').and_then(|(ip, _)| ip.parse().ok());
    }
    hop.rsplit_once(':').and_then(|(ip, _)| ip.parse().ok())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (name, value) in pairs {
            map.append(*name, value.parse().unwrap());
        }
        map
    }

    fn proxies(list: &[&str]) -> Vec<TrustedProxy> {
        list.iter().map(|p| p.parse().unwrap()).collect()
    }

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    #[test]
    fn networks_parse_and_match() {
        let net: TrustedProxy = "10.0.0.0/8".parse().unwrap();
        assert!(net.contains(ip("10.200.1.1")) && !net.contains(ip("11.0.0.1")));
        assert!(
            net.contains(ip("::ffff:10.1.2.3")),
            "IPv4-mapped addresses match"
        );
        let v6: TrustedProxy = "fd00::/8".parse().unwrap();
        assert!(v6.contains(ip("fd12::1")) && !v6.contains(ip("fe80::1")));
        let single: TrustedProxy = "127.0.0.1".parse().unwrap();
        assert!(single.contains(ip("127.0.0.1")) && !single.contains(ip("127.0.0.2")));
        assert!(
            "0.0.0.0/0"
                .parse::<TrustedProxy>()
                .unwrap()
                .contains(ip("8.8.8.8"))
        );
        for bad in ["10.0.0.0/33", "proxy", "10.0.0/8", "::1/129", ""] {
            assert!(bad.parse::<TrustedProxy>().is_err(), "{bad}");
        }
    }

    #[test]
    fn an_untrusted_peers_headers_are_ignored() {
        let h = headers(&[
            ("x-forwarded-for", "192.0.2.7"),
            ("forwarded", "for=192.0.2.8"),
        ]);
        let trusted = proxies(&["10.0.0.0/8"]);
        assert_eq!(
            client_addr(ip("203.0.113.1"), &h, &trusted),
            ip("203.0.113.1")
        );
        assert_eq!(client_addr(ip("203.0.113.1"), &h, &[]), ip("203.0.113.1"));
    }

    #[test]
    fn the_first_untrusted_hop_from_the_right_is_the_client() {
        let trusted = proxies(&["10.0.0.0/8"]);
        // The client put a fake first entry; our proxies appended the real ones.
        let h = headers(&[("x-forwarded-for", "1.2.3.4, 198.51.100.7, 10.0.0.2")]);
        assert_eq!(
            client_addr(ip("10.0.0.1"), &h, &trusted),
            ip("198.51.100.7")
        );
        let split = headers(&[
            ("x-forwarded-for", "1.2.3.4"),
            ("x-forwarded-for", "198.51.100.9"),
        ]);
        assert_eq!(
            client_addr(ip("10.0.0.1"), &split, &trusted),
            ip("198.51.100.9")
        );
        let none = headers(&[]);
        assert_eq!(client_addr(ip("10.0.0.1"), &none, &trusted), ip("10.0.0.1"));
    }

    #[test]
    fn forwarded_is_read_when_x_forwarded_for_is_absent() {
        let trusted = proxies(&["10.0.0.0/8"]);
        let h = headers(&[(
            "forwarded",
            r#"for=192.0.2.60;proto=http, for="[2001:db8::1]:4711""#,
        )]);
        assert_eq!(client_addr(ip("10.0.0.1"), &h, &trusted), ip("2001:db8::1"));
        let port = headers(&[("forwarded", "for=192.0.2.61:8080")]);
        assert_eq!(
            client_addr(ip("10.0.0.1"), &port, &trusted),
            ip("192.0.2.61")
        );
        // An obfuscated hop ends what can be believed: the proxy itself is the client.
        let hidden = headers(&[("x-forwarded-for", "192.0.2.1, unknown")]);
        assert_eq!(
            client_addr(ip("10.0.0.1"), &hidden, &trusted),
            ip("10.0.0.1")
        );
    }
}
