//! `cargo bench -p store --bench listing`: issue 16's scale benchmarks at the store level.
//!
//! - Listing: for each size in `LISTING_SIZES` (default `10000,1000000,10000000`), one bucket
//!   of that many keys `{i/10:07}/{i:09}.json` (10 per "directory"), bulk-loaded; then the
//!   median cost of a 1000-key `list_objects` page without a delimiter (starting after keys
//!   spread through the bucket) and of a 1000-prefix page with delimiter `/` from the start.
//! - 10 vs 10,000 buckets in one account: ListBuckets and a bucket lookup.
//! - 10 vs 10,000 IAM users in the directory: resolving the last user's access key and
//!   reading their identity policies, as every request does. IAM allows 5000 users in an
//!   account: the last 5000 are the benchmarked account's, those before them fill other ones.
//!
//! Each row says whether the store caches the call measured. Prints medians and the ratio of
//! the largest to the smallest; the columns take turns, and the machine is shared: compare
//! within one run. `-- --prepare DIR --keys N [--buckets M] [--users U]` instead fills a
//! Gatehouse data dir for `scripts/listing-bench.sh` and exits.

use std::hint::black_box;
use std::path::{Path, PathBuf};
use std::time::Instant;

use store::{
    Acl, BlockPublicAccessFlags, EntityKind, NewBucket, NewEntity, ObjectOwnership, Store,
};

const ACCOUNT: &str = "111111111111";
const BUCKET: &str = "bench";
/// IAM's UsersPerAccount quota: users beyond it go into filler accounts.
const USERS_PER_ACCOUNT: usize = 5000;
const PAGE: usize = 1000;
/// Start positions of the no-delimiter page, cycled so that no single page stays hot.
const STARTS: usize = 16;
/// Rounds of [`measure`].
const ROUNDS: usize = 5;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if let Some(dir) = flag(&args, "--prepare") {
        let number = |name, default| flag(&args, name).map_or(default, |n| parse(&n));
        prepare(
            Path::new(&dir),
            number("--keys", 0),
            number("--buckets", 1),
            number("--users", 0),
        );
        return;
    }
    // `-- buckets users` runs only the sections named (listing, buckets, users).
    let filter: Vec<&String> = args.iter().filter(|a| !a.starts_with('-')).collect();
    let wanted = |name: &str| filter.is_empty() || filter.iter().any(|f| *f == name);
    let mut rows = Vec::new();
    if wanted("listing") {
        rows.extend(listings());
    }
    if wanted("buckets") {
        rows.extend(buckets(&[10, 10_000]));
    }
    if wanted("users") {
        rows.extend(users(&[10, 10_000]));
    }
    println!();
    for row in &rows {
        row.print();
    }
}

fn flag(args: &[String], name: &str) -> Option<String> {
    let at = args.iter().position(|a| a == name)?;
    Some(args.get(at + 1).expect("a value after the flag").clone())
}

fn parse(n: &str) -> usize {
    n.trim().replace('_', "").parse().expect("a number")
}

fn keys_label(size: usize) -> String {
    match size {
        s if s >= 1_000_000 && s % 1_000_000 == 0 => format!("{}M keys", s / 1_000_000),
        s if s >= 1_000 && s % 1_000 == 0 => format!("{}k keys", s / 1_000),
        s => format!("{s} keys"),
    }
}

fn key(i: usize) -> String {
    format!("{:07}/{i:09}.json", i / 10)
}

/// A store in a fresh temporary directory, removed with it.
struct Fixture {
    // Fields drop in order: the store closes before its directory goes.
    store: Store,
    _dir: TempDir,
}

impl Fixture {
    /// With the account (and nothing else).
    fn new(what: &str) -> Fixture {
        let dir = TempDir(std::env::temp_dir().join(format!(
            "gatehouse-listing-bench-{}-{what}",
            std::process::id()
        )));
        let _ = std::fs::remove_dir_all(&dir.0);
        let store = Store::open(&dir.0).unwrap();
        store.create_account(ACCOUNT, "alpha", None).unwrap();
        Fixture { store, _dir: dir }
    }
}

struct TempDir(PathBuf);

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn new_bucket<'a>(name: &'a str, owner: &'static str) -> NewBucket<'a> {
    static NO_GRANTS: Acl = Acl { grants: Vec::new() };
    NewBucket {
        name,
        owner,
        region: "us-east-1",
        object_ownership: ObjectOwnership::BucketOwnerEnforced,
        block_public_access: BlockPublicAccessFlags::ALL,
        acl: &NO_GRANTS,
    }
}

