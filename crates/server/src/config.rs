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
    pub vpc_endpoints: Vec<toml::Table>,
    /// Decide every request twice (cached and uncached) and answer 500 on a difference; the
    /// environment's `GATEHOUSE_VERIFY_DECISIONS=1` turns it on too. For tests and CI.
    #[serde(default)]
    pub verify_decisions: bool,
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
    #[error("[[vpc_endpoints]] is not supported yet (it arrives with the VPC endpoint issue)")]
    VpcEndpoints,
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
        Config::parse(&text).map_err(|e| ConfigError::In {
            path: path.display().to_string(),
            source: Box::new(e),
        })
    }

    pub fn parse(text: &str) -> Result<Config, ConfigError> {
        let mut config: Config = toml::from_str(text)?;
        if !config.vpc_endpoints.is_empty() {
            return Err(ConfigError::VpcEndpoints);
        }
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
        assert!(Config::parse("[[vpc_endpoints]]\nid = \"vpce-1\"\n")
            .unwrap_err()
            .to_string()
            .contains("not supported yet"));
        assert!(Config::parse("explain_denials = \"all\"\nunknown = 1\n").is_err());
        let c = Config::parse("explain_denials = \"all\"\n[[accounts]]\nid = \"111111111111\"\nname = \"alpha\"\nroot_access_key_id = \"AK\"\nroot_secret_access_key = \"SK\"\n").unwrap();
        assert_eq!(c.explain_denials, ExplainDenials::All);
        assert_eq!(c.regions, ["us-east-1"]);
    }
}
