//! Upload integrity: `Content-MD5` and the `x-amz-checksum-*` values (in headers, or in the
//! trailer of an aws-chunked body) are checked against what arrived; a mismatch is AWS's
//! `BadDigest` and nothing is stored [S3 `checking-object-integrity`].

use base64::Engine;
use http::HeaderMap;
use s3s::checksum::ChecksumHasher;
use s3s::dto::{Checksum, StreamingBlob};
use s3s::{s3_error, S3Result};
use store::BlobInfo;

use crate::api::s3::body::store_body;
use crate::api::s3::sse::DataKey;
use crate::state::Gatehouse;

/// What a write request promised about its body.
pub struct Promised<'r> {
    pub headers: &'r HeaderMap,
    /// The `x-amz-checksum-*` values of the headers.
    pub checksum: Checksum,
    pub content_md5: Option<String>,
    /// The aws-chunked trailer, read once the body has been.
    pub trailers: Option<&'r s3s::TrailingHeaders>,
}

/// Writes `body` (at most `limit` bytes) to a durable blob and holds it to everything the
/// request promised: Content-MD5, the checksum headers or trailer, and an aws-chunked body's
/// `x-amz-decoded-content-length`. On any mismatch the blob is removed before the error is
/// returned, so nothing of a refused write is stored — the rule for every write path
/// (PutObject, UploadPart) [S3 `checking-object-integrity`].
pub async fn store_verified(
    gatehouse: &Gatehouse,
    body: Option<StreamingBlob>,
    limit: u64,
    data_key: Option<&DataKey>,
    promised: Promised<'_>,
) -> S3Result<(BlobInfo, Checksum)> {
    let declared = promised
        .headers
        .get("x-amz-decoded-content-length")
        .map(|v| v.to_str().ok().and_then(|v| v.parse::<u64>().ok()));
    let declared = match declared {
        None => None,
        Some(Some(n)) => Some(n),
        Some(None) => {
            return Err(s3_error!(
                InvalidArgument,
                "x-amz-decoded-content-length must be a non-negative integer"
            ))
        }
    };
    let mut integrity = Integrity::new(promised.headers, promised.checksum, promised.content_md5);
    let blob = store_body(gatehouse, body, limit, data_key, |c| integrity.update(c)).await?;
    let trailers = promised.trailers.and_then(|t| t.take());
    let verified = match declared {
        Some(n) if n != blob.size => Err(s3_error!(
            IncompleteBody,
            "You did not provide the number of bytes specified by the x-amz-decoded-content-length HTTP header"
        )),
        _ => integrity.verify(trailers, &blob.md5),
    };
    match verified {
        Ok(checksum) => Ok((blob, checksum)),
        Err(e) => {
            // Refused: the bytes were never named by metadata; remove them now.
            let _ = gatehouse.store.blobs().remove(&blob.id);
            Err(e)
        }
    }
}

/// Holds a whole buffered body (an XML or JSON document: DeleteObjects, a bucket policy, a
/// configuration) to the request's Content-MD5 and `x-amz-checksum-*` headers: a mismatch is
/// BadDigest and the operation never runs [S3 `checking-object-integrity`; DeleteObjects:
/// "Content-MD5 … is required … to verify that your request body has not been altered"].
pub fn verify_buffered(headers: &HeaderMap, body: &[u8]) -> S3Result<()> {
    use md5::Digest;
    let content_md5 = headers
        .get("content-md5")
        .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned());
    let mut expected = Checksum::default();
    claimed(headers, &mut expected);
    let mut integrity = Integrity::new(headers, expected, content_md5);
    integrity.update(body);
    let md5: [u8; 16] = md5::Md5::digest(body).into();
    integrity.verify(None, &md5).map(|_| ())
}

/// The algorithms' header names, S3's display names, and how to read each out of a Checksum.
const ALGORITHMS: [(&str, &str); 5] = [
    ("x-amz-checksum-crc32", "CRC32"),
    ("x-amz-checksum-crc32c", "CRC32C"),
    ("x-amz-checksum-crc64nvme", "CRC64NVME"),
    ("x-amz-checksum-sha1", "SHA1"),
    ("x-amz-checksum-sha256", "SHA256"),
];

