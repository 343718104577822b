"""Decisions depend on the present, never on history (issue 11): for every kind of entity,
deleting it and creating another under the same name gives the newcomer nothing of the old
one's grants, and a deleted or deactivated key, a deleted role's sessions and a detached policy
stop counting on the very next request. AWS binds a policy's named principal to its unique id
[IAM `reference_policies_elements_principal`]; keys and sessions are checked on every request
[IAM `id_credentials_access-keys`, `id_roles_use_revoke-sessions`].
"""

import json
import urllib.error
import urllib.request

import lib
from lib import (
    S3_FULL,
    allow,
    assume,
    check,
    create_bucket,
    create_group,
    create_role,
    create_user,
    equal,
    expect_error,
    get_bytes,
    policy,
    put_bucket_policy,
    root,
    s3_arn,
    unique,
)


def delete_user(name):
    """Deletes a user and everything that would keep IAM from deleting it."""
    iam = root("iam")
    for key in iam.list_access_keys(UserName=name)["AccessKeyMetadata"]:
        iam.delete_access_key(UserName=name, AccessKeyId=key["AccessKeyId"])
    for p in iam.list_user_policies(UserName=name)["PolicyNames"]:
        iam.delete_user_policy(UserName=name, PolicyName=p)
    for p in iam.list_attached_user_policies(UserName=name)["AttachedPolicies"]:
        iam.detach_user_policy(UserName=name, PolicyArn=p["PolicyArn"])
    for g in iam.list_groups_for_user(UserName=name)["Groups"]:
        iam.remove_user_from_group(UserName=name, GroupName=g["GroupName"])
    iam.delete_user(UserName=name)


def delete_role(name):
    iam = root("iam")
    for p in iam.list_role_policies(RoleName=name)["PolicyNames"]:
        iam.delete_role_policy(RoleName=name, PolicyName=p)
    for p in iam.list_attached_role_policies(RoleName=name)["AttachedPolicies"]:
        iam.detach_role_policy(RoleName=name, PolicyArn=p["PolicyArn"])
    iam.delete_role(RoleName=name)


def scenario_a_trust_policy_does_not_trust_a_recreated_user():
    name = unique("truster")
    alice = create_user(name, managed=[S3_FULL])
    role = create_role([alice.arn], managed=[S3_FULL])
    assume(alice, role)
    delete_user(name)
    again = create_user(name, managed=[S3_FULL])
    equal(again.arn, alice.arn, "same ARN")
    expect_error(lambda: assume(again, role), 403, "AccessDenied")
    trust = root("iam").get_role(RoleName=role.split("/")[-1])["Role"]["AssumeRolePolicyDocument"]
    principals = json.dumps(trust["Statement"][0]["Principal"])
    check(alice.arn not in principals, f"GetRole no longer shows the old ARN: {principals}")
    check('"AIDA' in principals, f"GetRole shows the old user's unique id: {principals}")
    # Saving the policy again binds the name to today's user.
    root("iam").update_assume_role_policy(
        RoleName=role.split("/")[-1],
        PolicyDocument=json.dumps(
            policy({"Effect": "Allow", "Principal": {"AWS": again.arn}, "Action": "sts:AssumeRole"})
        ),
    )
    assume(again, role)


def scenario_a_bucket_policy_does_not_grant_a_recreated_role():
    bucket = create_bucket(objects={"doc": b"for the reader role"})
    user = create_user(managed=[S3_FULL])
    name = unique("reader")
    role = create_role([user.arn], name=name)
    put_bucket_policy(
        bucket,
        {"Effect": "Allow", "Principal": {"AWS": role}, "Action": "s3:GetObject", "Resource": s3_arn(bucket, "*")},
    )
    equal(get_bytes(assume(user, role).s3, bucket, "doc"), b"for the reader role", "the role reads")
    delete_role(name)
    again = create_role([user.arn], name=name)
    equal(again, role, "same ARN")
    expect_error(lambda: assume(user, again).s3.get_object(Bucket=bucket, Key="doc"), 403, "AccessDenied")
    shown = root("s3").get_bucket_policy(Bucket=bucket)["Policy"]
    check(role not in shown and '"AROA' in shown, f"the policy shows the old role's unique id: {shown}")


def scenario_a_recreated_group_has_none_of_the_old_groups_policies():
    bucket = create_bucket(objects={"doc": b"group reading"})
    iam = root("iam")
    group = create_group(allow("s3:GetObject", s3_arn(bucket, "*")))
    user = create_user()
    iam.add_user_to_group(GroupName=group, UserName=user.name)
    equal(get_bytes(user.s3, bucket, "doc"), b"group reading", "through the group")
    iam.remove_user_from_group(GroupName=group, UserName=user.name)
    iam.delete_group_policy(GroupName=group, PolicyName="read")
    iam.delete_group(GroupName=group)
    iam.create_group(GroupName=group)
    iam.add_user_to_group(GroupName=group, UserName=user.name)
    expect_error(lambda: user.s3.get_object(Bucket=bucket, Key="doc"), 403, "AccessDenied")


