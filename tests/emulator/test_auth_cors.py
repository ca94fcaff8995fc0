"""SigV4 verification, credential lifecycle, protocol-level errors and CORS, over raw HTTP and boto3."""

from __future__ import annotations

import datetime
import email.utils
import json
from urllib.parse import urlencode

import pytest
from botocore.exceptions import ClientError

from emu import API_VERSION, assert_error, http, ok_meta, parse_raw

KEY, SECRET = "AKIAAUTHSUITE0000001", "auth-suite-secret-key-0123456789abcdef"
UNKNOWN_KEY = "AKIANOSUCHKEY0000000"

QUERY_DESCRIBE = {
    "elasticache": ("us-east-1", {"Action": "DescribeReplicationGroups"}, "DescribeReplicationGroups"),
    "neptune": ("eu-west-1", {"Action": "DescribeGlobalClusters"}, "DescribeGlobalClusters"),
}
FORM = {"Content-Type": "application/x-www-form-urlencoded; charset=utf-8"}
# AWS JSON services answer signature problems with 400 or 403 depending on the service front end.
JSON_AUTH_STATUS = (400, 403)


@pytest.fixture(scope="module")
def emu(start_module_emulator):
    """Started with non-demo credentials: proves --credentials is honoured."""
    return start_module_emulator("--topology", "default", credentials=(KEY, SECRET))


def query_error(service: str, result) -> dict:
    assert result is not None, "connection closed without an answer"
    parsed = parse_raw(service, QUERY_DESCRIBE[service][2], result)
    assert "Error" in parsed, f"not an error: HTTP {result.status} {result.body[:300]!r}"
    assert parsed["ResponseMetadata"].get("RequestId"), f"no RequestId: {result.body[:300]!r}"
    assert result.body.lstrip().startswith(b"<"), "Query errors are XML"
    return parsed["Error"]


def json_error(result, operation: str = "DescribeClusters") -> dict:
    assert result is not None, "connection closed without an answer"
    parsed = parse_raw("memorydb", operation, result)
    assert "Error" in parsed, f"not an error: HTTP {result.status} {result.body[:300]!r}"
    assert parsed["ResponseMetadata"].get("RequestId"), f"no x-amzn-RequestId: {result.headers}"
    return parsed["Error"]


def query(emu, service, params=None, region_override=None, **kw):
    region, base, _ = QUERY_DESCRIBE[service]
    region = region_override or region
    return emu.query(service, region, {**base, **(params or {})}, key=kw.pop("key", KEY), secret=kw.pop("secret", SECRET), **kw)


def jcall(emu, target="DescribeClusters", payload=None, **kw):
    return emu.json_call("us-east-1", target, {} if payload is None else payload,
                         key=kw.pop("key", KEY), secret=kw.pop("secret", SECRET), **kw)


# --- the happy path, by hand and through the SDK ------------------------------------------------------

def test_correctly_signed_raw_requests_succeed(emu):
    for service in QUERY_DESCRIBE:
        r = query(emu, service)
        assert r.status == 200, r.body[:500]
        parsed = parse_raw(service, QUERY_DESCRIBE[service][2], r)
        assert "Error" not in parsed and parsed["ResponseMetadata"]["RequestId"]
        assert r.header("content-type", "").startswith(("text/xml", "application/xml"))
    r = jcall(emu)
    assert r.status == 200, r.body[:500]
    assert r.header("content-type", "").startswith("application/x-amz-json-1.1")
    assert isinstance(r.json()["Clusters"], list)
    assert r.header("x-amzn-requestid")


def test_sdk_with_configured_credentials(emu):
    ok_meta(emu.elasticache("us-east-1", key=KEY, secret=SECRET).describe_replication_groups())
    ok_meta(emu.neptune("us-east-1", key=KEY, secret=SECRET).describe_global_clusters())
    ok_meta(emu.memorydb("us-east-1", key=KEY, secret=SECRET).describe_clusters())


# --- signatures --------------------------------------------------------------------------------------

@pytest.mark.parametrize("service", ["elasticache", "neptune"])
def test_tampered_signature_query(emu, service):
    r = query(emu, service, tamper=True)
    assert r.status == 403
    assert query_error(service, r)["Code"] == "SignatureDoesNotMatch"


