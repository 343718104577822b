//! `gatehouse serve`: open the store, make sure the configured accounts (or a generated first
//! one) exist with their root keys, bind, print `listening on http://ADDR`, serve.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use s3s::access::{S3Access, S3AccessContext};
use s3s::service::S3ServiceBuilder;
use s3s::S3Result;
use store::{AccessKey, Store, StoreError};
use tokio::net::TcpListener;

use crate::api::s3::GatehouseS3;
use crate::auth::KeyLookup;
use crate::caller::Resolved;
use crate::config::{AccountConfig, Config};
use crate::front_door::App;
use crate::state::Gatehouse;
use audit::AuditLog;

pub struct ServeOptions {
    pub data_dir: PathBuf,
    pub listen: SocketAddr,
    pub config: Config,
    /// PEM certificate chain and private key: serve HTTPS instead of HTTP.
    pub tls: Option<(PathBuf, PathBuf)>,
}

/// Authorization happens in each operation, where its typed input is known; s3s's own
/// pre-check would refuse every anonymous request, which S3 does not. This hook only tells the
/// audit trail which operation the request is, on what, and by whom — and resolves the caller
/// once for the operation.
struct DecideInOperations(Arc<Gatehouse>);

#[async_trait::async_trait]
impl S3Access for DecideInOperations {
    async fn check(&self, cx: &mut S3AccessContext<'_>) -> S3Result<()> {
        let Some(connection) = cx
            .extensions_mut()
            .get::<crate::caller::Connection>()
            .cloned()
        else {
            return Ok(());
        };
        let (bucket, key) = match cx.s3_path() {
            s3s::path::S3Path::Root => (None, None),
            s3s::path::S3Path::Bucket { bucket } => (Some(bucket.to_string()), None),
            s3s::path::S3Path::Object { bucket, key } => {
                (Some(bucket.to_string()), Some(key.to_string()))
            }
        };
        // The key is resolved here, once: the operation's Caller and the audit read it.
        let resolved = Resolved::of(&self.0, cx.credentials().map(|c| c.access_key.as_str()));
        crate::auth::check_session_token(resolved.key.as_deref(), cx.headers(), cx.uri())?;
        let identity = resolved.audit_identity();
        cx.extensions_mut().insert(resolved);
        let operation = cx.s3_op().name().to_string();
        self.0.audit.note(&connection.request_id, |p| {
            p.operation = Some(operation);
            p.bucket = bucket;
            p.key = key;
            p.identity = Some(identity);
        });
        Ok(())
    }
}

fn random_string(bytes: usize, alphabet: &[u8]) -> String {
    let mut buf = vec![0u8; bytes];
    getrandom::fill(&mut buf).expect("the operating system's random generator failed");
    buf.iter()
        .map(|b| alphabet[*b as usize % alphabet.len()] as char)
        .collect()
}

