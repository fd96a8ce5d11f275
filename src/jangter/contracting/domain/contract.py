"""The life of a contract as data, and its money rules (DESIGN §2; koneps-rules §5).

``drafted → signed_by_supplier → signed_by_agency → active → completed | terminated``. The firm signs first, then
the agency; the contract is active once its deposit is secured (at once when none is due). Every change of amount
or end date after that is an amendment: a new version of the document, signed again by both, while the contract
stays what it is; the terms in force are those of the last version both have signed.

지체상금 (delay penalty): the contract amount × the daily rate of the category × the days late, never more than
``delay_cap_pct`` of the contract amount. 선금 (advance payment): at most ``advance_max_pct`` of the amount.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from enum import StrEnum

from jangter.kernel.errors import Conflict, DomainError
from jangter.kernel.money import Rounding, require_won, round_won
from jangter.kernel.procurement import Category
from jangter.kernel.states import step
from jangter.rules.domain import Ruled, RuleSet


class ContractStatus(StrEnum):
    DRAFTED = "drafted"
    SIGNED_BY_SUPPLIER = "signed_by_supplier"
    SIGNED_BY_AGENCY = "signed_by_agency"  # both have signed; the deposit is not secured yet
    ACTIVE = "active"
    COMPLETED = "completed"
    TERMINATED = "terminated"


class ContractAction(StrEnum):
    SUPPLIER_SIGN = "supplier_sign"
    AGENCY_SIGN = "agency_sign"
    SECURE = "secure"  # the contract deposit is secured (or none is due)
    AMEND = "amend"
    COMPLETE = "complete"
    TERMINATE = "terminate"


class VersionState(StrEnum):
    """One version of the document: the first, or an amendment."""

    DRAFTED = "drafted"
    SIGNED_BY_SUPPLIER = "signed_by_supplier"
    SIGNED = "signed"  # by both: in force


S, A = ContractStatus, ContractAction

TRANSITIONS: dict[tuple[ContractStatus, ContractAction], ContractStatus] = {
    (S.DRAFTED, A.SUPPLIER_SIGN): S.SIGNED_BY_SUPPLIER,
    (S.SIGNED_BY_SUPPLIER, A.AGENCY_SIGN): S.SIGNED_BY_AGENCY,
    (S.SIGNED_BY_AGENCY, A.SECURE): S.ACTIVE,
    (S.SIGNED_BY_AGENCY, A.AMEND): S.SIGNED_BY_AGENCY,
    (S.ACTIVE, A.AMEND): S.ACTIVE,
    (S.ACTIVE, A.COMPLETE): S.COMPLETED,
    (S.DRAFTED, A.TERMINATE): S.TERMINATED,
    (S.SIGNED_BY_SUPPLIER, A.TERMINATE): S.TERMINATED,
    (S.SIGNED_BY_AGENCY, A.TERMINATE): S.TERMINATED,
    (S.ACTIVE, A.TERMINATE): S.TERMINATED,
}

STATUS_LABELS: dict[ContractStatus, tuple[str, str]] = {
    S.DRAFTED: ("계약서 작성", "Drafted"),
    S.SIGNED_BY_SUPPLIER: ("업체 서명", "Signed by the supplier"),
    S.SIGNED_BY_AGENCY: ("계약 체결 (보증 대기)", "Signed (deposit awaited)"),
    S.ACTIVE: ("계약 이행중", "In force"),
    S.COMPLETED: ("이행 완료", "Completed"),
    S.TERMINATED: ("해지", "Terminated"),
}

VERSION_LABELS: dict[VersionState, tuple[str, str]] = {
    VersionState.DRAFTED: ("서명 대기", "Awaiting signatures"),
    VersionState.SIGNED_BY_SUPPLIER: ("기관 서명 대기", "Awaiting the agency's signature"),
    VersionState.SIGNED: ("서명 완료", "Signed by both"),
}

_ACTION_LABELS: dict[ContractAction, tuple[str, str]] = {
    A.SUPPLIER_SIGN: ("업체 서명", "sign as the supplier"),
    A.AGENCY_SIGN: ("기관 서명", "sign as the agency"),
    A.SECURE: ("보증 확인", "secure"),
    A.AMEND: ("변경계약", "amend"),
    A.COMPLETE: ("이행 완료", "complete"),
    A.TERMINATE: ("해지", "terminate"),
}


def transition(status: ContractStatus, action: ContractAction) -> ContractStatus:
    """The next state, or a refusal with a stable code that says which state forbids the action."""
    return step(
        TRANSITIONS,
        status,
        action,
        kind="contract",
        noun=("계약은", "contract"),
        status_labels=STATUS_LABELS,
        action_labels=_ACTION_LABELS,
    )


def next_version_state(state: VersionState, supplier: bool) -> VersionState:
    """A version is signed by the supplier first, then by the agency."""
    if supplier and state is VersionState.DRAFTED:
        return VersionState.SIGNED_BY_SUPPLIER
    if not supplier and state is VersionState.SIGNED_BY_SUPPLIER:
        return VersionState.SIGNED
    if state is VersionState.SIGNED:
        raise Conflict("version_already_signed", "이미 서명이 끝난 계약서입니다.", "This version is already signed.")
    if supplier:
        raise Conflict("supplier_already_signed", "업체는 이미 서명했습니다.", "The supplier has already signed.")
    raise Conflict(
        "supplier_signs_first",
        "업체가 먼저 서명해야 합니다.",
        "The supplier signs first; the agency signs after.",
    )


@dataclass(frozen=True)
class Terms:
    """What both parties sign: the amount (won, VAT included) and the period."""

    amount: int
    starts_on: date
    ends_on: date


def check_terms(terms: Terms) -> None:
    """A positive whole amount of won, and an end not before the start."""
    require_won(terms.amount, "amount")
    if terms.ends_on < terms.starts_on:
        raise DomainError(
            "ends_before_start",
            "계약 종료일이 시작일보다 빠릅니다.",
            "The contract cannot end before it starts.",
            field="ends_on",
        )


@dataclass(frozen=True)
class Penalty:
    days_late: int
    per_mille: Decimal
    uncapped: int
    amount: int  # what is due: ``uncapped`` or the cap, the smaller
    capped: bool


def delay_penalty(rules: RuleSet, category: Category, contract_amount: int, days_late: int) -> Ruled[Penalty]:
    """지체상금: contract amount × daily rate (‰) × days late, at most ``delay_cap_pct`` % of the amount
    (koneps-rules §5: the 30 % cap [C]; the daily rates are [U], docs/rules.md)."""
    require_won(contract_amount, "contract_amount")
    if days_late < 0:
        raise ValueError("days_late must not be negative")
    c = rules.contracts
    rate = c.delay_per_mille[category]
    uncapped = round_won(Decimal(contract_amount) * rate * days_late / 1000, c.delay_rounding)
    cap = round_won(Decimal(contract_amount) * c.delay_cap_pct / 100, c.delay_rounding)
    penalty = Penalty(days_late, rate, uncapped, min(uncapped, cap), uncapped > cap)
    return rules.ruled(penalty, f"contracts.delay_per_mille.{category.value}", c.source)


def days_late(due: date, done: date) -> int:
    """Days after the due date (the due day itself is not late)."""
    return max(0, (done - due).days)


def sign_by(rules: RuleSet, award_day: date) -> Ruled[date]:
    """The day by which the winner signs: the award day + ``contract_days`` (시행령 §69, [U] 10 days); after it the
    agency may cancel the award (koneps-rules §3.5: the bid bond is then forfeited)."""
    return rules.ruled(
        award_day + timedelta(days=rules.contracts.contract_days), "contracts.contract_days", rules.contracts.source
    )


def advance_limit(rules: RuleSet, contract_amount: int) -> Ruled[int]:
    """선금: at most ``advance_max_pct`` % of the contract amount, rounded down (koneps-rules §5, [U] 70 %)."""
    require_won(contract_amount, "contract_amount")
    limit = round_won(Decimal(contract_amount) * rules.contracts.advance_max_pct / 100, Rounding.FLOOR_WON)
    return rules.ruled(limit, "contracts.advance_max_pct", rules.contracts.source)