/// Creates the bucket `bench` holding `size` bulk-loaded keys, and says how long that took.
fn load_keys(store: &Store, size: usize) {
    store.create_bucket(&new_bucket(BUCKET, ACCOUNT)).unwrap();
    let start = Instant::now();
    let n = store
        .bulk_insert_empty_objects(BUCKET, ACCOUNT, (0..size).map(key))
        .unwrap();
    let elapsed = start.elapsed().as_secs_f64();
    println!(
        "loaded {n} keys in {elapsed:.1} s ({:.0} keys/s)",
        n as f64 / elapsed
    );
}

/// A 1000-key page without a delimiter, starting after keys spread through the bucket, and a
/// 1000-prefix page with delimiter `/` from the start, at each size of `LISTING_SIZES`.
fn listings() -> Vec<Row> {
    let sizes: Vec<usize> = std::env::var("LISTING_SIZES")
        .unwrap_or_else(|_| "10000,1000000,10000000".into())
        .split(',')
        .map(parse)
        .collect();
    let fixtures: Vec<(usize, Fixture)> = sizes
        .iter()
        .map(|&size| {
            assert!(size > PAGE, "a bucket of more than one page");
            let f = Fixture::new(&format!("{size}-keys"));
            load_keys(&f.store, size);
            (size, f)
        })
        .collect();
    let plain = measure(
        Row::new("list, no delimiter", "uncached", "<= 1.5"),
        fixtures
            .iter()
            .map(|(size, f)| {
                let starts: Vec<String> = (0..STARTS)
                    .map(|s| key(s * (size - PAGE - 1) / STARTS))
                    .collect();
                let mut next = 0;
                case(keys_label(*size), move || {
                    next = (next + 1) % STARTS;
                    let page = list(&f.store, "", Some(&starts[next]));
                    page.objects.len() == PAGE && page.truncated
                })
            })
            .collect(),
    );
    let delimited = measure(
        Row::new("list, delimiter /", "uncached", "<= 1.5"),
        fixtures
            .iter()
            .map(|(size, f)| {
                case(keys_label(*size), move || {
                    list(&f.store, "/", None).common_prefixes.len() == PAGE.min(size / 10)
                })
            })
            .collect(),
    );
    vec![plain, delimited]
}

fn list(store: &Store, delimiter: &str, after: Option<&str>) -> store::ListPage {
    let q = store::ListQuery {
        prefix: "",
        delimiter,
        after,
        max_keys: PAGE,
    };
    store.list_objects(BUCKET, &q).unwrap()
}

/// ListBuckets (every bucket of the account, and a page of ten; uncached) and the lookup of the last bucket
/// made (cached and not), with each of `counts` buckets in the account.
fn buckets(counts: &[usize]) -> Vec<Row> {
    let fixtures: Vec<(usize, Fixture, String)> = counts
        .iter()
        .map(|&count| {
            let f = Fixture::new(&format!("{count}-buckets"));
            let names = bucket_names(count);
            let start = Instant::now();
            for name in &names {
                f.store.create_bucket(&new_bucket(name, ACCOUNT)).unwrap();
            }
            println!(
                "created {count} buckets in {:.1} s",
                start.elapsed().as_secs_f64()
            );
            (count, f, names.last().unwrap().clone())
        })
        .collect();
    let label = |count: usize| format!("{count} buckets");
    let list = measure(
        Row::new("ListBuckets, all", "uncached", "grows with the answer"),
        fixtures
            .iter()
            .map(|(count, f, _)| {
                case(label(*count), move || {
                    f.store.list_buckets(ACCOUNT).unwrap().len() == *count
                })
            })
            .collect(),
    );
    let ten = store::BucketsQuery {
        limit: 10,
        after: Some(BUCKET),
        ..Default::default()
    };
    let page = measure(
        Row::new("ListBuckets, 10", "uncached", "~1 (same cost)"),
        fixtures
            .iter()
            .map(|(count, f, _)| {
                let ten = ten.clone();
                case(label(*count), move || {
                    f.store.list_buckets_page(ACCOUNT, &ten).unwrap().len() == 10.min(count - 1)
                })
            })
            .collect(),
    );
    let cached = measure(
        Row::new("bucket lookup", "cached", "~1 (same cost)"),
        fixtures
            .iter()
            .map(|(count, f, last)| case(label(*count), move || lookup(&f.store, last)))
            .collect(),
    );
    let uncached = measure(
        Row::new("bucket lookup", "uncached", "~1 (same cost)"),
        fixtures
            .iter()
            .map(|(count, f, last)| {
                case(label(*count), move || {
                    f.store.bypassing_caches(|| lookup(&f.store, last))
                })
            })
            .collect(),
    );
    vec![list, page, cached, uncached]
}

