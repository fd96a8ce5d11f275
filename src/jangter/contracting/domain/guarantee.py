"""Electronic guarantees as data: kinds, states, and what an issued guarantee must match (koneps-rules §5; DESIGN §2).

``requested → issued → accepted | rejected``; ``accepted → released | claimed``. The firm asks an institution for a
guarantee quoting the contract; the institution sends it straight to Jangter (never through the firm, so it cannot
be forged); the agency accepts or rejects it.

When a contract ends, each guarantee it holds is released or claimed at once (``settle``): the contract deposit is
claimed (국고귀속) only when the contract is terminated for the firm's fault, the advance-payment guarantee only for
an advance not yet settled; the defect-repair guarantee, asked for after the completion, runs for the defect period
and is released when it ends, unless the agency claims it for a defect not repaired.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from jangter.kernel.states import step


class GuaranteeKind(StrEnum):
    BID_BOND = "bid_bond"  # 입찰보증금 (보증서), for a notice, before the bid
    CONTRACT_DEPOSIT = "contract_deposit"  # 계약보증금 (계약이행보증)
    ADVANCE_PAYMENT = "advance_payment"  # 선금급 보증
    DEFECT_REPAIR = "defect_repair"  # 하자보수보증


class GuaranteeStatus(StrEnum):
    REQUESTED = "requested"
    ISSUED = "issued"
    ACCEPTED = "accepted"
    REJECTED = "rejected"
    RELEASED = "released"
    CLAIMED = "claimed"


class GuaranteeAction(StrEnum):
    ISSUE = "issue"
    ACCEPT = "accept"
    REJECT = "reject"
    RELEASE = "release"
    CLAIM = "claim"


G, GA = GuaranteeStatus, GuaranteeAction

TRANSITIONS: dict[tuple[GuaranteeStatus, GuaranteeAction], GuaranteeStatus] = {
    (G.REQUESTED, GA.ISSUE): G.ISSUED,
    (G.ISSUED, GA.ACCEPT): G.ACCEPTED,
    (G.ISSUED, GA.REJECT): G.REJECTED,
    (G.ACCEPTED, GA.RELEASE): G.RELEASED,
    (G.ACCEPTED, GA.CLAIM): G.CLAIMED,
}

KIND_LABELS: dict[GuaranteeKind, tuple[str, str]] = {
    GuaranteeKind.BID_BOND: ("입찰보증", "Bid bond"),
    GuaranteeKind.CONTRACT_DEPOSIT: ("계약보증", "Contract deposit"),
    GuaranteeKind.ADVANCE_PAYMENT: ("선금급 보증", "Advance payment"),
    GuaranteeKind.DEFECT_REPAIR: ("하자보수보증", "Defect repair"),
}

STATUS_LABELS: dict[GuaranteeStatus, tuple[str, str]] = {
    G.REQUESTED: ("보증기관 처리 대기", "Waiting for the institution"),
    G.ISSUED: ("발급됨 · 기관 확인 대기", "Issued · awaiting the agency"),
    G.ACCEPTED: ("승인", "Accepted"),
    G.REJECTED: ("반려", "Rejected"),
    G.RELEASED: ("해제", "Released"),
    G.CLAIMED: ("보증금 청구", "Claimed"),
}

OPEN = frozenset({G.REQUESTED, G.ISSUED, G.ACCEPTED})


_ACTION_LABELS: dict[GuaranteeAction, tuple[str, str]] = {
    GA.ISSUE: ("발급", "issue"),
    GA.ACCEPT: ("승인", "accept"),
    GA.REJECT: ("반려", "reject"),
    GA.RELEASE: ("해제", "release"),
    GA.CLAIM: ("청구", "claim"),
}


def transition(status: GuaranteeStatus, action: GuaranteeAction) -> GuaranteeStatus:
    """The next state, or a refusal with a stable code that says which state forbids the action."""
    return step(
        TRANSITIONS,
        status,
        action,
        kind="guarantee",
        noun=("보증서는", "guarantee"),
        status_labels=STATUS_LABELS,
        action_labels=_ACTION_LABELS,
    )


@dataclass(frozen=True)
class Wanted:
    """What Jangter asked the institution for."""

    reference: str
    kind: GuaranteeKind
    contract: str
    firm_business_number: str
    amount: int
    cover_until: date  # the guarantee must run at least until then


@dataclass(frozen=True)
class Issued:
    """What the institution says it issued."""

    reference: str
    kind: str
    contract: str
    firm_business_number: str
    amount: int
    valid_from: date
    valid_until: date


def mismatches(wanted: Wanted, issued: Issued) -> list[str]:
    """Why an issued guarantee does not answer the request (empty: it does)."""
    problems = []
    if issued.kind != wanted.kind.value:
        problems.append("kind")
    if issued.contract != wanted.contract:
        problems.append("contract")
    if issued.firm_business_number != wanted.firm_business_number:
        problems.append("firm")
    if issued.amount < wanted.amount:
        problems.append("amount")
    if issued.valid_until < wanted.cover_until or issued.valid_from > issued.valid_until:
        problems.append("period")
    return problems


class ContractEnd(StrEnum):
    COMPLETED = "completed"  # the final payment was made
    TERMINATED_FIRM_FAULT = "firm_fault"  # 계약상대자의 귀책: the firm did not perform
    TERMINATED_AGREEMENT = "agreement"  # 합의 해지 (or the agency's own reasons)


FAULT_LABELS: dict[ContractEnd, tuple[str, str]] = {  # the two ways to terminate
    ContractEnd.TERMINATED_FIRM_FAULT: ("계약상대자 귀책", "the firm's default"),
    ContractEnd.TERMINATED_AGREEMENT: ("합의 해지", "by agreement"),
}


def settle(kind: GuaranteeKind, end: ContractEnd, advance_outstanding: int) -> GuaranteeAction | None:
    """What becomes of an accepted guarantee when its contract ends (None: it stays, the defect guarantee)."""
    if kind is GuaranteeKind.DEFECT_REPAIR:
        return None
    if kind is GuaranteeKind.ADVANCE_PAYMENT:
        return GuaranteeAction.CLAIM if advance_outstanding > 0 else GuaranteeAction.RELEASE
    return GuaranteeAction.CLAIM if end is ContractEnd.TERMINATED_FIRM_FAULT else GuaranteeAction.RELEASE


def claim_amount(kind: GuaranteeKind, guaranteed: int, advance_outstanding: int) -> int:
    """What the agency claims from the institution: the whole contract deposit (시행령 §51), the advance not yet
    settled (never more than the guarantee), or the guaranteed defect deposit."""
    if kind is GuaranteeKind.ADVANCE_PAYMENT:
        return min(advance_outstanding, guaranteed)
    return guaranteed


def years_after(day: date, years: int) -> date:
    """The same day ``years`` later (29 February becomes 1 March); the defect period's end."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28) + timedelta(days=1)
