//! The IAM directory on a real temporary directory: users, roles and groups with IAM's ids,
//! ARNs and name rules; what must go before an entity can; access keys, inline and managed
//! policies with their versions, tags and sessions; what the engine reads of a caller
//! (`identity_inputs`); and the upgrade of a version-1 database.

use std::path::Path;

use store::*;

const ALPHA: &str = "111122223333";
const BETA: &str = "444455556666";

const DOC_A: &str = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}"#;
const DOC_B: &str = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:PutObject","Resource":"*"}]}"#;
const DOC_C: &str =
    r#"{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"s3:*","Resource":"*"}]}"#;
const TRUST: &str = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:root"},"Action":"sts:AssumeRole"}]}"#;

fn open(dir: &Path) -> Store {
    let store = Store::open(dir).unwrap();
    if store.account(ALPHA).unwrap().is_none() {
        store
            .create_account(ALPHA, "alpha", Some("alpha@example.com"))
            .unwrap();
        store.create_account(BETA, "beta", None).unwrap();
    }
    store
}

fn new_entity<'a>(
    account_id: &'a str,
    kind: EntityKind,
    name: &'a str,
    path: &'a str,
    tags: &'a [(String, String)],
) -> NewEntity<'a> {
    NewEntity {
        account_id,
        kind,
        name,
        path,
        description: None,
        trust_policy: (kind == EntityKind::Role).then_some(TRUST),
        trust_bindings: &[],
        max_session_s: None,
        boundary_arn: None,
        tags,
    }
}

fn create(store: &Store, account: &str, kind: EntityKind, name: &str, path: &str) -> Entity {
    store
        .create_entity(&new_entity(account, kind, name, path, &[]))
        .unwrap()
}

fn tag(k: &str, v: &str) -> (String, String) {
    (k.to_string(), v.to_string())
}

fn policy(store: &Store, account: Option<&str>, name: &str, document: &str) -> ManagedPolicy {
    store
        .create_managed_policy(account, name, "/", None, document, &[])
        .unwrap()
}

fn names(entities: &[Entity]) -> Vec<&str> {
    entities.iter().map(|e| e.name.as_str()).collect()
}

fn versions(store: &Store, arn: &str) -> Vec<String> {
    store
        .policy_versions(arn)
        .unwrap()
        .into_iter()
        .map(|v| v.version_id)
        .collect()
}

/// `AIDA`, `AROA`, `AGPA`, `ANPA`: the prefix and 17 more upper-case letters and digits.
fn assert_unique_id(id: &str, prefix: &str) {
    assert_eq!(id.len(), 21, "{id}");
    assert!(id.starts_with(prefix), "{id}");
    assert!(
        id.chars()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit()),
        "{id}"
    );
}

fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_millis() as i64
}

#[test]
fn users_roles_and_groups_get_iam_ids_and_arns() {
    let dir = tempfile::tempdir().unwrap();
    let store = open(dir.path());
    let tags = [tag("team", "eng")];
    let user = store
        .create_entity(&new_entity(
            ALPHA,
            EntityKind::User,
            "Alice",
            "/eng/",
            &tags,
        ))
        .unwrap();
    assert_unique_id(&user.id, "AIDA");
    assert_eq!(user.arn, format!("arn:aws:iam::{ALPHA}:user/eng/Alice"));
    assert_eq!(
        (user.kind, user.name.as_str(), user.path.as_str()),
        (EntityKind::User, "Alice", "/eng/")
    );
    assert_eq!(user.account_id, ALPHA);
    assert_eq!(store.tags(&user.id).unwrap(), tags);

    let role = store
        .create_entity(&NewEntity {
            description: Some("reads reports"),
            max_session_s: Some(7200),
            ..new_entity(ALPHA, EntityKind::Role, "Reader", "/", &[])
        })
        .unwrap();
    assert_unique_id(&role.id, "AROA");
    assert_eq!(role.arn, format!("arn:aws:iam::{ALPHA}:role/Reader"));
    assert_eq!(role.trust_policy.as_deref(), Some(TRUST));
    assert_eq!(
        store
            .policy_document(role.trust_digest.as_deref().unwrap())
            .unwrap()
            .as_deref(),
        Some(TRUST)
    );
    assert_eq!(role.description.as_deref(), Some("reads reports"));
    assert_eq!(role.max_session_s, Some(7200));

    let group = create(&store, ALPHA, EntityKind::Group, "Devs", "/teams/");
    assert_unique_id(&group.id, "AGPA");
    assert_eq!(group.arn, format!("arn:aws:iam::{ALPHA}:group/teams/Devs"));
    assert_ne!(user.id, group.id);

    // Looked up by name without regard to case, by ARN and by id.
    assert_eq!(
        store.entity(ALPHA, EntityKind::User, "alice").unwrap(),
        user
    );
    assert_eq!(store.entity_by_arn(&role.arn).unwrap(), Some(role.clone()));
    assert_eq!(store.entity_by_id(&group.id).unwrap(), Some(group));
    assert_eq!(
        store
            .entity_by_arn(&format!("arn:aws:iam::{ALPHA}:user/Alice"))
            .unwrap(),
        None
    );
    assert!(matches!(
        store.entity(ALPHA, EntityKind::Role, "Alice"),
        Err(StoreError::NoSuchEntity(_))
    ));
    assert!(matches!(
        store.entity(BETA, EntityKind::User, "Alice"),
        Err(StoreError::NoSuchEntity(_))
    ));
}

#[test]
fn names_are_unique_in_an_account_and_kind_without_regard_to_case() {
    let dir = tempfile::tempdir().unwrap();
    let store = open(dir.path());
    for kind in [EntityKind::User, EntityKind::Role, EntityKind::Group] {
        create(&store, ALPHA, kind, "Alice", "/");
        assert!(matches!(
            store.create_entity(&new_entity(ALPHA, kind, "ALICE", "/other/", &[])),
            Err(StoreError::EntityAlreadyExists(_))
        ));
        assert_eq!(store.entities(ALPHA, kind, "/").unwrap().len(), 1);
        // Another account may use the name.
        create(&store, BETA, kind, "alice", "/");
    }
}

#[test]
fn entities_list_by_path_prefix_in_name_order() {
    let dir = tempfile::tempdir().unwrap();
    let store = open(dir.path());
    create(&store, ALPHA, EntityKind::User, "carol", "/eng/team/");
    create(&store, ALPHA, EntityKind::User, "Bob", "/eng/");
    create(&store, ALPHA, EntityKind::User, "alice", "/");
    create(&store, ALPHA, EntityKind::User, "dave", "/ops/");
    create(&store, ALPHA, EntityKind::Group, "engineers", "/eng/");
    create(&store, BETA, EntityKind::User, "erin", "/eng/");

    let list = |prefix| store.entities(ALPHA, EntityKind::User, prefix).unwrap();
    assert_eq!(names(&list("/")), ["alice", "Bob", "carol", "dave"]);
    assert_eq!(names(&list("/eng/")), ["Bob", "carol"]);
    assert_eq!(names(&list("/eng/team/")), ["carol"]);
    assert_eq!(names(&list("/ops/")), ["dave"]);
    assert!(list("/nobody/").is_empty());
    assert_eq!(
        names(&store.entities(ALPHA, EntityKind::Group, "/").unwrap()),
        ["engineers"]
    );
}

