"""Saved searches with e-mail alerts over real SMTP (a local aiosmtpd), never twice and never lost while the mail
server is down; and recommendations with reasons (issue #7 point 3)."""

from __future__ import annotations

import email
from dataclasses import replace
from datetime import timedelta

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import select

from jangter.identity.orm import FirmLicence, Organisation
from jangter.kernel.clock import OffsetClock
from jangter.kernel.context import AppContext
from jangter.kernel.errors import DomainError
from jangter.kernel.mail import Mailer
from jangter.kernel.procurement import Category
from jangter.notifications.outbox import OutboxMail
from jangter.search import recommend, saved
from jangter.search.service import SearchRequest
from jangter.worker import run_due_events_once
from tests.smtp_sink import Sink, subject
from tests.support import DEADLINE, make_world


def alerts(ctx: AppContext) -> list[OutboxMail]:
    with ctx.db.reading() as session:
        return list(session.scalars(select(OutboxMail).where(OutboxMail.key.like("alert:%")).order_by(OutboxMail.id)))


def alert_mails(sink: Sink) -> list[email.message.Message]:
    return [m for m in sink.messages if "새 공고" in subject(m)]


def test_a_saved_search_belongs_to_its_person_and_says_what_is_wrong(ctx: AppContext) -> None:
    world = make_world(ctx, firms=2)
    me, other = world.firms
    saved_id = saved.save(ctx, me, "한강 정비", SearchRequest(text="정비", category=Category.WORKS), alert=True)
    [view] = saved.list_saved(ctx, me)
    assert (view.id, view.name, view.request.text, view.request.category, view.alert) == (
        saved_id,
        "한강 정비",
        "정비",
        Category.WORKS,
        True,
    )
    assert saved.list_saved(ctx, other) == []
    with pytest.raises(DomainError) as refused:
        saved.delete_saved(ctx, other, saved_id)
    assert refused.value.status == 404
    with pytest.raises(DomainError) as refused:
        saved.set_alert(ctx, other, saved_id, False)
    assert refused.value.status == 404
    for name, request, alert, code in (
        ("", SearchRequest(text="정비"), False, "name_required"),
        ("모든 공고", SearchRequest(), True, "alert_too_broad"),
    ):
        with pytest.raises(DomainError) as refused:
            saved.save(ctx, me, name, request, alert)
        assert refused.value.code == code
    saved.set_alert(ctx, me, saved_id, False)
    assert not saved.list_saved(ctx, me)[0].alert
    saved.delete_saved(ctx, me, saved_id)
    assert saved.list_saved(ctx, me) == []


def test_new_matching_notices_are_mailed_once_and_wait_while_the_mail_server_is_down(
    ctx: AppContext, clock: OffsetClock, smtp: tuple[Sink, Controller]
) -> None:
    sink, controller = smtp
    port = controller.port
    ctx = replace(ctx, mailer=Mailer("127.0.0.1", port, "Jangter <no-reply@jangter.test>", timeout_seconds=2))
    world = make_world(ctx, firms=1)
    before = world.publish(title="한강 둘레길 정비 (저장 전)")
    saved.save(ctx, world.firms[0], "정비 공고", SearchRequest(text="정비"), alert=True)
    clock.advance(timedelta(minutes=1))
    first = world.publish(title="한강 둘레길 정비")
    world.publish(title="청사 냉난방기 교체")  # does not match
    run_due_events_once(ctx)
    [mail] = alert_mails(sink)
    assert "한강 둘레길 정비" in subject(mail) and mail["To"] == "bid0@firm.kr"
    body = mail.get_payload(decode=True).decode("utf-8")  # type: ignore[union-attr]
    assert f"/notices/{first}" in body and before not in body
    clock.advance(timedelta(minutes=2))
    run_due_events_once(ctx)  # the next check looks back ten minutes, over the same notice: not sent twice
    assert len(alert_mails(sink)) == 1

    controller.stop()  # the mail server is away
    clock.advance(timedelta(minutes=1))
    second = world.publish(title="도로 정비 공사")
    run_due_events_once(ctx)
    waiting = [m for m in alerts(ctx) if m.sent_at is None]
    assert [second in m.body for m in waiting] == [True] and waiting[0].attempts == 1
    clock.advance(timedelta(minutes=5))
    restarted = Controller(sink, hostname="127.0.0.1", port=port)
    restarted.start()
    try:
        run_due_events_once(ctx)
        run_due_events_once(ctx)
    finally:
        restarted.stop()
    assert [("도로 정비 공사" in subject(m)) for m in alert_mails(sink)] == [False, True]
    assert [m.sent_at is not None for m in alerts(ctx)] == [True, True]
    assert saved.list_saved(ctx, world.firms[0])[0].sent == 2


