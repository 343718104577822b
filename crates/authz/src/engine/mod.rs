//! AWS's evaluation logic: every layer, in AWS's order, combined with the same-account,
//! cross-account and principal-type rules, to one [`Decision`].
//!
//! The order [IAM `reference_policies_evaluation-logic`; reference §1.2, §4]: an explicit deny
//! anywhere decides; then every RCP and SCP level must allow, and a VPC endpoint policy must
//! allow; then some grant must exist — identity-side, resource-side, or both across accounts
//! (§1.3, §1.4, S3's contexts §3.3); then a permissions boundary and session policies limit
//! what is not exempt; role trust and KMS key policies (for requests on the key) must allow in
//! every case (§1.7); `sts:GetCallerIdentity` needs no permission at all. Which
//! layer a denial names when several deny is DESIGN.md's "When several layers deny".
//!
//! One file per phase, in order: `gather` (every layer evaluated once, S3's owners),
//! `explicit_denies`, `organizations`, `grant`, `limits` (boundary and session policies),
//! `trust_and_key`; `finish` turns what was found into the [`Decision`].

use std::borrow::Cow;

use policy::{PrincipalType, Request};

use crate::decision::Decision;
use crate::input::AuthzRequest;
use evaluator::Evaluator;
use found::Found;

mod evaluator;
mod explicit_denies;
mod finish;
mod found;
mod gather;
mod grant;
mod limits;
mod organizations;
mod trust_and_key;

pub(crate) use gather::resource_layer_for;

/// Decides one request. `explain` asks for Gatehouse's explanation and the statement-by-statement
/// trace (the slow path); without it `explanation` is empty and `trace` too.
pub fn authorize(req: &AuthzRequest, explain: bool) -> Decision {
    // Actions compare without regard to case; lower-case once, on the stack when it fits.
    let mut buffer = [0u8; 128];
    let owned;
    let action: &str = match buffer.get_mut(..req.action.len()) {
        Some(buf) => {
            buf.copy_from_slice(req.action.as_bytes());
            buf.make_ascii_lowercase();
            // ASCII case changes keep UTF-8 valid.
            std::str::from_utf8(buf).unwrap_or(req.action)
        }
        None => {
            owned = req.action.to_ascii_lowercase();
            &owned
        }
    };
    let mut eval = Evaluator {
        req,
        request: Request::new(action, req.resource, req.principal, req.context),
        trace: explain.then(Vec::new),
    };
    let found = decide(&mut eval);
    finish::finish(eval, found)
}

/// The phases in AWS's order; the first that decides, decides.
fn decide(eval: &mut Evaluator) -> Found {
    let p = eval.req.principal;
    // No permission is needed for sts:GetCallerIdentity, and a policy that denies it does not
    // stop it [STS GetCallerIdentity]: every signed caller is answered.
    if eval.request.action == "sts:getcalleridentity" && p.kind != PrincipalType::Anonymous {
        return Found::Allowed {
            policy: None,
            statement: None,
            how: Cow::Borrowed(
                "sts:GetCallerIdentity needs no permission and no policy can deny it",
            ),
        };
    }
    let g = gather::gather(eval);
    if let Some(found) = explicit_denies::check(&g).or_else(|| organizations::check(&g)) {
        return found;
    }
    let grant = match grant::find(&g) {
        Ok(grant) => grant,
        Err(found) => return found,
    };
    limits::check(&g, &grant)
        .or_else(|| trust_and_key::check(&g, &grant))
        .unwrap_or_else(|| grant.allowed())
}
