#!/usr/bin/env python3
"""Golden vectors for the console's AWS client, produced by botocore itself.

Writes, under tests/vectors/:
  sigv4/<case>/request.json    the request to sign (botocore serialises the operation's body)
  sigv4/<case>/expected.json   the headers botocore's SigV4Auth adds, at a fixed time
  serialization/<service>/<Operation>[.<variant>].json
                               botocore's request body for an input (Query pairs / JSON value)
  fixtures_parsed_by_botocore.json
                               every tests/fixtures/<service>/<Operation>*.xml|json parsed by
                               botocore's own response parser, proving they are real AWS shapes

Run:   .venv/bin/python tests/tools/gen_vectors.py          (rewrite the vectors)
       .venv/bin/python tests/tools/gen_vectors.py --check  (exit 1 if the committed ones differ)
The Rust tests (tests/sigv4_vectors.rs, tests/serialization_vectors.rs,
tests/protocol_fixtures.rs) compare the client's behaviour with these files.
"""

import datetime
import json
import os
import sys
import tempfile
from pathlib import Path
from urllib.parse import urlsplit

import botocore
import botocore.auth
import botocore.awsrequest
import botocore.credentials
import botocore.parsers
import botocore.serialize
import botocore.session

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "tests" / "fixtures"

# One fixed instant for every signature: 2024-05-01T12:00:00Z.
SIGNING_TIME = datetime.datetime(2024, 5, 1, 12, 0, 0)
SIGNING_TIME_ISO = "2024-05-01T12:00:00Z"

ACCESS_KEY = "AKIDEXAMPLE"
SECRET_KEY = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"
SESSION_TOKEN = "IQoJb3JpZ2luX2VjEXAMPLETOKEN//////////wEaCXVzLWVhc3QtMSJGMEQCIEXAMPLE="

SERVICES = {
    # service -> (botocore model name, SigV4 signing name, AWS host prefix)
    "elasticache": ("elasticache", "elasticache", "elasticache"),
    "neptune": ("neptune", "rds", "rds"),
    "memorydb": ("memorydb", "memorydb", "memory-db"),
    "cloudwatch": ("cloudwatch", "monitoring", "monitoring"),
    "sts": ("sts", "sts", "sts"),
}

SESSION = botocore.session.get_session()


def model(service):
    return SESSION.get_service_model(SERVICES[service][0])


def protocol(service):
    """The protocol botocore's client really speaks. MemoryDB's and CloudWatch's models list
    smithy-rpc-v2-cbor first, but the client picks JSON: ask the client, not the model."""
    client = SESSION.create_client(SERVICES[service][0], region_name="us-east-1",
                                   aws_access_key_id=ACCESS_KEY, aws_secret_access_key=SECRET_KEY)
    name = type(client._serializer._serializer).__name__
    return {"QuerySerializer": "query", "JSONSerializer": "json"}[name]


def aws_url(service, region):
    return f"https://{SERVICES[service][2]}.{region}.amazonaws.com/"


def serialize(service, operation, params):
    """botocore's request dict for an operation (the serializer the SDK itself uses)."""
    m = model(service)
    op = m.operation_model(operation)
    serializer = botocore.serialize.create_serializer(protocol(service), include_validation=True)
    return serializer.serialize_to_request(params, op)


def body_bytes(service, request_dict):
    """The exact bytes the SDK would send. JSON is re-dumped compactly (the console's form;
    services accept any JSON spacing) so the signature covers the console's own bytes."""
    body = request_dict["body"]
    if isinstance(body, dict):  # Query: botocore urlencodes the ordered dict.
        req = botocore.awsrequest.AWSRequest(method="POST", url="https://x/", data=body)
        return req.body or b""
    if service in ("memorydb", "cloudwatch"):
        return json.dumps(json.loads(body or b"{}"), separators=(",", ":")).encode()
    return body


def sign(method, signing_url, headers, body, signing_name, region, token):
    """Signs with botocore.auth.SigV4Auth at SIGNING_TIME; returns the headers it added."""
    creds = botocore.credentials.Credentials(ACCESS_KEY, SECRET_KEY, token)
    req = botocore.awsrequest.AWSRequest(method=method, url=signing_url, data=body, headers=dict(headers))
    original = botocore.auth.get_current_datetime
    botocore.auth.get_current_datetime = lambda *a, **k: SIGNING_TIME
    try:
        auth = botocore.auth.SigV4Auth(creds, signing_name, region)
        auth.add_auth(req)
        # Recompute what was signed, without the Authorization header just added.
        authorization = req.headers["Authorization"]
        del req.headers["Authorization"]
        canonical = auth.canonical_request(req)
        signed = auth.signed_headers(auth.headers_to_sign(req))
        req.headers["Authorization"] = authorization
    finally:
        botocore.auth.get_current_datetime = original
    added = {k: req.headers[k] for k in ("Authorization", "X-Amz-Date", "X-Amz-Security-Token") if k in req.headers}
    return added, signed, canonical


