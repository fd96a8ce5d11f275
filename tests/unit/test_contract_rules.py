"""Contracts: states, the delay penalty and the advance-payment limit (koneps-rules §5; DESIGN §2)."""

from dataclasses import replace
from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from jangter.contracting.domain.contract import (
    ContractAction,
    ContractStatus,
    Terms,
    VersionState,
    advance_limit,
    check_terms,
    days_late,
    delay_penalty,
    next_version_state,
    sign_by,
    transition,
)
from jangter.contracting.domain.deposits import defect_class_for
from jangter.contracting.domain.guarantee import ContractEnd as End
from jangter.contracting.domain.guarantee import GuaranteeAction as GA
from jangter.contracting.domain.guarantee import GuaranteeKind as GK
from jangter.contracting.domain.guarantee import GuaranteeStatus as G
from jangter.contracting.domain.guarantee import claim_amount, settle, years_after
from jangter.contracting.domain.guarantee import transition as guarantee_step
from jangter.kernel.errors import Conflict, DomainError
from jangter.kernel.procurement import Category
from jangter.rules.domain import DefectClass, RuleSet


def test_the_delay_penalty_is_the_daily_rate_times_the_days_late(national: RuleSet) -> None:
    # koneps-rules §5 (지체상금); the daily rates 0.5 / 0.75 / 1.25 ‰ are the [U] choice of docs/rules.md
    works = delay_penalty(national, Category.WORKS, 1_000_000_000, 10)
    assert works.value.amount == 5_000_000 and not works.value.capped  # 1e9 × 0.5‰ × 10
    goods = delay_penalty(national, Category.GOODS, 86_900_000, 3)
    assert goods.value.amount == 195_525  # 86,900,000 × 0.75‰ × 3 = 195,525
    services = delay_penalty(national, Category.SERVICES, 318_000_001, 1)
    assert services.value.amount == 397_500  # 397,500.00125 → rounded down: never more than the rule
    assert services.rule == "contracts.delay_per_mille.services" and services.version == national.version


def test_the_delay_penalty_stops_at_30_percent_of_the_contract(national: RuleSet) -> None:
    # koneps-rules §5: "Delay penalty (지체상금) is capped at 30% of the contract amount" [C] kmib 0029050609
    late = delay_penalty(national, Category.SERVICES, 100_000_000, 400)  # 1.25‰ × 400 = 50 % uncapped
    assert late.value.uncapped == 50_000_000
    assert late.value.amount == 30_000_000 and late.value.capped
    at_cap = delay_penalty(national, Category.SERVICES, 100_000_000, 240)  # exactly 30 %
    assert at_cap.value.amount == 30_000_000 and not at_cap.value.capped


@given(
    amount=st.integers(min_value=1, max_value=10**13),
    days=st.integers(min_value=0, max_value=5_000),
    category=st.sampled_from(list(Category)),
)
def test_the_delay_penalty_never_exceeds_the_cap_and_grows_with_the_days(
    national: RuleSet, amount: int, days: int, category: Category
) -> None:
    # koneps-rules §5: capped at 30 %; whole won
    penalty = delay_penalty(national, category, amount, days).value
    assert 0 <= penalty.amount <= amount * 30 // 100
    assert penalty.amount <= delay_penalty(national, category, amount, days + 1).value.amount


def test_a_rule_set_can_change_the_rates(national: RuleSet) -> None:
    # [U] values are rule-set values: a rule set with other rates gives other penalties (docs/rules.md)
    other = replace(national, contracts=replace(national.contracts, delay_per_mille={c: Decimal(1) for c in Category}))
    assert delay_penalty(other, Category.WORKS, 1_000_000, 2).value.amount == 2_000


def test_days_late_do_not_count_the_due_day() -> None:
    assert days_late(date(2026, 12, 31), date(2026, 12, 31)) == 0
    assert days_late(date(2026, 12, 31), date(2027, 1, 2)) == 2
    assert days_late(date(2026, 12, 31), date(2026, 12, 1)) == 0


def test_the_advance_payment_is_at_most_70_percent(national: RuleSet) -> None:
    # koneps-rules §5: advance payment up to 70 % of the contract amount ([U] the current limit; docs/rules.md)
    limit = advance_limit(national, 123_456_789)
    assert limit.value == 86_419_752  # 86,419,752.3 → down: the limit is never exceeded
    assert limit.rule == "contracts.advance_max_pct"


def test_a_contract_is_signed_by_the_supplier_then_the_agency_then_secured() -> None:
    # DESIGN §2: drafted → signed_by_supplier → signed_by_agency → active → completed | terminated
    s = transition(ContractStatus.DRAFTED, ContractAction.SUPPLIER_SIGN)
    s = transition(s, ContractAction.AGENCY_SIGN)
    assert s is ContractStatus.SIGNED_BY_AGENCY
    s = transition(s, ContractAction.SECURE)
    assert transition(s, ContractAction.AMEND) is ContractStatus.ACTIVE
    assert transition(s, ContractAction.COMPLETE) is ContractStatus.COMPLETED
    with pytest.raises(Conflict) as refused:
        transition(ContractStatus.DRAFTED, ContractAction.AGENCY_SIGN)
    assert refused.value.code == "contract_cannot_agency_sign"
    with pytest.raises(Conflict):
        transition(ContractStatus.COMPLETED, ContractAction.AMEND)


