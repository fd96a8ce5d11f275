"""The helpdesk (고객지원, issue #9 point 4; koneps-rules §7.2, §8.2) as data and rules: kinds, categories and states
of a ticket, the checks of a filed ticket and its attachment, the service-level timers, and the counts by day.

After the next-generation Nara Jangter launch 38,208 reports came in 8 days (17,121 functional errors, 21,087
inquiries), mostly about signing in: the helpdesk must take a report from anyone, lose nothing, and show the
operators what is most urgent first. The service levels are the rule set's (``helpdesk``: [U], Jangter's own).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum

from jangter.kernel import states
from jangter.kernel.calendar import SEOUL, WorkingCalendar
from jangter.kernel.errors import DomainError, FieldProblem, ValidationProblems
from jangter.rules.domain import HelpdeskRules

SUBJECT_MAX = 200
BODY_MAX = 10_000
MESSAGE_MAX = 10_000
NAME_MAX = 100
EMAIL_MAX = 254
PAGE_MAX = 500
ATTACHMENT_MAX_BYTES = 5 * 1024 * 1024  # 5 MB
FAQ_QUESTION_MAX = 2_000
FAQ_ANSWER_MAX = 10_000


class TicketKind(StrEnum):
    INQUIRY = "inquiry"  # 문의
    ERROR_REPORT = "error_report"  # 오류 신고


class TicketCategory(StrEnum):
    REGISTRATION = "registration"  # 업체 등록
    AUTHENTICATION = "authentication"  # 로그인·인증
    BIDDING = "bidding"  # 입찰
    PAYMENT = "payment"  # 대금 지급
    SEARCH = "search"  # 검색
    OTHER = "other"  # 기타


class TicketStatus(StrEnum):
    NEW = "new"  # 접수
    ASSIGNED = "assigned"  # 처리 중 (an operator has it)
    ANSWERED = "answered"  # 답변 완료
    CLOSED = "closed"  # 종료


class TicketAction(StrEnum):
    ASSIGN = "assign"
    ANSWER = "answer"
    CLOSE = "close"
    REOPEN = "reopen"  # an operator reopens a closed ticket
    REPLY = "reply"  # the reporter writes again: an answered or closed ticket goes back to the operators


KIND_LABELS: dict[TicketKind, tuple[str, str]] = {
    TicketKind.INQUIRY: ("문의", "Inquiry"),
    TicketKind.ERROR_REPORT: ("오류 신고", "Error report"),
}

CATEGORY_LABELS: dict[TicketCategory, tuple[str, str]] = {
    TicketCategory.REGISTRATION: ("업체 등록", "Registration"),
    TicketCategory.AUTHENTICATION: ("로그인·인증", "Sign-in and authentication"),
    TicketCategory.BIDDING: ("입찰", "Bidding"),
    TicketCategory.PAYMENT: ("대금 지급", "Payment"),
    TicketCategory.SEARCH: ("검색", "Search"),
    TicketCategory.OTHER: ("기타", "Other"),
}

STATUS_LABELS: dict[TicketStatus, tuple[str, str]] = {
    TicketStatus.NEW: ("접수", "New"),
    TicketStatus.ASSIGNED: ("처리 중", "Assigned"),
    TicketStatus.ANSWERED: ("답변 완료", "Answered"),
    TicketStatus.CLOSED: ("종료", "Closed"),
}

ACTION_LABELS: dict[TicketAction, tuple[str, str]] = {
    TicketAction.ASSIGN: ("배정", "assign"),
    TicketAction.ANSWER: ("답변", "answer"),
    TicketAction.CLOSE: ("종료", "close"),
    TicketAction.REOPEN: ("재개", "reopen"),
    TicketAction.REPLY: ("추가 문의", "reply to"),
}

#: new → assigned → answered → closed; the reporter's reply (or an operator) reopens. Every act of an operator
#: that answers or closes assigns the ticket to them when nobody has it, so a reopened ticket always has someone.
TRANSITIONS: dict[tuple[TicketStatus, TicketAction], TicketStatus] = {
    (TicketStatus.NEW, TicketAction.ASSIGN): TicketStatus.ASSIGNED,
    (TicketStatus.ASSIGNED, TicketAction.ASSIGN): TicketStatus.ASSIGNED,
    (TicketStatus.ANSWERED, TicketAction.ASSIGN): TicketStatus.ANSWERED,
    (TicketStatus.NEW, TicketAction.ANSWER): TicketStatus.ANSWERED,
    (TicketStatus.ASSIGNED, TicketAction.ANSWER): TicketStatus.ANSWERED,
    (TicketStatus.ANSWERED, TicketAction.ANSWER): TicketStatus.ANSWERED,
    (TicketStatus.NEW, TicketAction.CLOSE): TicketStatus.CLOSED,
    (TicketStatus.ASSIGNED, TicketAction.CLOSE): TicketStatus.CLOSED,
    (TicketStatus.ANSWERED, TicketAction.CLOSE): TicketStatus.CLOSED,
    (TicketStatus.CLOSED, TicketAction.REOPEN): TicketStatus.ASSIGNED,
    (TicketStatus.NEW, TicketAction.REPLY): TicketStatus.NEW,
    (TicketStatus.ASSIGNED, TicketAction.REPLY): TicketStatus.ASSIGNED,
    (TicketStatus.ANSWERED, TicketAction.REPLY): TicketStatus.ASSIGNED,
    (TicketStatus.CLOSED, TicketAction.REPLY): TicketStatus.ASSIGNED,
}

#: The states in which the operators owe the reporter an answer.
AWAITING_ANSWER = frozenset({TicketStatus.NEW, TicketStatus.ASSIGNED})


def transition(status: TicketStatus, action: TicketAction) -> TicketStatus:
    """The next state, or ``ticket_cannot_<action>`` (409)."""
    return states.step(
        TRANSITIONS,
        status,
        action,
        kind="ticket",
        noun=("문의는", "ticket"),
        status_labels=STATUS_LABELS,
        action_labels=ACTION_LABELS,
    )


# --- what a reporter files ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Attachment:
    filename: str
    content: bytes


@dataclass(frozen=True)
class AttachmentType:
    media_type: str
    label: str


#: What may be attached: a screenshot, a PDF, a text file or a 한글 document (HWP, HWPX). The type is decided by
#: the file's name and checked against its first bytes; what the browser claims is not trusted.
ATTACHMENT_TYPES: dict[str, AttachmentType] = {
    "pdf": AttachmentType("application/pdf", "PDF"),
    "png": AttachmentType("image/png", "PNG"),
    "jpg": AttachmentType("image/jpeg", "JPG"),
    "jpeg": AttachmentType("image/jpeg", "JPG"),
    "txt": AttachmentType("text/plain; charset=utf-8", "TXT"),
    "hwp": AttachmentType("application/x-hwp", "HWP"),
    "hwpx": AttachmentType("application/hwp+zip", "HWPX"),
}

_MAGIC: dict[str, tuple[bytes, ...]] = {
    "pdf": (b"%PDF-",),
    "png": (b"\x89PNG\r\n\x1a\n",),
    "jpg": (b"\xff\xd8\xff",),
    "jpeg": (b"\xff\xd8\xff",),
    "hwp": (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",),  # HWP 5 is an OLE compound file
    "hwpx": (b"PK\x03\x04",),  # HWPX is a zip package (OWPML)
}


def _extension(filename: str) -> str:
    return filename.rpartition(".")[2].lower() if "." in filename else ""


def _readable_text(content: bytes) -> bool:
    for encoding in ("utf-8", "cp949"):  # Korean Windows writes text files in CP949
        try:
            content.decode(encoding)
        except UnicodeDecodeError:
            continue
        return b"\x00" not in content
    return False


def check_attachment(attachment: Attachment) -> AttachmentType:
    """The attachment's type, or a refusal next to the ``attachment`` field."""
    extension = _extension(attachment.filename)
    kinds = ", ".join(sorted({t.label for t in ATTACHMENT_TYPES.values()}))
    if extension not in ATTACHMENT_TYPES:
        raise DomainError(
            "attachment_type",
            f"첨부할 수 없는 파일 형식입니다. {kinds} 파일만 첨부할 수 있습니다.",
            f"This kind of file cannot be attached; attach a {kinds} file.",
            field="attachment",
            status=415,
        )
    if len(attachment.content) > ATTACHMENT_MAX_BYTES:
        mb = ATTACHMENT_MAX_BYTES // 1024 // 1024
        raise DomainError(
            "attachment_too_large",
            f"첨부 파일은 {mb}MB 이하여야 합니다. 화면 캡처는 PNG나 JPG로 줄여 첨부하십시오.",
            f"The attachment must be at most {mb} MB; shrink a screenshot to PNG or JPG.",
            field="attachment",
            status=413,
        )
    if not attachment.content:
        raise DomainError(
            "attachment_empty", "첨부 파일이 비어 있습니다.", "The attached file is empty.", field="attachment"
        )
    magic = _MAGIC.get(extension)
    matches = _readable_text(attachment.content) if magic is None else attachment.content.startswith(magic)
    if not matches:
        raise DomainError(
            "attachment_mismatch",
            f"파일 내용이 {ATTACHMENT_TYPES[extension].label} 형식이 아닙니다. 파일을 확인하십시오.",
            f"The file's content is not {ATTACHMENT_TYPES[extension].label}; check the file.",
            field="attachment",
            status=415,
        )
    return ATTACHMENT_TYPES[extension]


