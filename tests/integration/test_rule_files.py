"""An operator loads next year's rules as a file: checked, stored, logged, used by every process from its date
(issue #5 point 1; koneps-rules-addendum Q6: temporary measures are date-ranged overrides)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import select

from jangter.contracting.domain.deposits import contract_deposit
from jangter.kernel import translog
from jangter.kernel.audit import AuditRecord
from jangter.kernel.clock import OffsetClock
from jangter.kernel.context import AppContext
from jangter.kernel.errors import DomainError
from jangter.kernel.procurement import Category, Jurisdiction
from jangter.rules import store
from jangter.rules.loader import load_rule_book
from tests.support import make_world

MEASURE = """
kind = "measure"
version = "measure-national-2027.03.01"
tracks = ["national"]
effective_from = 2027-03-01
effective_until = 2027-06-30
title_ko = "국가계약 한시적 특례 (2027.3.1.~6.30.)"
title_en = "National contracts temporary measure (1 Mar - 30 Jun 2027)"
sources = ["addendum Q6: contract deposits halved while the measure is in force"]

[deposits.contract_deposit_pct]
goods = "5"
services = "5"
works = "7.5"
"""


def test_a_loaded_measure_is_stored_logged_and_used_on_its_days(ctx: AppContext) -> None:
    world = make_world(ctx, firms=0)
    loaded = store.load(ctx, world.operator, "special-2027.toml", MEASURE)
    assert (loaded.version, loaded.kind) == ("measure-national-2027.03.01", "measure")
    during = ctx.rules.in_force(Jurisdiction.NATIONAL, date(2027, 3, 1))
    after = ctx.rules.in_force(Jurisdiction.NATIONAL, date(2027, 7, 1))
    assert contract_deposit(during, Category.GOODS, 100_000_000).value.amount == 5_000_000
    assert contract_deposit(after, Category.GOODS, 100_000_000).value.amount == 10_000_000
    with ctx.db.reading() as session:
        [event] = translog.events(session, "rules.loaded", loaded.version)
        audits = session.scalars(select(AuditRecord).where(AuditRecord.action == "rules.load")).all()
    assert event["sha256"] == loaded.sha256 and len(audits) == 1 and "운영자" in audits[0].actor_label
    assert [f.version for f in store.loaded_files(ctx)] == [loaded.version]


def test_another_process_picks_the_file_up_at_its_next_worker_pass(ctx: AppContext) -> None:
    other = replace(ctx, rules=load_rule_book(stored=[]))  # a second web process, started before the load
    store.load(ctx, "ops-user", "special-2027.toml", MEASURE)
    assert "+" not in other.rules.in_force(Jurisdiction.NATIONAL, date(2027, 3, 1)).version
    assert store.refresh(other) is True
    assert other.rules.in_force(Jurisdiction.NATIONAL, date(2027, 3, 1)).version.endswith(
        "+measure-national-2027.03.01"
    )
    assert store.refresh(other) is False  # nothing new: no rebuild


@pytest.mark.parametrize(
    ("text", "code", "says"),
    [
        (MEASURE.replace("2027-03-01", "2026-10-01"), "rule_file_in_the_past", "in the past"),
        (MEASURE.replace('goods = "5"', 'goods = "50O"'), "rule_file_invalid", "special-2027.toml"),
        (MEASURE.replace('tracks = ["national"]', "tracks = national"), "rule_file_invalid", "not valid TOML"),
        (MEASURE.replace("measure-national-2027.03.01", "national-2026.01.30"), "rule_file_adds_nothing", "new"),
    ],
)
def test_a_bad_file_is_refused_and_nothing_is_stored(ctx: AppContext, text: str, code: str, says: str) -> None:
    with pytest.raises(DomainError) as refused:
        store.load(ctx, "ops-user", "special-2027.toml", text)
    assert refused.value.code == code and says in refused.value.message_en
    assert store.loaded_files(ctx) == []


def test_a_version_is_loaded_once_and_only_by_an_operator(ctx: AppContext, clock: OffsetClock) -> None:
    world = make_world(ctx, firms=0)
    with pytest.raises(DomainError) as not_operator:
        store.load(ctx, world.officer, "special-2027.toml", MEASURE)
    assert not_operator.value.status == 403
    store.load(ctx, world.operator, "special-2027.toml", MEASURE)
    with pytest.raises(DomainError) as again:
        store.load(ctx, world.operator, "special-2027-v2.toml", MEASURE.replace('"5"', '"6"'))
    assert again.value.code == "rule_file_adds_nothing"
    assert ctx.rules.version("national-2026.01.30+measure-national-2027.03.01").deposits.contract_deposit_pct[
        Category.GOODS
    ] == Decimal(5)
