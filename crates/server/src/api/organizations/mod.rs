//! AWS Organizations (JSON 1.1, `AWSOrganizationsV20161128.*`, global like IAM). Every call is
//! authorized as `organizations:<Operation>` in the caller's account, after the caller's
//! standing is checked: most calls are the management account's alone [Organizations API
//! reference, each operation: "This operation can be called only from the organization's
//! management account"]. The organization itself is `crate::organization`; each change is one
//! replacement of its document, so none is ever half made.

mod accounts;
mod call;
mod handshakes;
mod organization;
mod policies;
mod shapes;
mod units;

use serde_json::{Map, Value};

use crate::api::json::error::JsonError;
use crate::api::json::input::Input;
use crate::caller::Caller;
use crate::state::Gatehouse;
use call::Call;

type Handler = fn(&Call) -> Result<Value, JsonError>;

fn handler(operation: &str) -> Option<Handler> {
    let h: Handler = match operation {
        "CreateOrganization" => organization::create,
        "DescribeOrganization" => organization::describe,
        "DeleteOrganization" => organization::delete,
        "ListRoots" => organization::list_roots,
        "EnablePolicyType" => organization::enable_policy_type,
        "DisablePolicyType" => organization::disable_policy_type,
        "CreateAccount" => accounts::create,
        "DescribeCreateAccountStatus" => accounts::describe_create_status,
        "ListAccounts" => accounts::list,
        "DescribeAccount" => accounts::describe,
        "RemoveAccountFromOrganization" => accounts::remove,
        "LeaveOrganization" => accounts::leave,
        "InviteAccountToOrganization" => handshakes::invite,
        "ListHandshakesForAccount" => handshakes::list_for_account,
        "AcceptHandshake" => handshakes::accept,
        "DeclineHandshake" => handshakes::decline,
        "CreateOrganizationalUnit" => units::create,
        "DescribeOrganizationalUnit" => units::describe,
        "UpdateOrganizationalUnit" => units::update,
        "DeleteOrganizationalUnit" => units::delete,
        "ListOrganizationalUnitsForParent" => units::list_for_parent,
        "ListChildren" => units::list_children,
        "ListParents" => units::list_parents,
        "MoveAccount" => units::move_account,
        "CreatePolicy" => policies::create,
        "DescribePolicy" => policies::describe,
        "UpdatePolicy" => policies::update,
        "DeletePolicy" => policies::delete,
        "AttachPolicy" => policies::attach,
        "DetachPolicy" => policies::detach,
        "ListPolicies" => policies::list,
        "ListPoliciesForTarget" => policies::list_for_target,
        "ListTargetsForPolicy" => policies::list_targets,
        _ => return None,
    };
    Some(h)
}

pub fn dispatch(
    gatehouse: &Gatehouse,
    caller: &Caller,
    operation: &str,
    input: &Map<String, Value>,
) -> Result<Value, JsonError> {
    let handler = handler(operation).ok_or_else(|| JsonError::unknown_operation(operation))?;
    handler(&Call {
        gatehouse,
        caller,
        operation,
        input: Input::new(input, call::refuse_input),
    })
}
