"""E-mail through the outbox over real SMTP (a local ``aiosmtpd``): the firm hears of the operator's decision
(issue #6 point 1); messages wait while the mail server is down and go once it is back, once each."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from typing import Any

from aiosmtpd.controller import Controller
from sqlalchemy import select

from jangter.identity.domain.roles import RegistrationStatus
from jangter.identity.service import register_firm, review_firm
from jangter.kernel.clock import OffsetClock
from jangter.kernel.context import AppContext
from jangter.kernel.mail import Mailer
from jangter.notifications.outbox import OutboxMail, deliver_due
from tests.smtp_sink import Sink, subject
from tests.support import firm_registration, make_world


def apply(ctx: AppContext, operator: Any, name: str, number: str) -> int:
    return register_firm(ctx, firm_registration(name, number, f"admin-{number}@firm.kr"))


def test_the_firm_is_told_of_the_decision_by_e_mail_once(ctx: AppContext, smtp: tuple[Sink, Controller]) -> None:
    sink, controller = smtp
    world = make_world(ctx, firms=0)
    mailing = replace(ctx, mailer=Mailer("127.0.0.1", controller.port, "Jangter <no-reply@jangter.test>"))
    firm = apply(ctx, world.operator, "새벽건설 주식회사", "220870001")
    review_firm(ctx, world.operator, firm, RegistrationStatus.ON_HOLD, "법인등기부등본이 흐립니다")
    assert deliver_due(mailing) == (1, 0)
    [held] = sink.messages
    assert "보류" in subject(held) and held["To"] == "admin-220870001@firm.kr"
    body = held.get_payload(decode=True).decode("utf-8")  # type: ignore[union-attr]
    assert "새벽건설 주식회사" in body and "법인등기부등본이 흐립니다" in body and "on hold" in body
    assert deliver_due(mailing) == (0, 0)  # sent once
    assert len(sink.messages) == 1


def test_a_message_waits_while_the_mail_server_is_down_and_goes_when_it_is_back(
    ctx: AppContext, clock: OffsetClock, smtp: tuple[Sink, Controller]
) -> None:
    sink, controller = smtp
    port = controller.port
    world = make_world(ctx, firms=0)
    mailing = replace(ctx, mailer=Mailer("127.0.0.1", port, "Jangter <no-reply@jangter.test>", timeout_seconds=2))
    firm = apply(ctx, world.operator, "한빛상사", "220870002")
    controller.stop()  # the mail server is away
    review_firm(ctx, world.operator, firm, RegistrationStatus.APPROVED, None)
    assert deliver_due(mailing) == (0, 1)
    with ctx.db.reading() as session:
        [row] = session.scalars(select(OutboxMail)).all()
    assert row.sent_at is None and row.attempts == 1 and row.next_attempt_at > clock.now()
    assert row.last_error
    assert deliver_due(mailing) == (0, 0)  # not due again before its back-off
    clock.set(clock.now() + timedelta(minutes=3))
    restarted = Controller(sink, hostname="127.0.0.1", port=port)
    restarted.start()
    try:
        assert deliver_due(mailing) == (1, 0)
        assert deliver_due(mailing) == (0, 0)
    finally:
        restarted.stop()
    [approved] = sink.messages
    assert "승인" in subject(approved) and approved["Message-ID"].startswith("<outbox-")


def test_without_a_mail_server_configured_messages_wait_in_the_outbox(ctx: AppContext) -> None:
    world = make_world(ctx, firms=0)
    firm = apply(ctx, world.operator, "우리기술", "220870003")
    review_firm(ctx, world.operator, firm, RegistrationStatus.REJECTED, "업종 불일치")
    assert ctx.mailer is None and deliver_due(ctx) == (0, 0)
    with ctx.db.reading() as session:
        [row] = session.scalars(select(OutboxMail)).all()
    assert row.sent_at is None and "반려" in row.subject
