//! The configured VPC endpoints (DESIGN.md `[[vpc_endpoints]]`): each has a listener of its
//! own, and a request that arrives there faces the endpoint's policy as the `vpc_endpoint`
//! layer and carries `aws:SourceVpce` and `aws:SourceVpc` instead of `aws:SourceIp`
//! [VPC `vpc-endpoints-access`; IAM `reference_policies_condition-keys`, aws:SourceIp: "If
//! the request ... uses a VPC endpoint, the aws:SourceIp key is not present"].

use authz::NamedPolicy;
use policy::PolicyType;

use crate::config::VpcEndpointConfig;

/// The policy an endpoint has when none is given: full access [VPC `vpc-endpoints-access`,
/// "Default endpoint policy"].
const FULL_ACCESS: &str = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"*","Resource":"*"}]}"#;

#[derive(Debug, Clone)]
pub struct VpcEndpoint {
    pub id: String,
    pub vpc: String,
    /// Named by the endpoint's id, as decisions call it.
    pub policy: NamedPolicy,
}

/// Compiles each endpoint's policy; a malformed one stops the start, with its position.
pub fn compile(configured: &[VpcEndpointConfig]) -> Result<Vec<VpcEndpoint>, String> {
    configured
        .iter()
        .map(|e| {
            let text = e.policy.as_deref().unwrap_or(FULL_ACCESS);
            let parsed = policy::validate(text, PolicyType::VpcEndpoint)
                .map_err(|err| format!("VPC endpoint {}'s policy: {}", e.id, err.first()))?;
            Ok(VpcEndpoint {
                id: e.id.clone(),
                vpc: e.vpc.clone(),
                policy: NamedPolicy::compile(e.id.clone(), parsed),
            })
        })
        .collect()
}