/// `bench` and then `bench-00001`... : `count` in all.
fn bucket_names(count: usize) -> Vec<String> {
    std::iter::once(BUCKET.to_string())
        .chain((1..count).map(|i| format!("{BUCKET}-{i:05}")))
        .collect()
}

fn lookup(store: &Store, name: &str) -> bool {
    store.bucket(name).unwrap().is_some()
}

/// What a request by the last of `count` users reads of the directory, for each of
/// `counts`: the access key (cached by the store) and the identity inputs (never cached by
/// the store; the server caches what it compiles from them until the next write), then both
/// with every cache bypassed — what a request costs after any write.
fn users(counts: &[usize]) -> Vec<Row> {
    let fixtures: Vec<(usize, Fixture, std::sync::Arc<store::AccessKey>)> = counts
        .iter()
        .map(|&count| {
            let f = Fixture::new(&format!("{count}-users"));
            f.store.create_bucket(&new_bucket(BUCKET, ACCOUNT)).unwrap();
            let start = Instant::now();
            create_users(&f.store, count);
            println!(
                "created {count} users with keys and policies in {:.1} s",
                start.elapsed().as_secs_f64()
            );
            let key = f.store.access_key(&user_key(count).0).unwrap().unwrap();
            (count, f, key)
        })
        .collect();
    let label = |count: usize| format!("{count} users");
    let key = measure(
        Row::new("access key", "cached", "~1 (same cost)"),
        fixtures
            .iter()
            .map(|(count, f, k)| {
                case(label(*count), move || {
                    f.store.access_key(&k.access_key_id).unwrap().is_some()
                })
            })
            .collect(),
    );
    let inputs = measure(
        Row::new("identity inputs", "uncached", "~1 (same cost)"),
        fixtures
            .iter()
            .map(|(count, f, k)| case(label(*count), move || has_policy(&f.store, k)))
            .collect(),
    );
    let both = measure(
        Row::new("key + identity", "uncached", "~1 (same cost)"),
        fixtures
            .iter()
            .map(|(count, f, k)| {
                case(label(*count), move || {
                    f.store.bypassing_caches(|| {
                        let k = f.store.access_key(&k.access_key_id).unwrap().unwrap();
                        has_policy(&f.store, &k)
                    })
                })
            })
            .collect(),
    );
    vec![key, inputs, both]
}

fn has_policy(store: &Store, key: &store::AccessKey) -> bool {
    store.identity_inputs(key).unwrap().identity.len() == 1
}

fn user_name(i: usize) -> String {
    format!("user{i:05}")
}

/// User `i`'s access key id and secret: `AKIAUSER000000000042`, `secret-00000042`.
fn user_key(i: usize) -> (String, String) {
    (format!("AKIAUSER{i:012}"), format!("secret-{i:08}"))
}

/// The account of user `i` of `count`: the last 5000 are the account's, the others fill
/// accounts `900000000000`... (IAM allows 5000 users per account).
fn user_account(i: usize, count: usize) -> String {
    if i > count.saturating_sub(USERS_PER_ACCOUNT) {
        ACCOUNT.to_string()
    } else {
        format!("{}", 900_000_000_000 + (i - 1) / USERS_PER_ACCOUNT)
    }
}

