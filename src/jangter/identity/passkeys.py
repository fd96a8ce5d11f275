"""Passkeys (WebAuthn) with the ``webauthn`` library: register several, sign in with one, user verification required.

Every ceremony starts with a single-use challenge stored server-side (five minutes). Registration belongs to a
signed-in person; sign-in is discoverable (the browser offers the person's passkeys, no e-mail typed) and finds
the person from the credential id. A counter that does not move forward (a cloned authenticator) is refused.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import webauthn
from sqlalchemy import delete, select, update
from webauthn.helpers import (
    bytes_to_base64url,
    parse_authentication_credential_json,
    parse_registration_credential_json,
)
from webauthn.helpers.exceptions import InvalidJSONStructure, WebAuthnException
from webauthn.helpers.structs import (
    AuthenticatorSelectionCriteria,
    AuthenticatorTransport,
    PublicKeyCredentialDescriptor,
    ResidentKeyRequirement,
    UserVerificationRequirement,
)

from jangter.identity.domain.roles import Actor
from jangter.identity.orm import LoginSession, Passkey, Person, WebAuthnChallenge
from jangter.identity.service import (
    IssuedSession,
    SessionKind,
    audit_actor,
    normal_email,
    open_session,
    token_hash,
)
from jangter.kernel import audit
from jangter.kernel.audit import AuditActor
from jangter.kernel.context import AppContext
from jangter.kernel.errors import DomainError, NotFound

log = logging.getLogger("jangter.security")

CHALLENGE_LIFETIME = timedelta(minutes=5)
MAX_PASSKEYS = 10


@dataclass(frozen=True)
class RelyingParty:
    """Who the passkeys belong to: the site's domain (``rp_id``), its name, and the origin browsers report."""

    id: str
    name: str
    origin: str


@dataclass(frozen=True)
class Ceremony:
    challenge_id: str
    options: dict[str, Any]  # PublicKeyCredential{Creation,Request}Options as JSON for the browser


@dataclass(frozen=True)
class PasskeyView:
    id: int
    name: str
    created_at: datetime
    last_used_at: datetime | None
    backed_up: bool


def _refused(code: str, ko: str, en: str) -> DomainError:
    return DomainError(code, ko, en, field="passkey", status=400)


def _user_handle(person_id: int) -> bytes:
    return f"jangter:{person_id}".encode()


def _new_challenge(ctx: AppContext, person_id: int | None, purpose: str) -> tuple[str, bytes]:
    now = ctx.clock.now()
    challenge_id, challenge = secrets.token_urlsafe(32), secrets.token_bytes(32)
    with ctx.uow() as uow:
        uow.session.execute(delete(WebAuthnChallenge).where(WebAuthnChallenge.expires_at < now))
        uow.session.add(
            WebAuthnChallenge(
                id=challenge_id,
                person_id=person_id,
                purpose=purpose,
                challenge=challenge,
                expires_at=now + CHALLENGE_LIFETIME,
            )
        )
        uow.commit()
    return challenge_id, challenge


def _take_challenge(session: Any, challenge_id: str, purpose: str, now: datetime, person_id: int | None) -> bytes:
    """The challenge, marked used; refused when unknown, used, expired, for another purpose or another person."""
    row = session.get(WebAuthnChallenge, challenge_id, with_for_update=True)
    if (
        row is None
        or row.used_at is not None
        or row.expires_at <= now
        or row.purpose != purpose
        or (person_id is not None and row.person_id != person_id)
    ):
        raise _refused(
            "passkey_challenge_invalid",
            "패스키 요청이 만료되었거나 이미 사용되었습니다. 다시 시도하십시오.",
            "The passkey request has expired or was already used; please try again.",
        )
    row.used_at = now
    challenge: bytes = row.challenge
    return challenge


# --- registration -----------------------------------------------------------------------------------------