# The lag of two secondaries over 15 minutes, as the console asks for it (tests/sigv4_vectors.rs
# builds the same queries).
GET_METRIC_DATA = {
    "MetricDataQueries": [
        {"Id": "m0", "MetricStat": {"Metric": {"Namespace": "AWS/ElastiCache", "MetricName": "GlobalDatastoreReplicationLag",
                                               "Dimensions": [{"Name": "CacheClusterId", "Value": "orders-euw1-0001-001"}]},
                                    "Period": 60, "Stat": "Maximum"}, "ReturnData": True},
        {"Id": "m1", "MetricStat": {"Metric": {"Namespace": "AWS/Neptune", "MetricName": "GlobalDbProgressLag",
                                               "Dimensions": [{"Name": "DBClusterIdentifier", "Value": "graph-euw1"},
                                                              {"Name": "SourceRegion", "Value": "us-east-1"}]},
                                    "Period": 60, "Stat": "Maximum"}, "ReturnData": True},
    ],
    "StartTime": datetime.datetime(2024, 5, 1, 11, 45, 0),
    "EndTime": datetime.datetime(2024, 5, 1, 12, 0, 0),
    "ScanBy": "TimestampAscending",
}

# Each case: which client call produces the request, and how it is addressed.
#   endpoint: None (AWS), or {"url": ..., "sign_as": "endpoint"|"aws_host"}
#   call: the Rust client call that must produce exactly this request (see tests/sigv4_vectors.rs)
SIGV4_CASES = [
    dict(case="elasticache-test-failover", service="elasticache", region="us-east-1", token=False,
         operation="TestFailover", params={"ReplicationGroupId": "orders-use1", "NodeGroupId": "0001"},
         call={"method": "test_failover", "args": ["orders-use1", "0001"]}),
    dict(case="elasticache-describe-global-session-token", service="elasticache", region="us-east-1", token=True,
         operation="DescribeGlobalReplicationGroups", params={"MaxRecords": 100, "ShowMemberInfo": True},
         call={"method": "describe_global_datastores", "args": []}),
    dict(case="neptune-failover-global-cluster", service="neptune", region="eu-west-1", token=False,
         operation="FailoverGlobalCluster",
         params={"GlobalClusterIdentifier": "graph-global",
                 "TargetDbClusterIdentifier": "arn:aws:rds:eu-west-1:123456789012:cluster:graph-euw1",
                 "AllowDataLoss": True},
         call={"method": "failover_global_database",
               "args": ["graph-global", "arn:aws:rds:eu-west-1:123456789012:cluster:graph-euw1", True]}),
    dict(case="neptune-describe-db-clusters-session-token", service="neptune", region="us-east-1", token=True,
         operation="DescribeDBClusters",
         params={"Filters": [{"Name": "engine", "Values": ["neptune"]}], "MaxRecords": 100},
         call={"method": "describe_db_clusters", "args": []}),
    dict(case="neptune-describe-events-since", service="neptune", region="us-east-2", token=False,
         operation="DescribeEvents",
         params={"SourceIdentifier": "graph-use1", "SourceType": "db-cluster",
                 "StartTime": datetime.datetime(2024, 5, 1, 11, 30, 0), "MaxRecords": 100},
         call={"method": "neptune_describe_events", "args": ["graph-use1", "db-cluster", "2024-05-01T11:30:00Z"]}),
    dict(case="memorydb-failover-shard", service="memorydb", region="us-west-2", token=False,
         operation="FailoverShard", params={"ClusterName": "ledger", "ShardName": "0001"},
         call={"method": "failover_shard", "args": ["ledger", "0001"]}),
    dict(case="memorydb-describe-clusters-session-token", service="memorydb", region="us-east-1", token=True,
         operation="DescribeClusters", params={"MaxResults": 100, "ShowShardDetails": True},
         call={"method": "memorydb_describe_clusters", "args": []}),
    dict(case="cloudwatch-get-metric-data-session-token", service="cloudwatch", region="eu-west-1", token=True,
         operation="GetMetricData", params=GET_METRIC_DATA,
         call={"method": "get_metric_data", "args": []}),
    dict(case="emulator-elasticache-port", service="elasticache", region="us-east-1", token=False,
         endpoint={"url": "http://127.0.0.1:4566", "sign_as": "endpoint"},
         operation="TestFailover", params={"ReplicationGroupId": "orders-use1", "NodeGroupId": "0001"},
         call={"method": "test_failover", "args": ["orders-use1", "0001"]}),
    dict(case="emulator-memorydb-port-session-token", service="memorydb", region="eu-west-1", token=True,
         endpoint={"url": "http://127.0.0.1:4566", "sign_as": "endpoint"},
         operation="FailoverShard", params={"ClusterName": "ledger", "ShardName": "0002"},
         call={"method": "failover_shard", "args": ["ledger", "0002"]}),
    dict(case="emulator-neptune-default-port", service="neptune", region="us-east-1", token=False,
         endpoint={"url": "http://localhost:80", "sign_as": "endpoint"},
         operation="SwitchoverGlobalCluster",
         params={"GlobalClusterIdentifier": "graph-global",
                 "TargetDbClusterIdentifier": "arn:aws:rds:eu-west-1:123456789012:cluster:graph-euw1"},
         call={"method": "switchover_global_database",
               "args": ["graph-global", "arn:aws:rds:eu-west-1:123456789012:cluster:graph-euw1"]}),
    dict(case="relay-elasticache-signed-for-aws-host", service="elasticache", region="us-west-2", token=True,
         endpoint={"url": "https://relay.example.net:8443/aws/", "sign_as": "aws_host"},
         operation="FailoverGlobalReplicationGroup",
         params={"GlobalReplicationGroupId": "ldgnf-orders", "PrimaryRegion": "us-west-2",
                 "PrimaryReplicationGroupId": "orders-usw2"},
         call={"method": "failover_global_datastore", "args": ["ldgnf-orders", "us-west-2", "orders-usw2"]}),
]