def scenario_a_deleted_or_inactive_key_fails_at_once():
    bucket = create_bucket(objects={"doc": b"keys"})
    user = create_user(managed=[S3_FULL])
    iam = root("iam")
    equal(get_bytes(user.s3, bucket, "doc"), b"keys", "active key")
    iam.update_access_key(UserName=user.name, AccessKeyId=user.key, Status="Inactive")
    expect_error(lambda: user.s3.get_object(Bucket=bucket, Key="doc"), 403, "InvalidAccessKeyId")
    expect_error(lambda: user.iam.get_user(), 403, "InvalidClientTokenId")
    iam.update_access_key(UserName=user.name, AccessKeyId=user.key, Status="Active")
    equal(get_bytes(user.s3, bucket, "doc"), b"keys", "active again")
    iam.delete_access_key(UserName=user.name, AccessKeyId=user.key)
    expect_error(lambda: user.s3.get_object(Bucket=bucket, Key="doc"), 403, "InvalidAccessKeyId")


def scenario_a_deleted_roles_sessions_lose_its_permissions_at_once():
    bucket = create_bucket(objects={"doc": b"sessions"})
    user = create_user()
    name = unique("worker")
    role = create_role([user.arn], name=name, managed=[S3_FULL])
    session = assume(user, role)
    equal(get_bytes(session.s3, bucket, "doc"), b"sessions", "the session reads")
    delete_role(name)
    expect_error(lambda: session.s3.get_object(Bucket=bucket, Key="doc"), 403, "AccessDenied")
    # A namesake with the same policies is another role: the old session stays powerless.
    create_role([user.arn], name=name, managed=[S3_FULL])
    expect_error(lambda: session.s3.get_object(Bucket=bucket, Key="doc"), 403, "AccessDenied")


def scenario_a_detached_or_deleted_policy_stops_counting_on_the_next_request():
    bucket = create_bucket(objects={"doc": b"policies"})
    iam = root("iam")
    user = create_user()
    document = json.dumps(policy(allow("s3:GetObject", s3_arn(bucket, "*"))))
    arn = iam.create_policy(PolicyName=unique("read"), PolicyDocument=document)["Policy"]["Arn"]
    iam.attach_user_policy(UserName=user.name, PolicyArn=arn)
    equal(get_bytes(user.s3, bucket, "doc"), b"policies", "attached")
    iam.detach_user_policy(UserName=user.name, PolicyArn=arn)
    expect_error(lambda: user.s3.get_object(Bucket=bucket, Key="doc"), 403, "AccessDenied")
    iam.put_user_policy(UserName=user.name, PolicyName="inline", PolicyDocument=document)
    equal(get_bytes(user.s3, bucket, "doc"), b"policies", "inline")
    iam.delete_user_policy(UserName=user.name, PolicyName="inline")
    expect_error(lambda: user.s3.get_object(Bucket=bucket, Key="doc"), 403, "AccessDenied")
    iam.delete_policy(PolicyArn=arn)
    # A customer managed policy of the same name is a new policy, attached to no one.
    iam.create_policy(PolicyName=arn.split("/")[-1], PolicyDocument=document)
    expect_error(lambda: user.s3.get_object(Bucket=bucket, Key="doc"), 403, "AccessDenied")


def scenario_a_new_bucket_is_not_judged_by_a_deleted_namesakes_policy():
    """The issue's own report: a deleted bucket's public policy must not govern a new one."""
    for round_ in range(3):
        a = root("s3")
        name = unique("reused")
        a.create_bucket(Bucket=name)
        a.delete_public_access_block(Bucket=name)
        a.put_bucket_policy(
            Bucket=name,
            Policy=json.dumps(
                policy({"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::*"})
            ),
        )
        a.put_object(Bucket=name, Key="public", Body=b"p")
        a.delete_object(Bucket=name, Key="public")
        a.delete_bucket(Bucket=name)
        b = root("s3", lib.BETA)
        b.create_bucket(Bucket=name)
        b.delete_public_access_block(Bucket=name)
        b.put_object(Bucket=name, Key="private", Body=b"secret")
        b.put_bucket_policy(
            Bucket=name,
            Policy=json.dumps(
                policy(
                    {
                        "Effect": "Allow",
                        "Principal": {"AWS": f"arn:aws:iam::{lib.BETA}:root"},
                        "Action": "s3:GetObject",
                        "Resource": s3_arn(name, "*"),
                    }
                )
            ),
        )
        try:
            urllib.request.urlopen(f"{lib.ENDPOINT}/{name}/private")
            raise lib.Failure(f"round {round_}: an anonymous GET of the new bucket's private object succeeded")
        except urllib.error.HTTPError as e:
            equal(e.code, 403, "anonymous GET")
        equal(get_bytes(b, name, "private"), b"secret", "the owner reads")


if __name__ == "__main__":
    lib.run(globals())