def registration_options(ctx: AppContext, actor: Actor, rp: RelyingParty) -> Ceremony:
    with ctx.db.reading() as session:
        person = session.get(Person, actor.person_id)
        assert person is not None
        existing = session.scalars(select(Passkey.credential_id).where(Passkey.person_id == actor.person_id)).all()
    challenge_id, challenge = _new_challenge(ctx, actor.person_id, "register")
    options = webauthn.generate_registration_options(
        rp_id=rp.id,
        rp_name=rp.name,
        user_id=_user_handle(actor.person_id),
        user_name=person.email,
        user_display_name=person.name,
        challenge=challenge,
        authenticator_selection=AuthenticatorSelectionCriteria(
            resident_key=ResidentKeyRequirement.REQUIRED,
            user_verification=UserVerificationRequirement.REQUIRED,
        ),
        exclude_credentials=[PublicKeyCredentialDescriptor(id=c) for c in existing],
    )
    return Ceremony(challenge_id, json.loads(webauthn.options_to_json(options)))


def register_passkey(
    ctx: AppContext, actor: Actor, rp: RelyingParty, challenge_id: str, credential: str, name: str
) -> PasskeyView:
    """Verify the browser's attestation (user verification required) and keep the new public key."""
    now = ctx.clock.now()
    name = name.strip()[:100] or "passkey"
    with ctx.uow() as uow:
        session = uow.session
        challenge = _take_challenge(session, challenge_id, "register", now, actor.person_id)
        uow.commit()  # the challenge is spent whatever happens next
    try:
        parsed = parse_registration_credential_json(credential)
        verified = webauthn.verify_registration_response(
            credential=parsed,
            expected_challenge=challenge,
            expected_rp_id=rp.id,
            expected_origin=rp.origin,
            require_user_verification=True,
        )
    except (InvalidJSONStructure, WebAuthnException, ValueError) as exc:
        log.warning("passkey_registration_refused person=%s reason=%s", actor.person_id, exc)
        raise _refused(
            "passkey_not_verified",
            "패스키를 확인하지 못했습니다. 기기에서 지문·얼굴·PIN 확인을 마쳤는지 보고 다시 시도하십시오.",
            "The passkey could not be verified; make sure your device checked your fingerprint, face or PIN, "
            "and try again.",
        ) from None
    with ctx.uow() as uow:
        session = uow.session
        if session.scalars(select(Passkey.id).where(Passkey.credential_id == verified.credential_id)).first():
            raise _refused(
                "passkey_already_registered",
                "이미 등록된 패스키입니다.",
                "This passkey is already registered.",
            )
        count = len(session.scalars(select(Passkey.id).where(Passkey.person_id == actor.person_id)).all())
        if count >= MAX_PASSKEYS:
            raise _refused(
                "passkey_limit",
                f"패스키는 {MAX_PASSKEYS}개까지 등록할 수 있습니다. 쓰지 않는 패스키를 지우십시오.",
                f"At most {MAX_PASSKEYS} passkeys; remove one you no longer use.",
            )
        transports = [t.value for t in (parsed.response.transports or []) if isinstance(t, AuthenticatorTransport)]
        row = Passkey(
            person_id=actor.person_id,
            credential_id=verified.credential_id,
            public_key=verified.credential_public_key,
            sign_count=verified.sign_count,
            transports=transports,
            name=name,
            aaguid=str(verified.aaguid),
            backed_up=verified.credential_backed_up,
            created_at=now,
        )
        session.add(row)
        session.flush()
        audit.record(
            session,
            at=now,
            actor=audit_actor(actor),
            action="passkey.register",
            entity_type="person",
            entity_id=str(actor.person_id),
            after={"passkey": row.id, "name": name, "aaguid": row.aaguid},
        )
        view = PasskeyView(row.id, row.name, row.created_at, None, row.backed_up)
        uow.commit()
    return view


# --- sign-in ---------------------------------------------------------------------------------------------


def authentication_options(ctx: AppContext, rp: RelyingParty) -> Ceremony:
    challenge_id, challenge = _new_challenge(ctx, None, "sign_in")
    options = webauthn.generate_authentication_options(
        rp_id=rp.id, challenge=challenge, user_verification=UserVerificationRequirement.REQUIRED
    )
    return Ceremony(challenge_id, json.loads(webauthn.options_to_json(options)))


