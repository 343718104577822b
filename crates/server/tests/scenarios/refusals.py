"""Requests AWS refuses, and Gatehouse must too (issue 11, "security gaps"): each scenario
sends what a careless or hostile client would, checks AWS's status and error code, and checks
that nothing of a refused write was stored. Raw requests are signed with botocore's own
signers and sent with http.client, which sends the path and headers exactly as given.
"""

import base64
import hashlib
import http.client
import struct
import threading
import urllib.parse
import zlib

from botocore.auth import S3SigV4Auth, SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

from lib import (
    ALPHA,
    BETA,
    ROOT_KEYS,
    check,
    create_bucket,
    create_user,
    equal,
    expect_error,
    get_bytes,
    root,
)
import lib


def send(method, url, body=b"", headers=()):
    """Sends exactly this request; returns (status, body)."""
    parts = urllib.parse.urlsplit(url)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=60)
    target = parts.path + ("?" + parts.query if parts.query else "")
    conn.putrequest(method, target, skip_accept_encoding=True)
    for name, value in headers:
        conn.putheader(name, value)
    conn.putheader("Content-Length", str(len(body)))
    try:
        conn.endheaders(body)
    except (BrokenPipeError, ConnectionResetError):
        pass  # refused before the body was read: the answer is already on its way
    answer = conn.getresponse()
    return answer.status, answer.read().decode("utf-8", "replace")


def signed(method, path, body=b"", headers=None, service="s3", context=None):
    """`method path` signed by botocore as alpha's root (S3's signer for s3); sent as is."""
    key, secret = ROOT_KEYS[ALPHA]
    all_headers = dict(headers or {})
    if service == "s3" and "x-amz-content-sha256" not in all_headers and not context:
        all_headers["x-amz-content-sha256"] = hashlib.sha256(body).hexdigest()
    request = AWSRequest(method=method, url=lib.ENDPOINT + path, data=body, headers=all_headers)
    request.context.update(context or {})
    signer = S3SigV4Auth if service == "s3" else SigV4Auth
    signer(Credentials(key, secret), service, "us-east-1").add_auth(request)
    return send(method, lib.ENDPOINT + path, body, list(request.headers.items()))


def code_of(body):
    return body.split("<Code>")[1].split("</Code>")[0] if "<Code>" in body else None


def keys(bucket):
    return [o["Key"] for o in root("s3").list_objects_v2(Bucket=bucket).get("Contents", [])]


def b64md5(data):
    return base64.b64encode(hashlib.md5(data).digest()).decode()


def scenario_presigned_urls_refuse_unsigned_headers_and_bad_lifetimes():
    bucket = create_bucket(objects={"src": b"secret"})
    s3 = root("s3")
    url = s3.generate_presigned_url("put_object", Params={"Bucket": bucket, "Key": "up"})
    # An unsigned x-amz-copy-source would turn the signed PUT into a CopyObject.
    status, body = send("PUT", url, b"", [("x-amz-copy-source", f"{bucket}/src")])
    equal((status, code_of(body)), (403, "AccessDenied"), "unsigned x-amz-copy-source")
    check("were not signed" in body, "AWS's message names unsigned headers")
    status, body = send("PUT", url, b"x", [("x-amz-acl", "public-read")])
    equal((status, code_of(body)), (403, "AccessDenied"), "unsigned x-amz-acl")
    equal(keys(bucket), ["src"], "nothing written by the refused requests")
    # The payload hash header changes nothing a presigned URL authorized.
    status, _ = send("PUT", url, b"ok", [("x-amz-content-sha256", "UNSIGNED-PAYLOAD")])
    equal(status, 200, "presigned PUT with an unsigned payload hash header")
    for lifetime in (0, 604801):
        url = s3.generate_presigned_url(
            "get_object", Params={"Bucket": bucket, "Key": "src"}, ExpiresIn=lifetime
        )
        status, body = send("GET", url)
        equal(
            (status, code_of(body)),
            (400, "AuthorizationQueryParametersError"),
            f"X-Amz-Expires={lifetime}",
        )
    # A credential scoped to IAM is not an S3 credential, and the other way round.
    url = s3.generate_presigned_url("get_object", Params={"Bucket": bucket, "Key": "src"})
    status, body = send("GET", url.replace("%2Fs3%2Faws4_request", "%2Fiam%2Faws4_request"))
    equal((status, code_of(body)), (400, "AuthorizationHeaderMalformed"), "iam scope on S3")
    status, body = signed(
        "POST",
        "/",
        b"Action=ListUsers&Version=2010-05-08",
        {"content-type": "application/x-www-form-urlencoded"},
        service="s3",
    )
    check(status in (400, 403), f"an s3 scope on IAM is refused ({status} {body[:200]})")


