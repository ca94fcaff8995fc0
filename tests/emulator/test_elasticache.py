"""ElastiCache (Query/XML) through boto3: shapes, state machines, events and error codes."""

from __future__ import annotations

import re

import pytest
from botocore.exceptions import ClientError

from emu import ACCOUNT, assert_error, ok_meta, wait_until
from state_view import primary_node

CHECKOUT = "ldgnf-checkout-sessions"
PRICING = "ldgnf-pricing-cache"
SETTLE = 90  # seconds; generous, a scaled failover takes a few seconds


# --- helpers ------------------------------------------------------------------------------------

def describe_grg(ec, gid: str, show: bool = True) -> dict:
    resp = ec.describe_global_replication_groups(GlobalReplicationGroupId=gid, ShowMemberInfo=show)
    ok_meta(resp)
    groups = resp["GlobalReplicationGroups"]
    assert [g["GlobalReplicationGroupId"] for g in groups] == [gid]
    return groups[0]


def roles(grg: dict) -> dict:
    # The API reference says "primary or secondary"; the service sends the values CloudFormation
    # lists as allowed for the same field: PRIMARY | SECONDARY.
    for m in grg["Members"]:
        assert m["Role"] in ("PRIMARY", "SECONDARY"), m
    return {m["ReplicationGroupId"]: (m["ReplicationGroupRegion"], m["Role"].lower()) for m in grg["Members"]}


def describe_rg(ec, rgid: str) -> dict:
    resp = ec.describe_replication_groups(ReplicationGroupId=rgid)
    ok_meta(resp)
    assert [g["ReplicationGroupId"] for g in resp["ReplicationGroups"]] == [rgid]
    return resp["ReplicationGroups"][0]


def node_group(rg: dict, ngid: str) -> dict:
    found = [ng for ng in rg["NodeGroups"] if ng["NodeGroupId"] == ngid]
    assert len(found) == 1, f"node group {ngid} not in {[ng['NodeGroupId'] for ng in rg['NodeGroups']]}"
    return found[0]


def ng_primary(emu, rg: dict, ngid: str) -> str:
    """CacheClusterId of the node group's primary.

    The SDK docs say NodeGroupMember.CurrentRole is only filled for cluster-mode-disabled groups,
    so for cluster-mode-enabled groups without it we ask /_emulator/state.
    """
    members = node_group(rg, ngid)["NodeGroupMembers"]
    with_role = [m for m in members if m.get("CurrentRole")]
    if with_role:
        primaries = [m["CacheClusterId"] for m in members if m.get("CurrentRole") == "primary"]
        assert len(primaries) == 1, f"{rg['ReplicationGroupId']}/{ngid}: primaries {primaries}"
        assert all(m.get("CurrentRole") in ("primary", "replica") for m in members), members
        return primaries[0]
    assert rg.get("ClusterEnabled"), "cluster-mode-disabled group must report CurrentRole"
    p = primary_node(emu.state(), rg["ReplicationGroupId"], ngid, "elasticache")
    assert p, f"/_emulator/state does not say who is primary of {rg['ReplicationGroupId']}/{ngid}"
    return p


def events(ec, **kw) -> list:
    resp = ec.describe_events(**kw)
    ok_meta(resp)
    evs = list(resp.get("Events", []))
    while resp.get("Marker"):
        resp = ec.describe_events(Marker=resp["Marker"], **kw)
        evs += resp.get("Events", [])
    return evs


def chronological(evs: list) -> list:
    dates = [e["Date"] for e in evs]
    if dates != sorted(dates) and dates == sorted(dates, reverse=True):
        return list(reversed(evs))  # AWS lists newest first
    return evs


def assert_subsequence(found: list, expected: list, what: str) -> None:
    it = iter(found)
    missing = [e for e in expected if not any(e == f for f in it)]
    assert not missing, f"{what}: expected in order {expected}, got {found}"


# --- reads ----------------------------------------------------------------------------------------

