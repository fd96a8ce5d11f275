"""Tables of the identity context: organisations, people, their roles and their sign-in sessions."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Boolean, ForeignKey, Index, Integer, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from jangter.kernel.db import Base, BigIntPK, JSONType, UTCDateTime


class Organisation(Base):
    __tablename__ = "organisation"

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True, autoincrement=True)
    kind: Mapped[str] = mapped_column(String(16))
    name: Mapped[str] = mapped_column(String(200))
    name_en: Mapped[str | None] = mapped_column(String(200))
    #: 기관코드 (agency code) for agencies; None for firms.
    agency_code: Mapped[str | None] = mapped_column(String(20), unique=True)
    #: national or local contract law (agencies only).
    jurisdiction: Mapped[str | None] = mapped_column(String(16))
    #: 사업자등록번호, 10 digits, validated with its check digit.
    business_number: Mapped[str | None] = mapped_column(String(10), unique=True)
    corporate_number: Mapped[str | None] = mapped_column(String(13))
    representative: Mapped[str | None] = mapped_column(String(100))
    address: Mapped[str | None] = mapped_column(String(300))
    #: head office region (소재지); a notice limited to a region admits firms whose head office is there.
    region: Mapped[str | None] = mapped_column(String(2))
    #: firms: corporation | sole_proprietor (None for firms registered before the field existed).
    business_form: Mapped[str | None] = mapped_column(String(16))
    #: firms: the categories they are registered for (goods,services,works), comma-separated.
    supplies: Mapped[str | None] = mapped_column(String(40))
    #: firms: the regions they supply, comma-separated region codes ("00" = nationwide).
    supply_regions: Mapped[str | None] = mapped_column(String(120))
    #: sole proprietors: a keyed hash of the proprietor's resident registration number (never the number), so a
    #: person registers one firm only (koneps-rules §1.2).
    proprietor_key: Mapped[str | None] = mapped_column(String(64), unique=True, index=True)
    registration_status: Mapped[str] = mapped_column(String(16))
    status_reason: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())

    people: Mapped[list[Person]] = relationship(back_populates="organisation")

    __table_args__ = (Index("ix_organisation_kind_status", "kind", "registration_status"),)


class FirmLicence(Base):
    """A licence (업종 등록) a firm holds: industry code, name and the licence's number."""

    __tablename__ = "firm_licence"

    org_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), primary_key=True)
    code: Mapped[str] = mapped_column(String(4), primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    number: Mapped[str] = mapped_column(String(40))


class Person(Base):
    __tablename__ = "person"

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True, autoincrement=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(100))
    password_hash: Mapped[str] = mapped_column(String(200))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    failed_logins: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())

    organisation: Mapped[Organisation] = relationship(back_populates="people")
    roles: Mapped[list[PersonRole]] = relationship(cascade="all, delete-orphan", lazy="selectin")


class PersonRole(Base):
    __tablename__ = "person_role"

    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"), primary_key=True)
    role: Mapped[str] = mapped_column(String(32), primary_key=True)


class LoginSession(Base):
    """A signed-in browser or an API token. Only the SHA-256 of the secret token is stored."""

    __tablename__ = "login_session"

    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"), index=True)
    kind: Mapped[str] = mapped_column(String(16))  # browser | api
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime())
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    method: Mapped[str] = mapped_column(String(16), default="password")  # password | passkey
    #: The last fresh user verification (a passkey with fingerprint, face or PIN) in this session: the step-up.
    verified_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    #: An exception by the fallback path (TOTP or a recovery code) counts as verified until then (예외적용).
    fallback_until: Mapped[datetime | None] = mapped_column(UTCDateTime())
    #: An API token's scopes, space-separated (None: everything its person may do).
    scopes: Mapped[str | None] = mapped_column(String(100))
    ip: Mapped[str | None] = mapped_column(String(45))
    user_agent: Mapped[str | None] = mapped_column(String(300))


class Passkey(Base):
    """A WebAuthn credential of one person (a passkey): its public key, never a secret."""

    __tablename__ = "passkey"

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True, autoincrement=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"), index=True)
    credential_id: Mapped[bytes] = mapped_column(LargeBinary, unique=True)
    public_key: Mapped[bytes] = mapped_column(LargeBinary)  # COSE
    sign_count: Mapped[int] = mapped_column(BigInteger, default=0)
    transports: Mapped[list[str]] = mapped_column(JSONType)
    name: Mapped[str] = mapped_column(String(100))
    aaguid: Mapped[str] = mapped_column(String(36))
    backed_up: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class WebAuthnChallenge(Base):
    """A single-use challenge handed to the browser for a passkey ceremony (registration or sign-in)."""

    __tablename__ = "webauthn_challenge"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    person_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"))
    purpose: Mapped[str] = mapped_column(String(16))  # register | sign_in
    challenge: Mapped[bytes] = mapped_column(LargeBinary)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class TotpSecret(Base):
    """A person's authenticator-app secret (RFC 6238), the fallback when no passkey is at hand."""

    __tablename__ = "totp_secret"

    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"), primary_key=True)
    #: sealed with AES-GCM ("v1:…", see identity.fallback); a bare base32 secret predates sealing.
    secret: Mapped[str] = mapped_column(String(128))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    last_step: Mapped[int] = mapped_column(BigInteger, default=0)  # a code is good once


class RecoveryCode(Base):
    """A one-time code shown once at TOTP enrolment; only its SHA-256 is kept."""

    __tablename__ = "recovery_code"

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True, autoincrement=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"), index=True)
    code_hash: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class FallbackUse(Base):
    """One use of the fallback path for a step-up (PPS 예외적용: at most twice, 48 hours each; koneps-rules §1.4)."""

    __tablename__ = "fallback_use"

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True, autoincrement=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"), index=True)
    method: Mapped[str] = mapped_column(String(16))  # totp | recovery
    at: Mapped[datetime] = mapped_column(UTCDateTime())
    until: Mapped[datetime] = mapped_column(UTCDateTime())


class DocumentCertificate(Base):
    """A document-signing certificate: the CA's (no person) or a person's (ADR 0010). The keys are derived, never
    stored; the certificates are kept so that every signed PDF names one that can be looked up."""

    __tablename__ = "document_certificate"

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True, autoincrement=True)
    person_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"), index=True)
    der: Mapped[bytes] = mapped_column(LargeBinary)
    fingerprint: Mapped[str] = mapped_column(String(64), unique=True)
    not_after: Mapped[datetime] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
