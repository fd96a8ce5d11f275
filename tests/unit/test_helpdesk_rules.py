"""The helpdesk's rules as pure functions (issue #9 point 4): the service-level targets counted in the helpdesk's
working hours ([U] rule-set values), the timers the queue shows, its urgency order, the ticket states, the checks
of a filed ticket and its attachment, and the counts by Seoul day."""

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

import pytest

from jangter.helpdesk.domain import (
    ATTACHMENT_MAX_BYTES,
    Attachment,
    Clocks,
    NewTicket,
    TicketAction,
    TicketCategory,
    TicketKind,
    TicketStatus,
    TimerState,
    add_working_hours,
    check_attachment,
    check_ticket,
    count_by_day,
    is_ticket_number,
    make_ticket_number,
    resolution_timer,
    response_due_after_reply,
    response_timer,
    targets,
    timer,
    transition,
    urgency,
)
from jangter.kernel.calendar import SEOUL, KoreanCalendar
from jangter.kernel.errors import Conflict, DomainError, ValidationProblems
from jangter.rules.domain import RuleSet

CAL = KoreanCalendar()


def kst(year: int, month: int, day: int, hour: int, minute: int) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=SEOUL)


def hours(start: datetime, n: int) -> datetime:
    return add_working_hours(CAL, start, n, day_start=9, day_end=18).astimezone(SEOUL)


def test_working_hours_count_from_9_to_18_on_working_days_only() -> None:
    monday = kst(2026, 11, 2, 10, 0)
    assert hours(monday, 4) == kst(2026, 11, 2, 14, 0)
    assert hours(monday, 9) == kst(2026, 11, 3, 10, 0)  # 8 hours today (10-18), the 9th tomorrow
    assert hours(kst(2026, 11, 2, 17, 30), 1) == kst(2026, 11, 3, 9, 30)  # half an hour today, half tomorrow
    assert hours(kst(2026, 11, 2, 7, 0), 2) == kst(2026, 11, 2, 11, 0)  # filed before opening: counts from 09:00
    assert hours(kst(2026, 11, 2, 22, 0), 2) == kst(2026, 11, 3, 11, 0)  # filed at night: from the next morning


def test_a_ticket_filed_on_friday_evening_is_due_on_monday_and_holidays_do_not_count() -> None:
    friday_evening = kst(2026, 11, 6, 19, 0)
    assert hours(friday_evening, 4) == kst(2026, 11, 9, 13, 0)
    # 추석 2026: 24-26 September (Thu-Sat), no substitute day: Wednesday 23rd's ticket waits until Monday 28th
    assert hours(kst(2026, 9, 23, 17, 0), 3) == kst(2026, 9, 28, 11, 0)


def test_the_end_of_a_working_day_is_the_last_instant_counted() -> None:
    assert hours(kst(2026, 11, 2, 10, 0), 8) == kst(2026, 11, 2, 18, 0)


def test_targets_are_the_rule_sets_per_kind(national: RuleSet) -> None:
    rules = national.helpdesk
    filed = kst(2026, 11, 2, 9, 0).astimezone(UTC)
    error = targets(rules, CAL, TicketKind.ERROR_REPORT, filed)
    inquiry = targets(rules, CAL, TicketKind.INQUIRY, filed)
    assert rules.working_hours and (rules.day_start, rules.day_end) == (9, 18)
    assert error.first_response_due == kst(2026, 11, 2, 9 + rules.first_response_hours["error_report"], 0)
    assert inquiry.first_response_due == kst(2026, 11, 2, 17, 0)  # 8 working hours
    assert inquiry.resolution_due == kst(2026, 11, 4, 18, 0)  # 27 working hours: three working days
    assert error.first_response_due < inquiry.first_response_due
    assert error.resolution_due < inquiry.resolution_due


def test_a_rule_set_may_count_wall_clock_hours(national: RuleSet) -> None:
    rules = replace(national.helpdesk, working_hours=False)
    filed = kst(2026, 11, 7, 22, 0)  # a Saturday night
    due = targets(rules, CAL, TicketKind.ERROR_REPORT, filed)
    assert due.first_response_due == filed + timedelta(hours=rules.first_response_hours["error_report"])


