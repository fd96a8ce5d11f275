"""Canonical JSON: one byte string per value, so that hashes and signatures over documents are reproducible."""

from __future__ import annotations

import json
from typing import Any


def canonical_json(value: Any) -> bytes:
    """Sorted keys, no spaces, UTF-8 (not ASCII-escaped). Floats are refused: amounts are integers."""
    return json.dumps(
        value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False, default=_refuse
    ).encode("utf-8")


def _refuse(value: object) -> Any:
    raise TypeError(f"not canonical JSON: {type(value).__name__}")