#[test]
fn update_renames_and_moves_and_the_users_keys_follow_the_new_arn() {
    let dir = tempfile::tempdir().unwrap();
    let store = open(dir.path());
    let old = create(&store, ALPHA, EntityKind::User, "alice", "/");
    create(&store, ALPHA, EntityKind::User, "bob", "/");
    let key = store.create_user_key(ALPHA, "alice").unwrap();
    // Read once so the key is cached: the update must not leave a stale copy behind.
    assert_eq!(
        store
            .access_key(&key.access_key_id)
            .unwrap()
            .unwrap()
            .principal_arn,
        old.arn
    );

    let update = EntityUpdate {
        new_name: Some("Alicia"),
        new_path: Some("/eng/"),
        ..Default::default()
    };
    let new = store
        .update_entity(ALPHA, EntityKind::User, "ALICE", &update)
        .unwrap();
    assert_eq!(new.id, old.id);
    assert_eq!(new.arn, format!("arn:aws:iam::{ALPHA}:user/eng/Alicia"));
    assert_eq!((new.name.as_str(), new.path.as_str()), ("Alicia", "/eng/"));
    assert_eq!(
        store
            .access_key(&key.access_key_id)
            .unwrap()
            .unwrap()
            .principal_arn,
        new.arn
    );
    assert_eq!(store.user_keys(ALPHA, "alicia").unwrap().len(), 1);
    assert_eq!(store.entity_by_arn(&old.arn).unwrap(), None);
    assert_eq!(store.entity_by_arn(&new.arn).unwrap(), Some(new.clone()));
    assert!(matches!(
        store.entity(ALPHA, EntityKind::User, "alice"),
        Err(StoreError::NoSuchEntity(_))
    ));

    // The new name may not be another's, without regard to case; a change of case is fine.
    let clash = EntityUpdate {
        new_name: Some("BOB"),
        ..Default::default()
    };
    assert!(matches!(
        store.update_entity(ALPHA, EntityKind::User, "alicia", &clash),
        Err(StoreError::EntityAlreadyExists(_))
    ));
    let recase = EntityUpdate {
        new_name: Some("ALICIA"),
        ..Default::default()
    };
    let recased = store
        .update_entity(ALPHA, EntityKind::User, "alicia", &recase)
        .unwrap();
    assert_eq!(recased.arn, format!("arn:aws:iam::{ALPHA}:user/eng/ALICIA"));
    assert_eq!(recased.path, "/eng/");

    // A role's description and session duration change; what is not given stays.
    create(&store, ALPHA, EntityKind::Role, "Reader", "/");
    let role = store
        .update_entity(
            ALPHA,
            EntityKind::Role,
            "Reader",
            &EntityUpdate {
                description: Some("now documented"),
                max_session_s: Some(43200),
                ..Default::default()
            },
        )
        .unwrap();
    assert_eq!(role.description.as_deref(), Some("now documented"));
    assert_eq!(role.max_session_s, Some(43200));
    assert_eq!(role.trust_policy.as_deref(), Some(TRUST));
    assert_eq!(role.arn, format!("arn:aws:iam::{ALPHA}:role/Reader"));
}

#[test]
fn a_rename_onto_a_taken_name_is_refused_in_the_kinds_own_words() {
    let dir = tempfile::tempdir().unwrap();
    let store = open(dir.path());
    for (kind, noun) in [
        (EntityKind::User, "User"),
        (EntityKind::Role, "Role"),
        (EntityKind::Group, "Group"),
    ] {
        create(&store, ALPHA, kind, "one", "/");
        create(&store, ALPHA, kind, "two", "/");
        let update = EntityUpdate {
            new_name: Some("Two"),
            ..Default::default()
        };
        match store.update_entity(ALPHA, kind, "one", &update) {
            Err(StoreError::EntityAlreadyExists(message)) => {
                assert_eq!(message, format!("{noun} with name Two already exists."))
            }
            other => panic!("{other:?}"),
        }
    }
}

#[test]
fn a_renamed_users_sessions_keep_their_policies() {
    let dir = tempfile::tempdir().unwrap();
    let store = open(dir.path());
    let user = create(&store, ALPHA, EntityKind::User, "alice", "/");
    store
        .put_inline_policy(ALPHA, EntityKind::User, "alice", "read", DOC_A)
        .unwrap();
    // GetSessionToken: the session's principal and source are the user.
    let key = store
        .create_session(&NewSession {
            account_id: ALPHA,
            principal_arn: &user.arn,
            source_arn: &user.arn,
            source_id: Some(&user.id),
            session_name: None,
            source_identity: None,
            policy: None,
            policy_arns: &[],
            tags: &[],
            expires_ms: now_ms() + 3_600_000,
        })
        .unwrap();
    let update = EntityUpdate {
        new_name: Some("alicia"),
        ..Default::default()
    };
    let renamed = store
        .update_entity(ALPHA, EntityKind::User, "alice", &update)
        .unwrap();
    let key = store.access_key(&key.access_key_id).unwrap().unwrap();
    assert_eq!(key.principal_arn, renamed.arn);
    let inputs = store.identity_inputs(&key).unwrap();
    assert_eq!(inputs.entity.map(|e| e.id), Some(user.id));
    assert_eq!(inputs.identity.len(), 1);
    assert_eq!(
        inputs.identity[0].id,
        format!("{}#inline/read", renamed.arn)
    );
}