class _Refused(Exception):
    """The assertion did not verify; ``commit`` says whether the refusal left something to keep (the audit)."""


def _verify_assertion(
    ctx: AppContext,
    rp: RelyingParty,
    challenge_id: str,
    purpose: str,
    credential: str,
    refusal: DomainError,
    *,
    person_id: int | None,
    then: Any,
) -> Any:
    """Spend the challenge, verify the assertion (user verification required, counter forward) against the stored
    passkey — the person's own when ``person_id`` is given — and run ``then(session, passkey, now)`` in the same
    transaction."""
    now = ctx.clock.now()
    with ctx.uow() as uow:
        challenge = _take_challenge(uow.session, challenge_id, purpose, now, person_id)
        uow.commit()
    try:
        parsed = parse_authentication_credential_json(credential)
    except (InvalidJSONStructure, WebAuthnException, ValueError):
        raise refusal from None
    with ctx.uow() as uow:
        session = uow.session
        query = select(Passkey).where(Passkey.credential_id == parsed.raw_id)
        if person_id is not None:
            query = query.where(Passkey.person_id == person_id)
        passkey = session.scalars(query.with_for_update()).one_or_none()
        if passkey is None:
            log.warning("passkey_refused purpose=%s reason=unknown_credential", purpose)
            raise refusal
        try:
            verified = webauthn.verify_authentication_response(
                credential=parsed,
                expected_challenge=challenge,
                expected_rp_id=rp.id,
                expected_origin=rp.origin,
                credential_public_key=passkey.public_key,
                credential_current_sign_count=passkey.sign_count,
                require_user_verification=True,
            )
        except (WebAuthnException, ValueError) as exc:
            log.warning("passkey_refused purpose=%s person=%s reason=%s", purpose, passkey.person_id, exc)
            audit.record(
                session,
                at=now,
                actor=AuditActor(passkey.person_id, ""),
                action="passkey.refused",
                entity_type="person",
                entity_id=str(passkey.person_id),
                reason=f"{purpose}: {exc}"[:300],
            )
            uow.commit()
            raise refusal from None
        passkey.sign_count = verified.new_sign_count
        passkey.last_used_at = now
        result = then(session, passkey, now)
        uow.commit()
    return result


def sign_in_with_passkey(
    ctx: AppContext,
    rp: RelyingParty,
    challenge_id: str,
    credential: str,
    *,
    lifetime: timedelta,
    ip: str | None = None,
    user_agent: str | None = None,
) -> IssuedSession:
    refusal = _refused(
        "passkey_not_verified",
        "패스키로 로그인하지 못했습니다. 등록한 패스키인지 확인하거나 비밀번호로 로그인하십시오.",
        "Signing in with this passkey failed; check that it is registered here, or sign in with your password.",
    )

    def open_(session: Any, passkey: Passkey, now: datetime) -> IssuedSession:
        person = session.get(Person, passkey.person_id)
        if person is None or not person.active:
            raise refusal
        return open_session(
            session,
            person,
            kind=SessionKind.BROWSER,
            lifetime=lifetime,
            now=now,
            method="passkey",
            ip=ip,
            user_agent=user_agent,
        )

    issued: IssuedSession = _verify_assertion(
        ctx, rp, challenge_id, "sign_in", credential, refusal, person_id=None, then=open_
    )
    return issued


# --- step-up: a fresh user verification within the signed-in session ------------------------------------------


def _own_passkey_ceremony(
    ctx: AppContext, rp: RelyingParty, person_id: int | None, purpose: str, none_registered: DomainError
) -> Ceremony:
    """An assertion ceremony that only this person's own passkeys can answer (user verification required)."""
    with ctx.db.reading() as session:
        credentials = (
            session.scalars(select(Passkey.credential_id).where(Passkey.person_id == person_id)).all()
            if person_id is not None
            else []
        )
    if person_id is None or not credentials:
        raise none_registered
    challenge_id, challenge = _new_challenge(ctx, person_id, purpose)
    options = webauthn.generate_authentication_options(
        rp_id=rp.id,
        challenge=challenge,
        allow_credentials=[PublicKeyCredentialDescriptor(id=c) for c in credentials],
        user_verification=UserVerificationRequirement.REQUIRED,
    )
    return Ceremony(challenge_id, json.loads(webauthn.options_to_json(options)))


