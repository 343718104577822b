//! `gatehouse`: the command line. `serve` runs the server; `simulate` answers authorization
//! scenarios offline; `explain`, `doctor` and `lint` arrive with their issues.

use std::io::{BufWriter, Read, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

/// jemalloc instead of the C library's allocator: a request allocates and frees a few hundred
/// small blocks, and glibc's bookkeeping (`malloc_consolidate`, `unlink_chunk`) was a tenth of
/// a HEAD's samples under load; HEAD and GET at 32 connections gained ~10% (docs/performance.md).
#[global_allocator]
static ALLOCATOR: tikv_jemallocator::Jemalloc = tikv_jemallocator::Jemalloc;

/// jemalloc's options, read when it starts: one arena (not four per core: two cores here), and
/// freed pages returned within a tenth of a second, so that RSS under load stays near what is
/// in use (256 connections reading 1 MiB objects for 60 s: 209 MB with the defaults, 163 MB
/// with these; glibc 127 MB).
#[export_name = "_rjem_malloc_conf"]
static MALLOC_CONF: MallocConf =
    MallocConf(c"narenas:1,dirty_decay_ms:100,muzzy_decay_ms:0".as_ptr());

/// A `const char *` for jemalloc.
#[repr(transparent)]
struct MallocConf(*const std::ffi::c_char);

// SAFETY: the pointer is to a string literal, which lives as long as the program and is never
// written to.
unsafe impl Sync for MallocConf {}

mod doctor;
mod explain;
mod import;
mod lint;
mod progress;
mod replay;
mod who_can;

#[derive(Parser)]
#[command(
    name = "gatehouse",
    version,
    about = "An S3-compatible object store that authorizes exactly like AWS, and says why"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Run the S3-compatible server on local disk.
    Serve {
        /// Where metadata and object bytes live.
        #[arg(long, default_value = "./gatehouse-data")]
        data_dir: PathBuf,
        /// Address to listen on; port 0 picks a free one (the `listening on` line tells).
        #[arg(long, default_value = "127.0.0.1:9000")]
        listen: std::net::SocketAddr,
        /// The configuration file (TOML): accounts, regions, explain_denials.
        #[arg(long)]
        config: Option<PathBuf>,
        /// PEM certificate chain: serve HTTPS (with --tls-key).
        #[arg(long, requires = "tls_key")]
        tls_cert: Option<PathBuf>,
        /// PEM private key of --tls-cert.
        #[arg(long, requires = "tls_cert")]
        tls_key: Option<PathBuf>,
    },
    /// Decide authorization scenarios offline (DESIGN.md's scenario format): one JSON answer
    /// line per scenario, in order.
    Simulate {
        /// A scenario (JSON), a JSON array of scenarios, or JSON lines; `-` reads standard input.
        #[arg(long)]
        input: PathBuf,
        /// Print a human-readable trace instead of JSON.
        #[arg(long)]
        explain: bool,
    },
    /// Check policy files as IAM Access Analyzer's validation does: errors, security warnings
    /// and suggestions, each with its JSON path, line and column.
    Lint {
        /// Policy files, or directories of them (their `.json` files).
        #[arg(required = true)]
        paths: Vec<PathBuf>,
        /// identity, resource, scp, rcp, boundary, session, trust, key or endpoint; without it,
        /// a policy naming a principal is a resource policy, others identity policies.
        #[arg(long = "type", value_parser = ["identity", "resource", "scp", "rcp", "boundary", "session", "trust", "key", "endpoint"])]
        kind: Option<String>,
        /// One JSON line per finding.
        #[arg(long)]
        json: bool,
    },
    /// Walk the troubleshooting path for one S3 request on a data directory: the caller, the
    /// region, the object, every layer's verdict, and the smallest fix, re-evaluated.
    #[command(group(clap::ArgGroup::new("caller").required(true).args(["access_key_id", "as_arn", "anonymous", "live"])))]
    Doctor {
        /// s3://BUCKET/KEY (or s3://BUCKET for a bucket action).
        url: String,
        /// The caller's access key id.
        #[arg(long)]
        access_key_id: Option<String>,
        /// The caller by ARN: an account root, a user, a role (as a session of it) or a role
        /// session (an imported directory has no credentials).
        #[arg(long = "as", value_name = "ARN")]
        as_arn: Option<String>,
        /// An unsigned request.
        #[arg(long)]
        anonymous: bool,
        /// Walk the request against a live endpoint (AWS, or any S3-compatible one) through the
        /// AWS APIs with the credentials the AWS SDK finds (environment, profiles, SSO,
        /// instance metadata); read-only.
        #[arg(long, conflicts_with_all = ["access_key_id", "as_arn", "anonymous", "data_dir", "config", "source_ip", "via_vpce", "tls"])]
        live: bool,
        /// With --live: the endpoint (default: AWS's).
        #[arg(long, requires = "live")]
        endpoint_url: Option<String>,
        /// With --live: the shared config's profile.
        #[arg(long, requires = "live")]
        profile: Option<String>,
        /// With --live: list the calls the walk would make, and make none.
        #[arg(long, requires = "live")]
        dry_run: bool,
        /// The action to examine.
        #[arg(long, default_value = "s3:GetObject")]
        action: String,
        /// The region the request is signed for (default: the config's default region).
        #[arg(long)]
        region: Option<String>,
        /// The caller's address (aws:SourceIp).
        #[arg(long)]
        source_ip: Option<std::net::IpAddr>,
        /// The request comes through this VPC endpoint of the configuration.
        #[arg(long)]
        via_vpce: Option<String>,
        /// The request comes over HTTPS (aws:SecureTransport true, TLS 1.3); plain HTTP
        /// otherwise.
        #[arg(long)]
        tls: bool,
        /// The server's data directory.
        #[arg(long, default_value = "./gatehouse-data")]
        data_dir: PathBuf,
        /// The server's configuration (regions, VPC endpoints).
        #[arg(long)]
        config: Option<PathBuf>,
        /// The report as JSON.
        #[arg(long)]
        json: bool,
    },
    /// Every principal allowed ACTION on RESOURCE (an S3 ARN or s3://BUCKET/KEY), with the
    /// statements that grant it and their conditions.
    WhoCan {
        /// The action, e.g. s3:GetObject.
        action: String,
        /// arn:aws:s3:::BUCKET[/KEY] or s3://BUCKET[/KEY].
        resource: String,
        /// The server's data directory.
        #[arg(long, default_value = "./gatehouse-data")]
        data_dir: PathBuf,
        /// The answer as JSON.
        #[arg(long)]
        json: bool,
    },
    /// Re-decide the audit trail's S3 requests as if proposed policies were in force, and list
    /// every decision that would flip (change-impact analysis before deploying a policy).
    Replay {
        /// Start of the window: a time (2026-12-04T10:00:00Z, or a prefix) or a span back (2h).
        #[arg(long)]
        since: String,
        /// End of the window (exclusive), the same forms; default now.
        #[arg(long)]
        until: Option<String>,
        /// BUCKET=FILE: the bucket's proposed bucket policy.
        #[arg(long = "bucket-policy", value_name = "BUCKET=FILE")]
        bucket_policies: Vec<String>,
        /// ARN=FILE: a managed policy's new document, or a policy added to a user or role.
        #[arg(long = "identity-policy", value_name = "ARN=FILE")]
        identity_policies: Vec<String>,
        /// ID=FILE: an SCP's new document.
        #[arg(long = "scp", value_name = "ID=FILE")]
        scps: Vec<String>,
        /// ID=FILE: an RCP's new document.
        #[arg(long = "rcp", value_name = "ID=FILE")]
        rcps: Vec<String>,
        /// The server's data directory.
        #[arg(long, default_value = "./gatehouse-data")]
        data_dir: PathBuf,
        /// The result as JSON.
        #[arg(long)]
        json: bool,
    },
    /// Build a new data directory from an export of an AWS account (scripts/export-aws.sh):
    /// IAM, buckets and their settings, Organizations, KMS key policies; no object bytes, no
    /// credentials (examine principals with `doctor --as ARN`).
    Import {
        /// The export's directory (the one holding export.json).
        export: PathBuf,
        /// The new data directory; it must not exist, or be empty.
        #[arg(long)]
        data_dir: PathBuf,
        /// The report as JSON.
        #[arg(long)]
        json: bool,
    },
    /// Show why a request was allowed or denied, from the audit trail: each layer, policy,
    /// statement and condition, and what the caller was answered.
    Explain {
        /// The request id (`x-amz-request-id`, or RequestId in a client's error).
        request_id: String,
        /// The server's data directory.
        #[arg(long, default_value = "./gatehouse-data")]
        data_dir: PathBuf,
        /// The audit event's facts and decisions as JSON.
        #[arg(long)]
        json: bool,
    },
}

