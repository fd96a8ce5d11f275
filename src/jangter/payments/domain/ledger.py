"""What may be paid on a contract, and how each payment is split (koneps-rules §5, §6; issue #8 points 3 and 4).

A contract is paid in an advance (선금, at most the rule set's share of the amount and only against an
advance-payment guarantee), progress payments (기성) and one final payment (준공). The advance is settled out of the
later payments: each progress payment gives back the advance in proportion to the work it pays for (advance ×
payment ÷ contract amount, rounded down on the running total; [U] the 집행기준 formula is not in the reference), and
the final payment gives back whatever is left. The delay penalty (지체상금) is deducted from the final payment, as far
as it goes. Nothing is ever paid beyond the contract amount in force, and nothing after the final payment.

Each payment is split between the prime contractor, its subcontractors, labour and materials (하도급지킴이); the
parts add up to the payment, and no subcontractor is paid beyond its subcontract.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

from jangter.kernel.errors import Conflict, DomainError
from jangter.kernel.money import Rounding, require_won, round_won


class PaymentKind(StrEnum):
    ADVANCE = "advance"  # 선금
    PROGRESS = "progress"  # 기성
    FINAL = "final"  # 준공 (the last)


@dataclass(frozen=True)
class Paid:
    """A payment made: what was claimed for the work (``gross``), the advance it gave back and the delay penalty
    deducted from it."""

    kind: PaymentKind
    gross: int
    advance_returned: int = 0
    penalty: int = 0

    @property
    def net(self) -> int:
        """What went out of the agency's account."""
        return self.gross - self.advance_returned - self.penalty


@dataclass(frozen=True)
class Ledger:
    """The payments of one contract so far."""

    contract_amount: int
    advance_limit: int
    paid: tuple[Paid, ...] = ()

    @property
    def advance_paid(self) -> int:
        return sum(p.gross for p in self.paid if p.kind is PaymentKind.ADVANCE)

    @property
    def advance_outstanding(self) -> int:
        return self.advance_paid - sum(p.advance_returned for p in self.paid)

    @property
    def work_paid(self) -> int:
        """The value of the work paid for (progress and final payments, gross)."""
        return sum(p.gross for p in self.paid if p.kind is not PaymentKind.ADVANCE)

    @property
    def net_paid(self) -> int:
        """Everything that went out: advances, and work payments less the advance they gave back."""
        return sum(p.net for p in self.paid)

    @property
    def finished(self) -> bool:
        return any(p.kind is PaymentKind.FINAL for p in self.paid)

    @property
    def work_remaining(self) -> int:
        return self.contract_amount - self.work_paid


def _refuse(code: str, ko: str, en: str) -> Conflict:
    return Conflict(code, ko, en)


def next_payment(
    ledger: Ledger, kind: PaymentKind, gross: int, *, advance_guaranteed: bool = False, penalty: int = 0
) -> Paid:
    """The payment to make for a claim of ``gross`` won, with the advance it gives back; or a refusal that says why.

    The final payment is for all the work not yet paid (``gross`` must be exactly that); the delay ``penalty`` due
    is deducted from it as far as it goes (what it cannot cover is the contract deposit's business, not the
    ledger's)."""
    require_won(gross, "amount")
    if ledger.finished:
        raise _refuse("contract_paid", "준공금이 이미 지급되었습니다.", "The final payment has already been made.")
    if kind is PaymentKind.ADVANCE:
        if ledger.work_paid:
            raise _refuse(
                "advance_after_work",
                "기성금이 지급된 뒤에는 선금을 지급할 수 없습니다.",
                "No advance once work has been paid for.",
            )
        if not advance_guaranteed:
            raise _refuse(
                "advance_needs_guarantee",
                "선금은 선금급 보증서가 승인된 뒤에 지급합니다.",
                "An advance is paid only against an accepted advance-payment guarantee.",
            )
        if ledger.advance_paid + gross > ledger.advance_limit:
            raise DomainError(
                "advance_over_limit",
                f"선금 한도(₩{ledger.advance_limit:,})를 넘습니다. 이미 지급: ₩{ledger.advance_paid:,}.",
                f"Above the advance limit (₩{ledger.advance_limit:,}); already paid ₩{ledger.advance_paid:,}.",
                field="amount",
            )
        return Paid(kind, gross)
    if gross > ledger.work_remaining:
        raise DomainError(
            "over_contract_amount",
            f"계약금액을 넘습니다: 남은 금액은 ₩{ledger.work_remaining:,}입니다.",
            f"Above the contract amount: ₩{ledger.work_remaining:,} is left to pay.",
            field="amount",
        )
    if kind is PaymentKind.FINAL:
        if gross != ledger.work_remaining:
            raise DomainError(
                "final_not_remaining",
                f"준공금은 남은 금액 전부(₩{ledger.work_remaining:,})입니다.",
                f"The final payment is all that is left (₩{ledger.work_remaining:,}).",
                field="amount",
            )
        if penalty < 0:
            raise ValueError("penalty must not be negative")
        returned = ledger.advance_outstanding
        return Paid(kind, gross, returned, min(penalty, gross - returned))
    # Counted on the running total, so rounding never drifts: what is left of the advance is never more than the
    # work left to pay for, and the final payment never goes below zero.
    due_so_far = Decimal(ledger.advance_paid) * (ledger.work_paid + gross) / ledger.contract_amount
    returned_before = ledger.advance_paid - ledger.advance_outstanding
    returned = min(round_won(due_so_far, Rounding.FLOOR_WON) - returned_before, ledger.advance_outstanding)
    return Paid(kind, gross, max(0, returned))


