//! IAM's exported forms: documents as the aws CLI prints them, and unique ids.

use serde_json::Value;

/// A policy document as the CLI printed it: an object (the CLI decodes IAM's URL-encoded
/// documents), or its text.
pub fn document_text(document: &Value) -> String {
    match document {
        Value::String(text) => text.clone(),
        other => other.to_string(),
    }
}

/// IAM's unique ids: `AIDA...`, `AROA...`, `AGPA...`, `ANPA...`, 16 to 128 upper-case letters
/// and digits [IAM `reference_identifiers`, unique ids; API `idType`].
pub fn is_unique_id(id: &str) -> bool {
    (16..=128).contains(&id.len())
        && id
            .bytes()
            .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit())
}
