//! The walk, step by step, each announced as it starts: who am I; the request observed; the
//! region; existence; what each layer says, as far as it can be read; the engine's verdict
//! cross-checked with what was observed; the smallest fix.

use authz::{authorize, AuthzRequest, Layer, NamedPolicy};
use server::diagnose::fix::{propose, Target, Trial};
use server::diagnose::{CallerLine, Report};

use crate::bucket::{self, Known};
use crate::calls::Calls;
use crate::clients::Clients;
use crate::identity::{self, Caller};
use crate::observe::{observe, Observed};
use crate::organization;
use crate::report::LiveReport;
use crate::simulate::simulate;
use crate::verdict::{self, Gathered};

pub struct Options {
    pub endpoint_url: Option<String>,
    pub profile: Option<String>,
    pub region: Option<String>,
    pub action: String,
    pub bucket: String,
    pub key: Option<String>,
}

impl Options {
    fn resource(&self) -> String {
        match &self.key {
            Some(k) => format!("arn:aws:s3:::{}/{k}", self.bucket),
            None => format!("arn:aws:s3:::{}", self.bucket),
        }
    }

    /// The actions whose answer the walk can observe without changing anything.
    fn observable(&self) -> bool {
        match &self.key {
            Some(_) => self.action.eq_ignore_ascii_case("s3:GetObject"),
            None => self.action.eq_ignore_ascii_case("s3:ListBucket"),
        }
    }
}

/// The calls a walk makes, before any is made (`--dry-run`); some depend on what earlier ones
/// find (a user's or a role's, the object's key, the organization's levels).
pub fn plan(o: &Options) -> Vec<String> {
    let object = o.key.as_ref().map(|k| format!("{}/{k}", o.bucket));
    let mut out = vec!["sts GetCallerIdentity".to_string()];
    match &object {
        Some(t) => out.extend([
            format!("s3 HeadObject {t}"),
            format!("s3 GetObject (Range: bytes=0-0) {t}"),
        ]),
        None => out.push(format!("s3 HeadBucket {}", o.bucket)),
    }
    out.extend([
        format!("s3 GetBucketLocation {}", o.bucket),
        format!("s3 ListObjectsV2 {} (prefix = the key, at most 1)", o.bucket),
        "iam GetUser, ListUserPolicies, GetUserPolicy, ListAttachedUserPolicies, ListGroupsForUser, ListGroupPolicies, GetGroupPolicy, ListAttachedGroupPolicies (a user); iam GetRole, ListRolePolicies, GetRolePolicy, ListAttachedRolePolicies (a role session); iam GetPolicy, GetPolicyVersion (each managed policy and the boundary)".to_string(),
        "s3 ListBuckets (the caller's canonical user id)".to_string(),
        format!("s3 GetBucketPolicy, GetBucketAcl, GetBucketOwnershipControls, GetPublicAccessBlock {}", o.bucket),
    ]);
    if let Some(t) = &object {
        out.push(format!("s3 GetObjectAcl {t}"));
        out.push("kms GetKeyPolicy (the object's SSE-KMS key, when it has one)".to_string());
    }
    out.extend([
        "organizations DescribeOrganization, ListParents, ListPoliciesForTarget, DescribePolicy (SCPs and RCPs at each level)".to_string(),
        "iam SimulatePrincipalPolicy (the caller's user or role)".to_string(),
    ]);
    out
}