def test_each_version_is_signed_by_the_supplier_first() -> None:
    assert next_version_state(VersionState.DRAFTED, supplier=True) is VersionState.SIGNED_BY_SUPPLIER
    assert next_version_state(VersionState.SIGNED_BY_SUPPLIER, supplier=False) is VersionState.SIGNED
    for state, supplier, code in (
        (VersionState.DRAFTED, False, "supplier_signs_first"),
        (VersionState.SIGNED_BY_SUPPLIER, True, "supplier_already_signed"),
        (VersionState.SIGNED, True, "version_already_signed"),
    ):
        with pytest.raises(Conflict) as refused:
            next_version_state(state, supplier=supplier)
        assert refused.value.code == code


def test_terms_need_a_positive_amount_and_an_end_after_the_start() -> None:
    check_terms(Terms(1, date(2026, 12, 1), date(2026, 12, 1)))
    with pytest.raises(DomainError) as refused:
        check_terms(Terms(0, date(2026, 12, 1), date(2027, 1, 1)))
    assert refused.value.code == "amount_not_positive_whole_won" and refused.value.field == "amount"
    with pytest.raises(DomainError) as refused:
        check_terms(Terms(10, date(2026, 12, 1), date(2026, 11, 30)))
    assert refused.value.code == "ends_before_start" and refused.value.field == "ends_on"


def test_a_guarantee_is_issued_then_accepted_or_rejected_then_released_or_claimed() -> None:
    # DESIGN §2: requested → issued → accepted | rejected → released | claimed
    assert guarantee_step(G.REQUESTED, GA.ISSUE) is G.ISSUED
    assert guarantee_step(G.ISSUED, GA.REJECT) is G.REJECTED
    assert guarantee_step(guarantee_step(G.ISSUED, GA.ACCEPT), GA.RELEASE) is G.RELEASED
    with pytest.raises(Conflict) as refused:
        guarantee_step(G.REQUESTED, GA.ACCEPT)
    assert refused.value.code == "guarantee_cannot_accept" and "승인할 수 없습니다" in refused.value.message_ko


def test_the_firm_signs_within_the_rule_sets_days_of_the_award(national: RuleSet) -> None:
    # koneps-rules §3.5 / docs/rules.md: contracts.contract_days [U] 10 days (시행령 §69)
    due = sign_by(national, date(2026, 11, 11))
    assert due.value == date(2026, 11, 21) and due.rule.startswith("contracts.contract_days")
    assert sign_by(
        replace(national, contracts=replace(national.contracts, contract_days=7)), date(2026, 11, 11)
    ).value == date(2026, 11, 18)


@pytest.mark.parametrize(
    ("kind", "end", "outstanding", "action"),
    [
        (GK.CONTRACT_DEPOSIT, End.COMPLETED, 0, GA.RELEASE),
        (GK.CONTRACT_DEPOSIT, End.TERMINATED_AGREEMENT, 5, GA.RELEASE),
        (GK.CONTRACT_DEPOSIT, End.TERMINATED_FIRM_FAULT, 0, GA.CLAIM),  # 계약보증금 국고귀속 (시행령 §51)
        (GK.ADVANCE_PAYMENT, End.TERMINATED_FIRM_FAULT, 0, GA.RELEASE),  # nothing left to recover
        (GK.ADVANCE_PAYMENT, End.TERMINATED_AGREEMENT, 1, GA.CLAIM),  # an unsettled advance is recovered
        (GK.ADVANCE_PAYMENT, End.COMPLETED, 0, GA.RELEASE),
        (GK.DEFECT_REPAIR, End.COMPLETED, 0, None),  # runs for its defect period
    ],
)
def test_a_contracts_end_releases_or_claims_each_guarantee(
    kind: GK, end: End, outstanding: int, action: GA | None
) -> None:
    # koneps-rules §5: guarantees are released or claimed at the right moment
    assert settle(kind, end, outstanding) is action


def test_what_is_claimed_from_a_guarantee() -> None:
    assert claim_amount(GK.CONTRACT_DEPOSIT, 9_000_000, 50_000_000) == 9_000_000  # the whole deposit
    assert claim_amount(GK.ADVANCE_PAYMENT, 63_000_000, 20_000_000) == 20_000_000  # what is unsettled
    assert claim_amount(GK.ADVANCE_PAYMENT, 10_000_000, 20_000_000) == 10_000_000  # never beyond the guarantee


def test_the_defect_period_ends_the_same_day_years_later() -> None:
    assert years_after(date(2026, 11, 30), 3) == date(2029, 11, 30)
    assert years_after(date(2028, 2, 29), 1) == date(2029, 3, 1)


def test_the_defect_guarantees_work_type(national: RuleSet, local: RuleSet) -> None:
    # koneps-rules §5, addendum Q8: 시행규칙 §72 lists works (5/4/3/2 %); local contracts add goods 3 %, services 2 %
    assert defect_class_for(national, Category.WORKS, None) is DefectClass.OTHER
    assert defect_class_for(national, Category.WORKS, DefectClass.MAJOR) is DefectClass.MAJOR
    assert defect_class_for(national, Category.GOODS, None) is None
    assert defect_class_for(local, Category.GOODS, None) is DefectClass.GOODS
    assert defect_class_for(local, Category.SERVICES, None) is DefectClass.SERVICES
    with pytest.raises(DomainError) as refused:
        defect_class_for(local, Category.WORKS, DefectClass.GOODS)
    assert refused.value.code == "defect_class_invalid" and refused.value.field == "defect_class"
    assert (
        national.contracts.defect_years[DefectClass.GENERAL] == 3
        and local.contracts.defect_years[DefectClass.GOODS] == 1
    )