def test_describe_global_replication_groups_with_member_info(emulator):
    ec = emulator.elasticache("us-east-1")
    resp = ec.describe_global_replication_groups(ShowMemberInfo=True)
    ok_meta(resp)
    by_id = {g["GlobalReplicationGroupId"]: g for g in resp["GlobalReplicationGroups"]}
    assert {CHECKOUT, PRICING} <= set(by_id)

    checkout = by_id[CHECKOUT]
    assert checkout["Status"] == "available"
    assert checkout["ClusterEnabled"] is True
    assert checkout["Engine"] in ("redis", "valkey")
    assert checkout["ARN"].startswith("arn:aws:elasticache:") and checkout["ARN"].endswith(CHECKOUT)
    assert roles(checkout) == {
        "checkout-sessions-use1": ("us-east-1", "primary"),
        "checkout-sessions-usw2": ("us-west-2", "secondary"),
        "checkout-sessions-euw1": ("eu-west-1", "secondary"),
    }
    for m in checkout["Members"]:
        assert m["Status"], m
        assert m["AutomaticFailover"] in ("enabled", "disabled", "enabling", "disabling")
    assert len(checkout["GlobalNodeGroups"]) == 3
    for gng in checkout["GlobalNodeGroups"]:
        assert gng["GlobalNodeGroupId"].startswith(CHECKOUT), gng
        assert re.fullmatch(r"\d+-\d+(,\d+-\d+)*", gng["Slots"]), gng

    assert roles(by_id[PRICING]) == {
        "pricing-cache-use1": ("us-east-1", "primary"),
        "pricing-cache-euw1": ("eu-west-1", "secondary"),
    }
    assert len(by_id[PRICING]["GlobalNodeGroups"]) == 2


def test_describe_global_replication_groups_without_member_info(emulator):
    ec = emulator.elasticache("us-east-1")
    grg = describe_grg(ec, CHECKOUT, show=False)
    assert not grg.get("Members"), "ShowMemberInfo=false must not return Members"
    assert grg["Status"] == "available"
    default = ec.describe_global_replication_groups(GlobalReplicationGroupId=CHECKOUT)
    assert not default["GlobalReplicationGroups"][0].get("Members"), "ShowMemberInfo defaults to false"


def test_describe_replication_groups_is_region_scoped(emulator):
    ids = {}
    for region in ("us-east-1", "us-west-2", "eu-west-1"):
        resp = emulator.elasticache(region).describe_replication_groups()
        ok_meta(resp)
        ids[region] = {g["ReplicationGroupId"] for g in resp["ReplicationGroups"]}
    assert {"checkout-sessions-use1", "pricing-cache-use1", "orders-queue"} <= ids["us-east-1"]
    assert {"checkout-sessions-usw2", "feature-flags", "reporting-cache"} <= ids["us-west-2"]
    assert {"checkout-sessions-euw1", "pricing-cache-euw1", "legacy-sessions"} <= ids["eu-west-1"]
    assert "feature-flags" not in ids["us-east-1"]
    assert "orders-queue" not in ids["us-west-2"] | ids["eu-west-1"]


def test_describe_replication_group_cluster_mode_enabled(emulator):
    ec = emulator.elasticache("us-east-1")
    rg = describe_rg(ec, "checkout-sessions-use1")
    assert rg["Status"] == "available"
    assert rg["ClusterEnabled"] is True
    assert rg["MultiAZ"] == "enabled"
    assert rg["AutomaticFailover"] == "enabled"
    assert rg["ARN"] == f"arn:aws:elasticache:us-east-1:{ACCOUNT}:replicationgroup:checkout-sessions-use1"
    info = rg["GlobalReplicationGroupInfo"]
    assert info["GlobalReplicationGroupId"] == CHECKOUT
    assert info["GlobalReplicationGroupMemberRole"].lower() == "primary"
    assert [ng["NodeGroupId"] for ng in rg["NodeGroups"]] == ["0001", "0002", "0003"]
    all_members = []
    for ng in rg["NodeGroups"]:
        assert ng["Status"] == "available"
        assert len(ng["NodeGroupMembers"]) == 3, ng
        azs = {m["PreferredAvailabilityZone"] for m in ng["NodeGroupMembers"]}
        assert len(azs) >= 2 and all(az.startswith("us-east-1") for az in azs), azs
        all_members += [m["CacheClusterId"] for m in ng["NodeGroupMembers"]]
        ng_primary(emulator, rg, ng["NodeGroupId"])
    assert sorted(rg["MemberClusters"]) == sorted(all_members)
    assert len(set(all_members)) == 9
    assert rg["ConfigurationEndpoint"]["Port"] > 0

    secondary = describe_rg(emulator.elasticache("eu-west-1"), "checkout-sessions-euw1")
    assert secondary["GlobalReplicationGroupInfo"]["GlobalReplicationGroupMemberRole"].lower() == "secondary"