#[test]
fn a_user_with_anything_attached_cannot_be_deleted() {
    let dir = tempfile::tempdir().unwrap();
    let store = open(dir.path());
    let user = store
        .create_entity(&new_entity(
            ALPHA,
            EntityKind::User,
            "bob",
            "/",
            &[tag("a", "b")],
        ))
        .unwrap();
    create(&store, ALPHA, EntityKind::Group, "devs", "/");
    let managed = policy(&store, Some(ALPHA), "Read", DOC_A);
    let conflict = |store: &Store| {
        matches!(
            store.delete_entity(ALPHA, EntityKind::User, "bob"),
            Err(StoreError::DeleteConflict(_))
        )
    };

    // Each on its own blocks the deletion.
    let key = store.create_user_key(ALPHA, "bob").unwrap();
    assert!(conflict(&store), "an access key");
    store
        .delete_user_key(ALPHA, "bob", &key.access_key_id)
        .unwrap();
    store
        .put_inline_policy(ALPHA, EntityKind::User, "bob", "p", DOC_A)
        .unwrap();
    assert!(conflict(&store), "an inline policy");
    store
        .delete_inline_policy(ALPHA, EntityKind::User, "bob", "p")
        .unwrap();
    store
        .attach_policy(ALPHA, EntityKind::User, "bob", &managed.arn)
        .unwrap();
    assert!(conflict(&store), "an attached policy");
    store
        .detach_policy(ALPHA, EntityKind::User, "bob", &managed.arn)
        .unwrap();
    store.add_user_to_group(ALPHA, "devs", "bob").unwrap();
    assert!(conflict(&store), "a group membership");
    store.remove_user_from_group(ALPHA, "devs", "bob").unwrap();

    // All together, removed one at a time: refused until the last goes.
    let key = store.create_user_key(ALPHA, "bob").unwrap();
    store
        .put_inline_policy(ALPHA, EntityKind::User, "bob", "p", DOC_A)
        .unwrap();
    store
        .attach_policy(ALPHA, EntityKind::User, "bob", &managed.arn)
        .unwrap();
    store.add_user_to_group(ALPHA, "devs", "bob").unwrap();
    assert!(conflict(&store));
    store
        .delete_user_key(ALPHA, "bob", &key.access_key_id)
        .unwrap();
    assert!(conflict(&store));
    store
        .delete_inline_policy(ALPHA, EntityKind::User, "bob", "p")
        .unwrap();
    assert!(conflict(&store));
    store
        .detach_policy(ALPHA, EntityKind::User, "bob", &managed.arn)
        .unwrap();
    assert!(conflict(&store));
    store.remove_user_from_group(ALPHA, "devs", "bob").unwrap();
    store.delete_entity(ALPHA, EntityKind::User, "bob").unwrap();

    assert!(matches!(
        store.entity(ALPHA, EntityKind::User, "bob"),
        Err(StoreError::NoSuchEntity(_))
    ));
    assert_eq!(store.entity_by_id(&user.id).unwrap(), None);
    assert!(store.tags(&user.id).unwrap().is_empty());
    assert!(matches!(
        store.delete_entity(ALPHA, EntityKind::User, "bob"),
        Err(StoreError::NoSuchEntity(_))
    ));
    // The name is free again.
    create(&store, ALPHA, EntityKind::User, "bob", "/");
}

#[test]
fn a_group_with_members_cannot_be_deleted() {
    let dir = tempfile::tempdir().unwrap();
    let store = open(dir.path());
    let group = create(&store, ALPHA, EntityKind::Group, "devs", "/");
    let user = create(&store, ALPHA, EntityKind::User, "alice", "/");
    store.add_user_to_group(ALPHA, "DEVS", "Alice").unwrap();
    assert_eq!(names(&store.members_of(&group.id).unwrap()), ["alice"]);
    assert_eq!(names(&store.groups_of(&user.id).unwrap()), ["devs"]);
    assert!(matches!(
        store.delete_entity(ALPHA, EntityKind::Group, "devs"),
        Err(StoreError::DeleteConflict(_))
    ));
    store
        .remove_user_from_group(ALPHA, "devs", "alice")
        .unwrap();
    assert!(matches!(
        store.remove_user_from_group(ALPHA, "devs", "alice"),
        Err(StoreError::NoSuchEntity(_))
    ));
    store
        .delete_entity(ALPHA, EntityKind::Group, "devs")
        .unwrap();
    assert!(store.groups_of(&user.id).unwrap().is_empty());
    // The user is untouched.
    store
        .delete_entity(ALPHA, EntityKind::User, "alice")
        .unwrap();
}

#[test]
fn a_user_is_in_at_most_ten_groups() {
    let dir = tempfile::tempdir().unwrap();
    let store = open(dir.path());
    let user = create(&store, ALPHA, EntityKind::User, "alice", "/");
    for i in 0..11 {
        create(&store, ALPHA, EntityKind::Group, &format!("g{i:02}"), "/");
    }
    for i in 0..10 {
        store
            .add_user_to_group(ALPHA, &format!("g{i:02}"), "alice")
            .unwrap();
    }
    // Adding again is no change.
    store.add_user_to_group(ALPHA, "g00", "alice").unwrap();
    assert!(matches!(
        store.add_user_to_group(ALPHA, "g10", "alice"),
        Err(StoreError::LimitExceeded(_))
    ));
    assert_eq!(store.groups_of(&user.id).unwrap().len(), 10);
}

#[test]
fn a_user_has_at_most_two_access_keys() {
    let dir = tempfile::tempdir().unwrap();
    let store = open(dir.path());
    let user = create(&store, ALPHA, EntityKind::User, "alice", "/");
    create(&store, ALPHA, EntityKind::User, "bob", "/");
    create(&store, BETA, EntityKind::User, "alice", "/");

    let first = store.create_user_key(ALPHA, "alice").unwrap();
    let second = store.create_user_key(ALPHA, "alice").unwrap();
    for key in [&first, &second] {
        assert_eq!(key.access_key_id.len(), 20);
        assert!(key.access_key_id.starts_with("AKIA"));
        assert_eq!(key.secret.len(), 40);
        assert_eq!(key.principal_arn, user.arn);
        assert_eq!(key.account_id, ALPHA);
        assert!(key.active && key.session_token.is_none() && key.expires_ms.is_none());
        assert_eq!(
            store.access_key(&key.access_key_id).unwrap().as_deref(),
            Some(key)
        );
    }
    assert_ne!(first.access_key_id, second.access_key_id);
    assert!(matches!(
        store.create_user_key(ALPHA, "alice"),
        Err(StoreError::LimitExceeded(_))
    ));
    let listed = store.user_keys(ALPHA, "alice").unwrap();
    assert_eq!(listed.len(), 2);
    assert!(listed.iter().all(|k| k.active));

    // Deactivated: seen at once, though the key was cached.
    store
        .set_user_key_active(ALPHA, "alice", &first.access_key_id, false)
        .unwrap();
    assert!(
        !store
            .access_key(&first.access_key_id)
            .unwrap()
            .unwrap()
            .active
    );
    let info = store.user_keys(ALPHA, "alice").unwrap();
    let info = info
        .iter()
        .find(|k| k.access_key_id == first.access_key_id)
        .unwrap();
    assert!(!info.active);
    // An inactive key still counts.
    assert!(matches!(
        store.create_user_key(ALPHA, "alice"),
        Err(StoreError::LimitExceeded(_))
    ));
    store
        .set_user_key_active(ALPHA, "alice", &first.access_key_id, true)
        .unwrap();
    assert!(
        store
            .access_key(&first.access_key_id)
            .unwrap()
            .unwrap()
            .active
    );

    // Another user's keys are not reachable through this one, nor through another account.
    for (account, user) in [(ALPHA, "bob"), (BETA, "alice")] {
        assert!(matches!(
            store.set_user_key_active(account, user, &first.access_key_id, false),
            Err(StoreError::NoSuchEntity(_))
        ));
        assert!(matches!(
            store.delete_user_key(account, user, &first.access_key_id),
            Err(StoreError::NoSuchEntity(_))
        ));
    }
    assert!(
        store
            .access_key(&first.access_key_id)
            .unwrap()
            .unwrap()
            .active
    );

    store
        .delete_user_key(ALPHA, "alice", &first.access_key_id)
        .unwrap();
    assert_eq!(store.access_key(&first.access_key_id).unwrap(), None);
    assert!(matches!(
        store.delete_user_key(ALPHA, "alice", &first.access_key_id),
        Err(StoreError::NoSuchEntity(_))
    ));
    assert_eq!(store.user_keys(ALPHA, "alice").unwrap().len(), 1);
    store.create_user_key(ALPHA, "alice").unwrap();
    assert!(matches!(
        store.create_user_key(ALPHA, "nobody"),
        Err(StoreError::NoSuchEntity(_))
    ));
}

