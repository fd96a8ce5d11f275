"""Publishing a notice checks the rules in force (koneps-rules §2.4–§2.6, §3.2) and records their version."""

from dataclasses import replace
from datetime import datetime, timedelta

import pytest
from sqlalchemy import func, select

from jangter.bidding.orm import OpeningKey, OpeningShare
from jangter.evaluation.orm import PreliminaryPrice
from jangter.kernel import translog
from jangter.kernel.calendar import SEOUL
from jangter.kernel.clock import OffsetClock
from jangter.kernel.context import AppContext
from jangter.kernel.errors import Conflict, DomainError
from jangter.kernel.procurement import Category
from jangter.rules.domain import RuleBook
from jangter.search.service import SearchRequest, search_notices
from jangter.tendering import queries
from jangter.tendering import service as tendering
from jangter.tendering.domain.notice import NoticeStatus
from jangter.tendering.orm import Notice
from tests.support import DEADLINE, make_world


def _publish(ctx: AppContext, **changes: object) -> str:
    world = make_world(ctx, firms=0)
    number = world.draft(**changes)
    tendering.publish(ctx, world.officer, number)
    return number


def test_a_published_notice_records_its_rule_set_and_gets_a_sealed_opening_key(ctx: AppContext) -> None:
    number = _publish(ctx)
    notice = queries.get_notice(ctx, number, None)
    assert notice.status is NoticeStatus.PUBLISHED
    assert notice.rule_set_version == "national-2026.01.30"
    assert notice.display_number == f"{number}-000"
    assert number.startswith("R26BK")
    key = notice.opening_key
    assert key is not None and (key.quorum, key.size) == (3, 5) and len(key.fingerprint) == 64
    with ctx.db.reading() as session:
        assert session.scalar(select(func.count()).select_from(PreliminaryPrice)) == 0  # nobody can see them yet
        record = session.get(OpeningKey, (session.scalar(select(Notice.id)), 1))
        shares = session.scalars(select(OpeningShare)).all()
        [published] = translog.events(session, "notice.published", number)
    assert record is not None and record.price_commitment == key.price_commitment
    assert published["price_commitment"] == key.price_commitment
    assert published["opening_key_fingerprint"] == key.fingerprint
    assert sorted(s.share_index for s in shares) == [1, 2, 3, 4, 5]
    assert len({s.member_id for s in shares}) == 5


def test_publication_needs_a_complete_opening_committee(ctx: AppContext) -> None:
    world = make_world(ctx, firms=0)
    number = world.draft(committee_quorum=4, committee_size=7)
    with pytest.raises(DomainError) as refused:
        tendering.publish(ctx, world.officer, number)
    assert refused.value.code == "committee_incomplete"
    assert queries.get_notice(ctx, number, world.officer).status is NoticeStatus.DRAFT


def test_a_local_agency_gets_the_three_percent_range(ctx: AppContext) -> None:
    from jangter.kernel.procurement import Jurisdiction
    from tests.support import make_world as world_of

    world = world_of(ctx, firms=0, jurisdiction=Jurisdiction.LOCAL)
    number = world.draft()
    tendering.publish(ctx, world.officer, number)
    detail = queries.get_notice(ctx, number, world.officer)
    assert detail.rule_set_version == "local-2025.07.01"
    assert detail.effective_reserve_range is not None and str(detail.effective_reserve_range.value) == "3"


@pytest.mark.parametrize(
    ("changes", "code"),
    [
        (
            {"deadline_at": DEADLINE + timedelta(minutes=30), "opening_at": DEADLINE + timedelta(hours=2)},
            "deadline_not_on_the_hour",
        ),
        (
            {
                "deadline_at": datetime(2026, 11, 11, 18, tzinfo=SEOUL),
                "opening_at": datetime(2026, 11, 11, 19, tzinfo=SEOUL),
            },
            "deadline_outside_hours",
        ),
        (
            {
                "deadline_at": datetime(2026, 11, 14, 10, tzinfo=SEOUL),
                "opening_at": datetime(2026, 11, 14, 11, tzinfo=SEOUL),
            },
            "deadline_not_working_day",
        ),
        (
            {
                "deadline_at": datetime(2026, 11, 9, 10, tzinfo=SEOUL),
                "opening_at": datetime(2026, 11, 9, 11, tzinfo=SEOUL),
            },
            "announcement_period_too_short",
        ),
        (
            {"category": Category.WORKS, "estimated_price": 1_500_000_000, "base_amount": 1_650_000_000},
            "announcement_period_too_short",
        ),  # works ₩1–5bn need 15 days (addendum Q1)
        ({"opening_at": DEADLINE - timedelta(hours=1)}, "opening_before_deadline"),
    ],
)
def test_publication_refuses_a_notice_that_breaks_a_rule(
    ctx: AppContext, changes: dict[str, object], code: str
) -> None:
    world = make_world(ctx, firms=0)
    number = world.draft(**changes)
    with pytest.raises(DomainError) as refused:
        tendering.publish(ctx, world.officer, number)
    assert refused.value.code == code
    assert queries.get_notice(ctx, number, world.officer).status is NoticeStatus.DRAFT  # nothing half-written
    with ctx.db.reading() as session:
        assert session.scalar(select(func.count()).select_from(PreliminaryPrice)) == 0


