#!/usr/bin/env bash
# Export what decides authorization in an AWS account (IAM, bucket settings, Organizations, KMS
# key policies) into a directory that `gatehouse import DIR` turns into a Gatehouse data
# directory, so that diagnostics run offline against a copy of production. Object bytes, object
# listings and key material are never read. The layout is described in docs/import-layout.md.
#
#   scripts/export-aws.sh OUTDIR [--region R] [--profile P] [--endpoint-url URL]
#
# READ-ONLY: this script makes only Get*, List* and Describe* API calls; it never changes
# anything in the account. Every call goes through `aws_call`, which refuses any operation whose
# name does not start with get-, list- or describe-. The complete list of API calls it can make:
#
#   sts            get-caller-identity
#   iam            get-account-authorization-details
#   s3api          list-buckets
#   s3api          get-bucket-location            (per bucket)
#   s3api          get-bucket-policy              (per bucket)
#   s3api          get-bucket-acl                 (per bucket)
#   s3api          get-public-access-block        (per bucket)
#   s3api          get-bucket-ownership-controls  (per bucket)
#   s3api          get-bucket-encryption          (per bucket)
#   s3api          get-bucket-versioning          (per bucket)
#   s3control      get-public-access-block        (the account)
#   organizations  describe-organization
#   organizations  list-roots
#   organizations  list-accounts
#   organizations  list-organizational-units-for-parent  (per root and OU)
#   organizations  list-children --child-type ACCOUNT    (per root and OU)
#   organizations  list-policies                  (SERVICE_CONTROL_POLICY, RESOURCE_CONTROL_POLICY)
#   organizations  describe-policy                (per policy)
#   organizations  list-targets-for-policy        (per policy)
#   kms            list-keys
#   kms            list-aliases
#   kms            describe-key                   (per key)
#   kms            get-key-policy --policy-name default  (per key)
#
# Besides these it runs `aws --version` and `aws configure get region`, which read nothing from
# the account.
#
# Output is JSON exactly as the aws CLI prints it with `--output json` (the CLI follows the
# pagination of list calls by itself), one call per file; where the CLI prints nothing (an empty
# response) the file holds {}. A call that fails is recorded in the
# "skipped" list of OUTDIR/export.json with its error code, except the failures that only mean
# "this bucket has none of that" (NoSuchBucketPolicy, ...), which simply write no file.
# export.json is written last: a directory without it is an interrupted export.
set -euo pipefail

usage() {
    echo "usage: $0 OUTDIR [--region R] [--profile P] [--endpoint-url URL]" >&2
    exit 2
}

die() {
    echo "export-aws: $*" >&2
    exit 1
}

# ---------------------------------------------------------------------------------------------
# Arguments

out=""
region=""
profile=""
endpoint=""
while [ $# -gt 0 ]; do
    case $1 in
        --region) [ $# -ge 2 ] || usage; region=$2; shift 2 ;;
        --region=*) region=${1#*=}; shift ;;
        --profile) [ $# -ge 2 ] || usage; profile=$2; shift 2 ;;
        --profile=*) profile=${1#*=}; shift ;;
        --endpoint-url) [ $# -ge 2 ] || usage; endpoint=$2; shift 2 ;;
        --endpoint-url=*) endpoint=${1#*=}; shift ;;
        -h | --help) usage ;;
        -*) echo "export-aws: unknown option $1" >&2; usage ;;
        *) [ -z "$out" ] || usage; out=$1; shift ;;
    esac
done
[ -n "$out" ] || usage

if [ -e "$out" ] && [ ! -d "$out" ]; then
    die "$out exists and is not a directory"
fi
if [ -d "$out" ] && [ -n "$(ls -A "$out")" ]; then
    die "$out is not empty; give a new or empty directory"
fi

command -v python3 >/dev/null || die "python3 is needed (it reads the CLI's JSON)"
if command -v aws >/dev/null; then
    AWS=(aws)
elif python3 -c 'import awscli' 2>/dev/null; then
    AWS=(python3 -m awscli)
else
    die "the aws CLI is not installed"
fi
# CLI v2 would page its output on a terminal; we always write to files, but be sure.
export AWS_PAGER=""

if [ -z "$region" ]; then
    region=${AWS_REGION:-${AWS_DEFAULT_REGION:-}}
