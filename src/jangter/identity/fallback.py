"""The fallback path: an authenticator app (TOTP, RFC 6238, with ``pyotp``) and one-time recovery codes.

A passkey is the normal step-up. When it is not at hand, a person who enrolled an authenticator app may use a
code from it, or a recovery code, as an exception (PPS 예외적용, koneps-rules §1.4): it counts as verified for
``identity.fallback_hours`` (48), and at most ``identity.fallback_max`` (2) times a year [U], after which the
path is closed until a passkey is used. Every use, and every refusal, is in the security log.
"""

from __future__ import annotations

import base64
import hashlib
import os
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import pyotp
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from jangter.identity import security_log
from jangter.identity.domain.roles import Actor
from jangter.identity.orm import FallbackUse, LoginSession, Person, RecoveryCode, TotpSecret
from jangter.identity.service import audit_actor, token_hash
from jangter.kernel import audit
from jangter.kernel.calendar import seoul_date
from jangter.kernel.context import AppContext
from jangter.kernel.errors import Conflict, DomainError
from jangter.kernel.procurement import Jurisdiction
from jangter.rules.domain import IdentityRules

ISSUER = "Jangter 장터"
RECOVERY_CODES = 10
FALLBACK_PERIOD = timedelta(days=365)  # [U] the period the limit counts over (docs/rules.md)


@dataclass(frozen=True)
class Enrolment:
    secret: str  # base32, for typing into the app
    uri: str  # otpauth:// for a QR code


def _seal_secret(ctx: AppContext, person_id: int, secret: str) -> str:
    """The TOTP secret as stored: AES-256-GCM under a key derived from the platform key, bound to the person, so a
    copy of the database alone does not give anyone's codes."""
    nonce = os.urandom(12)
    sealed = AESGCM(ctx.signer.derive_key("totp")).encrypt(nonce, secret.encode(), f"totp:{person_id}".encode())
    return "v1:" + base64.urlsafe_b64encode(nonce + sealed).decode()


def _open_secret(ctx: AppContext, row: TotpSecret) -> str:
    if not row.secret.startswith("v1:"):
        return row.secret  # enrolled before secrets were sealed; sealed again at the next enrolment
    raw = base64.urlsafe_b64decode(row.secret[3:])
    return AESGCM(ctx.signer.derive_key("totp")).decrypt(raw[:12], raw[12:], f"totp:{row.person_id}".encode()).decode()


def _code_hash(code: str) -> str:
    return hashlib.sha256(code.strip().replace("-", "").lower().encode()).hexdigest()


def _bad_code() -> DomainError:
    return DomainError(
        "otp_invalid",
        "인증 코드가 맞지 않거나 만료되었습니다. 앱에 표시된 지금의 6자리 코드를 입력하십시오.",
        "The code is wrong or has expired; enter the 6-digit code the app shows now.",
        field="code",
    )


def start_enrolment(ctx: AppContext, actor: Actor) -> Enrolment:
    """A new secret, not yet in force: it replaces the old one only once a code from it is confirmed."""
    now = ctx.clock.now()
    secret = pyotp.random_base32()
    with ctx.uow() as uow:
        person = uow.session.get(Person, actor.person_id)
        assert person is not None
        row = uow.session.get(TotpSecret, actor.person_id)
        if row is not None and row.confirmed_at is not None:
            raise Conflict(
                "otp_enrolled",
                "이미 인증 앱을 등록했습니다. 바꾸려면 먼저 등록을 지우십시오.",
                "An authenticator app is already enrolled; remove it first to change it.",
            )
        if row is None:
            row = TotpSecret(person_id=actor.person_id)
            uow.session.add(row)
        row.secret = _seal_secret(ctx, actor.person_id, secret)
        row.created_at, row.confirmed_at, row.last_step = now, None, 0
        uow.commit()
        email = person.email
    return Enrolment(secret, pyotp.TOTP(secret).provisioning_uri(name=email, issuer_name=ISSUER))


