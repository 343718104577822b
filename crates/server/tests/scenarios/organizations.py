"""AWS Organizations end to end: the API (JSON 1.1, `AWSOrganizationsV20161128.*`) on the same
port as S3, IAM and STS, and its policies deciding S3 requests. Service control policies (SCPs)
limit the principals of member accounts, root users included, never the management account;
resource control policies (RCPs) limit the resources of member accounts, whoever calls; every
level from the root down to the account must allow; a change counts on the next request. The
condition keys aws:PrincipalOrgID, aws:PrincipalOrgPaths, aws:ResourceOrgID and
aws:ResourceOrgPaths follow the accounts' places in the organization.

ALPHA's root creates each scenario's organization (ALPHA is its management account) and BETA
joins it by invitation; each scenario removes its organization again (policies, OUs, member
accounts, then DeleteOrganization), so the server is left as it was found.

Usage: python3 organizations.py ENDPOINT [scenario_name ...]
"""

import json
import re
import sys
from contextlib import contextmanager

import botocore

import cli
import lib
from lib import (
    ALPHA,
    BETA,
    ROOT_KEYS,
    S3_FULL,
    Principal,
    allow,
    assume,
    check,
    client,
    create_bucket,
    create_user,
    equal,
    expect_denied,
    expect_error,
    gatehouse_headers,
    get_bytes,
    message,
    policy,
    put_bucket_policy,
    root,
    run,
    s3_arn,
    unique,
)

SCP = "SERVICE_CONTROL_POLICY"
RCP = "RESOURCE_CONTROL_POLICY"
FULL_SCP = "p-FullAWSAccess"
FULL_RCP = "p-RCPFullAWSAccess"
ALPHA_ROOT = f"arn:aws:iam::{ALPHA}:root"
BETA_ROOT = f"arn:aws:iam::{BETA}:root"
ACCESS_ROLE = "OrganizationAccountAccessRole"


def orgs(account=ALPHA):
    """An Organizations client as `account`'s root user."""
    return root("organizations", account)


def orgs_of(principal):
    """An Organizations client as an IAM user or a role session."""
    return client("organizations", principal.key, principal.secret, principal.token)


def every(api, operation, key, **params):
    """Every item of a List* operation, all pages."""
    items = []
    for page in api.get_paginator(operation).paginate(**params):
        items.extend(page.get(key, []))
    return items


def code_of(error):
    return error.response["Error"]["Code"]


def matches(pattern, value, what):
    check(
        isinstance(value, str) and re.fullmatch(pattern, value) is not None,
        f"{what}: {value!r} does not match {pattern}",
    )


def dismantle():
    """Removes ALPHA's organization, whatever state it is in: detaches and deletes its own
    SCPs and RCPs (putting p-FullAWSAccess back first where a custom SCP would be a target's
    last), moves the accounts of every OU back to the root and deletes the OUs (deepest
    first), removes every member account, then DeleteOrganization. Every step runs as ALPHA's
    root, which no SCP restricts. Does nothing when ALPHA is in no organization."""
    alpha = orgs()
    try:
        management = alpha.describe_organization()["Organization"]["MasterAccountId"]
    except botocore.exceptions.ClientError as e:
        if code_of(e) == "AWSOrganizationsNotInUseException":
            return
        raise
    problems = []

    def attempt(what, fn):
        try:
            return fn()
        except Exception as e:  # keep going: the later steps may still succeed
            problems.append(f"{what}: {e}")
            return None

    roots = attempt("ListRoots", lambda: every(alpha, "list_roots", "Roots")) or []
    for kind in (SCP, RCP):
        try:
            listed = every(alpha, "list_policies", "Policies", Filter=kind)
        except botocore.exceptions.ClientError as e:
            if code_of(e) != "PolicyTypeNotEnabledException":
                problems.append(f"ListPolicies {kind}: {e}")
            listed = []
        for summary in listed:
            if summary.get("AwsManaged"):
                continue
            pid = summary["Id"]
            targets = attempt(
                f"ListTargetsForPolicy {pid}",
                lambda pid=pid: every(alpha, "list_targets_for_policy", "Targets", PolicyId=pid),
            )
            for target in targets or []:
                tid = target["TargetId"]
                if kind == SCP:
                    attempt(f"p-FullAWSAccess back on {tid}", lambda tid=tid: ensure_full_scp(alpha, tid))
                attempt(
                    f"DetachPolicy {pid} from {tid}",
                    lambda pid=pid, tid=tid: alpha.detach_policy(PolicyId=pid, TargetId=tid),
                )
            attempt(f"DeletePolicy {pid}", lambda pid=pid: alpha.delete_policy(PolicyId=pid))
    for r in roots:
        attempt(f"the OUs under {r['Id']}", lambda r=r: remove_ous(alpha, r["Id"], r["Id"]))
    accounts = attempt("ListAccounts", lambda: every(alpha, "list_accounts", "Accounts")) or []
    for account in accounts:
        if account["Id"] != management:
            attempt(
                f"RemoveAccountFromOrganization {account['Id']}",
                lambda a=account["Id"]: alpha.remove_account_from_organization(AccountId=a),
            )
    attempt("DeleteOrganization", alpha.delete_organization)
    if problems:
        raise lib.Failure("the organization could not be removed:\n  " + "\n  ".join(problems))


def ensure_full_scp(alpha, target):
    attached = every(alpha, "list_policies_for_target", "Policies", TargetId=target, Filter=SCP)
    if FULL_SCP not in [p["Id"] for p in attached]:
        alpha.attach_policy(PolicyId=FULL_SCP, TargetId=target)


