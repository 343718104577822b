//! Who is calling: the verified access key's principal, or anonymous; and what the connection
//! says about the request (peer address, transport, signing region, request id).

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
}

#[derive(Clone)]
pub struct Caller {
    pub identity: Arc<CallerIdentity>,
    /// The verified access key (`None`: anonymous).
    pub key: Option<store::AccessKey>,
    /// The store's generation before the identity was resolved: a later write makes any
    /// difference between a cached and an uncached decision legitimate (verification mode).
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
    pub fn of<T>(gatehouse: &Gatehouse, req: &S3Request<T>) -> Caller {
        let lookup = req
            .credentials
            .as_ref()
            .map(|c| gatehouse.store.access_key(&c.access_key));
        let key = match lookup {
            None => None,
            Some(Ok(Some(key))) => Some(key),
            // The signature was verified with this key a moment ago: a key gone since, or a
            // store that cannot say, is never taken for anonymous (fail closed).
            Some(other) => {
                let mut caller = Caller::new(gatehouse, None, None, None, false, None);
                let fault = match other {
                    Err(e) => format!("the request's access key could not be read: {e}"),
                    _ => "the request's access key is gone".to_string(),
                };
                caller.identity = Arc::new(CallerIdentity {
                    fault: Some(fault),
                    ..CallerIdentity::anonymous()
                });
                caller.connection = req
                    .extensions
                    .get::<Connection>()
                    .cloned()
                    .unwrap_or(caller.connection);
                return caller;
            }
        };
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
                key.as_ref(),
                req.region.as_ref().map(|r| r.as_str().to_string()),
                req.uri
                    .query()
                    .is_some_and(|q| q.contains("X-Amz-Signature=")),
                header("user-agent").as_deref(),
            )
        }
    }

    /// The caller of a request signed with `key` (`None`: anonymous), in `region` (`None`:
    /// the default region).
    pub fn new(
        gatehouse: &Gatehouse,
        connection: Option<Connection>,
        key: Option<&store::AccessKey>,
        region: Option<String>,
        presigned: bool,
        user_agent: Option<&str>,
    ) -> Caller {
        let generation = gatehouse.store.generation();
        Caller {
            key: key.cloned(),
            generation,
            identity: key
                .map(|k| gatehouse.identities.resolve(&gatehouse.store, k))
                .unwrap_or_else(|| Arc::new(CallerIdentity::anonymous())),
            connection: connection.unwrap_or(Connection {
                peer: ([127, 0, 0, 1], 0).into(),
                secure: false,
                tls_version: None,
                request_id: String::new(),
            }),
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

/// The caller as CloudTrail's `userIdentity` shows it.
pub fn identity(gatehouse: &Gatehouse, access_key: Option<&str>) -> audit::Identity {
    let key = access_key.and_then(|k| gatehouse.store.access_key(k).ok().flatten());
    match key {
        None => audit::Identity::anonymous(),
        Some(k) => audit::Identity {
            kind: if k.principal_arn.ends_with(":root") {
                "Root".into()
            } else if k.principal_arn.contains(":assumed-role/") {
                "AssumedRole".into()
            } else {
                "IAMUser".into()
            },
            // CloudTrail's principalId is aws:userid: the account for root, AIDA... for a
            // user, AROA...:SESSION for a role session.
            principal_id: gatehouse
                .identities
                .resolve(&gatehouse.store, &k)
                .keys
                .iter()
                .find(|(name, _)| name == "aws:userid")
                .and_then(|(_, v)| v.single())
                .map(str::to_string)
                .unwrap_or_else(|| k.account_id.clone()),
            arn: Some(k.principal_arn),
            account_id: k.account_id,
            access_key_id: Some(k.access_key_id),
        },
    }
}
