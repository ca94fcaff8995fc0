"""The raw answers, below what botocore tolerates: envelopes, namespaces, content types, no nulls.

botocore is lenient (it ignores a wrong root element or namespace); the console's own parser and
other SDKs may not be, so the envelope AWS sends is checked here byte-level.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from urllib.parse import urlencode

import pytest
from botocore.exceptions import ClientError

from emu import assert_error, cluster_arn, ok_meta

NS = {
    "elasticache": "http://elasticache.amazonaws.com/doc/2015-02-02/",
    "neptune": "http://rds.amazonaws.com/doc/2014-10-31/",
}
VERSION = {"elasticache": "2015-02-02", "neptune": "2014-10-31"}
FORM = {"Content-Type": "application/x-www-form-urlencoded; charset=utf-8"}

QUERY_CALLS = [
    ("elasticache", "us-east-1", "DescribeGlobalReplicationGroups", {"ShowMemberInfo": "true"}, "GlobalReplicationGroups"),
    ("elasticache", "us-east-1", "DescribeReplicationGroups", {}, "ReplicationGroups"),
    ("elasticache", "us-east-1", "DescribeEvents", {}, None),
    ("elasticache", "us-west-2", "TestFailover", {"ReplicationGroupId": "feature-flags", "NodeGroupId": "0001"}, "ReplicationGroup"),
    ("elasticache", "us-east-1", "CreateGlobalReplicationGroup",
     {"GlobalReplicationGroupIdSuffix": "wire", "PrimaryReplicationGroupId": "orders-queue"}, "GlobalReplicationGroup"),
    ("elasticache", "us-east-1", "FailoverGlobalReplicationGroup",
     {"GlobalReplicationGroupId": "ldgnf-pricing-cache", "PrimaryRegion": "eu-west-1",
      "PrimaryReplicationGroupId": "pricing-cache-euw1"}, "GlobalReplicationGroup"),
    ("neptune", "us-east-1", "DescribeGlobalClusters", {}, "GlobalClusters"),
    ("neptune", "us-east-1", "DescribeDBClusters",
     {"Filters.Filter.1.Name": "engine", "Filters.Filter.1.Values.Value.1": "neptune"}, "DBClusters"),
    ("neptune", "us-east-1", "DescribeEvents", {}, None),
    ("neptune", "eu-west-1", "FailoverGlobalCluster",
     {"GlobalClusterIdentifier": "fraud-graph", "TargetDbClusterIdentifier": cluster_arn("us-east-1", "fraud-graph-use1"),
      "Switchover": "true"}, "GlobalCluster"),
    ("neptune", "us-east-1", "SwitchoverGlobalCluster",
     {"GlobalClusterIdentifier": "identity-graph",
      "TargetDbClusterIdentifier": cluster_arn("us-west-2", "identity-graph-usw2")}, "GlobalCluster"),
]


@pytest.fixture(scope="module")
def wire(start_module_emulator):
    return start_module_emulator("--topology", "default")


def local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


@pytest.mark.parametrize("service,region,action,params,child", QUERY_CALLS, ids=[f"{c[0]}-{c[2]}" for c in QUERY_CALLS])
def test_query_success_envelope(wire, service, region, action, params, child):
    body = urlencode({"Action": action, "Version": VERSION[service], **params}).encode()
    r = wire.raw(service, region, body, FORM)
    assert r.status == 200, r.body[:400]
    assert r.header("content-type", "").split(";")[0] in ("text/xml", "application/xml")
    assert r.header("date"), "every answer carries Date"
    root = ET.fromstring(r.body)
    ns = NS[service]
    assert root.tag == f"{{{ns}}}{action}Response", root.tag
    result = root.find(f"{{{ns}}}{action}Result")
    assert result is not None, f"no <{action}Result> in {r.body[:300]!r}"
    rid = root.find(f"{{{ns}}}ResponseMetadata/{{{ns}}}RequestId")
    assert rid is not None and rid.text, "no ResponseMetadata/RequestId"
    if child:
        assert result.find(f"{{{ns}}}{child}") is not None, f"<{child}> missing from {action}Result"
    for el in root.iter():
        if el.text and el.text.strip() in ("True", "False", "TRUE", "FALSE"):
            raise AssertionError(f"boolean <{local(el.tag)}> must be lower-case true/false, got {el.text}")


def test_neptune_list_element_names(wire):
    """The RDS model's quirks: each GlobalCluster sits in <GlobalClusterMember>, readers in <member>."""
    ns = NS["neptune"]
    r = wire.query("neptune", "us-east-1", {"Action": "DescribeGlobalClusters", "GlobalClusterIdentifier": "fraud-graph"})
    root = ET.fromstring(r.body)
    items = root.findall(f"{{{ns}}}DescribeGlobalClustersResult/{{{ns}}}GlobalClusters/*")
    assert [local(i.tag) for i in items] == ["GlobalClusterMember"]
    members = items[0].findall(f"{{{ns}}}GlobalClusterMembers/{{{ns}}}GlobalClusterMember")
    assert len(members) == 2
    readers = [m for m in members if m.find(f"{{{ns}}}Readers") is not None and len(m.find(f"{{{ns}}}Readers"))]
    for m in readers:
        assert {local(x.tag) for x in m.find(f"{{{ns}}}Readers")} == {"member"}
    r = wire.query("neptune", "us-east-1", {"Action": "DescribeDBClusters"})
    root = ET.fromstring(r.body)
    clusters = root.findall(f"{{{ns}}}DescribeDBClustersResult/{{{ns}}}DBClusters/*")
    assert clusters and {local(c.tag) for c in clusters} == {"DBCluster"}


