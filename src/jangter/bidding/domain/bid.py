"""What a bid holds and how its content is fixed.

A bid is an amount in won and the bidder's picks among the preliminary-price slots (koneps-rules §3.2: 2 of
15). The content travels as a payload whose SHA-256 the receipt carries. A random salt inside the payload
keeps that hash from revealing the amount by trial (the space of amounts and picks is small enough to search).

Payload format ``plain-v0``: canonical JSON, kept unreadable by every interface until the opening. The
cryptographic envelope (HPKE to the notice's opening key, issue #4) replaces it with ciphertext; the rest of
the bid's journey stays the same.
"""

from __future__ import annotations

import base64
import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

from jangter.kernel.errors import DomainError
from jangter.kernel.money import require_won

PLAIN_V0 = "plain-v0"
SALT_BYTES = 16


class BidStatus(StrEnum):
    SEALED = "sealed"  # received, content unread
    VALID = "valid"  # opened and valid
    INVALID = "invalid"  # opened and refused (with a reason)


BID_STATUS_LABELS: dict[BidStatus, tuple[str, str]] = {
    BidStatus.SEALED: ("봉인", "Sealed"),
    BidStatus.VALID: ("유효", "Valid"),
    BidStatus.INVALID: ("무효", "Invalid"),
}


@dataclass(frozen=True)
class BidContent:
    amount: int
    picks: tuple[int, ...]
    salt: bytes


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


def validate_content(
    amount: object, picks: Sequence[object], *, slots: int, picks_per_bid: int, salt: bytes
) -> BidContent:
    return BidContent(
        amount=require_won(amount, "amount"),
        picks=validate_picks(picks, slots=slots, picks_per_bid=picks_per_bid),
        salt=salt,
    )


def encode_payload(content: BidContent) -> bytes:
    document = {
        "amount": content.amount,
        "format": PLAIN_V0,
        "picks": list(content.picks),
        "salt": base64.b64encode(content.salt).decode("ascii"),
    }
    return json.dumps(document, sort_keys=True, separators=(",", ":")).encode("utf-8")


class PayloadError(ValueError):
    """The stored payload cannot be read (recorded as an invalid bid with the reason)."""


def decode_payload(payload: bytes) -> BidContent:
    try:
        document = json.loads(payload)
        if document.get("format") != PLAIN_V0:
            raise PayloadError(f"unknown payload format {document.get('format')!r}")
        amount = document["amount"]
        picks = tuple(document["picks"])
        salt = base64.b64decode(document["salt"], validate=True)
    except (ValueError, KeyError, TypeError) as exc:
        raise PayloadError(f"unreadable payload: {exc}") from exc
    if isinstance(amount, bool) or not isinstance(amount, int) or amount <= 0:
        raise PayloadError("amount is not a positive whole number of won")
    if not all(isinstance(p, int) and not isinstance(p, bool) for p in picks):
        raise PayloadError("picks are not slot numbers")
    return BidContent(amount=amount, picks=picks, salt=salt)


def content_hash(payload: bytes) -> str:
    return hashlib.sha256(payload).hexdigest()
