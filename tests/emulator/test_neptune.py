"""Neptune (Query/XML on the RDS endpoint, signing name rds) through boto3."""

from __future__ import annotations

import pytest
from botocore.exceptions import ClientError

from emu import ACCOUNT, assert_error, cluster_arn, ok_meta, wait_until

SETTLE = 90
ENGINE_NEPTUNE = [{"Name": "engine", "Values": ["neptune"]}]

IDENTITY = {
    "identity-graph-use1": "us-east-1",
    "identity-graph-usw2": "us-west-2",
    "identity-graph-euw1": "eu-west-1",
}
FRAUD = {"fraud-graph-euw1": "eu-west-1", "fraud-graph-use1": "us-east-1"}


def arn(cluster_id: str) -> str:
    region = {**IDENTITY, **FRAUD, "recs-graph-usw2": "us-west-2"}.get(cluster_id, "us-east-1")
    return cluster_arn(region, cluster_id)


def describe_global(np, gid: str) -> dict:
    resp = np.describe_global_clusters(GlobalClusterIdentifier=gid)
    ok_meta(resp)
    assert [g["GlobalClusterIdentifier"] for g in resp["GlobalClusters"]] == [gid]
    return resp["GlobalClusters"][0]


def writer_of(gc: dict) -> str:
    writers = [m["DBClusterArn"] for m in gc["GlobalClusterMembers"] if m["IsWriter"]]
    assert len(writers) == 1, f"{gc['GlobalClusterIdentifier']}: writers {writers}"
    return writers[0]


def assert_topology(gc: dict, writer: str, members: dict) -> None:
    assert {m["DBClusterArn"] for m in gc["GlobalClusterMembers"]} == {cluster_arn(r, c) for c, r in members.items()}
    assert writer_of(gc) == arn(writer)
    w = next(m for m in gc["GlobalClusterMembers"] if m["IsWriter"])
    # Readers: the ARNs of the read-only secondary clusters (on the writer's entry)
    assert sorted(w.get("Readers", [])) == sorted(arn(c) for c in members if c != writer)
    for m in gc["GlobalClusterMembers"]:
        if not m["IsWriter"]:
            assert not m.get("Readers"), m


def settled_global(np, gid: str) -> dict:
    def check():
        gc = describe_global(np, gid)
        return gc["Status"] == "available" and not gc.get("FailoverState") and gc
    return wait_until(check, SETTLE, what=f"global cluster {gid} to settle")


# --- reads ------------------------------------------------------------------------------------------

def test_describe_global_clusters(emulator):
    np = emulator.neptune("us-east-1")
    resp = np.describe_global_clusters()
    ok_meta(resp)
    by_id = {g["GlobalClusterIdentifier"]: g for g in resp["GlobalClusters"]}
    assert set(by_id) >= {"identity-graph", "fraud-graph"}
    ident = by_id["identity-graph"]
    assert ident["Status"] == "available"
    assert ident["Engine"] == "neptune"
    assert ident["EngineVersion"]
    assert ident["GlobalClusterArn"] == f"arn:aws:rds::{ACCOUNT}:global-cluster:identity-graph"
    assert ident["GlobalClusterResourceId"]
    assert not ident.get("FailoverState")
    assert_topology(ident, "identity-graph-use1", IDENTITY)
    assert_topology(by_id["fraud-graph"], "fraud-graph-euw1", FRAUD)
    assert describe_global(np, "fraud-graph")["GlobalClusterIdentifier"] == "fraud-graph"


def test_describe_db_clusters_returns_every_engine_without_filter(emulator):
    resp = emulator.neptune("us-east-1").describe_db_clusters()
    ok_meta(resp)
    engines = {c["DBClusterIdentifier"]: c["Engine"] for c in resp["DBClusters"]}
    assert engines.get("billing-aurora-use1") == "aurora-postgresql"
    assert engines.get("identity-graph-use1") == "neptune"
    assert engines.get("fraud-graph-use1") == "neptune"
    assert "recs-graph-usw2" not in engines, "DescribeDBClusters is region scoped"
    eu = {c["DBClusterIdentifier"]: c["Engine"] for c in emulator.neptune("eu-west-1").describe_db_clusters()["DBClusters"]}
    assert eu.get("ledger-docdb-euw1") == "docdb"


def test_describe_db_clusters_engine_filter(emulator):
    seen = {}
    for region in ("us-east-1", "us-west-2", "eu-west-1"):
        resp = emulator.neptune(region).describe_db_clusters(Filters=ENGINE_NEPTUNE)
        ok_meta(resp)
        for c in resp["DBClusters"]:
            assert c["Engine"] == "neptune", c["DBClusterIdentifier"]
            assert c["DBClusterArn"] == cluster_arn(region, c["DBClusterIdentifier"])
            assert c["Status"] == "available"
            for m in c.get("DBClusterMembers", []):
                assert isinstance(m["IsClusterWriter"], bool) and m["DBInstanceIdentifier"]
            seen[c["DBClusterIdentifier"]] = region
    assert seen == {**IDENTITY, **FRAUD, "recs-graph-usw2": "us-west-2"}


