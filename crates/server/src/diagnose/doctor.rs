//! `gatehouse doctor`: the troubleshooting guides' walk for one S3 request: who the caller
//! is, the bucket's region against the request's, whether the object exists and whether a
//! denial would be a 403 or a 404, the decision with every layer's verdict, and the smallest
//! fix — re-evaluated with the fix applied [S3 `troubleshoot-403-errors`].

use std::net::IpAddr;
use std::path::Path;

use authz::authorize;

use super::directory::{Directory, Who};
use super::report::{self, Report};
use super::{condition_fix, fix, kms, near_miss};
use crate::authorize::{prepare, Question};
use crate::caller::{Caller, Connection};
use crate::config::Config;

/// The request to examine.
pub struct Examination {
    pub who: Who,
    pub bucket: String,
    /// `None`: a bucket-level action.
    pub key: Option<String>,
    pub action: String,
    /// The region the request would be signed for; the server's default when absent.
    pub region: Option<String>,
    pub source_ip: Option<IpAddr>,
    /// The configured VPC endpoint the request would come through.
    pub via_vpce: Option<String>,
    /// Over HTTPS (`aws:SecureTransport`, `s3:TlsVersion` 1.3); plain HTTP otherwise.
    pub tls: bool,
}

pub struct Doctor {
    directory: Directory,
}

impl Doctor {
    /// Opens `data_dir` for reading only (see [`Directory::open`]).
    pub fn open(data_dir: &Path, config: Config) -> Result<Doctor, store::StoreError> {
        Ok(Doctor {
            directory: Directory::open(data_dir, config)?,
        })
    }

