"""Tables of the identity context: organisations, people, their roles and their sign-in sessions."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from jangter.kernel.db import Base, BigIntPK, UTCDateTime


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
    region: Mapped[str | None] = mapped_column(String(2))
    registration_status: Mapped[str] = mapped_column(String(16))
    status_reason: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())

    people: Mapped[list[Person]] = relationship(back_populates="organisation")

    __table_args__ = (Index("ix_organisation_kind_status", "kind", "registration_status"),)


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