/// Walks the request; `progress` hears each step as it starts.
pub async fn examine(o: &Options, progress: &mut dyn FnMut(&str)) -> LiveReport {
    let c = Clients::load(
        o.endpoint_url.as_deref(),
        o.profile.as_deref(),
        o.region.as_deref(),
    )
    .await;
    let mut calls = Calls::default();
    let mut report = Report::default();
    let resource = o.resource();
    progress("1/7 who am I (sts:GetCallerIdentity)");
    let me = calls.note(
        "sts GetCallerIdentity",
        "",
        c.sts.get_caller_identity().send().await,
    );
    let me = match me {
        Ok(me) => me,
        Err(f) => {
            report.step(
                "caller",
                false,
                format!("these credentials are refused ({}): S3 answers 403 InvalidAccessKeyId or SignatureDoesNotMatch before any policy is read", f.summary()),
            );
            return finish(
                report,
                Observed::default(),
                None,
                Vec::new(),
                Vec::new(),
                calls,
                true,
            );
        }
    };
    let caller = Caller::new(
        me.arn().unwrap_or(""),
        me.account().unwrap_or(""),
        me.user_id().unwrap_or(""),
    );
    report.caller = Some(CallerLine {
        arn: caller.arn.clone(),
        account: caller.account.clone(),
        kind: caller.kind.to_string(),
    });
    report.step(
        "caller",
        true,
        format!(
            "{} ({}, account {})",
            caller.arn, caller.kind, caller.account
        ),
    );

    progress("2/7 the request itself (HEAD, then GET with Range: bytes=0-0 for AWS's message)");
    let observed = observe(&c, &mut calls, &o.bucket, o.key.as_deref()).await;
    report.step(
        "observed",
        observed.status.is_some_and(|s| s < 300),
        observed_finding(&observed, o),
    );

    progress("3/7 the bucket's region");
    match &observed.region {
        Some(r) if *r == c.region => report.step("region", true, format!("the bucket is in {r}, the client's region")),
        Some(r) => report.step("region", false, format!(
            "the bucket is in {r}, the client signs for {}: S3 answers 301 PermanentRedirect (or 400 AuthorizationHeaderMalformed naming {r}); use --region {r}",
            c.region
        )),
        None => report.step("region", true, "GetBucketLocation is not allowed to these credentials; the region is unchecked".to_string()),
    }

    progress("4/7 does the object exist (ListObjectsV2 with the key as prefix)");
    if let Some(k) = &o.key {
        let (ok, finding) = match observed.exists {
            Some(true) => (true, format!("{k} exists")),
            Some(false) => (false, format!("{k} does not exist: a caller allowed s3:ListBucket gets 404 NoSuchKey, any other 403 AccessDenied [S3 GetObject, \"Permissions\"]")),
            None => (true, "the caller may not list the bucket: a missing key and a forbidden one both answer 403 to it".to_string()),
        };
        report.step("object", ok, finding);
    }

    progress("5/7 what can be read of each layer");
    let identity = identity::gather(&c, &mut calls, &caller).await;
    let bucket = bucket::gather(
        &c,
        &mut calls,
        &o.bucket,
        o.key.as_deref(),
        observed.kms_key.clone(),
    )
    .await;
    let organization = organization::gather(&c, &mut calls, &caller.account).await;
    report.step(
        "read",
        true,
        read_finding(&identity, &bucket, &organization),
    );
    let bucket_policy = bucket
        .policy
        .read()
        .and_then(|p| p.as_ref())
        .map(|d| d.text.clone());
    let aws_simulator = simulate(
        &c,
        &mut calls,
        &caller,
        &identity,
        &o.action,
        &resource,
        bucket_policy.as_deref(),
    )
    .await;

    progress("6/7 the verdict: Gatehouse's engine on what was read");
    let gathered = Gathered {
        caller: &caller,
        identity: &identity,
        bucket: &bucket,
        organization: &organization,
        observed: &observed,
        region: &c.region,
        secure: c.secure,
    };
    let q = verdict::question(&gathered);
    let decision = q.decide(&o.action, &resource);
    report.decided(&o.action, &resource, &decision);
    report.near_misses =
        server::diagnose::near_miss::near_misses(&decision, &o.action, &resource, None);
    let observed_denied = o.observable() && observed.status == Some(403);
    let mut suspects = Vec::new();
    let key_question = if decision.is_allowed() {
        KeyQuestion::prepare(&q, &bucket, &caller)
    } else {
        None
    };
    let key_decision = key_question.as_ref().map(|k| k.decide(&q, &k.policies));
    if let Some(d) = &key_decision {
        report.step("kms", d.is_allowed(), match &d.denied_by {
            None => "KMS lets the caller decrypt the object's key".to_string(),
            Some(l) => format!("KMS refuses kms:Decrypt on the object's key ({l}): S3 answers 403 for the read"),
        });
    }
    let engine_denies =
        !decision.is_allowed() || key_decision.as_ref().is_some_and(|d| !d.is_allowed());
    let engine_layer = decision
        .denied_by
        .or_else(|| key_decision.as_ref().and_then(|d| d.denied_by));
    let observed_allowed = o.observable() && observed.status.is_some_and(|s| s < 300);
    let unread = verdict::unread(&gathered, &q);
    // The engine's denial rests on a layer the walk could not read (taken for empty): a guess.
    let blind = engine_layer.filter(|l| {
        !matches!(l, Layer::VpcEndpoint | Layer::S3BlockPublicAccess)
            && unread.iter().any(|s| s.layer == l.as_str())
    });
    if observed_denied && !engine_denies {
        suspects = verdict::rank(&gathered, unread);
        report.step("verdict", false, "what could be read allows the request, yet it is refused: the denial is in what could not be read (below)".to_string());
    } else if observed_allowed && engine_denies {
        report.step("verdict", true, match blind {
            Some(l) => format!("the engine denies where the endpoint allowed: the {l} layer could not be read, and what it holds allows"),
            None => "the engine denies where the endpoint allowed: a condition on what the walk cannot see (source address, VPC endpoint, a paged list) decides".to_string(),
        });
    } else if let (Some((named, explicit)), Some(layer)) = (observed.named_layer, engine_layer) {
        let agree = named == layer
            || (named == Layer::Resource
                && matches!(layer, Layer::Acl | Layer::S3BlockPublicAccess | Layer::Key));
        if !agree || blind.is_some() {
            suspects = verdict::rank(&gathered, unread);
        }
        report.step("verdict", agree && blind.is_none(), if agree && blind.is_some() {
            format!("AWS's message and the engine agree on the {layer} layer{}, but the walk could not read it: what it holds is unknown (below)", if explicit { ", an explicit deny" } else { "" })
        } else if agree {
            format!("AWS's message and the engine agree: the {layer} layer{}", if explicit { ", an explicit deny" } else { "" })
        } else {
            format!("AWS's message names the {named} layer, the engine the {layer} layer: part of the {named} layer could not be read (below)")
        });
    } else if let (true, Some(layer)) = (observed_denied, blind) {
        suspects = verdict::rank(&gathered, unread);
        report.step("verdict", false, format!("the engine's denial rests on the {layer} layer, which could not be read: what it holds is unknown (below)"));
    }

    progress("7/7 the smallest fix");
    if observed_allowed {
        // The request succeeds: nothing to fix.
    } else if !decision.is_allowed() {
        let target = Target {
            action: o.action.clone(),
            resource: resource.clone(),
            owner: q.resource_account.clone(),
            owner_is: "the bucket owner",
            policy_id: format!("arn:aws:s3:::{}", o.bucket),
            policy_change: format!(
                "the bucket policy of {} (aws s3api put-bucket-policy)",
                o.bucket
            ),
            object_owner: Some(q.s3.object_owner.clone())
                .filter(|owner| *owner != q.s3.bucket_owner),
        };
        let decide = |trial: &Trial| {
            let mut request: AuthzRequest = q.request(&o.action, &resource);
            request.policies = &trial.policies;
            request.s3 = trial.s3.as_ref();
            authorize(&request, true)
        };
        let trial = Trial {
            policies: q.policies.clone(),
            s3: Some(q.s3.clone()),
        };
        report.fixes = propose(&q.principal, &target, trial, &decision, &decide);
    } else if let (Some(k), Some(d)) = (&key_question, &key_decision) {
        if !d.is_allowed() {
            report.fixes = k.fixes(&q, d);
        }
    }
    // What the endpoint answered is the fact; the engine speaks only where nothing was observed.
    let denied = !observed_allowed && (observed_denied || engine_denies);
    let unparsable = q.unparsable.clone();
    finish(
        report,
        observed,
        aws_simulator,
        suspects,
        unparsable,
        calls,
        denied,
    )
}

