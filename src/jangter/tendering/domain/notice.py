"""The life of a bid notice as data: states, actions and the transitions between them (DESIGN §2).

``draft → published → closed → opened → awarded``; ``closed → failed`` when the opening finds fewer than two
valid bids or no bid that can win; ``published | closed → cancelled``; ``published → published`` on amendment
(the 차수 goes up); ``failed → published`` on re-announcement (a new 차수 and a new bidding round) and on re-bid
(the same 차수, a new round with the same preliminary prices); ``failed → awarded`` by a private contract when the
rules allow it (``evaluation/domain/failed_bids.py``).
"""

from __future__ import annotations

from enum import StrEnum

from jangter.kernel.states import step


class NoticeStatus(StrEnum):
    DRAFT = "draft"
    PUBLISHED = "published"
    CLOSED = "closed"
    OPENED = "opened"
    AWARDED = "awarded"
    FAILED = "failed"
    CANCELLED = "cancelled"


class NoticeAction(StrEnum):
    EDIT = "edit"
    PUBLISH = "publish"
    AMEND = "amend"
    CANCEL = "cancel"
    CLOSE = "close"
    OPEN = "open"
    FAIL = "fail"
    AWARD = "award"
    REANNOUNCE = "reannounce"
    REBID = "rebid"
    PRIVATE_CONTRACT = "private_contract"
    POSTPONE = "postpone"  # after a system incident (koneps-rules §2.6)


class NoticeKind(StrEnum):
    """공고종류 as the Korean open API names it (``ntceKindNm``)."""

    REGISTRATION = "registration"  # 등록공고
    CHANGE = "change"  # 변경공고 (정정)
    REANNOUNCEMENT = "reannouncement"  # 재공고


S, A = NoticeStatus, NoticeAction

TRANSITIONS: dict[tuple[NoticeStatus, NoticeAction], NoticeStatus] = {
    (S.DRAFT, A.EDIT): S.DRAFT,
    (S.DRAFT, A.PUBLISH): S.PUBLISHED,
    (S.PUBLISHED, A.AMEND): S.PUBLISHED,
    (S.PUBLISHED, A.CANCEL): S.CANCELLED,
    (S.PUBLISHED, A.CLOSE): S.CLOSED,
    (S.PUBLISHED, A.POSTPONE): S.PUBLISHED,
    (S.CLOSED, A.POSTPONE): S.PUBLISHED,  # closed in the outage, not yet opened: takes bids again
    (S.CLOSED, A.CANCEL): S.CANCELLED,
    (S.CLOSED, A.OPEN): S.OPENED,
    (S.CLOSED, A.FAIL): S.FAILED,
    (S.OPENED, A.AWARD): S.AWARDED,
    (S.OPENED, A.FAIL): S.FAILED,  # the qualification review found no bid that passes
    (S.FAILED, A.REANNOUNCE): S.PUBLISHED,
    (S.FAILED, A.REBID): S.PUBLISHED,
    (S.FAILED, A.PRIVATE_CONTRACT): S.AWARDED,
}

STATUS_LABELS: dict[NoticeStatus, tuple[str, str]] = {
    S.DRAFT: ("작성중", "Draft"),
    S.PUBLISHED: ("공고중", "Open for bids"),
    S.CLOSED: ("마감", "Closed"),
    S.OPENED: ("개찰완료", "Opened"),
    S.AWARDED: ("낙찰", "Awarded"),
    S.FAILED: ("유찰", "Failed"),
    S.CANCELLED: ("취소", "Cancelled"),
}

KIND_LABELS: dict[NoticeKind, tuple[str, str]] = {
    NoticeKind.REGISTRATION: ("등록공고", "New notice"),
    NoticeKind.CHANGE: ("변경공고", "Amended notice"),
    NoticeKind.REANNOUNCEMENT: ("재공고", "Re-announced notice"),
}

_ACTION_LABELS: dict[NoticeAction, tuple[str, str]] = {
    A.EDIT: ("수정", "edit"),
    A.PUBLISH: ("게시", "publish"),
    A.AMEND: ("정정", "amend"),
    A.CANCEL: ("취소", "cancel"),
    A.CLOSE: ("마감", "close"),
    A.OPEN: ("개찰", "open"),
    A.FAIL: ("유찰 처리", "declare failed"),
    A.AWARD: ("낙찰자 결정", "award"),
    A.REANNOUNCE: ("재공고", "re-announce"),
    A.REBID: ("재입찰", "re-bid"),
    A.PRIVATE_CONTRACT: ("수의계약", "private contract"),
    A.POSTPONE: ("장애 연기", "postpone after an incident"),
}


def can(status: NoticeStatus, action: NoticeAction) -> bool:
    return (status, action) in TRANSITIONS


def transition(status: NoticeStatus, action: NoticeAction) -> NoticeStatus:
    """The next state, or a refusal with a stable code that says which state forbids the action."""
    return step(
        TRANSITIONS,
        status,
        action,
        kind="notice",
        noun=("공고는", "notice"),
        status_labels=STATUS_LABELS,
        action_labels=_ACTION_LABELS,
    )
