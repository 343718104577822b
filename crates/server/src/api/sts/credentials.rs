//! The `<Credentials>` element of AssumeRole's and GetSessionToken's answers.

use crate::api::query::xml::Xml;

pub fn credentials_xml(out: &mut Xml, key: &store::AccessKey) {
    out.open("Credentials")
        .el("AccessKeyId", &key.access_key_id)
        .el("SecretAccessKey", &key.secret)
        .el(
            "SessionToken",
            key.session_token.as_deref().unwrap_or_default(),
        )
        .el(
            "Expiration",
            &audit::clock::iso8601((key.expires_ms.unwrap_or(0) / 1000) as u64),
        )
        .close("Credentials");
}