def test_elasticache_list_element_names(wire):
    ns = NS["elasticache"]
    r = wire.query("elasticache", "us-east-1", {"Action": "DescribeReplicationGroups", "ReplicationGroupId": "checkout-sessions-use1"})
    rg = ET.fromstring(r.body).find(f"{{{ns}}}DescribeReplicationGroupsResult/{{{ns}}}ReplicationGroups/{{{ns}}}ReplicationGroup")
    assert rg is not None
    assert {local(x.tag) for x in rg.find(f"{{{ns}}}MemberClusters")} == {"ClusterId"}
    assert {local(x.tag) for x in rg.find(f"{{{ns}}}NodeGroups")} == {"NodeGroup"}
    ng = rg.find(f"{{{ns}}}NodeGroups/{{{ns}}}NodeGroup")
    assert {local(x.tag) for x in ng.find(f"{{{ns}}}NodeGroupMembers")} == {"NodeGroupMember"}
    r = wire.query("elasticache", "us-east-1", {"Action": "DescribeGlobalReplicationGroups", "ShowMemberInfo": "true",
                                                "GlobalReplicationGroupId": "ldgnf-checkout-sessions"})
    g = ET.fromstring(r.body).find(
        f"{{{ns}}}DescribeGlobalReplicationGroupsResult/{{{ns}}}GlobalReplicationGroups/{{{ns}}}GlobalReplicationGroup")
    assert g is not None
    assert {local(x.tag) for x in g.find(f"{{{ns}}}Members")} == {"GlobalReplicationGroupMember"}
    assert {local(x.tag) for x in g.find(f"{{{ns}}}GlobalNodeGroups")} == {"GlobalNodeGroup"}


@pytest.mark.parametrize("service,action", [("elasticache", "TestFailover"), ("neptune", "FailoverGlobalCluster")])
def test_query_error_envelope(wire, service, action):
    params = {"ReplicationGroupId": "nope", "NodeGroupId": "0001"} if service == "elasticache" else \
        {"GlobalClusterIdentifier": "nope", "TargetDbClusterIdentifier": cluster_arn("us-east-1", "x"), "AllowDataLoss": "true"}
    r = wire.query(service, "us-east-1", {"Action": action, **params})
    assert r.status == 404
    assert r.header("content-type", "").split(";")[0] in ("text/xml", "application/xml")
    root = ET.fromstring(r.body)
    assert local(root.tag) == "ErrorResponse"
    err = next(c for c in root if local(c.tag) == "Error")
    fields = {local(c.tag): c.text for c in err}
    assert fields.get("Type") == "Sender"
    assert fields.get("Code") in ("ReplicationGroupNotFoundFault", "GlobalClusterNotFoundFault")
    assert fields.get("Message")
    rid = [c for c in root if local(c.tag) == "RequestId"]
    assert rid and rid[0].text


def _no_nulls(value, path="$"):
    if value is None:
        raise AssertionError(f"null at {path}: AWS JSON answers omit absent members")
    if isinstance(value, dict):
        for k, v in value.items():
            _no_nulls(v, f"{path}.{k}")
    elif isinstance(value, list):
        for i, v in enumerate(value):
            _no_nulls(v, f"{path}[{i}]")


@pytest.mark.parametrize("target,payload", [
    ("DescribeClusters", {"ShowShardDetails": True}),
    ("DescribeClusters", {}),
    ("DescribeEvents", {}),
    ("FailoverShard", {"ClusterName": "payments-ledger", "ShardName": "0003"}),
])
def test_json_success_envelope(wire, target, payload):
    r = wire.json_call("us-east-1", target, payload)
    assert r.status == 200, r.body[:300]
    assert r.header("content-type", "").split(";")[0] == "application/x-amz-json-1.1"
    assert r.header("x-amzn-requestid")
    assert r.header("date")
    body = r.json()
    assert isinstance(body, dict)
    _no_nulls(body)
    if target == "DescribeClusters":
        assert body["Clusters"]
        for c in body["Clusters"]:
            assert isinstance(c["NumberOfShards"], int)
            assert ("Shards" in c) == bool(payload.get("ShowShardDetails"))
    if target == "DescribeEvents":
        for e in body.get("Events", []):
            assert isinstance(e["Date"], (int, float)), "JSON 1.1 timestamps are epoch seconds"


def test_json_error_envelope(wire):
    r = wire.json_call("us-east-1", "FailoverShard", {"ClusterName": "nope", "ShardName": "0001"})
    assert r.status == 400
    assert r.header("content-type", "").split(";")[0] == "application/x-amz-json-1.1"
    body = r.json()
    kind = (body.get("__type") or r.header("x-amzn-errortype") or "").split("#")[-1].split(":")[0]
    assert kind == "ClusterNotFoundFault"
    assert body.get("message") or body.get("Message")
    assert r.header("x-amzn-requestid")


@pytest.mark.parametrize("service", ["elasticache", "neptune", "memorydb"])
def test_describe_events_refuses_a_source_type_the_service_does_not_have(wire, service):
    client = getattr(wire, service)("us-east-1")
    code = "InvalidParameterValueException" if service == "memorydb" else "InvalidParameterValue"
    with pytest.raises(ClientError) as e:
        client.describe_events(SourceType="no-such-source-type")
    err = assert_error(e, code, 400, query=service != "memorydb")
    assert "no-such-source-type" in err["Message"]
    # A known one is accepted.
    known = {"elasticache": "replication-group", "neptune": "db-cluster", "memorydb": "cluster"}[service]
    ok_meta(client.describe_events(SourceType=known))
