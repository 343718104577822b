//! `IpAddress` and `NotIpAddress` [IAM condition operators, "IP address condition operators"]:
//! RFC 4632 CIDR blocks, IPv4 and IPv6; a bare address is a /32 (or /128).

use std::net::IpAddr;

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
    request.trim().split('/').next().unwrap_or("").parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

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
