"""The emulator's own endpoints, session-token credentials, request ids and event time windows."""

from __future__ import annotations

import datetime
import json

import pytest
from botocore.exceptions import ClientError

from emu import DEMO_KEY, DEMO_SECRET, REGIONS, assert_error, http, ok_meta

KEY, SECRET, TOKEN = "ASIASESSIONSUITE0001", "session-suite-secret-key-0123456789", "FwoGZXIvYXdzEXAMPLEsessionTOKEN"


def test_health_and_config(emulator):
    h = emulator.health()
    assert h.status == 200 and h.json() == {"status": "ok"}
    r = http("GET", emulator.url + "/_emulator/config.json")
    assert r.status == 200
    cfg = r.json()
    assert cfg["endpoint"].startswith("http://") and cfg["endpoint"].endswith(f":{emulator.port}")
    assert set(REGIONS) <= set(cfg["regions"])


def test_state_lists_every_service(emulator):
    state = emulator.state()
    text = json.dumps(state)
    for name in ("checkout-sessions-use1", "ldgnf-checkout-sessions", "identity-graph", "payments-ledger",
                 "recs-graph-usw2", "audit-stream"):
        assert name in text, f"{name} missing from /_emulator/state"


def test_request_ids_are_unique(emulator):
    ec = emulator.elasticache("us-east-1")
    mdb = emulator.memorydb("us-east-1")
    ids = [ec.describe_replication_groups()["ResponseMetadata"]["RequestId"] for _ in range(3)]
    ids += [mdb.describe_clusters()["ResponseMetadata"]["RequestId"] for _ in range(3)]
    assert len(set(ids)) == 6, ids


def test_query_request_id_header_matches_body(emulator):
    from urllib.parse import urlencode
    body = urlencode({"Action": "DescribeReplicationGroups", "Version": "2015-02-02"}).encode()
    r = emulator.raw("elasticache", "us-east-1", body, {"Content-Type": "application/x-www-form-urlencoded; charset=utf-8"})
    assert r.status == 200
    assert r.header("x-amzn-requestid"), "AWS sends x-amzn-RequestId on Query answers too"
    assert f"<RequestId>{r.header('x-amzn-requestid')}</RequestId>".encode() in r.body


def test_calls_log_records_mutations_not_reads(fresh_emulator):
    emu = fresh_emulator
    emu.elasticache("us-east-1").describe_replication_groups()
    emu.memorydb("us-east-1").describe_clusters()
    resp = emu.memorydb("us-west-2").failover_shard(ClusterName="rate-limiter", ShardName="0002")
    calls = emu.calls()
    calls = calls.get("calls", calls) if isinstance(calls, dict) else calls
    text = [json.dumps(c) for c in calls]
    assert not any("DescribeReplicationGroups" in t or "DescribeClusters" in t for t in text), text
    failovers = [t for t in text if "FailoverShard" in t]
    assert len(failovers) == 1, text
    assert "rate-limiter" in failovers[0] and "0002" in failovers[0] and "us-west-2" in failovers[0]
    assert resp["ResponseMetadata"]["RequestId"] in failovers[0], "the log names the request id it answered"


def test_expire_unknown_key_is_refused(emulator):
    r = emulator.post_control("/_emulator/credentials/expire", {"accessKeyId": "AKIANOTCONFIGURED000"})
    assert 400 <= r.status < 500
    r = emulator.post_control("/_emulator/credentials/expire", {})
    assert 400 <= r.status < 500


@pytest.fixture(scope="module")
def token_emu(start_module_emulator):
    return start_module_emulator("--topology", "default", credentials=(KEY, f"{SECRET}:{TOKEN}"))


def _client(emu, service, token):
    import boto3
    from emu import NO_RETRY
    return boto3.client(service, region_name="us-east-1", endpoint_url=emu.url, aws_access_key_id=KEY,
                        aws_secret_access_key=SECRET, aws_session_token=token, config=NO_RETRY)