@dataclass(frozen=True)
class NewTicket:
    kind: TicketKind
    category: TicketCategory
    subject: str
    body: str
    name: str = ""  # the reporter's; taken from the session when signed in
    email: str = ""
    page_url: str = ""  # the page the ticket is about, as the reporter saw it
    notice: str = ""  # the notice it concerns (R26BK00000123 or R26BK00000123-000), optional
    attachment: Attachment | None = None


def _looks_like_email(value: str) -> bool:
    local, at, domain = value.partition("@")
    return bool(at and local and "." in domain and not domain.startswith(".") and " " not in value)


def _looks_like_page(value: str) -> bool:
    return value.startswith("/") or value.startswith(("http://", "https://"))


def check_ticket(ticket: NewTicket, *, signed_in: bool) -> None:
    """Every problem of a filed ticket at once, each next to its field (the notice's existence is the use case's)."""
    problems: list[FieldProblem] = []
    if not ticket.subject.strip():
        problems.append(FieldProblem("subject", "subject_required", "제목을 입력하십시오.", "Give a subject."))
    elif len(ticket.subject.strip()) > SUBJECT_MAX:
        problems.append(
            FieldProblem(
                "subject",
                "subject_too_long",
                f"제목은 {SUBJECT_MAX}자까지입니다.",
                f"At most {SUBJECT_MAX} characters.",
            )
        )
    if not ticket.body.strip():
        problems.append(
            FieldProblem(
                "body",
                "body_required",
                "내용을 입력하십시오. 무엇을 하려다 어떤 화면이나 메시지가 나왔는지 적어 주십시오.",
                "Describe it: what you were doing, and what you saw.",
            )
        )
    elif len(ticket.body) > BODY_MAX:
        problems.append(
            FieldProblem("body", "body_too_long", f"내용은 {BODY_MAX}자까지입니다.", f"At most {BODY_MAX} characters.")
        )
    if not signed_in:
        if not ticket.name.strip():
            problems.append(FieldProblem("name", "name_required", "이름을 입력하십시오.", "Give your name."))
        elif len(ticket.name.strip()) > NAME_MAX:
            problems.append(FieldProblem("name", "name_too_long", "이름이 너무 깁니다.", "The name is too long."))
        email = ticket.email.strip()
        if not email:
            problems.append(
                FieldProblem(
                    "email",
                    "email_required",
                    "답변을 받을 전자우편 주소를 입력하십시오.",
                    "Give the e-mail address for the answer.",
                )
            )
        elif len(email) > EMAIL_MAX or not _looks_like_email(email):
            problems.append(
                FieldProblem(
                    "email",
                    "email_invalid",
                    "전자우편 주소 형식이 올바르지 않습니다 (예: hong@example.kr).",
                    "That is not an e-mail address (e.g. hong@example.kr).",
                )
            )
    page = ticket.page_url.strip()
    if page and (len(page) > PAGE_MAX or not _looks_like_page(page)):
        problems.append(
            FieldProblem(
                "page_url",
                "page_url_invalid",
                "화면 주소는 /로 시작하거나 http(s)://로 시작해야 합니다.",
                "The page address must start with / or http(s)://.",
            )
        )
    if ticket.attachment is not None:
        try:
            check_attachment(ticket.attachment)
        except DomainError as exc:
            if not problems:
                raise  # the file alone is at fault: its own status (413 too large, 415 not a type we take)
            problems.extend(exc.problems())
    if problems:
        raise ValidationProblems(problems)


