//! What can go wrong in the store, in S3's terms where S3 has one.

use std::fmt;

#[derive(Debug)]
pub enum StoreError {
    NoSuchBucket,
    /// Another account owns a bucket of that name.
    BucketAlreadyExists,
    /// The caller's own account owns it already.
    BucketAlreadyOwnedByYou,
    BucketNotEmpty,
    NoSuchKey,
    NoSuchVersion,
    NoSuchUpload,
    /// A part named in CompleteMultipartUpload was not uploaded, or its ETag differs.
    InvalidPart,
    /// CompleteMultipartUpload's parts are not in ascending order.
    InvalidPartOrder,
    /// A part other than the last is smaller than 5 MiB.
    EntityTooSmall,
    /// More bytes than the limit the caller set.
    EntityTooLarge,
    NoSuchAccount,
    AccountExists,
    /// IAM's errors, with IAM's message.
    NoSuchEntity(String),
    EntityAlreadyExists(String),
    DeleteConflict(String),
    LimitExceeded(String),
    Io(std::io::Error),
    Db(rusqlite::Error),
    /// The data directory holds something this version cannot read.
    Corrupt(String),
}

impl fmt::Display for StoreError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            StoreError::Io(e) => write!(f, "I/O error: {e}"),
            StoreError::Db(e) => write!(f, "metadata database error: {e}"),
            StoreError::Corrupt(what) => write!(f, "data directory is corrupt: {what}"),
            other => write!(f, "{other:?}"),
        }
    }
}

impl std::error::Error for StoreError {}

impl From<std::io::Error> for StoreError {
    fn from(e: std::io::Error) -> Self {
        StoreError::Io(e)
    }
}

impl From<rusqlite::Error> for StoreError {
    fn from(e: rusqlite::Error) -> Self {
        StoreError::Db(e)
    }
}

pub type Result<T> = std::result::Result<T, StoreError>;
