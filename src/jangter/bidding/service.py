"""Bidding use cases: submit a sealed bid and get a receipt; list one's own receipts.

The deadline is decided by the database clock when the transaction commits: on PostgreSQL a deferred constraint
trigger checks ``jangter_now()`` at COMMIT (migration ``0001``); on SQLite a commit guard checks it as the last
statement before COMMIT, under the write lock held since BEGIN IMMEDIATE (and an insert trigger refuses late rows
from any other client). The application checks the deadline first only to answer early with a friendlier
message; it is never the authority.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime
from functools import partial
from typing import cast

from sqlalchemy import Table, bindparam, insert, select
from sqlalchemy.exc import DBAPIError, IntegrityError
from sqlalchemy.orm import Session

from jangter.bidding.domain.bid import PLAIN_V0, BidStatus, content_hash, encode_payload, validate_content
from jangter.bidding.orm import Bid
from jangter.identity.domain.roles import Actor, Role, require_approved_supplier, require_role
from jangter.identity.orm import Organisation, Person
from jangter.identity.service import audit_actor
from jangter.kernel import audit, idempotency
from jangter.kernel.context import AppContext
from jangter.kernel.db import DeadlinePassed, is_deadline_violation, sql_now
from jangter.kernel.errors import Conflict, DomainError, NotFound
from jangter.kernel.idempotency import IdempotencyClaim
from jangter.kernel.ids import display_number
from jangter.tendering.domain.notice import NoticeStatus
from jangter.tendering.orm import Notice


@dataclass(frozen=True)
class SubmitBid:
    notice_number: str
    amount: object  # checked by the domain: a positive whole number of won
    picks: tuple[object, ...]


@dataclass(frozen=True)
class Receipt:
    """What the bidder keeps: proof of what was received, and when. It never shows the amount."""

    receipt_id: str
    notice_number: str
    notice_order: int
    round: int
    firm_name: str
    business_number: str
    bidder_name: str
    received_at: datetime
    content_hash: str
    payload_format: str

    @property
    def display_notice(self) -> str:
        return display_number(self.notice_number, self.notice_order)


_NOTICES = cast(Table, Notice.__table__)
_BIDS = cast(Table, Bid.__table__)
_NOTICE_FOR_BID = select(
    _NOTICES.c.id,
    _NOTICES.c.status,
    _NOTICES.c.deadline_at,
    _NOTICES.c.bid_start_at,
    _NOTICES.c.round,
    _NOTICES.c.order,
    _NOTICES.c.rule_set_version,
).where(_NOTICES.c.number == bindparam("number"))

#: The receipt time is the database clock at insert (``jangter_now()``), never the application's.
_INSERT_BID = insert(_BIDS).values(received_at=sql_now()).returning(_BIDS.c.id, _BIDS.c.received_at)


def _deadline_guard(bid_id: int, session: Session) -> None:
    """SQLite: re-check the deadline by the database clock as the last statement before COMMIT.

    The write lock has been held since BEGIN IMMEDIATE, so nothing else commits in between. (PostgreSQL does the
    same in its deferred constraint trigger, migration 0001.)
    """
    late = session.execute(
        select(Bid.id).join(Notice, Notice.id == Bid.notice_id).where(Bid.id == bid_id, sql_now() > Notice.deadline_at)
    ).first()
    if late is not None:
        raise DeadlinePassed(f"bid {bid_id} reached COMMIT after the deadline")


def deadline_passed() -> DomainError:
    return DomainError(
        "bid_deadline_passed",
        "입찰 마감시각이 지나 입찰서를 받을 수 없습니다.",
        "The bid deadline has passed; the bid was not accepted.",
        status=409,
    )


def _already_bid() -> Conflict:
    return Conflict(
        "bid_already_submitted",
        "이 업체는 이 공고에 이미 입찰했습니다 (업체당 1건).",
        "This firm has already bid on this notice (one bid per firm).",
    )


def _receipt(bid: Bid, notice: Notice, firm: Organisation, bidder_name: str) -> Receipt:
    return Receipt(
        receipt_id=bid.public_id,
        notice_number=notice.number,
        notice_order=bid.notice_order,
        round=bid.round,
        firm_name=firm.name,
        business_number=firm.business_number or "",
        bidder_name=bidder_name,
        received_at=bid.received_at,
        content_hash=bid.content_hash,
        payload_format=bid.payload_format,
    )


def _check_open(status: str | None, deadline_at: datetime, bid_start_at: datetime, now: datetime) -> None:
    if status is None or status == NoticeStatus.DRAFT.value:
        raise NotFound("공고", "Notice", code="notice_not_found")
    if status != NoticeStatus.PUBLISHED.value or now > deadline_at:
        if status in (NoticeStatus.PUBLISHED.value, NoticeStatus.CLOSED.value):
            raise deadline_passed()
        raise Conflict("notice_not_open", "입찰을 받고 있는 공고가 아닙니다.", "This notice is not open for bids.")
    if now < bid_start_at:
        raise Conflict("bidding_not_started", "아직 입찰 개시 전입니다.", "Bidding has not started yet.")


def submit_bid(ctx: AppContext, actor: Actor | None, cmd: SubmitBid, claim: IdempotencyClaim | None = None) -> Receipt:
    """Store a sealed bid and return its receipt — the hot path of the platform, kept to a few round trips.

    One bid per firm per bidding round is enforced by a unique constraint; a retry with the same Idempotency-Key
    gets the first receipt back, also when the two requests race.
    """
    bidder = require_role(actor, Role.BIDDER)
    require_approved_supplier(bidder)
    now = ctx.clock.now()
    try:
        with ctx.uow() as uow:
            session = uow.session
            if claim is not None and (earlier := idempotency.find(session, claim)) is not None:
                return get_receipt(ctx, bidder, earlier.resource_id)
            connection = session.connection()
            notice = connection.execute(_NOTICE_FOR_BID, {"number": cmd.notice_number}).one_or_none()
            if notice is None:
                raise NotFound("공고", "Notice", code="notice_not_found")
            _check_open(notice.status, notice.deadline_at, notice.bid_start_at, now)
            rules = ctx.rules.version(notice.rule_set_version or "")
            content = validate_content(
                cmd.amount,
                cmd.picks,
                slots=rules.reserve_price.slots,
                picks_per_bid=rules.reserve_price.picks_per_bid,
                salt=ctx.rng.token_bytes(16),
            )
            payload = encode_payload(content)
            digest = content_hash(payload)
            public_id = secrets.token_hex(16)
            bid_id, received_at = connection.execute(
                _INSERT_BID,
                {
                    "public_id": public_id,
                    "notice_id": notice.id,
                    "round": notice.round,
                    "notice_order": notice.order,
                    "firm_id": bidder.org_id,
                    "bidder_id": bidder.person_id,
                    "payload": payload,
                    "payload_format": PLAIN_V0,
                    "content_hash": digest,
                    "status": BidStatus.SEALED.value,
                },
            ).one()
            audit.record(
                session,
                at=now,
                actor=audit_actor(bidder),
                action="bid.submit",
                entity_type="bid",
                entity_id=public_id,
                after={
                    "notice": cmd.notice_number,
                    "round": notice.round,
                    "firm_id": bidder.org_id,
                    "content_hash": digest,
                },
            )
            if claim is not None:
                idempotency.remember(session, claim, resource_type="bid", resource_id=public_id, at=now)
            if ctx.db.dialect == "sqlite":
                uow.add_commit_guard(partial(_deadline_guard, bid_id))
            uow.commit()
    except DeadlinePassed:
        raise deadline_passed() from None
    except DBAPIError as exc:
        if is_deadline_violation(exc):
            raise deadline_passed() from None
        if not isinstance(exc, IntegrityError):
            raise
        # The firm has bid already — or a concurrent retry with the same key got there first: replay it.
        if claim is not None:
            with ctx.db.reading() as session:
                earlier = idempotency.find(session, claim)
            if earlier is not None:
                return get_receipt(ctx, bidder, earlier.resource_id)
        raise _already_bid() from None
    return Receipt(
        receipt_id=public_id,
        notice_number=cmd.notice_number,
        notice_order=notice.order,
        round=notice.round,
        firm_name=bidder.org_name,
        business_number=bidder.org_business_number or "",
        bidder_name=bidder.name,
        received_at=received_at,
        content_hash=digest,
        payload_format=PLAIN_V0,
    )


def get_receipt(ctx: AppContext, actor: Actor | None, receipt_id: str) -> Receipt:
    """A firm's member may read the firm's receipts; nobody else learns that the bid exists."""
    viewer = require_role(actor, Role.BIDDER, Role.COMPANY_ADMIN)
    with ctx.db.reading() as session:
        row = session.execute(
            select(Bid, Notice, Organisation)
            .join(Notice, Notice.id == Bid.notice_id)
            .join(Organisation, Organisation.id == Bid.firm_id)
            .where(Bid.public_id == receipt_id)
        ).one_or_none()
        if row is None or row[0].firm_id != viewer.org_id:
            raise NotFound("입찰 접수증", "Receipt", code="receipt_not_found")
        bid, notice, firm = row
        bidder_name = session.scalar(select(Person.name).where(Person.id == bid.bidder_id)) or ""
        return _receipt(bid, notice, firm, bidder_name)
