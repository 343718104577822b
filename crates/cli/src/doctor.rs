//! `gatehouse doctor s3://BUCKET[/KEY] --access-key-id ID | --as ARN | --anonymous`: the troubleshooting walk for one
//! request on a data directory (`server::diagnose`), for a person or as JSON; exit status 0
//! when the request would be allowed, 1 when denied, 2 when the walk could not be made.

use std::path::Path;
use std::process::ExitCode;

use server::diagnose::{Doctor, Examination, Who};

/// `s3://BUCKET/KEY` → (bucket, key); `s3://BUCKET` → (bucket, None).
pub fn target(url: &str) -> Option<(String, Option<String>)> {
    let rest = url.strip_prefix("s3://")?;
    let (bucket, key) = match rest.split_once('/') {
        Some((b, k)) if !k.is_empty() => (b, Some(k.to_string())),
        Some((b, _)) => (b, None),
        None => (rest, None),
    };
    (!bucket.is_empty()).then(|| (bucket.to_string(), key))
}

pub struct Options<'a> {
    pub url: &'a str,
    pub who: Who,
    pub action: &'a str,
    pub region: Option<String>,
    pub source_ip: Option<std::net::IpAddr>,
    pub via_vpce: Option<String>,
    pub tls: bool,
    pub data_dir: &'a Path,
    pub config: Option<&'a Path>,
    pub json: bool,
}

pub fn run(o: Options) -> ExitCode {
    let Some((bucket, key)) = target(o.url) else {
        eprintln!("gatehouse doctor: {} is not s3://BUCKET/KEY", o.url);
        return ExitCode::from(2);
    };
    let config = match o.config {
        Some(path) => match server::config::Config::load(path) {
            Ok(c) => c,
            Err(e) => {
                eprintln!("gatehouse doctor: {e}");
                return ExitCode::from(2);
            }
        },
        None => server::config::Config::default(),
    };
    let doctor = match Doctor::open(o.data_dir, config) {
        Ok(d) => d,
        Err(e) => {
            eprintln!(
                "gatehouse doctor: cannot open {}: {e}",
                o.data_dir.display()
            );
            return ExitCode::from(2);
        }
    };
    let report = doctor.examine(&Examination {
        who: o.who,
        bucket,
        key,
        action: o.action.to_string(),
        region: o.region,
        source_ip: o.source_ip,
        via_vpce: o.via_vpce,
        tls: o.tls,
    });
    emit(&report, || report.render(), o.json, report.allowed)
}

/// Prints a report (as JSON, or for a person) and answers the exit status: 0 when access is
/// allowed, 1 when it is denied.
fn emit<R: serde::Serialize>(
    report: &R,
    human: impl FnOnce() -> String,
    json: bool,
    allowed: bool,
) -> ExitCode {
    if json {
        println!(
            "{}",
            serde_json::to_string(report).expect("a report serializes")
        );
    } else {
        print!("{}", human());
    }
    if allowed {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}

pub struct LiveOptions<'a> {
    pub url: &'a str,
    pub action: &'a str,
    pub endpoint_url: Option<String>,
    pub profile: Option<String>,
    pub region: Option<String>,
    pub dry_run: bool,
    pub json: bool,
}

/// `--live`: the walk through the AWS APIs with the caller's own credentials (`live`), each
/// step announced on standard error as it starts; exit status 0 when access is allowed, 1 when
/// it is denied, 2 when the walk could not be made.
pub fn run_live(o: LiveOptions) -> ExitCode {
    let Some((bucket, key)) = target(o.url) else {
        eprintln!("gatehouse doctor: {} is not s3://BUCKET/KEY", o.url);
        return ExitCode::from(2);
    };
    let options = live::Options {
        endpoint_url: o.endpoint_url,
        profile: o.profile,
        region: o.region,
        action: o.action.to_string(),
        bucket,
        key,
    };
    if o.dry_run {
        println!("the live walk would make these calls, all read-only:");
        for call in live::plan(&options) {
            println!("  {call}");
        }
        return ExitCode::SUCCESS;
    }
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(r) => r,
        Err(e) => {
            eprintln!("gatehouse doctor: {e}");
            return ExitCode::from(2);
        }
    };
    let report = runtime.block_on(live::examine(&options, &mut |step| eprintln!("… {step}")));
    emit(&report, || report.render(), o.json, !report.denied)
}