def test_describe_replication_group_cluster_mode_disabled(emulator):
    rg = describe_rg(emulator.elasticache("us-west-2"), "feature-flags")
    assert rg["ClusterEnabled"] is False
    [ng] = rg["NodeGroups"]
    assert ng["NodeGroupId"] == "0001"
    assert ng["PrimaryEndpoint"]["Address"] and ng["PrimaryEndpoint"]["Port"] > 0
    assert sorted(m["CurrentRole"] for m in ng["NodeGroupMembers"]) == ["primary", "replica"]
    assert not rg.get("GlobalReplicationGroupInfo", {}).get("GlobalReplicationGroupId")


def test_describe_replication_groups_other_seeded_groups(emulator):
    orders = describe_rg(emulator.elasticache("us-east-1"), "orders-queue")
    assert len(orders["NodeGroups"]) == 4 and orders["MultiAZ"] == "enabled"
    assert not orders.get("GlobalReplicationGroupInfo", {}).get("GlobalReplicationGroupId")
    legacy = describe_rg(emulator.elasticache("eu-west-1"), "legacy-sessions")
    assert legacy["MultiAZ"] == "disabled"
    reporting = describe_rg(emulator.elasticache("us-west-2"), "reporting-cache")
    assert all(len(ng["NodeGroupMembers"]) == 1 for ng in reporting["NodeGroups"])


def test_describe_events_shape(emulator):
    resp = emulator.elasticache("us-east-1").describe_events(MaxRecords=100)
    ok_meta(resp)
    for e in resp.get("Events", []):
        assert e["SourceIdentifier"] and e["Message"]
        assert e["SourceType"] in ("cache-cluster", "replication-group", "cache-parameter-group",
                                   "cache-security-group", "cache-subnet-group", "user", "user-group",
                                   "serverless-cache", "serverless-cache-snapshot")
        assert e["Date"].tzinfo is not None


# --- errors that leave state untouched ---------------------------------------------------------------

@pytest.fixture(scope="module")
def err_emu(start_module_emulator):
    return start_module_emulator("--topology", "default")


def test_replication_group_not_found(err_emu):
    with pytest.raises(ClientError) as e:
        err_emu.elasticache("us-east-1").describe_replication_groups(ReplicationGroupId="no-such-group")
    assert_error(e, "ReplicationGroupNotFoundFault", 404, query=True)
    # a real group, asked in the wrong region
    with pytest.raises(ClientError) as e:
        err_emu.elasticache("us-west-2").describe_replication_groups(ReplicationGroupId="orders-queue")
    assert_error(e, "ReplicationGroupNotFoundFault", 404, query=True)
    with pytest.raises(ClientError) as e:
        err_emu.elasticache("us-east-1").test_failover(ReplicationGroupId="no-such-group", NodeGroupId="0001")
    assert_error(e, "ReplicationGroupNotFoundFault", 404, query=True)
    with pytest.raises(ClientError) as e:
        err_emu.elasticache("us-east-1").create_global_replication_group(
            GlobalReplicationGroupIdSuffix="ghost", PrimaryReplicationGroupId="no-such-group")
    assert_error(e, "ReplicationGroupNotFoundFault", 404, query=True)


def test_node_group_not_found(err_emu):
    with pytest.raises(ClientError) as e:
        err_emu.elasticache("us-east-1").test_failover(ReplicationGroupId="checkout-sessions-use1", NodeGroupId="0009")
    assert_error(e, "NodeGroupNotFoundFault", 404, query=True)


@pytest.mark.parametrize("region,group", [("eu-west-1", "legacy-sessions"), ("us-west-2", "reporting-cache")])
def test_test_failover_not_available(err_emu, region, group):
    with pytest.raises(ClientError) as e:
        err_emu.elasticache(region).test_failover(ReplicationGroupId=group, NodeGroupId="0001")
    assert_error(e, "TestFailoverNotAvailableFault", 400, query=True)
    assert describe_rg(err_emu.elasticache(region), group)["Status"] == "available"


