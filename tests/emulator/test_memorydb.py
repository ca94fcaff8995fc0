"""MemoryDB (JSON 1.1, X-Amz-Target AmazonMemoryDB.*, signing name memorydb) through boto3."""

from __future__ import annotations

import pytest
from botocore.exceptions import ClientError

from emu import ACCOUNT, assert_error, ok_meta, wait_until
from state_view import primary_node

SETTLE = 90


def describe(mdb, name: str, details: bool = True) -> dict:
    resp = mdb.describe_clusters(ClusterName=name, ShowShardDetails=details)
    ok_meta(resp)
    assert [c["Name"] for c in resp["Clusters"]] == [name]
    return resp["Clusters"][0]


def shard(cluster: dict, name: str) -> dict:
    found = [s for s in cluster["Shards"] if s["Name"] == name]
    assert len(found) == 1, f"shard {name} not in {[s['Name'] for s in cluster['Shards']]}"
    return found[0]


def state_primary(emu, cluster: str, shard_name: str) -> str:
    p = primary_node(emu.state(), cluster, shard_name, "memorydb")
    assert p, f"/_emulator/state does not say which node is primary of {cluster}/{shard_name}"
    return p


# --- reads --------------------------------------------------------------------------------------

def test_describe_clusters_with_shard_details(emulator):
    mdb = emulator.memorydb("us-east-1")
    resp = mdb.describe_clusters(ShowShardDetails=True)
    ok_meta(resp)
    names = {c["Name"] for c in resp["Clusters"]}
    assert "payments-ledger" in names
    assert not names & {"rate-limiter", "audit-stream"}, "DescribeClusters is region scoped"

    c = describe(mdb, "payments-ledger")
    assert c["Status"] == "available"
    assert c["AvailabilityMode"] == "multiaz"
    assert c["NumberOfShards"] == 3
    assert c["ARN"] == f"arn:aws:memorydb:us-east-1:{ACCOUNT}:cluster/payments-ledger"
    assert c["ClusterEndpoint"]["Address"] and c["ClusterEndpoint"]["Port"] > 0
    assert [s["Name"] for s in c["Shards"]] == ["0001", "0002", "0003"]
    for s in c["Shards"]:
        assert s["Status"] == "available"
        assert s["NumberOfNodes"] == 3 == len(s["Nodes"])
        assert s["Slots"]
        for n in s["Nodes"]:
            assert n["Name"].startswith(s["Name"] + "-"), n["Name"]  # MemoryDB names nodes <shard>-<nnn>
            assert n["Status"] == "available"
            assert n["AvailabilityZone"].startswith("us-east-1")
            assert n["CreateTime"].tzinfo is not None
        assert len({n["AvailabilityZone"] for n in s["Nodes"]}) >= 2
        assert state_primary(emulator, "payments-ledger", s["Name"]) in {n["Name"] for n in s["Nodes"]}


def test_describe_clusters_without_shard_details(emulator):
    c = describe(emulator.memorydb("us-east-1"), "payments-ledger", details=False)
    assert not c.get("Shards"), "ShowShardDetails=false must not return shards"
    assert c["NumberOfShards"] == 3


def test_other_seeded_clusters(emulator):
    rl = describe(emulator.memorydb("us-west-2"), "rate-limiter")
    assert rl["AvailabilityMode"] == "multiaz" and rl["NumberOfShards"] == 2
    assert all(s["NumberOfNodes"] == 2 for s in rl["Shards"])
    audit = describe(emulator.memorydb("eu-west-1"), "audit-stream")
    assert audit["AvailabilityMode"] == "singleaz" and audit["NumberOfShards"] == 1
    assert [s["NumberOfNodes"] for s in audit["Shards"]] == [1]


def test_describe_events_shape(emulator):
    resp = emulator.memorydb("us-east-1").describe_events(MaxResults=50)
    ok_meta(resp)
    for e in resp.get("Events", []):
        assert e["SourceName"] and e["Message"]
        assert e["SourceType"] in ("node", "parameter-group", "subnet-group", "cluster", "user", "acl")
        assert e["Date"].tzinfo is not None


# --- errors ---------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def err_emu(start_module_emulator):
    return start_module_emulator("--topology", "default")


def test_cluster_not_found(err_emu):
    mdb = err_emu.memorydb("us-east-1")
    with pytest.raises(ClientError) as e:
        mdb.describe_clusters(ClusterName="no-such-cluster")
    assert_error(e, "ClusterNotFoundFault", 400)
    with pytest.raises(ClientError) as e:
        mdb.failover_shard(ClusterName="no-such-cluster", ShardName="0001")
    assert_error(e, "ClusterNotFoundFault", 400)
    # a real cluster asked in the wrong region
    with pytest.raises(mdb.exceptions.ClusterNotFoundFault):
        err_emu.memorydb("eu-west-1").describe_clusters(ClusterName="payments-ledger")


