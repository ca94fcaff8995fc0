"""A region that goes down (issue 17): `--faults region-down=R` at start and
`POST /_emulator/faults` at run time. Its endpoints close the connection unanswered, as an
unreachable AWS endpoint does to a browser; the other regions answer; a failover to a healthy
region, sent there, goes through; a Neptune switchover, which needs the writer, is refused."""
import pytest
import time

from botocore.config import Config
from botocore.exceptions import ClientError, ConnectionClosedError, EndpointConnectionError, ReadTimeoutError

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
    assert r.status == 200 and r.json() == {"regionDown": [], "regionHang": []}
    assert emu.elasticache("us-east-1").describe_replication_groups()["ReplicationGroups"]


def test_a_drill_takes_a_region_down_and_brings_it_back(start_emulator):
    emu = start_emulator("--topology", "default")
    r = emu.post_control("/_emulator/faults", {"regionDown": ["eu-west-1"]})
    assert r.status == 200 and r.json() == {"regionDown": ["eu-west-1"], "regionHang": []}
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


def test_a_hanging_region_holds_calls_until_the_client_gives_up(start_emulator):
    """`region-hang`: a black-holed endpoint. The call is neither answered nor closed, so the
    client's own timeout ends it; the other regions answer at once meanwhile."""
    emu = start_emulator("--topology", "default", "--faults", "region-hang=us-east-1")
    impatient = Config(read_timeout=1, connect_timeout=1, retries={"max_attempts": 0})
    started = time.monotonic()
    with pytest.raises(ReadTimeoutError):
        emu.client("elasticache", "us-east-1", config=impatient).describe_replication_groups()
    assert time.monotonic() - started >= 0.9
    assert emu.elasticache("us-west-2").describe_replication_groups()["ReplicationGroups"]
    # A switchover needs the writer: refused while its region hangs, as while it is down.
    with pytest.raises(ClientError) as e:
        emu.neptune("us-west-2").switchover_global_cluster(
            GlobalClusterIdentifier="identity-graph",
            TargetDbClusterIdentifier="arn:aws:rds:us-west-2:123456789012:cluster:identity-graph-usw2")
    assert e.value.response["Error"]["Code"] == "InvalidGlobalClusterStateFault"
    r = emu.post_control("/_emulator/faults", {"regionHang": []})
    assert r.json() == {"regionDown": [], "regionHang": []}
    assert emu.elasticache("us-east-1").describe_replication_groups()["ReplicationGroups"]
    r = emu.post_control("/_emulator/faults", {"regionHang": ["eu-west-1"], "regionDown": ["us-east-1"]})
    assert r.json() == {"regionDown": ["us-east-1"], "regionHang": ["eu-west-1"]}
    assert emu.post_control("/_emulator/faults", {"regionHang": "eu-west-1"}).status == 400