    pub fn examine(&self, e: &Examination) -> Report {
        let g = &self.directory.gatehouse;
        let mut report = Report::default();
        let region = e
            .region
            .clone()
            .unwrap_or_else(|| g.config.default_region.clone());
        if let Some(id) = &e.via_vpce {
            if g.vpc_endpoint(id).is_none() {
                report.step(
                    "endpoint",
                    false,
                    format!(
                        "{id} is not one of the configuration's [[vpc_endpoints]] (pass --config)"
                    ),
                );
                return report;
            }
        }
        let loopback = Connection::loopback();
        let connection = Connection {
            peer: e.source_ip.map_or(loopback.peer, |ip| (ip, 0).into()),
            secure: e.tls,
            tls_version: e.tls.then_some("1.3"),
            vpc_endpoint: e.via_vpce.as_deref().map(std::sync::Arc::from),
            ..loopback
        };
        let caller = match self
            .directory
            .caller(&e.who, Some(connection), Some(region.clone()))
        {
            Ok(caller) => caller,
            Err(why) => {
                report.step("caller", false, why);
                return report;
            }
        };
        let p = caller.principal();
        report.caller = Some(report::CallerLine {
            arn: p.arn.clone(),
            account: p.account.clone().unwrap_or_default(),
            kind: format!("{:?}", p.kind),
        });
        report.step(
            "caller",
            true,
            format!(
                "{} ({:?}, account {})",
                p.arn,
                p.kind,
                p.account.as_deref().unwrap_or("none")
            ),
        );
        let bucket = match g.store.bucket(&e.bucket) {
            Ok(Some(b)) => b,
            Ok(None) => {
                report.step(
                    "bucket",
                    false,
                    format!(
                        "bucket {} does not exist: S3 answers 404 NoSuchBucket",
                        e.bucket
                    ),
                );
                return report;
            }
            Err(err) => {
                report.step("bucket", false, format!("the store cannot answer: {err}"));
                return report;
            }
        };
        report.step(
            "bucket",
            true,
            format!("{} exists, owned by account {}", bucket.name, bucket.owner),
        );
        let same_region = bucket.region == region;
        report.step(
            "region",
            same_region,
            if same_region {
                format!("the bucket is in {region}, the request's region")
            } else {
                format!(
                    "the bucket is in {}, the request is signed for {region}: S3 answers 301 PermanentRedirect (x-amz-bucket-region: {}); sign for {} instead",
                    bucket.region, bucket.region, bucket.region
                )
            },
        );
        let object = match &e.key {
            Some(k) => g.store.object(&bucket.name, k, None).ok().flatten(),
            None => None,
        };
        // A missing key the caller may not list: S3 answers 403, whatever the read's own verdict.
        let mut hidden_missing = false;
        if let Some(k) = &e.key {
            let finding = match &object {
                Some(v) => (
                    true,
                    format!(
                        "{k} exists ({} byte{}, owned by account {})",
                        v.size,
                        if v.size == 1 { "" } else { "s" },
                        v.attributes.owner
                    ),
                ),
                None => {
                    let may_list = self
                        .decide(&caller, &Question::on_bucket("s3:ListBucket", &bucket))
                        .is_some_and(|d| d.is_allowed());
                    hidden_missing = !may_list;
                    (
                        false,
                        if may_list {
                            format!("{k} does not exist: the caller may s3:ListBucket, so S3 answers 404 NoSuchKey")
                        } else {
                            format!("{k} does not exist, and the caller may not s3:ListBucket: S3 answers 403 AccessDenied rather than reveal it [S3 GetObject, \"Permissions\"]")
                        },
                    )
                }
            };
            report.step("object", finding.0, finding.1);
        }
        let q = match &e.key {
            Some(k) => Question::on_object(&e.action, &bucket, k).about(object.as_ref()),
            None => Question::on_bucket(&e.action, &bucket),
        };
        let Ok(prepared) = prepare(g, &caller, &q) else {
            report.step(
                "decision",
                false,
                "no decision could be made (a stored policy no longer reads)".into(),
            );
            return report;
        };
        let decision = authorize(&prepared.request(&caller, &q), true);
        let resource = crate::authorize::arn(&bucket.name, e.key.as_deref());
        report.decided(&e.action, &resource, &decision);
        if !decision.is_allowed() {
            let other = match &e.key {
                Some(_) => crate::authorize::arn(&bucket.name, None),
                None => format!("arn:aws:s3:::{}/*", bucket.name),
            };
            let mut other_form = prepared.request(&caller, &q);
            other_form.resource = &other;
            let other_decision = authorize(&other_form, true);
            report.near_misses = near_miss::near_misses(
                &decision,
                &e.action,
                &resource,
                Some((&other_decision, &other)),
            );
            self.compare_anonymous(&caller, &q, &bucket, &mut report);
            let target = fix::Target {
                action: e.action.clone(),
                resource,
                owner: bucket.owner.clone(),
                owner_is: "the bucket owner",
                policy_id: format!("arn:aws:s3:::{}", bucket.name),
                policy_change: format!(
                    "the bucket policy of {} (aws s3api put-bucket-policy)",
                    bucket.name
                ),
                object_owner: object
                    .as_ref()
                    .map(|v| v.attributes.owner.clone())
                    .filter(|o| *o != bucket.owner),
            };
            let decide = |trial: &fix::Trial| {
                let mut request = prepared.request(&caller, &q);
                request.policies = &trial.policies;
                request.s3 = trial.s3.as_ref();
                authorize(&request, true)
            };
            let meet = |context: &policy::Context| {
                let mut request = prepared.request(&caller, &q);
                request.context = context;
                authorize(&request, true)
            };
            if let Some(f) = condition_fix::propose(&decision, &prepared.context, &meet) {
                report.fixes = vec![f];
                return report;
            }
            let trial = fix::Trial {
                policies: prepared.policies.clone(),
                s3: Some(prepared.s3.clone()),
            };
            report.fixes = fix::propose(caller.principal(), &target, trial, &decision, &decide);
            return report;
        }
        if hidden_missing {
            report.allowed = false;
            let bucket_arn = crate::authorize::arn(&bucket.name, None);
            report.fixes = vec![report::Fix {
                what: format!(
                    "the key does not exist: write it, or let the caller list the bucket — an identity-policy statement granting s3:ListBucket on {bucket_arn} — so that S3 answers 404 NoSuchKey instead of 403"
                ),
                statement: Some(serde_json::json!({"Effect": "Allow", "Action": "s3:ListBucket", "Resource": bucket_arn})),
                needs: None,
                then: "404 NoSuchKey".to_string(),
            }];
            return report;
        }
        // A read of an SSE-KMS object is a second question, to KMS.
        if let Some(v) = &object {
            if matches!(e.action.as_str(), "s3:GetObject" | "s3:GetObjectVersion") {
                kms::step(g, &caller, &bucket, v, &mut report);
            }
        }
        report
    }

    /// A signed caller of another account refused where an unsigned request would pass: the
    /// bucket grants everyone, but a signed cross-account request needs the caller's own
    /// account to allow it too [IAM `reference_policies_evaluation-logic-cross-account`].
    fn compare_anonymous(
        &self,
        caller: &Caller,
        q: &Question,
        bucket: &store::Bucket,
        report: &mut Report,
    ) {
        let cross_account = caller.account().is_some_and(|a| a != bucket.owner);
        if !cross_account {
            return;
        }
        let Ok(anonymous) = self.directory.caller(&Who::Anonymous, None, None) else {
            return;
        };
        if self.decide(&anonymous, q).is_some_and(|d| d.is_allowed()) {
            report.step(
                "anonymous",
                false,
                format!(
                    "an unsigned request would be allowed: the bucket grants everyone, but a signed request from account {} is also judged by that account's own policies, which must allow {}",
                    caller.account().unwrap_or_default(),
                    q.action
                ),
            );
        }
    }

    /// The engine's decision, with its trace, on the question the server would ask.
    fn decide(&self, caller: &Caller, q: &Question) -> Option<authz::Decision> {
        let prepared = prepare(&self.directory.gatehouse, caller, q).ok()?;
        Some(authorize(&prepared.request(caller, q), true))
    }
}
