"""Records: a process's releases and the compiled release that merges them (the OCDS merge routine, simplified).

The merge follows the standard's rules for the data Jangter publishes: objects merge field by field, later
releases win; an array of objects that all have an ``id`` merges its items by ``id`` (parties, amendments, bids,
awards, contracts, transactions, guarantees, preliminary prices); any other array (tags, roles, picks, submission
methods) is replaced whole. Release-level ``id`` and ``tag`` are not merged: the compiled release has its own.
No third-party merge library is needed (and none fetches the schema from the network at run time).
"""

from __future__ import annotations

import copy
from collections.abc import Sequence
from typing import Any

#: Fields of a release that belong to the release, not to the process.
_RELEASE_ONLY = {"id", "tag"}


def _identified(items: list[Any]) -> bool:
    return bool(items) and all(isinstance(i, dict) and "id" in i for i in items)


def merge_value(old: Any, new: Any) -> Any:
    if isinstance(old, dict) and isinstance(new, dict):
        out = dict(old)
        for key, value in new.items():
            out[key] = merge_value(out.get(key), value) if key in out else copy.deepcopy(value)
        return out
    if isinstance(old, list) and isinstance(new, list) and _identified(old) and _identified(new):
        merged: dict[str, Any] = {str(i["id"]): i for i in old}
        for item in new:
            key = str(item["id"])
            merged[key] = merge_value(merged[key], item) if key in merged else copy.deepcopy(item)
        return list(merged.values())
    return copy.deepcopy(new)


def compile_releases(releases: Sequence[dict[str, Any]]) -> dict[str, Any]:
    """The compiled release of a process (releases oldest first, all of one ocid)."""
    if not releases:
        raise ValueError("a record needs at least one release")
    compiled: dict[str, Any] = {}
    for release in releases:
        body = {k: v for k, v in release.items() if k not in _RELEASE_ONLY}
        compiled = merge_value(compiled, body)
    last = releases[-1]
    compiled["id"] = f"{last['ocid']}-compiled"
    compiled["tag"] = ["compiled"]
    compiled["date"] = last["date"]
    return compiled


def record(releases: Sequence[dict[str, Any]]) -> dict[str, Any]:
    """One process's record: every release in full, and the compiled release."""
    return {
        "ocid": releases[0]["ocid"],
        "releases": [copy.deepcopy(r) for r in releases],
        "compiledRelease": compile_releases(releases),
    }