def remove_ous(alpha, parent, root_id):
    """Deletes every OU under `parent`, children first, moving their accounts to the root."""
    for ou in every(alpha, "list_organizational_units_for_parent", "OrganizationalUnits", ParentId=parent):
        remove_ous(alpha, ou["Id"], root_id)
        for child in every(alpha, "list_children", "Children", ParentId=ou["Id"], ChildType="ACCOUNT"):
            alpha.move_account(
                AccountId=child["Id"], SourceParentId=ou["Id"], DestinationParentId=root_id
            )
        alpha.delete_organizational_unit(OrganizationalUnitId=ou["Id"])


class Org:
    """A live organization: its id, its root's id, and the management account's client."""

    def __init__(self, description, root_id):
        self.description = description
        self.id = description["Id"]
        self.root_id = root_id
        self.alpha = orgs()

    def enable(self, kind):
        return self.alpha.enable_policy_type(RootId=self.root_id, PolicyType=kind)["Root"]

    def join(self, account=BETA):
        """Invites `account`, which finds the handshake with ListHandshakesForAccount and
        accepts it; returns (invited, listed, accepted) handshakes."""
        invited = self.alpha.invite_account_to_organization(
            Target={"Type": "ACCOUNT", "Id": account}
        )["Handshake"]
        member = orgs(account)
        listed = [
            h for h in every(member, "list_handshakes_for_account", "Handshakes")
            if h["Id"] == invited["Id"]
        ]
        equal(len(listed), 1, f"handshake {invited['Id']} in ListHandshakesForAccount of {account}")
        accepted = member.accept_handshake(HandshakeId=invited["Id"])["Handshake"]
        equal(accepted["State"], "ACCEPTED", "AcceptHandshake's handshake State")
        return invited, listed[0], accepted

    def create_policy(self, kind, *statements, name=None):
        """A customer managed SCP or RCP holding `statements`; its id."""
        answer = self.alpha.create_policy(
            Content=json.dumps(policy(*statements)),
            Description="gatehouse organizations scenario",
            Name=name or unique("scp" if kind == SCP else "rcp"),
            Type=kind,
        )
        return answer["Policy"]["PolicySummary"]["Id"]

    def attach(self, policy_id, target):
        self.alpha.attach_policy(PolicyId=policy_id, TargetId=target)

    def detach(self, policy_id, target):
        self.alpha.detach_policy(PolicyId=policy_id, TargetId=target)

    def policies_on(self, target, kind=SCP):
        """The ids of the `kind` policies attached to `target`, sorted."""
        return sorted(
            p["Id"]
            for p in every(self.alpha, "list_policies_for_target", "Policies", TargetId=target, Filter=kind)
        )

    def create_ou(self, parent=None, name=None):
        """A new OU under `parent` (the root by default); the OrganizationalUnit."""
        return self.alpha.create_organizational_unit(
            ParentId=parent or self.root_id, Name=name or unique("ou")
        )["OrganizationalUnit"]

    def move(self, account, source, destination):
        self.alpha.move_account(
            AccountId=account, SourceParentId=source, DestinationParentId=destination
        )

    def parents(self, child):
        return every(self.alpha, "list_parents", "Parents", ChildId=child)


@contextmanager
def organization(scp=True, rcp=False, member=True):
    """An organization of ALPHA's (FeatureSet ALL) with SCPs and/or RCPs enabled and BETA a
    member by invitation; removed again afterwards, whatever the scenario did to it. A failure
    to remove it fails the scenario (unless the scenario already failed: then it is printed)."""
    try:
        dismantle()  # an earlier scenario's leftover (that scenario has reported its failure)
    except lib.Failure as e:
        sys.stderr.write(f"a leftover organization could not be removed: {e}\n")
    created = orgs().create_organization(FeatureSet="ALL")["Organization"]
    try:
        roots = every(orgs(), "list_roots", "Roots")
        equal(len(roots), 1, "ListRoots: one root")
        org = Org(created, roots[0]["Id"])
        if scp:
            org.enable(SCP)
        if rcp:
            org.enable(RCP)
        if member:
            org.join(BETA)
        yield org
    except BaseException:
        try:
            dismantle()
        except Exception as e:
            sys.stderr.write(f"after the failure, the organization could not be removed: {e}\n")
        raise
    dismantle()


