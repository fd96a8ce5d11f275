"""State machines as data: a table of (state, action) → next state, and one way to refuse what it does not allow
(notices, contracts, guarantees)."""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum
from typing import TypeVar

from jangter.kernel.errors import Conflict

S = TypeVar("S", bound=StrEnum)
A = TypeVar("A", bound=StrEnum)


def step(
    table: Mapping[tuple[S, A], S],
    status: S,
    action: A,
    *,
    kind: str,
    noun: tuple[str, str],
    status_labels: Mapping[S, tuple[str, str]],
    action_labels: Mapping[A, tuple[str, str]],
) -> S:
    """The next state, or a refusal with a stable code (``<kind>_cannot_<action>``) that says which state forbids
    the action. ``noun`` is the thing in Korean with its particle (공고는, 계약은) and in English (notice)."""
    try:
        return table[(status, action)]
    except KeyError:
        status_ko, status_en = status_labels[status]
        action_ko, action_en = action_labels[action]
        raise Conflict(
            f"{kind}_cannot_{action.value}",
            f"'{status_ko}' 상태의 {noun[0]} {action_ko}할 수 없습니다.",
            f"You cannot {action_en} a {noun[1]} that is '{status_en}'.",
        ) from None