def step_up_options(ctx: AppContext, actor: Actor, rp: RelyingParty) -> Ceremony:
    return _own_passkey_ceremony(
        ctx,
        rp,
        actor.person_id,
        "step_up",
        _refused(
            "passkey_required",
            "본인 확인에는 패스키가 필요합니다. [로그인 보안]에서 패스키를 먼저 등록하십시오.",
            "The identity check needs a passkey; register one under Sign-in security first.",
        ),
    )


def step_up(
    ctx: AppContext, actor: Actor, session_token: str, rp: RelyingParty, challenge_id: str, credential: str
) -> None:
    """Verify one of the person's own passkeys and mark this session as freshly verified."""
    refusal = _refused(
        "passkey_not_verified",
        "본인 확인에 실패했습니다. 이 계정에 등록한 패스키로 다시 시도하십시오.",
        "The identity check failed; try again with a passkey registered to this account.",
    )

    def mark(session: Any, passkey: Passkey, now: datetime) -> None:
        session.execute(
            update(LoginSession)
            .where(LoginSession.token_hash == token_hash(session_token), LoginSession.person_id == actor.person_id)
            .values(verified_at=now)
        )

    _verify_assertion(ctx, rp, challenge_id, "step_up", credential, refusal, person_id=actor.person_id, then=mark)


# --- committee presence: each member verifies with their own passkey at the opening ----------------------------


def presence_options(ctx: AppContext, rp: RelyingParty, email: str, number: str) -> Ceremony:
    """The ceremony for one opening-committee member at the bid official's screen: only the member's own
    passkeys are allowed (a security key, or their phone through the browser's cross-device prompt)."""
    with ctx.db.reading() as session:
        person_id = session.scalar(select(Person.id).where(Person.email == normal_email(email)))
    return _own_passkey_ceremony(
        ctx,
        rp,
        person_id,
        "presence",
        _refused(
            "passkey_required",
            "이 위원은 패스키를 등록하지 않았습니다. 인증 앱의 6자리 코드를 입력하십시오.",
            "This member has no passkey registered; enter the 6-digit code from their authenticator app.",
        ),
    )


def verify_presence(ctx: AppContext, rp: RelyingParty, challenge_id: str, credential: str, number: str) -> str:
    """Verify the member's assertion; returns a proof of presence for this notice, to send with the opening."""
    with ctx.db.reading() as session:
        row = session.get(WebAuthnChallenge, challenge_id)
        person_id = row.person_id if row is not None and row.person_id is not None else -1
    refusal = _refused(
        "passkey_not_verified",
        "위원 본인 확인에 실패했습니다. 그 위원이 등록한 패스키로 다시 시도하십시오.",
        "The member's identity check failed; try again with a passkey registered to that member.",
    )
    verified_at: datetime = _verify_assertion(
        ctx,
        rp,
        challenge_id,
        "presence",
        credential,
        refusal,
        person_id=person_id,
        then=lambda _session, _passkey, now: now,
    )
    return presence_proof(ctx, person_id, number, verified_at)


def presence_proof(ctx: AppContext, person_id: int, number: str, at: datetime) -> str:
    """``person.notice.unix-time.mac``: a MAC under a key derived from the platform key, so the proof cannot be
    made for another member, another notice or another time."""
    body = f"{person_id}.{number}.{int(at.timestamp())}"
    mac = hmac.new(ctx.signer.derive_key("presence"), body.encode(), hashlib.sha256).hexdigest()
    return f"{body}.{mac}"


