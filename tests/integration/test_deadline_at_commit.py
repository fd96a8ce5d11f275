"""The database clock decides the deadline, at commit (issue #3 point 5; security.md §3.2 item 4; AT-03)."""

from datetime import timedelta

import pytest
from sqlalchemy import insert, select, text
from sqlalchemy.exc import DBAPIError

from jangter.bidding.orm import Bid
from jangter.kernel.clock import OffsetClock
from jangter.kernel.context import AppContext
from jangter.kernel.db import UnitOfWork, is_deadline_violation
from jangter.kernel.errors import DomainError
from tests.support import DEADLINE, make_world


def test_a_bid_in_time_is_accepted_and_stamped_by_the_database_clock(ctx: AppContext, clock: OffsetClock) -> None:
    world = make_world(ctx)
    number = world.publish()
    clock.set(DEADLINE - timedelta(seconds=2))
    receipt = world.bid(number, 0, 87_000_000, (1, 2))
    assert DEADLINE - timedelta(seconds=3) < receipt.received_at <= DEADLINE


def test_a_bid_one_millisecond_late_is_refused(ctx: AppContext, clock: OffsetClock) -> None:
    world = make_world(ctx)
    number = world.publish()
    clock.set(DEADLINE + timedelta(milliseconds=1))
    with pytest.raises(DomainError) as refused:
        world.bid(number, 0, 87_000_000, (1, 2))
    assert refused.value.code == "bid_deadline_passed"


def test_a_bid_whose_commit_happens_after_the_deadline_is_refused(
    ctx: AppContext, clock: OffsetClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The application's own check passes (the request started in time); the commit lands 1 ms late."""
    world = make_world(ctx)
    number = world.publish()
    original_commit = UnitOfWork.commit

    def slow_commit(self: UnitOfWork) -> None:
        clock.set(DEADLINE + timedelta(milliseconds=1))  # time passes between the last statement and COMMIT
        if self.db.dialect == "postgresql":
            offset_us = clock.offset() // timedelta(microseconds=1)
            self.session.execute(text("SELECT set_config('jangter.clock_offset_us', :o, true)"), {"o": str(offset_us)})
        original_commit(self)

    clock.set(DEADLINE - timedelta(milliseconds=50))
    monkeypatch.setattr(UnitOfWork, "commit", slow_commit)
    with pytest.raises(DomainError) as refused:
        world.bid(number, 0, 87_000_000, (1, 2))
    assert refused.value.code == "bid_deadline_passed"
    monkeypatch.undo()
    with ctx.db.reading() as session:
        assert session.scalars(select(Bid)).all() == []


def test_a_row_written_straight_into_the_database_after_the_deadline_is_refused(
    ctx: AppContext, clock: OffsetClock
) -> None:
    """Nothing but the deadline trigger stands between a direct INSERT and the table (AT-03)."""
    world = make_world(ctx)
    number = world.publish()
    with ctx.db.reading() as session:
        notice_id = session.scalar(text("SELECT id FROM notice WHERE number = :n"), {"n": number})
    clock.set(DEADLINE + timedelta(seconds=1))
    row = {
        "public_id": "direct",
        "notice_id": notice_id,
        "round": 1,
        "notice_order": 0,
        "firm_id": world.firms[0].org_id,
        "bidder_id": world.firms[0].person_id,
        "received_at": clock.now(),
        "payload": b"x",
        "payload_format": "plain-v0",
        "content_hash": "0" * 64,
        "status": "sealed",
    }
    with pytest.raises(DBAPIError) as refused, UnitOfWork(ctx.db) as uow:
        uow.session.execute(insert(Bid).values(**row))
        uow.commit()
    assert is_deadline_violation(refused.value)
    clock.set(DEADLINE - timedelta(seconds=10))  # the test clock moves with real time
    with UnitOfWork(ctx.db) as uow:
        uow.session.execute(insert(Bid).values(**row))
        uow.commit()