def gen_sigv4(out):
    for c in SIGV4_CASES:
        service, region = c["service"], c["region"]
        endpoint = c.get("endpoint")
        aws = aws_url(service, region)
        if endpoint is None:
            url = signing_url = aws
        else:
            url = endpoint["url"] if endpoint["url"].count("/") > 2 else endpoint["url"] + "/"
            signing_url = url if endpoint["sign_as"] == "endpoint" else aws
        rd = serialize(service, c["operation"], c["params"])
        body = body_bytes(service, rd)
        # The headers the console sends, in its order; botocore's serializer set the same ones.
        headers = [[k, v] for k, v in rd["headers"].items()]
        token = SESSION_TOKEN if c["token"] else None
        added, signed, canonical = sign("POST", signing_url, headers, body, SERVICES[service][1], region, token)
        case_dir = out / "sigv4" / c["case"]
        case_dir.mkdir(parents=True, exist_ok=True)
        request = {
            "service": service,
            "operation": c["operation"],
            "region": region,
            "signing_name": SERVICES[service][1],
            "time": SIGNING_TIME_ISO,
            "credentials": {"access_key_id": ACCESS_KEY, "secret_access_key": SECRET_KEY,
                            "session_token": token},
            "endpoint": endpoint,
            "method": "POST",
            "url": url,
            "signing_url": signing_url,
            "headers": headers,
            "body": body.decode(),
            "call": c["call"],
        }
        expected = {
            "headers": added,
            "signed_headers": signed,
            "host": urlsplit(signing_url).netloc if urlsplit(signing_url).port not in (80, 443) else urlsplit(signing_url).hostname,
            "canonical_request": canonical,
        }
        write_json(case_dir / "request.json", request)
        write_json(case_dir / "expected.json", expected)