def test_global_replication_group_not_found(err_emu):
    ec = err_emu.elasticache("us-east-1")
    with pytest.raises(ClientError) as e:
        ec.describe_global_replication_groups(GlobalReplicationGroupId="ldgnf-nope", ShowMemberInfo=True)
    assert_error(e, "GlobalReplicationGroupNotFoundFault", 404, query=True)
    with pytest.raises(ClientError) as e:
        ec.failover_global_replication_group(
            GlobalReplicationGroupId="ldgnf-nope", PrimaryRegion="us-west-2", PrimaryReplicationGroupId="checkout-sessions-usw2")
    assert_error(e, "GlobalReplicationGroupNotFoundFault", 404, query=True)


@pytest.mark.parametrize("region,group", [
    ("ap-south-1", "checkout-sessions-usw2"),     # region not in the datastore
    ("us-east-1", "orders-queue"),                # group not a member
    ("us-west-2", "checkout-sessions-euw1"),      # member, but not in that region
])
def test_failover_global_replication_group_invalid_parameter(err_emu, region, group):
    ec = err_emu.elasticache("us-east-1")
    with pytest.raises(ClientError) as e:
        ec.failover_global_replication_group(
            GlobalReplicationGroupId=CHECKOUT, PrimaryRegion=region, PrimaryReplicationGroupId=group)
    assert_error(e, "InvalidParameterValue", 400, query=True)
    assert describe_grg(ec, CHECKOUT)["Status"] == "available"


def test_create_global_replication_group_already_exists(err_emu):
    with pytest.raises(ClientError) as e:
        err_emu.elasticache("us-east-1").create_global_replication_group(
            GlobalReplicationGroupIdSuffix="checkout-sessions", PrimaryReplicationGroupId="orders-queue")
    assert_error(e, "GlobalReplicationGroupAlreadyExistsFault", 400, query=True)


def test_sdk_modeled_exception_classes(err_emu):
    """The codes map onto the SDK's modeled exception classes (error.code, not the shape name)."""
    ec = err_emu.elasticache("eu-west-1")
    with pytest.raises(ec.exceptions.TestFailoverNotAvailableFault):
        ec.test_failover(ReplicationGroupId="legacy-sessions", NodeGroupId="0001")
    with pytest.raises(ec.exceptions.ReplicationGroupNotFoundFault):
        ec.describe_replication_groups(ReplicationGroupId="nope")
    with pytest.raises(ec.exceptions.InvalidParameterValueException):
        err_emu.elasticache("us-east-1").failover_global_replication_group(
            GlobalReplicationGroupId=CHECKOUT, PrimaryRegion="ap-south-1", PrimaryReplicationGroupId="x")


# --- state machines ------------------------------------------------------------------------------

def test_create_global_replication_group(fresh_emulator):
    ec = fresh_emulator.elasticache("us-east-1")
    resp = ec.create_global_replication_group(
        GlobalReplicationGroupIdSuffix="orders", GlobalReplicationGroupDescription="orders, global",
        PrimaryReplicationGroupId="orders-queue")
    ok_meta(resp)
    grg = resp["GlobalReplicationGroup"]
    assert grg["GlobalReplicationGroupId"] == "ldgnf-orders"  # us-east-1 prefix + suffix
    assert grg["GlobalReplicationGroupDescription"] == "orders, global"
    assert grg["Status"] == "creating"
    assert roles(grg) == {"orders-queue": ("us-east-1", "primary")}

    # A datastore with only its primary settles as "primary-only" in AWS; accept "available" too.
    settled = wait_until(
        lambda: (g := describe_grg(ec, "ldgnf-orders"))["Status"] in ("primary-only", "available") and g,
        SETTLE, what="ldgnf-orders to settle")
    assert roles(settled) == {"orders-queue": ("us-east-1", "primary")}
    assert settled["ClusterEnabled"] is True
    assert len(settled["GlobalNodeGroups"]) == 4

    info = describe_rg(ec, "orders-queue")["GlobalReplicationGroupInfo"]
    assert info["GlobalReplicationGroupId"] == "ldgnf-orders"
    assert info["GlobalReplicationGroupMemberRole"].lower() == "primary"
    listed = {g["GlobalReplicationGroupId"] for g in ec.describe_global_replication_groups()["GlobalReplicationGroups"]}
    assert "ldgnf-orders" in listed

    # a group already in a datastore cannot found another one
    with pytest.raises(ClientError) as e:
        ec.create_global_replication_group(GlobalReplicationGroupIdSuffix="orders", PrimaryReplicationGroupId="orders-queue")
    assert e.value.response["Error"]["Code"] in ("GlobalReplicationGroupAlreadyExistsFault", "InvalidReplicationGroupState",
                                                  "InvalidParameterValue")


