//! The client's address, decided in one place for every use (failure budgets, login
//! throttling, audit records, key-use records).
//!
//! The socket peer is the client, unless the peer is one of the operator's trusted proxies
//! (`--trusted-proxy CIDR`): only then are `Forwarded` (RFC 7239) or, failing that,
//! `X-Forwarded-For` read, walking the chain from the nearest hop back to the first address
//! that is not itself a trusted proxy. Anyone else's forwarding headers are ignored, so a
//! client cannot pick the address its failures are counted against.

use std::net::{IpAddr, Ipv4Addr, SocketAddr};

use std::sync::Arc;

use axum::extract::{ConnectInfo, FromRef, FromRequestParts};
use axum::http::HeaderMap;
use axum::http::request::Parts;
use ipnet::IpNet;
use packyard_core::Config;

/// The address a request is attributed to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct ClientAddr(pub IpAddr);

/// Parses a `--trusted-proxy` value: a CIDR (`10.0.0.0/8`) or a single address.
pub fn parse_trusted_proxy(value: &str) -> Result<IpNet, String> {
    let value = value.trim();
    value
        .parse::<IpNet>()
        .or_else(|_| value.parse::<IpAddr>().map(IpNet::from))
        .map_err(|_| format!("{value:?} is not an address or CIDR range (e.g. 10.0.0.0/8)"))
}

/// The client behind a request from `peer`.
pub fn client_addr(peer: IpAddr, headers: &HeaderMap, trusted: &[IpNet]) -> IpAddr {
    let is_trusted = |addr: &IpAddr| trusted.iter().any(|net| net.contains(addr));
    if !is_trusted(&peer) {
        return peer;
    }
    let chain = forwarded_chain(headers);
    chain
        .iter()
        .rev()
        .find(|addr| !is_trusted(addr))
        .or(chain.first())
        .copied()
        .unwrap_or(peer)
}

/// The addresses a request passed through, client first: from `Forwarded` if present, else
/// from `X-Forwarded-For`. Entries that are not addresses (`unknown`, obfuscated ids) end
/// the chain there, since nothing before them can be trusted.
fn forwarded_chain(headers: &HeaderMap) -> Vec<IpAddr> {
    let values = |name: &str| {
        headers
            .get_all(name)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(','))
            .map(str::trim)
            .collect::<Vec<&str>>()
    };
    let forwarded = values("forwarded");
    let hops: Vec<Option<IpAddr>> = if forwarded.is_empty() {
        values("x-forwarded-for")
            .into_iter()
            .map(parse_node)
            .collect()
    } else {
        forwarded
            .into_iter()
            .map(|element| {
                element
                    .split(';')
                    .filter_map(|pair| pair.trim().split_once('='))
                    .find(|(k, _)| k.trim().eq_ignore_ascii_case("for"))
                    .and_then(|(_, v)| parse_node(v))
            })
            .collect()
    };
    let start = hops.iter().rposition(Option::is_none).map_or(0, |i| i + 1);
    hops[start..].iter().flatten().copied().collect()
}

/// `192.0.2.1`, `"192.0.2.1:8080"`, `"[2001:db8::1]:4711"` or `2001:db8::1` → the address.
fn parse_node(node: &str) -> Option<IpAddr> {
    let node = node.trim().trim_matches('"');
    if let Ok(addr) = node.parse::<IpAddr>() {
        return Some(addr);
    }
    if let Ok(sock) = node.parse::<SocketAddr>() {
        return Some(sock.ip());
    }
    node.strip_prefix('[')
        .and_then(|rest| rest.split_once(']'))
        .and_then(|(ip, _)| ip.parse().ok())
}

impl<S> FromRequestParts<S> for ClientAddr
where
    S: Send + Sync,
    Arc<Config>: FromRef<S>,
{
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        // Every listener we serve gives connect info; a request without it (a router driven
        // directly in a test) is attributed to one unspecified address.
        let peer = parts
            .extensions
            .get::<ConnectInfo<SocketAddr>>()
            .map_or(IpAddr::V4(Ipv4Addr::UNSPECIFIED), |c| c.0.ip());
        Ok(ClientAddr(client_addr(
            peer,
            &parts.headers,
            &Arc::<Config>::from_ref(state).trusted_proxies,
        )))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::{HeaderName, HeaderValue};

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        pairs
            .iter()
            .map(|&(k, v)| (HeaderName::from_static(k), HeaderValue::from_static(v)))
            .collect()
    }

    #[test]
    fn forwarding_headers_count_only_from_trusted_proxies() {
        let trusted = [parse_trusted_proxy("10.0.0.0/8").unwrap()];
        let xff = headers(&[("x-forwarded-for", "203.0.113.7, 10.0.0.2")]);
        assert_eq!(
            client_addr(ip("10.0.0.1"), &xff, &trusted),
            ip("203.0.113.7")
        );
        assert_eq!(
            client_addr(ip("198.51.100.1"), &xff, &trusted),
            ip("198.51.100.1")
        );
        assert_eq!(client_addr(ip("10.0.0.1"), &xff, &[]), ip("10.0.0.1"));
        // A client's own spoofed entry sits before the address the proxy saw.
        let spoofed = headers(&[("x-forwarded-for", "1.2.3.4, 203.0.113.7")]);
        assert_eq!(
            client_addr(ip("10.0.0.1"), &spoofed, &trusted),
            ip("203.0.113.7")
        );
        let fwd = headers(&[(
            "forwarded",
            "for=\"[2001:db8::1]:4711\";proto=https, for=10.0.0.3",
        )]);
        assert_eq!(
            client_addr(ip("10.0.0.1"), &fwd, &trusted),
            ip("2001:db8::1")
        );
        let unknown = headers(&[("forwarded", "for=unknown")]);
        assert_eq!(
            client_addr(ip("10.0.0.1"), &unknown, &trusted),
            ip("10.0.0.1")
        );
        assert_eq!(
            parse_trusted_proxy("127.0.0.1").unwrap().to_string(),
            "127.0.0.1/32"
        );
        assert!(parse_trusted_proxy("localhost").is_err());
    }
}
