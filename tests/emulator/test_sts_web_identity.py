"""Sign-in as the console does it, checked with boto3: the emulator's test OpenID Connect
issuer (authorization code with PKCE), then STS AssumeRoleWithWebIdentity, which boto3 sends
unsigned, and the credentials it returns used for the services; bad tokens refused with STS's
own error codes."""
import base64
import hashlib
import http.client as httpclient
import json
import secrets
import time
import urllib.parse

import boto3
import pytest
from botocore import UNSIGNED
from botocore.config import Config
from botocore.exceptions import ClientError

from emu import NO_RETRY, http

ACCOUNT = "123456789012"
OPERATOR = f"arn:aws:iam::{ACCOUNT}:role/failover-console-operator"
READ_ONLY = f"arn:aws:iam::{ACCOUNT}:role/failover-console-read-only"
REDIRECT = "http://console.test/"


def sts(emulator, region="us-east-1"):
    # Unsigned, as the console sends it from the browser (the token is the proof).
    return boto3.client("sts", region_name=region, endpoint_url=emulator.url,
                        config=NO_RETRY.merge(Config(signature_version=UNSIGNED)))


def post_form(emulator, path, fields):
    """POST without following redirects (urllib would follow the 302 to the console)."""
    conn = httpclient.HTTPConnection("127.0.0.1", emulator.port, timeout=10)
    conn.request("POST", path, urllib.parse.urlencode(fields),
                 {"Content-Type": "application/x-www-form-urlencoded"})
    r = conn.getresponse()
    out = (r.status, dict((k.lower(), v) for k, v in r.getheaders()), r.read())
    conn.close()
    return out


def sign_in(emulator):
    """The console's flow: discovery, authorize (the demo user clicks Sign in), token."""
    issuer = emulator.url + "/_emulator/oidc"
    d = http("GET", issuer + "/.well-known/openid-configuration").json()
    assert d["issuer"] == issuer
    assert d["authorization_endpoint"] == issuer + "/authorize"
    assert "S256" in d["code_challenge_methods_supported"]
    verifier = secrets.token_urlsafe(48)
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
    request = {"response_type": "code", "client_id": "failover-console", "redirect_uri": REDIRECT,
               "scope": "openid email", "state": "st-1", "nonce": "n-1",
               "code_challenge": challenge, "code_challenge_method": "S256"}
    page = http("GET", d["authorization_endpoint"] + "?" + urllib.parse.urlencode(request))
    assert page.status == 200 and b"Sign in" in page.body
    status, headers, _ = post_form(emulator, "/_emulator/oidc/authorize", {**request, "decision": "allow"})
    assert status == 302
    back = urllib.parse.urlparse(headers["location"])
    q = dict(urllib.parse.parse_qsl(back.query))
    assert headers["location"].startswith(REDIRECT) and q["state"] == "st-1"
    token = http("POST", d["token_endpoint"], urllib.parse.urlencode({
        "grant_type": "authorization_code", "code": q["code"], "client_id": "failover-console",
        "redirect_uri": REDIRECT, "code_verifier": verifier}).encode(),
        {"Content-Type": "application/x-www-form-urlencoded"})
    assert token.status == 200, token.body
    return token.json()


def mint(emulator, **twist):
    r = emulator.post_control("/_emulator/oidc/mint", twist)
    assert r.status == 200, r.body
    return r.json()["idToken"]


def test_sign_in_assume_the_operator_role_and_act(emulator):
    tokens = sign_in(emulator)
    # The ID token is a JWT signed with the key the JWKS publishes.
    header = json.loads(base64.urlsafe_b64decode(tokens["id_token"].split(".")[0] + "=="))
    jwks = http("GET", emulator.url + "/_emulator/oidc/jwks.json").json()
    assert header["alg"] == "ES256" and header["kid"] == jwks["keys"][0]["kid"]
    out = sts(emulator).assume_role_with_web_identity(
        RoleArn=OPERATOR, RoleSessionName="oncall", WebIdentityToken=tokens["id_token"],
        DurationSeconds=900)
    creds = out["Credentials"]
    assert creds["AccessKeyId"].startswith("ASIA") and creds["SessionToken"]
    assert out["AssumedRoleUser"]["Arn"] == f"arn:aws:sts::{ACCOUNT}:assumed-role/failover-console-operator/oncall"
    assert out["SubjectFromWebIdentityToken"] == "demo-oncall"
    assert out["Audience"] == "failover-console"
    left = creds["Expiration"].timestamp() - time.time()
    assert 880 < left <= 901, left
    session = boto3.Session(aws_access_key_id=creds["AccessKeyId"],
                            aws_secret_access_key=creds["SecretAccessKey"],
                            aws_session_token=creds["SessionToken"])
    who = session.client("sts", region_name="eu-west-1", endpoint_url=emulator.url, config=NO_RETRY).get_caller_identity()
    assert who["Arn"] == out["AssumedRoleUser"]["Arn"]
    ec = session.client("elasticache", region_name="us-east-1", endpoint_url=emulator.url, config=NO_RETRY)
    assert ec.describe_global_replication_groups()["GlobalReplicationGroups"]
    # The call log keeps the sign-in, never the token.
    signins = [c for c in emulator.calls() if c["action"] == "AssumeRoleWithWebIdentity"]
    assert signins and signins[-1]["result"] == "OK"
    assert "WebIdentityToken" not in signins[-1]["params"]
    # The refresh grant gives a token STS accepts again.
    again = http("POST", emulator.url + "/_emulator/oidc/token", urllib.parse.urlencode({
        "grant_type": "refresh_token", "refresh_token": tokens["refresh_token"],
        "client_id": "failover-console"}).encode(), {"Content-Type": "application/x-www-form-urlencoded"}).json()
    assert sts(emulator).assume_role_with_web_identity(
        RoleArn=OPERATOR, RoleSessionName="oncall", WebIdentityToken=again["id_token"])["Credentials"]