def scenario_o1_scp_deny_binds_member_accounts_not_the_management_account():
    """An SCP denying s3:GetObject, attached to BETA, refuses BETA's root user and BETA's IAM
    user (AmazonS3FullAccess) on BETA's own bucket: "with an explicit deny in a service control
    policy", x-gatehouse-denied-by scp, the policy's p- id and the statement's Sid. Attached to
    the organization's root it still leaves ALPHA, the management account, untouched (its root
    and its IAM users). After DetachPolicy BETA reads again, on the very next request
    [Organizations `orgs_manage_policies_scps` ("SCPs don't affect users or roles in the
    management account"), `orgs_manage_policies_scps_evaluation`; S3 `troubleshoot-403-errors`
    "Access denied message examples"]."""
    beta_bucket = create_bucket(account=BETA, objects={"report.csv": b"beta's numbers"})
    alpha_bucket = create_bucket(objects={"report.csv": b"alpha's numbers"})
    beta_root = root("s3", BETA)
    beta_user = create_user(account=BETA, managed=[S3_FULL])
    alpha_user = create_user(managed=[S3_FULL])
    resource = s3_arn(beta_bucket, "report.csv")
    with organization() as org:
        deny = org.create_policy(
            SCP,
            {"Sid": "DenyObjectReads", "Effect": "Deny", "Action": "s3:GetObject", "Resource": "*"},
        )
        matches(r"p-[0-9a-z]{8}", deny, "the new SCP's id")
        equal(get_bytes(beta_root, beta_bucket, "report.csv"), b"beta's numbers", "BETA's root before the SCP")
        org.attach(deny, BETA)
        for arn, s3 in ((BETA_ROOT, beta_root), (beta_user.arn, beta_user.s3)):
            expect_denied(
                lambda s3=s3: s3.get_object(Bucket=beta_bucket, Key="report.csv"),
                "scp",
                message(arn, "s3:GetObject", resource, "scp", explicit=True),
                decision="explicitDeny",
                policy_id=deny,
                statement="DenyObjectReads",
            )
        # Only GetObject is denied: the rest of FullAWSAccess still holds.
        beta_user.s3.head_bucket(Bucket=beta_bucket)

        org.attach(deny, org.root_id)
        equal(get_bytes(root("s3"), alpha_bucket, "report.csv"), b"alpha's numbers", "ALPHA's root under the SCP")
        equal(get_bytes(alpha_user.s3, alpha_bucket, "report.csv"), b"alpha's numbers", "ALPHA's IAM user under the SCP")
        org.detach(deny, org.root_id)
        expect_denied(
            lambda: beta_root.get_object(Bucket=beta_bucket, Key="report.csv"),
            "scp",
            message(BETA_ROOT, "s3:GetObject", resource, "scp", explicit=True),
            decision="explicitDeny",
            policy_id=deny,
            statement="DenyObjectReads",
        )

        org.detach(deny, BETA)
        equal(get_bytes(beta_root, beta_bucket, "report.csv"), b"beta's numbers", "BETA's root after DetachPolicy")
        equal(get_bytes(beta_user.s3, beta_bucket, "report.csv"), b"beta's numbers", "BETA's user after DetachPolicy")


def scenario_o2_scp_allow_list_without_s3_denies_implicitly():
    """An allow-list SCP ("sts:*" and "iam:*" only) attached to BETA in place of
    p-FullAWSAccess: BETA's level no longer allows s3:GetObject, so BETA's root is refused
    implicitly: "because no service control policy allows the s3:GetObject action",
    x-gatehouse-denied-by scp, no policy or statement header. IAM still works for it. The last
    SCP of a target cannot be detached (ConstraintViolationException); with p-FullAWSAccess
    attached again BETA reads [Organizations `orgs_manage_policies_scps_evaluation` ("Allow
    list strategy": every level must allow), `orgs_manage_policies_attach`/`DetachPolicy`]."""
    bucket = create_bucket(account=BETA, objects={"k": b"beta"})
    beta_root = root("s3", BETA)
    with organization() as org:
        equal(org.policies_on(BETA), [FULL_SCP], "BETA's SCPs on joining")
        allow_list = org.create_policy(
            SCP,
            {"Sid": "IdentityOnly", "Effect": "Allow", "Action": ["sts:*", "iam:*"], "Resource": "*"},
        )
        org.attach(allow_list, BETA)
        org.detach(FULL_SCP, BETA)
        equal(org.policies_on(BETA), [allow_list], "BETA's SCPs")
        equal(org.policies_on(org.root_id), [FULL_SCP], "the root's SCPs")
        expect_denied(
            lambda: beta_root.get_object(Bucket=bucket, Key="k"),
            "scp",
            message(BETA_ROOT, "s3:GetObject", s3_arn(bucket, "k"), "scp"),
        )
        root("iam", BETA).list_users()  # iam:* is on the list
        expect_error(lambda: org.detach(allow_list, BETA), 400, "ConstraintViolationException")
        org.attach(FULL_SCP, BETA)
        equal(get_bytes(beta_root, bucket, "k"), b"beta", "with p-FullAWSAccess back")
        org.detach(allow_list, BETA)
        equal(org.policies_on(BETA), [FULL_SCP], "BETA's SCPs at the end")


def scenario_o3_scp_on_an_ou_binds_the_accounts_moved_into_it():
    """A deny SCP attached to an OU binds the accounts in it: BETA reads while under the root,
    is refused once MoveAccount puts it in the OU (the policy's statement has no Sid, so
    x-gatehouse-statement is its 0-based index, here 1), and reads again when moved back
    [Organizations `orgs_manage_ous`, `move_account_to_ou`, `orgs_manage_policies_inheritance_auth`]."""
    bucket = create_bucket(account=BETA, objects={"k": b"beta"})
    beta_root = root("s3", BETA)
    with organization() as org:
        ou = org.create_ou()["Id"]
        deny = org.create_policy(
            SCP,
            {"Effect": "Deny", "Action": "s3:DeleteObject", "Resource": "*"},
            {"Effect": "Deny", "Action": "s3:GetObject", "Resource": "*"},
        )
        org.attach(deny, ou)
        equal(get_bytes(beta_root, bucket, "k"), b"beta", "BETA under the root")
        org.move(BETA, org.root_id, ou)
        equal(org.parents(BETA), [{"Id": ou, "Type": "ORGANIZATIONAL_UNIT"}], "BETA's parents")
        expect_denied(
            lambda: beta_root.get_object(Bucket=bucket, Key="k"),
            "scp",
            message(BETA_ROOT, "s3:GetObject", s3_arn(bucket, "k"), "scp", explicit=True),
            decision="explicitDeny",
            policy_id=deny,
            statement="1",
        )
        org.move(BETA, ou, org.root_id)
        equal(org.parents(BETA), [{"Id": org.root_id, "Type": "ROOT"}], "BETA's parents again")
        equal(get_bytes(beta_root, bucket, "k"), b"beta", "BETA back under the root")


