//! The embedded data files. To add a service, write its `<prefix>.txt` from the SAR page (format:
//! `parse.rs`; `scripts/sar-to-catalog.py` writes one from the SAR's machine-readable mirror)
//! and add one line to [`SERVICES`].

/// (file name, contents) of every service the catalogue knows.
pub(super) const SERVICES: &[(&str, &str)] = &[
    ("iam.txt", include_str!("iam.txt")),
    ("kms.txt", include_str!("kms.txt")),
    ("organizations.txt", include_str!("organizations.txt")),
    ("s3.txt", include_str!("s3.txt")),
    ("sts.txt", include_str!("sts.txt")),
];

/// (file name, contents) of the global condition keys.
pub(super) const GLOBAL_KEYS: (&str, &str) = ("global.txt", include_str!("global.txt"));