fn main() -> ExitCode {
    match Cli::parse().command {
        Command::Serve {
            data_dir,
            listen,
            config,
            tls_cert,
            tls_key,
        } => serve(data_dir, listen, config, tls_cert.zip(tls_key)),
        Command::Simulate { input, explain } => simulate(&input, explain),
        Command::Doctor {
            url,
            live: true,
            endpoint_url,
            profile,
            dry_run,
            action,
            region,
            json,
            ..
        } => doctor::run_live(doctor::LiveOptions {
            url: &url,
            action: &action,
            endpoint_url,
            profile,
            region,
            dry_run,
            json,
        }),
        Command::Doctor {
            url,
            access_key_id,
            as_arn,
            anonymous,
            action,
            region,
            source_ip,
            via_vpce,
            tls,
            data_dir,
            config,
            json,
            ..
        } => doctor::run(doctor::Options {
            url: &url,
            who: match (access_key_id, as_arn) {
                (Some(id), _) => server::diagnose::Who::AccessKey(id),
                (None, Some(arn)) => server::diagnose::Who::Arn(arn),
                (None, None) if anonymous => server::diagnose::Who::Anonymous,
                (None, None) => unreachable!("clap requires one of the caller's flags"),
            },
            action: &action,
            region,
            source_ip,
            via_vpce,
            tls,
            data_dir: &data_dir,
            config: config.as_deref(),
            json,
        }),
        Command::Lint { paths, kind, json } => {
            lint::run(&paths, kind.as_deref().and_then(lint::kind_of), json)
        }
        Command::WhoCan {
            action,
            resource,
            data_dir,
            json,
        } => who_can::run(&action, &resource, &data_dir, json),
        Command::Replay {
            since,
            until,
            bucket_policies,
            identity_policies,
            scps,
            rcps,
            data_dir,
            json,
        } => replay::run(replay::Options {
            since: &since,
            until: until.as_deref(),
            bucket_policies: &bucket_policies,
            identity_policies: &identity_policies,
            scps: &scps,
            rcps: &rcps,
            data_dir: &data_dir,
            json,
        }),
        Command::Import {
            export,
            data_dir,
            json,
        } => import::run(&export, &data_dir, json),
        Command::Explain {
            request_id,
            data_dir,
            json,
        } => explain::run(&request_id, &data_dir, json),
    }
}