def _accept(totp: pyotp.TOTP, row: TotpSecret, code: str, now: datetime) -> bool:
    """A code of the current step (or the one before or after, for clock drift) that was not used already."""
    code = code.strip().replace(" ", "")
    if not (code.isdigit() and len(code) == 6):
        return False
    step = totp.timecode(now)
    for candidate in (step - 1, step, step + 1):
        if candidate > row.last_step and secrets.compare_digest(totp.generate_otp(candidate), code):
            row.last_step = candidate
            return True
    return False


def confirm_enrolment(ctx: AppContext, actor: Actor, code: str) -> list[str]:
    """Confirm with a first code; returns the recovery codes, shown this once."""
    now = ctx.clock.now()
    with ctx.uow() as uow:
        row = uow.session.get(TotpSecret, actor.person_id)
        if row is None or row.confirmed_at is not None:
            raise Conflict("otp_not_started", "먼저 인증 앱 등록을 시작하십시오.", "Start the enrolment first.")
        if not _accept(pyotp.TOTP(_open_secret(ctx, row)), row, code, now):
            raise _bad_code()
        row.confirmed_at = now
        uow.session.execute(
            update(RecoveryCode)
            .where(RecoveryCode.person_id == actor.person_id, RecoveryCode.used_at.is_(None))
            .values(used_at=now)
        )
        codes = [f"{secrets.token_hex(2)}-{secrets.token_hex(2)}-{secrets.token_hex(2)}" for _ in range(RECOVERY_CODES)]
        uow.session.add_all(
            RecoveryCode(person_id=actor.person_id, code_hash=_code_hash(c), created_at=now) for c in codes
        )
        audit.record(
            uow.session,
            at=now,
            actor=audit_actor(actor),
            action="otp.enrol",
            entity_type="person",
            entity_id=str(actor.person_id),
        )
        uow.commit()
    return codes


@dataclass(frozen=True)
class FallbackStatus:
    enrolled: bool
    recovery_left: int
    used: int  # in the counting period
    allowed: int
    hours: int


def identity_rules(ctx: AppContext) -> IdentityRules:
    """The fallback limits of the national rules in force today (a firm bids under both tracks' notices)."""
    return ctx.rules.in_force(Jurisdiction.NATIONAL, seoul_date(ctx.clock.now())).identity


def status(ctx: AppContext, actor: Actor) -> FallbackStatus:
    now = ctx.clock.now()
    rules = identity_rules(ctx)
    with ctx.db.reading() as session:
        row = session.get(TotpSecret, actor.person_id)
        left = session.scalar(
            select(func.count())
            .select_from(RecoveryCode)
            .where(RecoveryCode.person_id == actor.person_id, RecoveryCode.used_at.is_(None))
        )
        used = session.scalar(
            select(func.count())
            .select_from(FallbackUse)
            .where(FallbackUse.person_id == actor.person_id, FallbackUse.at > now - FALLBACK_PERIOD)
        )
    return FallbackStatus(
        row is not None and row.confirmed_at is not None, left or 0, used or 0, rules.fallback_max, rules.fallback_hours
    )