# Inputs per operation, in the member order the console writes them.
SERIALIZATION_CASES = [
    ("elasticache", "CreateGlobalReplicationGroup", "", {
        "GlobalReplicationGroupIdSuffix": "carts", "GlobalReplicationGroupDescription": "carts, going global",
        "PrimaryReplicationGroupId": "carts-use1"}),
    ("elasticache", "CreateGlobalReplicationGroup", "no-description", {
        "GlobalReplicationGroupIdSuffix": "carts", "PrimaryReplicationGroupId": "carts-use1"}),
    ("elasticache", "FailoverGlobalReplicationGroup", "", {
        "GlobalReplicationGroupId": "ldgnf-orders", "PrimaryRegion": "us-west-2",
        "PrimaryReplicationGroupId": "orders-usw2"}),
    ("elasticache", "TestFailover", "", {"ReplicationGroupId": "orders-use1", "NodeGroupId": "0001"}),
    ("elasticache", "DescribeGlobalReplicationGroups", "", {"MaxRecords": 100, "ShowMemberInfo": True}),
    ("elasticache", "DescribeGlobalReplicationGroups", "marker", {
        "MaxRecords": 100, "Marker": "ldgnf-sessions", "ShowMemberInfo": True}),
    ("elasticache", "DescribeGlobalReplicationGroups", "one", {
        "GlobalReplicationGroupId": "ldgnf-orders", "ShowMemberInfo": True}),
    ("elasticache", "DescribeReplicationGroups", "", {"MaxRecords": 100}),
    ("elasticache", "DescribeReplicationGroups", "marker", {"MaxRecords": 100, "Marker": "page 2/3"}),
    ("elasticache", "DescribeReplicationGroups", "one", {"ReplicationGroupId": "orders-use1"}),
    ("elasticache", "DescribeEvents", "", {"MaxRecords": 100}),
    ("elasticache", "DescribeEvents", "source-since", {
        "SourceIdentifier": "orders-use1", "SourceType": "replication-group",
        "StartTime": datetime.datetime(2024, 5, 1, 11, 30, 0, 250000), "MaxRecords": 100}),
    ("neptune", "FailoverGlobalCluster", "allow-data-loss", {
        "GlobalClusterIdentifier": "graph-global",
        "TargetDbClusterIdentifier": "arn:aws:rds:eu-west-1:123456789012:cluster:graph-euw1", "AllowDataLoss": True}),
    ("neptune", "FailoverGlobalCluster", "no-data-loss", {
        "GlobalClusterIdentifier": "graph-global",
        "TargetDbClusterIdentifier": "arn:aws:rds:eu-west-1:123456789012:cluster:graph-euw1", "AllowDataLoss": False}),
    ("neptune", "FailoverGlobalCluster", "switchover", {
        "GlobalClusterIdentifier": "graph-global",
        "TargetDbClusterIdentifier": "arn:aws:rds:eu-west-1:123456789012:cluster:graph-euw1", "Switchover": True}),
    ("neptune", "SwitchoverGlobalCluster", "", {
        "GlobalClusterIdentifier": "graph-global",
        "TargetDbClusterIdentifier": "arn:aws:rds:eu-west-1:123456789012:cluster:graph-euw1"}),
    ("neptune", "DescribeGlobalClusters", "", {"MaxRecords": 100}),
    ("neptune", "DescribeGlobalClusters", "one", {"GlobalClusterIdentifier": "graph-global"}),
    ("neptune", "DescribeDBClusters", "", {"Filters": [{"Name": "engine", "Values": ["neptune"]}], "MaxRecords": 100}),
    ("neptune", "DescribeDBClusters", "marker", {
        "Filters": [{"Name": "engine", "Values": ["neptune"]}], "MaxRecords": 100, "Marker": "scratch-graph"}),
    ("neptune", "DescribeEvents", "", {"MaxRecords": 100}),
    ("neptune", "DescribeEvents", "source-since", {
        "SourceIdentifier": "graph-use1", "SourceType": "db-cluster",
        "StartTime": datetime.datetime(2024, 5, 1, 11, 30, 0), "MaxRecords": 100}),
    ("memorydb", "FailoverShard", "", {"ClusterName": "ledger", "ShardName": "0001"}),
    ("memorydb", "DescribeClusters", "", {"MaxResults": 100, "ShowShardDetails": True}),
    ("memorydb", "DescribeClusters", "next-token", {"MaxResults": 100, "NextToken": "AAECAwQFBgcICQ==",
                                                     "ShowShardDetails": True}),
    ("memorydb", "DescribeClusters", "one", {"ClusterName": "ledger", "ShowShardDetails": True}),
    ("memorydb", "DescribeMultiRegionClusters", "", {"MaxResults": 100, "ShowClusterDetails": True}),
    ("memorydb", "DescribeMultiRegionClusters", "one", {"MultiRegionClusterName": "wqmzt-session-store",
                                                         "ShowClusterDetails": True}),
    ("cloudwatch", "GetMetricData", "", GET_METRIC_DATA),
    ("cloudwatch", "GetMetricData", "next-token", dict(GET_METRIC_DATA, NextToken="AAAAAQ==")),
    ("cloudwatch", "ListMetrics", "", {"Namespace": "AWS/MemoryDB", "MetricName": "MultiRegionClusterReplicationLag"}),
    # Sign-in: sent unsigned; the token is a JWT (dots and base64url, escaped as botocore does).
    ("sts", "AssumeRoleWithWebIdentity", "", {
        "RoleArn": "arn:aws:iam::123456789012:role/failover-console-operator",
        "RoleSessionName": "oncall@example.com",
        "WebIdentityToken": "eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiJkZW1vIn0.c2ln-_sig",
        "DurationSeconds": 3600}),
    ("memorydb", "DescribeEvents", "", {"MaxResults": 100}),
    ("memorydb", "DescribeEvents", "source-since", {
        "SourceName": "ledger", "SourceType": "cluster",
        "StartTime": datetime.datetime(2024, 5, 1, 11, 30, 0), "MaxResults": 100}),
]


