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
    });
    if o.json {
        println!(
            "{}",
            serde_json::to_string(&report).expect("a report serializes")
        );
    } else {
        print!("{}", report.render());
    }
    if report.allowed {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}