fn field<'c>(c: &'c mut Checksum, header: &str) -> &'c mut Option<String> {
    match header {
        "x-amz-checksum-crc32" => &mut c.checksum_crc32,
        "x-amz-checksum-crc32c" => &mut c.checksum_crc32c,
        "x-amz-checksum-crc64nvme" => &mut c.checksum_crc64nvme,
        "x-amz-checksum-sha1" => &mut c.checksum_sha1,
        _ => &mut c.checksum_sha256,
    }
}

/// Sets in `checksum` every `x-amz-checksum-*` value `headers` (or a trailer) carries.
fn claimed(headers: &HeaderMap, checksum: &mut Checksum) {
    for (header, _) in ALGORITHMS {
        if let Some(v) = headers.get(header).and_then(|v| v.to_str().ok()) {
            *field(checksum, header) = Some(v.to_string());
        }
    }
}

struct Integrity {
    hasher: ChecksumHasher,
    expected: Checksum,
    content_md5: Option<String>,
}

impl Integrity {
    /// `expected`: the checksum values the request's headers gave; `headers`: the request's,
    /// whose `x-amz-trailer` or `x-amz-sdk-checksum-algorithm` names what else to compute.
    fn new(headers: &HeaderMap, mut expected: Checksum, content_md5: Option<String>) -> Integrity {
        let mut hasher = ChecksumHasher::default();
        let named = |name: &str| {
            headers
                .get_all("x-amz-trailer")
                .iter()
                .chain(headers.get_all("x-amz-sdk-checksum-algorithm").iter())
                .any(|v| {
                    v.to_str().is_ok_and(|v| {
                        v.split(',').any(|t| {
                            let t = t.trim().to_ascii_lowercase();
                            t == name || format!("x-amz-checksum-{t}") == name
                        })
                    })
                })
        };
        for (header, _) in ALGORITHMS {
            if field(&mut expected, header).is_some() || named(header) {
                match header {
                    "x-amz-checksum-crc32" => hasher.crc32 = Some(Default::default()),
                    "x-amz-checksum-crc32c" => hasher.crc32c = Some(Default::default()),
                    "x-amz-checksum-crc64nvme" => hasher.crc64nvme = Some(Default::default()),
                    "x-amz-checksum-sha1" => hasher.sha1 = Some(Default::default()),
                    _ => hasher.sha256 = Some(Default::default()),
                }
            }
        }
        Integrity {
            hasher,
            expected,
            content_md5,
        }
    }

    fn update(&mut self, chunk: &[u8]) {
        self.hasher.update(chunk);
    }

    /// Compares what arrived with what the request promised (trailers read now, after the
    /// body); returns the checksums to report.
    fn verify(mut self, trailers: Option<HeaderMap>, md5: &[u8; 16]) -> S3Result<Checksum> {
        if let Some(given) = &self.content_md5 {
            let ours = base64::engine::general_purpose::STANDARD.encode(md5);
            if given.trim() != ours {
                return Err(s3_error!(
                    BadDigest,
                    "The Content-MD5 you specified did not match what we received."
                ));
            }
        }
        if let Some(trailers) = trailers {
            claimed(&trailers, &mut self.expected);
        }
        let mut computed = self.hasher.finalize();
        for (header, name) in ALGORITHMS {
            let got = field(&mut computed, header).clone();
            if let (Some(want), Some(got)) =
                (field(&mut self.expected, header).as_deref(), got.as_deref())
            {
                if want != got {
                    return Err(s3_error!(
                        BadDigest,
                        "The {name} you specified did not match the calculated checksum."
                    ));
                }
            }
        }
        Ok(computed)
    }
}

/// What a write request (`S3Request<PutObjectInput>` or `<UploadPartInput>`, its input moved
/// out as `input`) promised about its body.
macro_rules! promised_by {
    ($req:expr, $input:expr) => {
        $crate::api::s3::checksums::Promised {
            headers: &$req.headers,
            checksum: s3s::dto::Checksum {
                checksum_crc32: $input.checksum_crc32.clone(),
                checksum_crc32c: $input.checksum_crc32c.clone(),
                checksum_crc64nvme: $input.checksum_crc64nvme.clone(),
                checksum_sha1: $input.checksum_sha1.clone(),
                checksum_sha256: $input.checksum_sha256.clone(),
                ..Default::default()
            },
            content_md5: $input.content_md5.clone(),
            trailers: $req.trailing_headers.as_ref(),
        }
    };
}
pub(crate) use promised_by;
