//! One endpoint, several regions (DESIGN.md, "Regions"): the SDK for Rust sees the 301 and
//! `x-amz-bucket-region` (it does not follow S3 redirects); boto3 follows them by itself.

use aws_sdk_s3::types::{BucketLocationConstraint, CreateBucketConfiguration};
use aws_sdk_s3::Client;

const CONFIG: &str = r#"
regions = ["us-east-1", "us-west-2", "eu-central-1"]
[[accounts]]
id = "111111111111"
name = "alpha"
root_access_key_id = "AKIAALPHAROOTEXAMPLE"
root_secret_access_key = "alpha-root-secret-example"
"#;

mod common;

async fn start(dir: &std::path::Path) -> common::Server {
    common::start_with(dir, CONFIG, None).await
}

fn client(endpoint: &str, region: &'static str) -> Client {
    common::client_for(
        endpoint,
        region,
        "AKIAALPHAROOTEXAMPLE",
        "alpha-root-secret-example",
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn buckets_live_in_one_region_and_other_regions_are_redirected() {
    let dir = tempfile::tempdir().unwrap();
    let server = start(dir.path()).await;
    let endpoint = server.endpoint.clone();
    let frankfurt = client(&endpoint, "eu-central-1");
    let virginia = client(&endpoint, "us-east-1");
    // Signed for eu-central-1 with no constraint: AWS refuses.
    let err = frankfurt
        .create_bucket()
        .bucket("euro")
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert_eq!(
        err.meta().code(),
        Some("IllegalLocationConstraintException")
    );
    let here = CreateBucketConfiguration::builder()
        .location_constraint(BucketLocationConstraint::EuCentral1)
        .build();
    frankfurt
        .create_bucket()
        .bucket("euro")
        .create_bucket_configuration(here)
        .send()
        .await
        .unwrap();
    frankfurt
        .put_object()
        .bucket("euro")
        .key("k")
        .body(aws_sdk_s3::primitives::ByteStream::from_static(b"v"))
        .send()
        .await
        .unwrap();
    // From us-east-1: 301 with the bucket's region, on GET and on HEAD.
    let err = virginia
        .get_object()
        .bucket("euro")
        .key("k")
        .send()
        .await
        .unwrap_err();
    let raw = err.raw_response().unwrap();
    assert_eq!(raw.status().as_u16(), 301);
    assert_eq!(
        raw.headers().get("x-amz-bucket-region"),
        Some("eu-central-1")
    );
    let body = std::str::from_utf8(raw.body().bytes().unwrap())
        .unwrap()
        .to_string();
    assert!(
        body.contains("<Code>PermanentRedirect</Code>")
            && body.contains("<Bucket>euro</Bucket>")
            && body.contains("<Endpoint>"),
        "{body}"
    );
    let err = virginia
        .head_bucket()
        .bucket("euro")
        .send()
        .await
        .unwrap_err();
    assert_eq!(
        err.raw_response()
            .unwrap()
            .headers()
            .get("x-amz-bucket-region"),
        Some("eu-central-1")
    );
    assert!(err
        .raw_response()
        .unwrap()
        .headers()
        .get("x-gatehouse-internal-redirect-bucket")
        .is_none());
    // Exempt: GetBucketLocation and ListBuckets answer from any region.
    let location = virginia
        .get_bucket_location()
        .bucket("euro")
        .send()
        .await
        .unwrap();
    assert_eq!(
        location.location_constraint(),
        Some(&BucketLocationConstraint::EuCentral1)
    );
    assert_eq!(
        virginia
            .list_buckets()
            .send()
            .await
            .unwrap()
            .buckets()
            .len(),
        1
    );
    let head = frankfurt.head_bucket().bucket("euro").send().await.unwrap();
    assert_eq!(head.bucket_region(), Some("eu-central-1"));
}

/// boto3, configured for another region, follows the redirect on its own.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn boto3_follows_the_redirect_by_itself() {
    let dir = tempfile::tempdir().unwrap();
    let server = start(dir.path()).await;
    let endpoint = server.endpoint.clone();
    let here = CreateBucketConfiguration::builder()
        .location_constraint(BucketLocationConstraint::UsWest2)
        .build();
    let oregon = client(&endpoint, "us-west-2");
    oregon
        .create_bucket()
        .bucket("west")
        .create_bucket_configuration(here)
        .send()
        .await
        .unwrap();
    oregon
        .put_object()
        .bucket("west")
        .key("hello.txt")
        .body(aws_sdk_s3::primitives::ByteStream::from_static(
            b"hi from the west",
        ))
        .send()
        .await
        .unwrap();
    let script = r#"
import sys, boto3
s3 = boto3.client("s3", endpoint_url=sys.argv[1], region_name="eu-central-1",
                  aws_access_key_id="AKIAALPHAROOTEXAMPLE", aws_secret_access_key="alpha-root-secret-example")
print(s3.get_object(Bucket="west", Key="hello.txt")["Body"].read().decode())
"#;
    assert_eq!(
        common::boto3(script, &endpoint).await.trim(),
        "hi from the west"
    );
}
