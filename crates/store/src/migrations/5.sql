-- Schema version 5: the IAM users and roles a resource policy named, bound when it was saved.
-- AWS binds a Principal ARN of a user or role to that entity's unique id: deleted and created
-- again under the same name, the new entity is not the one the policy named
-- [IAM `reference_policies_elements_principal`, "IAM role principals"/"IAM user principals"].
-- `policy` names the saved policy: `bucket:<bucket id>:<version>`.
CREATE TABLE principal_bindings (
    policy     TEXT NOT NULL,
    arn        TEXT NOT NULL,
    unique_id  TEXT NOT NULL,
    PRIMARY KEY (policy, arn)
);
