//! Who is calling: the verified access key's principal, or anonymous; and what the connection
//! says about the request (peer address, transport, signing region, request id).
//!
//! An S3 request's key is resolved once, by the access hook ([`Resolved`], carried in the
//! request's extensions); the operation's [`Caller::of`] and the audit trail read it from there.

use std::net::SocketAddr;
use std::sync::Arc;

use s3s::S3Request;

use crate::identity::CallerIdentity;
use crate::state::Gatehouse;

/// Put into every request's extensions by the front door.
#[derive(Debug, Clone)]
pub struct Connection {
    pub peer: SocketAddr,
    pub secure: bool,
    /// "1.2" or "1.3" over TLS.
    pub tls_version: Option<&'static str>,
    pub request_id: String,
    /// The VPC endpoint (its id) whose listener the request arrived on.
    pub vpc_endpoint: Option<Arc<str>>,
}

impl Connection {
    /// The peer's address as `aws:SourceIp` and CloudTrail's `sourceIPAddress` write it.
    /// IPv4 is written here: `Display` through the formatting machinery cost a HEAD more than
    /// its whole authorization decision.
    pub fn source_ip(&self) -> String {
        match self.peer.ip() {
            std::net::IpAddr::V4(v4) => {
                let mut text = String::with_capacity(15);
                for (i, octet) in v4.octets().into_iter().enumerate() {
                    if i > 0 {
                        text.push('.');
                    }
                    if octet >= 100 {
                        text.push(char::from(b'0' + octet / 100));
                    }
                    if octet >= 10 {
                        text.push(char::from(b'0' + octet / 10 % 10));
                    }
                    text.push(char::from(b'0' + octet % 10));
                }
                text
            }
            v6 => v6.to_string(),
        }
    }

    /// Plain HTTP from loopback, outside any request: what a request asked without a
    /// connection (diagnosis, tools) comes over.
    pub fn loopback() -> Connection {
        Connection {
            peer: ([127, 0, 0, 1], 0).into(),
            secure: false,
            tls_version: None,
            request_id: String::new(),
            vpc_endpoint: None,
        }
    }
}

/// A signed request's access key and the principal it stands for, resolved once.
#[derive(Clone)]
pub struct Resolved {
    /// The verified access key (`None`: anonymous).
    pub key: Option<Arc<store::AccessKey>>,
    pub identity: Arc<CallerIdentity>,
    /// The store's generation before the identity was resolved: a later write makes any
    /// difference between a cached and an uncached decision legitimate (verification mode).
    pub generation: u64,
}

impl Resolved {
    /// The caller behind `access_key` (`None`: anonymous). The signature was verified with
    /// this key a moment ago: a key gone since, or a store that cannot say, is never taken for
    /// anonymous — the identity carries the fault (fail closed).
    pub fn of(gatehouse: &Gatehouse, access_key: Option<&str>) -> Resolved {
        let generation = gatehouse.store.generation();
        let Some(access_key) = access_key else {
            return Resolved {
                key: None,
                identity: Arc::new(CallerIdentity::anonymous()),
                generation,
            };
        };
        match gatehouse.store.access_key(access_key) {
            Ok(Some(key)) => Resolved {
                identity: gatehouse.identities.resolve(&gatehouse.store, &key),
                key: Some(key),
                generation,
            },
            other => {
                let fault = match other {
                    Err(e) => format!("the request's access key could not be read: {e}"),
                    _ => "the request's access key is gone".to_string(),
                };
                Resolved {
                    key: None,
                    identity: Arc::new(CallerIdentity {
                        fault: Some(fault),
                        ..CallerIdentity::anonymous()
                    }),
                    generation,
                }
            }
        }
    }