/// A read of an SSE-KMS object is a second question, to KMS: `kms:Decrypt` on the key, with
/// its key policy as the resource policy.
struct KeyQuestion {
    key: String,
    account: String,
    policies: authz::Policies,
}

impl KeyQuestion {
    fn prepare(
        q: &verdict::Question,
        bucket: &bucket::BucketSide,
        caller: &Caller,
    ) -> Option<KeyQuestion> {
        let key = bucket.kms_key.as_ref()?;
        let Known::Read(doc) = bucket.key_policy.as_ref()? else {
            return None;
        };
        let parsed = policy::parse_policy(&doc.text).ok()?;
        let mut policies = q.policies.clone();
        policies.resource = Some(NamedPolicy::compile(key.clone(), parsed));
        policies.rcp.clear();
        Some(KeyQuestion {
            key: key.clone(),
            account: key.split(':').nth(4).unwrap_or(&caller.account).to_string(),
            policies,
        })
    }

    fn decide(&self, q: &verdict::Question, policies: &authz::Policies) -> authz::Decision {
        let request = AuthzRequest {
            principal: &q.principal,
            action: "kms:Decrypt",
            resource: &self.key,
            resource_account: &self.account,
            context: &q.context,
            policies,
            s3: None,
        };
        authorize(&request, true)
    }

