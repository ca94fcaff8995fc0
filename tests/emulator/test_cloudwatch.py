"""CloudWatch's replication-lag metrics and MemoryDB Multi-Region clusters (issue 18), driven by
boto3 unmodified: GetMetricData and ListMetrics in JSON 1.0 (what boto3 speaks) and in
smithy-rpc-v2-cbor (the protocol CloudWatch's model lists first), parsed by botocore's own
parsers, so the shapes are the real service's."""
import datetime
import time

import pytest
from botocore.exceptions import ClientError

UTC = datetime.timezone.utc


def now():
    return datetime.datetime.now(UTC)


def lag_query(qid, namespace, metric, dims, stat="Maximum"):
    return {
        "Id": qid,
        "MetricStat": {
            "Metric": {"Namespace": namespace, "MetricName": metric,
                       "Dimensions": [{"Name": k, "Value": v} for k, v in dims]},
            "Period": 60,
            "Stat": stat,
        },
    }


EC_USW2 = lag_query("usw2", "AWS/ElastiCache", "GlobalDatastoreReplicationLag",
                    [("CacheClusterId", "checkout-sessions-usw2-0001-001")])
EC_EUW1 = lag_query("euw1", "AWS/ElastiCache", "GlobalDatastoreReplicationLag",
                    [("CacheClusterId", "checkout-sessions-euw1-0001-001")])


def fetch(cw, queries, minutes=15, **kw):
    end = now()
    return cw.get_metric_data(MetricDataQueries=queries, StartTime=end - datetime.timedelta(minutes=minutes),
                              EndTime=end, **kw)


@pytest.mark.parametrize("protocol", [None, "smithy-rpc-v2-cbor"])
def test_a_secondary_publishes_its_lag_in_its_own_region(emulator, protocol):
    cw = emulator.cloudwatch("us-west-2", protocol=protocol)
    r = fetch(cw, [EC_USW2])
    [res] = r["MetricDataResults"]
    assert res["Id"] == "usw2" and res["StatusCode"] == "Complete"
    assert res["Label"] == "GlobalDatastoreReplicationLag"
    assert 14 <= len(res["Values"]) <= 15, res
    assert all(0 < v < 3 for v in res["Values"]), res["Values"]
    # Newest first (TimestampDescending), a minute apart, timestamps parsed as datetimes.
    ts = res["Timestamps"]
    assert all(isinstance(t, datetime.datetime) for t in ts)
    assert all((a - b).total_seconds() == 60 for a, b in zip(ts, ts[1:]))
    # The same metric is not published in the primary's Region.
    other = fetch(emulator.cloudwatch("us-east-1", protocol=protocol), [EC_USW2])["MetricDataResults"][0]
    assert other["Values"] == [] and other["Timestamps"] == []


def test_neptune_publishes_only_non_zero_lag_and_on_both_sides(emulator):
    sec = lag_query("sec", "AWS/Neptune", "GlobalDbProgressLag",
                    [("DBClusterIdentifier", "identity-graph-euw1"), ("SourceRegion", "us-east-1")])
    r = fetch(emulator.cloudwatch("eu-west-1"), [sec])["MetricDataResults"][0]
    assert r["Values"] and all(v >= 100 for v in r["Values"]), r  # milliseconds
    prim = lag_query("prim", "AWS/Neptune", "GlobalDbProgressLag",
                     [("DBClusterIdentifier", "identity-graph-use1"), ("SecondaryRegion", "eu-west-1")])
    assert fetch(emulator.cloudwatch("us-east-1"), [prim])["MetricDataResults"][0]["Values"]
    # fraud-graph's secondary has no lag (profile zero): Neptune sends nothing, not 0.
    zero = lag_query("zero", "AWS/Neptune", "GlobalDbProgressLag",
                     [("DBClusterIdentifier", "fraud-graph-use1"), ("SourceRegion", "eu-west-1")])
    z = fetch(emulator.cloudwatch("us-east-1"), [zero])["MetricDataResults"][0]
    assert z["Values"] == [] and z["StatusCode"] == "Complete"


def test_list_metrics_discovers_the_dimensions(emulator):
    cw = emulator.cloudwatch("eu-west-1")
    found = cw.list_metrics(Namespace="AWS/MemoryDB", MetricName="MultiRegionClusterReplicationLag")["Metrics"]
    dims = sorted(tuple((d["Name"], d["Value"]) for d in m["Dimensions"]) for m in found)
    # session-store-euw1 receives from two Regions, per shard.
    assert len(dims) == 4
    assert dims[0] == (("ClusterName", "session-store-euw1"), ("ShardName", "0001"), ("SourceRegion", "us-east-1"))
    ec = cw.list_metrics(Namespace="AWS/ElastiCache", Dimensions=[{"Name": "CacheClusterId"}])["Metrics"]
    assert {m["Dimensions"][0]["Value"] for m in ec} >= {"checkout-sessions-euw1-0001-001", "pricing-cache-euw1-0001-001"}
    cbor = emulator.cloudwatch("eu-west-1", protocol="smithy-rpc-v2-cbor")
    assert cbor.list_metrics(Namespace="AWS/MemoryDB")["Metrics"] == found