def test_tampered_signature_json(emu):
    r = jcall(emu, tamper=True)
    assert r.status in JSON_AUTH_STATUS
    assert json_error(r)["Code"] == "InvalidSignatureException"
    assert r.header("x-amzn-errortype", "").split(":")[0] == "InvalidSignatureException"


def test_wrong_secret_through_sdk(emu):
    with pytest.raises(ClientError) as e:
        emu.elasticache("us-east-1", key=KEY, secret="not-the-secret").describe_replication_groups()
    assert_error(e, "SignatureDoesNotMatch", 403, query=True)
    with pytest.raises(ClientError) as e:
        emu.memorydb("us-east-1", key=KEY, secret="not-the-secret").describe_clusters()
    assert_error(e, "InvalidSignatureException", JSON_AUTH_STATUS)


def test_body_changed_after_signing_is_refused(emu):
    """The payload hash is part of the signature: a body altered in flight must not verify."""
    from botocore.auth import SigV4Auth
    from botocore.awsrequest import AWSRequest
    from botocore.credentials import Credentials

    body = urlencode({"Action": "DescribeReplicationGroups", "Version": API_VERSION["elasticache"]}).encode()
    req = AWSRequest(method="POST", url=emu.url + "/", data=body, headers=dict(FORM))
    SigV4Auth(Credentials(KEY, SECRET), "elasticache", "us-east-1").add_auth(req)
    prepared = req.prepare()
    altered = body + b"&MaxRecords=20"
    headers = {k: v for k, v in prepared.headers.items() if k.lower() != "content-length"}
    r = http("POST", emu.url + "/", altered, headers)
    assert r.status == 403
    assert query_error("elasticache", r)["Code"] == "SignatureDoesNotMatch"


def test_unknown_access_key(emu):
    with pytest.raises(ClientError) as e:
        emu.elasticache("us-east-1", key=UNKNOWN_KEY, secret=SECRET).describe_replication_groups()
    assert_error(e, "InvalidClientTokenId", 403, query=True)
    with pytest.raises(ClientError) as e:
        emu.neptune("us-east-1", key=UNKNOWN_KEY, secret=SECRET).describe_db_clusters()
    assert_error(e, "InvalidClientTokenId", 403, query=True)
    with pytest.raises(ClientError) as e:
        emu.memorydb("us-east-1", key=UNKNOWN_KEY, secret=SECRET).describe_clusters()
    assert_error(e, "UnrecognizedClientException", JSON_AUTH_STATUS)


def test_missing_authentication(emu):
    for service in QUERY_DESCRIBE:
        r = query(emu, service, sign=False)
        assert r.status == 403
        assert query_error(service, r)["Code"] == "MissingAuthenticationToken"
    r = jcall(emu, sign=False)
    assert r.status in JSON_AUTH_STATUS
    assert json_error(r)["Code"] == "MissingAuthenticationTokenException"


def test_request_signed_ten_minutes_ago_is_refused_for_skew(emu):
    past = datetime.datetime.now(datetime.timezone.utc) - datetime.timedelta(minutes=10)
    for service in QUERY_DESCRIBE:
        r = query(emu, service, when=past)
        err = query_error(service, r)
        # AWS Query services: 403 SignatureDoesNotMatch "Signature expired: <date> is now earlier than ..."
        assert r.status == 403
        assert err["Code"] == "SignatureDoesNotMatch"
        assert "Signature expired" in err["Message"], err
        _assert_date_header(r)
    r = jcall(emu, when=past)
    err = json_error(r)
    assert r.status in JSON_AUTH_STATUS
    assert err["Code"] == "InvalidSignatureException"
    assert "Signature expired" in err["Message"], err
    _assert_date_header(r)


def _assert_date_header(r):
    """The client corrects its clock from Date: it must be there and be the server's 'now'."""
    date = r.header("date")
    assert date, f"no Date header: {r.headers}"
    server_now = email.utils.parsedate_to_datetime(date)
    skew = abs((server_now - datetime.datetime.now(datetime.timezone.utc)).total_seconds())
    assert skew < 60, f"Date header {date} is not the server's current time"


