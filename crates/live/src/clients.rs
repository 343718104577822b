//! The AWS clients of one walk, configured by the SDK's own credential chain (environment,
//! shared config and credentials files, profiles, SSO, container and instance metadata).

use aws_config::{BehaviorVersion, Region};

pub struct Clients {
    pub region: String,
    pub s3: aws_sdk_s3::Client,
    pub sts: aws_sdk_sts::Client,
    pub iam: aws_sdk_iam::Client,
    pub kms: aws_sdk_kms::Client,
    pub organizations: aws_sdk_organizations::Client,
    /// Whether requests go over TLS (`aws:SecureTransport`).
    pub secure: bool,
}

impl Clients {
    pub async fn load(
        endpoint_url: Option<&str>,
        profile: Option<&str>,
        region: Option<&str>,
    ) -> Clients {
        let mut loader = aws_config::defaults(BehaviorVersion::latest());
        if let Some(p) = profile {
            loader = loader.profile_name(p);
        }
        if let Some(r) = region {
            loader = loader.region(Region::new(r.to_string()));
        }
        if let Some(url) = endpoint_url {
            loader = loader.endpoint_url(url);
        }
        let config = loader.load().await;
        let region = config
            .region()
            .map(|r| r.to_string())
            .unwrap_or_else(|| "us-east-1".to_string());
        // A custom endpoint is addressed by path: its host has no per-bucket names.
        let s3 = aws_sdk_s3::config::Builder::from(&config)
            .force_path_style(endpoint_url.is_some())
            .build();
        Clients {
            region,
            s3: aws_sdk_s3::Client::from_conf(s3),
            sts: aws_sdk_sts::Client::new(&config),
            iam: aws_sdk_iam::Client::new(&config),
            kms: aws_sdk_kms::Client::new(&config),
            organizations: aws_sdk_organizations::Client::new(&config),
            secure: endpoint_url.is_none_or(|u| u.starts_with("https://")),
        }
    }
}
