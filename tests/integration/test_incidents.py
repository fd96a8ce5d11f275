"""Incidents and postponements against hundreds of notices (issue #9 point 5; koneps-rules §2.6).

An outage of three days, declared after recovery: every notice that still took bids or had closed unopened and whose
deadline fell in the outage or within 2 hours after recovery is postponed, keeping at least 48 hours of bidding,
on the hour between 10:00 and 17:00 on a working day, within the 1,500-per-hour cap; nothing else is touched; every
bidder and watcher of a moved notice gets exactly one e-mail; the run is one audited operation.
"""

from __future__ import annotations

from collections import Counter
from datetime import datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import insert, select

from jangter.helpdesk import incidents
from jangter.helpdesk.incident_domain import DraftIncident, Function
from jangter.helpdesk.incident_orm import Postponement
from jangter.kernel.audit import AuditRecord
from jangter.kernel.calendar import SEOUL, KoreanCalendar, to_seoul
from jangter.kernel.clock import OffsetClock
from jangter.kernel.context import AppContext
from jangter.kernel.errors import DomainError, ValidationProblems
from jangter.kernel.ids import Stage, make_number
from jangter.kernel.procurement import Category, ContractMethod
from jangter.kernel.translog import LogPending
from jangter.notifications.outbox import OutboxMail
from jangter.search import watch
from jangter.tendering import service as tendering
from jangter.tendering.domain.notice import NoticeKind, NoticeStatus
from jangter.tendering.orm import DeadlineSlot, Notice
from tests.support import DEADLINE, World, make_world

START = DEADLINE - timedelta(hours=48)  # Mon 9 Nov 2026 10:00 KST
RECOVERY = DEADLINE + timedelta(hours=24)  # Thu 12 Nov 2026 10:00 KST
RUN_AT = RECOVERY + timedelta(minutes=30)
LATER = datetime(2026, 11, 16, 10, 0, tzinfo=SEOUL)  # Mon 16 Nov: outside the window
BULK = 600
STEP = timedelta(minutes=15)
FIRST_BULK = DEADLINE - timedelta(hours=60)


def bulk_notices(ctx: AppContext, world: World) -> None:
    """600 notices closing every 15 minutes around the outage, half national and half local, some already opened
    or cancelled, written straight to the table (as the demo corpus writes its notices)."""
    rows: list[dict[str, Any]] = []
    for i in range(BULK):
        deadline = FIRST_BULK + i * STEP
        status = {0: NoticeStatus.OPENED, 1: NoticeStatus.CANCELLED}.get(
            i % 10, NoticeStatus.CLOSED if deadline < RUN_AT else NoticeStatus.PUBLISHED
        )
        agency = world.officer.org_id if i % 2 else world.other_officer.org_id
        published = deadline - timedelta(days=10)
        rows.append(
            {
                "number": make_number(Stage.BID, 2026, 50_000 + i),
                "order": 0,
                "kind": NoticeKind.REGISTRATION.value,
                "round": 1,
                "status": status.value,
                "title": f"대량 시험 공고 {i}",
                "description": "",
                "category": Category.GOODS.value,
                "contract_method": ContractMethod.GENERAL_COMPETITIVE.value,
                "agency_id": agency,
                "demand_agency_id": agency,
                "region": "11",
                "base_amount": 100_000_000,
                "estimated_price": 90_909_090,
                "a_value": 0,
                "bid_start_at": published,
                "deadline_at": deadline,
                "opening_at": deadline + timedelta(hours=1),
                "created_by": world.officer.person_id,
                "created_at": published,
                "updated_at": published,
                "published_at": published,
                "first_published_at": published,
                "closed_at": deadline if status is NoticeStatus.CLOSED else None,
                "next_check": deadline if status is NoticeStatus.PUBLISHED else None,
            }
        )
    with ctx.uow() as uow:
        uow.session.execute(insert(Notice), rows)
        uow.commit()