/// Users `user00001`... each with the key of [`user_key`] and an inline policy allowing
/// s3:ListBucket and s3:GetObject on `bench`.
fn create_users(store: &Store, count: usize) {
    let policy = format!(
        r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Action":["s3:ListBucket","s3:GetObject"],"Resource":["arn:aws:s3:::{BUCKET}","arn:aws:s3:::{BUCKET}/*"]}}]}}"#
    );
    for i in 1..=count {
        let account = user_account(i, count);
        if store.account(&account).unwrap().is_none() {
            store.create_account(&account, &account, None).unwrap();
        }
        let name = user_name(i);
        let user = store
            .create_entity(&NewEntity {
                account_id: &account,
                kind: EntityKind::User,
                name: &name,
                path: "/",
                description: None,
                trust_policy: None,
                trust_bindings: &[],
                max_session_s: None,
                boundary_arn: None,
                tags: &[],
            })
            .unwrap();
        store
            .put_inline_policy(&account, EntityKind::User, &name, "bench", &policy)
            .unwrap();
        let (access_key_id, secret) = user_key(i);
        store
            .put_access_key(&store::AccessKey {
                access_key_id,
                secret,
                account_id: account,
                principal_arn: user.arn,
                active: true,
                session_token: None,
                expires_ms: None,
            })
            .unwrap();
    }
}

/// `--prepare`: a data dir for `gatehouse serve` (which opens the store in the data dir
/// itself) with the account, `bench` holding `keys` keys, `buckets - 1` more buckets and
/// `users` users.
fn prepare(dir: &Path, keys: usize, buckets: usize, users: usize) {
    let store = Store::open(dir).unwrap();
    store.create_account(ACCOUNT, "alpha", None).unwrap();
    load_keys(&store, keys);
    for name in bucket_names(buckets).iter().skip(1) {
        store.create_bucket(&new_bucket(name, ACCOUNT)).unwrap();
    }
    create_users(&store, users);
    println!(
        "prepared {}: {keys} keys, {buckets} buckets, {users} users",
        dir.display()
    );
}

/// One line of the table: a median (µs) per column.
struct Row {
    label: &'static str,
    cached: &'static str,
    target: &'static str,
    cells: Vec<(String, f64)>,
}

impl Row {
    fn new(label: &'static str, cached: &'static str, target: &'static str) -> Row {
        Row {
            label,
            cached,
            target,
            cells: Vec::new(),
        }
    }

    fn push(&mut self, column: &str, us: f64) {
        println!(
            "{:<18} {:<9} {column:>14}: median {us:>10.2} µs",
            self.label, self.cached
        );
        self.cells.push((column.to_string(), us));
    }

    fn print(&self) {
        let cells: String = self
            .cells
            .iter()
            .map(|(column, us)| format!("{column:>14} {us:>10.2} µs"))
            .collect();
        let values = self.cells.iter().map(|(_, us)| *us);
        let ratio = values.clone().fold(f64::MIN, f64::max) / values.fold(f64::MAX, f64::min);
        println!(
            "{:<18} {:<9}{cells}   largest/smallest {ratio:>6.2}  target {}",
            self.label, self.cached, self.target
        );
    }
}

/// A benchmarked call: a column's label and the call, which answers whether it went as
/// expected.
type Case<'a> = (String, Box<dyn FnMut() -> bool + 'a>);

fn case<'a>(label: String, f: impl FnMut() -> bool + 'a) -> Case<'a> {
    (label, Box::new(f))
}

/// `row` with each case's median: the median over [`ROUNDS`] rounds in which the cases take
/// turns, so that a busy spell of the shared machine falls on every column alike.
fn measure(mut row: Row, mut cases: Vec<Case>) -> Row {
    let mut medians = vec![Vec::new(); cases.len()];
    for _ in 0..ROUNDS {
        for ((_, f), m) in cases.iter_mut().zip(&mut medians) {
            m.push(median_us(f));
        }
    }
    for ((label, _), mut m) in cases.into_iter().zip(medians) {
        m.sort_by(|a, b| a.partial_cmp(b).unwrap());
        row.push(&label, m[m.len() / 2]);
    }
    row
}

/// Median over 30 samples of the per-call time in µs, each sample long enough (~20 ms) to
/// swamp the clock's resolution; the calibration warms caches first.
fn median_us(mut f: impl FnMut() -> bool) -> f64 {
    let mut iters = 1u64;
    loop {
        let start = Instant::now();
        for _ in 0..iters {
            assert!(black_box(f()), "the benchmarked call answered as expected");
        }
        if start.elapsed().as_millis() >= 20 {
            break;
        }
        iters *= 2;
    }
    let mut samples: Vec<f64> = (0..30)
        .map(|_| {
            let start = Instant::now();
            for _ in 0..iters {
                black_box(f());
            }
            start.elapsed().as_nanos() as f64 / 1000.0 / iters as f64
        })
        .collect();
    samples.sort_by(|a, b| a.partial_cmp(b).unwrap());
    samples[samples.len() / 2]
}