def gen_serialization(out):
    for service, operation, variant, params in SERIALIZATION_CASES:
        rd = serialize(service, operation, params)
        body = rd["body"]
        entry = {
            "service": service,
            "operation": operation,
            "variant": variant,
            "input": jsonable(params),
            "headers": dict(rd["headers"]),
            "body": body.decode() if isinstance(body, bytes) else body_bytes(service, rd).decode(),
        }
        if isinstance(body, dict):
            entry["params"] = [[k, str(v)] for k, v in body.items()]
        else:
            entry["json"] = json.loads(body or b"{}")
        name = operation + (f".{variant}" if variant else "") + ".json"
        path = out / "serialization" / service / name
        path.parent.mkdir(parents=True, exist_ok=True)
        write_json(path, entry)


def gen_fixtures(out):
    """Parses every fixture with botocore's parser for its operation."""
    result = {}
    for service in SERVICES:
        m = model(service)
        proto = protocol(service)
        for path in sorted((FIXTURES / service).glob("*")):
            operation, _, rest = path.name.partition(".")
            is_error = rest.startswith("error.")
            status = 200
            if is_error:
                code = rest.split(".")[1]
                status = 404 if code.endswith("NotFoundFault") and service != "memorydb" else 400
            op = m.operation_model(operation)
            parser = botocore.parsers.create_parser(proto)
            response = {
                "body": path.read_bytes(),
                "headers": {"x-amzn-requestid": "fixture-request-id"},
                "status_code": status,
            }
            parsed = parser.parse(response, op.output_shape)
            meta = parsed.pop("ResponseMetadata", {})
            result[f"{service}/{path.name}"] = {
                "service": service,
                "operation": operation,
                "status": status,
                "error": is_error,
                "request_id": meta.get("RequestId"),
                "parsed": jsonable(parsed),
            }
    write_json(out / "fixtures_parsed_by_botocore.json", result)


def jsonable(value):
    if isinstance(value, dict):
        return {k: jsonable(v) for k, v in value.items()}
    if isinstance(value, list):
        return [jsonable(v) for v in value]
    if isinstance(value, datetime.datetime):
        if value.tzinfo is None:
            value = value.replace(tzinfo=datetime.timezone.utc)
        # Milliseconds since the epoch: the unit of crate::model::Timestamp.
        return {"epoch_millis": round(value.timestamp() * 1000)}
    if isinstance(value, bytes):
        return value.decode()
    return value


def write_json(path, value):
    path.write_text(json.dumps(value, indent=2, sort_keys=False, ensure_ascii=False) + "\n")


def generate(out):
    gen_sigv4(out)
    gen_serialization(out)
    gen_fixtures(out)


def main():
    vectors = ROOT / "tests" / "vectors"
    if "--check" in sys.argv:
        with tempfile.TemporaryDirectory() as tmp:
            generate(Path(tmp))
            differ = []
            for path in sorted(Path(tmp).rglob("*.json")):
                rel = path.relative_to(tmp)
                committed = vectors / rel
                if not committed.exists() or committed.read_text() != path.read_text():
                    differ.append(str(rel))
            if differ:
                print("vectors differ from botocore's output:\n  " + "\n  ".join(differ))
                sys.exit(1)
            print(f"vectors match botocore {botocore.__version__}")
        return
    generate(vectors)
    print(f"wrote vectors with botocore {botocore.__version__} to {os.path.relpath(vectors)}")


if __name__ == "__main__":
    main()