def test_request_signed_ten_minutes_ahead_is_refused(emu):
    """AWS also refuses a signature more than 5 minutes in the future ("Signature not yet current")."""
    ahead = datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(minutes=10)
    r = query(emu, "elasticache", when=ahead)
    assert r.status == 403
    assert query_error("elasticache", r)["Code"] == "SignatureDoesNotMatch"
    _assert_date_header(r)
    r = jcall(emu, when=ahead)
    assert r.status in JSON_AUTH_STATUS
    assert json_error(r)["Code"] == "InvalidSignatureException"
    _assert_date_header(r)


def test_scope_with_a_wrong_region_is_refused(emu):
    """A scope region that is no region, or not the one of the AWS host the request names."""
    for service in QUERY_DESCRIBE:
        r = query(emu, service, region_override="moon-1")
        err = query_error(service, r)
        assert r.status == 403
        assert err["Code"] == "SignatureDoesNotMatch"
        assert err["Message"].startswith("Credential should be scoped to a valid region, not 'moon-1'"), err
    r = emu.json_call("us-east-1x", "DescribeClusters", {}, key=KEY, secret=SECRET)
    assert r.status in JSON_AUTH_STATUS
    assert json_error(r)["Code"] == "InvalidSignatureException"
    # Signed for us-east-1 with the host of the us-west-2 endpoint (a relay that forwards unchanged).
    body = urlencode({"Action": "DescribeReplicationGroups", "Version": API_VERSION["elasticache"]}).encode()
    r = emu.raw("elasticache", "us-east-1", body, {**FORM, "Host": "elasticache.us-west-2.amazonaws.com"},
                key=KEY, secret=SECRET)
    err = query_error("elasticache", r)
    assert err["Code"] == "SignatureDoesNotMatch"
    assert "not 'us-east-1'" in err["Message"], err
    # The same request with the matching host passes.
    r = emu.raw("elasticache", "us-east-1", body, {**FORM, "Host": "elasticache.us-east-1.amazonaws.com"},
                key=KEY, secret=SECRET)
    assert r.status == 200, r.body[:300]


def test_request_signed_two_minutes_ago_is_accepted(emu):
    """AWS allows 5 minutes of clock skew."""
    past = datetime.datetime.now(datetime.timezone.utc) - datetime.timedelta(minutes=2)
    assert query(emu, "elasticache", when=past).status == 200
    assert jcall(emu, when=past).status == 200


def test_expired_and_restored_credentials(start_emulator):
    emu = start_emulator("--topology", "default", credentials=(KEY, SECRET))
    r = emu.post_control("/_emulator/credentials/expire", {"accessKeyId": KEY})
    assert r.status == 200, r.body
    try:
        with pytest.raises(ClientError) as e:
            emu.elasticache("us-east-1").describe_replication_groups()
        assert_error(e, "ExpiredToken", (400, 403), query=True)
        with pytest.raises(ClientError) as e:
            emu.neptune("us-east-1").describe_global_clusters()
        assert_error(e, "ExpiredToken", (400, 403), query=True)
        with pytest.raises(ClientError) as e:
            emu.memorydb("us-east-1").describe_clusters()
        assert_error(e, "ExpiredTokenException", (400, 403))
        # a mutating call is refused too, and does nothing
        with pytest.raises(ClientError) as e:
            emu.elasticache("us-west-2").test_failover(ReplicationGroupId="feature-flags", NodeGroupId="0001")
        assert_error(e, "ExpiredToken", (400, 403), query=True)
    finally:
        r = emu.post_control("/_emulator/credentials/restore", {"accessKeyId": KEY})
    assert r.status == 200, r.body
    ok_meta(emu.elasticache("us-east-1").describe_replication_groups())
    ok_meta(emu.memorydb("us-east-1").describe_clusters())
    rg = emu.elasticache("us-west-2").describe_replication_groups(ReplicationGroupId="feature-flags")["ReplicationGroups"][0]
    assert rg["Status"] == "available", "the refused TestFailover must not have started"


# --- protocol-level errors -------------------------------------------------------------------------------

def test_unknown_action(emu):
    r = query(emu, "elasticache", {"Action": "FlyToTheMoon"})
    assert r.status == 400
    assert query_error("elasticache", r)["Code"] == "InvalidAction"
    r = query(emu, "neptune", {"Action": "DeleteEverything"})
    assert r.status == 400
    assert query_error("neptune", r)["Code"] == "InvalidAction"


