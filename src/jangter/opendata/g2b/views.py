"""The read views the mappings take: plain frozen dataclasses, filled by ``queries`` (pure, no database)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from jangter.kernel.procurement import Category


@dataclass(frozen=True)
class Agency:
    code: str
    name: str
    jurisdiction: str | None  # national | local


@dataclass(frozen=True)
class NoticeView:
    number: str
    order: int
    kind: str  # NoticeKind
    status: str  # NoticeStatus
    title: str
    category: Category
    contract_method: str
    award_method: str
    agency: Agency
    demand: Agency
    region: str
    base_amount: int
    estimated_price: int
    a_value: int
    reserve_range_pct: Decimal | None  # as in force for the notice
    floor_rate: Decimal | None  # 낙찰하한율 in force (None: negotiated, or none derivable)
    bid_start_at: datetime
    deadline_at: datetime
    opening_at: datetime
    published_at: datetime | None
    first_published_at: datetime | None
    updated_at: datetime
    cancelled_at: datetime | None
    reannounced: bool
    order_plan: str | None
    pre_specification: str | None
    change_reason: str | None = None
    price_slots: int | None = None  # 복수예비가격: how many preliminary prices (15)
    price_drawn: int | None = None  # and how many are drawn (4)


@dataclass(frozen=True)
class Bidder:
    name: str
    business_number: str
    representative: str
    amount: int | None
    rate: Decimal | None


@dataclass(frozen=True)
class OpeningView:
    notice: NoticeView
    round: int
    notice_order: int
    rebid_no: int  # openings of the same 차수 before this one (재입찰번호)
    opened_at: datetime
    bid_count: int
    failure_reason: str | None
    reserve_price: int | None  # None until revealed
    awarded_at: datetime | None
    first: Bidder | None  # rank 1
    winner: Bidder | None  # once awarded


@dataclass(frozen=True)
class PriceView:
    opening: OpeningView
    slot: int
    amount: int
    pick_count: int
    drawn: bool
    above_base: int  # how many of the round's prices exceed the base amount


@dataclass(frozen=True)
class ContractView:
    number: str
    notice_number: str
    title: str
    category: Category
    status: str
    amount: int
    deposit_rate: Decimal
    starts_on: date
    ends_on: date
    signed_at: datetime  # by the agency, the second signature
    updated_at: datetime
    agency: Agency
    firm_name: str
    firm_business_number: str
    firm_representative: str
    source: str = "award"  # award | private_contract


@dataclass(frozen=True)
class SpecView:
    number: str
    title: str
    category: Category
    estimated_price: int
    agency: Agency
    opened_at: datetime
    opinion_deadline: datetime
    notices: tuple[str, ...] = ()


@dataclass(frozen=True)
class PlanView:
    number: str
    title: str
    category: Category
    year: int
    quarter: int
    month: int | None
    amount: int
    contract_method: str
    agency: Agency
    published_at: datetime
    notices: tuple[str, ...] = ()
