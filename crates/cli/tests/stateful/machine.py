"""A stateful, randomized test of decisions on one long-lived server (issue 11).

Hypothesis's rule-based state machine drives the real `gatehouse serve` (verification mode
on: every decision is made cached and uncached, and a difference answers 500) with boto3
across three accounts: buckets created and deleted under a small pool of names (so names and
any reusable ids pass between accounts), bucket policies from a menu, Block Public Access at
bucket and account level, Object Ownership and object ACLs, IAM users deleted and created
again under the same name with new keys, inline and managed identity policies, groups deleted
and re-created under the same name, roles whose trust policy names the user, AssumeRole and
the sessions it makes (outliving their role) — and, between changes, reads by every kind of
caller. Each answer
is compared with a model of what AWS decides, written here from AWS's documentation:
- IAM policy evaluation logic (reference_policies_evaluation-logic): an explicit deny wins;
  in one account an allow from the identity or the resource policy suffices; across accounts
  both are needed; the root user has every identity permission of its account.
- Principal (reference_policies_elements_principal): an account's root ARN delegates to the
  account (its users still need an identity allow); a user ARN is bound to the user saved
  with the policy, not to a namesake created later; a user no one has is refused.
- Block Public Access (access-control-block-public-access): BlockPublicPolicy refuses a public
  policy; RestrictPublicBuckets limits a public policy to the owner account's principals;
  BlockPublicAcls refuses a public ACL, IgnorePublicAcls ignores one; the account and bucket
  settings combine with "or".
- Object Ownership (about-object-ownership): BucketOwnerEnforced disables ACLs (setting one is
  AccessControlListNotSupported, and existing ones no longer grant anything).
- Groups, managed policies, roles (id_groups, access_policies_managed-vs-inline, id_roles): a
  group's policies apply to its members; a group or policy created again under the same name is
  a new one; a trust policy naming a user is bound to that user; a session's permissions are
  its role's, now — a deleted role's sessions have none, even once a namesake exists.
Midway the server is stopped and started again on the same data directory; nothing the model
says changes. A failure prints the seed and the shortest failing sequence Hypothesis finds.

argv: the gatehouse binary, a work directory. Environment: GATEHOUSE_STATEFUL_EXAMPLES,
GATEHOUSE_STATEFUL_STEPS, GATEHOUSE_STATEFUL_SEED.
"""

import json
import os
import random
import subprocess
import sys
import tempfile
import urllib.parse

import boto3
import botocore
from botocore.config import Config
from hypothesis import HealthCheck, Phase, seed, settings
from hypothesis import strategies as st
from hypothesis.stateful import (RuleBasedStateMachine, initialize, invariant, precondition,
                                 rule, run_state_machine_as_test)

BINARY, WORK = sys.argv[1], sys.argv[2]
ACCOUNTS = {
    "111111111111": ("AKIAALPHAROOTEXAMPLE", "alpha-root-secret-example"),
    "222222222222": ("AKIABETAROOTEXAMPLE0", "beta-root-secret-example"),
    "333333333333": ("AKIAGAMMAROOTEXAMPLE", "gamma-root-secret-example"),
}
CONFIG = 'explain_denials = "all"\nverify_decisions = true\n' + "".join(
    f'[[accounts]]\nid = "{a}"\nname = "acct{a[0]}"\nroot_access_key_id = "{k}"\n'
    f'root_secret_access_key = "{s}"\n'
    for a, (k, s) in ACCOUNTS.items()
)
BUCKETS = ["pool-one", "pool-two"]
USER = "u1"
GROUP = "g1"
ROLE = "r1"
MANAGED = "reads-managed"
READS = json.dumps({"Version": "2012-10-17", "Statement": [
    {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}]})
MAX_SESSIONS = 6
POLICIES = ["public-read", "own-account", "other-account", "named-user", "deny-reads"]
ALL_ON = {k: True for k in ("BlockPublicAcls", "IgnorePublicAcls", "BlockPublicPolicy",
                             "RestrictPublicBuckets")}
ALL_OFF = {k: False for k in ALL_ON}
CFG = Config(s3={"addressing_style": "path"}, retries={"max_attempts": 1})
SESSION = boto3.session.Session()
TOTALS = {"steps": 0, "reads": 0, "restarts": 0}
CLIENTS = {}


