"""Tables of the planning context: the agencies' order plans (발주계획), item by item."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Boolean, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from jangter.kernel.db import Base, BigIntPK, UTCDateTime


class OrderPlan(Base):
    """One item of an agency's order plan: what it means to buy, in which quarter, for about how much."""

    __tablename__ = "order_plan"

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True, autoincrement=True)
    number: Mapped[str] = mapped_column(String(13), unique=True)  # 발주계획통합번호 R26DD00000001
    agency_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"))
    year: Mapped[int] = mapped_column(Integer)
    quarter: Mapped[int] = mapped_column(Integer)  # 1-4
    month: Mapped[int | None] = mapped_column(Integer)  # 발주월, when the agency knows it
    title: Mapped[str] = mapped_column(String(300))  # 사업명
    category: Mapped[str] = mapped_column(String(16))
    contract_method: Mapped[str] = mapped_column(String(32))
    amount: Mapped[int] = mapped_column(BigInteger)  # 발주예정금액 (won)
    description: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(16))  # published | withdrawn
    published_at: Mapped[datetime] = mapped_column(UTCDateTime())
    published_by: Mapped[int] = mapped_column(ForeignKey("person.id"))
    withdrawn_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    withdraw_reason: Mapped[str | None] = mapped_column(Text)

    __table_args__ = (
        Index("ix_order_plan_period", "year", "quarter", "id"),
        Index("ix_order_plan_agency", "agency_id", "year", "quarter"),
    )


class PreSpecification(Base):
    """사전규격: a draft specification published before the notice, open for the market's opinions until a deadline."""

    __tablename__ = "pre_specification"

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True, autoincrement=True)
    number: Mapped[str] = mapped_column(String(13), unique=True)  # 사전규격등록번호 R26BD00000001
    agency_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    order_plan: Mapped[str | None] = mapped_column(ForeignKey("order_plan.number"))
    title: Mapped[str] = mapped_column(String(300))
    category: Mapped[str] = mapped_column(String(16))
    estimated_price: Mapped[int] = mapped_column(BigInteger)
    description: Mapped[str] = mapped_column(Text)
    urgent: Mapped[bool] = mapped_column(Boolean)
    opened_at: Mapped[datetime] = mapped_column(UTCDateTime())
    opinion_deadline: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)  # opninRgstClseDt
    rule_set_version: Mapped[str] = mapped_column(String(200))
    published_by: Mapped[int] = mapped_column(ForeignKey("person.id"))


class PreSpecOpinion(Base):
    """A firm's opinion on a pre-specification, and the agency's answer (both public)."""

    __tablename__ = "pre_spec_opinion"

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True, autoincrement=True)
    pre_spec_id: Mapped[int] = mapped_column(ForeignKey("pre_specification.id"))
    seq: Mapped[int] = mapped_column(Integer)
    firm_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"))
    filed_by: Mapped[int] = mapped_column(ForeignKey("person.id"))
    text: Mapped[str] = mapped_column(Text)
    filed_at: Mapped[datetime] = mapped_column(UTCDateTime())
    reply: Mapped[str | None] = mapped_column(Text)
    replied_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    replied_by: Mapped[int | None] = mapped_column(ForeignKey("person.id"))

    __table_args__ = (UniqueConstraint("pre_spec_id", "seq"),)


class Programme(Base):
    """An e-government programme (전자정부지원사업): a year's projects under one total budget."""

    __tablename__ = "programme"

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True, autoincrement=True)
    name: Mapped[str] = mapped_column(String(300))
    year: Mapped[int] = mapped_column(Integer, index=True)
    budget: Mapped[int] = mapped_column(BigInteger)  # 총사업비 (won)
    description: Mapped[str] = mapped_column(Text, default="")
    owner_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"))  # the ministry (or the operator) running it
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    created_by: Mapped[int] = mapped_column(ForeignKey("person.id"))


class ProgrammeProject(Base):
    """One project (과제) of a programme."""

    __tablename__ = "programme_project"

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True, autoincrement=True)
    programme_id: Mapped[int] = mapped_column(ForeignKey("programme.id"))
    seq: Mapped[int] = mapped_column(Integer)  # 1, 2, … within the programme
    title: Mapped[str] = mapped_column(String(300))
    agency: Mapped[str] = mapped_column(String(200))  # 주관기관
    budget: Mapped[int] = mapped_column(BigInteger)
    service_type: Mapped[str] = mapped_column(String(16))  # ServiceType
    stage: Mapped[int] = mapped_column(Integer)
    continuing: Mapped[bool] = mapped_column(Boolean)
    multi_year: Mapped[bool] = mapped_column(Boolean)
    technologies: Mapped[str] = mapped_column(String(200), default="")  # Technology values, comma-separated
    description: Mapped[str] = mapped_column(Text, default="")

    __table_args__ = (UniqueConstraint("programme_id", "seq"),)


class ProjectPlanItem(Base):
    """A project is bought through these order-plan items (and so through the notices published against them)."""

    __tablename__ = "programme_project_plan"

    project_id: Mapped[int] = mapped_column(ForeignKey("programme_project.id"), primary_key=True)
    order_plan: Mapped[str] = mapped_column(ForeignKey("order_plan.number"), primary_key=True)


class Briefing(Base):
    """사업설명회: a session on some of a programme's projects, with questions in advance and a live Q&A."""

    __tablename__ = "briefing"

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True, autoincrement=True)
    programme_id: Mapped[int] = mapped_column(ForeignKey("programme.id"), index=True)
    title: Mapped[str] = mapped_column(String(300))
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime())
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime())
    stream_url: Mapped[str] = mapped_column(String(500), default="")
    place: Mapped[str] = mapped_column(String(300), default="")
    projects: Mapped[str] = mapped_column(String(200), default="")  # project numbers covered, comma-separated
    answers: Mapped[int] = mapped_column(Integer, default=0)  # answers published so far (the live page's cursor)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    created_by: Mapped[int] = mapped_column(ForeignKey("person.id"))


class BriefingQuestion(Base):
    """A question to a briefing (asked in advance or live) and the answer the moderator published."""

    __tablename__ = "briefing_question"

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True, autoincrement=True)
    briefing_id: Mapped[int] = mapped_column(ForeignKey("briefing.id"))
    seq: Mapped[int] = mapped_column(Integer)
    project: Mapped[int | None] = mapped_column(Integer)  # the project number it is about, if any
    asked_by: Mapped[int] = mapped_column(ForeignKey("person.id"))
    asker_org: Mapped[int] = mapped_column(ForeignKey("organisation.id"))
    text: Mapped[str] = mapped_column(Text)
    asked_at: Mapped[datetime] = mapped_column(UTCDateTime())
    live: Mapped[bool] = mapped_column(Boolean)  # asked during the session (else in advance)
    answer: Mapped[str | None] = mapped_column(Text)
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    answered_by: Mapped[int | None] = mapped_column(ForeignKey("person.id"))
    answer_seq: Mapped[int | None] = mapped_column(Integer)  # order of publication: 1, 2, … per briefing

    __table_args__ = (
        UniqueConstraint("briefing_id", "seq"),
        Index("ix_briefing_question_answers", "briefing_id", "answer_seq"),
    )
