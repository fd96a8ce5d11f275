"""What an officer may do after a tender fails (유찰): re-bid, re-announce, or a private contract
(시행령 §20, §27; koneps-rules §3.4; addendum Q6, Q7).

- 재입찰 (re-bid): the same notice and the same preliminary prices, re-bid number 001, 002, …; for a tender that
  had bids but no winner (every valid bid below the floor, above the reserve price or failing review). Offered
  when the rule set allows re-bids.
- 재공고입찰 (re-announcement): a new 차수 with the shorter re-announcement period; always possible after a failure.
- 수의계약 (private contract) on the original terms: after the re-announced tender failed too (§27① 2호; a
  single bidder there counts as none, MOEF 계약제도과-712), or — under a temporary measure — after one failed
  tender with a single bidder.

Each option comes with the reason it is or is not offered, in Korean and English.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from jangter.evaluation.domain.ranking import FailureReason
from jangter.rules.domain import PrivateContractAfter, RuleSet


class AfterFailure(StrEnum):
    REBID = "rebid"  # 재입찰
    REANNOUNCE = "reannounce"  # 재공고
    PRIVATE_CONTRACT = "private_contract"  # 수의계약


AFTER_FAILURE_LABELS: dict[AfterFailure, tuple[str, str]] = {
    AfterFailure.REBID: ("재입찰", "Re-bid"),
    AfterFailure.REANNOUNCE: ("재공고", "Re-announce"),
    AfterFailure.PRIVATE_CONTRACT: ("수의계약", "Private contract"),
}


@dataclass(frozen=True)
class FailedRound:
    """What the rules need to know about the round that failed."""

    failure: FailureReason
    reannounced: bool  # this round was itself a re-announcement (재공고입찰)
    negotiated: bool = False  # 협상에 의한 계약: a new round needs new proposals and a new technical evaluation


@dataclass(frozen=True)
class Option:
    action: AfterFailure
    allowed: bool
    why_ko: str
    why_en: str
    rule: str  # the rule-set key and source that decided


def options_after_failure(rules: RuleSet, failed: FailedRound) -> list[Option]:
    fb = rules.failed_bids
    source = f"{rules.version} · {fb.source}"
    had_bids_no_winner = failed.failure is FailureReason.NO_ELIGIBLE_BID
    if not fb.rebid_allowed:
        rebid = Option(
            AfterFailure.REBID,
            False,
            "적용 규칙이 재입찰을 허용하지 않습니다.",
            "The rules in force do not allow a re-bid.",
            f"failed_bids.rebid_allowed · {source}",
        )
    elif failed.negotiated:
        rebid = Option(
            AfterFailure.REBID,
            False,
            "협상에 의한 계약은 제안서를 다시 받아 평가해야 하므로 재입찰 대신 재공고하십시오.",
            "A negotiated contract needs new proposals and a new technical evaluation: re-announce instead.",
            f"ADR 0005 · {source}",
        )
    elif had_bids_no_winner:
        rebid = Option(
            AfterFailure.REBID,
            True,
            "유효한 입찰은 있었으나 낙찰자가 없어 같은 조건으로 재입찰할 수 있습니다 (시행령 §20①).",
            "There were valid bids but no winner: the same tender may be re-bid (decree §20①).",
            f"failed_bids.rebid_allowed · {source}",
        )
    else:
        rebid = Option(
            AfterFailure.REBID,
            False,
            "재입찰은 유효한 입찰이 둘 이상 있었으나 낙찰자가 없을 때만 할 수 있습니다. 재공고하십시오.",
            "A re-bid needs at least two valid bids without a winner; re-announce instead.",
            f"failed_bids.rebid_allowed · {source}",
        )
    reannounce = Option(
        AfterFailure.REANNOUNCE,
        True,
        f"재공고는 공고기간 {rules.announcement.reannouncement_days}일로 할 수 있습니다 (시행령 §20②, §35④).",
        f"A re-announcement may run {rules.announcement.reannouncement_days} days (decree §20②, §35④).",
        f"announcement.reannouncement_days · {source}",
    )
    return [rebid, reannounce, _private_contract(rules, failed, source)]


def _private_contract(rules: RuleSet, failed: FailedRound, source: str) -> Option:
    fb = rules.failed_bids
    rule = f"failed_bids.private_contract_after = {fb.private_contract_after.value} · {source}"
    measure = rules.measure_for("failed_bids.private_contract_after")
    if fb.private_contract_after is PrivateContractAfter.FIRST_FAILURE and failed.failure is FailureReason.SINGLE_BID:
        title = measure.title_ko if measure else rules.title_ko
        return Option(
            AfterFailure.PRIVATE_CONTRACT,
            True,
            f"한시적 특례({title})로 단독응찰 1회 유찰 후 원래 조건으로 수의계약할 수 있습니다.",
            "Under the temporary measure in force, one failed tender with a single bidder allows a private "
            "contract on the original terms.",
            rule,
        )
    no_bidder = failed.failure in (FailureReason.NO_BIDS, FailureReason.NO_ELIGIBLE_BID) or (
        failed.failure is FailureReason.SINGLE_BID and fb.single_bid_counts_as_none
    )
    if fb.private_contract_after is not PrivateContractAfter.NEVER and failed.reannounced and no_bidder:
        return Option(
            AfterFailure.PRIVATE_CONTRACT,
            True,
            "재공고입찰도 입찰자 또는 낙찰자가 없어 원래 조건으로 수의계약할 수 있습니다 (시행령 §27① 2호). "
            "지체 없이 진행하십시오.",
            "The re-announced tender also had no bidder or no winner: a private contract on the original terms "
            "is allowed (decree §27① 2). Proceed without delay.",
            rule,
        )
    if not failed.reannounced:
        return Option(
            AfterFailure.PRIVATE_CONTRACT,
            False,
            "수의계약은 재공고입찰도 유찰된 뒤에만 할 수 있습니다 (시행령 §27①).",
            "A private contract is allowed only after the re-announced tender fails too (decree §27①).",
            rule,
        )
    return Option(
        AfterFailure.PRIVATE_CONTRACT,
        False,
        "적용 규칙에 따라 이 유찰 사유로는 수의계약을 할 수 없습니다.",
        "The rules in force do not allow a private contract after this kind of failure.",
        rule,
    )
