"""Pagination (Marker / NextToken and the SDK paginators) on a large topology, and injected faults."""

from __future__ import annotations

import time

import pytest
from botocore.exceptions import ClientError

from emu import assert_error, ok_meta

ENGINE_NEPTUNE = [{"Name": "engine", "Values": ["neptune"]}]


@pytest.fixture(scope="module")
def large(start_module_emulator):
    return start_module_emulator("--topology", "large:30")


def walk(call, list_key: str, in_token: str, out_token: str, page_size_key: str, page_size: int, **kw):
    """Follow the continuation token by hand; return (items, number of pages)."""
    items, pages, token, seen_tokens = [], 0, None, set()
    while True:
        args = dict(kw, **{page_size_key: page_size})
        if token:
            args[in_token] = token
        resp = call(**args)
        ok_meta(resp)
        page = resp.get(list_key, [])
        pages += 1
        assert len(page) <= page_size, f"page of {len(page)} > {page_size_key}={page_size}"
        items += page
        token = resp.get(out_token)
        if not token:
            return items, pages
        assert page, "an empty page must not carry a continuation token"
        assert token not in seen_tokens, "continuation token repeats: the walk would loop"
        seen_tokens.add(token)
        assert pages < 1000


def assert_walk(call, list_key, id_key, in_token, out_token, size_key, small, big, multi_page=True, **kw):
    small_items, small_pages = walk(call, list_key, in_token, out_token, size_key, small, **kw)
    big_items, _ = walk(call, list_key, in_token, out_token, size_key, big, **kw)
    ids = [i[id_key] for i in small_items]
    assert len(ids) == len(set(ids)), f"duplicates across pages: {sorted(i for i in ids if ids.count(i) > 1)[:10]}"
    assert ids == [i[id_key] for i in big_items], "the same list must come back whatever the page size"
    assert small_pages == max(1, -(-len(ids) // small)), f"{len(ids)} items came in {small_pages} pages of {small}"
    assert small_pages >= 2 or not multi_page, f"only {len(ids)} items: the large topology must need several pages of {small}"
    return ids


def test_elasticache_replication_groups_marker(large):
    ec = large.elasticache("us-east-1")
    # ElastiCache MaxRecords: minimum 20, maximum 100
    ids = assert_walk(ec.describe_replication_groups, "ReplicationGroups", "ReplicationGroupId", "Marker", "Marker",
                      "MaxRecords", 20, 100)
    assert {"checkout-sessions-use1", "orders-queue"} <= set(ids)
    paginated = [g["ReplicationGroupId"] for page in ec.get_paginator("describe_replication_groups").paginate(
        PaginationConfig={"PageSize": 20}) for g in page["ReplicationGroups"]]
    assert paginated == ids
    built = ec.get_paginator("describe_replication_groups").paginate(PaginationConfig={"PageSize": 20}).build_full_result()
    assert [g["ReplicationGroupId"] for g in built["ReplicationGroups"]] == ids


def test_elasticache_global_replication_groups_marker(large):
    ec = large.elasticache("us-east-1")
    # make sure there are more than 20 datastores: found new ones from groups in none
    existing, _ = walk(ec.describe_global_replication_groups, "GlobalReplicationGroups", "Marker", "Marker", "MaxRecords", 100)
    free = (g["ReplicationGroupId"] for g in walk(ec.describe_replication_groups, "ReplicationGroups", "Marker", "Marker",
                                                  "MaxRecords", 100)[0]
            if g["ReplicationGroupId"].startswith("load-") and not g.get("GlobalReplicationGroupInfo", {}).get("GlobalReplicationGroupId"))
    for i in range(len(existing), 25):
        rgid = next(free)
        ok_meta(ec.create_global_replication_group(GlobalReplicationGroupIdSuffix=f"pg-{rgid}", PrimaryReplicationGroupId=rgid))
    ids = assert_walk(ec.describe_global_replication_groups, "GlobalReplicationGroups", "GlobalReplicationGroupId",
                      "Marker", "Marker", "MaxRecords", 20, 100, ShowMemberInfo=True)
    assert len(ids) >= 25
    assert {"ldgnf-checkout-sessions", "ldgnf-pricing-cache"} <= set(ids)
    paginated = [g["GlobalReplicationGroupId"] for page in ec.get_paginator("describe_global_replication_groups").paginate(
        ShowMemberInfo=True, PaginationConfig={"PageSize": 20}) for g in page["GlobalReplicationGroups"]]
    assert paginated == ids


def test_elasticache_max_records_bounds(large):
    """MaxRecords outside 20..100 is refused (ElastiCache API reference: minimum 20, maximum 100)."""
    ec = large.elasticache("us-east-1")
    for call in (lambda: ec.describe_replication_groups(MaxRecords=5),
                 lambda: ec.describe_replication_groups(MaxRecords=101),
                 lambda: ec.describe_events(MaxRecords=19)):
        with pytest.raises(ClientError) as e:
            call()
        assert_error(e, "InvalidParameterValue", 400, query=True)


def test_neptune_max_records_bounds(large):
    """Neptune DescribeDBClusters / DescribeGlobalClusters: "Constraints: Minimum 20, maximum 100"."""
    np = large.neptune("us-east-1")
    for call in (lambda: np.describe_db_clusters(MaxRecords=5, Filters=ENGINE_NEPTUNE),
                 lambda: np.describe_global_clusters(MaxRecords=101)):
        with pytest.raises(ClientError) as e:
            call()
        assert_error(e, "InvalidParameterValue", 400, query=True)


def test_neptune_db_clusters_marker(large):
    np = large.neptune("us-east-1")
    ids = assert_walk(np.describe_db_clusters, "DBClusters", "DBClusterIdentifier", "Marker", "Marker", "MaxRecords",
                      20, 100, Filters=ENGINE_NEPTUNE)
    assert "identity-graph-use1" in ids and "billing-aurora-use1" not in ids
    paginated = [c["DBClusterIdentifier"] for page in np.get_paginator("describe_db_clusters").paginate(
        Filters=ENGINE_NEPTUNE, PaginationConfig={"PageSize": 20}) for c in page["DBClusters"]]
    assert paginated == ids
    everything, _ = walk(np.describe_db_clusters, "DBClusters", "Marker", "Marker", "MaxRecords", 20)
    assert set(ids) < {c["DBClusterIdentifier"] for c in everything}


def test_neptune_global_clusters_marker(large):
    np = large.neptune("us-east-1")
    ids = assert_walk(np.describe_global_clusters, "GlobalClusters", "GlobalClusterIdentifier", "Marker", "Marker",
                      "MaxRecords", 20, 100)
    assert {"identity-graph", "fraud-graph"} <= set(ids)
    paginated = [g["GlobalClusterIdentifier"] for page in np.get_paginator("describe_global_clusters").paginate(
        PaginationConfig={"PageSize": 20}) for g in page["GlobalClusters"]]
    assert paginated == ids


def test_memorydb_clusters_next_token(large):
    mdb = large.memorydb("us-east-1")
    ids = assert_walk(mdb.describe_clusters, "Clusters", "Name", "NextToken", "NextToken", "MaxResults", 10, 100,
                      ShowShardDetails=True)
    assert "payments-ledger" in ids
    paginated = [c["Name"] for page in mdb.get_paginator("describe_clusters").paginate(
        ShowShardDetails=True, PaginationConfig={"PageSize": 10}) for c in page["Clusters"]]
    assert paginated == ids


def test_events_pagination_when_there_are_pages(large):
    ec = large.elasticache("us-east-1")
    events, _ = walk(ec.describe_events, "Events", "Marker", "Marker", "MaxRecords", 20)
    keys = [(e["SourceIdentifier"], e["Date"], e["Message"]) for e in events]
    assert len(keys) == len(set(keys))
    built = ec.get_paginator("describe_events").paginate(PaginationConfig={"PageSize": 20}).build_full_result()
    assert [(e["SourceIdentifier"], e["Date"], e["Message"]) for e in built.get("Events", [])] == keys
    mdb = large.memorydb("us-east-1")
    mevents, _ = walk(mdb.describe_events, "Events", "NextToken", "NextToken", "MaxResults", 5)
    mkeys = [(e["SourceName"], e["Date"], e["Message"]) for e in mevents]
    assert len(mkeys) == len(set(mkeys))


# --- faults ---------------------------------------------------------------------------------------------

def test_throttle_faults_hit_reads_not_mutations(start_emulator):
    emu = start_emulator("--topology", "default", "--faults", "throttle=1.0")
    with pytest.raises(ClientError) as e:
        emu.elasticache("us-east-1").describe_replication_groups()
    assert_error(e, "Throttling", 400, query=True)
    with pytest.raises(ClientError) as e:
        emu.neptune("us-east-1").describe_db_clusters(Filters=ENGINE_NEPTUNE)
    assert_error(e, "Throttling", 400, query=True)
    with pytest.raises(ClientError) as e:
        emu.memorydb("us-east-1").describe_clusters()
    assert_error(e, "ThrottlingException", 400)

    resp = emu.elasticache("us-west-2").test_failover(ReplicationGroupId="feature-flags", NodeGroupId="0001")
    ok_meta(resp)
    assert resp["ReplicationGroup"]["ReplicationGroupId"] == "feature-flags"
    resp = emu.memorydb("us-east-1").failover_shard(ClusterName="payments-ledger", ShardName="0001")
    ok_meta(resp)
    assert resp["Cluster"]["Name"] == "payments-ledger"


def test_server_error_faults(start_emulator):
    emu = start_emulator("--topology", "default", "--faults", "error5xx=1.0")
    with pytest.raises(ClientError) as e:
        emu.elasticache("us-east-1").describe_replication_groups()
    assert 500 <= e.value.response["ResponseMetadata"]["HTTPStatusCode"] < 600
    assert e.value.response["Error"]["Code"]
    with pytest.raises(ClientError) as e:
        emu.memorydb("us-east-1").describe_clusters()
    assert 500 <= e.value.response["ResponseMetadata"]["HTTPStatusCode"] < 600


def test_latency_fault(start_emulator):
    emu = start_emulator("--topology", "default", "--faults", "latency=300ms")
    for call in (lambda: emu.elasticache("us-east-1").describe_replication_groups(),
                 lambda: emu.neptune("us-east-1").describe_global_clusters(),
                 lambda: emu.memorydb("us-east-1").describe_clusters()):
        started = time.monotonic()
        ok_meta(call())
        elapsed = time.monotonic() - started
        assert elapsed >= 0.3, f"read answered in {elapsed:.3f}s with latency=300ms"
        assert elapsed < 5
    assert emu.health().status == 200


def test_garbage_continuation_token_is_a_client_error(large):
    """An unreadable Marker / NextToken is the caller's mistake: 400, never a 500 or a silent first page.
    (AWS answers InvalidParameterValue for ElastiCache/RDS markers; the exact code is not documented.)"""
    with pytest.raises(ClientError) as e:
        large.elasticache("us-east-1").describe_replication_groups(Marker="not-a-marker", MaxRecords=20)
    assert e.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400
    assert e.value.response["Error"]["Code"] in ("InvalidParameterValue", "InvalidParameterCombination")
    with pytest.raises(ClientError) as e:
        large.neptune("us-east-1").describe_db_clusters(Marker="not-a-marker", MaxRecords=20)
    assert e.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400
    with pytest.raises(ClientError) as e:
        large.memorydb("us-east-1").describe_clusters(NextToken="not-a-token", MaxResults=10)
    assert e.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400
    assert e.value.response["Error"]["Code"] in ("InvalidParameterValueException", "InvalidParameterCombinationException",
                                                 "ValidationException")