def test_describe_db_clusters_filter_values_are_alternatives(emulator):
    resp = emulator.neptune("eu-west-1").describe_db_clusters(Filters=[{"Name": "engine", "Values": ["neptune", "docdb"]}])
    engines = {c["DBClusterIdentifier"]: c["Engine"] for c in resp["DBClusters"]}
    assert engines.get("ledger-docdb-euw1") == "docdb"
    assert engines.get("identity-graph-euw1") == "neptune"
    assert set(engines.values()) <= {"neptune", "docdb"}


def test_describe_db_clusters_unknown_filter_is_refused(emulator):
    """RDS refuses a filter name it does not know ("Unrecognized filter name") instead of ignoring it,
    which would silently return every engine."""
    with pytest.raises(ClientError) as e:
        emulator.neptune("us-east-1").describe_db_clusters(Filters=[{"Name": "flavour", "Values": ["neptune"]}])
    assert_error(e, "InvalidParameterValue", 400, query=True)


def test_describe_db_cluster_by_id(emulator):
    resp = emulator.neptune("us-west-2").describe_db_clusters(DBClusterIdentifier="identity-graph-usw2")
    [c] = resp["DBClusters"]
    assert c["DBClusterIdentifier"] == "identity-graph-usw2"
    assert c["Engine"] == "neptune"
    if c.get("GlobalClusterIdentifier") is not None:
        assert c["GlobalClusterIdentifier"] == "identity-graph"


def test_describe_events_shape(emulator):
    resp = emulator.neptune("us-east-1").describe_events()
    ok_meta(resp)
    for e in resp.get("Events", []):
        assert e["SourceIdentifier"] and e["Message"]
        assert e["SourceType"] in ("db-instance", "db-parameter-group", "db-security-group", "db-snapshot",
                                   "db-cluster", "db-cluster-snapshot")
        assert e["Date"].tzinfo is not None


# --- errors that leave state untouched ------------------------------------------------------------

@pytest.fixture(scope="module")
def err_emu(start_module_emulator):
    return start_module_emulator("--topology", "default")


def test_allow_data_loss_with_switchover_is_invalid(err_emu):
    np = err_emu.neptune("us-east-1")
    # RDS/Neptune docs: AllowDataLoss "can't be specified together with the Switchover parameter".
    with pytest.raises(ClientError) as e:
        np.failover_global_cluster(GlobalClusterIdentifier="identity-graph", TargetDbClusterIdentifier=arn("identity-graph-usw2"),
                                   AllowDataLoss=True, Switchover=True)
    assert_error(e, "InvalidParameterCombination", 400, query=True)
    assert describe_global(np, "identity-graph")["Status"] == "available"


def test_global_cluster_not_found(err_emu):
    np = err_emu.neptune("us-east-1")
    with pytest.raises(ClientError) as e:
        np.describe_global_clusters(GlobalClusterIdentifier="no-such-global")
    assert_error(e, "GlobalClusterNotFoundFault", 404, query=True)
    with pytest.raises(ClientError) as e:
        np.failover_global_cluster(GlobalClusterIdentifier="no-such-global", TargetDbClusterIdentifier=arn("identity-graph-usw2"),
                                   AllowDataLoss=True)
    assert_error(e, "GlobalClusterNotFoundFault", 404, query=True)
    with pytest.raises(np.exceptions.GlobalClusterNotFoundFault):
        np.switchover_global_cluster(GlobalClusterIdentifier="no-such-global", TargetDbClusterIdentifier=arn("identity-graph-usw2"))


def test_db_cluster_not_found(err_emu):
    np = err_emu.neptune("us-east-1")
    with pytest.raises(ClientError) as e:
        np.describe_db_clusters(DBClusterIdentifier="no-such-cluster")
    assert_error(e, "DBClusterNotFoundFault", 404, query=True)
    with pytest.raises(ClientError) as e:
        np.failover_global_cluster(GlobalClusterIdentifier="identity-graph",
                                   TargetDbClusterIdentifier=cluster_arn("us-west-2", "no-such-cluster"), AllowDataLoss=True)
    assert_error(e, "DBClusterNotFoundFault", 404, query=True)
    with pytest.raises(np.exceptions.DBClusterNotFoundFault):
        np.switchover_global_cluster(GlobalClusterIdentifier="identity-graph",
                                     TargetDbClusterIdentifier=cluster_arn("us-west-2", "no-such-cluster"))
    assert describe_global(np, "identity-graph")["Status"] == "available"


