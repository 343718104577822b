//! The store on a real temporary directory: what S3's operations need of it, and its promises
//! (durable before acknowledged, never a half-written object, listing by range scan, keys that
//! never become paths).

use std::collections::HashSet;
use std::io::Read;
use std::path::Path;

use store::*;

const ALPHA: &str = "111122223333";
const BETA: &str = "444455556666";

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

fn bucket<'a>(name: &'a str, owner: &'a str) -> NewBucket<'a> {
    NewBucket {
        name,
        owner,
        region: "us-east-1",
        object_ownership: ObjectOwnership::BucketOwnerEnforced,
        block_public_access: BlockPublicAccessFlags::ALL,
        acl: &NO_GRANTS,
    }
}

/// The default ACL: the owner's FULL_CONTROL alone.
static NO_GRANTS: Acl = Acl { grants: Vec::new() };

fn put(store: &Store, b: &str, key: &str, bytes: &[u8]) -> ObjectVersion {
    let blob = store.blobs().write_from(&mut &bytes[..], 1 << 30).unwrap();
    let etag = etag_of(&blob.md5);
    let attrs = ObjectAttributes {
        owner: ALPHA.into(),
        content_type: Some("text/plain".into()),
        metadata: vec![("x-amz-meta-color".into(), "blue".into())],
        tags: "team=eng".into(),
        acl: Acl::decode("FULL_CONTROL CanonicalUser alpha-id\nREAD Group http://acs.amazonaws.com/groups/global/AllUsers"),
        encryption: Some("the server's own text".into()),
    };
    store.put_object(b, key, &attrs, &[blob], &etag).unwrap()
}

fn read_all(store: &Store, v: &ObjectVersion) -> Vec<u8> {
    let mut out = Vec::new();
    store
        .read_object(v, 0, v.size)
        .unwrap()
        .read_to_end(&mut out)
        .unwrap();
    out
}

fn q<'a>(
    prefix: &'a str,
    delimiter: &'a str,
    after: Option<&'a str>,
    max_keys: usize,
) -> ListQuery<'a> {
    ListQuery {
        prefix,
        delimiter,
        after,
        max_keys,
    }
}

fn keys(page: &ListPage) -> Vec<&str> {
    page.objects.iter().map(|o| o.key.as_str()).collect()
}

#[test]
fn accounts_have_distinct_canonical_ids_and_keys_resolve() {
    let dir = tempfile::tempdir().unwrap();
    let store = open(dir.path());
    let a = store.account(ALPHA).unwrap().unwrap();
    let b = store.account(BETA).unwrap().unwrap();
    assert_eq!(a.canonical_id.len(), 64);
    assert_ne!(a.canonical_id, b.canonical_id);
    assert_eq!(
        store
            .account_by_canonical_id(&b.canonical_id)
            .unwrap()
            .unwrap()
            .id,
        BETA
    );
    assert!(matches!(
        store.create_account(ALPHA, "again", None),
        Err(StoreError::AccountExists)
    ));
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
    assert_eq!(
        store.access_key("AKIAALPHAROOTEXAMPLE").unwrap(),
        Some(std::sync::Arc::new(key))
    );
    assert_eq!(store.access_key("AKIANOSUCHKEY0000000").unwrap(), None);
}

#[test]
fn buckets_follow_s3s_naming_rules_and_must_be_empty_to_delete() {
    let dir = tempfile::tempdir().unwrap();
    let store = open(dir.path());
    store.create_bucket(&bucket("reports", ALPHA)).unwrap();
    assert!(matches!(
        store.create_bucket(&bucket("reports", ALPHA)),
        Err(StoreError::BucketAlreadyOwnedByYou)
    ));
    assert!(matches!(
        store.create_bucket(&bucket("reports", BETA)),
        Err(StoreError::BucketAlreadyExists)
    ));
    store.create_bucket(&bucket("archive", ALPHA)).unwrap();
    let names: Vec<String> = store
        .list_buckets(ALPHA)
        .unwrap()
        .into_iter()
        .map(|b| b.name)
        .collect();
    assert_eq!(names, ["archive", "reports"]);
    assert!(store.list_buckets(BETA).unwrap().is_empty());
    put(&store, "reports", "a", b"x");
    assert!(matches!(
        store.delete_bucket("reports"),
        Err(StoreError::BucketNotEmpty)
    ));
    store.delete_object("reports", "a", None).unwrap();
    store.delete_bucket("reports").unwrap();
    assert!(store.bucket("reports").unwrap().is_none());
    assert!(matches!(
        store.delete_bucket("reports"),
        Err(StoreError::NoSuchBucket)
    ));
}

