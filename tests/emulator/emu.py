"""Helpers for driving failover-emulator: process control, boto3 clients, raw signed requests."""

from __future__ import annotations

import datetime
import json
import os
import socket
import subprocess
import tempfile
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from unittest import mock

import boto3
import botocore.auth
import botocore.session
from botocore.awsrequest import AWSRequest
from botocore.config import Config
from botocore.credentials import Credentials
from botocore.parsers import create_parser

REPO = Path(__file__).resolve().parents[2]
DEMO_KEY = "AKIAEMULATORDEMO0001"
DEMO_SECRET = "emulator-demo-secret-key-not-for-aws"
ACCOUNT = "123456789012"
REGIONS = ("us-east-1", "us-west-2", "eu-west-1")
TIME_SCALE = int(os.environ.get("FAILOVER_EMULATOR_TIME_SCALE", "30"))
POLL = 0.2
LOG_FILES: list = []  # every emulator log written this session (conftest removes them at the end)

# Wire facts per service (aws-reference/wire_protocols.md).
SIGNING_NAME = {"elasticache": "elasticache", "neptune": "rds", "memorydb": "memorydb", "cloudwatch": "monitoring"}
API_VERSION = {"elasticache": "2015-02-02", "neptune": "2014-10-31"}
NO_RETRY = Config(retries={"total_max_attempts": 1, "mode": "standard"}, connect_timeout=5, read_timeout=30)


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_until(predicate, timeout: float = 30.0, interval: float = POLL, what: str = "condition"):
    """Poll `predicate` until it returns a truthy value; return that value or fail with the last one."""
    deadline = time.monotonic() + timeout
    last = None
    while True:
        last = predicate()
        if last:
            return last
        if time.monotonic() >= deadline:
            raise AssertionError(f"timed out after {timeout}s waiting for {what}; last value: {last!r}")
        time.sleep(interval)


@dataclass
class HttpResult:
    status: int
    headers: dict  # lower-cased names
    body: bytes
    elapsed: float = 0.0

    def json(self):
        return json.loads(self.body.decode("utf-8"))

    def header(self, name: str, default=None):
        return self.headers.get(name.lower(), default)


def http(method: str, url: str, body: bytes | None = None, headers: dict | None = None, timeout: float = 30.0) -> HttpResult:
    """Plain HTTP without raising on 4xx/5xx."""
    req = urllib.request.Request(url, data=body, method=method, headers=headers or {})
    started = time.monotonic()
    try:
        with urllib.request.urlopen(req, timeout=timeout) as resp:
            data = resp.read()
            return HttpResult(resp.status, {k.lower(): v for k, v in resp.headers.items()}, data, time.monotonic() - started)
    except urllib.error.HTTPError as e:
        data = e.read()
        return HttpResult(e.code, {k.lower(): v for k, v in e.headers.items()}, data, time.monotonic() - started)