def check_message(text: str, field: str = "text") -> str:
    """A reply, an answer or a note: not empty, not too long."""
    if not text.strip():
        raise DomainError("message_required", "내용을 입력하십시오.", "Write something first.", field=field)
    if len(text) > MESSAGE_MAX:
        raise DomainError(
            "message_too_long", f"{MESSAGE_MAX}자까지입니다.", f"At most {MESSAGE_MAX} characters.", field=field
        )
    return text.strip()


def check_faq(question: str, answer: str) -> tuple[str, str]:
    problems: list[FieldProblem] = []
    if not question.strip():
        problems.append(FieldProblem("question", "question_required", "질문을 입력하십시오.", "Write the question."))
    elif len(question) > FAQ_QUESTION_MAX:
        problems.append(FieldProblem("question", "question_too_long", "질문이 너무 깁니다.", "Too long."))
    if not answer.strip():
        problems.append(FieldProblem("answer", "answer_required", "답변을 입력하십시오.", "Write the answer."))
    elif len(answer) > FAQ_ANSWER_MAX:
        problems.append(FieldProblem("answer", "answer_too_long", "답변이 너무 깁니다.", "Too long."))
    if problems:
        raise ValidationProblems(problems)
    return question.strip(), answer.strip()


# --- service levels ----------------------------------------------------------------------------------------------