def test_a_reply_owes_a_new_answer_within_the_first_response_time(national: RuleSet) -> None:
    replied = kst(2026, 11, 3, 15, 0)
    assert response_due_after_reply(national.helpdesk, CAL, TicketKind.ERROR_REPORT, replied) == kst(2026, 11, 4, 10, 0)


def test_a_timer_runs_turns_soon_then_overdue_and_is_met_once_done() -> None:
    due = kst(2026, 11, 2, 13, 0)
    running = timer(due, None, kst(2026, 11, 2, 10, 0))
    assert running.state is TimerState.RUNNING and running.minutes == 180
    assert timer(due, None, kst(2026, 11, 2, 12, 30)).state is TimerState.SOON
    late = timer(due, None, kst(2026, 11, 2, 14, 15))
    assert late.state is TimerState.OVERDUE and late.minutes == -75
    assert timer(due, kst(2026, 11, 2, 12, 0), kst(2026, 11, 3, 9, 0)).state is TimerState.MET
    assert timer(due, kst(2026, 11, 2, 13, 1), kst(2026, 11, 3, 9, 0)).state is TimerState.MET_LATE
    assert timer(None, None, due).state is TimerState.OFF


def test_no_answer_is_owed_once_answered_and_the_resolution_timer_stops_when_closed() -> None:
    now = kst(2026, 11, 3, 9, 0)
    answered = Clocks(TicketStatus.ANSWERED, kst(2026, 11, 2, 13, 0), kst(2026, 11, 4, 12, 0), None)
    assert response_timer(answered, now).state is TimerState.OFF
    assert resolution_timer(answered, now).state is TimerState.RUNNING
    closed = replace(answered, status=TicketStatus.CLOSED, closed_at=kst(2026, 11, 3, 8, 0))
    assert resolution_timer(closed, now).state is TimerState.MET


def test_the_queue_puts_the_answer_owed_soonest_first_then_answered_then_closed() -> None:
    now = kst(2026, 11, 3, 9, 0)
    resolve = kst(2026, 11, 6, 9, 0)
    overdue = Clocks(TicketStatus.NEW, kst(2026, 11, 2, 13, 0), resolve, None)
    soon = Clocks(TicketStatus.ASSIGNED, kst(2026, 11, 3, 10, 0), resolve, None)
    later = Clocks(TicketStatus.NEW, kst(2026, 11, 3, 17, 0), resolve, None)
    answered = Clocks(TicketStatus.ANSWERED, None, kst(2026, 11, 3, 11, 0), None)  # resolution sooner, still after
    closed = Clocks(TicketStatus.CLOSED, None, kst(2026, 11, 2, 11, 0), kst(2026, 11, 2, 10, 0))
    ordered = sorted([closed, answered, later, soon, overdue], key=lambda c: urgency(c, now))
    assert ordered == [overdue, soon, later, answered, closed]


def test_the_ticket_states_follow_the_table() -> None:
    assert transition(TicketStatus.NEW, TicketAction.ASSIGN) is TicketStatus.ASSIGNED
    assert transition(TicketStatus.ASSIGNED, TicketAction.ANSWER) is TicketStatus.ANSWERED
    assert transition(TicketStatus.NEW, TicketAction.ANSWER) is TicketStatus.ANSWERED
    assert transition(TicketStatus.ANSWERED, TicketAction.CLOSE) is TicketStatus.CLOSED
    assert transition(TicketStatus.ANSWERED, TicketAction.REPLY) is TicketStatus.ASSIGNED  # the reporter reopens
    assert transition(TicketStatus.CLOSED, TicketAction.REPLY) is TicketStatus.ASSIGNED
    assert transition(TicketStatus.NEW, TicketAction.REPLY) is TicketStatus.NEW
    assert transition(TicketStatus.CLOSED, TicketAction.REOPEN) is TicketStatus.ASSIGNED
    for status, action in (
        (TicketStatus.CLOSED, TicketAction.ANSWER),
        (TicketStatus.CLOSED, TicketAction.CLOSE),
        (TicketStatus.CLOSED, TicketAction.ASSIGN),
        (TicketStatus.ANSWERED, TicketAction.REOPEN),
    ):
        with pytest.raises(Conflict) as refused:
            transition(status, action)
        assert refused.value.code == f"ticket_cannot_{action.value}" and refused.value.status == 409


