//! Upload integrity: `Content-MD5` and the `x-amz-checksum-*` values (in headers, or in the
//! trailer of an aws-chunked body) are checked against what arrived; a mismatch is AWS's
//! `BadDigest` and nothing is stored [S3 `checking-object-integrity`].

use base64::Engine;
use http::HeaderMap;
use s3s::checksum::ChecksumHasher;
use s3s::dto::Checksum;
use s3s::{s3_error, S3Result};

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

pub struct Integrity {
    hasher: ChecksumHasher,
    expected: Checksum,
    content_md5: Option<String>,
}

impl Integrity {
    /// `expected`: the checksum values the request's headers gave; `headers`: the request's,
    /// whose `x-amz-trailer` or `x-amz-sdk-checksum-algorithm` names what else to compute.
    pub fn new(
        headers: &HeaderMap,
        mut expected: Checksum,
        content_md5: Option<String>,
    ) -> Integrity {
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

    pub fn update(&mut self, chunk: &[u8]) {
        self.hasher.update(chunk);
    }

    /// Compares what arrived with what the request promised (trailers read now, after the
    /// body); returns the checksums to report.
    pub fn verify(mut self, trailers: Option<HeaderMap>, md5: &[u8; 16]) -> S3Result<Checksum> {
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
            for (header, _) in ALGORITHMS {
                if let Some(v) = trailers.get(header).and_then(|v| v.to_str().ok()) {
                    *field(&mut self.expected, header) = Some(v.to_string());
                }
            }
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