# --- state machines ---------------------------------------------------------------------------------

def test_failover_global_cluster_allow_data_loss(fresh_emulator):
    np = fresh_emulator.neptune("us-east-1")
    resp = np.failover_global_cluster(GlobalClusterIdentifier="identity-graph",
                                      TargetDbClusterIdentifier=arn("identity-graph-usw2"), AllowDataLoss=True)
    ok_meta(resp)
    gc = resp["GlobalCluster"]
    assert gc["GlobalClusterIdentifier"] == "identity-graph"
    assert gc["Status"] == "failing-over"
    fs = gc["FailoverState"]
    assert fs["Status"] in ("pending", "failing-over")
    assert fs["FromDbClusterArn"] == arn("identity-graph-use1")
    assert fs["ToDbClusterArn"] == arn("identity-graph-usw2")
    assert fs["IsDataLossAllowed"] is True

    during = describe_global(np, "identity-graph")
    assert during["Status"] != "available" and during.get("FailoverState"), during

    with pytest.raises(ClientError) as e:
        np.failover_global_cluster(GlobalClusterIdentifier="identity-graph",
                                   TargetDbClusterIdentifier=arn("identity-graph-euw1"), AllowDataLoss=True)
    assert_error(e, "InvalidGlobalClusterStateFault", 400, query=True)
    with pytest.raises(ClientError) as e:
        np.switchover_global_cluster(GlobalClusterIdentifier="identity-graph", TargetDbClusterIdentifier=arn("identity-graph-euw1"))
    assert_error(e, "InvalidGlobalClusterStateFault", 400, query=True)

    after = settled_global(np, "identity-graph")
    assert_topology(after, "identity-graph-usw2", IDENTITY)
    assert_topology(describe_global(np, "fraud-graph"), "fraud-graph-euw1", FRAUD)

    # events about the failover on the clusters involved (RDS emits global failover events per
    # cluster; their exact wording is not documented for Neptune, so only their presence is checked)
    evs = []
    for cid in ("identity-graph-usw2",):
        r = fresh_emulator.neptune(IDENTITY[cid]).describe_events(SourceIdentifier=cid, SourceType="db-cluster")
        ok_meta(r)
        assert all(e["SourceIdentifier"] == cid and e["SourceType"] == "db-cluster" for e in r.get("Events", []))
        evs += r.get("Events", [])
    assert evs, "no db-cluster event recorded for the promoted cluster"


def test_failover_global_cluster_as_switchover(fresh_emulator):
    np = fresh_emulator.neptune("eu-west-1")
    resp = np.failover_global_cluster(GlobalClusterIdentifier="fraud-graph",
                                      TargetDbClusterIdentifier=arn("fraud-graph-use1"), Switchover=True)
    ok_meta(resp)
    gc = resp["GlobalCluster"]
    assert gc["Status"] != "available"
    fs = gc["FailoverState"]
    assert fs["FromDbClusterArn"] == arn("fraud-graph-euw1")
    assert fs["ToDbClusterArn"] == arn("fraud-graph-use1")
    assert fs["IsDataLossAllowed"] is False

    after = settled_global(np, "fraud-graph")
    assert_topology(after, "fraud-graph-use1", FRAUD)


def test_switchover_global_cluster(fresh_emulator):
    np = fresh_emulator.neptune("us-east-1")
    resp = np.switchover_global_cluster(GlobalClusterIdentifier="identity-graph",
                                        TargetDbClusterIdentifier=arn("identity-graph-euw1"))
    ok_meta(resp)
    gc = resp["GlobalCluster"]
    assert gc["GlobalClusterIdentifier"] == "identity-graph"
    assert gc["Status"] != "available"
    assert gc["FailoverState"]["ToDbClusterArn"] == arn("identity-graph-euw1")
    assert gc["FailoverState"]["IsDataLossAllowed"] is False

    with pytest.raises(ClientError) as e:
        np.switchover_global_cluster(GlobalClusterIdentifier="identity-graph", TargetDbClusterIdentifier=arn("identity-graph-usw2"))
    assert_error(e, "InvalidGlobalClusterStateFault", 400, query=True)

    after = settled_global(np, "identity-graph")
    assert_topology(after, "identity-graph-euw1", IDENTITY)
    # the cluster list agrees: every identity-graph cluster still available
    for cid, region in IDENTITY.items():
        [c] = fresh_emulator.neptune(region).describe_db_clusters(DBClusterIdentifier=cid)["DBClusters"]
        assert c["Status"] == "available"

    log = fresh_emulator.calls()
    log = log.get("calls", []) if isinstance(log, dict) else log
    assert any("SwitchoverGlobalCluster" in str(c) and "identity-graph" in str(c) for c in log), \
        "mutating call missing from /_emulator/calls"