#[test]
fn bucket_policies_are_versioned_for_replay() {
    let dir = tempfile::tempdir().unwrap();
    let store = open(dir.path());
    store.create_bucket(&bucket("reports", ALPHA)).unwrap();
    assert_eq!(store.bucket_policy("reports").unwrap(), None);
    assert_eq!(
        store
            .set_bucket_policy("reports", Some("{\"v\":1}"), &[])
            .unwrap(),
        1
    );
    assert_eq!(
        store
            .set_bucket_policy("reports", Some("{\"v\":2}"), &[])
            .unwrap(),
        2
    );
    let current = store.bucket_policy("reports").unwrap().unwrap();
    assert_eq!(
        (current.version, current.document.as_str()),
        (2, "{\"v\":2}")
    );
    // SHA-256 of the text (`printf '{"v":2}' | sha256sum`).
    assert_eq!(
        current.digest,
        "2b5442799fccc3af2e7e790017697373913b7afcac933d72fb5876de994f659a"
    );
    assert_eq!(store.set_bucket_policy("reports", None, &[]).unwrap(), 3);
    assert_eq!(store.bucket_policy("reports").unwrap(), None);
    assert_eq!(
        store.bucket_policy_version("reports", 1).unwrap(),
        Some(Some("{\"v\":1}".into()))
    );
    assert_eq!(
        store.bucket_policy_version("reports", 3).unwrap(),
        Some(None)
    );
    // All four off is a configuration; deleting it leaves none.
    let block = |store: &Store| {
        store
            .bucket("reports")
            .unwrap()
            .unwrap()
            .block_public_access
    };
    assert_eq!(block(&store), Some(BlockPublicAccessFlags::ALL));
    store
        .set_block_public_access("reports", Some(BlockPublicAccessFlags::default()))
        .unwrap();
    assert_eq!(block(&store), Some(BlockPublicAccessFlags::default()));
    store.set_block_public_access("reports", None).unwrap();
    assert_eq!(block(&store), None);
}

#[test]
fn objects_round_trip_with_attributes_ranges_and_overwrites() {
    let dir = tempfile::tempdir().unwrap();
    let store = open(dir.path());
    store.create_bucket(&bucket("reports", ALPHA)).unwrap();
    let v = put(&store, "reports", "q3.csv", b"hello, world");
    assert_eq!(v.version_id, "null");
    assert_eq!(v.etag, "e4d7f1b4ed2e42d15898f4b27b019da4");
    let got = store.object("reports", "q3.csv", None).unwrap().unwrap();
    assert_eq!(
        got.attributes.metadata,
        vec![("x-amz-meta-color".to_string(), "blue".to_string())]
    );
    assert_eq!(got.attributes.tags, "team=eng");
    assert_eq!(
        got.attributes.encryption.as_deref(),
        Some("the server's own text")
    );
    assert_eq!(read_all(&store, &got), b"hello, world");
    let mut middle = String::new();
    store
        .read_object(&got, 7, 5)
        .unwrap()
        .read_to_string(&mut middle)
        .unwrap();
    assert_eq!(middle, "world");
    let blobs_before = count_blobs(dir.path());
    put(&store, "reports", "q3.csv", b"second");
    assert_eq!(
        count_blobs(dir.path()),
        blobs_before,
        "the overwritten bytes are removed"
    );
    let got = store.object("reports", "q3.csv", None).unwrap().unwrap();
    assert_eq!(read_all(&store, &got), b"second");
    let tagged = store
        .set_object_tags("reports", "q3.csv", None, "a=b")
        .unwrap();
    assert_eq!(tagged.attributes.tags, "a=b");
    assert!(matches!(
        store.set_object_tags("reports", "missing", None, ""),
        Err(StoreError::NoSuchKey)
    ));
}

fn count_blobs(data_dir: &Path) -> usize {
    walk(&data_dir.join("blobs"))
        .into_iter()
        .filter(|p| !p.contains("/blobs/tmp/"))
        .count()
}

fn walk(dir: &Path) -> Vec<String> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            out.extend(walk(&path));
        } else {
            out.push(path.to_string_lossy().into_owned());
        }
    }
    out
}

#[test]
fn odd_keys_round_trip_and_never_become_paths() {
    let dir = tempfile::tempdir().unwrap();
    let store = open(dir.path());
    store.create_bucket(&bucket("reports", ALPHA)).unwrap();
    let long = "k".repeat(1024);
    let odd = [
        "../x",
        "../../etc/passwd",
        "//",
        "a//b/",
        "/leading",
        "é/ü/日本語",
        "with\nnewline",
        long.as_str(),
        ".",
    ];
    for (i, key) in odd.iter().enumerate() {
        put(&store, "reports", key, format!("body {i}").as_bytes());
    }
    for (i, key) in odd.iter().enumerate() {
        let v = store.object("reports", key, None).unwrap().unwrap();
        assert_eq!(
            read_all(&store, &v),
            format!("body {i}").as_bytes(),
            "{key:?}"
        );
    }
    // Every file in the data directory is ours: the database, and blobs named by hex ids.
    for path in walk(dir.path()) {
        let name = Path::new(&path)
            .file_name()
            .unwrap()
            .to_string_lossy()
            .into_owned();
        assert!(
            name.starts_with("meta.db") || name.bytes().all(|b| b.is_ascii_hexdigit()),
            "unexpected file {path}"
        );
    }
    assert!(!dir.path().parent().unwrap().join("x").exists());
}

