"""The order-plan rule as a pure function (koneps-rules §2.1: a notice is registered only against registered order
information [C]; the exemption below an estimated price is a rule-set value, [U] 0 in the shipped sets)."""

from dataclasses import replace

from jangter.kernel.procurement import Category
from jangter.planning.domain import plan_problem, quarter_of
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
