//! AWS KMS (JSON 1.1, `TrentService.*`, regional): symmetric keys, their key policies,
//! aliases, grants, tags, and the cryptographic operations. The keys and their cryptography
//! are `crate::kms`; authorization under KMS's rules is [`call::Call::authorize_key`].

mod aliases;
mod call;
mod cryptography;
mod grants;
mod keys;

use serde_json::{Map, Value};

use crate::api::json::error::JsonError;
use crate::api::json::input::Input;
use crate::caller::Caller;
use crate::state::Gatehouse;
use call::Call;

type Handler = fn(&Call) -> Result<Value, JsonError>;

fn handler(operation: &str) -> Option<Handler> {
    let h: Handler = match operation {
        "CreateKey" => keys::create,
        "DescribeKey" => keys::describe,
        "ListKeys" => keys::list,
        "EnableKey" => keys::enable,
        "DisableKey" => keys::disable,
        "ScheduleKeyDeletion" => keys::schedule_deletion,
        "CancelKeyDeletion" => keys::cancel_deletion,
        "GetKeyPolicy" => keys::get_policy,
        "PutKeyPolicy" => keys::put_policy,
        "ListKeyPolicies" => keys::list_policies,
        "TagResource" => keys::tag,
        "UntagResource" => keys::untag,
        "ListResourceTags" => keys::list_tags,
        "CreateAlias" => aliases::create,
        "UpdateAlias" => aliases::update,
        "DeleteAlias" => aliases::delete,
        "ListAliases" => aliases::list,
        "Encrypt" => cryptography::encrypt,
        "Decrypt" => cryptography::decrypt,
        "ReEncrypt" => cryptography::re_encrypt,
        "GenerateDataKey" => cryptography::generate_data_key,
        "GenerateDataKeyWithoutPlaintext" => cryptography::generate_data_key_without_plaintext,
        "CreateGrant" => grants::create,
        "ListGrants" => grants::list,
        "RetireGrant" => grants::retire,
        "RevokeGrant" => grants::revoke,
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
        input: Input::new(input, call::refuse_input),
    })
}