#[test]
fn listing_pages_through_prefixes_delimiters_and_common_prefixes_without_repeats() {
    let dir = tempfile::tempdir().unwrap();
    let store = open(dir.path());
    store.create_bucket(&bucket("photos", ALPHA)).unwrap();
    let all = [
        "2025/a.jpg",
        "2025/b.jpg",
        "2026/01/x.jpg",
        "2026/01/y.jpg",
        "2026/02/z.jpg",
        "2026/readme",
        "index.html",
        "z",
    ];
    for k in all {
        put(&store, "photos", k, b"x");
    }
    let page = store
        .list_objects("photos", &q("", "", None, 1000))
        .unwrap();
    assert_eq!(keys(&page), all);
    assert!(!page.truncated);
    let page = store
        .list_objects("photos", &q("", "/", None, 1000))
        .unwrap();
    assert_eq!(keys(&page), ["index.html", "z"]);
    assert_eq!(page.common_prefixes, ["2025/", "2026/"]);
    let page = store
        .list_objects("photos", &q("2026/", "/", None, 1000))
        .unwrap();
    assert_eq!(keys(&page), ["2026/readme"]);
    assert_eq!(page.common_prefixes, ["2026/01/", "2026/02/"]);
    let page = store
        .list_objects("photos", &q("2026/0", "", Some("2026/01/x.jpg"), 1000))
        .unwrap();
    assert_eq!(keys(&page), ["2026/01/y.jpg", "2026/02/z.jpg"]);
    // Page one entry at a time: keys and prefixes each appear once, in order.
    let mut seen = Vec::new();
    let mut after: Option<String> = None;
    loop {
        let page = store
            .list_objects("photos", &q("", "/", after.as_deref(), 1))
            .unwrap();
        seen.extend(page.objects.iter().map(|o| o.key.clone()));
        seen.extend(page.common_prefixes.iter().cloned());
        if !page.truncated {
            break;
        }
        after = page.next_after.clone();
    }
    assert_eq!(seen, ["2025/", "2026/", "index.html", "z"]);
    assert!(store
        .list_objects("photos", &q("", "", None, 0))
        .unwrap()
        .objects
        .is_empty());
    assert!(matches!(
        store.list_objects("nope", &q("", "", None, 10)),
        Err(StoreError::NoSuchBucket)
    ));
}

#[test]
fn versioning_keeps_versions_behind_delete_markers() {
    let dir = tempfile::tempdir().unwrap();
    let store = open(dir.path());
    store.create_bucket(&bucket("docs", ALPHA)).unwrap();
    let null = put(&store, "docs", "a.txt", b"before versioning");
    store.set_versioning("docs", Versioning::Enabled).unwrap();
    let v1 = put(&store, "docs", "a.txt", b"one");
    let v2 = put(&store, "docs", "a.txt", b"two");
    assert_ne!(v1.version_id, v2.version_id);
    assert_eq!(v1.version_id.len(), 32);
    let marker = store.delete_object("docs", "a.txt", None).unwrap();
    assert!(marker.delete_marker);
    let current = store.object("docs", "a.txt", None).unwrap().unwrap();
    assert!(current.delete_marker, "the delete marker hides the object");
    let (marker_row, no_bytes) = store
        .object_with_segments("docs", "a.txt", None)
        .unwrap()
        .unwrap();
    assert!(marker_row.delete_marker && no_bytes.is_empty());
    let (named, bytes) = store
        .object_with_segments("docs", "a.txt", Some(&v1.version_id))
        .unwrap()
        .unwrap();
    assert_eq!(
        (named.version_id.as_str(), bytes.len()),
        (v1.version_id.as_str(), 1)
    );
    assert_eq!(bytes, store.segments(&v1).unwrap());
    assert!(store
        .list_objects(
            "docs",
            &ListQuery {
                max_keys: 10,
                ..Default::default()
            }
        )
        .unwrap()
        .objects
        .is_empty());
    let old = store
        .object("docs", "a.txt", Some(&v1.version_id))
        .unwrap()
        .unwrap();
    assert_eq!(
        read_all(&store, &old),
        b"one",
        "still readable by version id"
    );
    let (versions, truncated) = store
        .list_object_versions("docs", "", None, None, 100)
        .unwrap();
    assert!(!truncated);
    let ids: Vec<&str> = versions.iter().map(|v| v.version_id.as_str()).collect();
    assert_eq!(
        ids,
        [
            marker.version_id.as_deref().unwrap(),
            &v2.version_id,
            &v1.version_id,
            "null"
        ]
    );
    // Removing the marker by version id brings v2 back.
    store
        .delete_object("docs", "a.txt", marker.version_id.as_deref())
        .unwrap();
    let current = store.object("docs", "a.txt", None).unwrap().unwrap();
    assert_eq!(current.version_id, v2.version_id);
    assert_eq!(read_all(&store, &current), b"two");
    // Suspended: writes replace the null version.
    store.set_versioning("docs", Versioning::Suspended).unwrap();
    put(&store, "docs", "a.txt", b"suspended");
    assert!(store
        .object("docs", "a.txt", Some("null"))
        .unwrap()
        .is_some());
    let (versions, _) = store
        .list_object_versions("docs", "", None, None, 100)
        .unwrap();
    assert_eq!(versions.len(), 3, "null (replaced), v2, v1");
    assert_ne!(versions[0].seq, null.seq);
    // Paging versions resumes inside a key.
    let (first, truncated) = store
        .list_object_versions("docs", "", None, None, 1)
        .unwrap();
    assert!(truncated);
    let (rest, _) = store
        .list_object_versions("docs", "", Some("a.txt"), Some(&first[0].version_id), 10)
        .unwrap();
    assert_eq!(rest.len(), 2);
}

