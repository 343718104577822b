//! Server-side encryption at rest: the blob files of an SSE-S3 or SSE-KMS object hold no
//! plaintext (a plain object's do — the control), the master key stays in the data directory
//! (mode 0600), and encrypted objects read back whole and by range after a restart.

mod common;

use aws_sdk_s3::primitives::ByteStream;
use aws_sdk_s3::types::ServerSideEncryption;

/// 300 KiB of a recognizable, non-repeating pattern.
fn pattern() -> Vec<u8> {
    (0..300 * 1024u32)
        .flat_map(|i| format!("{:08}", i).into_bytes())
        .take(300 * 1024)
        .collect()
}

/// Every blob file's bytes, concatenated.
fn blob_bytes(dir: &std::path::Path) -> Vec<Vec<u8>> {
    let mut out = Vec::new();
    let mut stack = vec![dir.join("blobs")];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else {
                out.push(std::fs::read(&path).unwrap());
            }
        }
    }
    out
}

fn holds(blobs: &[Vec<u8>], needle: &[u8]) -> bool {
    blobs
        .iter()
        .any(|b| b.windows(needle.len()).any(|w| w == needle))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn encrypted_bytes_on_disk_are_not_the_plaintext() {
    let dir = tempfile::tempdir().unwrap();
    let data = pattern();
    {
        let server = common::start_own(dir.path()).await;
        let s3 = common::alpha(&server);
        s3.create_bucket().bucket("sealed").send().await.unwrap();
        for (key, sse) in [
            ("s3", Some(ServerSideEncryption::Aes256)),
            ("kms", Some(ServerSideEncryption::AwsKms)),
        ] {
            let put = s3
                .put_object()
                .bucket("sealed")
                .key(key)
                .set_server_side_encryption(sse.clone())
                .body(ByteStream::from(data.clone()))
                .send()
                .await
                .unwrap();
            assert_eq!(put.server_side_encryption(), sse.as_ref());
        }
    }
    // A distinctive stretch from the middle of the pattern is nowhere on disk.
    let needle = &data[150_000..150_064];
    assert!(
        !holds(&blob_bytes(dir.path()), needle),
        "plaintext found in a blob"
    );
    let master = dir.path().join("kms/master.key");
    assert_eq!(std::fs::metadata(&master).unwrap().len(), 32);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&master).unwrap().permissions().mode();
        assert_eq!(
            mode & 0o077,
            0,
            "the master key is readable by others: {mode:o}"
        );
    }
    // After a restart both read back, whole and by a range across a chunk boundary.
    let server = common::start_own(dir.path()).await;
    let s3 = common::alpha(&server);
    for key in ["s3", "kms"] {
        let whole = s3
            .get_object()
            .bucket("sealed")
            .key(key)
            .send()
            .await
            .unwrap();
        assert!(whole.server_side_encryption().is_some());
        assert_eq!(whole.body.collect().await.unwrap().into_bytes(), data);
        let part = s3
            .get_object()
            .bucket("sealed")
            .key(key)
            .range("bytes=65000-132000")
            .send()
            .await
            .unwrap();
        assert_eq!(
            part.body.collect().await.unwrap().into_bytes(),
            &data[65000..=132000]
        );
    }
    // The control: a plain object's bytes are on disk as sent.
    s3.put_object()
        .bucket("sealed")
        .key("plain")
        .body(ByteStream::from(data.clone()))
        .send()
        .await
        .unwrap();
    assert!(holds(&blob_bytes(dir.path()), needle));
}
