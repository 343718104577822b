//! An organization's tree: its OUs and every account's place, walked breadth-first from the
//! root through the `ous/PARENT.json` and `children/PARENT.json` files, as the export walked
//! it.

use std::collections::{HashSet, VecDeque};

use serde::Deserialize;

use super::accounts::Member as Listed;
use super::context::Import;
use super::error::ImportError;
use super::files::{id_of, MAX_ITEMS};
use super::manifest::is_account_id;
use crate::organization::{Member, Organization, Unit};

const SECTION: &str = "organizations";

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct Units {
    #[serde(default)]
    organizational_units: Vec<Named>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct Named {
    id: String,
    #[serde(default)]
    name: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct Children {
    #[serde(default)]
    children: Vec<Named>,
}

/// The OUs and accounts, breadth-first from the root; an account of `accounts.json` whose
/// place the export does not show is put under the root, and said so.
pub fn place(
    cx: &mut Import,
    org: &mut Organization,
    listed: &[Listed],
) -> Result<(), ImportError> {
    let mut seen: HashSet<String> = HashSet::from([org.root_id.clone()]);
    let mut queue = VecDeque::from([org.root_id.clone()]);
    while let Some(parent) = queue.pop_front() {
        let units = cx.read::<Units>(SECTION, &format!("organizations/ous/{parent}.json"));
        for unit in units.map(|u| u.organizational_units).unwrap_or_default() {
            match id_of(&unit.id, "ou-") {
                Ok(id) if seen.len() < MAX_ITEMS && seen.insert(id.to_string()) => {
                    org.units.push(Unit {
                        id: id.to_string(),
                        name: unit.name,
                        parent: parent.clone(),
                    });
                    queue.push_back(id.to_string());
                }
                Ok(id) => cx.report.refuse(
                    SECTION,
                    format!("OU {id}"),
                    "listed twice, or past the limit of the tree",
                ),
                Err(why) => cx.report.refuse(SECTION, "an OU", why),
            }
        }
        let children =
            cx.read::<Children>(SECTION, &format!("organizations/children/{parent}.json"));
        for child in children.map(|c| c.children).unwrap_or_default() {
            if !is_account_id(&child.id) {
                cx.report.refuse(
                    SECTION,
                    format!("account {:?}", child.id),
                    "not an account id",
                );
            } else if seen.len() >= MAX_ITEMS || !seen.insert(child.id.clone()) {
                cx.report.refuse(
                    SECTION,
                    format!("account {}", child.id),
                    "listed twice, or past the limit of the tree",
                );
            } else {
                admit(cx, org, listed, &child.id, &parent)?;
            }
        }
    }
    let root = org.root_id.clone();
    for m in listed {
        if org.member(&m.id).is_none() {
            cx.report.approximate(SECTION, format!("account {}", m.id), "its place in the tree is not in the export; it was put under the root, so SCPs and RCPs of the OUs above it in production are missing");
            admit(cx, org, listed, &m.id, &root)?;
        }
    }
    Ok(())
}

/// A member under `parent`, as accounts.json describes it (created here if only the tree
/// names it).
fn admit(
    cx: &mut Import,
    org: &mut Organization,
    listed: &[Listed],
    id: &str,
    parent: &str,
) -> Result<(), ImportError> {
    let about = listed.iter().find(|m| m.id == id);
    if about.is_none() && cx.store.account(id)?.is_none() {
        cx.store.create_account(id, id, None)?;
        cx.report.count("accounts", "accounts");
    }
    if let Some(status) = about
        .and_then(|m| m.status.as_deref())
        .filter(|s| *s != "ACTIVE")
    {
        cx.report.approximate(
            SECTION,
            format!("account {id}"),
            format!("its status is {status}; imported as an active member"),
        );
    }
    org.accounts.push(Member {
        id: id.to_string(),
        parent: parent.to_string(),
        joined_method: about
            .and_then(|m| m.joined_method.clone())
            .unwrap_or_else(|| "INVITED".into()),
        joined_secs: about
            .and_then(|m| m.joined_timestamp.as_ref())
            .and_then(super::time::seconds)
            .unwrap_or(0),
    });
    Ok(())
}