#[test]
fn inline_policies_are_put_replaced_listed_and_deleted() {
    let dir = tempfile::tempdir().unwrap();
    let store = open(dir.path());
    create(&store, ALPHA, EntityKind::User, "alice", "/");
    create(&store, ALPHA, EntityKind::Role, "Reader", "/");
    let user = EntityKind::User;

    store
        .put_inline_policy(ALPHA, user, "alice", "write", DOC_B)
        .unwrap();
    store
        .put_inline_policy(ALPHA, user, "alice", "read", DOC_A)
        .unwrap();
    assert_eq!(
        store.inline_policy(ALPHA, user, "alice", "read").unwrap(),
        DOC_A
    );
    assert_eq!(
        store.inline_policy_names(ALPHA, user, "alice").unwrap(),
        ["read", "write"]
    );
    // Putting the same name again replaces the document.
    store
        .put_inline_policy(ALPHA, user, "alice", "read", DOC_C)
        .unwrap();
    assert_eq!(
        store.inline_policy(ALPHA, user, "alice", "read").unwrap(),
        DOC_C
    );
    assert_eq!(
        store
            .inline_policy_names(ALPHA, user, "alice")
            .unwrap()
            .len(),
        2
    );
    // Each entity has its own.
    assert!(store
        .inline_policy_names(ALPHA, EntityKind::Role, "Reader")
        .unwrap()
        .is_empty());
    assert!(matches!(
        store.inline_policy(ALPHA, EntityKind::Role, "Reader", "read"),
        Err(StoreError::NoSuchEntity(_))
    ));

    store
        .delete_inline_policy(ALPHA, user, "alice", "read")
        .unwrap();
    assert_eq!(
        store.inline_policy_names(ALPHA, user, "alice").unwrap(),
        ["write"]
    );
    assert!(matches!(
        store.inline_policy(ALPHA, user, "alice", "read"),
        Err(StoreError::NoSuchEntity(_))
    ));
    assert!(matches!(
        store.delete_inline_policy(ALPHA, user, "alice", "read"),
        Err(StoreError::NoSuchEntity(_))
    ));
    assert!(matches!(
        store.put_inline_policy(ALPHA, user, "nobody", "read", DOC_A),
        Err(StoreError::NoSuchEntity(_))
    ));
    assert!(matches!(
        store.inline_policy_names(BETA, user, "alice"),
        Err(StoreError::NoSuchEntity(_))
    ));
}

#[test]
fn managed_policies_keep_at_most_five_versions_newest_first() {
    let dir = tempfile::tempdir().unwrap();
    let store = open(dir.path());
    let tags = [tag("owner", "security")];
    let p = store
        .create_managed_policy(
            Some(ALPHA),
            "ReadOnly",
            "/team/",
            Some("reads"),
            DOC_A,
            &tags,
        )
        .unwrap();
    assert_eq!(p.arn, format!("arn:aws:iam::{ALPHA}:policy/team/ReadOnly"));
    assert_unique_id(&p.id, "ANPA");
    assert_eq!(p.account_id.as_deref(), Some(ALPHA));
    assert_eq!(p.description.as_deref(), Some("reads"));
    assert_eq!(p.default_version, "v1");
    assert_eq!((p.attachment_count, p.boundary_count), (0, 0));
    assert_eq!(store.tags(&p.id).unwrap(), tags);
    assert_eq!(store.managed_policy(&p.arn).unwrap(), p);
    let v1 = store.policy_version(&p.arn, "v1").unwrap();
    assert!(v1.is_default);
    assert_eq!(v1.document, DOC_A);
    assert_eq!(
        store.policy_document(&v1.digest).unwrap().as_deref(),
        Some(DOC_A)
    );
    assert!(matches!(
        store.create_managed_policy(Some(ALPHA), "readonly", "/team/", None, DOC_B, &[]),
        Err(StoreError::EntityAlreadyExists(_))
    ));

    for (i, doc) in [DOC_B, DOC_C, DOC_A, DOC_B].iter().enumerate() {
        let v = store.create_policy_version(&p.arn, doc, false).unwrap();
        assert_eq!(v.version_id, format!("v{}", i + 2));
        assert!(!v.is_default);
    }
    assert!(matches!(
        store.create_policy_version(&p.arn, DOC_C, true),
        Err(StoreError::LimitExceeded(_))
    ));
    assert_eq!(versions(&store, &p.arn), ["v5", "v4", "v3", "v2", "v1"]);
    assert_eq!(store.managed_policy(&p.arn).unwrap().default_version, "v1");

    store.set_default_policy_version(&p.arn, "v3").unwrap();
    assert_eq!(store.managed_policy(&p.arn).unwrap().default_version, "v3");
    let listed = store.policy_versions(&p.arn).unwrap();
    let defaults: Vec<&str> = listed
        .iter()
        .filter(|v| v.is_default)
        .map(|v| v.version_id.as_str())
        .collect();
    assert_eq!(defaults, ["v3"]);
    assert_eq!(store.policy_version(&p.arn, "v3").unwrap().document, DOC_C);
    assert!(matches!(
        store.delete_policy_version(&p.arn, "v3"),
        Err(StoreError::DeleteConflict(_))
    ));
    assert!(matches!(
        store.set_default_policy_version(&p.arn, "v9"),
        Err(StoreError::NoSuchEntity(_))
    ));
    assert!(matches!(
        store.delete_policy_version(&p.arn, "v9"),
        Err(StoreError::NoSuchEntity(_))
    ));

    // Version ids are never reused, and order by number past v9.
    store.delete_policy_version(&p.arn, "v1").unwrap();
    let v6 = store.create_policy_version(&p.arn, DOC_A, true).unwrap();
    assert_eq!(v6.version_id, "v6");
    assert!(v6.is_default);
    assert_eq!(store.managed_policy(&p.arn).unwrap().default_version, "v6");
    assert_eq!(versions(&store, &p.arn), ["v6", "v5", "v4", "v3", "v2"]);
    for oldest in ["v2", "v3", "v4", "v5"] {
        store.delete_policy_version(&p.arn, oldest).unwrap();
        store.create_policy_version(&p.arn, DOC_B, false).unwrap();
    }
    assert_eq!(versions(&store, &p.arn), ["v10", "v9", "v8", "v7", "v6"]);
    assert!(matches!(
        store.create_policy_version("arn:aws:iam::111122223333:policy/Nope", DOC_A, false),
        Err(StoreError::NoSuchEntity(_))
    ));
}

