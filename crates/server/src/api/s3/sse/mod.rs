//! Server-side encryption [S3 `serv-side-encryption`]: SSE-S3 (`AES256`, the data key sealed
//! by the data directory's master key) and SSE-KMS (`aws:kms`, the data key made and sealed by
//! KMS). Each object (or multipart upload) has its own 256-bit data key; its bytes are sealed
//! in chunks ([`chunks`]) and its envelope (how the data key is sealed, the KMS key and
//! encryption context) is kept with its metadata.
//!
//! SSE-KMS asks KMS as a second authorization under KMS's rules, on the caller's behalf
//! (`kms:ViaService` s3.REGION.amazonaws.com), with the encryption context `aws:s3:arn`: the
//! object's ARN, or the bucket's with an S3 Bucket Key. Every encrypted write asks
//! `kms:GenerateDataKey`, every read (GET, HEAD, a copy source, an UploadPart) `kms:Decrypt`
//! [S3 `troubleshoot-403-errors`, "Encryption and permissions requirements"].

pub mod chunks;
mod envelope;
mod reader;
pub mod request;

use std::collections::BTreeMap;

use base64::Engine;
use http::StatusCode;
use s3s::{s3_error, S3Error, S3ErrorCode, S3Result};

use crate::caller::Caller;
use crate::kms::lookup::{self, KeyError, Reach};
use crate::state::Gatehouse;
pub use envelope::{Algorithm, DataKey, Envelope};
pub use reader::plaintext;
pub use request::{Headers, Requested};

/// What SSE-S3's master-key seal binds a data key to.
const SSE_S3_AAD: &[u8] = b"gatehouse sse-s3 data key";

/// S3's words for KMS's refusals [S3 error codes: `KMS.DisabledException`, ...].
fn kms_refusal(e: KeyError) -> S3Error {
    let (code, message) = match e {
        KeyError::NotFound(m) => ("KMS.NotFoundException", m),
        KeyError::Disabled(m) => ("KMS.DisabledException", m),
        KeyError::InvalidState(m) => ("KMS.KMSInvalidStateException", m),
        KeyError::Internal(m) => {
            eprintln!("gatehouse: {m}");
            return s3_error!(
                InternalError,
                "We encountered an internal error. Please try again."
            );
        }
    };
    let mut err = S3Error::with_message(S3ErrorCode::Custom(code.into()), message);
    err.set_status_code(StatusCode::BAD_REQUEST);
    err
}

fn internal(what: impl std::fmt::Display) -> S3Error {
    eprintln!("gatehouse: {what}");
    s3_error!(
        InternalError,
        "We encountered an internal error. Please try again."
    )
}

/// `kms:ViaService` for S3 in `region`.
fn via_s3(region: &str) -> String {
    format!("s3.{region}.amazonaws.com")
}

/// A new data key for a write to `bucket`/`key` as `requested`, and its envelope. SSE-KMS asks
/// `kms:GenerateDataKey` first; its denial is the write's.
pub fn new_data_key(
    gatehouse: &Gatehouse,
    caller: &Caller,
    bucket: &store::Bucket,
    key: &str,
    requested: &Requested,
) -> S3Result<(DataKey, Envelope)> {
    let data_key: DataKey = crate::kms::crypto::random();
    let master = gatehouse.kms_master().map_err(internal)?;
    if requested.algorithm == Algorithm::Aes256 {
        return Ok((
            data_key,
            Envelope {
                algorithm: Algorithm::Aes256,
                key_arn: None,
                sealed_key: master.seal(SSE_S3_AAD, &data_key),
                context: BTreeMap::new(),
                given_context: None,
                bucket_key: false,
            },
        ));
    }
    let region = &bucket.region;
    let kms_key = match &requested.key_id {
        Some(id) => lookup::resolve(
            &gatehouse.store,
            id,
            caller.account().unwrap_or_default(),
            region,
            Reach::AnyAccount,
        ),
        None => crate::kms::managed::aws_s3_key(&gatehouse.store, master, &bucket.owner, region),
    }
    .map_err(kms_refusal)?;
    lookup::usable(&kms_key).map_err(kms_refusal)?;
    let mut context = requested.context.clone();
    let arn = if requested.bucket_key {
        format!("arn:aws:s3:::{}", bucket.name)
    } else {
        format!("arn:aws:s3:::{}/{key}", bucket.name)
    };
    context.insert("aws:s3:arn".into(), arn);
    crate::authorize::key::check_key(
        gatehouse,
        caller,
        "GenerateDataKey",
        &kms_key,
        &context,
        Some(&via_s3(region)),
        Vec::new(),
    )?;
    let material = gatehouse.kms_material(&kms_key).map_err(kms_refusal)?;
    let sealed = material.encrypt(&data_key, &context);
    Ok((
        data_key,
        Envelope {
            algorithm: Algorithm::AwsKms,
            key_arn: Some(kms_key.arn()),
            sealed_key: base64::engine::general_purpose::STANDARD.encode(sealed),
            context,
            given_context: requested.given_context.clone(),
            bucket_key: requested.bucket_key,
        },
    ))
}