def scenario_expected_bucket_owner_is_enforced():
    bucket = create_bucket(objects={"k": b"v"})
    s3 = root("s3")
    expect_error(
        lambda: s3.get_object(Bucket=bucket, Key="k", ExpectedBucketOwner=BETA), 403, "AccessDenied"
    )
    expect_error(
        lambda: s3.put_object(Bucket=bucket, Key="n", Body=b"x", ExpectedBucketOwner=BETA),
        403,
        "AccessDenied",
    )
    equal(s3.get_object(Bucket=bucket, Key="k", ExpectedBucketOwner=ALPHA)["Body"].read(), b"v", "own account")
    expect_error(
        lambda: s3.copy_object(
            Bucket=bucket,
            Key="c",
            CopySource={"Bucket": bucket, "Key": "k"},
            ExpectedSourceBucketOwner=BETA,
        ),
        403,
        "AccessDenied",
    )
    equal(keys(bucket), ["k"], "nothing written")


def scenario_every_write_path_checks_its_digest_and_stores_nothing_refused():
    bucket = create_bucket()
    s3 = root("s3")
    wrong = b64md5(b"something else")
    expect_error(lambda: s3.put_object(Bucket=bucket, Key="p", Body=b"abc", ContentMD5=wrong), 400, "BadDigest")
    sha = base64.b64encode(hashlib.sha256(b"other").digest()).decode()
    expect_error(lambda: s3.put_object(Bucket=bucket, Key="s", Body=b"abc", ChecksumSHA256=sha), 400, "BadDigest")
    upload = s3.create_multipart_upload(Bucket=bucket, Key="m")["UploadId"]
    expect_error(
        lambda: s3.upload_part(Bucket=bucket, Key="m", UploadId=upload, PartNumber=1, Body=b"abc", ContentMD5=wrong),
        400,
        "BadDigest",
    )
    expect_error(
        lambda: s3.upload_part(Bucket=bucket, Key="m", UploadId=upload, PartNumber=2, Body=b"abc", ChecksumSHA256=sha),
        400,
        "BadDigest",
    )
    equal(s3.list_parts(Bucket=bucket, Key="m", UploadId=upload).get("Parts", []), [], "no part stored")
    part = s3.upload_part(Bucket=bucket, Key="m", UploadId=upload, PartNumber=1, Body=b"abc", ContentMD5=b64md5(b"abc"))
    equal(part["ETag"], f'"{hashlib.md5(b"abc").hexdigest()}"', "a right Content-MD5 is accepted")
    equal(keys(bucket), [], "no object stored")


def chunked_put(bucket, key, data, declared):
    """An aws-chunked PUT (unsigned chunks, CRC32 trailer) declaring `declared` decoded bytes."""
    crc = base64.b64encode(struct.pack(">I", zlib.crc32(data))).decode()
    body = b"%x\r\n" % len(data) + data + b"\r\n0\r\nx-amz-checksum-crc32:" + crc.encode() + b"\r\n\r\n"
    return signed(
        "PUT",
        f"/{bucket}/{key}",
        body,
        {
            "content-encoding": "aws-chunked",
            "x-amz-decoded-content-length": str(declared),
            "x-amz-trailer": "x-amz-checksum-crc32",
        },
        context={"checksum": {"request_algorithm": {"in": "trailer", "algorithm": "crc32"}}},
    )


def scenario_an_aws_chunked_body_must_match_its_declared_length():
    bucket = create_bucket()
    equal(chunked_put(bucket, "right", b"0123456789", 10)[0], 200, "declared length right")
    for declared in (3, 30):
        status, body = chunked_put(bucket, f"wrong{declared}", b"0123456789", declared)
        check(status == 400, f"declared {declared} for 10 bytes: {status} {body[:200]}")
    equal(keys(bucket), ["right"], "only the honest upload stored")
    equal(get_bytes(root("s3"), bucket, "right"), b"0123456789", "its bytes")