def record(ledger: Ledger, payment: Paid) -> Ledger:
    return Ledger(ledger.contract_amount, ledger.advance_limit, (*ledger.paid, payment))


class Recipient(StrEnum):
    PRIME = "prime"  # 원도급자
    SUBCONTRACTOR = "subcontractor"  # 하도급자
    LABOUR = "labour"  # 노무비
    MATERIALS = "materials"  # 자재·장비 대금


@dataclass(frozen=True)
class Share:
    recipient: Recipient
    amount: int
    subcontract: str | None = None  # which subcontract, for a subcontractor's share


def with_prime(payment: int, shares: tuple[Share, ...]) -> tuple[Share, ...]:
    """The split as given; when it names no part for the prime, the prime gets what the others leave."""
    if any(share.recipient is Recipient.PRIME for share in shares):
        return shares
    rest = payment - sum(share.amount for share in shares if isinstance(share.amount, int))
    return (*shares, Share(Recipient.PRIME, rest)) if rest else shares


def check_split(payment: int, shares: Sequence[Share], subcontract_room: Mapping[str, int]) -> tuple[Share, ...]:
    """The split of one payment: every part a whole, non-negative amount of won, the parts adding up to the
    payment, each subcontractor's part within what its subcontract has left (``subcontract_room``)."""
    for share in shares:
        if isinstance(share.amount, bool) or not isinstance(share.amount, int) or share.amount < 0:
            raise DomainError(
                "share_invalid",
                "나눈 금액은 0원 이상의 정수여야 합니다.",
                "Each part must be whole won.",
                field="shares",
            )
        if (share.recipient is Recipient.SUBCONTRACTOR) != (share.subcontract is not None):
            raise DomainError(
                "share_invalid",
                "하도급 대금에는 하도급 계약을 지정해야 합니다.",
                "A subcontractor's part names its subcontract (and only it does).",
                field="shares",
            )
    total = sum(s.amount for s in shares)
    if total != payment:
        raise DomainError(
            "split_not_total",
            f"나눈 금액의 합(₩{total:,})이 지급액(₩{payment:,})과 다릅니다.",
            f"The parts add up to ₩{total:,}, not the payment's ₩{payment:,}.",
            field="shares",
        )
    per_subcontract: dict[str, int] = {}
    for share in shares:
        if share.subcontract is not None:
            per_subcontract[share.subcontract] = per_subcontract.get(share.subcontract, 0) + share.amount
    for subcontract, amount in per_subcontract.items():
        room = subcontract_room.get(subcontract)
        if room is None:
            raise DomainError(
                "subcontract_unknown",
                f"등록되지 않은 하도급 계약입니다: {subcontract}",
                f"No such subcontract: {subcontract}",
                field="shares",
            )
        if amount > room:
            raise DomainError(
                "over_subcontract",
                f"하도급 계약 {subcontract}의 남은 금액(₩{room:,})을 넘습니다.",
                f"Above what subcontract {subcontract} has left (₩{room:,}).",
                field="shares",
            )
    return tuple(shares)