class Server:
    """The real binary on a data directory; restartable."""

    def __init__(self):
        self.dir = tempfile.mkdtemp(dir=WORK)
        with open(os.path.join(self.dir, "config.toml"), "w") as f:
            f.write(CONFIG)
        self.proc = None
        self.start()

    def start(self):
        self.proc = subprocess.Popen(
            [BINARY, "serve", "--data-dir", os.path.join(self.dir, "data"),
             "--listen", "127.0.0.1:0", "--config", os.path.join(self.dir, "config.toml")],
            stdout=subprocess.PIPE, stderr=open(os.path.join(self.dir, "server.log"), "a"),
            text=True, env={**os.environ, "GATEHOUSE_VERIFY_DECISIONS": "1"})
        for line in self.proc.stdout:
            if line.startswith("listening on "):
                self.endpoint = line.split()[-1]
                return
        raise RuntimeError("server did not start: " + self.log())

    def stop(self):
        self.proc.terminate()
        self.proc.wait(timeout=30)

    def log(self):
        with open(os.path.join(self.dir, "server.log")) as f:
            return f.read()[-4000:]


def outcome(fn, *args, **kwargs):
    """'ok' or the error code (a HEAD's code is its status)."""
    try:
        fn(*args, **kwargs)
        return "ok"
    except botocore.exceptions.ClientError as e:
        return e.response["Error"]["Code"]