def presence_verified_at(ctx: AppContext, proof: str, person_id: int, number: str) -> datetime | None:
    """When the proof says this member verified for this notice; ``None`` for anything else."""
    parts = proof.strip().split(".")
    if len(parts) != 4 or not parts[2].isdigit():
        return None
    at = datetime.fromtimestamp(int(parts[2]), UTC)
    if not hmac.compare_digest(presence_proof(ctx, person_id, number, at), proof.strip()):
        return None
    return at


# --- management -----------------------------------------------------------------------------------------


def list_passkeys(ctx: AppContext, actor: Actor) -> list[PasskeyView]:
    with ctx.db.reading() as session:
        rows = session.scalars(
            select(Passkey).where(Passkey.person_id == actor.person_id).order_by(Passkey.created_at, Passkey.id)
        ).all()
        return [PasskeyView(r.id, r.name, r.created_at, r.last_used_at, r.backed_up) for r in rows]


def remove_passkey(ctx: AppContext, actor: Actor, passkey_id: int) -> None:
    now = ctx.clock.now()
    with ctx.uow() as uow:
        row = uow.session.get(Passkey, passkey_id)
        if row is None or row.person_id != actor.person_id:
            raise NotFound("패스키", "The passkey")
        uow.session.delete(row)
        audit.record(
            uow.session,
            at=now,
            actor=audit_actor(actor),
            action="passkey.remove",
            entity_type="person",
            entity_id=str(actor.person_id),
            before={"passkey": passkey_id, "name": row.name},
        )
        uow.commit()


# --- the bid's own signature: the passkey check whose challenge is the sealed bid's hash ---------------------


def credential_ids(ctx: AppContext, actor: Actor) -> list[str]:
    """The person's passkeys as the browser names them (base64url), for ``allowCredentials``."""
    with ctx.db.reading() as session:
        rows = session.scalars(select(Passkey.credential_id).where(Passkey.person_id == actor.person_id)).all()
    return [bytes_to_base64url(c) for c in rows]


def verify_bid_signature(
    session: Any, person_id: int, rp: RelyingParty, ciphertext_sha256: str, credential: str, now: datetime
) -> dict[str, Any]:
    """Verify, in the bid's transaction, that one of the person's passkeys (user verified) signed this very bid:
    the assertion's challenge must be the SHA-256 of the sealed bid. Returns what the bid keeps so that anyone with
    the passkey's public key can check it later. Replaying it is useless: it signs one ciphertext, which a firm
    can submit once."""
    refusal = _refused(
        "bid_passkey_invalid",
        "입찰서의 패스키 서명을 확인하지 못했습니다. 이 계정의 패스키로 다시 제출하십시오.",
        "The passkey signature on the bid could not be verified; submit again with a passkey of this account.",
    )
    try:
        parsed = parse_authentication_credential_json(credential)
    except (InvalidJSONStructure, WebAuthnException, ValueError):
        raise refusal from None
    passkey = session.scalars(
        select(Passkey).where(Passkey.credential_id == parsed.raw_id, Passkey.person_id == person_id).with_for_update()
    ).one_or_none()
    if passkey is None:
        raise refusal
    try:
        verified = webauthn.verify_authentication_response(
            credential=parsed,
            expected_challenge=bytes.fromhex(ciphertext_sha256),
            expected_rp_id=rp.id,
            expected_origin=rp.origin,
            credential_public_key=passkey.public_key,
            credential_current_sign_count=passkey.sign_count,
            require_user_verification=True,
        )
    except (WebAuthnException, ValueError) as exc:
        log.warning("bid_passkey_refused person=%s reason=%s", person_id, exc)
        raise refusal from None
    passkey.sign_count = verified.new_sign_count
    passkey.last_used_at = now
    return {
        "credential_id": bytes_to_base64url(parsed.raw_id),
        "authenticator_data": bytes_to_base64url(parsed.response.authenticator_data),
        "client_data_json": bytes_to_base64url(parsed.response.client_data_json),
        "signature": bytes_to_base64url(parsed.response.signature),
        "public_key": bytes_to_base64url(passkey.public_key),
    }