def snapshot(ctx: AppContext) -> dict[str, tuple[Any, ...]]:
    with ctx.db.reading() as session:
        return {
            n.number: (n.status, n.deadline_at, n.opening_at, n.closed_at, n.updated_at, n.order)
            for n in session.scalars(select(Notice))
        }


def test_an_outage_postpones_every_affected_notice_and_nothing_else(ctx: AppContext, clock: OffsetClock) -> None:
    world = make_world(ctx, firms=3)
    first = world.publish(title="청사 LED 조명 교체 구매")
    second = world.publish(title="민원실 복합기 구매")
    unaffected = world.publish(
        title="청사 방역 소독 용역 물품", deadline_at=LATER, opening_at=LATER + timedelta(hours=1)
    )
    for number, firm in ((first, 0), (second, 0), (first, 1), (unaffected, 2)):
        world.bid(number, firm, 89_000_000 + firm, (1 + firm, 5 + firm))
    watch.watch(ctx, world.other_officer, second)
    watch.watch(ctx, world.other_officer, unaffected)
    watch.watch(ctx, world.firms[1], second)  # a bidder of the first that watches the second: one mail for both
    bulk_notices(ctx, world)

    clock.set(RUN_AT)
    tendering.close_due_notices(ctx)  # the worker closed the real notices at their deadline, in the outage
    cap_hour = datetime(2026, 11, 16, 10, 0, tzinfo=SEOUL)  # the first allowed hour 48 h after the run
    with ctx.uow() as uow:
        slot = uow.session.get(DeadlineSlot, cap_hour)
        assert slot is not None and slot.closings == 1  # the unaffected notice closes then
        slot.closings = 1_450  # 50 places left in that hour
        uow.commit()
    before = snapshot(ctx)
    expected = {
        number
        for number, (status, deadline, *_) in before.items()
        if status in ("published", "closed") and START <= deadline <= RECOVERY + timedelta(hours=2)
    }
    assert first in expected and second in expected and unaffected not in expected
    assert len(expected) >= 200  # hundreds

    draft = DraftIncident(
        "데이터센터 화재로 인한 전면 장애", START, RECOVERY, frozenset({Function.WHOLE}), "본원 전산실 화재"
    )
    with pytest.raises(DomainError) as refused:
        incidents.declare(ctx, world.officer, draft)
    assert refused.value.code == "role_required"
    with pytest.raises(ValidationProblems) as bad:
        incidents.declare(ctx, world.operator, DraftIncident(" ", RUN_AT + timedelta(hours=1), RUN_AT, frozenset()))
    assert {p.field for p in bad.value.problems} == {"title", "started_at", "ended_at", "functions"}
    incident = incidents.declare(ctx, world.operator, draft)

    preview = incidents.preview(ctx, world.operator, incident)
    assert {m.move.number for m in preview.moves} == expected and preview.postponing and not preview.provisional
    assert snapshot(ctx) == before  # a preview moves nothing
    with pytest.raises(DomainError) as stale:
        incidents.postpone(ctx, world.operator, incident, expected=len(preview.moves) - 1)
    assert stale.value.code == "preview_outdated" and snapshot(ctx) == before

    result = incidents.postpone(ctx, world.operator, incident, expected=len(preview.moves))
    assert (result.run, result.moved) == (1, len(expected))
    after = snapshot(ctx)
    assert {n: v for n, v in after.items() if n not in expected} == {
        n: v for n, v in before.items() if n not in expected
    }
    calendar = KoreanCalendar()
    floor = RUN_AT + timedelta(hours=48)  # the 48-hour window counts from the run, later than the recovery
    hours: Counter[datetime] = Counter()
    for number in expected:
        _, old_deadline, old_opening, *_ = before[number]
        status, deadline, opening, closed_at, *_ = after[number]
        local = to_seoul(deadline)
        assert status == "published" and closed_at is None, number  # closed in the outage: open again
        assert deadline >= floor and deadline > old_deadline, number
        assert (local.minute, local.second) == (0, 0) and 10 <= local.hour <= 17, number
        assert calendar.is_working_day(local.date()), number
        assert opening - deadline == old_opening - old_deadline, number
        hours[deadline] += 1
    assert hours[cap_hour] == 50  # the cap: 1,450 + 50 = 1,500 in that hour, the rest in the next
    with ctx.db.reading() as session:
        assert session.get(DeadlineSlot, cap_hour).closings == 1_500  # type: ignore[union-attr]
        moved = session.scalars(select(Postponement).where(Postponement.incident_id == incident)).all()
        mails = session.scalars(select(OutboxMail).where(OutboxMail.key.startswith(f"incident:{incident}:"))).all()
        audits = session.scalars(select(AuditRecord).where(AuditRecord.action == "incident.postpone")).all()
        logged = session.scalars(select(LogPending.subject).where(LogPending.kind == "notice.postponed")).all()
    assert len(moved) == len(expected) and sum(m.reopened for m in moved) == sum(
        before[n][0] == "closed" for n in expected
    )
    assert len(audits) == 1 and (audits[0].after or {}).get("moved") == len(expected)  # one audited operation
    assert sorted(logged) == sorted(expected)  # one public log entry per notice
    by_person = Counter(m.to_addr for m in mails)
    assert by_person == {"bid0@firm.kr": 1, "bid1@firm.kr": 1, "other_officer@gov.kr": 1}  # exactly once each
    text = {m.to_addr: m.body for m in mails}
    assert first in text["bid0@firm.kr"] and second in text["bid0@firm.kr"]
    assert first in text["bid1@firm.kr"] and second in text["bid1@firm.kr"]
    assert second in text["other_officer@gov.kr"] and unaffected not in text["other_officer@gov.kr"]

    with pytest.raises(DomainError) as again:  # everything left the window: a second run has nothing to do
        incidents.postpone(ctx, world.operator, incident)
    assert again.value.code == "nothing_to_postpone"
    shown = incidents.postponements_of(ctx, first)
    assert [(p.incident_title, p.new_deadline) for p in shown] == [(draft.title, after[first][1])]
    view, rows = incidents.get_incident(ctx, incident)
    assert view.postponed == len(expected) and len(rows) == len(expected) and not view.ongoing