def test_session_token_credentials(token_emu):
    ok_meta(_client(token_emu, "elasticache", TOKEN).describe_replication_groups())
    ok_meta(_client(token_emu, "neptune", TOKEN).describe_global_clusters())
    ok_meta(_client(token_emu, "memorydb", TOKEN).describe_clusters())


def test_config_never_reveals_configured_secrets(token_emu):
    body = http("GET", token_emu.url + "/_emulator/config.json").body.decode()
    assert SECRET not in body and TOKEN not in body


def test_wrong_or_missing_session_token(token_emu):
    # AWS: "The security token included in the request is invalid."
    for token in ("not-the-token", None):
        with pytest.raises(ClientError) as e:
            _client(token_emu, "elasticache", token).describe_replication_groups()
        assert_error(e, "InvalidClientTokenId", 403, query=True)
        with pytest.raises(ClientError) as e:
            _client(token_emu, "memorydb", token).describe_clusters()
        assert_error(e, "UnrecognizedClientException", (400, 403))


def test_demo_credentials_without_credentials_flag(emulator_bin):
    """Without --credentials the demo pair is accepted (ARCHITECTURE.md, emulator contract)."""
    import subprocess
    import time

    from emu import Emulator, free_port
    emu = Emulator(emulator_bin, [])
    emu.port = free_port()
    proc = subprocess.Popen([emulator_bin, "--listen", f"127.0.0.1:{emu.port}", "--time-scale", "30"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            try:
                if emu.health().status == 200:
                    break
            except OSError:
                time.sleep(0.05)
        emu.credentials = (DEMO_KEY, DEMO_SECRET)
        cfg = http("GET", emu.url + "/_emulator/config.json").json()
        assert cfg["demo"] == {"accessKeyId": DEMO_KEY, "secretAccessKey": DEMO_SECRET}
        ok_meta(emu.elasticache("us-east-1").describe_replication_groups())
        ok_meta(emu.memorydb("us-east-1").describe_clusters())
    finally:
        proc.terminate()
        proc.wait(timeout=5)


def test_event_time_window(emulator):
    ec = emulator.elasticache("us-east-1")
    future = datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(hours=1)
    resp = ec.describe_events(StartTime=future)
    ok_meta(resp)
    assert not resp.get("Events"), "no event can be later than now"
    long_ago = datetime.datetime(2001, 1, 1, tzinfo=datetime.timezone.utc)
    resp = ec.describe_events(StartTime=long_ago - datetime.timedelta(days=1), EndTime=long_ago)
    assert not resp.get("Events")
    mresp = emulator.memorydb("us-east-1").describe_events(StartTime=future)
    assert not mresp.get("Events")


def test_serves_the_console_with_deep_links(start_emulator, tmp_path):
    (tmp_path / "index.html").write_text("<!doctype html><title>failover-console</title>")
    (tmp_path / "app.js").write_text("console.log('hi')")
    emu = start_emulator("--topology", "default", "--serve", str(tmp_path))
    root = http("GET", emu.url + "/")
    assert root.status == 200 and b"failover-console" in root.body
    asset = http("GET", emu.url + "/app.js")
    assert asset.status == 200 and asset.body == b"console.log('hi')"
    deep = http("GET", emu.url + "/resource/elasticache/us-east-1/checkout-sessions-use1")
    assert deep.status == 200 and b"failover-console" in deep.body, "unknown paths serve index.html"
    import socket
    for path in ("/../../../../etc/passwd", "/%2e%2e/%2e%2e/%2e%2e/%2e%2e/etc/passwd", "/..%2f..%2f..%2f..%2fetc/passwd"):
        with socket.create_connection(("127.0.0.1", emu.port), timeout=5) as s:
            s.sendall(f"GET {path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n".encode())
            data = b""
            while chunk := s.recv(65536):
                data += chunk
        assert b"root:x:" not in data, f"{path} escaped the served directory"
    assert emu.health().json() == {"status": "ok"}
    ok_meta(emu.elasticache("us-east-1").describe_replication_groups())