def test_unknown_target(emu):
    r = jcall(emu, target="FlyToTheMoon")
    assert r.status == 400
    assert json_error(r)["Code"] == "UnknownOperationException"


def test_body_over_one_mebibyte_is_refused(emu):
    pad = "x" * (1024 * 1024 + 100)
    body = urlencode({"Action": "DescribeReplicationGroups", "Version": API_VERSION["elasticache"], "Pad": pad}).encode()
    r = emu.raw("elasticache", "us-east-1", body, FORM, key=KEY, secret=SECRET, big_body=True)
    assert r is not None and r.status == 413, r and (r.status, r.body[:200])
    big_json = json.dumps({"ClusterName": "x" * (1024 * 1024 + 100)}).encode()
    r = emu.json_call("us-east-1", "DescribeClusters", big_json, key=KEY, secret=SECRET, big_body=True)
    assert r is not None and r.status == 413, r and (r.status, r.body[:200])
    assert emu.health().status == 200
    assert query(emu, "elasticache").status == 200


MALFORMED_FORMS = [
    b"Action=DescribeReplicationGroups&Version=2015-02-02&Marker=%ZZ",
    b"Action=DescribeReplicationGroups&Version=2015-02-02&Marker=%",
    b"Action=DescribeReplicationGroups&Version=2015-02-02&Marker=\xff\xfe",
]


@pytest.mark.parametrize("body", MALFORMED_FORMS, ids=["bad-escape", "truncated-escape", "not-utf8"])
def test_malformed_form_encoding(emu, body):
    r = emu.raw("elasticache", "us-east-1", body, FORM, key=KEY, secret=SECRET)
    assert r.status == 400, (r.status, r.body[:300])
    err = query_error("elasticache", r)
    # AWS says MalformedQueryString or InvalidParameterValue here depending on the front end
    assert err["Code"] in ("InvalidParameterValue", "MalformedQueryString", "ValidationError"), err
    assert emu.health().status == 200


@pytest.mark.parametrize("body", [b'{"ClusterName": ', b"not json at all", b"\xff\xfe\x00", b"[1, 2, 3]"],
                         ids=["truncated", "text", "binary", "array"])
def test_malformed_json(emu, body):
    r = emu.json_call("us-east-1", "DescribeClusters", body, key=KEY, secret=SECRET)
    assert r.status == 400, (r.status, r.body[:300])
    err = json_error(r)
    assert err["Code"] in ("SerializationException", "ValidationException", "InvalidParameterValueException"), err
    assert emu.health().status == 200


def test_wrongly_typed_and_missing_parameters(emu):
    r = query(emu, "elasticache", {"MaxRecords": "twenty"})
    assert r.status == 400
    assert query_error("elasticache", r)["Code"] in ("InvalidParameterValue", "ValidationError", "MalformedQueryString")
    r = emu.query("elasticache", "us-east-1", {"Action": "TestFailover", "ReplicationGroupId": "feature-flags"},
                  key=KEY, secret=SECRET)
    assert r.status == 400
    assert query_error("elasticache", r)["Code"] in ("MissingParameter", "InvalidParameterValue", "ValidationError")
    r = jcall(emu, "DescribeClusters", {"MaxResults": "many"})
    assert r.status == 400
    assert json_error(r)["Code"] in ("SerializationException", "ValidationException", "InvalidParameterValueException")
    r = jcall(emu, "FailoverShard", {"ClusterName": "payments-ledger"})
    assert r.status == 400
    assert json_error(r, "FailoverShard")["Code"] in ("ValidationException", "InvalidParameterValueException",
                                                      "MissingParameter", "InvalidParameterCombinationException")


def test_still_alive_after_bad_inputs(emu):
    assert emu.alive()
    h = emu.health()
    assert h.status == 200 and h.json() == {"status": "ok"}
    ok_meta(emu.memorydb("us-east-1", key=KEY, secret=SECRET).describe_clusters())


# --- CORS ----------------------------------------------------------------------------------------------

REQUESTED_HEADERS = ["content-type", "authorization", "x-amz-date", "x-amz-target", "x-amz-user-agent",
                     "x-amz-security-token", "x-amz-content-sha256", "amz-sdk-invocation-id", "amz-sdk-request"]