#[test]
fn a_policy_attached_or_used_as_a_boundary_cannot_be_deleted() {
    let dir = tempfile::tempdir().unwrap();
    let store = open(dir.path());
    create(&store, ALPHA, EntityKind::User, "alice", "/");
    create(&store, ALPHA, EntityKind::Role, "Reader", "/");
    let p = store
        .create_managed_policy(Some(ALPHA), "Read", "/", None, DOC_A, &[tag("k", "v")])
        .unwrap();

    store
        .attach_policy(ALPHA, EntityKind::User, "alice", &p.arn)
        .unwrap();
    assert_eq!(store.managed_policy(&p.arn).unwrap().attachment_count, 1);
    assert_eq!(names(&store.policy_entities(&p.arn).unwrap()), ["alice"]);
    assert_eq!(
        store
            .attached_policies(ALPHA, EntityKind::User, "alice")
            .unwrap()
            .iter()
            .map(|p| p.arn.as_str())
            .collect::<Vec<_>>(),
        [p.arn.as_str()]
    );
    assert!(matches!(
        store.delete_managed_policy(&p.arn),
        Err(StoreError::DeleteConflict(_))
    ));
    store
        .detach_policy(ALPHA, EntityKind::User, "alice", &p.arn)
        .unwrap();
    assert!(matches!(
        store.detach_policy(ALPHA, EntityKind::User, "alice", &p.arn),
        Err(StoreError::NoSuchEntity(_))
    ));

    store
        .set_boundary(ALPHA, EntityKind::Role, "Reader", Some(&p.arn))
        .unwrap();
    assert_eq!(
        store
            .entity(ALPHA, EntityKind::Role, "Reader")
            .unwrap()
            .boundary_arn,
        Some(p.arn.clone())
    );
    assert_eq!(store.managed_policy(&p.arn).unwrap().boundary_count, 1);
    assert!(matches!(
        store.delete_managed_policy(&p.arn),
        Err(StoreError::DeleteConflict(_))
    ));
    store
        .set_boundary(ALPHA, EntityKind::Role, "Reader", None)
        .unwrap();

    let digest = store.policy_version(&p.arn, "v1").unwrap().digest;
    store.delete_managed_policy(&p.arn).unwrap();
    assert!(matches!(
        store.managed_policy(&p.arn),
        Err(StoreError::NoSuchEntity(_))
    ));
    assert!(store.tags(&p.id).unwrap().is_empty());
    // Its document stays, for replay.
    assert_eq!(
        store.policy_document(&digest).unwrap().as_deref(),
        Some(DOC_A)
    );
    assert!(matches!(
        store.attach_policy(ALPHA, EntityKind::User, "alice", &p.arn),
        Err(StoreError::NoSuchEntity(_))
    ));
    assert!(matches!(
        store.set_boundary(ALPHA, EntityKind::User, "alice", Some(&p.arn)),
        Err(StoreError::NoSuchEntity(_))
    ));
    // The name is free again.
    policy(&store, Some(ALPHA), "Read", DOC_B);
}

#[test]
fn at_most_ten_policies_are_attached_to_an_entity() {
    let dir = tempfile::tempdir().unwrap();
    let store = open(dir.path());
    create(&store, ALPHA, EntityKind::Group, "devs", "/");
    for i in 0..11 {
        let p = policy(&store, Some(ALPHA), &format!("P{i:02}"), DOC_A);
        let attached = store.attach_policy(ALPHA, EntityKind::Group, "devs", &p.arn);
        if i < 10 {
            attached.unwrap();
        } else {
            assert!(matches!(attached, Err(StoreError::LimitExceeded(_))));
        }
    }
    assert_eq!(
        store
            .attached_policies(ALPHA, EntityKind::Group, "devs")
            .unwrap()
            .len(),
        10
    );
}

#[test]
fn aws_managed_policies_are_listed_for_every_account() {
    let dir = tempfile::tempdir().unwrap();
    let store = open(dir.path());
    let aws = policy(&store, None, "AmazonS3ReadOnlyAccess", DOC_A);
    assert_eq!(aws.arn, "arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess");
    assert_eq!(aws.account_id, None);
    let role = store
        .create_managed_policy(None, "S3Service", "/service-role/", None, DOC_B, &[])
        .unwrap();
    assert_eq!(role.arn, "arn:aws:iam::aws:policy/service-role/S3Service");
    let mine = policy(&store, Some(ALPHA), "Mine", DOC_C);

    let arns = |account, prefix| -> Vec<String> {
        store
            .managed_policies(account, prefix)
            .unwrap()
            .into_iter()
            .map(|p| p.arn)
            .collect()
    };
    assert_eq!(
        arns(ALPHA, "/"),
        [aws.arn.clone(), mine.arn.clone(), role.arn.clone()]
    );
    assert_eq!(arns(BETA, "/"), [aws.arn.clone(), role.arn.clone()]);
    assert_eq!(arns(BETA, "/service-role/"), [role.arn.as_str()]);

    // Any account may attach an AWS managed policy.
    create(&store, BETA, EntityKind::User, "bob", "/");
    store
        .attach_policy(BETA, EntityKind::User, "bob", &aws.arn)
        .unwrap();
    assert_eq!(store.managed_policy(&aws.arn).unwrap().attachment_count, 1);
}

#[test]
fn another_accounts_customer_policy_cannot_be_attached_or_made_a_boundary() {
    let dir = tempfile::tempdir().unwrap();
    let store = open(dir.path());
    let alphas = policy(&store, Some(ALPHA), "AlphaOnly", DOC_A);
    create(&store, BETA, EntityKind::User, "bob", "/");
    assert!(matches!(
        store.attach_policy(BETA, EntityKind::User, "bob", &alphas.arn),
        Err(StoreError::NoSuchEntity(_))
    ));
    assert!(matches!(
        store.set_boundary(BETA, EntityKind::User, "bob", Some(&alphas.arn)),
        Err(StoreError::NoSuchEntity(_))
    ));
    let bob = store.entity(BETA, EntityKind::User, "bob").unwrap();
    assert_eq!(bob.boundary_arn, None);
    assert!(store
        .attached_policies(BETA, EntityKind::User, "bob")
        .unwrap()
        .is_empty());
}