#[test]
fn multipart_uploads_complete_into_objects_and_abort_cleanly() {
    let dir = tempfile::tempdir().unwrap();
    let store = open(dir.path());
    store.create_bucket(&bucket("big", ALPHA)).unwrap();
    let attrs = ObjectAttributes {
        owner: ALPHA.into(),
        ..Default::default()
    };
    let up = store
        .create_upload(
            "big",
            "movie.mp4",
            &format!("arn:aws:iam::{ALPHA}:root"),
            &attrs,
        )
        .unwrap();
    let part1 = vec![b'a'; MIN_PART_SIZE as usize];
    let part2 = b"tail".to_vec();
    let blob1 = store.blobs().write_from(&mut &part1[..], u64::MAX).unwrap();
    let blob2 = store.blobs().write_from(&mut &part2[..], u64::MAX).unwrap();
    let p1 = store
        .put_part("big", "movie.mp4", &up.upload_id, 1, &blob1)
        .unwrap();
    let p2 = store
        .put_part("big", "movie.mp4", &up.upload_id, 2, &blob2)
        .unwrap();
    let (parts, truncated) = store
        .list_parts("big", "movie.mp4", &up.upload_id, 0, 10)
        .unwrap();
    assert_eq!((parts.len(), truncated), (2, false));
    let (uploads, _) = store.list_uploads("big", "", None, 10).unwrap();
    assert_eq!(uploads.len(), 1);
    assert!(matches!(
        store.complete_upload(
            "big",
            "movie.mp4",
            &up.upload_id,
            &[(2, p2.etag.clone()), (1, p1.etag.clone())]
        ),
        Err(StoreError::InvalidPartOrder)
    ));
    assert!(matches!(
        store.complete_upload("big", "movie.mp4", &up.upload_id, &[(1, "0".repeat(32))]),
        Err(StoreError::InvalidPart)
    ));
    let v = store
        .complete_upload(
            "big",
            "movie.mp4",
            &up.upload_id,
            &[(1, format!("\"{}\"", p1.etag)), (2, p2.etag.clone())],
        )
        .unwrap();
    assert!(v.etag.ends_with("-2"), "{}", v.etag);
    assert_eq!(v.size, MIN_PART_SIZE + 4);
    let mut tail = Vec::new();
    store
        .read_object(&v, MIN_PART_SIZE - 1, 5)
        .unwrap()
        .read_to_end(&mut tail)
        .unwrap();
    assert_eq!(tail, b"atail", "a range across parts");
    let (_, segments) = store
        .object_with_segments("big", "movie.mp4", None)
        .unwrap()
        .unwrap();
    assert_eq!(
        segments.iter().map(|s| s.size).collect::<Vec<_>>(),
        [MIN_PART_SIZE, 4],
        "one segment per part, in part order"
    );
    assert!(matches!(
        store.upload("big", "movie.mp4", &up.upload_id),
        Err(StoreError::NoSuchUpload)
    ));

    // Too-small parts, then abort: the parts' bytes go.
    let up = store.create_upload("big", "small", "x", &attrs).unwrap();
    let b1 = store
        .blobs()
        .write_from(&mut &b"one"[..], u64::MAX)
        .unwrap();
    let b2 = store
        .blobs()
        .write_from(&mut &b"two"[..], u64::MAX)
        .unwrap();
    let q1 = store
        .put_part("big", "small", &up.upload_id, 1, &b1)
        .unwrap();
    let q2 = store
        .put_part("big", "small", &up.upload_id, 2, &b2)
        .unwrap();
    assert!(matches!(
        store.complete_upload("big", "small", &up.upload_id, &[(1, q1.etag), (2, q2.etag)]),
        Err(StoreError::EntityTooSmall)
    ));
    let before = count_blobs(dir.path());
    store.abort_upload("big", "small", &up.upload_id).unwrap();
    assert_eq!(count_blobs(dir.path()), before - 2);
}