def scenario_o4_rcp_deny_guards_member_resources_not_the_management_accounts():
    """An RCP (Deny, Principal "*", s3:GetObject) attached to BETA refuses every reader of
    BETA's objects: BETA's own root, and ALPHA's root, which BETA's bucket policy grants and
    which no SCP binds ("with an explicit deny in a resource control policy", denied-by rcp).
    Attached to ALPHA's account and to the root as well, it leaves ALPHA's own bucket
    readable. p-RCPFullAWSAccess cannot be detached; after DetachPolicy both read BETA's
    object again [Organizations `orgs_manage_policies_rcps` ("RCPs don't affect resources in
    the management account"), `orgs_manage_policies_rcps_evaluation`; S3
    `troubleshoot-403-errors`]."""
    beta_bucket = create_bucket(account=BETA, objects={"k": b"beta"})
    put_bucket_policy(
        beta_bucket,
        {
            "Sid": "AlphaReads",
            "Effect": "Allow",
            "Principal": {"AWS": ALPHA_ROOT},
            "Action": "s3:GetObject",
            "Resource": s3_arn(beta_bucket, "*"),
        },
        account=BETA,
    )
    alpha_bucket = create_bucket(objects={"k": b"alpha"})
    beta_root, alpha_root = root("s3", BETA), root("s3")
    with organization(rcp=True) as org:
        equal(org.policies_on(BETA, RCP), [FULL_RCP], "BETA's RCPs on joining")
        equal(get_bytes(alpha_root, beta_bucket, "k"), b"beta", "ALPHA reads BETA's object before the RCP")
        rcp = org.create_policy(
            RCP,
            {
                "Sid": "DenyObjectReads",
                "Effect": "Deny",
                "Principal": "*",
                "Action": "s3:GetObject",
                "Resource": "*",
            },
        )
        org.attach(rcp, BETA)
        for arn, s3 in ((BETA_ROOT, beta_root), (ALPHA_ROOT, alpha_root)):
            expect_denied(
                lambda s3=s3: s3.get_object(Bucket=beta_bucket, Key="k"),
                "rcp",
                message(arn, "s3:GetObject", s3_arn(beta_bucket, "k"), "rcp", explicit=True),
                decision="explicitDeny",
                policy_id=rcp,
                statement="DenyObjectReads",
            )
        org.attach(rcp, ALPHA)
        org.attach(rcp, org.root_id)
        equal(get_bytes(alpha_root, alpha_bucket, "k"), b"alpha", "ALPHA's own bucket under the RCP")
        expect_error(lambda: org.detach(FULL_RCP, BETA), 400, "ConstraintViolationException")
        for target in (org.root_id, ALPHA, BETA):
            org.detach(rcp, target)
        equal(get_bytes(beta_root, beta_bucket, "k"), b"beta", "BETA after DetachPolicy")
        equal(get_bytes(alpha_root, beta_bucket, "k"), b"beta", "ALPHA after DetachPolicy")


def scenario_o5_principal_org_id_in_a_bucket_policy():
    """ALPHA's bucket policy grants s3:GetObject to Principal "*" on condition aws:PrincipalOrgID
    is the organization's id: BETA's IAM user (its identity policy allows the read) reads while
    BETA is a member; a BETA user without an identity policy is refused by its identity side,
    with the enhanced text S3 gives within an organization. Once RemoveAccountFromOrganization
    has run, the key is absent and the same reader gets 403 from the bucket policy [IAM
    `reference_policies_condition-keys` aws:PrincipalOrgID; Organizations
    `orgs_manage_accounts_remove`; S3 `troubleshoot-403-errors` (same organization)]."""
    bucket = create_bucket(objects={"shared.txt": b"for the organization"})
    reader = create_user(account=BETA, inline={"read": policy(allow("s3:GetObject", s3_arn(bucket, "*")))})
    bare = create_user(account=BETA)
    with organization() as org:
        put_bucket_policy(
            bucket,
            {
                "Sid": "OrganizationReads",
                "Effect": "Allow",
                "Principal": "*",
                "Action": "s3:GetObject",
                "Resource": s3_arn(bucket, "*"),
                "Condition": {"StringEquals": {"aws:PrincipalOrgID": org.id}},
            },
        )
        equal(get_bytes(reader.s3, bucket, "shared.txt"), b"for the organization", "a member's read")
        expect_denied(
            lambda: bare.s3.get_object(Bucket=bucket, Key="shared.txt"),
            "identity",
            message(bare.arn, "s3:GetObject", s3_arn(bucket, "shared.txt"), "identity"),
        )
        org.alpha.remove_account_from_organization(AccountId=BETA)
        expect_error(lambda: orgs(BETA).describe_organization(), 400, "AWSOrganizationsNotInUseException")
        error = expect_error(lambda: reader.s3.get_object(Bucket=bucket, Key="shared.txt"), 403, "AccessDenied")
        headers = gatehouse_headers(error.response)
        equal(headers.get("denied-by"), "resource", "x-gatehouse-denied-by outside the organization")
        equal(headers.get("decision"), "implicitDeny", "x-gatehouse-decision outside the organization")