def _spend(ctx: AppContext, session: Any, person_id: int, code: str, now: datetime) -> tuple[str, int]:
    """Check and spend a TOTP code or a recovery code of this person: returns (method, uses so far), or raises
    the refusal. A TOTP step is spent also when the limit refuses it (the caller commits either way)."""
    rules = identity_rules(ctx)
    used = session.scalar(
        select(func.count())
        .select_from(FallbackUse)
        .where(FallbackUse.person_id == person_id, FallbackUse.at > now - FALLBACK_PERIOD)
    )
    row = session.get(TotpSecret, person_id, with_for_update=True)
    if (used or 0) >= rules.fallback_max:
        raise DomainError(
            "fallback_limit_reached",
            f"예외 확인은 1년에 {rules.fallback_max}번까지입니다 (identity.fallback_max). 패스키로 본인 확인하십시오.",
            f"The fallback may be used {rules.fallback_max} times a year (identity.fallback_max); verify with "
            "a passkey.",
            field="code",
            status=403,
        )
    if row is None or row.confirmed_at is None:
        raise DomainError(
            "otp_not_enrolled",
            "인증 앱을 등록하지 않았습니다. [로그인 보안]에서 등록하십시오.",
            "No authenticator app is enrolled; enrol one under Sign-in security.",
            field="code",
        )
    if _accept(pyotp.TOTP(_open_secret(ctx, row)), row, code, now):
        return "totp", used or 0
    spare = session.scalars(
        select(RecoveryCode).where(
            RecoveryCode.person_id == person_id,
            RecoveryCode.code_hash == _code_hash(code),
            RecoveryCode.used_at.is_(None),
        )
    ).first()
    if spare is None:
        raise _bad_code()
    spare.used_at = now
    return "recovery", used or 0


def _use_fallback(
    ctx: AppContext,
    actor: Actor,
    code: str,
    *,
    until: datetime,
    where: security_log.Where | None,
    subject: str | None = None,
    detail: dict[str, object] | None = None,
    then: Callable[[Session], None] | None = None,
) -> None:
    """Spend a code as one counted fallback use (flagged in the security log) and run ``then`` in the same
    transaction; a refusal is logged in a transaction of its own and raised. A spent TOTP step stays spent, also
    when the limit refused it."""
    now = ctx.clock.now()
    rules = identity_rules(ctx)
    refusal: DomainError | None = None
    with ctx.uow() as uow:
        session = uow.session
        try:
            method, used = _spend(ctx, session, actor.person_id, code, now)
        except DomainError as exc:
            refusal = exc
        else:
            session.add(FallbackUse(person_id=actor.person_id, method=method, at=now, until=until))
            if then is not None:
                then(session)
            security_log.add(
                session,
                at=now,
                kind="fallback",
                outcome=security_log.Outcome.FLAGGED,
                where=where,
                person_id=actor.person_id,
                org_id=actor.org_id,
                subject=subject,
                detail={"method": method, "use": used + 1, "of": rules.fallback_max, **(detail or {})},
            )
        uow.commit()
    if refusal is not None:
        _log_refusal(ctx, actor, refusal, where, subject=subject)
        raise refusal


def fallback_step_up(
    ctx: AppContext, actor: Actor, session_token: str, code: str, where: security_log.Where | None = None
) -> datetime:
    """Use the fallback path for this session: a TOTP code or a recovery code. Returns until when it counts."""
    until = ctx.clock.now() + timedelta(hours=identity_rules(ctx).fallback_hours)

    def mark_session(session: Session) -> None:
        session.execute(
            update(LoginSession)
            .where(LoginSession.token_hash == token_hash(session_token), LoginSession.person_id == actor.person_id)
            .values(fallback_until=until)
        )

    _use_fallback(ctx, actor, code, until=until, where=where, detail={"until": until.isoformat()}, then=mark_session)
    return until


def committee_code(
    ctx: AppContext, member: Actor, code: str, *, subject: str, where: security_log.Where | None = None
) -> None:
    """A committee member without their passkey at hand presents a code from their authenticator app (or a
    recovery code) at the opening. It is a fallback use like any other: counted against
    ``identity.fallback_max`` and kept in the security log, for this act only."""
    _use_fallback(
        ctx,
        member,
        code,
        until=ctx.clock.now(),
        where=where,
        subject=subject,
        detail={"act": "committee_share"},
    )


def _log_refusal(
    ctx: AppContext, actor: Actor, refusal: DomainError, where: security_log.Where | None, subject: str | None = None
) -> None:
    security_log.record(
        ctx,
        kind="fallback",
        outcome=security_log.Outcome.REFUSED,
        where=where,
        person_id=actor.person_id,
        org_id=actor.org_id,
        subject=subject,
        detail={"code": refusal.code},
    )