def test_datapoints_page_with_next_token_and_partial_data(emulator):
    cw = emulator.cloudwatch("eu-west-1")
    first = fetch(cw, [EC_EUW1, dict(EC_EUW1, Id="again")], minutes=10, MaxDatapoints=12)
    assert first["NextToken"]
    a, b = first["MetricDataResults"]
    assert len(a["Values"]) + len(b["Values"]) == 12
    assert b["StatusCode"] == "PartialData"
    rest = fetch(cw, [EC_EUW1, dict(EC_EUW1, Id="again")], minutes=10, MaxDatapoints=12, NextToken=first["NextToken"])
    assert "NextToken" not in rest
    assert sum(len(r["Values"]) for r in rest["MetricDataResults"]) >= 7


@pytest.mark.parametrize("protocol", [None, "smithy-rpc-v2-cbor"])
def test_bad_queries_get_cloudwatch_errors(emulator, protocol):
    cw = emulator.cloudwatch("us-west-2", protocol=protocol)
    with pytest.raises(ClientError) as e:
        fetch(cw, [dict(EC_USW2, Id="Upper")])
    assert e.value.response["Error"]["Code"] in ("InvalidParameterValue", "InvalidParameterValueException")
    assert e.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400
    end = now()
    with pytest.raises(ClientError):
        cw.get_metric_data(MetricDataQueries=[EC_USW2], StartTime=end, EndTime=end - datetime.timedelta(minutes=1))


def test_a_growing_profile_grows_and_a_failover_restarts_the_series(fresh_emulator):
    emu = fresh_emulator
    assert emu.post_control("/_emulator/lag", {"checkout-sessions-euw1": "wobbly"}).status == 400
    r = emu.post_control("/_emulator/lag", {"checkout-sessions-euw1": "growing"})
    assert r.status == 200 and r.json()["profiles"]["checkout-sessions-euw1"] == "growing"
    values = fetch(emu.cloudwatch("eu-west-1"), [EC_EUW1])["MetricDataResults"][0]["Values"]
    assert values[0] > 10 and values[0] > values[-1] + 10, values  # newest first

    # Promote us-west-2: the old primary becomes a secondary and starts publishing from now.
    emu.elasticache("us-west-2").failover_global_replication_group(
        GlobalReplicationGroupId="ldgnf-checkout-sessions", PrimaryRegion="us-west-2",
        PrimaryReplicationGroupId="checkout-sessions-usw2")
    old = lag_query("old", "AWS/ElastiCache", "GlobalDatastoreReplicationLag",
                    [("CacheClusterId", "checkout-sessions-use1-0001-001")])
    cw = emu.cloudwatch("us-east-1")
    deadline = datetime.datetime.now() + datetime.timedelta(seconds=60)
    while True:
        v = fetch(cw, [old], minutes=15)["MetricDataResults"][0]["Values"]
        if v or datetime.datetime.now() > deadline:
            break
    assert 1 <= len(v) <= 2, v


def test_lag_grows_while_the_source_region_is_down(fresh_emulator):
    emu = fresh_emulator
    before = fetch(emu.cloudwatch("us-west-2"), [EC_USW2])["MetricDataResults"][0]["Values"][0]
    emu.post_control("/_emulator/faults", {"regionDown": ["us-east-1"]})
    time.sleep(2.5)
    newest = fetch(emu.cloudwatch("us-west-2"), [EC_USW2])["MetricDataResults"][0]["Values"][0]
    assert newest > before + 2, (before, newest)
    # Brought back, it no longer grows from the outage.
    emu.post_control("/_emulator/faults", {"regionDown": []})
    calm = fetch(emu.cloudwatch("us-west-2"), [EC_USW2])["MetricDataResults"][0]["Values"][0]
    assert calm < 3, calm


def test_multi_region_clusters_list_their_regional_clusters(emulator):
    mdb = emulator.memorydb("us-west-2")
    [m] = mdb.describe_multi_region_clusters(ShowClusterDetails=True)["MultiRegionClusters"]
    assert m["MultiRegionClusterName"] == "wqmzt-session-store" and m["NumberOfShards"] == 2
    assert m["ARN"] == "arn:aws:memorydb::123456789012:multiregioncluster/wqmzt-session-store"
    assert {(c["Region"], c["ClusterName"], c["Status"]) for c in m["Clusters"]} == {
        ("us-east-1", "session-store-use1", "available"),
        ("us-west-2", "session-store-usw2", "available"),
        ("eu-west-1", "session-store-euw1", "available"),
    }
    plain = mdb.describe_multi_region_clusters()["MultiRegionClusters"][0]
    assert "Clusters" not in plain
    [c] = emulator.memorydb("eu-west-1").describe_clusters(ClusterName="session-store-euw1")["Clusters"]
    assert c["MultiRegionClusterName"] == "wqmzt-session-store"
    with pytest.raises(ClientError) as e:
        mdb.describe_multi_region_clusters(MultiRegionClusterName="nope")
    assert e.value.response["Error"]["Code"] == "MultiRegionClusterNotFoundFault"


def test_a_denied_metric_read_names_the_iam_action_not_the_signing_name(start_emulator):
    emu = start_emulator("--topology", "default", "--deny", "GetMetricData")
    with pytest.raises(ClientError) as e:
        fetch(emu.cloudwatch("us-west-2"), [EC_USW2])
    err = e.value.response["Error"]
    assert err["Code"] in ("AccessDenied", "AccessDeniedException"), err
    # CloudWatch signs as "monitoring", but its IAM actions are "cloudwatch:...".
    assert "cloudwatch:GetMetricData" in err["Message"] and "monitoring:" not in err["Message"], err