def ticket(**changes: object) -> NewTicket:
    base = NewTicket(
        TicketKind.ERROR_REPORT,
        TicketCategory.AUTHENTICATION,
        "로그인이 안 됩니다",
        "공동인증서 로그인 후 빈 화면이 나옵니다.",
        name="홍길동",
        email="hong@example.kr",
        page_url="/login",
    )
    return replace(base, **changes)  # type: ignore[arg-type]


def test_a_ticket_without_an_account_needs_a_name_and_an_e_mail_and_says_every_problem_at_once() -> None:
    check_ticket(ticket(), signed_in=False)
    with pytest.raises(ValidationProblems) as refused:
        check_ticket(
            ticket(subject=" ", body="", name="", email="hong-at-example", page_url="javascript:x"), signed_in=False
        )
    assert {p.field: p.code for p in refused.value.problems} == {
        "subject": "subject_required",
        "body": "body_required",
        "name": "name_required",
        "email": "email_invalid",
        "page_url": "page_url_invalid",
    }
    check_ticket(ticket(name="", email=""), signed_in=True)  # the account's are used


PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def test_an_attachment_is_a_known_type_whose_content_matches_and_at_most_5_mb() -> None:
    assert check_attachment(Attachment("화면.png", PNG)).media_type == "image/png"
    assert check_attachment(Attachment("오류.PDF", b"%PDF-1.7\n...")).media_type == "application/pdf"
    assert check_attachment(Attachment("메모.txt", "오류 내용".encode("cp949"))).label == "TXT"
    assert check_attachment(Attachment("신청서.hwp", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 8)).label == "HWP"

    def code(name: str, content: bytes) -> tuple[str, int]:
        with pytest.raises(DomainError) as refused:
            check_attachment(Attachment(name, content))
        assert refused.value.field == "attachment"
        return refused.value.code, refused.value.status

    assert code("setup.exe", b"MZ") == ("attachment_type", 415)
    assert code("화면.png", b"GIF89a") == ("attachment_mismatch", 415)  # renamed: the content decides
    assert code("big.png", PNG + b"\x00" * ATTACHMENT_MAX_BYTES) == ("attachment_too_large", 413)
    assert code("빈.txt", b"") == ("attachment_empty", 422)
    with pytest.raises(DomainError) as big:
        check_attachment(Attachment("a.jpg", b"\xff\xd8\xff" * 2_000_000))
    assert "5MB" in big.value.message("ko") and "5 MB" in big.value.message("en")


def test_counts_are_by_seoul_day_category_and_kind() -> None:
    late_utc = datetime(2026, 11, 2, 15, 30, tzinfo=UTC)  # 00:30 on 3 November in Seoul
    rows = count_by_day(
        [
            (datetime(2026, 11, 2, 1, 0, tzinfo=UTC), "authentication", "error_report"),
            (datetime(2026, 11, 2, 2, 0, tzinfo=UTC), "authentication", "error_report"),
            (datetime(2026, 11, 2, 3, 0, tzinfo=UTC), "authentication", "inquiry"),
            (late_utc, "bidding", "inquiry"),
        ]
    )
    assert [(r.day, r.category.value, r.kind.value, r.count) for r in rows] == [
        (date(2026, 11, 2), "authentication", "inquiry", 1),
        (date(2026, 11, 2), "authentication", "error_report", 2),
        (date(2026, 11, 3), "bidding", "inquiry", 1),
    ]


def test_ticket_numbers_carry_the_year_and_a_serial() -> None:
    assert make_ticket_number(2026, 123) == "HD26-0000123"
    assert is_ticket_number("HD26-0000123") and not is_ticket_number("HD26-123") and not is_ticket_number("x")