def test_the_hourly_cap_refuses_one_notice_too_many(ctx: AppContext) -> None:
    # koneps-rules §2.6: at most N notices close in one hour (here a rule set with N = 2).
    national = ctx.rules.version("national-2026.01.30")
    capped = replace(national, closing=replace(national.closing, max_closings_per_hour=2))
    small = replace(ctx, rules=RuleBook([capped, ctx.rules.version("local-2025.07.01")]))
    world = make_world(small, firms=0)
    for _ in range(2):
        tendering.publish(small, world.officer, world.draft())
    third = world.draft()
    with pytest.raises(DomainError) as refused:
        tendering.publish(small, world.officer, third)
    assert refused.value.code == "deadline_hour_full"
    # another hour is free
    tendering.publish(
        small,
        world.officer,
        world.draft(deadline_at=DEADLINE + timedelta(hours=1), opening_at=DEADLINE + timedelta(hours=2)),
    )


def test_only_the_agencys_procurement_officer_may_publish(ctx: AppContext) -> None:
    world = make_world(ctx, firms=1)
    number = world.draft()
    for stranger in (world.other_officer, world.official, world.firms[0], None):
        with pytest.raises(DomainError) as refused:
            tendering.publish(ctx, stranger, number)
        assert refused.value.status in (401, 403)
    assert queries.get_notice(ctx, number, world.officer).status is NoticeStatus.DRAFT


def test_drafts_are_seen_only_by_their_agency(ctx: AppContext) -> None:
    world = make_world(ctx, firms=1)
    number = world.draft()
    assert queries.get_notice(ctx, number, world.officer).status is NoticeStatus.DRAFT
    for viewer in (None, world.firms[0], world.other_officer):
        with pytest.raises(DomainError) as hidden:
            queries.get_notice(ctx, number, viewer)
        assert hidden.value.code == "notice_not_found"
    assert search_notices(ctx, SearchRequest()).hits == []
    assert search_notices(ctx, SearchRequest(text=number)).hits == []


def test_an_amendment_keeps_the_number_and_adds_an_order(ctx: AppContext, clock: OffsetClock) -> None:
    world = make_world(ctx, firms=0)
    number = world.publish()
    clock.advance(timedelta(days=1))
    later = DEADLINE + timedelta(days=1)
    tendering.amend(
        ctx, world.officer, number, {"deadline_at": later, "opening_at": later + timedelta(hours=1)}, "현장 여건 반영"
    )
    notice = queries.get_notice(ctx, number, None)
    assert notice.display_number == f"{number}-001"
    assert notice.kind.value == "change"
    assert notice.deadline_at == later
    assert [r.order for r in notice.revisions] == [0, 1]
    assert notice.revisions[1].reason == "현장 여건 반영"


def test_an_amendment_cannot_change_the_amounts(ctx: AppContext) -> None:
    world = make_world(ctx, firms=0)
    number = world.publish()
    with pytest.raises(DomainError) as refused:
        tendering.amend(ctx, world.officer, number, {"base_amount": 1}, "금액 변경")
    assert refused.value.code == "change_requires_new_notice"
    with pytest.raises(DomainError) as no_reason:
        tendering.amend(ctx, world.officer, number, {"title": "새 제목"}, " ")
    assert no_reason.value.code == "reason_required"


def test_a_cancelled_notice_frees_its_closing_hour_and_says_why(ctx: AppContext) -> None:
    world = make_world(ctx, firms=0)
    number = world.publish()
    with pytest.raises(DomainError):
        tendering.cancel(ctx, world.officer, number, "")
    tendering.cancel(ctx, world.officer, number, "예산 미확보")
    notice = queries.get_notice(ctx, number, None)
    assert notice.status is NoticeStatus.CANCELLED
    assert notice.cancel_reason == "예산 미확보"
    with pytest.raises(Conflict):
        tendering.cancel(ctx, world.officer, number, "again")


def test_the_worker_closes_notices_at_their_deadline(ctx: AppContext, clock: OffsetClock) -> None:
    world = make_world(ctx, firms=0)
    number = world.publish()
    assert tendering.close_due_notices(ctx) == 0
    clock.set(DEADLINE + timedelta(seconds=1))
    assert tendering.close_due_notices(ctx) == 1
    assert queries.get_notice(ctx, number, None).status is NoticeStatus.CLOSED
    assert tendering.close_due_notices(ctx) == 0
