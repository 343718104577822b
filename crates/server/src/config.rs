//! `gatehouse serve`'s configuration file (DESIGN.md, "Interfaces that are contracts"). Every
//! section is read from the start; one whose feature is not built yet is a clear error at
//! startup, never silently ignored.

use std::path::Path;

use serde::Deserialize;

/// `[organization]`: an organization built at start, as its management account would build it
/// through the API, with both policy types enabled (so `FullAWSAccess` and `RCPFullAWSAccess`
/// are attached everywhere and SCPs/RCPs attached later through the API take effect).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OrganizationConfig {
    pub management_account: String,
    #[serde(default)]
    pub members: Vec<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    #[serde(default = "default_region")]
    pub default_region: String,
    #[serde(default)]
    pub regions: Vec<String>,
    #[serde(default)]
    pub explain_denials: ExplainDenials,
    #[serde(default)]
    pub accounts: Vec<AccountConfig>,
    pub organization: Option<OrganizationConfig>,
    #[serde(default)]
    pub vpc_endpoints: Vec<VpcEndpointConfig>,
    /// Decide every request twice (cached and uncached) and answer 500 on a difference; the
    /// environment's `GATEHOUSE_VERIFY_DECISIONS=1` turns it on too. For tests and CI.
    #[serde(default)]
    pub verify_decisions: bool,
}

/// `[[vpc_endpoints]]`: a listener of its own; what arrives there came "through" the endpoint
/// (DESIGN.md).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct VpcEndpointConfig {
    pub id: String,
    pub vpc: String,
    pub account: String,
    pub listen: std::net::SocketAddr,
    /// Relative to the config file's directory; absent: AWS's default full-access policy.
    pub policy_file: Option<std::path::PathBuf>,
    /// The policy's text, read by [`Config::load`].
    #[serde(skip)]
    pub policy: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AccountConfig {
    pub id: String,
    pub name: String,
    pub email: Option<String>,
    pub root_access_key_id: String,
    pub root_secret_access_key: String,
}

/// Who receives the `x-gatehouse-*` headers on a denial.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ExplainDenials {
    /// Callers in the resource's account or organization: whom AWS gives its enhanced text.
    #[default]
    SameAccount,
    All,
    None,
}

fn default_region() -> String {
    "us-east-1".to_string()
}

impl Default for Config {
    fn default() -> Self {
        Config {
            default_region: default_region(),
            regions: vec![default_region()],
            explain_denials: ExplainDenials::default(),
            accounts: Vec::new(),
            organization: None,
            vpc_endpoints: Vec::new(),
            verify_decisions: false,
        }
    }
}

/// Why a configuration was refused.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("cannot read {path}: {source}")]
    Read {
        path: String,
        source: std::io::Error,
    },
    #[error("{path}: {source}")]
    In {
        path: String,
        source: Box<ConfigError>,
    },
    #[error("{0}")]
    Toml(#[from] toml::de::Error),
    #[error("[organization] names account {0}, which [[accounts]] does not define")]
    OrganizationAccount(String),
    #[error("VPC endpoint {id}: {problem}")]
    VpcEndpoint { id: String, problem: String },
    #[error("default_region {default:?} is not among regions {regions:?}")]
    DefaultRegion {
        default: String,
        regions: Vec<String>,
    },
    #[error("account id {0:?} is not 12 digits")]
    AccountId(String),
}

impl Config {
    pub fn load(path: &Path) -> Result<Config, ConfigError> {
        let text = std::fs::read_to_string(path).map_err(|source| ConfigError::Read {
            path: path.display().to_string(),
            source,
        })?;
        let in_file = |e| ConfigError::In {
            path: path.display().to_string(),
            source: Box::new(e),
        };
        let mut config = Config::parse(&text).map_err(in_file)?;
        let dir = path.parent().unwrap_or(Path::new("."));
        for e in &mut config.vpc_endpoints {
            if let Some(file) = &e.policy_file {
                let file = dir.join(file);
                let text = std::fs::read_to_string(&file).map_err(|source| ConfigError::Read {
                    path: file.display().to_string(),
                    source,
                })?;
                e.policy = Some(text);
            }
        }
        Ok(config)
    }

    pub fn parse(text: &str) -> Result<Config, ConfigError> {
        let mut config: Config = toml::from_str(text)?;
        if config.regions.is_empty() {
            config.regions.push(config.default_region.clone());
        }
        if !config.regions.contains(&config.default_region) {
            return Err(ConfigError::DefaultRegion {
                default: config.default_region.clone(),
                regions: config.regions.clone(),
            });
        }
        for a in &config.accounts {
            if a.id.len() != 12 || !a.id.bytes().all(|b| b.is_ascii_digit()) {
                return Err(ConfigError::AccountId(a.id.clone()));
            }
        }
        for e in &config.vpc_endpoints {
            let valid = |id: &str, prefix: &str| {
                id.strip_prefix(prefix).is_some_and(|rest| {
                    !rest.is_empty() && rest.bytes().all(|b| b.is_ascii_alphanumeric())
                })
            };
            let problem = if !valid(&e.id, "vpce-") {
                Some("an endpoint id is vpce- followed by letters and digits")
            } else if !valid(&e.vpc, "vpc-") {
                Some("a VPC id is vpc- followed by letters and digits")
            } else if !config.accounts.iter().any(|a| a.id == e.account) {
                Some("its account is not one of [[accounts]]")
            } else {
                None
            };
            if let Some(problem) = problem {
                return Err(ConfigError::VpcEndpoint {
                    id: e.id.clone(),
                    problem: problem.into(),
                });
            }
        }
        if let Some(org) = &config.organization {
            for id in std::iter::once(&org.management_account).chain(&org.members) {
                if !config.accounts.iter().any(|a| &a.id == id) {
                    return Err(ConfigError::OrganizationAccount(id.clone()));
                }
            }
        }
        Ok(config)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sections_are_checked() {
        assert!(
            Config::parse("[organization]\nmanagement_account = \"111111111111\"\n")
                .unwrap_err()
                .to_string()
                .contains("does not define")
        );
        assert!(Config::parse("[[vpc_endpoints]]\nid = \"vpce-1\"\nvpc = \"vpc-1\"\naccount = \"111111111111\"\nlisten = \"127.0.0.1:0\"\n")
            .unwrap_err()
            .to_string()
            .contains("not one of [[accounts]]"));
        assert!(Config::parse("explain_denials = \"all\"\nunknown = 1\n").is_err());
        let c = Config::parse("explain_denials = \"all\"\n[[accounts]]\nid = \"111111111111\"\nname = \"alpha\"\nroot_access_key_id = \"AK\"\nroot_secret_access_key = \"SK\"\n").unwrap();
        assert_eq!(c.explain_denials, ExplainDenials::All);
        assert_eq!(c.regions, ["us-east-1"]);
    }
}