fn serve(
    data_dir: PathBuf,
    listen: std::net::SocketAddr,
    config: Option<PathBuf>,
    tls: Option<(PathBuf, PathBuf)>,
) -> ExitCode {
    let config = match config {
        Some(path) => match server::config::Config::load(&path) {
            Ok(c) => c,
            Err(e) => {
                eprintln!("gatehouse serve: {e}");
                return ExitCode::from(2);
            }
        },
        None => server::config::Config::default(),
    };
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(r) => r,
        Err(e) => {
            eprintln!("gatehouse serve: cannot start the runtime: {e}");
            return ExitCode::from(2);
        }
    };
    let options = server::serve::ServeOptions {
        data_dir,
        listen,
        config,
        tls,
    };
    match runtime.block_on(server::serve::serve(options)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("gatehouse serve: {e}");
            ExitCode::FAILURE
        }
    }
}

fn simulate(input: &PathBuf, explain: bool) -> ExitCode {
    let text = if input.as_os_str() == "-" {
        let mut text = String::new();
        std::io::stdin().read_to_string(&mut text).map(|_| text)
    } else {
        std::fs::read_to_string(input)
    };
    let text = match text {
        Ok(text) => text,
        Err(e) => {
            eprintln!("gatehouse simulate: cannot read {}: {e}", input.display());
            return ExitCode::from(2);
        }
    };
    let stdout = std::io::stdout();
    let mut out = BufWriter::new(stdout.lock());
    let mut write_failed = false;
    let ok = authz::simulate::run(&text, explain, |line| {
        write_failed |= writeln!(out, "{line}").is_err();
    });
    write_failed |= out.flush().is_err();
    if write_failed {
        return ExitCode::from(2);
    }
    if ok {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}