def test_failover_global_replication_group(fresh_emulator):
    ec = fresh_emulator.elasticache("us-east-1")
    before = describe_grg(ec, CHECKOUT)
    member_status = {m["ReplicationGroupId"]: m["Status"] for m in before["Members"]}

    resp = ec.failover_global_replication_group(
        GlobalReplicationGroupId=CHECKOUT, PrimaryRegion="us-west-2", PrimaryReplicationGroupId="checkout-sessions-usw2")
    ok_meta(resp)
    assert resp["GlobalReplicationGroup"]["GlobalReplicationGroupId"] == CHECKOUT
    assert resp["GlobalReplicationGroup"]["Status"] != "available", "failover must put the datastore in a transitional state"
    seen = describe_grg(ec, CHECKOUT)
    assert seen["Status"] != "available"

    # a second failover while the first runs
    with pytest.raises(ClientError) as e:
        ec.failover_global_replication_group(
            GlobalReplicationGroupId=CHECKOUT, PrimaryRegion="eu-west-1", PrimaryReplicationGroupId="checkout-sessions-euw1")
    assert_error(e, "InvalidGlobalReplicationGroupState", 400, query=True)

    settled = wait_until(lambda: (g := describe_grg(ec, CHECKOUT))["Status"] == "available" and g, SETTLE,
                         what="global datastore failover to settle")
    assert roles(settled) == {
        "checkout-sessions-use1": ("us-east-1", "secondary"),
        "checkout-sessions-usw2": ("us-west-2", "primary"),
        "checkout-sessions-euw1": ("eu-west-1", "secondary"),
    }
    assert {m["ReplicationGroupId"]: m["Status"] for m in settled["Members"]} == member_status

    new_primary = describe_rg(fresh_emulator.elasticache("us-west-2"), "checkout-sessions-usw2")
    assert new_primary["GlobalReplicationGroupInfo"]["GlobalReplicationGroupMemberRole"].lower() == "primary"
    old_primary = describe_rg(ec, "checkout-sessions-use1")
    assert old_primary["GlobalReplicationGroupInfo"]["GlobalReplicationGroupMemberRole"].lower() == "secondary"
    # the other datastore is untouched
    assert roles(describe_grg(ec, PRICING))["pricing-cache-use1"] == ("us-east-1", "primary")

    # and back again: the old primary is now a valid target
    ec.failover_global_replication_group(
        GlobalReplicationGroupId=CHECKOUT, PrimaryRegion="us-east-1", PrimaryReplicationGroupId="checkout-sessions-use1")
    back = wait_until(lambda: (g := describe_grg(ec, CHECKOUT))["Status"] == "available" and g, SETTLE,
                      what="failback to settle")
    assert roles(back)["checkout-sessions-use1"] == ("us-east-1", "primary")
    assert roles(back)["checkout-sessions-usw2"] == ("us-west-2", "secondary")



def _flatten_calls(calls) -> list:
    items = calls.get("calls", calls) if isinstance(calls, dict) else calls
    return [str(c) for c in items]


TEST_FAILOVER_EVENTS = [
    ("replication-group", r"Test Failover API called for node group (?P<ng>\S+)"),
    ("cache-cluster", r"Failover from primary node (?P<old>\S+) to replica node (?P<new>\S+) completed"),
    ("replication-group", r"Failover from primary node (?P<old>\S+) to replica node (?P<new>\S+) completed"),
    ("cache-cluster", r"Recovering cache nodes (?P<nodes>.+)"),
    ("cache-cluster", r"Finished recovery for cache nodes (?P<nodes>.+)"),
]