def test_shard_not_found(err_emu):
    mdb = err_emu.memorydb("us-east-1")
    with pytest.raises(ClientError) as e:
        mdb.failover_shard(ClusterName="payments-ledger", ShardName="0009")
    assert_error(e, "ShardNotFoundFault", 400)
    with pytest.raises(mdb.exceptions.ShardNotFoundFault):
        mdb.failover_shard(ClusterName="payments-ledger", ShardName="0009")


def test_failover_shard_not_available_single_node(err_emu):
    mdb = err_emu.memorydb("eu-west-1")
    with pytest.raises(ClientError) as e:
        mdb.failover_shard(ClusterName="audit-stream", ShardName="0001")
    assert_error(e, "TestFailoverNotAvailableFault", 400)
    assert describe(mdb, "audit-stream")["Status"] == "available"


# --- state machine ----------------------------------------------------------------------------------

def test_failover_shard_end_to_end(fresh_emulator):
    emu = fresh_emulator
    mdb = emu.memorydb("us-east-1")
    before = describe(mdb, "payments-ledger")
    old = state_primary(emu, "payments-ledger", "0002")
    others = {s: state_primary(emu, "payments-ledger", s) for s in ("0001", "0003")}

    resp = mdb.failover_shard(ClusterName="payments-ledger", ShardName="0002")
    ok_meta(resp)
    c = resp["Cluster"]
    assert c["Name"] == "payments-ledger"
    observed = [(c["Status"], shard(c, "0002")["Status"]) if c.get("Shards") else (c["Status"], None)]

    # one failover at a time per cluster
    with pytest.raises(ClientError) as e:
        mdb.failover_shard(ClusterName="payments-ledger", ShardName="0003")
    assert_error(e, "InvalidClusterStateFault", 400)

    def settled():
        cur = describe(mdb, "payments-ledger")
        observed.append((cur["Status"], shard(cur, "0002")["Status"]))
        return cur["Status"] == "available" and all(s["Status"] == "available" for s in cur["Shards"]) and cur

    after = wait_until(settled, SETTLE, what="FailoverShard to settle")
    assert any(o != ("available", "available") for o in observed), f"no transitional status seen: {observed}"
    new = state_primary(emu, "payments-ledger", "0002")
    assert new != old, f"primary of 0002 still {old}"
    assert new in {n["Name"] for n in shard(before, "0002")["Nodes"]}
    assert {s: state_primary(emu, "payments-ledger", s) for s in ("0001", "0003")} == others
    assert [s["NumberOfNodes"] for s in after["Shards"]] == [3, 3, 3]

    # events for the cluster (MemoryDB does not document their wording: presence and shape only)
    ev = mdb.describe_events(SourceName="payments-ledger", SourceType="cluster")
    ok_meta(ev)
    assert ev.get("Events"), "no cluster event recorded for the shard failover"
    assert all(e["SourceName"] == "payments-ledger" and e["SourceType"] == "cluster" for e in ev["Events"])

    # settled: the other shard may now be failed over
    ok_meta(mdb.failover_shard(ClusterName="payments-ledger", ShardName="0003"))
    wait_until(lambda: describe(mdb, "payments-ledger")["Status"] == "available"
               and state_primary(emu, "payments-ledger", "0003") != others["0003"], SETTLE,
               what="second FailoverShard to settle")


def test_failover_shard_two_node_shards(fresh_emulator):
    mdb = fresh_emulator.memorydb("us-west-2")
    old = state_primary(fresh_emulator, "rate-limiter", "0001")
    ok_meta(mdb.failover_shard(ClusterName="rate-limiter", ShardName="0001"))
    wait_until(lambda: describe(mdb, "rate-limiter")["Status"] == "available"
               and all(s["Status"] == "available" for s in describe(mdb, "rate-limiter")["Shards"])
               and state_primary(fresh_emulator, "rate-limiter", "0001") != old, SETTLE,
               what="rate-limiter failover to settle")


def test_failover_shard_quota(start_emulator):
    emu = start_emulator("--topology", "default", "--test-failover-quota", "2")
    ok_meta(emu.memorydb("us-east-1").failover_shard(ClusterName="payments-ledger", ShardName="0001"))
    ok_meta(emu.memorydb("us-west-2").failover_shard(ClusterName="rate-limiter", ShardName="0001"))
    mdb = emu.memorydb("us-west-2")
    with pytest.raises(ClientError) as e:
        mdb.failover_shard(ClusterName="rate-limiter", ShardName="0002")
    # refused for the quota or because rate-limiter is still busy; a fresh cluster shows the quota alone
    assert e.value.response["Error"]["Code"] in ("APICallRateForCustomerExceededFault", "InvalidClusterStateFault")
    wait_until(lambda: describe(mdb, "rate-limiter")["Status"] == "available", SETTLE, what="rate-limiter to settle")
    with pytest.raises(ClientError) as e:
        mdb.failover_shard(ClusterName="rate-limiter", ShardName="0002")
    assert_error(e, "APICallRateForCustomerExceededFault", 400)
