"""Submitting bids: one per firm, idempotent, only from approved firms, and never readable before the opening."""

from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from jangter.bidding.orm import Bid
from jangter.bidding.queries import my_bids
from jangter.bidding.service import SubmitBid, get_receipt, submit_bid
from jangter.kernel.audit import AuditRecord
from jangter.kernel.clock import OffsetClock
from jangter.kernel.context import AppContext
from jangter.kernel.errors import DomainError
from jangter.kernel.idempotency import IdempotencyClaim
from tests.support import make_world, terms


def test_a_receipt_fixes_what_was_submitted_without_showing_it(ctx: AppContext) -> None:
    world = make_world(ctx, firms=1)
    number = world.publish()
    receipt = world.bid(number, 0, 87_654_321, (4, 9))
    assert receipt.notice_number == number and receipt.notice_order == 0
    assert receipt.firm_name == "시험업체 0" and len(receipt.content_hash) == 64
    assert "87654321" not in repr(receipt) and "87,654,321" not in repr(receipt)
    [mine] = my_bids(ctx, world.firms[0])
    assert mine.amount is None and mine.rank is None
    assert get_receipt(ctx, world.firms[0], receipt.receipt_id) == receipt


def test_a_second_bid_from_the_same_firm_is_refused(ctx: AppContext) -> None:
    world = make_world(ctx, firms=1)
    number = world.publish()
    world.bid(number, 0, 90_000_000, (1, 2))
    with pytest.raises(DomainError) as refused:
        world.bid(number, 0, 89_000_000, (3, 4))
    assert refused.value.code == "bid_already_submitted"
    assert refused.value.status == 409


def test_the_same_idempotency_key_returns_the_same_receipt_and_stores_one_bid(ctx: AppContext) -> None:
    world = make_world(ctx, firms=1)
    number = world.publish()
    claim = IdempotencyClaim(world.firms[0].person_id, f"POST /notices/{number}/bids", "key-1", "hash-a")
    first = submit_bid(ctx, world.firms[0], SubmitBid(number, 90_000_000, (1, 2)), claim)
    again = submit_bid(ctx, world.firms[0], SubmitBid(number, 90_000_000, (1, 2)), claim)
    assert first == again
    with pytest.raises(DomainError) as reused:
        submit_bid(
            ctx,
            world.firms[0],
            SubmitBid(number, 80_000_000, (1, 2)),
            IdempotencyClaim(world.firms[0].person_id, claim.scope, "key-1", "hash-b"),
        )
    assert reused.value.code == "idempotency_key_reused"
    with ctx.db.reading() as session:
        assert session.scalar(select(func.count()).select_from(Bid)) == 1


def test_concurrent_submissions_from_one_firm_leave_exactly_one_bid(ctx: AppContext) -> None:
    # AT-10 in miniature: 16 simultaneous submissions from one firm.
    world = make_world(ctx, firms=1)
    number = world.publish()

    def attempt(i: int) -> str:
        try:
            world.bid(number, 0, 90_000_000 + i, (1, 2))
            return "ok"
        except DomainError as exc:
            return exc.code

    with ThreadPoolExecutor(max_workers=8) as pool:
        outcomes = list(pool.map(attempt, range(16)))
    assert outcomes.count("ok") == 1
    assert set(outcomes) == {"ok", "bid_already_submitted"}
    with ctx.db.reading() as session:
        assert session.scalar(select(func.count()).select_from(Bid)) == 1


def test_concurrent_retries_with_one_idempotency_key_get_one_receipt(ctx: AppContext) -> None:
    world = make_world(ctx, firms=1)
    number = world.publish()
    claim = IdempotencyClaim(world.firms[0].person_id, "scope", "retry-key", "same-request")

    def attempt(_: int) -> str:
        return submit_bid(ctx, world.firms[0], SubmitBid(number, 90_000_000, (1, 2)), claim).receipt_id

    with ThreadPoolExecutor(max_workers=6) as pool:
        receipts = set(pool.map(attempt, range(12)))
    assert len(receipts) == 1