#[test]
fn everything_survives_a_reopen_and_orphans_are_swept() {
    let dir = tempfile::tempdir().unwrap();
    {
        let store = open(dir.path());
        store.create_bucket(&bucket("reports", ALPHA)).unwrap();
        put(&store, "reports", "kept", b"durable");
        // Bytes written but never committed: what a crash before the metadata commit leaves.
        store.blobs().write_from(&mut &b"orphan"[..], 100).unwrap();
        // A write abandoned half way.
        let mut w = store.blobs().writer(100).unwrap();
        w.append(b"partial").unwrap();
        std::mem::forget(w);
    }
    let store = open(dir.path());
    let v = store.object("reports", "kept", None).unwrap().unwrap();
    assert_eq!(read_all(&store, &v), b"durable");
    assert_eq!(
        walk(&dir.path().join("blobs")).len(),
        1,
        "only the committed blob is left"
    );
}

#[test]
fn a_blob_over_its_limit_is_refused_and_leaves_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let store = open(dir.path());
    let err = store
        .blobs()
        .write_from(&mut &[0u8; 100][..], 10)
        .unwrap_err();
    assert!(matches!(err, StoreError::EntityTooLarge));
    assert!(walk(&dir.path().join("blobs")).is_empty());
}

/// ACLs are kept as the server wrote them, per bucket and per object version; Object
/// Ownership may be changed or removed; account-level Block Public Access starts off and is
/// seen at once when set (it is cached).
#[test]
fn acls_ownership_and_account_settings_are_kept() {
    let dir = tempfile::tempdir().unwrap();
    let store = open(dir.path());
    let acl = Acl::decode("FULL_CONTROL CanonicalUser a\nWRITE CanonicalUser b");
    store
        .create_bucket(&NewBucket {
            object_ownership: ObjectOwnership::ObjectWriter,
            acl: &acl,
            ..bucket("shared", ALPHA)
        })
        .unwrap();
    assert_eq!(store.bucket("shared").unwrap().unwrap().acl, acl);
    store.set_bucket_acl("shared", &Acl::default()).unwrap();
    assert_eq!(store.bucket("shared").unwrap().unwrap().acl, Acl::default());
    store.set_object_ownership("shared", None).unwrap();
    assert_eq!(
        store.bucket("shared").unwrap().unwrap().object_ownership,
        None
    );

    let v = put(&store, "shared", "k", b"x");
    let group_read = Acl::decode("READ Group g");
    let changed = store
        .set_object_acl("shared", "k", None, &group_read)
        .unwrap();
    assert_eq!(changed.attributes.acl, group_read);
    let read = store.object("shared", "k", None).unwrap().unwrap();
    assert_eq!((read.seq, &read.attributes.acl), (v.seq, &group_read));
    assert!(matches!(
        store.set_object_acl("shared", "missing", None, &Acl::default()),
        Err(StoreError::NoSuchKey)
    ));

    assert_eq!(store.account_block_public_access(ALPHA).unwrap(), None);
    let flags = BlockPublicAccessFlags {
        block_public_acls: true,
        restrict_public_buckets: true,
        ..Default::default()
    };
    store
        .set_account_block_public_access(ALPHA, Some(flags))
        .unwrap();
    assert_eq!(
        store.account_block_public_access(ALPHA).unwrap(),
        Some(flags)
    );
    assert_eq!(store.account_block_public_access(BETA).unwrap(), None);
    drop(store);
    let store = open(dir.path());
    assert_eq!(
        store.account_block_public_access(ALPHA).unwrap(),
        Some(flags)
    );
    store
        .set_account_block_public_access(ALPHA, Some(BlockPublicAccessFlags::default()))
        .unwrap();
    assert_eq!(
        store.account_block_public_access(ALPHA).unwrap(),
        Some(BlockPublicAccessFlags::default())
    );
    assert!(matches!(
        store.set_account_block_public_access("999999999999", Some(flags)),
        Err(StoreError::NoSuchAccount)
    ));
}

#[test]
fn bucket_and_object_ids_are_never_handed_out_twice_even_across_reopen() {
    let dir = tempfile::tempdir().unwrap();
    let mut seen_buckets = HashSet::new();
    let mut seen_objects = HashSet::new();
    for round in 0..3 {
        let store = open(dir.path());
        // The newest row deleted each time: SQLite's row ids would hand its id on.
        let owner = if round % 2 == 0 { ALPHA } else { BETA };
        let b = store.create_bucket(&bucket("reused", owner)).unwrap();
        assert!(seen_buckets.insert(b.id), "bucket id {} reused", b.id);
        let v = put(&store, "reused", "k", b"x");
        assert!(seen_objects.insert(v.seq), "object seq {} reused", v.seq);
        store.delete_object("reused", "k", None).unwrap();
        store.delete_bucket("reused").unwrap();
    }
}

