//! The accounts: the export's own, with the S3 canonical user id its ACLs name
//! (`s3/list-buckets.json` `Owner.ID`), and every account of its organization
//! (`organizations/accounts.json`) under its name and e-mail address. No account gets
//! credentials: diagnostics name principals by ARN.

use serde::Deserialize;
use serde_json::Value;

use super::context::Import;
use super::error::ImportError;
use super::manifest::is_account_id;

const SECTION: &str = "accounts";

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct Listing {
    #[serde(default)]
    accounts: Vec<Member>,
}

/// An account of `organizations/accounts.json`.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Member {
    pub id: String,
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub email: Option<String>,
    #[serde(default)]
    pub status: Option<String>,
    #[serde(default)]
    pub joined_method: Option<String>,
    #[serde(default)]
    pub joined_timestamp: Option<Value>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct Buckets {
    owner: Option<Owner>,
}

#[derive(Deserialize)]
struct Owner {
    #[serde(rename = "ID")]
    id: Option<String>,
}

/// Creates the accounts; answers the organization's (those that were created).
pub fn import(cx: &mut Import) -> Result<Vec<Member>, ImportError> {
    let listed: Vec<Member> = cx
        .read::<Listing>(SECTION, "organizations/accounts.json")
        .map(|l| l.accounts)
        .unwrap_or_default();
    let listed = cx.capped(SECTION, "accounts", listed);
    let own = cx.account().to_string();
    let mine = listed.iter().find(|m| m.id == own);
    let name = mine
        .and_then(|m| m.name.clone())
        .unwrap_or_else(|| own.clone());
    let email = mine.and_then(|m| m.email.clone()).filter(|e| !e.is_empty());
    cx.store.create_account(&own, &name, email.as_deref())?;
    cx.report.count(SECTION, "accounts");
    adopt_canonical_id(cx)?;
    let mut members = Vec::new();
    for m in listed {
        if m.id == own {
            members.push(m);
            continue;
        }
        if !is_account_id(&m.id) {
            cx.report.refuse(
                SECTION,
                format!("account {:?}", m.id),
                "not a 12-digit account id",
            );
            continue;
        }
        let name = m
            .name
            .clone()
            .filter(|n| !n.is_empty())
            .unwrap_or_else(|| m.id.clone());
        let email = m.email.clone().filter(|e| !e.is_empty());
        match cx.stored(cx.store.create_account(&m.id, &name, email.as_deref()))? {
            Ok(_) => {
                cx.report.count(SECTION, "accounts");
                members.push(m);
            }
            Err(why) => cx.report.refuse(SECTION, format!("account {}", m.id), why),
        }
    }
    Ok(members)
}

/// The canonical id list-buckets names as the owner; the account keeps a new one when the
/// export has none (then no ACL grant to it can be matched: the report says why).
fn adopt_canonical_id(cx: &mut Import) -> Result<(), ImportError> {
    let Some(id) = cx
        .read::<Buckets>(SECTION, "s3/list-buckets.json")
        .and_then(|b| b.owner)
        .and_then(|o| o.id)
    else {
        return Ok(());
    };
    let account = cx.account().to_string();
    if id.len() != 64 || !id.bytes().all(|b| b.is_ascii_hexdigit()) {
        cx.report.approximate(
            SECTION,
            format!("account {account}"),
            format!("its canonical user id {id:?} is not 64 hex digits; it was given a new one, which its ACL grants do not name"),
        );
        return Ok(());
    }
    if let Err(why) = cx.stored(cx.store.adopt_canonical_id(&account, &id))? {
        cx.report.approximate(
            SECTION,
            format!("account {account}"),
            format!("its canonical user id was not kept: {why}"),
        );
    }
    Ok(())
}