ORIGIN = "http://localhost:8080"


def _csv(value: str | None) -> set:
    return {v.strip().lower() for v in (value or "").split(",") if v.strip()}


def test_cors_preflight(emu):
    r = http("OPTIONS", emu.url + "/", None, {
        "Origin": ORIGIN,
        "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": ",".join(REQUESTED_HEADERS),
    })
    assert r.status in (200, 204), r
    assert r.header("access-control-allow-origin") in ("*", ORIGIN)
    assert "post" in _csv(r.header("access-control-allow-methods"))
    allowed = _csv(r.header("access-control-allow-headers"))
    assert "*" in allowed or set(REQUESTED_HEADERS) <= allowed, allowed
    exposed = _csv(r.header("access-control-expose-headers"))
    assert {"x-amzn-requestid", "x-amzn-errortype", "date"} <= exposed, exposed
    # AWS answers a preflight with 200 and an empty body (aws-reference/cors_preflight_evidence.md)
    assert r.status == 200


def test_cors_headers_on_responses(emu):
    """Browsers apply Allow-Origin and Expose-Headers from the actual response, not the preflight:
    without them on the POST answer the console cannot read x-amzn-RequestId or Date."""
    r = emu.raw("elasticache", "us-east-1",
                urlencode({"Action": "DescribeReplicationGroups", "Version": API_VERSION["elasticache"]}).encode(),
                {**FORM, "Origin": ORIGIN}, key=KEY, secret=SECRET)
    assert r.status == 200
    assert r.header("access-control-allow-origin") in ("*", ORIGIN)
    assert {"x-amzn-requestid", "date"} <= _csv(r.header("access-control-expose-headers"))

    r = emu.raw("memorydb", "us-east-1", b"{}", {"Content-Type": "application/x-amz-json-1.1",
                                                  "X-Amz-Target": "AmazonMemoryDB.DescribeClusters", "Origin": ORIGIN},
                key=UNKNOWN_KEY, secret=SECRET)
    assert r.status >= 400
    assert r.header("access-control-allow-origin") in ("*", ORIGIN), "error answers need Allow-Origin too"
    assert {"x-amzn-requestid", "x-amzn-errortype", "date"} <= _csv(r.header("access-control-expose-headers"))


# --- robustness under concurrent and stalled clients ------------------------------------------------------

def test_concurrent_requests(emu):
    from concurrent.futures import ThreadPoolExecutor

    def one(i):
        if i % 3 == 0:
            return emu.elasticache("us-east-1", key=KEY, secret=SECRET).describe_replication_groups()
        if i % 3 == 1:
            return emu.neptune("us-west-2", key=KEY, secret=SECRET).describe_db_clusters(
                Filters=[{"Name": "engine", "Values": ["neptune"]}])
        return emu.memorydb("us-east-1", key=KEY, secret=SECRET).describe_clusters(ShowShardDetails=True)

    with ThreadPoolExecutor(max_workers=12) as pool:
        results = list(pool.map(one, range(36)))
    ids = [r["ResponseMetadata"]["RequestId"] for r in results]
    assert all(r["ResponseMetadata"]["HTTPStatusCode"] == 200 for r in results)
    assert len(set(ids)) == len(ids)