def scenario_o6_create_account_and_its_access_role():
    """CreateAccount completes at once (DescribeCreateAccountStatus: SUCCEEDED, a 12-digit
    AccountId); ListAccounts and DescribeAccount show it ACTIVE, JoinedMethod CREATED; its
    parent is the root. The new account has the role OrganizationAccountAccessRole trusting
    the management account: an ALPHA IAM user allowed sts:AssumeRole on it assumes it and
    creates a bucket, puts and gets an object in the new account [Organizations
    `orgs_manage_accounts_create`, `orgs_manage_accounts_access-cross-account-role`]."""
    email = f"{unique('account')}@example.com"
    name = unique("account")
    with organization(member=False) as org:
        started = org.alpha.create_account(Email=email, AccountName=name)["CreateAccountStatus"]
        matches(r"car-[a-z0-9]{8,32}", started["Id"], "CreateAccountStatus Id")
        status = org.alpha.describe_create_account_status(CreateAccountRequestId=started["Id"])[
            "CreateAccountStatus"
        ]
        equal(status["State"], "SUCCEEDED", "DescribeCreateAccountStatus State")
        equal(status["AccountName"], name, "DescribeCreateAccountStatus AccountName")
        new = status.get("AccountId")
        matches(r"\d{12}", new, "the new AccountId")
        check(new not in (ALPHA, BETA), f"the new account {new} is not a configured one")

        listed = {a["Id"]: a for a in every(org.alpha, "list_accounts", "Accounts")}
        check(new in listed, f"ListAccounts shows {new}: {sorted(listed)}")
        equal(listed[new]["Status"], "ACTIVE", "ListAccounts Status")
        equal(listed[new]["Name"], name, "ListAccounts Name")
        equal(listed[new]["Email"], email, "ListAccounts Email")
        account = org.alpha.describe_account(AccountId=new)["Account"]
        equal(account["Id"], new, "DescribeAccount Id")
        equal(account["Status"], "ACTIVE", "DescribeAccount Status")
        equal(account["JoinedMethod"], "CREATED", "DescribeAccount JoinedMethod")
        equal(account["Arn"], f"arn:aws:organizations::{ALPHA}:account/{org.id}/{new}", "DescribeAccount Arn")
        equal(org.parents(new), [{"Id": org.root_id, "Type": "ROOT"}], "the new account's parents")
        equal(org.policies_on(new), [FULL_SCP], "the new account's SCPs")

        role = f"arn:aws:iam::{new}:role/{ACCESS_ROLE}"
        admin = create_user(inline={"assume": policy(allow("sts:AssumeRole", role))})
        session = assume(admin, role, session="admin")
        equal(session.arn, f"arn:aws:sts::{new}:assumed-role/{ACCESS_ROLE}/admin", "the session's ARN")
        equal(session.sts.get_caller_identity()["Account"], new, "the session's account")
        trust = session.iam.get_role(RoleName=ACCESS_ROLE)["Role"]["AssumeRolePolicyDocument"]
        check(ALPHA_ROOT in json.dumps(trust), f"the role trusts {ALPHA_ROOT}: {trust}")
        bucket = unique("bucket")
        session.s3.create_bucket(Bucket=bucket)
        try:
            session.s3.put_object(Bucket=bucket, Key="hello.txt", Body=b"from the new account")
            equal(get_bytes(session.s3, bucket, "hello.txt"), b"from the new account", "the session's read")
            names = {b["Name"] for b in session.s3.list_buckets()["Buckets"]}
            check(bucket in names, f"the new account's ListBuckets shows {bucket}")
        finally:
            session.s3.delete_object(Bucket=bucket, Key="hello.txt")
            session.s3.delete_bucket(Bucket=bucket)