fi
if [ -z "$region" ]; then
    if [ -n "$profile" ]; then
        region=$("${AWS[@]}" configure get region --profile "$profile" 2>/dev/null || true)
    else
        region=$("${AWS[@]}" configure get region 2>/dev/null || true)
    fi
fi
if [ -z "$region" ]; then
    region=us-east-1
    echo "export-aws: no region given or configured; using us-east-1" >&2
fi

# The options every call gets (the region is added per call: bucket calls use the bucket's).
common=(--output json)
[ -n "$profile" ] && common+=(--profile "$profile")
[ -n "$endpoint" ] && common+=(--endpoint-url "$endpoint")

started=$(date -u +%Y-%m-%dT%H:%M:%SZ)
cli_version=$("${AWS[@]}" --version 2>&1 | head -n 1)

mkdir -p "$out"
out=$(cd "$out" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
: >"$work/skipped.jsonl"

# ---------------------------------------------------------------------------------------------
# Helpers

# Counters: for the whole export and for the current section.
total_files=0
total_skipped=0
sec_files=0
sec_absent=0
sec_skipped=0
section() {
    sec_files=0
    sec_absent=0
    sec_skipped=0
}
section_done() { # NAME DETAIL
    local detail=$2
    [ -n "$detail" ] && detail="$detail, "
    printf '%-14s %s%d files, %d not configured, %d skipped\n' \
        "$1:" "$detail" "$sec_files" "$sec_absent" "$sec_skipped"
}

# Appends one entry to the skipped list.
record_skip() { # CALL TARGET ERROR
    python3 -c 'import json, sys; print(json.dumps({"call": sys.argv[1], "target": sys.argv[2], "error": sys.argv[3]}))' \
        "$1" "$2" "$3" >>"$work/skipped.jsonl"
    sec_skipped=$((sec_skipped + 1))
    total_skipped=$((total_skipped + 1))
}

# Runs a python snippet with `d` bound to the JSON of FILE; prints what the snippet prints.
pyjson() { # FILE CODE
    python3 -c 'import json, sys
with open(sys.argv[1]) as f:
    d = json.load(f)
exec(sys.argv[2])' "$1" "$2"
}

# The one way this script calls AWS:
#
#   [CALL_REGION=R] aws_call FILE TARGET QUIET_CODES SERVICE OPERATION [ARGS...]
#
# Runs `aws SERVICE OPERATION ARGS` with the common options and the region (CALL_REGION when
# set, else the export's). On success the CLI's stdout becomes OUTDIR/FILE and it returns 0.
# On failure no file is written and the error code is taken from the CLI's stderr
# ("An error occurred (CODE) when calling ..."); if CODE is one of QUIET_CODES (space-separated:
# the resource simply has none of that thing) it returns 1, otherwise the failure is added to
# the skipped list with TARGET and it returns 2. The code is left in $last_error either way.
last_error=""
aws_call() {
    local file=$1 target=$2 quiet=$3 service=$4 operation=$5
    shift 5
    case $operation in
        get-* | list-* | describe-*) ;;
        *) die "refusing to run $service $operation: this export only reads" ;;
    esac
    local call="$service $operation"
    local status=0
    last_error=""
    "${AWS[@]}" "${common[@]}" --region "${CALL_REGION:-$region}" "$service" "$operation" "$@" \
        >"$work/stdout" 2>"$work/stderr" || status=$?
    if [ $status -eq 0 ]; then
        # The CLI prints nothing at all for an empty response (get-bucket-versioning of a bucket
        # never versioned): the file says so with an empty object.
        [ -s "$work/stdout" ] || echo '{}' >"$work/stdout"
        mkdir -p "$(dirname "$out/$file")"
        mv "$work/stdout" "$out/$file"
        sec_files=$((sec_files + 1))
        total_files=$((total_files + 1))
        return 0
    fi
    last_error=$(sed -n 's/.*An error occurred (\([^)]*\)) when calling.*/\1/p' "$work/stderr" | head -n 1)
    if [ -z "$last_error" ]; then
        # Not a service error (no connection, no credentials, a CLI error): keep its message.
        last_error=$(grep -v '^[[:space:]]*$' "$work/stderr" | tail -n 1 | cut -c 1-300 || true)
        [ -n "$last_error" ] || last_error="exit status $status"
    fi
    local q
    for q in $quiet; do
        if [ "$q" = "$last_error" ]; then
            sec_absent=$((sec_absent + 1))
            return 1
        fi
    done
    record_skip "$call" "$target" "$last_error"
    echo "  skipped: $call $target: $last_error" >&2
    return 2
}