def scenario_metadata_over_two_kilobytes_is_refused():
    bucket = create_bucket()
    s3 = root("s3")
    for size in (2100, 65536):
        expect_error(
            lambda: s3.put_object(Bucket=bucket, Key=f"m{size}", Body=b"x", Metadata={"big": "v" * size}),
            400,
            "MetadataTooLarge",
        )
    expect_error(
        lambda: s3.create_multipart_upload(Bucket=bucket, Key="mp", Metadata={"big": "v" * 4096}),
        400,
        "MetadataTooLarge",
    )
    s3.put_object(Bucket=bucket, Key="fits", Body=b"x", Metadata={"big": "v" * 1900})
    equal(s3.head_object(Bucket=bucket, Key="fits")["Metadata"], {"big": "v" * 1900}, "1,900 bytes read back")
    expect_error(
        lambda: s3.copy_object(
            Bucket=bucket,
            Key="copy",
            CopySource={"Bucket": bucket, "Key": "fits"},
            MetadataDirective="REPLACE",
            Metadata={"big": "v" * 3000},
        ),
        400,
        "MetadataTooLarge",
    )
    equal(keys(bucket), ["fits"], "nothing else stored")


def scenario_delete_objects_needs_an_integrity_header_that_holds():
    bucket = create_bucket(objects={"k": b"v"})
    body = b"<Delete><Object><Key>k</Key></Object></Delete>"
    status, answer = signed("POST", f"/{bucket}?delete", body)
    equal((status, code_of(answer)), (400, "InvalidRequest"), "DeleteObjects without Content-MD5")
    equal(keys(bucket), ["k"], "nothing deleted")
    # The integrity header is held to the body: a wrong one deletes nothing either.
    status, answer = signed("POST", f"/{bucket}?delete", body, {"content-md5": b64md5(b"other")})
    equal((status, code_of(answer)), (400, "BadDigest"), "DeleteObjects with a wrong Content-MD5")
    wrong_crc = base64.b64encode(struct.pack(">I", zlib.crc32(b"other"))).decode()
    status, answer = signed("POST", f"/{bucket}?delete", body, {"x-amz-checksum-crc32": wrong_crc})
    equal((status, code_of(answer)), (400, "BadDigest"), "DeleteObjects with a wrong CRC32")
    equal(keys(bucket), ["k"], "nothing deleted")
    status, _ = signed("POST", f"/{bucket}?delete", body, {"content-md5": b64md5(body)})
    equal(status, 200, "with Content-MD5")
    equal(keys(bucket), [], "deleted")


def scenario_oversize_and_non_utf8_inputs_get_4xx_not_500():
    bucket = create_bucket()
    statement = b'{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::x/*"},'
    huge = b'{"Version":"2012-10-17","Statement":[' + statement * 240000 + b"{}]}"
    status, body = signed("PUT", f"/{bucket}?policy", huge)
    equal((status, code_of(body)), (400, "MaxMessageLengthExceeded"), "a 21 MB PutBucketPolicy")
    big = b'{"Version":"2012-10-17","Statement":[' + statement * 400 + b"{}]}"
    status, body = signed("PUT", f"/{bucket}?policy", big)
    equal((status, code_of(body)), (400, "MalformedPolicy"), "a 36 KB bucket policy")
    user = create_user()
    document = urllib.parse.quote(
        '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"arn:aws:s3:::'
    ) + "%FF%FE" + urllib.parse.quote('"}]}')
    form = f"Action=PutUserPolicy&Version=2010-05-08&UserName={user.name}&PolicyName=p&PolicyDocument={document}"
    status, body = signed(
        "POST", "/", form.encode(), {"content-type": "application/x-www-form-urlencoded"}, service="iam"
    )
    equal((status, code_of(body)), (400, "MalformedPolicyDocument"), "PutUserPolicy with invalid UTF-8")
    equal(root("iam").list_user_policies(UserName=user.name)["PolicyNames"], [], "no policy stored")


