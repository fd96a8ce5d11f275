"""After a failed tender: which of re-bid, re-announcement and private contract the rules allow, and why
(시행령 §20, §27; koneps-rules §3.4; addendum Q6, Q7)."""

from datetime import date

import pytest

from jangter.evaluation.domain.failed_bids import AfterFailure, FailedRound, options_after_failure
from jangter.evaluation.domain.ranking import FailureReason
from jangter.kernel.procurement import Jurisdiction
from jangter.rules.domain import RuleBook, RuleSet


def allowed(rules: RuleSet, failure: FailureReason, reannounced: bool) -> set[AfterFailure]:
    return {o.action for o in options_after_failure(rules, FailedRound(failure, reannounced)) if o.allowed}


@pytest.mark.parametrize(
    ("failure", "reannounced", "expected"),
    [
        # Q7 §20: bids but no winner → re-bid or re-announce; no private contract on a first failure
        (FailureReason.NO_ELIGIBLE_BID, False, {AfterFailure.REBID, AfterFailure.REANNOUNCE}),
        # no bidder or a single bidder → re-announce (§20②); a re-bid needs two valid bids
        (FailureReason.NO_BIDS, False, {AfterFailure.REANNOUNCE}),
        (FailureReason.SINGLE_BID, False, {AfterFailure.REANNOUNCE}),
        # Q7 §27① 2호: the re-announced tender failed too → private contract on the original terms …
        (FailureReason.NO_BIDS, True, {AfterFailure.REANNOUNCE, AfterFailure.PRIVATE_CONTRACT}),
        (
            FailureReason.NO_ELIGIBLE_BID,
            True,
            {AfterFailure.REBID, AfterFailure.REANNOUNCE, AfterFailure.PRIVATE_CONTRACT},
        ),
        # … and a single bidder there counts as none (MOEF 계약제도과-712, 2015)
        (FailureReason.SINGLE_BID, True, {AfterFailure.REANNOUNCE, AfterFailure.PRIVATE_CONTRACT}),
    ],
)
def test_options_under_the_national_rules(
    national: RuleSet, failure: FailureReason, reannounced: bool, expected: set[AfterFailure]
) -> None:
    assert allowed(national, failure, reannounced) == expected


def test_every_option_says_why_in_both_languages(national: RuleSet) -> None:
    for option in options_after_failure(national, FailedRound(FailureReason.SINGLE_BID, False)):
        assert option.why_ko and option.why_en and option.rule.startswith(("failed_bids", "announcement"))
    private = options_after_failure(national, FailedRound(FailureReason.SINGLE_BID, False))[2]
    assert not private.allowed and "§27" in private.why_en


def test_the_temporary_measure_allows_a_private_contract_after_one_single_bid_failure(book: RuleBook) -> None:
    # addendum Q6: during the measure, one failed tender with a single bidder is enough (local §26②)
    during = book.in_force(Jurisdiction.LOCAL, date(2024, 12, 31))
    after = book.in_force(Jurisdiction.LOCAL, date(2025, 1, 1))
    assert AfterFailure.PRIVATE_CONTRACT in allowed(during, FailureReason.SINGLE_BID, False)
    assert AfterFailure.PRIVATE_CONTRACT not in allowed(after, FailureReason.SINGLE_BID, False)
    [why] = [
        o
        for o in options_after_failure(during, FailedRound(FailureReason.SINGLE_BID, False))
        if o.allowed and o.action is AfterFailure.PRIVATE_CONTRACT
    ]
    assert "한시적 특례" in why.why_ko
    # The measure does not reach a tender that failed for lack of any bidder on its first round.
    assert AfterFailure.PRIVATE_CONTRACT not in allowed(during, FailureReason.NO_BIDS, False)