    /// The caller as CloudTrail's `userIdentity` shows it.
    pub fn audit_identity(&self) -> audit::Identity {
        let Some(k) = &self.key else {
            return audit::Identity::anonymous();
        };
        audit::Identity {
            kind: if k.principal_arn.ends_with(":root") {
                "Root".into()
            } else if k.principal_arn.contains(":assumed-role/") {
                "AssumedRole".into()
            } else {
                "IAMUser".into()
            },
            // CloudTrail's principalId is aws:userid: the account for root, AIDA... for a
            // user, AROA...:SESSION for a role session.
            principal_id: self
                .identity
                .keys
                .iter()
                .find(|(name, _)| name == "aws:userid")
                .and_then(|(_, v)| v.single())
                .map(str::to_string)
                .unwrap_or_else(|| k.account_id.clone()),
            arn: Some(k.principal_arn.clone()),
            account_id: k.account_id.clone(),
            access_key_id: Some(k.access_key_id.clone()),
        }
    }
}

#[derive(Clone)]
pub struct Caller {
    pub identity: Arc<CallerIdentity>,
    /// The verified access key (`None`: anonymous).
    pub key: Option<Arc<store::AccessKey>>,
    /// See [`Resolved::generation`].
    pub generation: u64,
    pub connection: Connection,
    pub region: String,
    pub presigned: bool,
    pub user_agent: Option<String>,
    /// `x-amz-expected-bucket-owner` and `x-amz-source-expected-bucket-owner`, when sent.
    pub expected_owner: Option<String>,
    pub expected_source_owner: Option<String>,
}

impl Caller {
    /// The caller of an S3 request: the key the access hook resolved (or, where no hook ran,
    /// resolved now) and the request's facts.
    pub fn of<T>(gatehouse: &Gatehouse, req: &S3Request<T>) -> Caller {
        let resolved = req
            .extensions
            .get::<Resolved>()
            .cloned()
            .unwrap_or_else(|| {
                Resolved::of(
                    gatehouse,
                    req.credentials.as_ref().map(|c| c.access_key.as_str()),
                )
            });
        let header = |name: &str| {
            req.headers
                .get(name)
                .and_then(|v| v.to_str().ok())
                .map(str::to_string)
        };
        Caller {
            expected_owner: header("x-amz-expected-bucket-owner"),
            expected_source_owner: header("x-amz-source-expected-bucket-owner"),
            ..Caller::new(
                gatehouse,
                req.extensions.get::<Connection>().cloned(),
                resolved,
                req.region.as_ref().map(|r| r.as_str().to_string()),
                req.uri
                    .query()
                    .is_some_and(|q| q.contains("X-Amz-Signature=")),
                header("user-agent").as_deref(),
            )
        }
    }

    /// The caller `resolved` stands for, in `region` (`None`: the default region).
    pub fn new(
        gatehouse: &Gatehouse,
        connection: Option<Connection>,
        resolved: Resolved,
        region: Option<String>,
        presigned: bool,
        user_agent: Option<&str>,
    ) -> Caller {
        Caller {
            key: resolved.key,
            generation: resolved.generation,
            identity: resolved.identity,
            connection: connection.unwrap_or_else(Connection::loopback),
            region: region.unwrap_or_else(|| gatehouse.config.default_region.clone()),
            presigned,
            user_agent: user_agent.map(str::to_string),
            expected_owner: None,
            expected_source_owner: None,
        }
    }

    pub fn account(&self) -> Option<&str> {
        self.identity.principal.account.as_deref()
    }

    pub fn principal(&self) -> &policy::RequestPrincipal {
        &self.identity.principal
    }
}

#[cfg(test)]
mod tests {
    use super::Connection;

    #[test]
    fn source_ips_are_written_as_display_writes_them() {
        for peer in [
            "0.0.0.0:1",
            "127.0.0.1:80",
            "10.9.99.100:1",
            "255.200.19.9:2",
            "[::1]:3",
            "[2001:db8::7]:4",
        ] {
            let peer: std::net::SocketAddr = peer.parse().unwrap();
            let connection = Connection {
                peer,
                ..Connection::loopback()
            };
            assert_eq!(connection.source_ip(), peer.ip().to_string());
        }
    }
}
