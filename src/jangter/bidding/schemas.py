"""API shapes of bids and receipts."""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, Strict

from jangter.bidding.domain.bid import BidStatus
from jangter.bidding.queries import MyBid
from jangter.bidding.service import Receipt
from jangter.evaluation.domain.ranking import FailureReason, Standing
from jangter.tendering.domain.notice import NoticeStatus


class BidIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    amount: int = Field(strict=True, gt=0, le=10**15, description="The bid in whole won", examples=[87_650_000])
    picks: list[Annotated[int, Strict()]] = Field(
        description="Two different preliminary-price slots, 1 to 15", examples=[[3, 11]]
    )


class ReceiptOut(BaseModel):
    receipt_id: str
    notice_number: str
    notice_order: int
    display_number: str
    round: int
    firm_name: str
    business_number: str
    bidder_name: str
    received_at: AwareDatetime = Field(description="The database clock when the bid was stored")
    content_hash: str = Field(description="SHA-256 of the submitted content (salted; reveals nothing)")
    payload_format: str

    @classmethod
    def of(cls, r: Receipt) -> ReceiptOut:
        return cls(
            receipt_id=r.receipt_id,
            notice_number=r.notice_number,
            notice_order=r.notice_order,
            display_number=r.display_notice,
            round=r.round,
            firm_name=r.firm_name,
            business_number=r.business_number,
            bidder_name=r.bidder_name,
            received_at=r.received_at,
            content_hash=r.content_hash,
            payload_format=r.payload_format,
        )


class MyBidOut(BaseModel):
    receipt_id: str
    notice_number: str
    display_number: str
    notice_title: str
    notice_status: NoticeStatus
    round: int
    received_at: AwareDatetime
    content_hash: str
    status: BidStatus
    amount: int | None = Field(description="Shown after the opening only")
    rate: Decimal | None
    rank: int | None
    standing: Standing | None
    won: bool
    round_failure: FailureReason | None = Field(description="Why the bid's round failed (유찰), if it did")

    @classmethod
    def of(cls, b: MyBid) -> MyBidOut:
        return cls(
            receipt_id=b.receipt_id,
            notice_number=b.notice_number,
            display_number=b.display_notice,
            notice_title=b.notice_title,
            notice_status=b.notice_status,
            round=b.round,
            received_at=b.received_at,
            content_hash=b.content_hash,
            status=b.status,
            amount=b.amount,
            rate=b.rate,
            rank=b.rank,
            standing=b.standing,
            won=b.won,
            round_failure=b.round_failure,
        )