def add_working_hours(
    calendar: WorkingCalendar, start: datetime, hours: int, *, day_start: int, day_end: int
) -> datetime:
    """``start`` plus ``hours`` of the helpdesk's working time: from ``day_start`` to ``day_end`` (Seoul) on working
    days. A ticket filed at night or on a holiday starts counting at the next working day's opening."""
    remaining = timedelta(hours=hours)
    local = start.astimezone(SEOUL)
    day = local.date()
    while True:
        opens = datetime(day.year, day.month, day.day, day_start, tzinfo=SEOUL)
        closes = (
            datetime(day.year, day.month, day.day, day_end, tzinfo=SEOUL)
            if day_end < 24
            else (datetime(day.year, day.month, day.day, tzinfo=SEOUL) + timedelta(days=1))
        )
        if calendar.is_working_day(day) and local < closes:
            begin = max(local, opens)
            available = closes - begin
            if remaining <= available:
                return (begin + remaining).astimezone(start.tzinfo)
            remaining -= available
        day += timedelta(days=1)
        local = datetime(day.year, day.month, day.day, tzinfo=SEOUL)


def due_after(rules: HelpdeskRules, calendar: WorkingCalendar, start: datetime, hours: int) -> datetime:
    """``hours`` after ``start`` in the rule set's counting: working hours or wall-clock hours."""
    if not rules.working_hours:
        return start + timedelta(hours=hours)
    return add_working_hours(calendar, start, hours, day_start=rules.day_start, day_end=rules.day_end)


@dataclass(frozen=True)
class Targets:
    first_response_due: datetime
    resolution_due: datetime


def targets(rules: HelpdeskRules, calendar: WorkingCalendar, kind: TicketKind, filed_at: datetime) -> Targets:
    """When a ticket filed at ``filed_at`` must have its first answer, and when it must be closed."""
    return Targets(
        due_after(rules, calendar, filed_at, rules.first_response_hours[kind.value]),
        due_after(rules, calendar, filed_at, rules.resolution_hours[kind.value]),
    )