def test_stalled_client_does_not_block_others(emu):
    import socket
    import time

    stalled = socket.create_connection(("127.0.0.1", emu.port))
    try:
        # headers promise a body that never comes
        stalled.sendall(b"POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 1000\r\n\r\nAction=Desc")
        started = time.monotonic()
        assert emu.health().status == 200
        assert query(emu, "elasticache").status == 200
        assert time.monotonic() - started < 3, "one stalled connection must not hold up the server"
    finally:
        stalled.close()
    garbage = socket.create_connection(("127.0.0.1", emu.port))
    try:
        garbage.sendall(b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03 not http at all\r\n\r\n")
        garbage.settimeout(5)
        try:
            garbage.recv(1024)
        except (ConnectionResetError, socket.timeout, TimeoutError):
            pass
    finally:
        garbage.close()
    assert emu.health().status == 200


def test_signed_header_changed_after_signing_is_refused(emu):
    """X-Amz-Target is signed: turning a signed DescribeClusters into FailoverShard must not verify."""
    from botocore.auth import SigV4Auth
    from botocore.awsrequest import AWSRequest
    from botocore.credentials import Credentials

    body = json.dumps({"ClusterName": "payments-ledger", "ShardName": "0001"}).encode()
    req = AWSRequest(method="POST", url=emu.url + "/", data=body, headers={
        "Content-Type": "application/x-amz-json-1.1", "X-Amz-Target": "AmazonMemoryDB.DescribeClusters"})
    SigV4Auth(Credentials(KEY, SECRET), "memorydb", "us-east-1").add_auth(req)
    headers = {k: v for k, v in req.prepare().headers.items() if k.lower() != "content-length"}
    headers["X-Amz-Target"] = "AmazonMemoryDB.FailoverShard"
    r = http("POST", emu.url + "/", body, headers)
    assert r.status in JSON_AUTH_STATUS
    assert json_error(r, "FailoverShard")["Code"] == "InvalidSignatureException"
    state = emu.memorydb("us-east-1", key=KEY, secret=SECRET).describe_clusters(ClusterName="payments-ledger")
    assert state["Clusters"][0]["Status"] == "available", "the forged failover must not have run"


@pytest.mark.parametrize("auth", [
    "AWS4-HMAC-SHA256 Credential=garbage",
    "AWS4-HMAC-SHA256",
    "Basic dXNlcjpwYXNz",
    "AWS4-HMAC-SHA256 Credential=AKIAAUTHSUITE0000001/20260101/us-east-1/elasticache/aws4_request, SignedHeaders=host, Signature=zz",
])
def test_malformed_authorization_header(emu, auth):
    body = urlencode({"Action": "DescribeReplicationGroups", "Version": API_VERSION["elasticache"]}).encode()
    r = http("POST", emu.url + "/", body, {**FORM, "Authorization": auth, "X-Amz-Date": "20260101T000000Z"})
    assert 400 <= r.status < 500, (r.status, r.body[:200])
    code = query_error("elasticache", r)["Code"]
    # AWS: IncompleteSignature (400) for an unparsable header; a parsable one fails verification
    assert code in ("IncompleteSignature", "SignatureDoesNotMatch", "MissingAuthenticationToken", "InvalidClientTokenId"), code
    assert emu.health().status == 200


def test_expiry_is_per_access_key(start_emulator):
    other_key, other_secret = "AKIASECONDUSER000001", "second-user-secret-0123456789abcdef"
    emu = start_emulator("--topology", "default", "--credentials", f"{other_key}:{other_secret}", credentials=(KEY, SECRET))
    ok_meta(emu.elasticache("us-east-1", key=other_key, secret=other_secret).describe_replication_groups())
    assert emu.post_control("/_emulator/credentials/expire", {"accessKeyId": KEY}).status == 200
    with pytest.raises(ClientError) as e:
        emu.elasticache("us-east-1").describe_replication_groups()
    assert_error(e, "ExpiredToken", (400, 403), query=True)
    ok_meta(emu.elasticache("us-east-1", key=other_key, secret=other_secret).describe_replication_groups())
    ok_meta(emu.memorydb("us-east-1", key=other_key, secret=other_secret).describe_clusters())


def test_a_denied_action_is_access_denied_and_the_others_still_answer(start_emulator):
    """--deny stands for a role whose policy lacks one action: that call is refused as AWS
    refuses it, and the service's other calls answer."""
    emu = start_emulator("--deny", "DescribeGlobalReplicationGroups,DescribeClusters")
    ec = emu.elasticache("us-east-1")
    with pytest.raises(ClientError) as e:
        ec.describe_global_replication_groups()
    err = e.value.response
    assert err["Error"]["Code"] == "AccessDenied"
    assert err["ResponseMetadata"]["HTTPStatusCode"] == 403
    assert "elasticache:DescribeGlobalReplicationGroups" in err["Error"]["Message"]
    assert ec.describe_replication_groups()["ReplicationGroups"], "the other list still answers"
    with pytest.raises(ClientError) as e:
        emu.memorydb("us-east-1").describe_clusters()
    assert e.value.response["Error"]["Code"] == "AccessDeniedException"
    assert emu.memorydb("us-east-1").describe_events()["ResponseMetadata"]["HTTPStatusCode"] == 200
