"""Reading a firm's own bids: receipts before the opening, results after it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from sqlalchemy import select

from jangter.bidding.domain.bid import BidStatus
from jangter.bidding.orm import Bid
from jangter.evaluation.domain.ranking import FailureReason, Standing
from jangter.evaluation.orm import Opening
from jangter.identity.domain.roles import Actor, Role, require_role
from jangter.kernel.context import AppContext
from jangter.kernel.ids import display_number
from jangter.tendering.domain.notice import NoticeStatus
from jangter.tendering.orm import Notice
from jangter.tendering.queries import effective_status


@dataclass(frozen=True)
class MyBid:
    receipt_id: str
    notice_number: str
    notice_order: int
    notice_title: str
    notice_status: NoticeStatus
    round: int
    received_at: datetime
    content_hash: str
    status: BidStatus
    # Known only after the opening:
    amount: int | None
    rate: Decimal | None
    rank: int | None
    standing: Standing | None
    won: bool
    round_failure: FailureReason | None  # the bid's round failed (유찰), e.g. 단독응찰
    earlier_round: bool  # the notice has since been re-announced: this bid belongs to a closed round

    @property
    def display_notice(self) -> str:
        return display_number(self.notice_number, self.notice_order)


def my_bids(ctx: AppContext, actor: Actor | None, limit: int = 200) -> list[MyBid]:
    viewer = require_role(actor, Role.BIDDER, Role.COMPANY_ADMIN)
    now = ctx.clock.now()
    with ctx.db.reading() as session:
        rows = session.execute(
            select(Bid, Notice, Opening)
            .join(Notice, Notice.id == Bid.notice_id)
            .outerjoin(Opening, (Opening.notice_id == Bid.notice_id) & (Opening.round == Bid.round))
            .where(Bid.firm_id == viewer.org_id)
            .order_by(Bid.received_at.desc())
            .limit(limit)
        ).all()
    result = []
    for bid, notice, opening in rows:
        opened = bid.status == BidStatus.VALID.value
        result.append(
            MyBid(
                receipt_id=bid.public_id,
                notice_number=notice.number,
                notice_order=bid.notice_order,
                notice_title=notice.title,
                notice_status=effective_status(NoticeStatus(notice.status), notice.deadline_at, now),
                round=bid.round,
                received_at=bid.received_at,
                content_hash=bid.content_hash,
                status=BidStatus(bid.status),
                amount=bid.amount if opened else None,
                rate=bid.rate if opened else None,
                rank=bid.rank if opened else None,
                standing=Standing(bid.standing) if opened and bid.standing else None,
                won=opening is not None and opening.awarded_at is not None and opening.winner_bid_id == bid.id,
                round_failure=FailureReason(opening.failure_reason) if opening and opening.failure_reason else None,
                earlier_round=bid.round < notice.round,
            )
        )
    return result
