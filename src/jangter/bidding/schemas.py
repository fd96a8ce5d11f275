"""API shapes of bids and receipts."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from jangter.bidding.domain.bid import BidStatus
from jangter.bidding.queries import MyBid
from jangter.bidding.service import LogProof, Receipt
from jangter.evaluation.domain.ranking import FailureReason, Standing
from jangter.tendering.domain.notice import NoticeStatus


class EnvelopeIn(BaseModel):
    """A sealed bid (envelope v1): HPKE ciphertext to the notice's opening key, signed by the firm's key.

    Make it with ``jangter bid seal`` or ``jangter.client.sealing.seal`` (or the bid form, in the browser). The
    amount and picks are inside the ciphertext; nothing else is accepted (no reserve values from clients).
    """

    model_config = ConfigDict(extra="forbid")

    version: int = Field(examples=[1])
    suite: str = Field(description="p256 (every client) or pq (ML-KEM-768 + X25519, where the notice allows it)")
    notice: str = Field(max_length=40, examples=["R26BK00000007"])
    order: int = Field(description="The 차수 the bid was sealed for (the notice's current order)")
    firm: str = Field(max_length=40, description="The firm's business registration number, 10 digits")
    ciphertext: str = Field(description="base64 of HPKE enc ‖ ciphertext")
    key_id: str = Field(max_length=40, description="The firm signing key's id (first 16 hex of SHA-256)")
    signature: str = Field(description="base64 Ed25519 signature over the envelope's signed message")


class LogProofOut(BaseModel):
    index: int
    tree_size: int
    inclusion: list[str]
    tree_head: dict[str, Any]


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
    ciphertext_sha256: str = Field(description="SHA-256 of the sealed bid as received")
    suite: str
    leaf: str = Field(description="The bid.received event of the public log, exactly as logged")
    leaf_hash: str = Field(description="RFC 6962 leaf hash of `leaf`")
    signature: str = Field(description="The platform's Ed25519 signature over `leaf` (hex)")
    platform_key_id: str
    person_signed: bool = Field(default=False, description="The bidder signed this bid with their own passkey")
    log_proof: LogProofOut | None = Field(
        default=None, description="Index, inclusion proof and signed tree head, once the log has integrated the event"
    )

    @classmethod
    def of(cls, r: Receipt, proof: LogProof | None = None) -> ReceiptOut:
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
            ciphertext_sha256=r.ciphertext_sha256,
            suite=r.suite,
            leaf=r.leaf,
            leaf_hash=r.leaf_hash,
            signature=r.signature,
            platform_key_id=r.platform_key_id,
            person_signed=r.person_signed,
            log_proof=None
            if proof is None
            else LogProofOut(
                index=proof.index, tree_size=proof.tree_size, inclusion=proof.inclusion, tree_head=proof.tree_head
            ),
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
