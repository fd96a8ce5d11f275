"""The helpdesk on a real database (issue #9 point 4): anyone files an inquiry or an error report, follows it with
a secret link or under their account; operators assign, answer, note, close; the reporter's reply reopens; the
reporter is mailed over real SMTP, once per event; answered inquiries become FAQ entries; counts by Seoul day."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, timedelta

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import func, select

from jangter.helpdesk import faq, queue, tickets
from jangter.helpdesk.counts import counts_by_category_and_day
from jangter.helpdesk.domain import Attachment, NewTicket, TicketAction, TicketCategory, TicketKind, TicketStatus
from jangter.helpdesk.orm import TicketMessage
from jangter.kernel.audit import AuditRecord
from jangter.kernel.calendar import SEOUL
from jangter.kernel.clock import OffsetClock
from jangter.kernel.context import AppContext
from jangter.kernel.errors import DomainError, ValidationProblems
from jangter.kernel.idempotency import IdempotencyClaim
from jangter.kernel.mail import Mailer
from jangter.notifications.outbox import OutboxMail, deliver_due
from tests.smtp_sink import Sink, subject
from tests.support import make_world

PNG = b"\x89PNG\r\n\x1a\n" + b"\x01" * 200


def login_trouble(**changes: object) -> NewTicket:
    base = NewTicket(
        TicketKind.ERROR_REPORT,
        TicketCategory.AUTHENTICATION,
        "공동인증서 로그인 후 빈 화면",
        "로그인 버튼을 누르면 흰 화면만 나옵니다. 크롬 130, 윈도우 11.",
        name="김민원",
        email="minwon@example.kr",
        page_url="/login",
    )
    return replace(base, **changes)  # type: ignore[arg-type]


def near(a: datetime | None, b: datetime) -> bool:
    """The same instant give or take the seconds the test itself takes (the clock runs at real speed)."""
    return a is not None and abs(a - b) < timedelta(minutes=1)


def mails(ctx: AppContext) -> list[OutboxMail]:
    with ctx.db.reading() as session:
        return list(session.scalars(select(OutboxMail).order_by(OutboxMail.id)).all())


def test_anyone_files_a_ticket_and_follows_it_with_the_secret_link_only(ctx: AppContext) -> None:
    world = make_world(ctx, firms=1)
    notice = world.publish()
    filed = tickets.file_ticket(
        ctx, None, login_trouble(notice=f"{notice}-000", attachment=Attachment("화면.png", PNG))
    )
    assert filed.number.startswith("HD26-") and len(filed.key) >= 22
    view = tickets.get_ticket(ctx, None, filed.number, filed.key)
    assert view.status is TicketStatus.NEW and view.notice == notice and view.page_url == "/login"
    assert view.reporter_email == "minwon@example.kr" and not view.for_operator
    assert view.attachment is not None and view.attachment.media_type == "image/png"
    assert tickets.attachment_file(ctx, None, filed.number, filed.key).content == PNG
    # filed at 09:00 on a working Monday: an error report's first answer is owed 4 working hours later
    assert near(view.first_response_due, datetime(2026, 11, 2, 13, 0, tzinfo=SEOUL))
    for key in (None, "", filed.key[:-1] + ("A" if filed.key[-1] != "A" else "B")):
        with pytest.raises(DomainError) as refused:
            tickets.get_ticket(ctx, None, filed.number, key)
        assert refused.value.code == "ticket_not_found" and refused.value.status == 404
    with pytest.raises(DomainError):  # another signed-in person without the key
        tickets.get_ticket(ctx, world.firms[0], filed.number)
    [ack] = [m for m in mails(ctx) if m.to_addr == "minwon@example.kr"]
    assert ack.to_addr == "minwon@example.kr" and filed.number in ack.subject
    assert f"/help/tickets/{filed.number}?key={filed.key}" in ack.body


def test_a_signed_in_reporter_files_under_the_account_and_finds_it_under_my_tickets(ctx: AppContext) -> None:
    world = make_world(ctx, firms=1)
    bidder = world.firms[0]
    filed = tickets.file_ticket(ctx, bidder, login_trouble(name="", email=""))
    view = tickets.get_ticket(ctx, bidder, filed.number)
    assert view.reporter_email == "bid0@firm.kr" and view.reporter_name == bidder.name and view.signed_in_reporter
    assert [s.number for s in tickets.my_tickets(ctx, bidder)] == [filed.number]
    assert tickets.my_tickets(ctx, world.officer) == []


def test_the_notice_must_exist_and_be_public_and_every_problem_is_named_at_once(ctx: AppContext) -> None:
    world = make_world(ctx, firms=0)
    draft = world.draft()
    for reference in ("R26BK99999999", draft, "엉터리"):
        with pytest.raises(DomainError) as refused:
            tickets.file_ticket(ctx, None, login_trouble(notice=reference))
        assert refused.value.code == "ticket_notice_not_found" and refused.value.field == "notice"
    with pytest.raises(ValidationProblems) as problems:
        tickets.file_ticket(ctx, None, login_trouble(subject="", email="없음", attachment=Attachment("a.exe", b"MZ")))
    assert {p.field for p in problems.value.problems} == {"subject", "email", "attachment"}
    with ctx.db.reading() as session:
        assert (
            session.scalar(select(func.count()).select_from(AuditRecord).where(AuditRecord.entity_type == "ticket"))
            == 0
        )


def test_operators_assign_answer_and_close_and_the_reporter_is_mailed_once_per_event(
    ctx: AppContext, clock: OffsetClock, smtp: tuple[Sink, Controller]
) -> None:
    sink, controller = smtp
    world = make_world(ctx, firms=0)
    mailing = replace(ctx, mailer=Mailer("127.0.0.1", controller.port, "Jangter <help@jangter.test>"))
    filed = tickets.file_ticket(ctx, None, login_trouble())
    queue.assign(ctx, world.operator, filed.number)
    queue.add_note(ctx, world.operator, filed.number, "인증서 모듈 버전 확인 필요")
    clock.advance(timedelta(hours=1))
    claim = IdempotencyClaim(world.operator.person_id, f"POST /tickets/{filed.number}/answer", "k-1", "h")
    first = queue.answer(ctx, world.operator, filed.number, "브라우저 캐시를 지운 뒤 다시 로그인해 주십시오.", claim)
    again = queue.answer(ctx, world.operator, filed.number, "브라우저 캐시를 지운 뒤 다시 로그인해 주십시오.", claim)
    assert first == again  # a retried answer is the same answer: one message, one mail
    reporter = tickets.get_ticket(ctx, None, filed.number, filed.key)
    assert reporter.status is TicketStatus.ANSWERED and reporter.response.state.value == "off"
    assert [m.kind for m in reporter.messages] == ["answer"]  # the internal note is not shown
    assert reporter.messages[0].author == "장터 고객지원"
    operator_view = tickets.get_ticket(ctx, world.operator, filed.number)
    assert [m.kind for m in operator_view.messages] == ["note", "answer"]
    assert operator_view.assignee_name == world.operator.name
    assert near(operator_view.first_answered_at, clock.now())

    assert deliver_due(mailing) == (3, 0)  # filed, assigned, answered
    assert deliver_due(mailing) == (0, 0)
    subjects = [subject(m) for m in sink.messages]
    assert all(filed.number in s for s in subjects) and len(subjects) == 3
    answer_body = sink.messages[2].get_payload(decode=True).decode("utf-8")  # type: ignore[union-attr]
    assert "브라우저 캐시를 지운 뒤" in answer_body and f"key={filed.key}" in answer_body
    assert "인증서 모듈" not in "".join(m.get_payload(decode=True).decode("utf-8") for m in sink.messages)  # type: ignore[union-attr]

    assert queue.change_status(ctx, world.operator, filed.number, TicketAction.CLOSE) is TicketStatus.CLOSED
    with pytest.raises(DomainError) as refused:
        queue.change_status(ctx, world.operator, filed.number, TicketAction.CLOSE)
    assert refused.value.code == "ticket_cannot_close" and refused.value.status == 409
    assert deliver_due(mailing) == (1, 0)
    assert "종료" in subject(sink.messages[-1])


def test_the_reporters_reply_reopens_the_ticket_and_owes_a_new_answer(ctx: AppContext, clock: OffsetClock) -> None:
    world = make_world(ctx, firms=0)
    filed = tickets.file_ticket(ctx, None, login_trouble(kind=TicketKind.INQUIRY))
    queue.answer(ctx, world.operator, filed.number, "인증서를 다시 발급받으십시오.")
    clock.set(datetime(2026, 11, 3, 15, 0, tzinfo=SEOUL))
    tickets.reply(ctx, None, filed.number, "다시 발급받아도 같습니다.", filed.key)
    view = tickets.get_ticket(ctx, world.operator, filed.number)
    assert view.status is TicketStatus.ASSIGNED and view.assignee_id == world.operator.person_id
    assert near(view.response.due, datetime(2026, 11, 4, 14, 0, tzinfo=SEOUL))  # 8 working hours after the reply
    queue.change_status(ctx, world.operator, filed.number, TicketAction.CLOSE)
    tickets.reply(ctx, None, filed.number, "아직 안 됩니다.", filed.key)
    view = tickets.get_ticket(ctx, None, filed.number, filed.key)
    assert view.status is TicketStatus.ASSIGNED and view.closed_at is None
    with pytest.raises(DomainError) as refused:
        tickets.reply(ctx, world.operator, filed.number, "운영자는 답변으로")
    assert refused.value.status == 404


def test_only_operators_work_the_queue_and_a_refusal_writes_nothing(ctx: AppContext) -> None:
    world = make_world(ctx, firms=1)
    filed = tickets.file_ticket(ctx, None, login_trouble())
    with ctx.db.reading() as session:
        before = session.scalar(select(func.count()).select_from(AuditRecord))
    for act in (
        lambda: queue.assign(ctx, world.firms[0], filed.number),
        lambda: queue.answer(ctx, world.officer, filed.number, "답"),
        lambda: queue.queue(ctx, world.firms[0], queue.QueueFilter()),
        lambda: queue.assign(ctx, world.operator, filed.number, world.officer.person_id),  # not an operator
    ):
        with pytest.raises(DomainError):
            act()
    with ctx.db.reading() as session:
        assert session.scalar(select(func.count()).select_from(AuditRecord)) == before
        assert session.scalar(select(func.count()).select_from(TicketMessage)) == 0


def test_the_queue_is_filtered_and_the_answer_owed_soonest_comes_first(ctx: AppContext, clock: OffsetClock) -> None:
    world = make_world(ctx, firms=0)
    inquiry = tickets.file_ticket(ctx, None, login_trouble(kind=TicketKind.INQUIRY, category=TicketCategory.BIDDING))
    clock.advance(timedelta(hours=1))
    error = tickets.file_ticket(ctx, None, login_trouble())  # filed later, but owed an answer sooner
    clock.advance(timedelta(minutes=5))
    answered = tickets.file_ticket(ctx, None, login_trouble(category=TicketCategory.SEARCH))
    queue.answer(ctx, world.operator, answered.number, "검색어를 두 글자 이상 입력하십시오.")
    rows = queue.queue(ctx, world.operator, queue.QueueFilter())
    assert [r.number for r in rows] == [error.number, inquiry.number, answered.number]
    assert rows[0].response.state.value == "running"
    bidding = queue.queue(ctx, world.operator, queue.QueueFilter(category=TicketCategory.BIDDING))
    assert [r.number for r in bidding] == [inquiry.number]
    mine = queue.queue(ctx, world.operator, queue.QueueFilter(assignee="me"))
    assert [r.number for r in mine] == [answered.number]
    nobody = queue.queue(ctx, world.operator, queue.QueueFilter(assignee="none"))
    assert {r.number for r in nobody} == {error.number, inquiry.number}
    clock.set(datetime(2026, 11, 2, 14, 5, tzinfo=SEOUL))
    overdue = queue.queue(ctx, world.operator, queue.QueueFilter(status=TicketStatus.NEW))
    assert overdue[0].number == error.number and overdue[0].response.state.value == "overdue"


def test_counts_by_category_and_day_use_seoul_days(ctx: AppContext, clock: OffsetClock) -> None:
    make_world(ctx, firms=0)
    clock.set(datetime(2026, 11, 2, 23, 50, tzinfo=SEOUL))  # 14:50 UTC on the 2nd
    tickets.file_ticket(ctx, None, login_trouble())
    tickets.file_ticket(ctx, None, login_trouble(kind=TicketKind.INQUIRY))
    clock.set(datetime(2026, 11, 3, 0, 10, tzinfo=SEOUL))  # 15:10 UTC on the 2nd, but the 3rd in Seoul
    tickets.file_ticket(ctx, None, login_trouble())
    tickets.file_ticket(ctx, None, login_trouble(category=TicketCategory.PAYMENT))
    rows = counts_by_category_and_day(ctx, date(2026, 11, 2), date(2026, 11, 3))
    assert [(r.day.day, r.category.value, r.kind.value, r.count) for r in rows] == [
        (2, "authentication", "inquiry", 1),
        (2, "authentication", "error_report", 1),
        (3, "authentication", "error_report", 1),
        (3, "payment", "error_report", 1),
    ]
    assert [r.day.day for r in counts_by_category_and_day(ctx, date(2026, 11, 3), date(2026, 11, 3))] == [3, 3]
    assert counts_by_category_and_day(ctx, date(2026, 11, 4), date(2026, 11, 1)) == []


def test_an_answered_inquiry_becomes_an_faq_entry_anyone_can_search(ctx: AppContext) -> None:
    world = make_world(ctx, firms=0)
    filed = tickets.file_ticket(
        ctx, None, login_trouble(kind=TicketKind.INQUIRY, category=TicketCategory.BIDDING, subject="입찰보증금 면제?")
    )
    with pytest.raises(DomainError) as refused:
        faq.publish_from_ticket(ctx, world.operator, filed.number, "질문", "답변")
    assert refused.value.code == "faq_needs_answer"
    queue.answer(ctx, world.operator, filed.number, "지급각서로 갈음합니다 (김민원님).")
    draft = faq.draft_from_ticket(ctx, world.operator, filed.number)
    assert "입찰보증금 면제?" in draft.question and "김민원" in draft.answer
    entry = faq.publish_from_ticket(
        ctx, world.operator, filed.number, "입찰보증금을 내야 하나요?", "지급각서로 갈음합니다."
    )
    with pytest.raises(DomainError) as twice:
        faq.publish_from_ticket(ctx, world.operator, filed.number, "또", "또")
    assert twice.value.code == "faq_exists"
    assert [e.id for e in faq.list_faq(ctx, q="지급각서")] == [entry]
    assert faq.list_faq(ctx, q="김민원") == []  # the edited text is what is public
    assert faq.list_faq(ctx, category=TicketCategory.SEARCH) == []
    assert tickets.get_ticket(ctx, world.operator, filed.number).faq_id == entry
    faq.withdraw(ctx, world.operator, entry)
    assert faq.list_faq(ctx) == []


def test_canned_answers_are_added_listed_and_removed_by_operators(ctx: AppContext) -> None:
    world = make_world(ctx, firms=0)
    with pytest.raises(ValidationProblems) as refused:
        queue.add_canned(ctx, world.operator, "", "")
    assert {p.field for p in refused.value.problems} == {"title", "body"}
    made = queue.add_canned(
        ctx, world.operator, "캐시 삭제 안내", "브라우저 캐시를 지워 주십시오.", TicketCategory.AUTHENTICATION
    )
    assert [c.id for c in queue.canned_answers(ctx, world.operator)] == [made]
    with pytest.raises(DomainError):
        queue.canned_answers(ctx, world.officer)
    queue.remove_canned(ctx, world.operator, made)
    assert queue.canned_answers(ctx, world.operator) == []