/// The accounts of the configuration, or — with none configured — one generated on first
/// start, its root credentials printed once and kept in `root-credentials.json` (mode 0600).
fn ensure_accounts(store: &Store, config: &Config, data_dir: &Path) -> Result<(), ServeError> {
    let accounts: Vec<AccountConfig> = if !config.accounts.is_empty() {
        config.accounts.clone()
    } else if !store.accounts().map_err(ServeError::Accounts)?.is_empty() {
        return Ok(());
    } else {
        let digits = random_string(12, b"0123456789");
        // Account ids do not start with 0.
        let id = match digits.strip_prefix('0') {
            Some(rest) => format!("1{rest}"),
            None => digits,
        };
        let key = std::env::var("GATEHOUSE_ROOT_ACCESS_KEY_ID").unwrap_or_else(|_| {
            format!(
                "AKIA{}",
                random_string(16, b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567")
            )
        });
        let secret = std::env::var("GATEHOUSE_ROOT_SECRET_ACCESS_KEY").unwrap_or_else(|_| {
            random_string(
                40,
                b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/",
            )
        });
        let record = format!(
            "{{\"account_id\":\"{id}\",\"access_key_id\":\"{key}\",\"secret_access_key\":\"{secret}\"}}\n"
        );
        write_private(&data_dir.join("root-credentials.json"), &record)
            .map_err(ServeError::Credentials)?;
        println!(
            "created account {id}; root credentials (shown once, kept in {}):",
            data_dir.join("root-credentials.json").display()
        );
        println!("  access key id:     {key}");
        println!("  secret access key: {secret}");
        vec![AccountConfig {
            id,
            name: "gatehouse".into(),
            email: None,
            root_access_key_id: key,
            root_secret_access_key: secret,
        }]
    };
    for a in accounts {
        match store.create_account(&a.id, &a.name, a.email.as_deref()) {
            Ok(_) | Err(StoreError::AccountExists) => {}
            Err(e) => return Err(ServeError::Accounts(e)),
        }
        store
            .put_access_key(&AccessKey {
                access_key_id: a.root_access_key_id.clone(),
                secret: a.root_secret_access_key.clone(),
                account_id: a.id.clone(),
                principal_arn: format!("arn:aws:iam::{}:root", a.id),
                active: true,
                session_token: None,
                expires_ms: None,
            })
            .map_err(ServeError::Accounts)?;
    }
    Ok(())
}

fn write_private(path: &Path, text: &str) -> std::io::Result<()> {
    use std::io::Write;
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut f = options.open(path)?;
    f.write_all(text.as_bytes())?;
    f.sync_all()
}

/// Prepares the server; the returned listener is bound and the service ready.
pub async fn bind(options: ServeOptions) -> Result<(TcpListener, App), ServeError> {
    let store = Store::open(&options.data_dir).map_err(|source| ServeError::Open {
        dir: options.data_dir.display().to_string(),
        source,
    })?;
    ensure_accounts(&store, &options.config, &options.data_dir)?;
    crate::api::iam::aws_managed::ensure(&store).map_err(ServeError::ManagedPolicies)?;
    if let Some(org) = &options.config.organization {
        crate::organization::configured::ensure(&store, org).map_err(ServeError::Organization)?;
    }
    let audit = AuditLog::start(options.data_dir.join("audit")).map_err(ServeError::Audit)?;
    let endpoints = crate::vpc_endpoint::compile(&options.config.vpc_endpoints)
        .map_err(ServeError::VpcEndpoint)?;
    let mut vpc_listeners = Vec::new();
    for e in &options.config.vpc_endpoints {
        let listener = TcpListener::bind(e.listen)
            .await
            .map_err(|source| ServeError::Listen {
                addr: e.listen,
                source,
            })?;
        vpc_listeners.push((listener, e.id.clone()));
    }
    let gatehouse = Arc::new(Gatehouse::new(
        Arc::new(store),
        options.config,
        audit,
        endpoints,
    ));
    let mut builder = S3ServiceBuilder::new(GatehouseS3(gatehouse.clone()));
    builder.set_auth(KeyLookup(gatehouse.clone()));
    builder.set_route(crate::api::s3control::S3Control(gatehouse.clone()));
    builder.set_access(DecideInOperations(gatehouse.clone()));
    let listener =
        TcpListener::bind(options.listen)
            .await
            .map_err(|source| ServeError::Listen {
                addr: options.listen,
                source,
            })?;
    let tls = match &options.tls {
        Some((cert, key)) => Some(crate::tls::acceptor(cert, key)?),
        None => None,
    };
    Ok((
        listener,
        App {
            s3: builder.build(),
            gatehouse,
            tls,
            vpc_listeners,
        },
    ))
}

/// Runs until the process ends, after printing the `listening on` line.
pub async fn serve(options: ServeOptions) -> Result<(), ServeError> {
    let (listener, service) = bind(options).await?;
    let addr = listener.local_addr().map_err(ServeError::Io)?;
    let scheme = if service.tls.is_some() {
        "https"
    } else {
        "http"
    };
    println!("listening on {scheme}://{addr}");
    for (listener, id) in &service.vpc_listeners {
        if let Ok(addr) = listener.local_addr() {
            println!("VPC endpoint {id} listening on {scheme}://{addr}");
        }
    }
    crate::front_door::run_until(listener, service, stop_signal())
        .await
        .map_err(ServeError::Io)?;
    println!("stopped");
    Ok(())
}

/// Ctrl-C or SIGTERM: a clean shutdown (requests in flight answered, the audit trail synced).
async fn stop_signal() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{signal, SignalKind};
        let Ok(mut term) = signal(SignalKind::terminate()) else {
            let _ = tokio::signal::ctrl_c().await;
            return;
        };
        tokio::select! {
            _ = term.recv() => {}
            _ = tokio::signal::ctrl_c() => {}
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
}

/// Why the server could not start or stopped.
#[derive(Debug, thiserror::Error)]
pub enum ServeError {
    #[error("cannot open {dir}: {source}")]
    Open { dir: String, source: StoreError },
    #[error("{0}")]
    Accounts(StoreError),
    #[error("{0}")]
    Credentials(std::io::Error),
    #[error("cannot create the AWS managed policies: {0}")]
    ManagedPolicies(StoreError),
    #[error("cannot build [organization]: {0}")]
    Organization(StoreError),
    #[error("{0}")]
    VpcEndpoint(String),
    #[error("cannot start the audit trail: {0}")]
    Audit(std::io::Error),
    #[error("cannot listen on {addr}: {source}")]
    Listen {
        addr: SocketAddr,
        source: std::io::Error,
    },
    #[error(transparent)]
    Tls(#[from] crate::tls::TlsError),
    #[error("{0}")]
    Io(std::io::Error),
}