#[test]
fn tags_are_at_most_fifty_with_keys_unique_without_regard_to_case() {
    let dir = tempfile::tempdir().unwrap();
    let store = open(dir.path());
    let user = store
        .create_entity(&new_entity(
            ALPHA,
            EntityKind::User,
            "alice",
            "/",
            &[tag("Team", "eng")],
        ))
        .unwrap();

    // A key differing only in case replaces the tag, with the new spelling.
    store.tag_entity(&user.id, &[tag("team", "ops")]).unwrap();
    assert_eq!(store.tags(&user.id).unwrap(), [tag("team", "ops")]);

    let more: Vec<_> = (1..50).map(|i| tag(&format!("k{i:02}"), "v")).collect();
    store.tag_entity(&user.id, &more).unwrap();
    assert_eq!(store.tags(&user.id).unwrap().len(), MAX_TAGS);
    // Replacing one of the fifty is fine; a fifty-first is not, and changes nothing.
    store.tag_entity(&user.id, &[tag("K01", "w")]).unwrap();
    assert!(matches!(
        store.tag_entity(&user.id, &[tag("k50", "v"), tag("team", "changed")]),
        Err(StoreError::LimitExceeded(_))
    ));
    let tags = store.tags(&user.id).unwrap();
    assert_eq!(tags.len(), MAX_TAGS);
    assert!(tags.contains(&tag("team", "ops")));
    assert!(tags.contains(&tag("K01", "w")));
    assert!(!tags.iter().any(|(k, _)| k == "k01" || k == "k50"));

    store
        .untag_entity(
            &user.id,
            &["TEAM".to_string(), "k02".to_string(), "absent".to_string()],
        )
        .unwrap();
    let tags = store.tags(&user.id).unwrap();
    assert_eq!(tags.len(), MAX_TAGS - 2);
    assert!(!tags.iter().any(|(k, _)| k == "team" || k == "k02"));

    // Creating with more than fifty creates nothing.
    let too_many: Vec<_> = (0..51).map(|i| tag(&format!("k{i}"), "v")).collect();
    assert!(matches!(
        store.create_entity(&new_entity(
            ALPHA,
            EntityKind::Role,
            "Tagged",
            "/",
            &too_many
        )),
        Err(StoreError::LimitExceeded(_))
    ));
    assert!(matches!(
        store.entity(ALPHA, EntityKind::Role, "Tagged"),
        Err(StoreError::NoSuchEntity(_))
    ));
}

#[test]
fn identity_inputs_gather_inline_attached_group_and_boundary_documents() {
    let dir = tempfile::tempdir().unwrap();
    let store = open(dir.path());
    let user = store
        .create_entity(&new_entity(
            ALPHA,
            EntityKind::User,
            "alice",
            "/eng/",
            &[tag("team", "eng")],
        ))
        .unwrap();
    let group = create(&store, ALPHA, EntityKind::Group, "devs", "/");
    let own = policy(&store, Some(ALPHA), "Own", DOC_B);
    let shared = policy(&store, Some(ALPHA), "Shared", DOC_C);
    let limit = policy(&store, Some(ALPHA), "Limit", DOC_A);
    store
        .put_inline_policy(ALPHA, EntityKind::User, "alice", "mine", DOC_A)
        .unwrap();
    store
        .attach_policy(ALPHA, EntityKind::User, "alice", &own.arn)
        .unwrap();
    store
        .put_inline_policy(ALPHA, EntityKind::Group, "devs", "ours", DOC_B)
        .unwrap();
    store
        .attach_policy(ALPHA, EntityKind::Group, "devs", &shared.arn)
        .unwrap();
    store.add_user_to_group(ALPHA, "devs", "alice").unwrap();
    store
        .set_boundary(ALPHA, EntityKind::User, "alice", Some(&limit.arn))
        .unwrap();
    let key = store.create_user_key(ALPHA, "alice").unwrap();

    let inputs = store.identity_inputs(&key).unwrap();
    assert_eq!(
        inputs.entity.as_ref().map(|e| e.id.as_str()),
        Some(user.id.as_str())
    );
    let mut found: Vec<(String, String)> = inputs
        .identity
        .iter()
        .map(|d| (d.id.clone(), d.document.clone()))
        .collect();
    found.sort();
    let mut expected = vec![
        (format!("{}#inline/mine", user.arn), DOC_A.to_string()),
        (own.arn.clone(), DOC_B.to_string()),
        (format!("{}#inline/ours", group.arn), DOC_B.to_string()),
        (shared.arn.clone(), DOC_C.to_string()),
    ];
    expected.sort();
    assert_eq!(found, expected);
    for d in inputs.identity.iter().chain(&inputs.boundary) {
        assert_eq!(
            store.policy_document(&d.digest).unwrap().as_deref(),
            Some(d.document.as_str()),
            "{}",
            d.id
        );
    }
    let boundary = inputs.boundary.unwrap();
    assert_eq!(
        (boundary.id.as_str(), boundary.document.as_str()),
        (limit.arn.as_str(), DOC_A)
    );
    assert!(inputs.session.is_empty());
    assert!(inputs.session_info.is_none());
    assert_eq!(inputs.tags, [tag("team", "eng")]);

    // A new default version is what the next request sees; so is going back.
    store.create_policy_version(&own.arn, DOC_C, true).unwrap();
    let document_of = |arn: &str| {
        store
            .identity_inputs(&key)
            .unwrap()
            .identity
            .into_iter()
            .find(|d| d.id == arn)
            .unwrap()
            .document
    };
    assert_eq!(document_of(&own.arn), DOC_C);
    store.set_default_policy_version(&own.arn, "v1").unwrap();
    assert_eq!(document_of(&own.arn), DOC_B);
    store
        .create_policy_version(&limit.arn, DOC_C, true)
        .unwrap();
    assert_eq!(
        store
            .identity_inputs(&key)
            .unwrap()
            .boundary
            .unwrap()
            .document,
        DOC_C
    );

    // Out of the group, its policies no longer apply.
    store
        .remove_user_from_group(ALPHA, "devs", "alice")
        .unwrap();
    let ids: Vec<String> = store
        .identity_inputs(&key)
        .unwrap()
        .identity
        .into_iter()
        .map(|d| d.id)
        .collect();
    assert_eq!(ids.len(), 2);
    assert!(!ids.contains(&shared.arn));
}

#[test]
fn identity_inputs_of_a_root_key_name_no_entity() {
    let dir = tempfile::tempdir().unwrap();
    let store = open(dir.path());
    let key = AccessKey {
        access_key_id: "AKIAALPHAROOTEXAMPLE".into(),
        secret: "s3cr3t".into(),
        account_id: ALPHA.into(),
        principal_arn: format!("arn:aws:iam::{ALPHA}:root"),
        active: true,
        session_token: None,
        expires_ms: None,
    };
    store.put_access_key(&key).unwrap();
    let inputs = store.identity_inputs(&key).unwrap();
    assert!(inputs.entity.is_none());
    assert!(inputs.identity.is_empty() && inputs.boundary.is_none() && inputs.tags.is_empty());
}

