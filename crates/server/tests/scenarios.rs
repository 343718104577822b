//! The scenario suite: real-world causes of S3's 403, reproduced end to end against the real
//! server with boto3 and the aws CLI (installed with pip when missing). Each test starts one
//! server over a temporary directory and runs one Python file of `tests/scenarios/` against
//! it; every scenario checks the status, the error code, AWS's message and the x-gatehouse-*
//! headers, and the success after the fix where there is one. Expectations are AWS's
//! documented behaviour, not Gatehouse's.

mod common;

use std::path::PathBuf;
use std::process::{Command, Output};

fn scenarios_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/scenarios")
}

fn succeeds(program: &str, args: &[&str]) -> bool {
    Command::new(program)
        .args(args)
        .output()
        .is_ok_and(|o| o.status.success())
}

/// The aws CLI: `aws` on PATH, or the awscli module pip installs for `python3` (which
/// `cli.py` falls back to).
fn ensure_aws_cli() {
    if succeeds("aws", &["--version"]) || succeeds("python3", &["-m", "awscli", "--version"]) {
        return;
    }
    let installed = Command::new("python3")
        .args(["-m", "pip", "install", "--quiet", "awscli"])
        .status();
    assert!(
        installed.is_ok_and(|s| s.success())
            && (succeeds("aws", &["--version"])
                || succeeds("python3", &["-m", "awscli", "--version"])),
        "the aws CLI could not be installed"
    );
}

/// Starts a server and runs `tests/scenarios/FILE` against it with `args` (scenario names); returns whether every scenario passed, and the script's output.
async fn run_file(file: &str, args: &[&str]) -> (bool, String) {
    let dir = tempfile::tempdir().unwrap();
    let server = common::start(dir.path()).await;
    // boto3, installed on demand the way every boto3 test here gets it.
    common::boto3("import boto3", &server.endpoint).await;
    let script = scenarios_dir().join(file);
    let endpoint = server.endpoint.clone();
    let args: Vec<String> = args.iter().map(|a| a.to_string()).collect();
    let cli = file == "cli.py" || file == "organizations.py";
    let out: Output = tokio::task::spawn_blocking(move || {
        if cli {
            ensure_aws_cli();
        }
        Command::new("python3")
            .arg(&script)
            .arg(&endpoint)
            .args(&args)
            .env("PYTHONDONTWRITEBYTECODE", "1")
            .output()
            .unwrap()
    })
    .await
    .unwrap();
    let output = format!(
        "{file}:\n{}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    (out.status.success(), output)
}

/// [`run_file`], failing the test with the script's output (stderr included) when any
/// scenario failed; returns the output.
async fn scenarios(file: &str, args: &[&str]) -> String {
    let (ok, output) = run_file(file, args).await;
    assert!(ok, "{output}");
    output
}

fn passed(stdout: &str) -> usize {
    stdout.lines().filter(|l| l.starts_with("PASS ")).count()
}

/// 1 no identity policy, 2 bucket ARN for an object action, 3 missing key without
/// s3:ListBucket, 9 identity explicit deny, 10 group membership, 11 `${aws:username}` homes,
/// 13 s3:prefix on ListBucket, 15 permissions boundary.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn identity_side_denials() {
    let stdout = scenarios("identity.py", &[]).await;
    assert_eq!(passed(&stdout), 8, "{stdout}");
}

/// 4 bucket-policy explicit deny, 5 aws:SourceIp, 6 same-account bucket-policy grant, 12
/// NotPrincipal, 14 aws:SecureTransport over HTTP, 18 CopyObject's two questions, 19 a denied
/// delete changes nothing.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bucket_policy_denials() {
    let stdout = scenarios("resources.py", &[]).await;
    assert_eq!(passed(&stdout), 7, "{stdout}");
}

/// 7 a bucket policy granting a role, 8 cross-account needs both sides, 16 session policy,
/// 17 an untrusted AssumeRole (and its exact message).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn role_and_account_denials() {
    let stdout = scenarios("roles.py", &[]).await;
    assert_eq!(passed(&stdout), 5, "{stdout}");
}

/// 20: scenarios 1, 3, 4 and 17 (and its exact message) through the aws CLI.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn aws_cli_denials() {
    let stdout = scenarios("cli.py", &[]).await;
    assert_eq!(passed(&stdout), 5, "{stdout}");
}

/// Issue 11's request gaps: presigned URLs with unsigned headers or bad lifetimes, the
/// expected-bucket-owner headers, digests on every write path, aws-chunked lengths, metadata
/// size, DeleteObjects' integrity header, oversize and non-UTF-8 input, UploadPartCopy's order,
/// racing Completes, a made-up session token.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn requests_aws_refuses() {
    let stdout = scenarios("refusals.py", &[]).await;
    assert_eq!(passed(&stdout), 11, "{stdout}");
}

/// Issue 11's siblings of its report for every entity: recreated users, roles and groups get
/// nothing of their namesakes' grants (trust and bucket policies show the old unique id);
/// deleted or inactive keys, deleted roles' sessions and detached policies stop counting at
/// once; a new bucket is not judged by a deleted namesake's policy.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn history_grants_nothing() {
    let stdout = scenarios("history.py", &[]).await;
    assert_eq!(passed(&stdout), 7, "{stdout}");
}

/// Issue 13's Organizations: an SCP deny on a member account (not the management account), an
/// SCP allow-list without S3, an SCP on an OU following MoveAccount, an RCP on a member's
/// resources (not the management account's), aws:PrincipalOrgID/PrincipalOrgPaths and
/// ResourceOrgID/ResourceOrgPaths in policies, CreateAccount and its access role, the API's
/// shapes and errors, who may call what, and the aws CLI.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn organizations_scps_and_rcps() {
    let stdout = scenarios("organizations.py", &[]).await;
    assert_eq!(passed(&stdout), 12, "{stdout}");
}

/// Issue 13's KMS: keys, the key-policy rule (allow or delegate before identity policies
/// count), explicit denies, cross-account use, key states, aliases, grants, errors and the
/// key-policy lockout check.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn kms_keys_policies_and_grants() {
    let stdout = scenarios("kms.py", &[]).await;
    assert_eq!(passed(&stdout), 9, "{stdout}");
}

/// Issue 13's SSE: SSE-S3 and SSE-KMS on every write path, the aws/s3 key, the KMS layer on
/// every read and write (identity, key policy, grants, cross-account), key states, bucket
/// default encryption, multipart, copies, and the encryption condition keys.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sse_and_the_kms_layer() {
    let stdout = scenarios("sse.py", &[]).await;
    assert_eq!(passed(&stdout), 12, "{stdout}");
}