/// The data key of an encrypted object or upload, for a read in `region`. SSE-KMS asks
/// `kms:Decrypt` first; its denial is the read's.
pub fn open_data_key(
    gatehouse: &Gatehouse,
    caller: &Caller,
    region: &str,
    envelope: &Envelope,
) -> S3Result<DataKey> {
    let sealed = base64::engine::general_purpose::STANDARD
        .decode(&envelope.sealed_key)
        .map_err(internal)?;
    let plain = match envelope.algorithm {
        Algorithm::Aes256 => {
            let master = gatehouse.kms_master().map_err(internal)?;
            master
                .unseal(SSE_S3_AAD, &envelope.sealed_key)
                .map_err(internal)?
        }
        Algorithm::AwsKms => {
            let id = crate::kms::crypto::key_id_of(&sealed)
                .ok_or_else(|| internal("an object's sealed data key names no KMS key"))?;
            let kms_key = lookup::key_by_id(&gatehouse.store, id)
                .map_err(kms_refusal)?
                .ok_or_else(|| {
                    kms_refusal(KeyError::NotFound(format!("Key '{id}' does not exist")))
                })?;
            lookup::usable(&kms_key).map_err(kms_refusal)?;
            crate::authorize::key::check_key(
                gatehouse,
                caller,
                "Decrypt",
                &kms_key,
                &envelope.context,
                Some(&via_s3(region)),
                Vec::new(),
            )?;
            let material = gatehouse.kms_material(&kms_key).map_err(kms_refusal)?;
            material
                .decrypt(&sealed, &envelope.context)
                .map_err(internal)?
        }
    };
    plain
        .try_into()
        .map_err(|_| internal("a data key is not 32 bytes"))
}

/// The data key of an encrypted object or upload (its `encryption` text; `None`: stored as
/// sent), for a read of `bucket`: SSE-KMS asks `kms:Decrypt`.
pub fn data_key_of(
    gatehouse: &Gatehouse,
    caller: &Caller,
    bucket: &store::Bucket,
    encryption: Option<&str>,
) -> S3Result<Option<DataKey>> {
    encryption
        .map(|text| {
            let envelope = Envelope::parse(text)?;
            open_data_key(gatehouse, caller, &bucket.region, &envelope)
        })
        .transpose()
}

/// A write's encryption: what its headers, or else the bucket's default, ask for, with a new
/// data key and its envelope; `None`: stored as sent. SSE-KMS asks `kms:GenerateDataKey`.
pub fn for_write(
    gatehouse: &Gatehouse,
    caller: &Caller,
    bucket: &store::Bucket,
    key: &str,
    headers: &Headers,
) -> S3Result<Option<(DataKey, Envelope)>> {
    request::requested(bucket, headers)?
        .map(|r| new_data_key(gatehouse, caller, bucket, key, &r))
        .transpose()
}
