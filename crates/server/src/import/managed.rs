//! IAM managed policies (`Policies[]` of account-authorization-details): customer managed
//! ones and the AWS managed ones in use, each with every exported version, its version ids and
//! default version, and its policy id. Then the AWS managed policies every data directory has
//! that the export did not carry (as `gatehouse serve` adds them).

use policy::PolicyType;
use serde::Deserialize;
use serde_json::Value;

use super::context::Import;
use super::error::ImportError;
use super::exported::{document_text, is_unique_id};
use crate::api::iam::documents::check_document;
use crate::api::query::params::{check, Shape};

const SECTION: &str = "iam";

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Exported {
    policy_name: String,
    policy_id: String,
    arn: String,
    #[serde(default = "root_path")]
    path: String,
    default_version_id: String,
    #[serde(default)]
    description: Option<String>,
    #[serde(default)]
    policy_version_list: Vec<Version>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct Version {
    version_id: String,
    document: Value,
}

fn root_path() -> String {
    "/".into()
}

fn version_number(id: &str) -> Option<u32> {
    id.strip_prefix('v')?.parse().ok().filter(|n| *n > 0)
}

pub fn import(cx: &mut Import, policies: Vec<Exported>) -> Result<(), ImportError> {
    for p in policies {
        import_one(cx, p)?;
    }
    crate::api::iam::aws_managed::ensure(cx.store)?;
    Ok(())
}

/// A document as IAM checks it when saved; AWS managed policies have no size limit (their
/// text is AWS's, and some are larger than any customer policy may be).
fn checked(text: &str, aws_managed: bool) -> Result<(), String> {
    if aws_managed {
        policy::json::parse(text)
            .map_err(policy::PolicyError::from)
            .and_then(|json| policy::validate_json(&json, PolicyType::Managed))
            .map(|_| ())
            .map_err(|e| e.first().to_string())
    } else {
        check_document(text, PolicyType::Managed).map_err(|e| e.message)
    }
}

fn import_one(cx: &mut Import, p: Exported) -> Result<(), ImportError> {
    let what = format!("managed policy {}", p.arn);
    let aws_managed = p.arn.starts_with("arn:aws:iam::aws:policy/");
    let owner = (!aws_managed).then(|| cx.account().to_string());
    if let Err(e) = check("PolicyName", &p.policy_name, Shape::Name { max: 128 })
        .and_then(|_| check("Path", &p.path, Shape::Path))
    {
        cx.report.refuse(SECTION, what, e.message);
        return Ok(());
    }
    let arn = format!(
        "arn:aws:iam::{}:policy{}{}",
        owner.as_deref().unwrap_or("aws"),
        p.path,
        p.policy_name
    );
    if !cx.arn_is(SECTION, &what, &arn, &p.arn) {
        return Ok(());
    }
    let mut versions = Vec::new();
    for v in cx.capped(SECTION, "policy versions", p.policy_version_list) {
        let text = document_text(&v.document);
        let fault = match version_number(&v.version_id) {
            None => Some(format!("{:?} is not a version id", v.version_id)),
            Some(_) => checked(&text, aws_managed).err(),
        };
        match fault {
            None => versions.push((v.version_id, text)),
            Some(why) if v.version_id == p.default_version_id => {
                cx.report.refuse(
                    SECTION,
                    what,
                    format!("its default version {}: {why}", v.version_id),
                );
                return Ok(());
            }
            Some(why) => cx
                .report
                .refuse(SECTION, format!("{what} version {}", v.version_id), why),
        }
    }
    versions.sort_by_key(|(id, _)| version_number(id));
    if !versions.iter().any(|(id, _)| *id == p.default_version_id) {
        cx.report.refuse(
            SECTION,
            what,
            format!(
                "its default version {} is not in the export",
                p.default_version_id
            ),
        );
        return Ok(());
    }
    let Some(((first_id, first), rest)) = versions.split_first() else {
        return Ok(());
    };
    let store = cx.store;
    let created = store.create_managed_policy(
        owner.as_deref(),
        &p.policy_name,
        &p.path,
        p.description.as_deref(),
        first,
        &[],
    );
    if let Err(why) = cx.stored(created)? {
        cx.report.refuse(SECTION, what, why);
        return Ok(());
    }
    let mut renamed = vec![("v1".to_string(), first_id.clone())];
    for (id, text) in rest {
        match cx.stored(store.create_policy_version(&arn, text, false))? {
            Ok(made) => renamed.push((made.version_id, id.clone())),
            Err(why) => cx
                .report
                .refuse(SECTION, format!("{what} version {id}"), why),
        }
    }
    cx.report.count(
        SECTION,
        if aws_managed {
            "AWS managed policies"
        } else {
            "customer managed policies"
        },
    );
    cx.report.add(SECTION, "policy versions", renamed.len());
    let default = &p.default_version_id;
    let policy_id = Some(p.policy_id.as_str()).filter(|id| is_unique_id(id));
    let kept = match policy_id {
        Some(id) => cx.stored(store.adopt_policy_ids(&arn, id, &renamed, default))?,
        None => Err(format!("{:?} is not an IAM unique id", p.policy_id)),
    };
    if let Err(why) = kept {
        // The versions keep the ids the store gave them; the default is the exported one's.
        let current = renamed.iter().find(|(_, exported)| exported == default);
        if let Some((now, _)) = current {
            if let Err(e) = cx.stored(store.set_default_policy_version(&arn, now))? {
                cx.report
                    .refuse(SECTION, format!("{what} default version"), e);
            }
        }
        cx.report.approximate(SECTION, what, format!("its policy id and version ids were not kept ({why}); they are Gatehouse's own here"));
    }
    Ok(())
}