#[test]
fn every_write_that_decisions_read_moves_the_generation_and_caches_follow_it() {
    let dir = tempfile::tempdir().unwrap();
    let store = open(dir.path());
    let mut last = store.generation();
    let mut moved = |store: &Store, what: &str| {
        let now = store.generation();
        assert!(now > last, "{what} did not move the generation");
        last = now;
    };
    store.create_bucket(&bucket("b", ALPHA)).unwrap();
    moved(&store, "create_bucket");
    // Cached, then changed: the next read sees the change.
    assert_eq!(store.bucket_policy("b").unwrap(), None);
    store
        .set_bucket_policy("b", Some("{\"v\":1}"), &[])
        .unwrap();
    moved(&store, "set_bucket_policy");
    assert_eq!(store.bucket_policy("b").unwrap().unwrap().version, 1);
    store
        .set_block_public_access("b", Some(BlockPublicAccessFlags::default()))
        .unwrap();
    moved(&store, "set_block_public_access");
    assert_eq!(
        store.bucket("b").unwrap().unwrap().block_public_access,
        Some(BlockPublicAccessFlags::default())
    );
    assert_eq!(store.account_block_public_access(ALPHA).unwrap(), None);
    store
        .set_account_block_public_access(ALPHA, Some(BlockPublicAccessFlags::ALL))
        .unwrap();
    moved(&store, "set_account_block_public_access");
    assert_eq!(
        store.account_block_public_access(ALPHA).unwrap(),
        Some(BlockPublicAccessFlags::ALL)
    );
    store.delete_bucket("b").unwrap();
    moved(&store, "delete_bucket");
    assert_eq!(store.bucket("b").unwrap(), None);
    // The same name, another owner: nothing of the old bucket is served.
    store.create_bucket(&bucket("b", BETA)).unwrap();
    assert_eq!(store.bucket("b").unwrap().unwrap().owner, BETA);
    assert_eq!(store.bucket_policy("b").unwrap(), None);
}

/// Readers racing writers: a value loaded before a write committed is never served after it.
#[test]
fn concurrent_readers_never_see_a_policy_older_than_the_last_acknowledged_write() {
    let dir = tempfile::tempdir().unwrap();
    let store = std::sync::Arc::new(open(dir.path()));
    store.create_bucket(&bucket("race", ALPHA)).unwrap();
    let written = std::sync::Arc::new(std::sync::atomic::AtomicI64::new(0));
    let readers: Vec<_> = (0..3)
        .map(|_| {
            let (store, written) = (store.clone(), written.clone());
            std::thread::spawn(move || {
                for _ in 0..2000 {
                    let acknowledged = written.load(std::sync::atomic::Ordering::Acquire);
                    let seen = store
                        .bucket_policy("race")
                        .unwrap()
                        .map_or(0, |p| p.version);
                    assert!(
                        seen >= acknowledged,
                        "read version {seen} after version {acknowledged} was acknowledged"
                    );
                }
            })
        })
        .collect();
    for _ in 0..200 {
        let v = store.set_bucket_policy("race", Some("{}"), &[]).unwrap();
        written.store(v, std::sync::atomic::Ordering::Release);
    }
    for r in readers {
        r.join().unwrap();
    }
}

/// Two Completes of one upload racing (as two clients retrying would): exactly one makes the
/// object, the other finds the upload gone, and the object reads back whole — the check, the
/// parts' listing and the insert are one transaction, and no blob a row names is freed
/// (issue 11). An UploadPart racing a Complete either lands before it (and the Complete's
/// listed ETag no longer matches) or finds the upload gone; the object still reads whole.
#[test]
fn racing_completes_and_part_replacements_never_lose_an_objects_bytes() {
    let dir = tempfile::tempdir().unwrap();
    let store = std::sync::Arc::new(open(dir.path()));
    store.create_bucket(&bucket("race", ALPHA)).unwrap();
    let attrs = ObjectAttributes {
        owner: ALPHA.into(),
        ..Default::default()
    };
    let part1 = vec![b'a'; MIN_PART_SIZE as usize];
    for round in 0..20 {
        let key = format!("k{round}");
        let up = store
            .create_upload("race", &key, "arn:aws:iam::111122223333:root", &attrs)
            .unwrap();
        let blob1 = store.blobs().write_from(&mut &part1[..], u64::MAX).unwrap();
        let blob2 = store
            .blobs()
            .write_from(&mut &b"end"[..], u64::MAX)
            .unwrap();
        let p1 = store
            .put_part("race", &key, &up.upload_id, 1, &blob1)
            .unwrap();
        let p2 = store
            .put_part("race", &key, &up.upload_id, 2, &blob2)
            .unwrap();
        let listed = vec![(1, p1.etag.clone()), (2, p2.etag.clone())];
        let barrier = std::sync::Arc::new(std::sync::Barrier::new(3));
        let complete = |store: std::sync::Arc<Store>,
                        barrier: std::sync::Arc<std::sync::Barrier>| {
            let (key, id, listed) = (key.clone(), up.upload_id.clone(), listed.clone());
            std::thread::spawn(move || {
                barrier.wait();
                store.complete_upload("race", &key, &id, &listed)
            })
        };
        let a = complete(store.clone(), barrier.clone());
        let b = complete(store.clone(), barrier.clone());
        let replacement = {
            let (store, barrier, key, id) = (
                store.clone(),
                barrier.clone(),
                key.clone(),
                up.upload_id.clone(),
            );
            std::thread::spawn(move || {
                let blob = store
                    .blobs()
                    .write_from(&mut &b"new"[..], u64::MAX)
                    .unwrap();
                barrier.wait();
                store.put_part("race", &key, &id, 2, &blob)
            })
        };
        let results = [a.join().unwrap(), b.join().unwrap()];
        let replaced = replacement.join().unwrap();
        let made: Vec<&ObjectVersion> = results.iter().filter_map(|r| r.as_ref().ok()).collect();
        for r in &results {
            if let Err(e) = r {
                assert!(
                    matches!(e, StoreError::NoSuchUpload | StoreError::InvalidPart),
                    "{e:?}"
                );
            }
        }
        assert!(
            made.len() <= 1,
            "round {round}: two Completes both succeeded"
        );
        match store.object("race", &key, None).unwrap() {
            Some(v) => {
                assert!(replaced.is_err() || made.len() == 1);
                let mut expected = part1.clone();
                expected.extend_from_slice(b"end");
                assert_eq!(read_all(&store, &v), expected, "round {round}");
            }
            // The replacement landed first: the listed ETag of part 2 no longer matched.
            None => assert!(replaced.is_ok() && made.is_empty(), "round {round}"),
        }
    }
}

