//! Member accounts: CreateAccount (which completes at once), their descriptions, removal and
//! leaving.

use serde_json::{json, Value};
use store::{EntityKind, NewEntity};

use super::call::{invalid, Call};
use super::shapes;
use crate::api::json::error::JsonError;
use crate::organization::{new_account_id, random_id, AccountRequest};

/// The role CreateAccount makes in the new account, unless `RoleName` names another
/// [Organizations CreateAccount, RoleName].
const ACCESS_ROLE: &str = "OrganizationAccountAccessRole";
const ADMINISTRATOR_ACCESS: &str = "arn:aws:iam::aws:policy/AdministratorAccess";

fn is_email(s: &str) -> bool {
    s.len() >= 6
        && s.len() <= 64
        && s.split_once('@')
            .is_some_and(|(a, b)| !a.is_empty() && b.contains('.'))
}

fn is_role_name(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 64
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"+=,.@-".contains(&b))
}

/// CreateAccount: a new account (12 random digits), its access role with AdministratorAccess
/// trusting the management account, and its place under the root — all before the answer, so
/// the request's status is SUCCEEDED at once. The account and role are made first: should the
/// organization change fail, the account stands alone, which is a state AWS has too (an
/// account removed from its organization).
pub fn create(call: &Call) -> Result<Value, JsonError> {
    let email = call.input.shaped("Email", is_email)?.to_string();
    let name = call.input.string("AccountName")?.to_string();
    if name.is_empty() || name.chars().count() > 50 {
        return Err(invalid(
            "INVALID_FULL_NAME_TARGET",
            "The account name must be 1 to 50 characters.",
        ));
    }
    let role = call
        .input
        .optional("RoleName")?
        .unwrap_or(ACCESS_ROLE)
        .to_string();
    if !is_role_name(&role) {
        return Err(invalid(
            "INVALID_PATTERN",
            "The RoleName is not a valid role name.",
        ));
    }
    let doc = call.as_management(|org| org.arn())?;
    let management = call.managed_org(&doc)?.management_account.clone();
    let gatehouse = call.gatehouse;
    if gatehouse.account_by_email(&email).is_some() {
        return Err(JsonError::new(
            "DuplicateAccountException",
            "That account already exists.",
        ));
    }
    let store = &gatehouse.store;
    let accounts = store.accounts()?;
    let id = new_account_id(|id| accounts.iter().any(|a| a.id == id));
    store.create_account(&id, &name, Some(&email))?;
    let trust = json!({
        "Version": "2012-10-17",
        "Statement": [{
            "Effect": "Allow",
            "Principal": {"AWS": format!("arn:aws:iam::{management}:root")},
            "Action": "sts:AssumeRole",
        }],
    })
    .to_string();
    store.create_entity(&NewEntity {
        account_id: &id,
        kind: EntityKind::Role,
        name: &role,
        path: "/",
        description: None,
        trust_policy: Some(&trust),
        trust_bindings: &[],
        max_session_s: Some(3600),
        boundary_arn: None,
        tags: &[],
    })?;
    store.attach_policy(&id, EntityKind::Role, &role, ADMINISTRATOR_ACCESS)?;
    let now = audit::clock::now_secs();
    let request = call.change(|doc| {
        let org = call.managed_org_mut(doc)?;
        org.admit(&id, "CREATED", now);
        let request = AccountRequest {
            id: random_id("car-", 8),
            organization: org.id.clone(),
            account_name: name.clone(),
            account_id: id.clone(),
            requested_secs: now,
        };
        doc.account_requests.push(request.clone());
        Ok(request)
    })?;
    Ok(json!({"CreateAccountStatus": status(&request)}))
}

fn status(r: &AccountRequest) -> Value {
    json!({
        "Id": r.id,
        "AccountName": r.account_name,
        "State": "SUCCEEDED",
        "RequestedTimestamp": r.requested_secs,
        "CompletedTimestamp": r.requested_secs,
        "AccountId": r.account_id,
    })
}

pub fn describe_create_status(call: &Call) -> Result<Value, JsonError> {
    let id = call
        .input
        .shaped("CreateAccountRequestId", super::call::is_id)?;
    let doc = call.as_management(|_| "*".into())?;
    let org = call.managed_org(&doc)?;
    let request = doc
        .account_requests
        .iter()
        .find(|r| r.id == id && r.organization == org.id)
        .ok_or_else(|| {
            JsonError::new(
                "CreateAccountStatusNotFoundException",
                "We can't find an create account request with the CreateAccountRequestId that you specified.",
            )
        })?;
    Ok(json!({"CreateAccountStatus": status(request)}))
}

pub fn list(call: &Call) -> Result<Value, JsonError> {
    let doc = call.as_management(|_| "*".into())?;
    let org = call.managed_org(&doc)?;
    let accounts: Vec<Value> = org
        .accounts
        .iter()
        .map(|m| shapes::account(call.gatehouse, org, &m.id))
        .collect();
    Ok(json!({"Accounts": accounts}))
}

pub fn account_not_found() -> JsonError {
    JsonError::new(
        "AccountNotFoundException",
        "You specified an account that doesn't exist.",
    )
}

pub fn describe(call: &Call) -> Result<Value, JsonError> {
    let id = call.input.shaped("AccountId", super::call::is_id)?;
    let doc = call.as_management(|org| org.arn_of(id))?;
    let org = call.managed_org(&doc)?;
    org.member(id).ok_or_else(account_not_found)?;
    Ok(json!({"Account": shapes::account(call.gatehouse, org, id)}))
}

fn cannot_leave() -> JsonError {
    JsonError::new(
        "MasterCannotLeaveOrganizationException",
        "You can't remove a management account from an organization. If you want the management account to become a member account in another organization, you must first delete the current organization.",
    )
}

pub fn remove(call: &Call) -> Result<Value, JsonError> {
    let id = call
        .input
        .shaped("AccountId", super::call::is_id)?
        .to_string();
    call.as_management(|org| org.arn_of(&id))?;
    call.change(|doc| {
        let org = call.managed_org_mut(doc)?;
        if org.member(&id).is_none() {
            return Err(account_not_found());
        }
        if org.management_account == id {
            return Err(cannot_leave());
        }
        org.forget(&id);
        Ok(())
    })?;
    Ok(json!({}))
}

/// A member account leaves on its own.
pub fn leave(call: &Call) -> Result<Value, JsonError> {
    let doc = call.read()?;
    call.member_org(&doc)?;
    call.authorize("*")?;
    let account = call.account().to_string();
    call.change(|doc| {
        let org = doc
            .of_account_mut(&account)
            .ok_or_else(super::call::not_in_use)?;
        if org.management_account == account {
            return Err(cannot_leave());
        }
        org.forget(&account);
        Ok(())
    })?;
    Ok(json!({}))
}