class Decisions(RuleBasedStateMachine):
    @initialize()
    def start(self):
        self.server = Server()
        self.steps = 0
        self.restarted = False
        self.buckets = {}        # name -> {"owner", "bpa" (None|True|False), "policy"}
        self.account_bpa = {a: False for a in ACCOUNTS}
        self.users = {}          # account -> {"gen", "key", "allow", "managed", "in_group"}
        self.old_keys = []       # keys of deleted users
        self.user_gen = 0
        self.groups = {}         # account -> {"policy"}
        self.roles = {}          # account -> {"gen", "trusts"}: the user gen its trust names
        self.role_gen = 0
        self.sessions = []       # {"account", "role_gen", "key"}

    def teardown(self):
        if getattr(self, "server", None):
            self.server.stop()

    # --- clients -----------------------------------------------------------------------
    def client(self, service, creds):
        """A client for the running server (made once per endpoint: boto3 clients are slow to
        make)."""
        key = (self.server.endpoint, service, creds)
        if key not in CLIENTS:
            if creds is None:
                config = CFG.merge(Config(signature_version=botocore.UNSIGNED))
                creds_args = {}
            else:
                config = CFG
                creds_args = dict(aws_access_key_id=creds[0], aws_secret_access_key=creds[1],
                                  aws_session_token=creds[2] if len(creds) > 2 else None)
            CLIENTS[key] = SESSION.client(service, endpoint_url=self.server.endpoint,
                                          region_name="us-east-1", config=config, **creds_args)
        return CLIENTS[key]

    def root(self, service, account):
        return self.client(service, ACCOUNTS[account])

    def control(self, account):
        key = (self.server.endpoint, "s3control", account)
        if key not in CLIENTS:
            CLIENTS[key] = self.redirected_control(account)
        return CLIENTS[key]

    def redirected_control(self, account):
        c = SESSION.client("s3control", endpoint_url=self.server.endpoint, region_name="us-east-1",
                           config=CFG, aws_access_key_id=ACCOUNTS[account][0],
                           aws_secret_access_key=ACCOUNTS[account][1])
        netloc = urllib.parse.urlsplit(self.server.endpoint).netloc

        def to_server(request, **_):
            parts = urllib.parse.urlsplit(request.url)
            request.headers["Host"] = parts.netloc
            request.url = urllib.parse.urlunsplit(parts._replace(netloc=netloc))
        c.meta.events.register("before-send.s3-control", to_server)
        return c

    def tick(self):
        self.steps += 1
        TOTALS["steps"] += 1

    # --- the model ---------------------------------------------------------------------
    def restricted(self, b):
        return bool(b["bpa"]) or self.account_bpa[b["owner"]]

    def blocks_public_policy(self, b):
        return bool(b["bpa"]) or self.account_bpa[b["owner"]]

    def policy_doc(self, name, kind, owner, target):
        resource = f"arn:aws:s3:::{name}/*"
        principal = {
            "public-read": "*",
            "own-account": {"AWS": f"arn:aws:iam::{owner}:root"},
            "other-account": {"AWS": f"arn:aws:iam::{target}:root"},
            "named-user": {"AWS": f"arn:aws:iam::{target}:user/{USER}"},
            "deny-reads": "*",
        }[kind]
        effect = "Deny" if kind == "deny-reads" else "Allow"
        return json.dumps({"Version": "2012-10-17", "Statement": [
            {"Sid": kind.replace("-", ""), "Effect": effect, "Principal": principal,
             "Action": "s3:GetObject", "Resource": resource}]})

    def expected_read(self, name, who):
        """AWS's answer to GetObject of `name`/obj by `who`: ("anonymous",), ("root", acct)
        or ("user", acct, gen); None where the model does not say."""
        b = self.buckets.get(name)
        if b is None:
            return "NoSuchBucket"
        owner, policy = b["owner"], b["policy"]
        account = who[1] if len(who) > 1 else None
        if policy and policy["kind"] == "deny-reads":
            return "AccessDenied"
        # What the bucket policy grants this caller: None, "account" (delegation), "direct".
        grant = None
        if policy:
            kind, target = policy["kind"], policy["grantee"]
            if kind == "public-read":
                if self.restricted(b):
                    if account != owner:
                        grant = None
                    else:
                        return None  # "authorized users within the account": not modelled
                else:
                    grant = "direct"
            elif kind == "own-account":
                grant = "account" if account == owner else None
            elif kind == "other-account":
                grant = "account" if account == target else None
            elif kind == "named-user":
                grant = "direct" if (who[0] == "user" and account == target
                                     and who[2] == policy["gen"]) else None
        # An object ACL granting AllUsers READ counts where ACLs are enabled and not ignored.
        if b["public_acl"] and b["ownership"] == "ObjectWriter" and not self.restricted(b):
            grant = "direct"
        if who[0] == "anonymous":
            return "ok" if grant == "direct" else "AccessDenied"
        identity = self.identity_allows(who)
        if account == owner:
            return "ok" if identity or grant == "direct" else "AccessDenied"
        return "ok" if identity and grant is not None else "AccessDenied"

    def identity_allows(self, who):
        """Whether `who`'s identity-based policies allow s3:GetObject now."""
        if who[0] == "root":
            return True
        if who[0] == "session":
            role = self.roles.get(who[1])
            return role is not None and role["gen"] == who[2]
        u = self.users[who[1]]
        in_group = u["in_group"] and self.groups.get(who[1], {}).get("policy", False)
        return u["allow"] or u["managed"] or bool(in_group)

    # --- rules: buckets ----------------------------------------------------------------
    @rule(name=st.sampled_from(BUCKETS), account=st.sampled_from(sorted(ACCOUNTS)))
    def create_bucket(self, name, account):
        self.tick()
        s3 = self.root("s3", account)
        got = outcome(s3.create_bucket, Bucket=name)
        if name in self.buckets:
            want = ("BucketAlreadyOwnedByYou" if self.buckets[name]["owner"] == account
                    else "BucketAlreadyExists")
            assert got == want, (got, want)
            return
        assert got == "ok", got
        assert outcome(s3.put_object, Bucket=name, Key="obj", Body=b"bytes") == "ok"
        # New buckets: Block Public Access all on [S3 create-bucket defaults since 2023].
        self.buckets[name] = {"owner": account, "bpa": True, "policy": None,
                              "ownership": "BucketOwnerEnforced", "public_acl": False}

    @rule(name=st.sampled_from(BUCKETS))
    def delete_bucket(self, name):
        self.tick()
        b = self.buckets.get(name)
        if b is None:
            return
        s3 = self.root("s3", b["owner"])
        assert outcome(s3.delete_object, Bucket=name, Key="obj") == "ok"
        assert outcome(s3.delete_bucket, Bucket=name) == "ok"
        del self.buckets[name]

    @rule(name=st.sampled_from(BUCKETS), kind=st.sampled_from(POLICIES),
          grantee=st.sampled_from(sorted(ACCOUNTS)))
    def put_bucket_policy(self, name, kind, grantee):
        self.tick()
        b = self.buckets.get(name)
        if b is None:
            return
        s3 = self.root("s3", b["owner"])
        got = outcome(s3.put_bucket_policy, Bucket=name,
                      Policy=self.policy_doc(name, kind, b["owner"], grantee))
        if kind == "named-user" and grantee not in self.users:
            assert got == "MalformedPolicy", got
            return
        if kind == "public-read" and self.blocks_public_policy(b):
            assert got == "AccessDenied", got
            return
        assert got == "ok", got
        gen = self.users[grantee]["gen"] if kind == "named-user" else None
        b["policy"] = {"kind": kind, "grantee": grantee, "gen": gen}

    @rule(name=st.sampled_from(BUCKETS))
    def delete_bucket_policy(self, name):
        self.tick()
        b = self.buckets.get(name)
        if b is None:
            return
        assert outcome(self.root("s3", b["owner"]).delete_bucket_policy, Bucket=name) == "ok"
        b["policy"] = None

    @rule(name=st.sampled_from(BUCKETS), setting=st.sampled_from(["on", "off", "none"]))
    def bucket_public_access_block(self, name, setting):
        self.tick()
        b = self.buckets.get(name)
        if b is None:
            return
        s3 = self.root("s3", b["owner"])
        if setting == "none":
            got = outcome(s3.delete_public_access_block, Bucket=name)
        else:
            config = ALL_ON if setting == "on" else ALL_OFF
            got = outcome(s3.put_public_access_block, Bucket=name,
                          PublicAccessBlockConfiguration=config)
        assert got == "ok", got
        b["bpa"] = setting == "on"

    @rule(account=st.sampled_from(sorted(ACCOUNTS)), on=st.booleans())
    def account_public_access_block(self, account, on):
        self.tick()
        c = self.control(account)
        if on:
            got = outcome(c.put_public_access_block, AccountId=account,
                          PublicAccessBlockConfiguration=ALL_ON)
        else:
            got = outcome(c.delete_public_access_block, AccountId=account)
        assert got == "ok", got
        self.account_bpa[account] = on

    # --- rules: IAM --------------------------------------------------------------------
    @rule(account=st.sampled_from(sorted(ACCOUNTS)))
    def create_user(self, account):
        self.tick()
        if account in self.users:
            return
        iam = self.root("iam", account)
        iam.create_user(UserName=USER)
        k = iam.create_access_key(UserName=USER)["AccessKey"]
        self.user_gen += 1
        self.users[account] = {"gen": self.user_gen, "allow": False, "managed": False,
                               "in_group": False,
                               "key": (k["AccessKeyId"], k["SecretAccessKey"])}

    @rule(account=st.sampled_from(sorted(ACCOUNTS)))
    def delete_user(self, account):
        self.tick()
        u = self.users.get(account)
        if u is None:
            return
        iam = self.root("iam", account)
        if u["allow"]:
            iam.delete_user_policy(UserName=USER, PolicyName="reads")
        if u["managed"]:
            iam.detach_user_policy(UserName=USER, PolicyArn=self.managed_arn(account))
            iam.delete_policy(PolicyArn=self.managed_arn(account))
        if u["in_group"]:
            iam.remove_user_from_group(GroupName=GROUP, UserName=USER)
        iam.delete_access_key(UserName=USER, AccessKeyId=u["key"][0])
        iam.delete_user(UserName=USER)
        self.old_keys.append(u["key"])
        del self.users[account]

    @rule(account=st.sampled_from(sorted(ACCOUNTS)), allow=st.booleans())
    def user_policy(self, account, allow):
        self.tick()
        u = self.users.get(account)
        if u is None or u["allow"] == allow:
            return
        iam = self.root("iam", account)
        if allow:
            iam.put_user_policy(UserName=USER, PolicyName="reads", PolicyDocument=json.dumps({
                "Version": "2012-10-17", "Statement": [
                    {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}]}))
        else:
            iam.delete_user_policy(UserName=USER, PolicyName="reads")
        u["allow"] = allow


    # --- rules: ownership and ACLs -------------------------------------------------------
    @rule(name=st.sampled_from(BUCKETS),
          ownership=st.sampled_from(["BucketOwnerEnforced", "ObjectWriter"]))
    def object_ownership(self, name, ownership):
        self.tick()
        b = self.buckets.get(name)
        if b is None:
            return
        got = outcome(self.root("s3", b["owner"]).put_bucket_ownership_controls, Bucket=name,
                      OwnershipControls={"Rules": [{"ObjectOwnership": ownership}]})
        assert got == "ok", got
        b["ownership"] = ownership

    @rule(name=st.sampled_from(BUCKETS), public=st.booleans())
    def object_acl(self, name, public):
        self.tick()
        b = self.buckets.get(name)
        if b is None:
            return
        got = outcome(self.root("s3", b["owner"]).put_object_acl, Bucket=name, Key="obj",
                      ACL="public-read" if public else "private")
        if b["ownership"] == "BucketOwnerEnforced":
            # ACLs are disabled; one that grants only the bucket owner full control (here
            # "private": the owner's own object) is still accepted [about-object-ownership].
            assert got == ("AccessControlListNotSupported" if public else "ok"), got
            return
        if public and self.restricted(b):
            assert got == "AccessDenied", got
            return
        assert got == "ok", got
        b["public_acl"] = public

    # --- rules: groups, managed policies, roles and sessions ------------------------------
    def managed_arn(self, account):
        return f"arn:aws:iam::{account}:policy/{MANAGED}"

    @rule(account=st.sampled_from(sorted(ACCOUNTS)), policy=st.booleans())
    def create_group(self, account, policy):
        self.tick()
        if account in self.groups:
            return
        iam = self.root("iam", account)
        iam.create_group(GroupName=GROUP)
        if policy:
            iam.put_group_policy(GroupName=GROUP, PolicyName="reads", PolicyDocument=READS)
        self.groups[account] = {"policy": policy}

    @rule(account=st.sampled_from(sorted(ACCOUNTS)))
    def delete_group(self, account):
        self.tick()
        g = self.groups.get(account)
        if g is None:
            return
        iam = self.root("iam", account)
        u = self.users.get(account)
        if u and u["in_group"]:
            iam.remove_user_from_group(GroupName=GROUP, UserName=USER)
            u["in_group"] = False
        if g["policy"]:
            iam.delete_group_policy(GroupName=GROUP, PolicyName="reads")
        iam.delete_group(GroupName=GROUP)
        del self.groups[account]

    @rule(account=st.sampled_from(sorted(ACCOUNTS)), member=st.booleans())
    def group_membership(self, account, member):
        self.tick()
        u = self.users.get(account)
        if u is None or account not in self.groups or u["in_group"] == member:
            return
        iam = self.root("iam", account)
        if member:
            iam.add_user_to_group(GroupName=GROUP, UserName=USER)
        else:
            iam.remove_user_from_group(GroupName=GROUP, UserName=USER)
        u["in_group"] = member

    @rule(account=st.sampled_from(sorted(ACCOUNTS)), attach=st.booleans())
    def managed_policy(self, account, attach):
        """Attach creates the policy; detach deletes it: the next attach makes a namesake."""
        self.tick()
        u = self.users.get(account)
        if u is None or u["managed"] == attach:
            return
        iam = self.root("iam", account)
        if attach:
            iam.create_policy(PolicyName=MANAGED, PolicyDocument=READS)
            iam.attach_user_policy(UserName=USER, PolicyArn=self.managed_arn(account))
        else:
            iam.detach_user_policy(UserName=USER, PolicyArn=self.managed_arn(account))
            iam.delete_policy(PolicyArn=self.managed_arn(account))
        u["managed"] = attach

    @rule(account=st.sampled_from(sorted(ACCOUNTS)))
    def create_role(self, account):
        self.tick()
        if account in self.roles:
            return
        iam = self.root("iam", account)
        trust = json.dumps({"Version": "2012-10-17", "Statement": [{
            "Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{account}:user/{USER}"},
            "Action": "sts:AssumeRole"}]})
        got = outcome(iam.create_role, RoleName=ROLE, AssumeRolePolicyDocument=trust)
        u = self.users.get(account)
        if u is None:
            assert got == "MalformedPolicyDocument", got
            return
        assert got == "ok", got
        iam.put_role_policy(RoleName=ROLE, PolicyName="reads", PolicyDocument=READS)
        self.role_gen += 1
        self.roles[account] = {"gen": self.role_gen, "trusts": u["gen"]}

    @rule(account=st.sampled_from(sorted(ACCOUNTS)))
    def delete_role(self, account):
        self.tick()
        if account not in self.roles:
            return
        iam = self.root("iam", account)
        iam.delete_role_policy(RoleName=ROLE, PolicyName="reads")
        iam.delete_role(RoleName=ROLE)
        del self.roles[account]

    @rule(account=st.sampled_from(sorted(ACCOUNTS)))
    def assume_role(self, account):
        self.tick()
        u = self.users.get(account)
        if u is None:
            return
        sts = self.client("sts", u["key"])
        role = self.roles.get(account)
        try:
            answer = sts.assume_role(RoleArn=f"arn:aws:iam::{account}:role/{ROLE}",
                                     RoleSessionName="stateful")
            got = "ok"
        except botocore.exceptions.ClientError as e:
            got = e.response["Error"]["Code"]
        # Same account, the trust policy names the user: enough, when it names *this* user.
        want = "ok" if role is not None and role["trusts"] == u["gen"] else "AccessDenied"
        assert got == want, f"AssumeRole in {account}: got {got}, AWS gives {want}"
        if got == "ok":
            c = answer["Credentials"]
            self.sessions.append({"account": account, "role_gen": role["gen"],
                                  "key": (c["AccessKeyId"], c["SecretAccessKey"],
                                          c["SessionToken"])})
            del self.sessions[:-MAX_SESSIONS]

    # --- rules: restart and reads ------------------------------------------------------
    @precondition(lambda self: not self.restarted and self.steps >= STEPS // 2)
    @rule()
    def restart(self):
        self.server.stop()
        self.server.start()
        self.restarted = True
        TOTALS["restarts"] += 1

    def read_as(self, name, who):
        if who[0] == "anonymous":
            creds = None
        elif who[0] == "root":
            creds = ACCOUNTS[who[1]]
        elif who[0] == "session":
            creds = who[3]
        else:
            creds = self.users[who[1]]["key"]
        got = outcome(self.client("s3", creds).get_object, Bucket=name, Key="obj")
        TOTALS["reads"] += 1
        want = self.expected_read(name, who)
        assert got != "InternalError", f"verification mismatch or fault:\n{self.server.log()}"
        if want is not None:
            assert got == want, f"GetObject {name} as {who}: got {got}, AWS gives {want}"

    def callers(self):
        return [("anonymous",)] + [("root", a) for a in sorted(ACCOUNTS)] + [
            ("user", a, u["gen"]) for a, u in sorted(self.users.items())] + [
            ("session", s["account"], s["role_gen"], s["key"]) for s in self.sessions]

    @invariant()
    def spot_check(self):
        """After every step, one more read: a caller and a bucket in rotation (deterministic,
        so a failing sequence replays)."""
        if not hasattr(self, "server"):
            return
        callers = self.callers()
        self.read_as(BUCKETS[self.steps % len(BUCKETS)], callers[self.steps % len(callers)])

    @rule(name=st.sampled_from(BUCKETS), data=st.data())
    def read(self, name, data):
        self.tick()
        self.read_as(name, data.draw(st.sampled_from(self.callers())))

    @rule(name=st.sampled_from(BUCKETS))
    def read_by_everyone(self, name):
        self.tick()
        for who in self.callers():
            self.read_as(name, who)

    @precondition(lambda self: self.old_keys)
    @rule(data=st.data())
    def read_with_a_deleted_key(self, data):
        self.tick()
        key = data.draw(st.sampled_from(self.old_keys))
        got = outcome(self.client("s3", key).list_buckets)
        assert got == "InvalidAccessKeyId", got


EXAMPLES = int(os.environ.get("GATEHOUSE_STATEFUL_EXAMPLES", "10"))
STEPS = int(os.environ.get("GATEHOUSE_STATEFUL_STEPS", "400"))
SEED = int(os.environ.get("GATEHOUSE_STATEFUL_SEED", random.randrange(1 << 32)))

if __name__ == "__main__":
    print(f"seed {SEED}: {EXAMPLES} sequences of up to {STEPS} steps "
          f"(GATEHOUSE_STATEFUL_SEED={SEED} repeats this run)", flush=True)
    run_state_machine_as_test(seed(SEED)(Decisions), settings=settings(
        max_examples=EXAMPLES, stateful_step_count=STEPS, deadline=None, print_blob=True,
        suppress_health_check=list(HealthCheck), database=None,
        # GATEHOUSE_STATEFUL_SHRINK=0: report the first failure as found, without shrinking.
        phases=list(Phase) if os.environ.get("GATEHOUSE_STATEFUL_SHRINK") != "0"
        else [Phase.generate]))
    print(f"passed: {TOTALS['steps']} steps, {TOTALS['reads']} reads compared with the model, "
          f"{TOTALS['restarts']} restarts", flush=True)
