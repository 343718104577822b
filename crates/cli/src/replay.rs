//! `gatehouse replay --since T`: the audit trail's S3 decisions re-decided with proposed
//! policies (`server::diagnose::Directory::replay`), and every flip, for a person or as JSON.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use policy::PolicyType;
use server::diagnose::{Directory, Proposal, Replay};

pub struct Options<'a> {
    pub since: &'a str,
    pub until: Option<&'a str>,
    pub bucket_policies: &'a [String],
    pub identity_policies: &'a [String],
    pub scps: &'a [String],
    pub rcps: &'a [String],
    pub data_dir: &'a Path,
    pub json: bool,
}

/// Exit status 0 when nothing flips, 1 when something does, 2 when replay could not run.
pub fn run(o: Options) -> ExitCode {
    match replay(&o) {
        Ok(r) => {
            if o.json {
                println!(
                    "{}",
                    serde_json::to_string(&r).expect("a replay serializes")
                );
            } else {
                print!("{}", render(&r));
            }
            if r.flips.is_empty() {
                ExitCode::SUCCESS
            } else {
                ExitCode::FAILURE
            }
        }
        Err(e) => {
            eprintln!("gatehouse replay: {e}");
            ExitCode::from(2)
        }
    }
}

fn replay(o: &Options) -> Result<Replay, String> {
    let proposal = proposal(o)?;
    let since = moment(o.since)?;
    let until = o.until.map(moment).transpose()?;
    let directory = Directory::open(o.data_dir, server::config::Config::default())
        .map_err(|e| format!("cannot open {}: {e}", o.data_dir.display()))?;
    let events = audit::trail::between(o.data_dir, &since, until.as_deref())
        .map_err(|e| format!("cannot read the audit trail: {e}"))?;
    let mut bar = crate::progress::Bar::new("requests");
    let r = directory.replay(&events, &proposal, &mut |done, total| bar.show(done, total));
    bar.finish();
    Ok(r)
}

/// `--since`/`--until`: a trail time or its prefix (`2026-12-04T10`), or a span back from
/// now (`90s`, `15m`, `2h`, `7d`).
fn moment(text: &str) -> Result<String, String> {
    let unit = match text.chars().last() {
        Some('s') => 1,
        Some('m') => 60,
        Some('h') => 3600,
        Some('d') => 86_400,
        _ => return Ok(text.to_string()),
    };
    let count: u64 = text[..text.len() - 1]
        .parse()
        .map_err(|_| format!("{text} is neither a time (2026-12-04T10:00:00Z) nor a span (15m)"))?;
    Ok(audit::clock::iso8601(
        audit::clock::now_secs().saturating_sub(count * unit),
    ))
}

/// The flags' `NAME=FILE` pairs, each document read as its API reads it.
fn proposal(o: &Options) -> Result<Proposal, String> {
    let mut p = Proposal::default();
    for (bucket, text) in pairs(o.bucket_policies)? {
        let id = format!("arn:aws:s3:::{bucket}");
        p.bucket_policies
            .push((bucket, Proposal::document(&id, &text, PolicyType::Bucket)?));
    }
    for (arn, text) in pairs(o.identity_policies)? {
        let (id, kind) = if arn.contains(":policy/") {
            (arn.clone(), PolicyType::Managed)
        } else if arn.contains(":role/") {
            (format!("{arn}#inline/proposed"), PolicyType::RoleInline)
        } else if arn.contains(":user/") {
            (format!("{arn}#inline/proposed"), PolicyType::UserInline)
        } else {
            return Err(format!(
                "--identity-policy {arn}: name a managed policy, a user or a role by ARN"
            ));
        };
        p.identity_policies
            .push((arn, Proposal::document(&id, &text, kind)?));
    }
    for (flags, kind) in [(o.scps, PolicyType::Scp), (o.rcps, PolicyType::Rcp)] {
        for (id, text) in pairs(flags)? {
            p.org_policies
                .push((id.clone(), Proposal::document(&id, &text, kind)?));
        }
    }
    Ok(p)
}

/// `NAME=FILE` → (NAME, the file's text), refusing files over 1 MiB (no policy is that big).
fn pairs(flags: &[String]) -> Result<Vec<(String, String)>, String> {
    flags
        .iter()
        .map(|flag| {
            let (name, file) = flag
                .split_once('=')
                .ok_or_else(|| format!("{flag}: expected NAME=FILE"))?;
            let path = PathBuf::from(file);
            let size = std::fs::metadata(&path)
                .map_err(|e| format!("{file}: {e}"))?
                .len();
            if size > 1 << 20 {
                return Err(format!("{file}: {size} bytes is more than any policy"));
            }
            let text = std::fs::read_to_string(&path).map_err(|e| format!("{file}: {e}"))?;
            Ok((name.to_string(), text))
        })
        .collect()
}

pub fn render(r: &Replay) -> String {
    let mut out = format!(
        "{} S3 decisions in the window, {} re-decided",
        r.decisions, r.redecided
    );
    for (why, n) in &r.skipped {
        out.push_str(&format!("; {n} not ({why})"));
    }
    out.push('\n');
    if r.drifted > 0 {
        out.push_str(&format!(
            "{} re-decided differently from what was answered then, without the proposal (the directory changed since)\n",
            r.drifted
        ));
    }
    if r.flips.is_empty() {
        out.push_str("the proposal flips no decision\n");
    }
    for f in &r.flips {
        out.push_str(&format!(
            "{}: {} {} on {} ({} request{})\n",
            f.change,
            f.principal,
            f.action,
            f.resource,
            f.requests.len(),
            if f.requests.len() == 1 { "" } else { "s" }
        ));
        if let Some(policy) = &f.policy {
            let by = match f.layer {
                Some(layer) => format!("denied by the {layer} layer"),
                None => "allowed by".to_string(),
            };
            out.push_str(&format!(
                "    {by}: policy {policy} statement {}\n",
                f.statement.as_deref().unwrap_or("-")
            ));
        } else if let Some(layer) = f.layer {
            out.push_str(&format!(
                "    denied by the {layer} layer (no statement allows it)\n"
            ));
        }
        out.push_str(&format!("    requests: {}\n", f.requests.join(" ")));
    }
    out
}