@dataclass
class Emulator:
    binary: str
    args: list = field(default_factory=list)
    time_scale: int = TIME_SCALE
    credentials: tuple = (DEMO_KEY, DEMO_SECRET)
    port: int = 0
    proc: subprocess.Popen | None = None
    log_path: str = ""

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, startup_timeout: float = 20.0) -> "Emulator":
        fd, self.log_path = tempfile.mkstemp(prefix="failover-emulator-", suffix=".log")
        os.close(fd)
        LOG_FILES.append(self.log_path)
        for _attempt in range(3):  # the free port can be taken between probe and bind
            self.port = free_port()
            cmd = [
                self.binary,
                "--listen", f"127.0.0.1:{self.port}",
                "--time-scale", str(self.time_scale),
                "--credentials", f"{self.credentials[0]}:{self.credentials[1]}",
                *self.args,
            ]
            with open(self.log_path, "ab") as log:
                log.write(("$ " + " ".join(cmd) + "\n").encode())
                log.flush()
                self.proc = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
            deadline = time.monotonic() + startup_timeout
            while time.monotonic() < deadline:
                if self.proc.poll() is not None:
                    break
                try:
                    r = http("GET", self.url + "/_emulator/health", timeout=2)
                    if r.status == 200 and r.json().get("status") == "ok":
                        return self
                except (OSError, ValueError):
                    pass
                time.sleep(0.05)
            self.stop()
        raise RuntimeError(f"failover-emulator did not become healthy; log:\n{self.log_text()}")

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=5)

    def alive(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def log_text(self, tail: int = 20000) -> str:
        try:
            return Path(self.log_path).read_text(errors="replace")[-tail:]
        except OSError:
            return "<no log>"

    # --- emulator control endpoints -------------------------------------------------------
    def health(self) -> HttpResult:
        return http("GET", self.url + "/_emulator/health", timeout=5)

    def state(self) -> dict:
        r = http("GET", self.url + "/_emulator/state")
        assert r.status == 200, r
        return r.json()

    def calls(self):
        r = http("GET", self.url + "/_emulator/calls")
        assert r.status == 200, r
        return r.json()

    def post_control(self, path: str, payload: dict) -> HttpResult:
        return http("POST", self.url + path, json.dumps(payload).encode(), {"Content-Type": "application/json"})

    # --- SDK clients ------------------------------------------------------------------------
    def client(self, service: str, region: str = "us-east-1", key: str | None = None, secret: str | None = None, config: Config = NO_RETRY):
        return boto3.client(
            service,
            region_name=region,
            endpoint_url=self.url,
            aws_access_key_id=key or self.credentials[0],
            aws_secret_access_key=secret or self.credentials[1],
            config=config,
        )

    def elasticache(self, region: str = "us-east-1", **kw):
        return self.client("elasticache", region, **kw)

    def neptune(self, region: str = "us-east-1", **kw):
        return self.client("neptune", region, **kw)

    def memorydb(self, region: str = "us-east-1", **kw):
        return self.client("memorydb", region, **kw)

    def cloudwatch(self, region: str = "us-east-1", protocol: str | None = None, **kw):
        """CloudWatch as boto3 speaks it (JSON today), or forced to another protocol its
        model lists (`smithy-rpc-v2-cbor`), with botocore's own serializer and parser."""
        if protocol is None:
            return self.client("cloudwatch", region, **kw)
        from botocore.model import ServiceModel
        with mock.patch.object(ServiceModel, "resolved_protocol", new_callable=mock.PropertyMock, return_value=protocol):
            client = self.client("cloudwatch", region, **kw)
        # The answer's parser is chosen per request from the same (cached) property.
        client.meta.service_model.__dict__["resolved_protocol"] = protocol
        return client

    # --- raw signed requests ------------------------------------------------------------------
    def raw(self, service: str, region: str, body: bytes, headers: dict, *, sign: bool = True,
            key: str | None = None, secret: str | None = None, when: datetime.datetime | None = None,
            tamper: bool = False, method: str = "POST", big_body: bool = False) -> HttpResult | None:
        """Send `body` to the emulator, SigV4-signed the way botocore signs (optionally at `when`)."""
        req = AWSRequest(method=method, url=self.url + "/", data=body, headers=dict(headers))
        if sign:
            creds = Credentials(key or self.credentials[0], secret or self.credentials[1])
            signer = botocore.auth.SigV4Auth(creds, SIGNING_NAME[service], region)
            if when is None:
                signer.add_auth(req)
            else:
                with mock.patch("botocore.auth.get_current_datetime", return_value=when.replace(tzinfo=None)):
                    signer.add_auth(req)
            if tamper:
                auth = req.headers["Authorization"]
                i = auth.rindex("Signature=") + len("Signature=") + 5
                flipped = "0" if auth[i] != "0" else "1"
                req.headers["Authorization"] = auth[:i] + flipped + auth[i + 1:]
        prepared = req.prepare()
        headers_out = dict(prepared.headers.items())
        if big_body:
            return socket_post(self.port, headers_out, body)
        return http(method, prepared.url, prepared.body, headers_out)

    def query(self, service: str, region: str, params: dict, **kw) -> HttpResult:
        """A Query-protocol call (ElastiCache, Neptune) built by hand."""
        from urllib.parse import urlencode

        full = {"Version": API_VERSION[service], **params}
        body = urlencode(full).encode()
        return self.raw(service, region, body, {"Content-Type": "application/x-www-form-urlencoded; charset=utf-8"}, **kw)

    def json_call(self, region: str, target: str, payload, **kw) -> HttpResult:
        """A JSON 1.1 call (MemoryDB) built by hand; `payload` may be bytes for malformed bodies."""
        body = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
        headers = {"Content-Type": "application/x-amz-json-1.1", "X-Amz-Target": f"AmazonMemoryDB.{target}"}
        return self.raw("memorydb", region, body, headers, **kw)


_session = botocore.session.get_session()
_models = {}


def operation_model(service: str, operation: str):
    if service not in _models:
        _models[service] = _session.get_service_model(service)
    return _models[service].operation_model(operation)


def parse_raw(service: str, operation: str, result: HttpResult) -> dict:
    """Parse a raw HTTP answer exactly as botocore would for `operation`."""
    model = operation_model(service, operation)
    parser = create_parser(model.service_model.resolved_protocol)
    response = {"status_code": result.status, "headers": result.headers, "body": result.body}
    # botocore parsers switch to the error envelope themselves for status >= 301.
    return parser.parse(response, model.output_shape)


def assert_error(exc_info, code: str, status: int | tuple | None = None, query: bool | None = None) -> dict:
    """Check a botocore ClientError: code, HTTP status, request id (and the Query error envelope)."""
    resp = exc_info.value.response
    err = resp.get("Error", {})
    assert err.get("Code") == code, f"expected error code {code}, got {err} / {resp.get('ResponseMetadata')}"
    meta = resp["ResponseMetadata"]
    if status is not None:
        allowed = status if isinstance(status, tuple) else (status,)
        assert meta["HTTPStatusCode"] in allowed, f"{code}: HTTP {meta['HTTPStatusCode']}, expected {allowed}"
    assert meta.get("RequestId"), f"{code}: no RequestId in ResponseMetadata: {meta}"
    assert err.get("Message"), f"{code}: empty error message"
    if query:
        # <ErrorResponse><Error><Type>Sender</Type>... (wire_protocols.md)
        assert err.get("Type") == "Sender", f"{code}: Error.Type is {err.get('Type')!r}"
    return err


def ok_meta(resp: dict) -> None:
    meta = resp["ResponseMetadata"]
    assert meta["HTTPStatusCode"] == 200, meta
    assert meta.get("RequestId"), meta


def cluster_arn(region: str, cluster_id: str) -> str:
    return f"arn:aws:rds:{region}:{ACCOUNT}:cluster:{cluster_id}"


def socket_post(port: int, headers: dict, body: bytes, timeout: float = 15.0) -> HttpResult | None:
    """POST over a bare socket, tolerating a server that answers (and closes) before reading the body.

    Returns None if the server closed the connection without any answer.
    """
    head = f"POST / HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nContent-Length: {len(body)}\r\nConnection: close\r\n"
    head += "".join(f"{k}: {v}\r\n" for k, v in headers.items() if k.lower() not in ("host", "content-length"))
    head += "\r\n"
    data = b""
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as s:
        try:
            s.sendall(head.encode() + body)
        except (BrokenPipeError, ConnectionResetError):
            pass
        try:
            while chunk := s.recv(65536):
                data += chunk
        except (ConnectionResetError, TimeoutError, socket.timeout):
            pass
    if not data:
        return None
    head_raw, _, rest = data.partition(b"\r\n\r\n")
    lines = head_raw.decode("latin-1").split("\r\n")
    status = int(lines[0].split()[1])
    hdrs = {}
    for line in lines[1:]:
        k, _, v = line.partition(":")
        hdrs[k.strip().lower()] = v.strip()
    return HttpResult(status, hdrs, rest)
