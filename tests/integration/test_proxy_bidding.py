"""Against proxy bidding: one firm per device and per IP address in a tender, refused or flagged as the rule set
says, and every case in the security log (koneps-rules §1.4: "same PC and same IP → only one bid" since 2014;
security.md AT-15)."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from jangter.bidding.orm import Bid
from jangter.bidding.service import submit_bid
from jangter.identity import security_log
from jangter.identity.security_log import SecurityEvent, Where
from jangter.kernel.context import AppContext
from jangter.kernel.errors import DomainError, Forbidden
from jangter.rules import store
from tests.support import World, make_world

OFFICE = "203.0.113.7"


def bid(world: World, number: str, firm: int, where: Where) -> str:
    document = world.seal(number, firm, 90_000_000 + firm * 10_000, (1 + firm, 5 + firm))
    return submit_bid(world.ctx, world.firms[firm], number, document, where=where).receipt_id


def events(ctx: AppContext) -> list[SecurityEvent]:
    with ctx.db.reading() as session:
        return list(session.scalars(select(SecurityEvent).order_by(SecurityEvent.id)))


def test_a_second_firm_from_the_same_address_or_device_is_refused_and_logged(ctx: AppContext) -> None:
    world = make_world(ctx, firms=3)
    number = world.publish()
    bid(world, number, 0, Where(OFFICE, "device-of-firm-0"))
    with pytest.raises(DomainError) as refused:  # another firm on the same office line
        bid(world, number, 1, Where(OFFICE, "device-of-firm-1"))
    assert refused.value.code == "same_origin_bid" and "IP" in refused.value.message_ko
    with pytest.raises(DomainError) as refused:  # another firm on the same PC, through another line
        bid(world, number, 1, Where("198.51.100.20", "device-of-firm-0"))
    assert refused.value.code == "same_origin_bid" and "PC" in refused.value.message_ko
    bid(world, number, 1, Where("198.51.100.20", "device-of-firm-1"))  # its own PC and line: accepted
    other = world.publish()  # another tender: the same office line may serve another firm there
    bid(world, other, 2, Where(OFFICE, "device-of-firm-2"))

    logged = events(ctx)
    assert [(e.kind, e.outcome) for e in logged] == [("bid.same_ip", "refused"), ("bid.same_device", "refused")]
    first = logged[0]
    assert (first.person_id, first.org_id, first.ip, first.subject) == (
        world.firms[1].person_id,
        world.firms[1].org_id,
        OFFICE,
        number,
    )
    assert first.detail["other_firm_id"] == world.firms[0].org_id and first.detail["rule"] == "identity.same_ip"
    with ctx.db.reading() as session:  # nothing half-written: the refused bids left no row
        rows = session.execute(select(Bid.firm_id, Bid.client_ip, Bid.device_id).order_by(Bid.id)).all()
    assert [tuple(r) for r in rows] == [
        (world.firms[0].org_id, OFFICE, "device-of-firm-0"),
        (world.firms[1].org_id, "198.51.100.20", "device-of-firm-1"),
        (world.firms[2].org_id, OFFICE, "device-of-firm-2"),
    ]


MEASURE = """
kind = "measure"
version = "measure-flag-2026.11.02"
tracks = ["national"]
effective_from = 2026-11-02
effective_until = 2026-12-31
title_ko = "시험: 같은 IP는 경고만"
title_en = "Test: same IP only flagged"
sources = ["test"]

[identity]
same_ip = "flag"
"""


def test_a_rule_set_that_only_flags_accepts_the_bid_and_logs_it_with_the_receipt(ctx: AppContext) -> None:
    world = make_world(ctx, firms=3)
    store.load(ctx, world.operator, "flag.toml", MEASURE)
    number = world.publish()
    bid(world, number, 0, Where(OFFICE, "device-of-firm-0"))
    receipt = bid(world, number, 1, Where(OFFICE, "device-of-firm-1"))
    [flagged] = events(ctx)
    assert (flagged.kind, flagged.outcome, flagged.detail["receipt"]) == ("bid.same_ip", "flagged", receipt)
    with pytest.raises(DomainError) as refused:  # the measure left the device rule alone: still refused
        bid(world, number, 2, Where("198.51.100.20", "device-of-firm-0"))
    assert refused.value.code == "same_origin_bid"


def test_only_the_operator_reads_the_security_log(ctx: AppContext) -> None:
    world = make_world(ctx, firms=2)
    number = world.publish()
    bid(world, number, 0, Where(OFFICE, None))
    with pytest.raises(DomainError):
        bid(world, number, 1, Where(OFFICE, None))
    [event] = security_log.recent(ctx, world.operator)
    assert event.person == world.firms[1].name and event.org == world.firms[1].org_name
    assert security_log.recent(ctx, world.operator, kind="csrf") == []
    with pytest.raises(Forbidden):
        security_log.recent(ctx, world.officer)


def test_in_the_demo_one_computer_playing_several_firms_is_flagged_not_refused(ctx: AppContext) -> None:
    world = make_world(ctx, firms=2)
    number = world.publish()
    bid(world, number, 0, Where(OFFICE, "the-demo-laptop", demo=True))
    bid(world, number, 1, Where(OFFICE, "the-demo-laptop", demo=True))
    [flagged] = events(ctx)
    assert (flagged.kind, flagged.outcome, flagged.detail["demo"]) == ("bid.same_device", "flagged", True)
