"""Anyone can recompute an opening from the public log (issue #4 item 6; security.md AT-14; koneps-rules §3.2–§3.4)."""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from jangter.cli import app
from jangter.evaluation import queries
from jangter.evaluation.domain.draw_check import recompute
from jangter.kernel import translog
from jangter.kernel.clock import OffsetClock
from jangter.kernel.context import AppContext
from jangter.kernel.errors import DomainError
from jangter.kernel.procurement import Category
from jangter.transparency.export import export
from jangter.worker import integrate_log
from tests.support import OPENING, make_world

STEPS = [
    "commitment",
    "lottery_seed",
    "slot_seed",
    "valid_bids",
    "reserve_price",
    "floor_rate",
    "floor_price",
    "ranking",
]


def _opened_notice(ctx: AppContext, clock: OffsetClock) -> str:
    world = make_world(ctx, firms=5)
    number = world.publish(
        category=Category.WORKS, base_amount=500_000_000, estimated_price=454_545_454, a_value=20_000_000
    )
    for i, amount in enumerate((452_000_000, 447_500_000, 430_000_000, 463_250_000, 447_500_000)):
        world.bid(number, i, amount, (1 + i, 1 + (i * 4) % 15 if i else 9))
    clock.set(OPENING)
    world.open(number)
    return number


def test_every_step_of_the_opening_recomputes_from_the_log_alone(ctx: AppContext, clock: OffsetClock) -> None:
    number = _opened_notice(ctx, clock)
    check = queries.draw_check(ctx, number)
    assert [s.key for s in check.steps] == STEPS
    assert check.ok, [(s.key, s.published, s.recomputed) for s in check.steps if not s.ok]
    [result] = queries.opening_results(ctx, number)
    # The log and the published result tables tell the same story.
    by_key = {s.key: s for s in check.steps}
    assert by_key["reserve_price"].recomputed == result.reserve_price
    assert by_key["floor_price"].recomputed == result.floor_price
    assert [p.amount for p in sorted(result.prices, key=lambda p: p.slot)] == list(check.slots)
    assert [p.pick_count for p in sorted(result.prices, key=lambda p: p.slot)] == list(check.counts)
    assert sorted(check.drawn_slots) == [p.slot for p in result.prices if p.drawn]
    assert sum(check.counts) == 2 * 5


def _events(ctx: AppContext, number: str) -> tuple[dict[str, Any], dict[str, Any]]:
    with ctx.db.reading() as session:
        [published] = translog.events(session, "notice.published", number)
        [opened] = translog.events(session, "notice.opened", number)
    return published, opened


Change = Callable[[dict[str, Any], dict[str, Any]], object]
TAMPERING: dict[str, tuple[str, Change]] = {
    # A price revealed at the opening that is not the one committed at publication.
    "a_revealed_price": ("commitment", lambda p, o: o["prices"].__setitem__(0, o["prices"][0] + 1)),
    # A reserve price published that the picks do not give.
    "the_reserve_price": ("reserve_price", lambda p, o: o.__setitem__("reserve_price", o["reserve_price"] - 10)),
    # A changed A value (it lowers the floor) after the fact.
    "the_a_value": ("floor_price", lambda p, o: o["terms"].__setitem__("a_value", 10_000_000)),
    # A ranking that does not follow from the amounts.
    "a_rank": ("ranking", lambda p, o: [b.__setitem__("rank", 9) for b in o["bids"] if b["rank"] == 1]),
}


@pytest.mark.parametrize("tampering", list(TAMPERING))
def test_a_changed_input_or_result_is_named_as_the_first_failing_step(
    ctx: AppContext, clock: OffsetClock, tampering: str
) -> None:
    number = _opened_notice(ctx, clock)
    published, opened = _events(ctx, number)
    rules = ctx.rules.version(opened["terms"]["rule_set_version"])
    assert recompute(number, published, opened, rules).ok
    step, change = TAMPERING[tampering]
    forged = copy.deepcopy(opened)
    change(published, forged)
    check = recompute(number, published, forged, rules)
    assert not check.ok
    assert check.first_failure is not None and check.first_failure.key == step


def test_nothing_to_recompute_before_prices_are_revealed(ctx: AppContext, clock: OffsetClock) -> None:
    world = make_world(ctx, firms=1)
    number = world.publish()
    with pytest.raises(DomainError) as before:
        queries.draw_check(ctx, number)
    assert before.value.code == "draw_not_available"
    world.bid(number, 0, 90_000_000, (1, 2))
    clock.set(OPENING)
    world.open(number)  # a single bid: the round fails and no price is revealed
    with pytest.raises(DomainError) as single:
        queries.draw_check(ctx, number)
    assert single.value.code == "draw_not_available"


def test_the_offline_command_recomputes_from_an_export(ctx: AppContext, clock: OffsetClock, tmp_path: Path) -> None:
    number = _opened_notice(ctx, clock)
    integrate_log(ctx)
    document = export(ctx)
    path = tmp_path / "log.json"
    path.write_text(json.dumps(document))
    runner = CliRunner()
    good = runner.invoke(app, ["verify-log", "draw", str(path), number])
    assert good.exit_code == 0, good.output
    assert f"OK: round 1 of {number}" in good.output
    for entry in document["entries"]:  # someone edits the export: the published reserve price
        body = json.loads(entry["body"])
        if body["event"] == "notice.opened":
            body["reserve_price"] += 1000
            entry["body"] = json.dumps(body, ensure_ascii=False)
    path.write_text(json.dumps(document))
    bad = runner.invoke(app, ["verify-log", "draw", str(path), number])
    assert bad.exit_code == 1
    assert "BAD Reserve price" in bad.output
    missing = runner.invoke(app, ["verify-log", "draw", str(path), "R26BK99999999"])
    assert missing.exit_code == 2
