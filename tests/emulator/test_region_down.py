"""A region that goes down (issue 17): `--faults region-down=R` at start and
`POST /_emulator/faults` at run time. Its endpoints close the connection unanswered, as an
unreachable AWS endpoint does to a browser; the other regions answer; a failover to a healthy
region, sent there, goes through; a Neptune switchover, which needs the writer, is refused."""
import pytest
from botocore.exceptions import ClientError, ConnectionClosedError, EndpointConnectionError

UNREACHABLE = (ConnectionClosedError, EndpointConnectionError)


def test_a_region_down_at_start_answers_nothing_and_the_others_answer(start_emulator):
    emu = start_emulator("--topology", "default", "--faults", "region-down=us-east-1")
    with pytest.raises(UNREACHABLE):
        emu.elasticache("us-east-1").describe_replication_groups()
    with pytest.raises(UNREACHABLE):
        emu.memorydb("us-east-1").describe_clusters()
    assert emu.elasticache("us-west-2").describe_replication_groups()["ReplicationGroups"]
    assert emu.neptune("eu-west-1").describe_global_clusters()["GlobalClusters"]
    r = emu.post_control("/_emulator/faults", {"regionDown": []})
    assert r.status == 200 and r.json() == {"regionDown": []}
    assert emu.elasticache("us-east-1").describe_replication_groups()["ReplicationGroups"]


def test_a_drill_takes_a_region_down_and_brings_it_back(start_emulator):
    emu = start_emulator("--topology", "default")
    r = emu.post_control("/_emulator/faults", {"regionDown": ["eu-west-1"]})
    assert r.status == 200 and r.json() == {"regionDown": ["eu-west-1"]}
    with pytest.raises(UNREACHABLE):
        emu.neptune("eu-west-1").describe_db_clusters()
    assert emu.post_control("/_emulator/faults", {"regionDown": ["nowhere"]}).status == 400
    emu.post_control("/_emulator/faults", {"regionDown": []})
    assert emu.neptune("eu-west-1").describe_db_clusters()["DBClusters"]


def test_a_global_datastore_fails_over_to_a_healthy_region_while_its_primary_region_is_down(start_emulator):
    emu = start_emulator("--topology", "default", "--faults", "region-down=us-east-1")
    usw2 = emu.elasticache("us-west-2")
    resp = usw2.failover_global_replication_group(
        GlobalReplicationGroupId="ldgnf-checkout-sessions", PrimaryRegion="us-west-2",
        PrimaryReplicationGroupId="checkout-sessions-usw2")
    assert resp["GlobalReplicationGroup"]["GlobalReplicationGroupId"] == "ldgnf-checkout-sessions"
    calls = [c for c in emu.calls() if c["action"] == "FailoverGlobalReplicationGroup"]
    assert [c["result"] for c in calls] == ["OK"]


def test_a_neptune_switchover_is_refused_while_the_writer_region_is_down_and_a_failover_goes_on(start_emulator):
    emu = start_emulator("--topology", "default", "--faults", "region-down=us-east-1")
    usw2 = emu.neptune("us-west-2")
    target = "arn:aws:rds:us-west-2:123456789012:cluster:identity-graph-usw2"
    with pytest.raises(ClientError) as e:
        usw2.switchover_global_cluster(GlobalClusterIdentifier="identity-graph", TargetDbClusterIdentifier=target)
    err = e.value.response["Error"]
    assert err["Code"] == "InvalidGlobalClusterStateFault"
    assert "us-east-1" in err["Message"]
    resp = usw2.failover_global_cluster(GlobalClusterIdentifier="identity-graph", TargetDbClusterIdentifier=target,
                                        AllowDataLoss=True)
    assert resp["GlobalCluster"]["GlobalClusterIdentifier"] == "identity-graph"