def test_the_read_only_role_cannot_fail_over(emulator):
    out = sts(emulator).assume_role_with_web_identity(
        RoleArn=READ_ONLY, RoleSessionName="viewer", WebIdentityToken=mint(emulator))
    c = out["Credentials"]
    ec = boto3.client("elasticache", region_name="us-west-2", endpoint_url=emulator.url, config=NO_RETRY,
                      aws_access_key_id=c["AccessKeyId"], aws_secret_access_key=c["SecretAccessKey"],
                      aws_session_token=c["SessionToken"])
    assert ec.describe_replication_groups()["ReplicationGroups"]
    with pytest.raises(ClientError) as e:
        ec.failover_global_replication_group(GlobalReplicationGroupId="ldgnf-checkout-sessions",
                                             PrimaryRegion="us-west-2",
                                             PrimaryReplicationGroupId="checkout-sessions-usw2")
    err = e.value.response["Error"]
    assert err["Code"] == "AccessDenied"
    assert "assumed-role/failover-console-read-only/viewer" in err["Message"]
    assert "elasticache:FailoverGlobalReplicationGroup" in err["Message"]


@pytest.mark.parametrize("twist,code,words", [
    ({"audience": "someone-else"}, "InvalidIdentityToken", "Incorrect token audience"),
    ({"expiresIn": -30}, "ExpiredTokenException", "Token expired"),
    ({"badSignature": True}, "InvalidIdentityToken", "signature"),
    ({"issuer": "https://idp.example"}, "InvalidIdentityToken", "No OpenIDConnect provider found in your account for https://idp.example"),
])
def test_bad_tokens_get_sts_error_codes(emulator, twist, code, words):
    with pytest.raises(ClientError) as e:
        sts(emulator).assume_role_with_web_identity(
            RoleArn=OPERATOR, RoleSessionName="oncall", WebIdentityToken=mint(emulator, **twist))
    err = e.value.response["Error"]
    assert err["Code"] == code
    assert words in err["Message"]
    assert e.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400


def test_unknown_role_bad_duration_and_garbage(emulator):
    token = mint(emulator)
    with pytest.raises(ClientError) as e:
        sts(emulator).assume_role_with_web_identity(
            RoleArn=f"arn:aws:iam::{ACCOUNT}:role/admin", RoleSessionName="oncall", WebIdentityToken=token)
    assert e.value.response["Error"]["Code"] == "AccessDenied"
    assert e.value.response["ResponseMetadata"]["HTTPStatusCode"] == 403
    # boto3 refuses a DurationSeconds under 900 itself; sent anyway, STS says ValidationError.
    r = http("POST", emulator.url + "/", urllib.parse.urlencode({
        "Action": "AssumeRoleWithWebIdentity", "Version": "2011-06-15", "RoleArn": OPERATOR,
        "RoleSessionName": "oncall", "WebIdentityToken": token, "DurationSeconds": "60"}).encode(),
        {"Content-Type": "application/x-www-form-urlencoded"})
    assert r.status == 400
    assert b"<Code>ValidationError</Code>" in r.body and b"durationSeconds" in r.body
    with pytest.raises(ClientError) as e:
        sts(emulator).assume_role_with_web_identity(
            RoleArn=OPERATOR, RoleSessionName="oncall", WebIdentityToken="garbage")
    assert e.value.response["Error"]["Code"] == "InvalidIdentityToken"


def test_short_lived_credentials_expire_and_a_new_token_renews_them(start_emulator):
    emu = start_emulator("--sts-duration", "2")
    out = sts(emu).assume_role_with_web_identity(
        RoleArn=OPERATOR, RoleSessionName="oncall", WebIdentityToken=mint(emu), DurationSeconds=3600)
    c = out["Credentials"]
    assert c["Expiration"].timestamp() - time.time() < 3
    client = lambda c: boto3.client("memorydb", region_name="us-east-1", endpoint_url=emu.url, config=NO_RETRY,
                                    aws_access_key_id=c["AccessKeyId"], aws_secret_access_key=c["SecretAccessKey"],
                                    aws_session_token=c["SessionToken"])
    assert client(c).describe_clusters()["Clusters"]
    time.sleep(2.2)
    with pytest.raises(ClientError) as e:
        client(c).describe_clusters()
    assert e.value.response["Error"]["Code"] == "ExpiredTokenException"
    fresh = sts(emu).assume_role_with_web_identity(
        RoleArn=OPERATOR, RoleSessionName="oncall", WebIdentityToken=mint(emu))["Credentials"]
    assert client(fresh).describe_clusters()["Clusters"]


def test_the_sign_in_page_refuses_a_missing_pkce_challenge(emulator):
    q = urllib.parse.urlencode({"response_type": "code", "client_id": "failover-console",
                                "redirect_uri": REDIRECT, "scope": "openid", "state": "x"})
    conn = httpclient.HTTPConnection("127.0.0.1", emulator.port, timeout=10)
    conn.request("GET", "/_emulator/oidc/authorize?" + q)
    r = conn.getresponse()
    r.read()
    assert r.status == 302
    back = dict(urllib.parse.parse_qsl(urllib.parse.urlparse(r.getheader("location")).query))
    assert back["error"] == "invalid_request" and back["state"] == "x"