    /// The key policy's fixes, as the data directory's doctor proposes them.
    fn fixes(
        &self,
        q: &verdict::Question,
        decision: &authz::Decision,
    ) -> Vec<server::diagnose::Fix> {
        let target = Target {
            action: "kms:Decrypt".into(),
            resource: self.key.clone(),
            owner: self.account.clone(),
            owner_is: "the key's owner",
            policy_id: self.key.clone(),
            policy_change: format!("the key policy of {} (aws kms put-key-policy)", self.key),
            object_owner: None,
        };
        let trial = Trial {
            policies: self.policies.clone(),
            s3: None,
        };
        let decide = |trial: &Trial| self.decide(q, &trial.policies);
        propose(&q.principal, &target, trial, decision, &decide)
    }
}

fn observed_finding(o: &Observed, opts: &Options) -> String {
    if !opts.observable() {
        return format!("{} is not observed: the live walk never writes, so only the engine's verdict below speaks for it", opts.action);
    }
    let head = o
        .head_status
        .map(|s| format!("HEAD answered {s}; "))
        .unwrap_or_default();
    let answer = match (o.status, &o.code) {
        (Some(s), Some(code)) => format!("{s} {code}"),
        (Some(s), None) => s.to_string(),
        (None, _) => "no answer".to_string(),
    };
    let mut out = format!("{head}the read answered {answer}");
    if let Some(m) = &o.message {
        out.push_str(&format!(": {m}"));
    }
    match o.named_layer {
        Some((layer, explicit)) => out.push_str(&format!(
            " — AWS names the {layer} layer{}",
            if explicit { " (an explicit deny)" } else { "" }
        )),
        None if o.status == Some(403) => out.push_str(" — the plain message: S3 names the layer only to callers of the bucket's account or organization"),
        None => {}
    }
    out
}

fn read_finding(
    identity: &identity::IdentitySide,
    bucket: &bucket::BucketSide,
    organization: &organization::OrganizationSide,
) -> String {
    let state = |known: bool| if known { "read" } else { "NOT readable" };
    format!(
        "identity policies: {} ({} documents{}); bucket policy: {}; ACLs: {}; Object Ownership: {}; Block Public Access (bucket): {}; organization: {}{}",
        state(identity.unreadable.is_empty()),
        identity.identity.len(),
        if identity.boundary.is_some() { ", a boundary" } else { "" },
        match &bucket.policy {
            Known::Read(Some(_)) => "read",
            Known::Read(None) => "none",
            Known::Unreadable(_) => "NOT readable",
        },
        state(bucket.bucket_acl.read().is_some()),
        state(bucket.ownership.read().is_some()),
        state(bucket.block_public_access.read().is_some()),
        match (&organization.organization, &organization.scps) {
            (Known::Read(None), _) => "none".to_string(),
            (Known::Read(Some(id)), Known::Read(_)) => format!("{id}, SCPs and RCPs read"),
            (Known::Read(Some(id)), Known::Unreadable(_)) => format!("{id}, its policies NOT readable"),
            (Known::Unreadable(_), _) => "NOT readable".to_string(),
        },
        match &bucket.key_policy {
            Some(Known::Read(_)) => "; KMS key policy: read",
            Some(Known::Unreadable(_)) => "; KMS key policy: NOT readable",
            None => "",
        },
    )
}

fn finish(
    mut report: Report,
    observed: Observed,
    aws_simulator: Option<String>,
    suspects: Vec<verdict::Suspect>,
    unparsable: Vec<String>,
    calls: Calls,
    denied: bool,
) -> LiveReport {
    report.allowed = !denied;
    LiveReport {
        report,
        observed,
        aws_simulator,
        suspects,
        unparsable,
        calls: calls.made,
        denied,
    }
}