def response_due_after_reply(
    rules: HelpdeskRules, calendar: WorkingCalendar, kind: TicketKind, replied_at: datetime
) -> datetime:
    """The reporter wrote again: the next answer is owed within the first-response time, counted from the reply."""
    return due_after(rules, calendar, replied_at, rules.first_response_hours[kind.value])


class TimerState(StrEnum):
    MET = "met"  # done in time
    MET_LATE = "met_late"  # done, after the target
    RUNNING = "running"
    SOON = "soon"  # less than an hour left
    OVERDUE = "overdue"
    OFF = "off"  # nothing is owed


@dataclass(frozen=True)
class Timer:
    state: TimerState
    due: datetime | None
    remaining: timedelta  # negative when overdue; zero when met or off

    @property
    def minutes(self) -> int:
        return int(self.remaining.total_seconds() // 60)


SOON = timedelta(hours=1)


def timer(due: datetime | None, done_at: datetime | None, now: datetime) -> Timer:
    """A service-level timer: met (in time or late) once done, else running, soon (under an hour) or overdue."""
    if due is None:
        return Timer(TimerState.OFF, None, timedelta(0))
    if done_at is not None:
        return Timer(TimerState.MET if done_at <= due else TimerState.MET_LATE, due, timedelta(0))
    left = due - now
    if left <= timedelta(0):
        return Timer(TimerState.OVERDUE, due, left)
    return Timer(TimerState.SOON if left <= SOON else TimerState.RUNNING, due, left)


@dataclass(frozen=True)
class Clocks:
    """What the queue needs of a ticket to say how urgent it is."""

    status: TicketStatus
    response_due: datetime | None  # the answer owed now (None when none is owed)
    resolution_due: datetime
    closed_at: datetime | None


def response_timer(c: Clocks, now: datetime) -> Timer:
    return timer(c.response_due if c.status in AWAITING_ANSWER else None, None, now)


def resolution_timer(c: Clocks, now: datetime) -> Timer:
    return timer(c.resolution_due, c.closed_at, now)


def urgency(c: Clocks, now: datetime) -> tuple[int, datetime]:
    """Sort key of the queue, most urgent first: tickets owed an answer by their answer's due time, then the
    answered ones by their resolution due time, the closed ones last."""
    if c.status is TicketStatus.CLOSED:
        return (2, c.closed_at or c.resolution_due)
    if c.status in AWAITING_ANSWER and c.response_due is not None:
        return (0, min(c.response_due, c.resolution_due))
    return (1, c.resolution_due)


# --- counts ------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class DayCount:
    day: date  # the Seoul day the tickets were filed
    category: TicketCategory
    kind: TicketKind
    count: int


def count_by_day(filed: Iterable[tuple[datetime, str, str]]) -> list[DayCount]:
    """(filed at (UTC), category, kind) rows → counts by Seoul day, category and kind, sorted; no zero rows."""
    counter: Counter[tuple[date, TicketCategory, TicketKind]] = Counter(
        (at.astimezone(SEOUL).date(), TicketCategory(category), TicketKind(kind)) for at, category, kind in filed
    )
    order = {c: i for i, c in enumerate(TicketCategory)}
    kinds = {k: i for i, k in enumerate(TicketKind)}
    keys = sorted(counter, key=lambda k: (k[0], order[k[1]], kinds[k[2]]))
    return [DayCount(day, category, kind, counter[(day, category, kind)]) for day, category, kind in keys]


# --- numbers -----------------------------------------------------------------------------------------------------

_NUMBER = re.compile(r"^HD\d{2}-\d{7}$")


def make_ticket_number(year: int, serial: int) -> str:
    """접수번호: ``HD`` + two-digit year + a serial of the year (``HD26-0000123``)."""
    if not 0 < serial < 10**7:
        raise ValueError(f"serial out of range: {serial}")
    return f"HD{year % 100:02d}-{serial:07d}"


def is_ticket_number(text: str) -> bool:
    return _NUMBER.match(text) is not None
