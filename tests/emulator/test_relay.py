"""failover-relay with the emulator standing in for AWS (--upstream): requests signed by
botocore for the real AWS host pass through unchanged and are verified by the emulator; the
relay answers CORS for its configured origin only, forwards nothing but the console's AWS
hosts, caps body size and rate, and logs no secret."""
import json
import os
import subprocess
import tempfile
import time
from pathlib import Path

import botocore.auth
import pytest
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

from emu import REPO, DEMO_KEY, DEMO_SECRET, free_port, http, parse_raw

ORIGIN = "http://console.test:8080"
TOKEN = "relay-test-session-token-XYZ"


@pytest.fixture(scope="session")
def relay_bin() -> str:
    given = os.environ.get("FAILOVER_RELAY_BIN")
    if given:
        return given
    subprocess.run(["cargo", "build", "-q", "-p", "failover-relay"], cwd=REPO, check=True, timeout=1800)
    target = Path(os.environ.get("CARGO_TARGET_DIR", REPO / "target"))
    return str(target / "debug" / "failover-relay")


@pytest.fixture
def relay(relay_bin, start_emulator, request):
    """A relay in front of a fresh emulator (which accepts the demo key with a session token)."""
    emu = start_emulator("--credentials", f"{DEMO_KEY}:{DEMO_SECRET}:{TOKEN}")
    extra = getattr(request, "param", [])
    port = free_port()
    log = tempfile.NamedTemporaryFile(prefix="failover-relay-", suffix=".log", delete=False)
    proc = subprocess.Popen([relay_bin, "--listen", f"127.0.0.1:{port}", "--allow-origin", ORIGIN,
                             "--upstream", emu.url, *extra], stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    for _ in range(200):
        try:
            if http("GET", url + "/healthz", timeout=1).status == 200:
                break
        except OSError:
            time.sleep(0.05)
    yield url, emu, Path(log.name)
    proc.terminate()
    proc.wait(5)
    Path(log.name).unlink(missing_ok=True)


def signed(host, region, service, body, headers):
    """Headers of a request signed by botocore for https://HOST/ (the real AWS host)."""
    req = AWSRequest(method="POST", url=f"https://{host}/", data=body, headers=headers)
    botocore.auth.SigV4Auth(Credentials(DEMO_KEY, DEMO_SECRET, TOKEN), service, region).add_auth(req)
    return {k: v for k, v in req.prepare().headers.items() if k.lower() != "host"}


def memorydb_call(relay_url, region="us-east-1", origin=ORIGIN, op="DescribeClusters", payload=b"{}"):
    host = f"memory-db.{region}.amazonaws.com"
    headers = signed(host, region, "memorydb", payload,
                     {"Content-Type": "application/x-amz-json-1.1", "X-Amz-Target": f"AmazonMemoryDB.{op}"})
    if origin:
        headers["Origin"] = origin
    return http("POST", f"{relay_url}/{host}/", payload, headers)


def test_a_signed_call_passes_unchanged_and_botocore_reads_the_answer(relay):
    url, emu, log = relay
    r = memorydb_call(url)
    assert r.status == 200, r.body
    assert r.header("access-control-allow-origin") == ORIGIN
    assert "x-amzn-requestid" in r.header("access-control-expose-headers")
    names = [c["Name"] for c in parse_raw("memorydb", "DescribeClusters", r)["Clusters"]]
    assert "payments-ledger-use1" in names or names, names
    # A Query service (Neptune through RDS's host) too.
    body = b"Action=DescribeGlobalClusters&Version=2014-10-31"
    headers = signed("rds.eu-west-1.amazonaws.com", "eu-west-1", "rds", body,
                     {"Content-Type": "application/x-www-form-urlencoded; charset=utf-8"})
    r = http("POST", f"{url}/rds.eu-west-1.amazonaws.com/", body, {**headers, "Origin": ORIGIN})
    assert r.status == 200 and b"identity-graph" in r.body
    text = log.read_text()
    assert "DescribeClusters" in text and "DescribeGlobalClusters" in text
    # Never a secret in the log: no signature, no token, no secret key.
    signature = headers["Authorization"].rsplit("Signature=", 1)[1]
    for secret in (signature, TOKEN, DEMO_SECRET, "Authorization", "authorization"):
        assert secret not in text, secret


def test_a_request_signed_for_the_relay_host_is_refused_by_aws(relay):
    url, _, _ = relay
    payload = b"{}"
    req = AWSRequest(method="POST", url=f"{url}/memory-db.us-east-1.amazonaws.com/", data=payload,
                     headers={"Content-Type": "application/x-amz-json-1.1", "X-Amz-Target": "AmazonMemoryDB.DescribeClusters"})
    botocore.auth.SigV4Auth(Credentials(DEMO_KEY, DEMO_SECRET, TOKEN), "memorydb", "us-east-1").add_auth(req)
    p = req.prepare()
    r = http("POST", p.url, payload, {**dict(p.headers.items()), "Origin": ORIGIN})
    # The relay sends Host: memory-db.us-east-1.amazonaws.com, as AWS would receive it.
    assert r.status == 400 and b"InvalidSignatureException" in r.body


def test_cors_only_for_the_configured_origin(relay):
    url, emu, log = relay
    host = "memory-db.us-east-1.amazonaws.com"
    pre = {"Access-Control-Request-Method": "POST",
           "Access-Control-Request-Headers": "authorization,content-type,x-amz-date,x-amz-security-token,x-amz-target"}
    ok = http("OPTIONS", f"{url}/{host}/", None, {**pre, "Origin": ORIGIN})
    assert ok.status == 204
    assert ok.header("access-control-allow-origin") == ORIGIN
    assert ok.header("access-control-allow-methods") == "POST"
    assert "x-amz-security-token" in ok.header("access-control-allow-headers")
    other = http("OPTIONS", f"{url}/{host}/", None, {**pre, "Origin": "https://evil.example"})
    assert other.status == 403 and other.header("access-control-allow-origin") is None
    cookie = http("OPTIONS", f"{url}/{host}/", None, {**pre, "Origin": ORIGIN,
                                                       "Access-Control-Request-Headers": "cookie"})
    assert cookie.status == 403
    # The actual call from another origin, or none, is not forwarded at all.
    before = len(emu.log_text())
    for origin in ("https://evil.example", None):
        r = memorydb_call(url, origin=origin)
        assert r.status == 403 and r.header("access-control-allow-origin") is None
    assert "DescribeClusters" not in emu.log_text()[before:]


def test_only_the_consoles_aws_hosts(relay):
    url, _, _ = relay
    for path in ("/s3.us-east-1.amazonaws.com/", "/169.254.169.254/latest/meta-data/",
                 "/memory-db.us-east-1.amazonaws.com.evil.example/", "/healthz-not"):
        r = http("POST", url + path, b"{}", {"Origin": ORIGIN})
        assert r.status == 403, path
        assert r.header("access-control-allow-origin") == ORIGIN
        assert "failover-relay" in json.loads(r.body)["message"]


def test_body_cap(relay):
    url, _, _ = relay
    big = b"{" + b" " * (1024 * 1024 + 10) + b"}"
    r = memorydb_call(url, payload=big)
    assert r.status == 413 and r.header("access-control-allow-origin") == ORIGIN


@pytest.mark.parametrize("relay", [["--rate", "3"]], indirect=True)
def test_rate_cap(relay):
    url, _, _ = relay
    statuses = [memorydb_call(url).status for _ in range(5)]
    assert statuses[:3] == [200, 200, 200] and statuses[3:] == [429, 429], statuses
    r = memorydb_call(url)
    assert int(r.header("retry-after")) >= 1
