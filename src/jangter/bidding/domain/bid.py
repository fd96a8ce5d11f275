"""The states of a bid and the one rule about its picks that the opening checks.

A bid is an amount in won and the bidder's picks among the preliminary-price slots (koneps-rules §3.2: 2 of 15),
sealed in an envelope (``envelope.py``) whose content (``content.py``) only the opening can read.
"""

from __future__ import annotations

from collections.abc import Sequence
from enum import StrEnum

from jangter.kernel.errors import DomainError


class BidStatus(StrEnum):
    SEALED = "sealed"  # received, content unread
    VALID = "valid"  # opened and valid
    INVALID = "invalid"  # opened and refused (with a reason and the evidence)


BID_STATUS_LABELS: dict[BidStatus, tuple[str, str]] = {
    BidStatus.SEALED: ("봉인", "Sealed"),
    BidStatus.VALID: ("유효", "Valid"),
    BidStatus.INVALID: ("무효", "Invalid"),
}


def validate_picks(picks: Sequence[object], *, slots: int, picks_per_bid: int) -> tuple[int, ...]:
    """Exactly ``picks_per_bid`` different slot numbers from 1 to ``slots``."""
    if (
        len(picks) != picks_per_bid
        or any(isinstance(p, bool) or not isinstance(p, int) or not 1 <= p <= slots for p in picks)
        or len(set(picks)) != len(picks)
    ):
        raise DomainError(
            "picks_invalid",
            f"예비가격은 1번부터 {slots}번 중 서로 다른 {picks_per_bid}개를 선택하십시오.",
            f"Choose exactly {picks_per_bid} different preliminary-price slots from 1 to {slots}.",
            field="picks",
        )
    return tuple(sorted(p for p in picks if isinstance(p, int)))
