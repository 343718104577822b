//! `IpAddress` and `NotIpAddress` [IAM condition operators, "IP address condition operators"]:
//! RFC 4632 CIDR blocks, IPv4 and IPv6; a bare address is a /32 (or /128).

use std::net::{IpAddr, Ipv4Addr};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cidr {
    pub network: IpAddr,
    pub prefix: u8,
}

impl Cidr {
    pub fn parse(text: &str) -> Option<Cidr> {
        let (addr, prefix) = match text.trim().split_once('/') {
            Some((a, p)) => (a, Some(p.parse::<u8>().ok()?)),
            None => (text.trim(), None),
        };
        let network: IpAddr = addr.parse().ok()?;
        let max = if network.is_ipv4() { 32 } else { 128 };
        let prefix = prefix.unwrap_or(max);
        (prefix <= max).then_some(Cidr { network, prefix })
    }

    pub fn contains(&self, ip: IpAddr) -> bool {
        match (self.network, ip) {
            (IpAddr::V4(net), IpAddr::V4(ip)) => same_prefix(
                u32::from(net) as u128,
                u32::from(ip) as u128,
                self.prefix,
                32,
            ),
            (IpAddr::V6(net), IpAddr::V6(ip)) => {
                same_prefix(u128::from(net), u128::from(ip), self.prefix, 128)
            }
            // An IPv4-mapped IPv6 address is the IPv4 address.
            (IpAddr::V4(_), IpAddr::V6(ip)) => ip
                .to_ipv4_mapped()
                .is_some_and(|v4| self.contains(IpAddr::V4(v4))),
            (IpAddr::V6(_), IpAddr::V4(_)) => false,
        }
    }
}

fn same_prefix(a: u128, b: u128, prefix: u8, bits: u32) -> bool {
    if prefix == 0 {
        return true;
    }
    let shift = bits - prefix as u32;
    (a >> shift) == (b >> shift)
}

/// A request value is an address; a value written as a CIDR (some callers pass `/32`) counts
/// as its network address.
pub fn parse_address(request: &str) -> Option<IpAddr> {
    let text = request.trim();
    // A byte search: `split_once` costs more than the address's whole reading here.
    let text = match text.bytes().position(|b| b == b'/') {
        Some(slash) => &text[..slash],
        None => text,
    };
    dotted_quad(text)
        .map(IpAddr::V4)
        .or_else(|| text.parse().ok())
}

/// The common request value, an IPv4 address in four decimal octets, read as the standard
/// parser reads it (no leading zeros, none above 255) but without its generality: a tenth of
/// its cost. `None` sends anything else to the standard parser.
fn dotted_quad(text: &str) -> Option<Ipv4Addr> {
    let bytes = text.as_bytes();
    let mut octets = [0u8; 4];
    let mut i = 0;
    for (n, octet) in octets.iter_mut().enumerate() {
        if n > 0 {
            if bytes.get(i) != Some(&b'.') {
                return None;
            }
            i += 1;
        }
        let start = i;
        let mut value = 0u32;
        while i < bytes.len() && i - start < 3 && bytes[i].is_ascii_digit() {
            value = value * 10 + u32::from(bytes[i] - b'0');
            i += 1;
        }
        let digits = i - start;
        if digits == 0 || value > 255 || (digits > 1 && bytes[start] == b'0') {
            return None;
        }
        *octet = value as u8;
    }
    (i == bytes.len()).then_some(Ipv4Addr::from(octets))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_dotted_quad_reader_agrees_with_the_standard_parser() {
        for text in [
            "203.0.113.9",
            "0.0.0.0",
            "255.255.255.255",
            "256.1.1.1",
            "01.2.3.4",
            "1.2.3",
            "1.2.3.4.5",
            "1..3.4",
            "1.2.3.4 ",
            "1234.1.1.1",
            "1.2.3.04",
            "a.b.c.d",
            "",
            "1.2.3.",
            ".1.2.3",
            "10.0.0.1x",
            "::1",
            "2001:db8::1",
            "0.0.0.00",
        ] {
            let standard: Option<IpAddr> = text.parse().ok();
            let fast = dotted_quad(text).map(IpAddr::V4);
            assert!(fast.is_none() || fast == standard, "{text}");
            assert_eq!(parse_address(text), text.trim().parse().ok(), "{text}");
        }
        assert_eq!(parse_address(" 10.1.2.3/32 "), "10.1.2.3".parse().ok());
    }

    fn matches(policy: &Cidr, request: &str) -> bool {
        parse_address(request).is_some_and(|ip| policy.contains(ip))
    }

    #[test]
    fn v4_v6_and_bare_addresses() {
        let c = Cidr::parse("203.0.113.0/24").unwrap();
        assert!(matches(&c, "203.0.113.9"));
        assert!(!matches(&c, "203.0.114.9"));
        let bare = Cidr::parse("203.0.113.9").unwrap();
        assert_eq!(bare.prefix, 32);
        assert!(matches(&bare, "203.0.113.9"));
        let v6 = Cidr::parse("2001:DB8:1234:5678::/64").unwrap();
        assert!(matches(&v6, "2001:db8:1234:5678::1"));
        assert!(!matches(&v6, "2001:db8:1234:5679::1"));
        assert!(!matches(&c, "2001:db8::1"));
        assert!(matches(&Cidr::parse("0.0.0.0/0").unwrap(), "8.8.8.8"));
        assert!(Cidr::parse("10.0.0.0/33").is_none());
    }
}