#[test]
fn every_directory_write_increases_the_generation() {
    let dir = tempfile::tempdir().unwrap();
    let store = open(dir.path());
    let mut last = store.generation();
    let mut bumped = |what: &str| {
        let now = store.generation();
        assert!(now > last, "{what} did not change the generation");
        last = now;
    };
    let user = create(&store, ALPHA, EntityKind::User, "alice", "/");
    bumped("create user");
    create(&store, ALPHA, EntityKind::Group, "devs", "/");
    bumped("create group");
    create(&store, ALPHA, EntityKind::Role, "Reader", "/");
    bumped("create role");
    store.set_trust_policy(ALPHA, "Reader", DOC_A, &[]).unwrap();
    bumped("set trust policy");
    let p = policy(&store, Some(ALPHA), "P", DOC_A);
    bumped("create policy");
    store.create_policy_version(&p.arn, DOC_B, false).unwrap();
    bumped("create policy version");
    store.set_default_policy_version(&p.arn, "v2").unwrap();
    bumped("set default version");
    store.delete_policy_version(&p.arn, "v1").unwrap();
    bumped("delete policy version");
    store
        .put_inline_policy(ALPHA, EntityKind::User, "alice", "i", DOC_A)
        .unwrap();
    bumped("put inline policy");
    store
        .delete_inline_policy(ALPHA, EntityKind::User, "alice", "i")
        .unwrap();
    bumped("delete inline policy");
    store
        .attach_policy(ALPHA, EntityKind::User, "alice", &p.arn)
        .unwrap();
    bumped("attach");
    store
        .detach_policy(ALPHA, EntityKind::User, "alice", &p.arn)
        .unwrap();
    bumped("detach");
    store
        .set_boundary(ALPHA, EntityKind::User, "alice", Some(&p.arn))
        .unwrap();
    bumped("set boundary");
    store
        .set_boundary(ALPHA, EntityKind::User, "alice", None)
        .unwrap();
    bumped("remove boundary");
    store.add_user_to_group(ALPHA, "devs", "alice").unwrap();
    bumped("add to group");
    store
        .remove_user_from_group(ALPHA, "devs", "alice")
        .unwrap();
    bumped("remove from group");
    store.tag_entity(&user.id, &[tag("a", "b")]).unwrap();
    bumped("tag");
    store.untag_entity(&user.id, &["a".to_string()]).unwrap();
    bumped("untag");
    let key = store.create_user_key(ALPHA, "alice").unwrap();
    bumped("create key");
    store
        .set_user_key_active(ALPHA, "alice", &key.access_key_id, false)
        .unwrap();
    bumped("deactivate key");
    store
        .delete_user_key(ALPHA, "alice", &key.access_key_id)
        .unwrap();
    bumped("delete key");
    store
        .update_entity(
            ALPHA,
            EntityKind::User,
            "alice",
            &EntityUpdate {
                new_path: Some("/x/"),
                ..Default::default()
            },
        )
        .unwrap();
    bumped("update");
    store.delete_managed_policy(&p.arn).unwrap();
    bumped("delete policy");
    store
        .delete_entity(ALPHA, EntityKind::User, "alice")
        .unwrap();
    bumped("delete user");
}

#[test]
fn sessions_carry_their_policies_and_tags() {
    let dir = tempfile::tempdir().unwrap();
    let store = open(dir.path());
    let role = store
        .create_entity(&new_entity(
            ALPHA,
            EntityKind::Role,
            "Reader",
            "/",
            &[tag("Team", "role"), tag("project", "x")],
        ))
        .unwrap();
    let attached = policy(&store, Some(ALPHA), "Attached", DOC_B);
    let scoped = policy(&store, Some(ALPHA), "Scoped", DOC_C);
    store
        .put_inline_policy(ALPHA, EntityKind::Role, "Reader", "read", DOC_A)
        .unwrap();
    store
        .attach_policy(ALPHA, EntityKind::Role, "Reader", &attached.arn)
        .unwrap();

    let principal = format!("arn:aws:sts::{ALPHA}:assumed-role/Reader/job-7");
    let expires = now_ms() + 3_600_000;
    let policy_arns = [scoped.arn.clone()];
    let session_tags = [SessionTag {
        key: "team".into(),
        value: "session".into(),
        transitive: true,
    }];
    let session_policy = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:ListBucket","Resource":"*"}]}"#;
    let key = store
        .create_session(&NewSession {
            account_id: ALPHA,
            principal_arn: &principal,
            source_arn: &role.arn,
            source_id: Some(&role.id),
            session_name: Some("job-7"),
            source_identity: Some("alice"),
            policy: Some(session_policy),
            policy_arns: &policy_arns,
            tags: &session_tags,
            expires_ms: expires,
        })
        .unwrap();
    assert!(key.access_key_id.starts_with("ASIA"));
    assert_eq!(key.access_key_id.len(), 20);
    assert_eq!(key.secret.len(), 40);
    assert!(key.session_token.as_deref().is_some_and(|t| t.len() > 100));
    assert_eq!(key.expires_ms, Some(expires));
    assert_eq!(key.principal_arn, principal);
    assert_eq!(
        store.access_key(&key.access_key_id).unwrap().as_deref(),
        Some(&key)
    );

    let session = store.session(&key.access_key_id).unwrap().unwrap();
    assert_eq!(session.access_key_id, key.access_key_id);
    assert_eq!(session.source_arn, role.arn);
    assert_eq!(session.session_name.as_deref(), Some("job-7"));
    assert_eq!(session.source_identity.as_deref(), Some("alice"));
    let (document, digest) = session.policy.clone().unwrap();
    assert_eq!(document, session_policy);
    assert_eq!(
        store.policy_document(&digest).unwrap().as_deref(),
        Some(session_policy)
    );
    assert_eq!(session.policy_arns, policy_arns);
    assert_eq!(session.tags, session_tags);
    assert_eq!(session.expires_ms, expires);

    let inputs = store.identity_inputs(&key).unwrap();
    assert_eq!(
        inputs.entity.as_ref().map(|e| e.id.as_str()),
        Some(role.id.as_str())
    );
    let ids: Vec<&str> = inputs.identity.iter().map(|d| d.id.as_str()).collect();
    let inline = format!("{}#inline/read", role.arn);
    assert_eq!(ids.len(), 2);
    assert!(ids.contains(&inline.as_str()) && ids.contains(&attached.arn.as_str()));
    let session_docs: Vec<(&str, &str)> = inputs
        .session
        .iter()
        .map(|d| (d.id.as_str(), d.document.as_str()))
        .collect();
    assert_eq!(
        session_docs,
        [("session", session_policy), (scoped.arn.as_str(), DOC_C)]
    );
    let mut tags = inputs.tags.clone();
    tags.sort();
    assert_eq!(tags, [tag("project", "x"), tag("team", "session")]);
    assert_eq!(inputs.session_info, Some(session));

    // Session keys are not the user's long-term keys, and unknown ids have no session.
    assert_eq!(store.session("ASIANOSUCHSESSION000").unwrap(), None);
}

