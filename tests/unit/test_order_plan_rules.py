"""The order-plan and pre-specification rules as pure functions (koneps-rules §2.1: a notice is registered only
against registered order information [C], the exemption below an estimated price a rule-set value, [U] 0 in the
shipped sets; §2.2: the opinion period and who needs a pre-specification)."""

from dataclasses import replace
from datetime import datetime, timedelta

from jangter.kernel.calendar import SEOUL, KoreanCalendar
from jangter.kernel.procurement import Category
from jangter.planning.domain import plan_problem, quarter_of
from jangter.planning.prespec_domain import LinkedSpec, needed, opinion_deadline, spec_problem
from jangter.rules.domain import RuleSet


def test_a_notice_needs_a_published_plan_item_of_its_agency_and_category(national: RuleSet) -> None:
    def problem(plan: tuple[int, str, str] | None, price: int = 90_000_000) -> str | None:
        refused = plan_problem(national, estimated_price=price, category=Category.GOODS, agencies=(7, 9), plan=plan)
        return None if refused is None else refused.code

    assert national.order_plans.required and national.order_plans.exempt_below == 0
    assert problem(None) == "order_plan_required"
    assert problem(None, price=1) == "order_plan_required"  # no amount is exempt in the shipped rule sets
    assert problem((7, "goods", "published")) is None
    assert problem((9, "goods", "published")) is None  # the demand agency's plan counts too
    assert problem((8, "goods", "published")) == "order_plan_other_agency"
    assert problem((7, "works", "published")) == "order_plan_category"
    assert problem((7, "goods", "withdrawn")) == "order_plan_withdrawn"


def test_a_rule_set_may_exempt_notices_below_an_amount_or_drop_the_rule(national: RuleSet) -> None:
    exempting = replace(national, order_plans=replace(national.order_plans, exempt_below=50_000_000))
    args = {"category": Category.GOODS, "agencies": (7,), "plan": None}
    assert plan_problem(exempting, estimated_price=49_999_999, **args) is None  # type: ignore[arg-type]
    assert plan_problem(exempting, estimated_price=50_000_000, **args) is not None  # type: ignore[arg-type]
    off = replace(national, order_plans=replace(national.order_plans, required=False))
    assert plan_problem(off, estimated_price=10**10, **args) is None  # type: ignore[arg-type]


def test_the_quarter_of_a_month() -> None:
    assert [quarter_of(m) for m in (1, 3, 4, 6, 7, 9, 10, 12)] == [1, 1, 2, 2, 3, 3, 4, 4]


def test_the_opinion_period_of_a_pre_specification(national: RuleSet, local: RuleSet) -> None:
    # koneps-rules §2.2: "commonly 5 days (3 days if urgent)" [U]/[S]; [U] calendar days from the publication
    opened = datetime(2026, 11, 6, 15, 30, tzinfo=SEOUL)  # a Friday
    calendar = KoreanCalendar()
    assert opinion_deadline(national, calendar, opened, urgent=False).value == opened + timedelta(days=5)
    assert opinion_deadline(national, calendar, opened, urgent=True).value == opened + timedelta(days=3)
    counted = replace(national, pre_specification=replace(national.pre_specification, working_days=True))
    due = opinion_deadline(counted, calendar, opened, urgent=False)
    assert due.value == datetime(2026, 11, 13, 15, 30, tzinfo=SEOUL)  # Mon-Fri of the next week
    assert due.rule == "pre_specification.days"


def test_which_notices_need_a_pre_specification(national: RuleSet, local: RuleSet) -> None:
    # koneps-rules §2.2 [S] (집행기준 §77): goods and services from ₩100M (national), ₩50M (local)
    assert needed(national, Category.GOODS, 100_000_000) and not needed(national, Category.GOODS, 99_999_999)
    assert needed(local, Category.SERVICES, 50_000_000) and not needed(local, Category.SERVICES, 49_999_999)
    assert not needed(national, Category.WORKS, 10**10)


def test_a_notice_follows_a_closed_and_answered_pre_specification(national: RuleSet) -> None:
    # koneps-rules §2.2: opinions are filed and answered before the notice; [S] goods and services from ₩100M
    now = datetime(2026, 11, 20, 9, tzinfo=SEOUL)

    def problem(spec: LinkedSpec | None, price: int = 150_000_000, category: Category = Category.GOODS) -> str | None:
        refused = spec_problem(national, category=category, estimated_price=price, agencies=(7, 9), spec=spec, now=now)
        return None if refused is None else refused.code

    closed = LinkedSpec(7, Category.GOODS, now - timedelta(days=1), 0)
    assert problem(None) == "pre_spec_required"
    assert problem(None, price=99_999_999) is None and problem(None, category=Category.WORKS) is None
    assert problem(closed) is None
    assert problem(replace(closed, agency_id=9)) is None  # the demand agency's
    assert problem(replace(closed, agency_id=8)) == "pre_spec_other_agency"
    assert problem(replace(closed, category=Category.SERVICES)) == "pre_spec_category"
    assert problem(replace(closed, opinion_deadline=now)) is None  # the deadline itself has passed
    assert problem(replace(closed, opinion_deadline=now + timedelta(seconds=1))) == "pre_spec_open"
    assert problem(replace(closed, unanswered=2)) == "pre_spec_unanswered"
