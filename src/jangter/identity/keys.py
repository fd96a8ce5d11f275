"""Keys people hold: a firm's signing keys (sign sealed bids) and committee members' share keys.

* A **firm signing key** (Ed25519) is registered by the company administrator only (koneps-rules §1.2: only the
  company administrator account can register the business certificate). Bids are verified against it.
* A **committee key** (X25519) receives the member's share of each opening key. Its private half is kept wrapped
  (AES-256-GCM under a key derived with argon2id from a passphrase only the member knows), so the server cannot use
  it until the member presents the passphrase at an opening.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import os
from dataclasses import dataclass
from datetime import datetime

from argon2.low_level import Type, hash_secret_raw
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import x25519
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from sqlalchemy import Boolean, ForeignKey, Integer, LargeBinary, String, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from jangter.identity.domain.roles import Actor, Role, require_role
from jangter.kernel import audit
from jangter.kernel.audit import AuditActor
from jangter.kernel.context import AppContext
from jangter.kernel.db import Base, BigIntPK, UTCDateTime
from jangter.kernel.errors import Conflict, DomainError, NotFound

MIN_PASSPHRASE = 12


class FirmSigningKey(Base):
    __tablename__ = "firm_signing_key"

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True, autoincrement=True)
    firm_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    key_id: Mapped[str] = mapped_column(String(16), unique=True)
    public_key: Mapped[bytes] = mapped_column(LargeBinary(32))
    created_by: Mapped[int] = mapped_column(ForeignKey("person.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class CommitteeKey(Base):
    __tablename__ = "committee_key"

    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"), primary_key=True)
    public_key: Mapped[bytes] = mapped_column(LargeBinary(32))
    wrapped_private: Mapped[bytes] = mapped_column(LargeBinary)
    salt: Mapped[bytes] = mapped_column(LargeBinary(16))
    time_cost: Mapped[int] = mapped_column(Integer)
    memory_cost: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    active: Mapped[bool] = mapped_column(Boolean, default=True)


def signing_key_id(public_raw: bytes) -> str:
    return hashlib.sha256(public_raw).hexdigest()[:16]


# --- firm signing keys -------------------------------------------------------------------------------------


def register_signing_key(ctx: AppContext, actor: Actor | None, firm_id: int, public_key_b64: str) -> str:
    admin = require_role(actor, Role.COMPANY_ADMIN, org_id=firm_id)
    try:
        raw = base64.b64decode(public_key_b64, validate=True)
    except (binascii.Error, ValueError):
        raw = b""
    if len(raw) != 32:
        raise DomainError(
            "signing_key_invalid",
            "서명 공개키는 Ed25519 원시 공개키(32바이트, base64)여야 합니다.",
            "The signing key must be a raw Ed25519 public key (32 bytes, base64).",
            field="public_key",
        )
    kid = signing_key_id(raw)
    now = ctx.clock.now()
    with ctx.uow() as uow:
        if uow.session.scalars(select(FirmSigningKey).where(FirmSigningKey.key_id == kid)).first():
            raise Conflict("signing_key_exists", "이미 등록된 키입니다.", "This key is already registered.")
        uow.session.add(
            FirmSigningKey(firm_id=firm_id, key_id=kid, public_key=raw, created_by=admin.person_id, created_at=now)
        )
        audit.record(
            uow.session,
            at=now,
            actor=AuditActor(admin.person_id, admin.name),
            action="firm.signing_key.add",
            entity_type="organisation",
            entity_id=str(firm_id),
            after={"key_id": kid},
        )
        uow.commit()
    return kid


def revoke_signing_key(ctx: AppContext, actor: Actor | None, firm_id: int, kid: str) -> None:
    admin = require_role(actor, Role.COMPANY_ADMIN, org_id=firm_id)
    now = ctx.clock.now()
    with ctx.uow() as uow:
        key = uow.session.scalars(
            select(FirmSigningKey).where(FirmSigningKey.key_id == kid, FirmSigningKey.firm_id == firm_id)
        ).one_or_none()
        if key is None:
            raise NotFound("서명 키", "Signing key")
        key.revoked_at = now
        audit.record(
            uow.session,
            at=now,
            actor=AuditActor(admin.person_id, admin.name),
            action="firm.signing_key.revoke",
            entity_type="organisation",
            entity_id=str(firm_id),
            before={"key_id": kid},
        )
        uow.commit()


def active_signing_key(session: Session, firm_id: int, kid: str) -> bytes | None:
    return session.scalar(
        select(FirmSigningKey.public_key).where(
            FirmSigningKey.key_id == kid, FirmSigningKey.firm_id == firm_id, FirmSigningKey.revoked_at.is_(None)
        )
    )


def signing_key_of(session: Session, firm_id: int, kid: str) -> bytes | None:
    """Also a revoked key: a bid signed while the key was valid stays verifiable at the opening."""
    return session.scalar(
        select(FirmSigningKey.public_key).where(FirmSigningKey.key_id == kid, FirmSigningKey.firm_id == firm_id)
    )


@dataclass(frozen=True)
class SigningKeyView:
    key_id: str
    created_at: datetime
    revoked_at: datetime | None


def list_signing_keys(ctx: AppContext, actor: Actor | None, firm_id: int) -> list[SigningKeyView]:
    require_role(actor, Role.COMPANY_ADMIN, Role.BIDDER, org_id=firm_id)
    with ctx.db.reading() as session:
        return [
            SigningKeyView(k.key_id, k.created_at, k.revoked_at)
            for k in session.scalars(
                select(FirmSigningKey).where(FirmSigningKey.firm_id == firm_id).order_by(FirmSigningKey.id)
            )
        ]


# --- committee keys ----------------------------------------------------------------------------------------

#: argon2id cost for the passphrase that wraps a committee key (tests lower it, as for passwords).
WRAP_COST = {"time_cost": 3, "memory_cost": 64 * 1024}


def _wrapping_key(passphrase: str, salt: bytes, time_cost: int, memory_cost: int) -> bytes:
    return hash_secret_raw(
        passphrase.encode("utf-8"),
        salt,
        time_cost=time_cost,
        memory_cost=memory_cost,
        parallelism=1,
        hash_len=32,
        type=Type.ID,
    )


def register_committee_key(ctx: AppContext, actor: Actor | None, passphrase: str) -> bytes:
    """Make (or replace) the member's share key; returns its public half. Only new openings use a new key."""
    member = require_role(actor, Role.OPENING_COMMITTEE)
    if len(passphrase) < MIN_PASSPHRASE:
        raise DomainError(
            "passphrase_too_short",
            f"개찰 암호는 {MIN_PASSPHRASE}자 이상으로 정하십시오.",
            f"Choose an opening passphrase of at least {MIN_PASSPHRASE} characters.",
            field="passphrase",
        )
    private = x25519.X25519PrivateKey.generate()
    raw = private.private_bytes(
        serialization.Encoding.Raw, serialization.PrivateFormat.Raw, serialization.NoEncryption()
    )
    public = private.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    salt = os.urandom(16)
    cost = dict(WRAP_COST)
    nonce = os.urandom(12)
    wrapped = nonce + AESGCM(_wrapping_key(passphrase, salt, **cost)).encrypt(nonce, raw, public)
    now = ctx.clock.now()
    with ctx.uow() as uow:
        existing = uow.session.get(CommitteeKey, member.person_id)
        if existing is not None:
            uow.session.delete(existing)
            uow.session.flush()
        uow.session.add(
            CommitteeKey(
                person_id=member.person_id,
                public_key=public,
                wrapped_private=wrapped,
                salt=salt,
                created_at=now,
                active=True,
                **cost,
            )
        )
        audit.record(
            uow.session,
            at=now,
            actor=AuditActor(member.person_id, member.name),
            action="committee_key.register",
            entity_type="person",
            entity_id=str(member.person_id),
            after={"public_key": public.hex()},
        )
        uow.commit()
    return public


def unwrap_committee_key(record: CommitteeKey, passphrase: str) -> x25519.X25519PrivateKey:
    key = _wrapping_key(passphrase, record.salt, record.time_cost, record.memory_cost)
    nonce, body = record.wrapped_private[:12], record.wrapped_private[12:]
    try:
        raw = AESGCM(key).decrypt(nonce, body, record.public_key)
    except InvalidTag:
        raise DomainError(
            "passphrase_wrong",
            "개찰 암호가 맞지 않습니다.",
            "The opening passphrase is not correct.",
            field="passphrase",
            status=403,
        ) from None
    return x25519.X25519PrivateKey.from_private_bytes(raw)
