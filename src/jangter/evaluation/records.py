"""How an award-stage act is recorded: one audit record and one public-log event, in the caller's transaction."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from jangter.evaluation.domain.ranking import FailureReason
from jangter.evaluation.orm import Opening
from jangter.identity.domain.roles import Actor
from jangter.identity.service import audit_actor
from jangter.kernel import audit, translog
from jangter.tendering.domain.notice import NoticeAction, NoticeStatus, transition
from jangter.tendering.orm import Notice


def record(
    session: Session, official: Actor, now: datetime, number: str, action: str, log_kind: str, event: dict[str, Any]
) -> None:
    audit.record(
        session,
        at=now,
        actor=audit_actor(official),
        action=action,
        entity_type="notice",
        entity_id=number,
        after=event,
    )
    translog.append(session, log_kind, number, event, now)


def fail_after_opening(notice: Notice, opening: Opening, now: datetime, event: dict[str, Any]) -> None:
    """No bid can be awarded after all (every reviewed bid failed the review, every negotiation broke off)."""
    notice.status = transition(NoticeStatus(notice.status), NoticeAction.FAIL).value
    opening.failure_reason = FailureReason.NO_ELIGIBLE_BID.value
    notice.updated_at = now
    event["failed"] = True