def scenario_o7_organization_roots_and_policy_types():
    """The organization's shape: CreateOrganization makes ALPHA the management account
    (DescribeOrganization: an o- id, FeatureSet ALL, MasterAccountId; BETA sees the same once a
    member, and AWSOrganizationsNotInUseException before); a second CreateOrganization is
    AlreadyInOrganizationException. ListRoots shows one r- root whose SCP type is ENABLED only
    after EnablePolicyType, which attaches p-FullAWSAccess to the root and every account; an
    SCP cannot be attached before (PolicyTypeNotEnabledException). The invitation is an h-
    handshake BETA lists and accepts [Organizations API `DescribeOrganization`, `ListRoots`,
    `EnablePolicyType`, `InviteAccountToOrganization`, `AcceptHandshake`;
    `orgs_manage_policies_enable-disable`]."""
    beta = orgs(BETA)
    with organization(scp=False, member=False) as org:
        expect_error(beta.describe_organization, 400, "AWSOrganizationsNotInUseException")
        expect_error(beta.list_roots, 400, "AWSOrganizationsNotInUseException")
        described = org.alpha.describe_organization()["Organization"]
        matches(r"o-[a-z0-9]{10}", described["Id"], "the organization's Id")
        equal(described["Id"], org.id, "DescribeOrganization Id = CreateOrganization's")
        equal(described["FeatureSet"], "ALL", "FeatureSet")
        equal(described["MasterAccountId"], ALPHA, "MasterAccountId")
        equal(described["Arn"], f"arn:aws:organizations::{ALPHA}:organization/{org.id}", "Organization Arn")
        equal(
            described["MasterAccountArn"],
            f"arn:aws:organizations::{ALPHA}:account/{org.id}/{ALPHA}",
            "MasterAccountArn",
        )
        expect_error(
            lambda: org.alpha.create_organization(FeatureSet="ALL"), 400, "AlreadyInOrganizationException"
        )

        (the_root,) = every(org.alpha, "list_roots", "Roots")
        matches(r"r-[0-9a-z]{4}", the_root["Id"], "the root's Id")
        equal(the_root["Name"], "Root", "the root's Name")
        equal(the_root["Arn"], f"arn:aws:organizations::{ALPHA}:root/{org.id}/{the_root['Id']}", "the root's Arn")
        enabled = [t for t in the_root.get("PolicyTypes", []) if t["Status"] == "ENABLED"]
        equal(enabled, [], "policy types enabled on a new organization")

        scp = org.create_policy(SCP, {"Effect": "Deny", "Action": "s3:DeleteBucket", "Resource": "*"})
        expect_error(lambda: org.attach(scp, org.root_id), 400, "PolicyTypeNotEnabledException")
        org.enable(SCP)
        (the_root,) = every(org.alpha, "list_roots", "Roots")
        equal(
            [t for t in the_root["PolicyTypes"] if t["Type"] == SCP],
            [{"Type": SCP, "Status": "ENABLED"}],
            "the root's SCP type after EnablePolicyType",
        )
        equal(org.policies_on(org.root_id), [FULL_SCP], "the root's SCPs")
        equal(org.policies_on(ALPHA), [FULL_SCP], "the management account's SCPs")

        invited, listed, accepted = org.join(BETA)
        matches(r"h-[0-9a-z]{8,32}", invited["Id"], "the handshake's Id")
        equal(invited["Action"], "INVITE", "the handshake's Action")
        check(
            {"Id": BETA, "Type": "ACCOUNT"} in invited["Parties"],
            f"the handshake's Parties name BETA: {invited['Parties']}",
        )
        check(listed["State"] in ("OPEN", "REQUESTED"), f"the listed handshake is pending: {listed['State']}")
        equal(accepted["Id"], invited["Id"], "the accepted handshake")
        equal(beta.describe_organization()["Organization"]["Id"], org.id, "BETA's DescribeOrganization")
        equal(org.policies_on(BETA), [FULL_SCP], "a new member's SCPs")
        members = {a["Id"]: a for a in every(org.alpha, "list_accounts", "Accounts")}
        equal(sorted(members), sorted([ALPHA, BETA]), "ListAccounts")
        equal(members[BETA]["Status"], "ACTIVE", "BETA's Status")
        equal(members[BETA]["JoinedMethod"], "INVITED", "BETA's JoinedMethod")
        equal(org.parents(BETA), [{"Id": org.root_id, "Type": "ROOT"}], "BETA's parents")


def scenario_o8_ous_policies_and_their_errors():
    """OUs and policies as the API shows them: an OU's id is ou-<root's 4>-<8>, it is listed
    by ListOrganizationalUnitsForParent and ListChildren and carries p-FullAWSAccess from
    birth; ListTargetsForPolicy names what a policy is attached to; DescribePolicy shows the
    AWS managed FullAWSAccess. Errors: malformed policy JSON (MalformedPolicyDocumentException),
    deleting an attached policy (PolicyInUseException), detaching a target's last SCP
    (ConstraintViolationException); a deleted policy is PolicyNotFoundException [Organizations
    API `CreateOrganizationalUnit`, `ListChildren`, `ListTargetsForPolicy`, `CreatePolicy`,
    `DeletePolicy`, `DetachPolicy`; `orgs_reference_scp-syntax`]."""
    with organization() as org:
        root_suffix = org.root_id[len("r-"):]
        name = unique("ou")
        ou = org.create_ou(name=name)
        matches(rf"ou-{root_suffix}-[a-z0-9]{{8}}", ou["Id"], "the OU's Id")
        equal(ou["Name"], name, "the OU's Name")
        equal(ou["Arn"], f"arn:aws:organizations::{ALPHA}:ou/{org.id}/{ou['Id']}", "the OU's Arn")
        listed = every(org.alpha, "list_organizational_units_for_parent", "OrganizationalUnits", ParentId=org.root_id)
        equal([o["Id"] for o in listed], [ou["Id"]], "ListOrganizationalUnitsForParent")
        equal(
            every(org.alpha, "list_children", "Children", ParentId=org.root_id, ChildType="ORGANIZATIONAL_UNIT"),
            [{"Id": ou["Id"], "Type": "ORGANIZATIONAL_UNIT"}],
            "ListChildren ORGANIZATIONAL_UNIT",
        )
        accounts = every(org.alpha, "list_children", "Children", ParentId=org.root_id, ChildType="ACCOUNT")
        equal(sorted(c["Id"] for c in accounts), sorted([ALPHA, BETA]), "ListChildren ACCOUNT")
        check(all(c["Type"] == "ACCOUNT" for c in accounts), f"children are ACCOUNTs: {accounts}")
        equal(org.parents(ou["Id"]), [{"Id": org.root_id, "Type": "ROOT"}], "the OU's parents")
        equal(org.policies_on(ou["Id"]), [FULL_SCP], "a new OU's SCPs")

        full = org.alpha.describe_policy(PolicyId=FULL_SCP)["Policy"]["PolicySummary"]
        equal(full["Name"], "FullAWSAccess", "p-FullAWSAccess Name")
        equal(full["AwsManaged"], True, "p-FullAWSAccess AwsManaged")
        equal(full["Type"], SCP, "p-FullAWSAccess Type")
        equal(
            full["Arn"],
            "arn:aws:organizations::aws:policy/service_control_policy/p-FullAWSAccess",
            "p-FullAWSAccess Arn",
        )

        document = policy({"Sid": "NoBucketDeletes", "Effect": "Deny", "Action": "s3:DeleteBucket", "Resource": "*"})
        created = org.alpha.create_policy(
            Content=json.dumps(document), Description="no bucket deletes", Name=unique("scp"), Type=SCP
        )["Policy"]
        summary = created["PolicySummary"]
        matches(r"p-[0-9a-z]{8}", summary["Id"], "the policy's Id")
        equal(summary["AwsManaged"], False, "AwsManaged")
        equal(summary["Type"], SCP, "Type")
        equal(
            summary["Arn"],
            f"arn:aws:organizations::{ALPHA}:policy/{org.id}/service_control_policy/{summary['Id']}",
            "the policy's Arn",
        )
        equal(json.loads(created["Content"]), document, "the policy's Content")
        pid = summary["Id"]
        org.attach(pid, ou["Id"])
        targets = every(org.alpha, "list_targets_for_policy", "Targets", PolicyId=pid)
        equal(
            [(t["TargetId"], t["Type"], t["Name"], t["Arn"]) for t in targets],
            [(ou["Id"], "ORGANIZATIONAL_UNIT", name, ou["Arn"])],
            "ListTargetsForPolicy",
        )
        equal(org.policies_on(ou["Id"]), sorted([FULL_SCP, pid]), "the OU's SCPs")
        expect_error(lambda: org.alpha.delete_policy(PolicyId=pid), 400, "PolicyInUseException")
        expect_error(
            lambda: org.alpha.create_policy(
                Content='{"Version": "2012-10-17", "Statement": [', Description="broken",
                Name=unique("scp"), Type=SCP,
            ),
            400,
            "MalformedPolicyDocumentException",
        )
        expect_error(lambda: org.detach(FULL_SCP, BETA), 400, "ConstraintViolationException")
        org.detach(pid, ou["Id"])
        equal(every(org.alpha, "list_targets_for_policy", "Targets", PolicyId=pid), [], "targets after DetachPolicy")
        org.alpha.delete_policy(PolicyId=pid)
        expect_error(lambda: org.alpha.describe_policy(PolicyId=pid), 400, "PolicyNotFoundException")
        org.alpha.delete_organizational_unit(OrganizationalUnitId=ou["Id"])
        equal(
            every(org.alpha, "list_organizational_units_for_parent", "OrganizationalUnits", ParentId=org.root_id),
            [],
            "OUs after DeleteOrganizationalUnit",
        )