def match_sequence(evs: list, old: str, new: str, ngid: str) -> list:
    """Indices of the documented TestFailover events, in order; a list shorter than 5 if incomplete."""
    found, start = [], 0
    for source_type, pattern in TEST_FAILOVER_EVENTS:
        for i in range(start, len(evs)):
            e = evs[i]
            m = re.fullmatch(pattern, e["Message"].strip())
            if not m or e["SourceType"] != source_type:
                continue
            g = m.groupdict()
            if "ng" in g and g["ng"] != ngid:
                continue
            if "old" in g and (g["old"], g["new"]) != (old, new):
                continue
            found.append(i)
            start = i + 1
            break
        else:
            return found
    return found


def run_test_failover(emu, region: str, rgid: str, ngid: str, *, check_busy_ng: str | None = None):
    ec = emu.elasticache(region)
    before = describe_rg(ec, rgid)
    old = ng_primary(emu, before, ngid)

    resp = ec.test_failover(ReplicationGroupId=rgid, NodeGroupId=ngid)
    ok_meta(resp)
    rg = resp["ReplicationGroup"]
    assert rg["ReplicationGroupId"] == rgid
    assert node_group(rg, ngid)["NodeGroupMembers"], "response carries the node groups"
    observed = [(rg["Status"], node_group(rg, ngid)["Status"])]

    if check_busy_ng:
        # AWS: on the same replication group the first node replacement must complete first.
        with pytest.raises(ClientError) as e:
            ec.test_failover(ReplicationGroupId=rgid, NodeGroupId=check_busy_ng)
        assert_error(e, "InvalidReplicationGroupState", 400, query=True)

    def settled():
        g = describe_rg(ec, rgid)
        observed.append((g["Status"], node_group(g, ngid)["Status"]))
        return g["Status"] == "available" and all(n["Status"] == "available" for n in g["NodeGroups"]) and \
            len(match_sequence(chronological(events(ec)), old, ng_primary(emu, g, ngid), ngid)) == 5 and g

    after = wait_until(settled, SETTLE, what=f"TestFailover on {rgid}/{ngid} to settle with its 5 events")
    assert any(s != ("available", "available") for s in observed), f"no transitional status seen: {observed}"
    new = ng_primary(emu, after, ngid)
    assert new != old, f"{rgid}/{ngid}: primary still {old}"
    members = {m["CacheClusterId"] for m in node_group(before, ngid)["NodeGroupMembers"]}
    assert new in members, f"new primary {new} is not one of the node group's replicas {members}"
    for other in before["NodeGroups"]:
        if other["NodeGroupId"] != ngid:
            assert ng_primary(emu, after, other["NodeGroupId"]) == ng_primary(emu, before, other["NodeGroupId"])
    return ec, old, new


def test_test_failover_cluster_mode_enabled(fresh_emulator):
    ec, old, new = run_test_failover(fresh_emulator, "us-east-1", "checkout-sessions-use1", "0002", check_busy_ng="0003")

    evs = chronological(events(ec))
    idx = match_sequence(evs, old, new, "0002")
    assert len(idx) == 5, f"documented TestFailover sequence incomplete: {[evs[i]['Message'] for i in idx]} in {evs}"
    seq = [evs[i] for i in idx]
    assert seq[0]["SourceIdentifier"] == "checkout-sessions-use1"
    assert seq[2]["SourceIdentifier"] == "checkout-sessions-use1"
    for e in (seq[1], seq[3], seq[4]):
        assert e["SourceIdentifier"] in (old, new), e  # cache-cluster events name a node of that shard
    assert [e["Date"] for e in seq] == sorted(e["Date"] for e in seq)

    # filtered by source: only the replication group's own messages, still in order
    rg_only = chronological(events(ec, SourceIdentifier="checkout-sessions-use1", SourceType="replication-group"))
    assert all(e["SourceIdentifier"] == "checkout-sessions-use1" and e["SourceType"] == "replication-group" for e in rg_only)
    msgs = [e["Message"] for e in rg_only]
    assert_subsequence(msgs, ["Test Failover API called for node group 0002",
                              f"Failover from primary node {old} to replica node {new} completed"], "replication-group events")

    # filtered by type alone, and by a recent Duration (minutes), the cache-cluster messages are there
    cc = events(ec, SourceType="cache-cluster", Duration=5)
    assert all(e["SourceType"] == "cache-cluster" for e in cc)
    assert_subsequence([e["Message"] for e in chronological(cc)], [
        f"Failover from primary node {old} to replica node {new} completed",
        seq[3]["Message"], seq[4]["Message"]], "cache-cluster events")

    # once settled, another shard of the same group may be tested
    run_test_failover(fresh_emulator, "us-east-1", "checkout-sessions-use1", "0003")


