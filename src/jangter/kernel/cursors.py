"""Page cursors: an opaque, URL-safe token for "where the last page ended", and the one error a bad token gets."""

from __future__ import annotations

import base64
import json
from collections.abc import Callable
from typing import Any, TypeVar

from jangter.kernel.errors import DomainError

T = TypeVar("T")


def encode(position: Any) -> str:
    """A cursor for ``position`` (any JSON value: an offset, a sort key and an id, …)."""
    return base64.urlsafe_b64encode(json.dumps(position).encode()).decode().rstrip("=")


def decode(cursor: str, read: Callable[[Any], T]) -> T:
    """The position a cursor holds, as ``read`` makes it from the JSON value; a token that does not decode, or
    that ``read`` refuses (ValueError, TypeError, KeyError), is ``cursor_invalid`` (400)."""
    try:
        return read(json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))))
    except (ValueError, TypeError, KeyError) as exc:
        raise invalid() from exc


def invalid() -> DomainError:
    return DomainError(
        "cursor_invalid",
        "페이지 위치(cursor)가 올바르지 않습니다.",
        "The page cursor is not valid.",
        field="cursor",
        status=400,
    )