def test_a_firm_whose_registration_is_not_approved_cannot_bid(ctx: AppContext) -> None:
    world = make_world(ctx, firms=1)
    number = world.publish()
    assert world.pending_firm is not None
    with pytest.raises(DomainError) as refused:
        submit_bid(ctx, world.pending_firm, SubmitBid(number, 90_000_000, (1, 2)))
    assert refused.value.code == "firm_not_approved"


def test_agencies_and_operators_cannot_bid(ctx: AppContext) -> None:
    world = make_world(ctx, firms=1)
    number = world.publish()
    for actor in (world.officer, world.operator, None):
        with pytest.raises(DomainError) as refused:
            submit_bid(ctx, actor, SubmitBid(number, 90_000_000, (1, 2)))
        assert refused.value.code in ("role_required", "login_required")


def test_bids_before_bidding_opens_are_refused(ctx: AppContext, clock: OffsetClock) -> None:
    world = make_world(ctx, firms=1)
    number = world.publish(bid_start_at=terms().bid_start_at + timedelta(days=1))
    with pytest.raises(DomainError) as refused:
        world.bid(number, 0, 90_000_000, (1, 2))
    assert refused.value.code == "bidding_not_started"
    clock.advance(timedelta(days=1))
    world.bid(number, 0, 90_000_000, (1, 2))


@pytest.mark.parametrize(
    ("amount", "picks", "code"),
    [
        (0, (1, 2), "amount_not_positive_whole_won"),
        (-1, (1, 2), "amount_not_positive_whole_won"),
        (90_000_000.5, (1, 2), "amount_not_positive_whole_won"),
        (90_000_000, (1, 1), "picks_invalid"),
        (90_000_000, (1, 16), "picks_invalid"),
        (90_000_000, (1,), "picks_invalid"),
        (90_000_000, (1, 2, 3), "picks_invalid"),
    ],
)
def test_bad_bid_content_is_refused_and_nothing_is_stored(
    ctx: AppContext, amount: object, picks: tuple[object, ...], code: str
) -> None:
    world = make_world(ctx, firms=1)
    number = world.publish()
    with pytest.raises(DomainError) as refused:
        submit_bid(ctx, world.firms[0], SubmitBid(number, amount, picks))
    assert refused.value.code == code
    with ctx.db.reading() as session:
        assert session.scalar(select(func.count()).select_from(Bid)) == 0
        assert (
            session.scalar(select(func.count()).select_from(AuditRecord).where(AuditRecord.action == "bid.submit")) == 0
        )


def test_another_firm_cannot_read_a_receipt(ctx: AppContext) -> None:
    world = make_world(ctx, firms=2)
    number = world.publish()
    receipt = world.bid(number, 0, 90_000_000, (1, 2))
    with pytest.raises(DomainError) as refused:
        get_receipt(ctx, world.firms[1], receipt.receipt_id)
    assert refused.value.code == "receipt_not_found"


def test_every_change_leaves_an_audit_record_and_none_holds_sealed_content(ctx: AppContext, clock: OffsetClock) -> None:
    world = make_world(ctx, firms=2)
    number = world.publish()
    world.bid(number, 0, 87_654_321, (4, 9))
    world.bid(number, 1, 91_234_567, (5, 9))
    with ctx.db.reading() as session:
        records = session.scalars(select(AuditRecord).where(AuditRecord.entity_id.in_([number]))).all()
        bid_records = session.scalars(select(AuditRecord).where(AuditRecord.action == "bid.submit")).all()
    assert [r.action for r in records] == ["notice.create", "notice.publish"]
    publish = records[1]
    assert publish.before == {"status": "draft"}
    assert publish.after is not None and publish.after["status"] == "published"
    assert publish.actor_person_id == world.officer.person_id
    assert len(bid_records) == 2
    text = " ".join(str(r.after) for r in bid_records)
    assert "87654321" not in text and "91234567" not in text