def test_test_failover_cluster_mode_disabled(fresh_emulator):
    ec, old, new = run_test_failover(fresh_emulator, "us-west-2", "feature-flags", "0001")
    rg = describe_rg(ec, "feature-flags")
    roles_now = {m["CacheClusterId"]: m["CurrentRole"] for m in node_group(rg, "0001")["NodeGroupMembers"]}
    assert roles_now == {old: "replica", new: "primary"}
    calls = [c for c in _flatten_calls(fresh_emulator.calls()) if "TestFailover" in c]
    assert len(calls) == 1, calls


def test_test_failover_quota(start_emulator):
    emu = start_emulator("--topology", "default", "--test-failover-quota", "2")
    # different replication groups may be tested concurrently (AWS docs)
    ok_meta(emu.elasticache("us-east-1").test_failover(ReplicationGroupId="orders-queue", NodeGroupId="0001"))
    ok_meta(emu.elasticache("us-east-1").test_failover(ReplicationGroupId="pricing-cache-use1", NodeGroupId="0002"))
    # the quota is counted per Region: us-west-2 has its own
    ok_meta(emu.elasticache("us-west-2").test_failover(ReplicationGroupId="feature-flags", NodeGroupId="0001"))
    quota = emu.state()["elasticache"]["testFailoverQuota"]
    assert quota["usedByRegion"] == {"us-east-1": 2, "us-west-2": 1}, quota
    with pytest.raises(ClientError) as e:
        emu.elasticache("us-east-1").test_failover(ReplicationGroupId="checkout-sessions-use1", NodeGroupId="0001")
    assert_error(e, "APICallRateForCustomerExceeded", 400, query=True)
    with pytest.raises(emu.elasticache("us-east-1").exceptions.APICallRateForCustomerExceededFault):
        emu.elasticache("us-east-1").test_failover(ReplicationGroupId="checkout-sessions-use1", NodeGroupId="0002")
    assert describe_rg(emu.elasticache("us-east-1"), "checkout-sessions-use1")["Status"] == "available"


def test_time_scale_scales_durations(start_emulator):
    """--time-scale divides realistic durations: the same TestFailover settles ~4x sooner at 120 than at 30."""
    import time

    def settle_time(scale):
        emu = start_emulator("--topology", "default", time_scale=scale)
        ec = emu.elasticache("us-west-2")
        started = time.monotonic()
        ec.test_failover(ReplicationGroupId="feature-flags", NodeGroupId="0001")
        wait_until(lambda: describe_rg(ec, "feature-flags")["NodeGroups"][0]["Status"] == "available"
                   and describe_rg(ec, "feature-flags")["Status"] == "available", SETTLE, interval=0.05,
                   what=f"TestFailover at time scale {scale}")
        return time.monotonic() - started

    slow, fast = settle_time(30), settle_time(120)
    assert slow > 0.5, f"a TestFailover at time scale 30 settled in {slow:.2f}s: not a realistic duration"
    assert slow / fast > 2, f"time scale 30 took {slow:.2f}s, 120 took {fast:.2f}s"


def test_global_datastore_ids_carry_the_documented_prefix_of_the_primary_region(fresh_emulator):
    """AWS's 'Using global datastores (CLI)' page: eu-west-1's prefix is gxeiz, us-west-2's sgaui."""
    for region, group, expected in [("eu-west-1", "legacy-sessions", "gxeiz-legacy"), ("us-west-2", "feature-flags", "sgaui-flags")]:
        resp = fresh_emulator.elasticache(region).create_global_replication_group(
            GlobalReplicationGroupIdSuffix=expected.split("-", 1)[1], PrimaryReplicationGroupId=group)
        assert resp["GlobalReplicationGroup"]["GlobalReplicationGroupId"] == expected
