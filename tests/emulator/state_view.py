"""Reading /_emulator/state without depending on its exact layout: find a resource and its primary node."""

from __future__ import annotations

import re

_ID_KEYS = re.compile(r"^(id|name|identifier|.*(_id|Id|_name|Name|Identifier))$")
_CHILD_KEYS = re.compile(r"(node_?groups|shards|nodeGroups|NodeGroups|Shards)", re.I)


def _walk(obj):
    if isinstance(obj, dict):
        yield obj
        for v in obj.values():
            yield from _walk(v)
    elif isinstance(obj, list):
        for v in obj:
            yield from _walk(v)


def _ids(d: dict) -> set:
    return {v for k, v in d.items() if isinstance(v, str) and _ID_KEYS.match(k)}


def find_resource(state, ident: str, service_hint: str | None = None) -> dict | None:
    """The dict describing the resource named `ident` (a replication group, cluster, shard...)."""
    scope = state
    if service_hint and isinstance(state, dict):
        for k, v in state.items():
            if service_hint.lower() in k.lower():
                scope = v
                break
    best = None
    for d in _walk(scope):
        if ident in _ids(d):
            # prefer the largest match (the resource itself, not a reference to it)
            if best is None or len(repr(d)) > len(repr(best)):
                best = d
    return best


def find_child(resource: dict, child_id: str) -> dict | None:
    for k, v in resource.items():
        if _CHILD_KEYS.search(k):
            items = v.values() if isinstance(v, dict) else v
            if isinstance(v, dict) and child_id in v and isinstance(v[child_id], dict):
                return v[child_id]
            for item in items:
                if isinstance(item, dict) and any(i == child_id or i.endswith("-" + child_id) for i in _ids(item)):
                    return item
    for d in _walk(resource):
        if d is not resource and any(i == child_id for i in _ids(d)):
            return d
    return None


def primary_node(state, resource_id: str, shard_id: str, service_hint: str | None = None) -> str | None:
    """Name of the node that is primary of `shard_id` in `resource_id`, as the emulator state says."""
    res = find_resource(state, resource_id, service_hint)
    if res is None:
        return None
    shard = find_child(res, shard_id)
    if shard is None:
        return None
    for k, v in shard.items():
        if re.fullmatch(r"(primary|primary_?node(_?id|_?name)?|primaryNode(Id|Name)?|Primary(Node)?(Id|Name)?|primary_?cache_?cluster_?id|PrimaryClusterId)", k, re.I) and isinstance(v, str):
            return v
    for d in _walk(shard):
        role = str(d.get("role", d.get("Role", d.get("current_role", d.get("CurrentRole", ""))))).lower()
        is_primary = d.get("primary", d.get("is_primary", d.get("isPrimary")))
        if role == "primary" or is_primary is True:
            ids = sorted(_ids(d), key=len, reverse=True)
            if ids:
                return ids[0]
    return None