#[test]
fn a_session_without_policies_has_none_and_expired_ones_are_swept() {
    let dir = tempfile::tempdir().unwrap();
    let store = open(dir.path());
    let user = create(&store, ALPHA, EntityKind::User, "alice", "/");
    store.create_user_key(ALPHA, "alice").unwrap();
    let new = |expires_ms| NewSession {
        account_id: ALPHA,
        principal_arn: &user.arn,
        source_arn: &user.arn,
        source_id: Some(&user.id),
        session_name: None,
        source_identity: None,
        policy: None,
        policy_arns: &[],
        tags: &[],
        expires_ms,
    };
    // Expired almost a day ago: kept for now, swept by a session made a day after it expired.
    let old = store
        .create_session(&new(now_ms() - 24 * 3_600_000 + 1_000))
        .unwrap();
    let session = store.session(&old.access_key_id).unwrap().unwrap();
    assert_eq!(session.policy, None);
    assert!(session.policy_arns.is_empty() && session.tags.is_empty());
    // Session keys count neither towards the two a user may have nor against deleting it.
    store.create_user_key(ALPHA, "alice").unwrap();
    assert_eq!(store.user_keys(ALPHA, "alice").unwrap().len(), 2);

    std::thread::sleep(std::time::Duration::from_millis(1_500));
    let fresh = store.create_session(&new(now_ms() + 3_600_000)).unwrap();
    assert_eq!(store.session(&old.access_key_id).unwrap(), None);
    assert_eq!(store.access_key(&old.access_key_id).unwrap(), None);
    assert!(store.session(&fresh.access_key_id).unwrap().is_some());
    for k in store.user_keys(ALPHA, "alice").unwrap() {
        store
            .delete_user_key(ALPHA, "alice", &k.access_key_id)
            .unwrap();
    }
    store
        .delete_entity(ALPHA, EntityKind::User, "alice")
        .unwrap();
}

fn user_version(path: &Path) -> i64 {
    rusqlite::Connection::open(path)
        .unwrap()
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .unwrap()
}

#[test]
fn a_version_one_database_is_upgraded_in_place() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("meta.db");
    {
        let conn = rusqlite::Connection::open(&db).unwrap();
        conn.execute_batch(include_str!("../src/schema.sql"))
            .unwrap();
        conn.execute_batch("PRAGMA user_version = 1").unwrap();
        conn.execute(
            "INSERT INTO accounts (id, name, email, canonical_id, created_ms) VALUES (?1, 'alpha', NULL, ?2, 1)",
            rusqlite::params![ALPHA, "c".repeat(64)],
        )
        .unwrap();
        conn.execute(
            "INSERT INTO access_keys (access_key_id, secret, account_id, principal_arn, active, created_ms)
             VALUES ('AKIAOLDROOTKEY000000', 's3cr3t', ?1, ?2, 1, 1)",
            rusqlite::params![ALPHA, format!("arn:aws:iam::{ALPHA}:root")],
        )
        .unwrap();
        // Version 1 stored Block Public Access as four bits; 0 meant "deleted".
        for (name, bits) in [("guarded", 15), ("opened", 0)] {
            conn.execute(
                "INSERT INTO buckets (name, owner, region, object_ownership, block_public_access, created_ms)
                 VALUES (?1, ?2, 'us-east-1', 'BucketOwnerEnforced', ?3, 1)",
                rusqlite::params![name, ALPHA, bits],
            )
            .unwrap();
        }
    }
    assert_eq!(user_version(&db), 1);

    {
        let store = Store::open(dir.path()).unwrap();
        assert_eq!(user_version(&db), store::SCHEMA_VERSION);
        let account = store.account(ALPHA).unwrap().unwrap();
        assert_eq!(account.canonical_id, "c".repeat(64));
        let root = store.access_key("AKIAOLDROOTKEY000000").unwrap().unwrap();
        assert_eq!((root.session_token.clone(), root.expires_ms), (None, None));
        let block = |b: &str| store.bucket(b).unwrap().unwrap().block_public_access;
        assert_eq!(block("guarded"), Some(store::BlockPublicAccessFlags::ALL));
        assert_eq!(block("opened"), None);
        assert_eq!(
            store.bucket("guarded").unwrap().unwrap().acl,
            Acl::default()
        );

        let user = create(&store, ALPHA, EntityKind::User, "alice", "/");
        store.create_user_key(ALPHA, "alice").unwrap();
        let p = policy(&store, Some(ALPHA), "P", DOC_A);
        store
            .attach_policy(ALPHA, EntityKind::User, "alice", &p.arn)
            .unwrap();
        store
            .create_session(&NewSession {
                account_id: ALPHA,
                principal_arn: &user.arn,
                source_arn: &user.arn,
                source_id: Some(&user.id),
                session_name: None,
                source_identity: None,
                policy: Some(DOC_B),
                policy_arns: &[],
                tags: &[],
                expires_ms: now_ms() + 3_600_000,
            })
            .unwrap();
    }

    // Open again: already at version 2, nothing to redo, everything there.
    let store = Store::open(dir.path()).unwrap();
    assert_eq!(user_version(&db), store::SCHEMA_VERSION);
    assert!(store.account(ALPHA).unwrap().is_some());
    assert_eq!(store.user_keys(ALPHA, "alice").unwrap().len(), 1);
    assert_eq!(
        store
            .attached_policies(ALPHA, EntityKind::User, "alice")
            .unwrap()
            .len(),
        1
    );
}

#[test]
fn a_new_database_starts_at_the_current_version() {
    let dir = tempfile::tempdir().unwrap();
    let store = open(dir.path());
    assert_eq!(
        user_version(&dir.path().join("meta.db")),
        store::SCHEMA_VERSION
    );
    create(&store, ALPHA, EntityKind::User, "alice", "/");
}

#[test]
fn a_database_from_a_newer_version_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    {
        let conn = rusqlite::Connection::open(dir.path().join("meta.db")).unwrap();
        conn.execute_batch(include_str!("../src/schema.sql"))
            .unwrap();
        conn.execute_batch("PRAGMA user_version = 99").unwrap();
    }
    assert!(matches!(
        Store::open(dir.path()),
        Err(StoreError::Corrupt(_))
    ));
    // And left as it was.
    assert_eq!(user_version(&dir.path().join("meta.db")), 99);
}

/// A role's trust policy keeps the unique ids of the users and roles it named when saved;
/// replacing the policy replaces them, deleting the role removes them (issue 11).
#[test]
fn trust_bindings_follow_the_trust_policy() {
    let dir = tempfile::tempdir().unwrap();
    let store = open(dir.path());
    let alice = create(&store, ALPHA, EntityKind::User, "alice", "/");
    let bound = vec![(alice.arn.clone(), alice.id.clone())];
    let role = store
        .create_entity(&NewEntity {
            trust_bindings: &bound,
            ..new_entity(ALPHA, EntityKind::Role, "Reader", "/", &[])
        })
        .unwrap();
    assert_eq!(store.trust_bindings(&role.id).unwrap(), bound);
    store.set_trust_policy(ALPHA, "Reader", TRUST, &[]).unwrap();
    assert_eq!(store.trust_bindings(&role.id).unwrap(), vec![]);
    store
        .set_trust_policy(ALPHA, "Reader", TRUST, &bound)
        .unwrap();
    store
        .delete_entity(ALPHA, EntityKind::Role, "Reader")
        .unwrap();
    assert_eq!(store.trust_bindings(&role.id).unwrap(), vec![]);
}