# ---------------------------------------------------------------------------------------------
# STS: who we are. Without it there is no account to export.

section
if ! aws_call sts/caller-identity.json "" "" sts get-caller-identity; then
    cat "$work/stderr" >&2
    rmdir "$out/sts" 2>/dev/null || true
    [ -n "$(ls -A "$out")" ] || rmdir "$out"
    die "sts get-caller-identity failed ($last_error): no account to export"
fi
account=$(pyjson "$out/sts/caller-identity.json" 'print(d["Account"])')
[ -n "$account" ] || die "sts get-caller-identity named no account"
# The skipped list starts now; the identity call cannot have been skipped.
section_done sts "account $account, region $region"

# ---------------------------------------------------------------------------------------------
# IAM: users, groups, roles, managed policies and their documents, in one (paginated) call.

section
aws_call iam/account-authorization-details.json "$account" "" \
    iam get-account-authorization-details || true
detail=""
if [ -f "$out/iam/account-authorization-details.json" ]; then
    detail=$(pyjson "$out/iam/account-authorization-details.json" '
print("%d users, %d groups, %d roles, %d policies" % tuple(
    len(d.get(k) or []) for k in ("UserDetailList", "GroupDetailList", "RoleDetailList", "Policies")))')
fi
section_done iam "$detail"

# ---------------------------------------------------------------------------------------------
# S3: the buckets and, per bucket, the settings that take part in authorization. Each bucket's
# calls after get-bucket-location go to the bucket's region.

section
buckets=()
if aws_call s3/list-buckets.json "$account" "" s3api list-buckets; then
    mapfile -t buckets < <(pyjson "$out/s3/list-buckets.json" '
for b in d.get("Buckets") or []:
    print(b["Name"])')
fi
for b in "${buckets[@]}"; do
    dir=s3/buckets/$b
    bregion=$region
    if aws_call "$dir/location.json" "$b" "" s3api get-bucket-location --bucket "$b"; then
        bregion=$(pyjson "$out/$dir/location.json" '
c = d.get("LocationConstraint") or "us-east-1"
print({"EU": "eu-west-1"}.get(c, c))')
    fi
    CALL_REGION=$bregion aws_call "$dir/policy.json" "$b" NoSuchBucketPolicy \
        s3api get-bucket-policy --bucket "$b" || true
    CALL_REGION=$bregion aws_call "$dir/acl.json" "$b" "" \
        s3api get-bucket-acl --bucket "$b" || true
    CALL_REGION=$bregion aws_call "$dir/public-access-block.json" "$b" NoSuchPublicAccessBlockConfiguration \
        s3api get-public-access-block --bucket "$b" || true
    CALL_REGION=$bregion aws_call "$dir/ownership-controls.json" "$b" OwnershipControlsNotFoundError \
        s3api get-bucket-ownership-controls --bucket "$b" || true
    CALL_REGION=$bregion aws_call "$dir/encryption.json" "$b" ServerSideEncryptionConfigurationNotFoundError \
        s3api get-bucket-encryption --bucket "$b" || true
    CALL_REGION=$bregion aws_call "$dir/versioning.json" "$b" "" \
        s3api get-bucket-versioning --bucket "$b" || true
done
section_done s3 "${#buckets[@]} buckets"

# ---------------------------------------------------------------------------------------------
# S3 Control: the account's Block Public Access settings.

section
aws_call s3control/public-access-block.json "$account" NoSuchPublicAccessBlockConfiguration \
    s3control get-public-access-block --account-id "$account" || true
section_done s3control ""

# ---------------------------------------------------------------------------------------------
# Organizations: only when the account is in one (describe-organization answers). The tree is
# walked from each root: its OUs (recursively) and the accounts directly under each root and OU.
# Then the SCPs and RCPs, each with its document and its targets. A policy type that is not
# enabled on the roots is passed over quietly.

section
detail="not in an organization"
if aws_call organizations/organization.json "$account" "" organizations describe-organization; then
    detail=""
    roots=()
    enabled_types=()
    if aws_call organizations/roots.json "$account" "" organizations list-roots; then
        mapfile -t roots < <(pyjson "$out/organizations/roots.json" '
for r in d.get("Roots") or []:
    print(r["Id"])')
        mapfile -t enabled_types < <(pyjson "$out/organizations/roots.json" '
seen = set()
for r in d.get("Roots") or []:
    for t in r.get("PolicyTypes") or []:
        if t.get("Status") == "ENABLED" and t["Type"] not in seen:
            seen.add(t["Type"])
            print(t["Type"])')
    fi
    aws_call organizations/accounts.json "$account" "" organizations list-accounts || true

    # Breadth-first from the roots; every parent gets an ous/ and a children/ file.
    queue=("${roots[@]}")
    parents=0
    while [ ${#queue[@]} -gt 0 ]; do
        parent=${queue[0]}
        queue=("${queue[@]:1}")
        parents=$((parents + 1))
        if aws_call "organizations/ous/$parent.json" "$parent" "" \
            organizations list-organizational-units-for-parent --parent-id "$parent"; then
            mapfile -t -O ${#queue[@]} queue < <(pyjson "$out/organizations/ous/$parent.json" '
for u in d.get("OrganizationalUnits") or []:
    print(u["Id"])')
        fi
        aws_call "organizations/children/$parent.json" "$parent" "" \
            organizations list-children --child-type ACCOUNT --parent-id "$parent" || true
    done

    npolicies=0
    for type in SERVICE_CONTROL_POLICY RESOURCE_CONTROL_POLICY; do
        # With the roots known, a type not enabled on any is not in force: pass it over.
        if [ ${#roots[@]} -gt 0 ]; then
            is_enabled=no
            for t in "${enabled_types[@]}"; do
                [ "$t" = "$type" ] && is_enabled=yes
            done
            [ $is_enabled = yes ] || continue
        fi
        policies=()
        if aws_call "organizations/policies-$type.json" "$type" \
            "PolicyTypeNotEnabledException PolicyTypeNotAvailableForOrganizationException" \
            organizations list-policies --filter "$type"; then
            mapfile -t policies < <(pyjson "$out/organizations/policies-$type.json" '
for p in d.get("Policies") or []:
    print(p["Id"])')
        fi
        for p in "${policies[@]}"; do
            npolicies=$((npolicies + 1))
            aws_call "organizations/policies/$p.json" "$p" "" \
                organizations describe-policy --policy-id "$p" || true
            aws_call "organizations/targets/$p.json" "$p" "" \
                organizations list-targets-for-policy --policy-id "$p" || true
        done
    done
    detail="${#roots[@]} roots, $parents parents walked, $npolicies policies"
    if [ ${#enabled_types[@]} -gt 0 ]; then
        detail="$detail (enabled: ${enabled_types[*]})"
    fi
fi
section_done organizations "$detail"

# ---------------------------------------------------------------------------------------------
# KMS, in the export's region: the keys, their aliases, and each key's description and policy.

section
keys=()
if aws_call kms/list-keys.json "$region" "" kms list-keys; then
    mapfile -t keys < <(pyjson "$out/kms/list-keys.json" '
for k in d.get("Keys") or []:
    print(k["KeyId"])')
fi
aws_call kms/list-aliases.json "$region" "" kms list-aliases || true
for k in "${keys[@]}"; do
    aws_call "kms/keys/$k/describe-key.json" "$k" "" kms describe-key --key-id "$k" || true
    aws_call "kms/keys/$k/key-policy.json" "$k" "" \
        kms get-key-policy --key-id "$k" --policy-name default || true
done
section_done kms "${#keys[@]} keys in $region"

# ---------------------------------------------------------------------------------------------
# export.json, last: its presence says the export ran to the end.

python3 -c 'import json, sys
skipped = []
with open(sys.argv[6]) as f:
    for line in f:
        if line.strip():
            skipped.append(json.loads(line))
doc = {
    "format": "gatehouse-export-1",
    "account": sys.argv[1],
    "region": sys.argv[2],
    "time": sys.argv[3],
    "aws_cli": sys.argv[4],
    "skipped": skipped,
}
with open(sys.argv[5], "w") as f:
    json.dump(doc, f, indent=4)
    f.write("\n")
' "$account" "$region" "$started" "$cli_version" "$out/export.json" "$work/skipped.jsonl"

echo "exported account $account ($region): $total_files files in $out"
if [ "$total_skipped" -eq 0 ]; then
    echo "skipped: nothing"
else
    echo "skipped: $total_skipped calls (listed in export.json):"
    python3 -c 'import json, sys
for e in json.load(open(sys.argv[1]))["skipped"]:
    print("  %s %s: %s" % (e["call"], e["target"], e["error"]))' "$out/export.json"
fi