def scenario_o9_who_may_call_what():
    """Every Organizations call is authorized as organizations:<Action>: an ALPHA IAM user
    with no policy gets AccessDeniedException (x-gatehouse-denied-by identity), and with an
    identity policy allowing organizations:DescribeOrganization it describes the organization.
    A member account (BETA's root) calling management-only operations (CreatePolicy,
    AttachPolicy, CreateAccount) gets AccessDeniedException. DeleteOrganization with a member
    left is OrganizationNotEmptyException; once the organization is gone both accounts get
    AWSOrganizationsNotInUseException [Organizations `orgs_permissions_overview`, API
    `DeleteOrganization`, `Common errors`]."""
    beta = orgs(BETA)
    user = create_user()
    with organization() as org:
        error = expect_error(lambda: orgs_of(user).describe_organization(), 400, "AccessDeniedException")
        headers = gatehouse_headers(error.response)
        equal(headers.get("denied-by"), "identity", "x-gatehouse-denied-by")
        equal(headers.get("decision"), "implicitDeny", "x-gatehouse-decision")
        root("iam").put_user_policy(
            UserName=user.name,
            PolicyName="describe",
            PolicyDocument=json.dumps(policy(allow("organizations:DescribeOrganization", "*"))),
        )
        equal(
            orgs_of(user).describe_organization()["Organization"]["Id"],
            org.id,
            "the user's DescribeOrganization once allowed",
        )
        expect_error(lambda: orgs_of(user).list_roots(), 400, "AccessDeniedException")

        expect_error(
            lambda: beta.create_policy(
                Content=json.dumps(policy({"Effect": "Deny", "Action": "s3:*", "Resource": "*"})),
                Description="from a member",
                Name=unique("scp"),
                Type=SCP,
            ),
            400,
            "AccessDeniedException",
        )
        expect_error(lambda: beta.attach_policy(PolicyId=FULL_SCP, TargetId=BETA), 400, "AccessDeniedException")
        expect_error(
            lambda: beta.create_account(Email=f"{unique('member')}@example.com", AccountName=unique("member")),
            400,
            "AccessDeniedException",
        )
        expect_error(org.alpha.delete_organization, 400, "OrganizationNotEmptyException")
        equal(beta.describe_organization()["Organization"]["Id"], org.id, "BETA is still a member")
    expect_error(orgs().describe_organization, 400, "AWSOrganizationsNotInUseException")
    expect_error(beta.describe_organization, 400, "AWSOrganizationsNotInUseException")