def scenario_upload_part_copy_checks_before_it_copies():
    bucket = create_bucket(objects={"src": b"s" * 1024})
    s3 = root("s3")
    upload = s3.create_multipart_upload(Bucket=bucket, Key="dst")["UploadId"]
    beta = root("s3", BETA)
    for _ in range(3):
        expect_error(
            lambda: beta.upload_part_copy(
                Bucket=bucket, Key="dst", UploadId=upload, PartNumber=1, CopySource={"Bucket": bucket, "Key": "src"}
            ),
            403,
            "AccessDenied",
        )
    expect_error(
        lambda: s3.upload_part_copy(
            Bucket=bucket, Key="dst", UploadId="no-such-upload", PartNumber=1, CopySource={"Bucket": bucket, "Key": "src"}
        ),
        404,
        "NoSuchUpload",
    )
    equal(s3.list_parts(Bucket=bucket, Key="dst", UploadId=upload).get("Parts", []), [], "no part")


def scenario_racing_completes_leave_one_readable_object():
    bucket = create_bucket()
    s3 = root("s3")
    first = b"a" * (5 * 1024 * 1024)
    for round_ in range(3):
        key = f"race{round_}"
        upload = s3.create_multipart_upload(Bucket=bucket, Key=key)["UploadId"]
        parts = [
            {"PartNumber": n, "ETag": s3.upload_part(Bucket=bucket, Key=key, UploadId=upload, PartNumber=n, Body=data)["ETag"]}
            for n, data in ((1, first), (2, b"end"))
        ]
        outcomes = []
        gate = threading.Barrier(2)

        def complete():
            client = root("s3")
            gate.wait()
            try:
                client.complete_multipart_upload(
                    Bucket=bucket, Key=key, UploadId=upload, MultipartUpload={"Parts": parts}
                )
                outcomes.append("ok")
            except Exception as e:  # noqa: BLE001 - the error code is what is checked
                outcomes.append(getattr(e, "response", {}).get("Error", {}).get("Code", repr(e)))

        threads = [threading.Thread(target=complete) for _ in range(2)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        check(outcomes.count("ok") >= 1, f"one Complete succeeds: {outcomes}")
        check(all(o in ("ok", "NoSuchUpload") for o in outcomes), f"the other finds it gone: {outcomes}")
        got = get_bytes(s3, bucket, key)
        equal(len(got), len(first) + 3, "the object reads back whole")


def scenario_a_made_up_session_token_with_a_long_term_key_is_refused():
    key, secret = ROOT_KEYS[ALPHA]
    s3 = lib.client("s3", key, secret, token="made-up-token")
    expect_error(lambda: s3.list_buckets(), 400, "InvalidToken")
    iam = lib.client("iam", key, secret, token="made-up-token")
    expect_error(lambda: iam.list_users(), 403, "InvalidClientTokenId")


def scenario_botocore_signatures_verify_for_odd_keys_and_unknown_parameters():
    """Issue 11 saw SignatureDoesNotMatch for a botocore GetObject with unknown query
    parameters and `..%2F` in the key. The canonical URI is the URI-encoded decoded key with its
    slashes kept [S3 `sig-v4-header-based-auth-overview`], which is what s3s computes and what
    botocore's client signs (it writes `%` as `%25`); a hand-built path with a literal `%2F`
    names the key with a `/` and is signed differently by AWS as well."""
    bucket = create_bucket()
    extra = {"unknown": "x y", "flag": "", "Mixed": "a/b~c"}

    def add_params(params, **_):
        params["query_string"].update(extra)

    s3 = lib.client("s3", *ROOT_KEYS[ALPHA])
    s3.meta.events.register("before-call.s3.GetObject", add_params)
    s3.meta.events.register("before-call.s3.PutObject", add_params)
    s3.meta.events.register("before-call.s3.HeadObject", add_params)
    for key in ["a/..%2Fb", "../x", "a/../../b", "%2e%2e/x", "sp ace+plus", "\u00e9l\u00e8ve/\u65e5", "~tilde*star"]:
        s3.put_object(Bucket=bucket, Key=key, Body=key.encode())
        equal(s3.get_object(Bucket=bucket, Key=key)["Body"].read(), key.encode(), f"GetObject {key!r}")
        equal(s3.head_object(Bucket=bucket, Key=key)["ContentLength"], len(key.encode()), f"HeadObject {key!r}")
        url = root("s3").generate_presigned_url("get_object", Params={"Bucket": bucket, "Key": key})
        equal(send("GET", url), (200, key), f"presigned GET {key!r}")


if __name__ == "__main__":
    lib.run(globals())
