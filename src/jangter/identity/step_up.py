"""Step-up: decisive acts from a browser need a fresh user verification (a passkey with fingerprint, face or PIN)
within the window the rule set gives (koneps-rules §1.4: one fingerprint login valid 30 minutes; security.md
AT-15: a stale session must re-authenticate).

API tokens of machine clients are not asked: their bids carry the firm's own signature, made with the key the
company administrator registered (ADR 0003), and their tokens are issued for that purpose.
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from jangter.identity import security_log
from jangter.identity.domain.roles import Actor
from jangter.identity.orm import Passkey
from jangter.kernel.context import AppContext, StepUpPolicy
from jangter.kernel.errors import DomainError


def needs_step_up(ctx: AppContext, actor: Actor, window_minutes: int) -> bool:
    if ctx.step_up is StepUpPolicy.OFF or actor.session_kind != "browser":
        return False
    now = ctx.clock.now()
    if actor.verified_at is not None and now - actor.verified_at < timedelta(minutes=window_minutes):
        return False
    if actor.fallback_until is not None and now < actor.fallback_until:  # an exception by the fallback path
        return False
    return member_must_verify(ctx, actor.person_id)


def member_must_verify(ctx: AppContext, person_id: int) -> bool:
    """Whether this person must verify afresh under the policy: always (required), only when they have a passkey
    (registered), never (off)."""
    if ctx.step_up is StepUpPolicy.OFF:
        return False
    if ctx.step_up is StepUpPolicy.REQUIRED:
        return True
    with ctx.db.reading() as session:  # REGISTERED: only people who can do it are asked
        return session.scalar(select(Passkey.id).where(Passkey.person_id == person_id).limit(1)) is not None


def step_up_required(window_minutes: int) -> DomainError:
    return DomainError(
        "step_up_required",
        f"본인 확인이 필요합니다: 최근 {window_minutes}분 안에 패스키(지문·얼굴·PIN)로 확인한 적이 없습니다. "
        "'패스키로 본인 확인'을 누른 뒤 다시 하십시오.",
        f"An identity check is needed: this session has not been verified with a passkey (fingerprint, face or "
        f"PIN) in the last {window_minutes} minutes. Use 'Verify with a passkey', then try again.",
        field="step_up",
        status=403,
    )


def require_fresh(
    ctx: AppContext,
    actor: Actor,
    window_minutes: int,
    *,
    act: str,
    subject: str,
    where: security_log.Where | None = None,
) -> None:
    """Refuse a decisive act (a bid, an opening, an award) from a stale browser session; the refusal is logged."""
    if not needs_step_up(ctx, actor, window_minutes):
        return
    security_log.record(
        ctx,
        kind="step_up",
        outcome=security_log.Outcome.REFUSED,
        where=where,
        person_id=actor.person_id,
        org_id=actor.org_id,
        subject=subject,
        detail={"act": act, "window_minutes": window_minutes, "rule": "identity.step_up_minutes"},
    )
    raise step_up_required(window_minutes)