def scenario_o10_principal_org_paths_follow_the_ou():
    """aws:PrincipalOrgPaths is the caller's account's path, o-…/r-…/ou-…/: ALPHA's bucket
    policy grants s3:GetObject to the organization's principals whose path is under one OU
    (ForAnyValue:StringLike "o-…/r-…/ou-…/*"). BETA's user is refused while BETA sits under the
    root (no resource-based policy allows it, the enhanced text of the same organization), reads
    once MoveAccount puts BETA in the OU, and is refused again when moved back [IAM
    `reference_policies_condition-keys` aws:PrincipalOrgPaths,
    `access_policies_last-accessed-view-data-orgs` (entity paths)]."""
    bucket = create_bucket(objects={"ou.txt": b"for one OU"})
    reader = create_user(account=BETA, inline={"read": policy(allow("s3:GetObject", s3_arn(bucket, "*")))})
    resource = s3_arn(bucket, "ou.txt")
    with organization() as org:
        ou = org.create_ou()["Id"]
        put_bucket_policy(
            bucket,
            {
                "Sid": "OneOuReads",
                "Effect": "Allow",
                "Principal": "*",
                "Action": "s3:GetObject",
                "Resource": s3_arn(bucket, "*"),
                "Condition": {
                    "StringEquals": {"aws:PrincipalOrgID": org.id},
                    "ForAnyValue:StringLike": {"aws:PrincipalOrgPaths": [f"{org.id}/{org.root_id}/{ou}/*"]},
                },
            },
        )
        refused = message(reader.arn, "s3:GetObject", resource, "resource")
        expect_denied(lambda: reader.s3.get_object(Bucket=bucket, Key="ou.txt"), "resource", refused)
        org.move(BETA, org.root_id, ou)
        equal(get_bytes(reader.s3, bucket, "ou.txt"), b"for one OU", "BETA's user in the OU")
        org.move(BETA, ou, org.root_id)
        expect_denied(lambda: reader.s3.get_object(Bucket=bucket, Key="ou.txt"), "resource", refused)


def scenario_o11_resource_org_keys_follow_the_resource_account():
    """aws:ResourceOrgID and aws:ResourceOrgPaths describe the account that owns the resource:
    BETA's users whose identity policies allow reads only of resources in the organization
    (StringEquals aws:ResourceOrgID; ForAnyValue:StringLike aws:ResourceOrgPaths "o-…/r-…/*")
    read BETA's bucket while BETA is a member; after RemoveAccountFromOrganization the keys are
    absent and both are refused by their identity policies [IAM
    `reference_policies_condition-keys` aws:ResourceOrgID, aws:ResourceOrgPaths]."""
    bucket = create_bucket(account=BETA, objects={"k": b"in the organization"})
    resource = s3_arn(bucket, "k")
    with organization() as org:
        by_id = create_user(
            account=BETA,
            inline={
                "org-only": policy(
                    allow("s3:GetObject", s3_arn(bucket, "*"), Condition={"StringEquals": {"aws:ResourceOrgID": org.id}})
                )
            },
        )
        by_path = create_user(
            account=BETA,
            inline={
                "org-only": policy(
                    allow(
                        "s3:GetObject",
                        s3_arn(bucket, "*"),
                        Condition={"ForAnyValue:StringLike": {"aws:ResourceOrgPaths": f"{org.id}/{org.root_id}/*"}},
                    )
                )
            },
        )
        for user in (by_id, by_path):
            equal(get_bytes(user.s3, bucket, "k"), b"in the organization", "a read inside the organization")
        org.alpha.remove_account_from_organization(AccountId=BETA)
        for user in (by_id, by_path):
            expect_denied(
                lambda user=user: user.s3.get_object(Bucket=bucket, Key="k"),
                "identity",
                message(user.arn, "s3:GetObject", resource, "identity"),
            )


def scenario_o12_cli_describe_organization_and_an_scp_denial():
    """Through the aws CLI: `aws organizations describe-organization` prints ALPHA's
    organization and, for an account in none, fails with AWSOrganizationsNotInUseException;
    `aws s3api get-object` refused by an SCP prints AWS's "with an explicit deny in a service
    control policy" line, and --debug shows x-gatehouse-denied-by scp with the policy and
    statement [AWS CLI `organizations describe-organization`; S3 `troubleshoot-403-errors`]."""
    alpha = Principal(ALPHA_ROOT, *ROOT_KEYS[ALPHA])
    beta = Principal(BETA_ROOT, *ROOT_KEYS[BETA])
    bucket = create_bucket(account=BETA, objects={"k": b"beta"})
    with organization(member=False) as org:
        code, stdout, stderr = cli.aws(alpha, "organizations", "describe-organization")
        equal(code, 0, f"describe-organization as ALPHA (stderr: {stderr})")
        equal(json.loads(stdout)["Organization"]["Id"], org.id, "the CLI's organization Id")
        code, _, stderr = cli.aws(beta, "organizations", "describe-organization")
        cli.expect_cli_error(
            code, stderr, "DescribeOrganization", "AWSOrganizationsNotInUseException", "", prefix=True
        )
        org.join(BETA)
        deny = org.create_policy(
            SCP, {"Sid": "NoReads", "Effect": "Deny", "Action": "s3:GetObject", "Resource": "*"}
        )
        org.attach(deny, BETA)
        code, _, stderr = cli.aws(
            beta, "s3api", "get-object", "--bucket", bucket, "--key", "k", "out", debug=True
        )
        cli.expect_cli_error(
            code,
            stderr,
            "GetObject",
            "AccessDenied",
            message(BETA_ROOT, "s3:GetObject", s3_arn(bucket, "k"), "scp", explicit=True),
        )
        headers = cli.debug_headers(stderr)
        equal(headers.get("denied-by"), "scp", "x-gatehouse-denied-by (--debug)")
        equal(headers.get("decision"), "explicitDeny", "x-gatehouse-decision (--debug)")
        equal(headers.get("policy"), deny, "x-gatehouse-policy (--debug)")
        equal(headers.get("statement"), "NoReads", "x-gatehouse-statement (--debug)")


if __name__ == "__main__":
    run(globals())