/// A write that fails frees the new blob it was handed: no row names it, so nothing else would
/// (PutObject into a bucket gone, a part for an upload that ended).
#[test]
fn failed_writes_free_the_blobs_they_were_handed() {
    let dir = tempfile::tempdir().unwrap();
    let store = open(dir.path());
    store.create_bucket(&bucket("kept", ALPHA)).unwrap();
    let before = count_blobs(dir.path());
    let blob = store
        .blobs()
        .write_from(&mut &b"orphan"[..], 1 << 20)
        .unwrap();
    let attrs = ObjectAttributes {
        owner: ALPHA.into(),
        ..Default::default()
    };
    assert!(matches!(
        store.put_object("gone", "k", &attrs, &[blob], "etag"),
        Err(StoreError::NoSuchBucket)
    ));
    let blob = store
        .blobs()
        .write_from(&mut &b"part"[..], 1 << 20)
        .unwrap();
    assert!(matches!(
        store.put_part("kept", "k", "no-such-upload", 1, &blob),
        Err(StoreError::NoSuchUpload)
    ));
    assert_eq!(count_blobs(dir.path()), before, "both blobs freed");
}

/// All pages of a listing: (keys, common prefixes) of each.
fn all_pages(
    store: &Store,
    b: &str,
    prefix: &str,
    delimiter: &str,
) -> Vec<(Vec<String>, Vec<String>)> {
    let mut pages = Vec::new();
    let mut after: Option<String> = None;
    loop {
        let page = store
            .list_objects(b, &q(prefix, delimiter, after.as_deref(), 250))
            .unwrap();
        pages.push((
            keys(&page).iter().map(|k| k.to_string()).collect(),
            page.common_prefixes.clone(),
        ));
        if !page.truncated {
            return pages;
        }
        after = page.next_after;
    }
}

/// The bulk path writes what PutObject of zero bytes writes, as far as listing and GET can
/// tell, draws its seqs from the same sequence, and refuses a key that exists.
#[test]
fn bulk_inserted_objects_list_and_read_like_put_ones() {
    let dir = tempfile::tempdir().unwrap();
    let store = open(dir.path());
    store.create_bucket(&bucket("bulk", ALPHA)).unwrap();
    store.create_bucket(&bucket("put", ALPHA)).unwrap();
    // Not in byte order ("top-" sorts after the directories): the bulk path must not care.
    let names: Vec<String> = (0..300)
        .map(|i| match i % 7 {
            0 => format!("top-{i:05}"),
            _ => format!("{:04}/{i:05}.json", i / 10),
        })
        .collect();
    let empty = ObjectAttributes {
        owner: ALPHA.into(),
        ..Default::default()
    };
    for name in &names {
        let blob = store.blobs().write_from(&mut &b""[..], 1).unwrap();
        let etag = etag_of(&blob.md5);
        store
            .put_object("put", name, &empty, &[blob], &etag)
            .unwrap();
    }
    let inserted = store
        .bulk_insert_empty_objects("bulk", ALPHA, names.iter().cloned())
        .unwrap();
    assert_eq!(inserted, names.len() as u64);
    for (prefix, delimiter) in [("", ""), ("", "/"), ("0012/", "/"), ("top-", "")] {
        assert_eq!(
            all_pages(&store, "bulk", prefix, delimiter),
            all_pages(&store, "put", prefix, delimiter),
            "prefix {prefix:?}, delimiter {delimiter:?}"
        );
    }
    let got = store
        .object("bulk", "0012/00121.json", None)
        .unwrap()
        .unwrap();
    let normal = store
        .object("put", "0012/00121.json", None)
        .unwrap()
        .unwrap();
    assert_eq!(
        (
            &got.version_id,
            got.is_latest,
            got.delete_marker,
            got.size,
            &got.etag,
            &got.attributes
        ),
        (
            &normal.version_id,
            normal.is_latest,
            normal.delete_marker,
            normal.size,
            &normal.etag,
            &normal.attributes
        )
    );
    assert!(read_all(&store, &got).is_empty());
    let (_, segments) = store
        .object_with_segments("bulk", "top-00007", None)
        .unwrap()
        .unwrap();
    let mut bytes = Vec::new();
    store
        .read_segments(segments, 0, 0)
        .read_to_end(&mut bytes)
        .unwrap();
    assert!(bytes.is_empty());

    let refused =
        store.bulk_insert_empty_objects("bulk", ALPHA, ["new".to_string(), names[5].clone()]);
    assert!(matches!(refused, Err(StoreError::Db(_))), "{refused:?}");
    assert!(
        store.object("bulk", "new", None).unwrap().is_none(),
        "all or nothing"
    );
    let max_bulk_seq = names
        .iter()
        .map(|k| store.object("bulk", k, None).unwrap().unwrap().seq)
        .max()
        .unwrap();
    let after = put(&store, "bulk", "after-bulk", b"x");
    assert!(after.seq > max_bulk_seq, "{} > {max_bulk_seq}", after.seq);
    // Overwritten the normal way, a bulk object behaves as any other.
    let replaced = put(&store, "bulk", &names[5], b"abc");
    assert_eq!(read_all(&store, &replaced), b"abc");
}