def test_a_notice_the_index_had_not_reached_is_still_alerted_later(ctx: AppContext, clock: OffsetClock) -> None:
    """A notice published while the index lagged is found on a later pass (the check looks back; the key stops
    repeats): nothing is lost between the index and the alerts."""
    from jangter.search.orm import NoticeSearch, SearchQueue

    world = make_world(ctx, firms=1)
    saved.save(ctx, world.firms[0], "보안", SearchRequest(text="보안장비"), alert=True)
    clock.advance(timedelta(minutes=1))
    number = world.publish(title="청사 보안장비 구매")
    with ctx.uow() as uow:  # as if the catch-up after the commit had failed: out of the index, still queued
        notice_id = uow.session.scalars(select(NoticeSearch.notice_id)).one()
        uow.session.query(NoticeSearch).delete()
        uow.session.add(SearchQueue(notice_id=notice_id, queued_at=clock.now()))
        uow.commit()
    assert saved.run_alerts(ctx) == 0
    clock.advance(timedelta(minutes=2))
    run_due_events_once(ctx)  # catches the index up, then the alert finds it
    assert [number in m.body for m in alerts(ctx)] == [True]


def test_recommendations_follow_the_firms_categories_history_licences_and_region(ctx: AppContext) -> None:
    world = make_world(ctx, firms=1)
    firm = world.firms[0]
    with ctx.uow() as uow:  # goods and works only; head office in Seoul; one licence
        org = uow.session.get(Organisation, firm.org_id)
        assert org is not None
        org.supplies = "goods,works"
        uow.session.query(FirmLicence).filter(FirmLicence.org_id == firm.org_id).delete()
        uow.session.add(FirmLicence(org_id=firm.org_id, code="0003", name="토목공사업", number="서울-1"))
        uow.commit()
    earlier = world.publish(title="청사 냉난방기 교체 공사", category=Category.WORKS, a_value=0)
    world.bid(earlier, 0, 90_000_000, (1, 2))
    later = DEADLINE + timedelta(days=5)
    kwargs = {"deadline_at": later, "opening_at": later + timedelta(hours=1)}
    similar = world.publish(title="본관 냉난방기 정비", category=Category.WORKS, a_value=0, **kwargs)
    civil = world.publish(title="진입로 토목 보수", category=Category.WORKS, a_value=0, **kwargs)
    services = world.publish(title="냉난방기 점검 용역", category=Category.SERVICES, **kwargs)
    elsewhere = world.publish(title="냉난방기 교체", region="41", **kwargs)
    plain = world.publish(title="사무용 의자 구매", **kwargs)
    found = {r.notice.number: r for r in recommend.recommend(ctx, firm)}
    assert earlier not in found  # already bid
    assert services not in found and elsewhere not in found  # not registered for services; limited to Gyeonggi
    assert set(found) == {similar, civil, plain}
    order = [r.notice.number for r in recommend.recommend(ctx, firm)]
    assert order.index(similar) < order.index(plain) and order.index(civil) < order.index(plain)
    reasons = {n: " / ".join(x.ko for x in r.reasons) for n, r in found.items()}
    assert "입찰한 적 있는 기관" in reasons[similar] and "냉난방기" in reasons[similar]
    assert "보유 업종: 토목공사업" in reasons[civil]
    assert all(r.reasons for r in found.values())
    assert found[similar].reasons[0].text("en").startswith("An agency you have bid with")
