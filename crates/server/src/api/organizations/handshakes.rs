//! Invitations: the management account invites an account; the account accepts or declines.

use serde_json::{json, Value};

use super::call::{invalid, Call};
use super::shapes;
use crate::api::json::error::JsonError;
use crate::organization::{random_id, Handshake};

/// Invitations expire after 15 days [Organizations InviteAccountToOrganization].
const EXPIRES_AFTER_SECS: u64 = 15 * 24 * 3600;

pub fn invite(call: &Call) -> Result<Value, JsonError> {
    let target = call
        .input
        .get("Target")
        .and_then(Value::as_object)
        .ok_or_else(|| invalid("INPUT_REQUIRED", "You must specify a value for Target."))?;
    let kind = target
        .get("Type")
        .and_then(Value::as_str)
        .unwrap_or_default();
    let id = target.get("Id").and_then(Value::as_str).unwrap_or_default();
    let account = match kind {
        "ACCOUNT" => call.gatehouse.account_name(id).map(|_| id.to_string()),
        "EMAIL" => call.gatehouse.account_by_email(id),
        _ => {
            return Err(invalid(
                "INVALID_PARTY_TYPE_TARGET",
                "You specified the wrong type for the invitation target.",
            ))
        }
    }
    .ok_or_else(super::accounts::account_not_found)?;
    call.as_management(|org| org.arn())?;
    let now = audit::clock::now_secs();
    let handshake = call.change(|doc| {
        let org = call.managed_org(doc)?;
        if org.member(&account).is_some() {
            return Err(JsonError::new(
                "DuplicateAccountException",
                "That account is already present in the specified destination.",
            ));
        }
        let (org_id, management) = (org.id.clone(), org.management_account.clone());
        if doc.handshakes.iter().any(|h| {
            h.organization == org_id
                && h.target == account
                && h.state == "OPEN"
                && h.expires_secs > now
        }) {
            return Err(JsonError::new(
                "DuplicateHandshakeException",
                "A handshake with the same action and target already exists.",
            ));
        }
        let h = Handshake {
            id: random_id("h-", 10),
            organization: org_id,
            management_account: management,
            target: account.clone(),
            state: "OPEN".into(),
            requested_secs: now,
            expires_secs: now + EXPIRES_AFTER_SECS,
        };
        doc.handshakes.push(h.clone());
        Ok(h)
    })?;
    Ok(json!({"Handshake": shapes::handshake(&handshake)}))
}

/// The invitations addressed to the caller's account (no organization needed).
pub fn list_for_account(call: &Call) -> Result<Value, JsonError> {
    call.authorize("*")?;
    let doc = call.read()?;
    let account = call.account();
    let handshakes: Vec<Value> = doc
        .handshakes
        .iter()
        .filter(|h| h.target == account)
        .map(shapes::handshake)
        .collect();
    Ok(json!({"Handshakes": handshakes}))
}

fn not_found() -> JsonError {
    JsonError::new(
        "HandshakeNotFoundException",
        "We can't find a handshake with the HandshakeId that you specified.",
    )
}

/// Accepting or declining an open invitation addressed to the caller's account.
fn respond(call: &Call, accept: bool) -> Result<Value, JsonError> {
    let id = call
        .input
        .shaped("HandshakeId", super::call::is_id)?
        .to_string();
    call.authorize("*")?;
    let account = call.account().to_string();
    let now = audit::clock::now_secs();
    let handshake = call.change(|doc| {
        let member_of_one = doc.of_account(&account).is_some();
        let h = doc
            .handshakes
            .iter_mut()
            .find(|h| h.id == id && h.target == account)
            .ok_or_else(not_found)?;
        if h.state != "OPEN" || h.expires_secs <= now {
            return Err(JsonError::new(
                "InvalidHandshakeTransitionException",
                "You can't perform the operation on the handshake in its current state.",
            ));
        }
        if accept && member_of_one {
            return Err(JsonError::with_reason(
                "HandshakeConstraintViolationException",
                "ALREADY_IN_AN_ORGANIZATION",
                "The account is already a member of an organization.",
            ));
        }
        h.state = if accept { "ACCEPTED" } else { "DECLINED" }.into();
        let h = h.clone();
        if accept {
            let org = doc
                .organizations
                .iter_mut()
                .find(|o| o.id == h.organization)
                .ok_or_else(not_found)?;
            org.admit(&account, "INVITED", now);
        }
        Ok(h)
    })?;
    Ok(json!({"Handshake": shapes::handshake(&handshake)}))
}

pub fn accept(call: &Call) -> Result<Value, JsonError> {
    respond(call, true)
}

pub fn decline(call: &Call) -> Result<Value, JsonError> {
    respond(call, false)
}