/// The object cache never serves what the database no longer holds: a long random sequence of
/// overwrites, deletes, versioning changes, tag and ACL edits, and buckets deleted and made
/// again under the same name, each followed by reads of every key (current and named versions)
/// that must equal the uncached answer — on one long-lived store, as a server runs.
#[test]
fn cached_object_reads_always_match_the_database() {
    let dir = tempfile::tempdir().unwrap();
    let store = open(dir.path());
    store.create_bucket(&bucket("cache", ALPHA)).unwrap();
    let keys = ["a", "b", "c/d"];
    let mut seen_versions: Vec<String> = Vec::new();
    let mut state = 0x9e37_79b9_7f4a_7c15u64;
    let mut next = move |n: u64| {
        state = state.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = state;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        (z ^ (z >> 31)) % n
    };
    for step in 0..400 {
        let key = keys[next(keys.len() as u64) as usize];
        match next(9) {
            0..=2 => {
                let v = put(&store, "cache", key, format!("step {step}").as_bytes());
                seen_versions.push(v.version_id);
            }
            3 => {
                let _ = store.delete_object("cache", key, None);
            }
            4 => {
                let state = [Versioning::Enabled, Versioning::Suspended][next(2) as usize];
                store.set_versioning("cache", state).unwrap();
            }
            5 => {
                let _ = store.set_object_tags("cache", key, None, &format!("step={step}"));
            }
            6 => {
                let _ = store.set_object_acl("cache", key, None, &NO_GRANTS);
            }
            7 if !seen_versions.is_empty() => {
                let v = &seen_versions[next(seen_versions.len() as u64) as usize];
                let _ = store.delete_object("cache", key, Some(v));
            }
            _ => {
                // Empty the bucket and make it again: same name, new bucket.
                let versions = store
                    .list_object_versions("cache", "", None, None, 10_000)
                    .unwrap();
                for v in versions.0 {
                    store
                        .delete_object("cache", &v.key, Some(&v.version_id))
                        .unwrap();
                }
                store.delete_bucket("cache").unwrap();
                store.create_bucket(&bucket("cache", ALPHA)).unwrap();
            }
        }
        for key in keys {
            let names = std::iter::once(None)
                .chain(seen_versions.iter().rev().take(3).map(|v| Some(v.as_str())));
            for version in names {
                let cached = store.object_with_segments("cache", key, version).unwrap();
                let fresh = store.bypassing_caches(|| {
                    store.object_with_segments("cache", key, version).unwrap()
                });
                assert_eq!(cached, fresh, "step {step}, {key} {version:?}");
            }
        }
    }
}

/// A small object's bytes come from memory on the second read, and an overwrite (a new blob)
/// is never answered with the old bytes; a large or multi-part object is not kept.
#[test]
fn small_objects_are_read_from_memory_and_never_stale() {
    let dir = tempfile::tempdir().unwrap();
    let store = open(dir.path());
    store.create_bucket(&bucket("small", ALPHA)).unwrap();
    for round in 0..5 {
        let body = format!("round {round}");
        put(&store, "small", "k", body.as_bytes());
        for _ in 0..2 {
            let (_, segments) = store
                .object_with_segments("small", "k", None)
                .unwrap()
                .unwrap();
            let bytes = store.small_object(&segments).unwrap().unwrap();
            assert_eq!(&bytes[..], body.as_bytes());
        }
    }
    let big = vec![7u8; SMALL_BLOB as usize + 1];
    put(&store, "small", "big", &big);
    let (_, segments) = store
        .object_with_segments("small", "big", None)
        .unwrap()
        .unwrap();
    assert!(store.small_object(&segments).unwrap().is_none());
}