def test_an_ongoing_incident_postpones_up_to_now_and_again_after_it_goes_on(
    ctx: AppContext, clock: OffsetClock
) -> None:
    world = make_world(ctx, firms=1)
    number = world.publish()
    clock.set(DEADLINE - timedelta(hours=3))  # 07:00: bidding fails from now
    incident = incidents.declare(
        ctx, world.operator, DraftIncident("입찰서 제출 장애", clock.now(), None, frozenset({Function.BIDDING}))
    )
    preview = incidents.preview(ctx, world.operator, incident)
    assert preview.provisional and [m.move.number for m in preview.moves] == []  # 10:00 is more than 2 h away
    clock.set(DEADLINE - timedelta(hours=1))  # 09:00, still down: the 10:00 deadline is now within 2 hours
    first = incidents.postpone(ctx, world.operator, incident)
    assert first.moved == 1
    with pytest.raises(ValidationProblems) as recovered_early:
        incidents.recover(ctx, world.operator, incident, clock.now() + timedelta(hours=1))
    assert [p.code for p in recovered_early.value.problems] == ["recovery_in_future"]
    incidents.recover(ctx, world.operator, incident, clock.now())
    with pytest.raises(DomainError) as twice:
        incidents.recover(ctx, world.operator, incident, clock.now())
    assert twice.value.code == "incident_recovered"
    moved = incidents.postponements_of(ctx, number)
    assert len(moved) == 1 and moved[0].new_deadline >= clock.now() + timedelta(hours=48)
