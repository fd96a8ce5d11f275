"""API shapes of opening results (shaped after the Korean open API's 개찰결과: rank, rate, picks, remark)."""

from __future__ import annotations

from decimal import Decimal

from pydantic import AwareDatetime, BaseModel, Field

from jangter.bidding.domain.bid import BidStatus
from jangter.evaluation.domain.ranking import FailureReason, Standing
from jangter.evaluation.queries import OpeningResult


class PriceOut(BaseModel):
    slot: int = Field(description="compnoRsrvtnPrceSno")
    amount: int = Field(description="bsisPlnprc")
    pick_count: int = Field(description="drwtNum")
    drawn: bool = Field(description="drwtYn")


class ResultBidOut(BaseModel):
    rank: int | None = Field(description="opengRank; null for a bid that cannot win")
    firm_id: int
    firm_name: str
    business_number: str
    representative: str
    amount: int | None = Field(description="bidprcAmt; null while sealed")
    rate: Decimal | None = Field(description="bidprcrt: bid ÷ reserve price × 100")
    picks: list[int]
    received_at: AwareDatetime
    status: BidStatus
    standing: Standing | None
    invalid_reason: str | None
    content_hash: str
    winner: bool


class OpeningResultOut(BaseModel):
    round: int
    notice_order: int
    rule_set_version: str
    opened_at: AwareDatetime
    bid_count: int
    valid_bid_count: int
    failure_reason: FailureReason | None
    reserve_price: int | None = Field(description="plnprc (예정가격)")
    floor_rate: Decimal | None = Field(description="sucsfbidLwltRate (낙찰하한율)")
    floor_rate_rule: str | None
    floor_price: int | None
    a_value: int
    seed: str | None = Field(description="Public seed of the tie lotteries: sha256 of the notice, round and hashes")
    reserve_tie_broken: bool
    prices: list[PriceOut]
    bids: list[ResultBidOut]
    awarded_at: AwareDatetime | None
    price_nonce: str | None = Field(
        description="Revealed at the opening; with the prices it must hash to the commitment"
    )
    slot_seed: str | None = Field(description="SHA-256 of the nonce and every sealed bid's hash: seeds the slot draw")
    price_commitment: str | None = Field(description="The commitment published at publication")
    key_fingerprint: str | None
    committee_present: list[str]
    award_rule_set_version: str | None = Field(
        default=None, description="The rule set in force on the award day (it decides the contract deposit)"
    )
    contract_deposit_rate: Decimal | None = Field(default=None, description="계약보증금률 (%)")
    contract_deposit: int | None = Field(default=None, description="계약보증금 (won), due from the winner")

    @classmethod
    def of(cls, r: OpeningResult) -> OpeningResultOut:
        return cls(
            round=r.round,
            notice_order=r.notice_order,
            rule_set_version=r.rule_set_version,
            opened_at=r.opened_at,
            bid_count=r.bid_count,
            valid_bid_count=r.valid_bid_count,
            failure_reason=r.failure_reason,
            reserve_price=r.reserve_price,
            floor_rate=r.floor_rate,
            floor_rate_rule=r.floor_rate_rule,
            floor_price=r.floor_price,
            a_value=r.a_value,
            seed=r.seed,
            reserve_tie_broken=r.reserve_tie_broken,
            prices=[PriceOut(slot=p.slot, amount=p.amount, pick_count=p.pick_count, drawn=p.drawn) for p in r.prices],
            bids=[
                ResultBidOut(
                    rank=b.rank,
                    firm_id=b.firm_id,
                    firm_name=b.firm_name,
                    business_number=b.business_number,
                    representative=b.representative,
                    amount=b.amount,
                    rate=b.rate,
                    picks=[p for p in (b.pick_1, b.pick_2) if p is not None],
                    received_at=b.received_at,
                    status=b.status,
                    standing=b.standing,
                    invalid_reason=b.invalid_reason,
                    content_hash=b.content_hash,
                    winner=b.winner,
                )
                for b in r.bids
            ],
            awarded_at=r.awarded_at,
            price_nonce=r.price_nonce,
            slot_seed=r.slot_seed,
            price_commitment=r.price_commitment,
            key_fingerprint=r.key_fingerprint,
            committee_present=list(r.committee_present),
            award_rule_set_version=r.award_rule_set_version,
            contract_deposit_rate=r.contract_deposit_rate,
            contract_deposit=r.contract_deposit,
        )
