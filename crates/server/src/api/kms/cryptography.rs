//! The cryptographic operations: Encrypt, Decrypt, ReEncrypt, GenerateDataKey and
//! GenerateDataKeyWithoutPlaintext, each authorized on its key with the request's encryption
//! context as `kms:EncryptionContext:*` keys.

use base64::Engine;
use serde_json::{json, Value};

use super::call::{not_found, Call};
use crate::api::json::error::JsonError;
use crate::kms::crypto::{key_id_of, CryptoError};
use crate::kms::lookup::Reach;
use crate::kms::Key;

/// At most 4,096 bytes of plaintext [KMS Encrypt, Plaintext].
const MAX_PLAINTEXT: usize = 4096;

fn b64(bytes: &[u8]) -> String {
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

fn algorithm(call: &Call, name: &str) -> Result<(), JsonError> {
    match call.input.optional(name)? {
        None | Some("SYMMETRIC_DEFAULT") => Ok(()),
        Some(other) => Err(JsonError::new(
            "InvalidKeyUsageException",
            format!("{other} is not valid for a symmetric key."),
        )),
    }
}

fn invalid_ciphertext() -> JsonError {
    JsonError::new("InvalidCiphertextException", "")
}

fn crypto_error(e: CryptoError) -> JsonError {
    match e {
        CryptoError::InvalidCiphertext => invalid_ciphertext(),
        other => {
            eprintln!("gatehouse: {other}");
            JsonError::internal()
        }
    }
}

pub fn encrypt(call: &Call) -> Result<Value, JsonError> {
    let plaintext = call
        .input
        .blob("Plaintext")?
        .ok_or_else(|| JsonError::new("ValidationException", "Plaintext is required."))?;
    if plaintext.is_empty() || plaintext.len() > MAX_PLAINTEXT {
        return Err(JsonError::new(
            "ValidationException",
            "1 validation error detected: Value at 'plaintext' failed to satisfy constraint: Member must have length less than or equal to 4096",
        ));
    }
    algorithm(call, "EncryptionAlgorithm")?;
    let context = call.input.string_map("EncryptionContext")?;
    let key = call.key(Reach::AnyAccount)?;
    call.authorize_key("Encrypt", &key, &context)?;
    let sealed = call.material(&key)?.encrypt(&plaintext, &context);
    Ok(json!({
        "CiphertextBlob": b64(&sealed),
        "KeyId": key.arn(),
        "EncryptionAlgorithm": "SYMMETRIC_DEFAULT",
    }))
}

/// The key a ciphertext names, checked against a `KeyId` the request gives.
fn key_of(call: &Call, ciphertext: &[u8], key_param: &str) -> Result<Key, JsonError> {
    let id = key_id_of(ciphertext).ok_or_else(invalid_ciphertext)?;
    let key = call
        .key_by_id(id)?
        .ok_or_else(|| not_found(format!("Key '{id}' does not exist")))?;
    if let Some(named) = call.input.optional(key_param)? {
        let named = call.resolve(named, Reach::AnyAccount)?;
        if named.id != key.id {
            return Err(JsonError::new(
                "IncorrectKeyException",
                "The key ID in the request does not identify a CMK that can perform this operation.",
            ));
        }
    }
    Ok(key)
}

pub fn decrypt(call: &Call) -> Result<Value, JsonError> {
    let ciphertext = call
        .input
        .blob("CiphertextBlob")?
        .ok_or_else(|| JsonError::new("ValidationException", "CiphertextBlob is required."))?;
    algorithm(call, "EncryptionAlgorithm")?;
    let context = call.input.string_map("EncryptionContext")?;
    let key = key_of(call, &ciphertext, "KeyId")?;
    call.authorize_key("Decrypt", &key, &context)?;
    let plaintext = call
        .material(&key)?
        .decrypt(&ciphertext, &context)
        .map_err(crypto_error)?;
    Ok(json!({
        "KeyId": key.arn(),
        "Plaintext": b64(&plaintext),
        "EncryptionAlgorithm": "SYMMETRIC_DEFAULT",
    }))
}

/// ReEncrypt needs `kms:ReEncryptFrom` on the source key and `kms:ReEncryptTo` on the
/// destination [KMS ReEncrypt].
pub fn re_encrypt(call: &Call) -> Result<Value, JsonError> {
    let ciphertext = call
        .input
        .blob("CiphertextBlob")?
        .ok_or_else(|| JsonError::new("ValidationException", "CiphertextBlob is required."))?;
    algorithm(call, "SourceEncryptionAlgorithm")?;
    algorithm(call, "DestinationEncryptionAlgorithm")?;
    let source_context = call.input.string_map("SourceEncryptionContext")?;
    let destination_context = call.input.string_map("DestinationEncryptionContext")?;
    let source = key_of(call, &ciphertext, "SourceKeyId")?;
    let destination = call.resolve(call.input.string("DestinationKeyId")?, Reach::AnyAccount)?;
    call.authorize_key("ReEncryptFrom", &source, &source_context)?;
    call.authorize_key("ReEncryptTo", &destination, &destination_context)?;
    let plaintext = call
        .material(&source)?
        .decrypt(&ciphertext, &source_context)
        .map_err(crypto_error)?;
    let sealed = call
        .material(&destination)?
        .encrypt(&plaintext, &destination_context);
    Ok(json!({
        "CiphertextBlob": b64(&sealed),
        "SourceKeyId": source.arn(),
        "KeyId": destination.arn(),
        "SourceEncryptionAlgorithm": "SYMMETRIC_DEFAULT",
        "DestinationEncryptionAlgorithm": "SYMMETRIC_DEFAULT",
    }))
}

/// `KeySpec` (AES_256, AES_128) or `NumberOfBytes` (1 to 1,024), not both [KMS
/// GenerateDataKey].
fn data_key_length(call: &Call) -> Result<usize, JsonError> {
    let spec = call.input.optional("KeySpec")?;
    let bytes = call.input.int("NumberOfBytes")?;
    match (spec, bytes) {
        (Some("AES_256"), None) => Ok(32),
        (Some("AES_128"), None) => Ok(16),
        (None, Some(n)) if (1..=1024).contains(&n) => Ok(n as usize),
        (None, None) => Err(JsonError::new(
            "ValidationException",
            "Please specify either number of bytes or key spec.",
        )),
        _ => Err(JsonError::new(
            "ValidationException",
            "KeySpec is AES_256 or AES_128, NumberOfBytes 1 to 1024, and only one of them.",
        )),
    }
}

fn generate(call: &Call, action: &str, with_plaintext: bool) -> Result<Value, JsonError> {
    let length = data_key_length(call)?;
    let context = call.input.string_map("EncryptionContext")?;
    let key = call.key(Reach::AnyAccount)?;
    call.authorize_key(action, &key, &context)?;
    let mut plaintext = vec![0u8; length];
    getrandom::fill(&mut plaintext).expect("the operating system's random source works");
    let sealed = call.material(&key)?.encrypt(&plaintext, &context);
    let mut answer = json!({"CiphertextBlob": b64(&sealed), "KeyId": key.arn()});
    if with_plaintext {
        answer["Plaintext"] = json!(b64(&plaintext));
    }
    Ok(answer)
}

pub fn generate_data_key(call: &Call) -> Result<Value, JsonError> {
    generate(call, "GenerateDataKey", true)
}

pub fn generate_data_key_without_plaintext(call: &Call) -> Result<Value, JsonError> {
    generate(call, "GenerateDataKeyWithoutPlaintext", false)
}
