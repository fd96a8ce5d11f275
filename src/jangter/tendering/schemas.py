"""API shapes of notices (request and response)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any, Generic, TypeVar

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from jangter.kernel.procurement import AwardMethod, BidBond, Category, ContractMethod
from jangter.rules.domain import Ruled
from jangter.search.service import SearchResult
from jangter.tendering.domain.notice import NoticeKind, NoticeStatus
from jangter.tendering.domain.terms import NoticeTerms, TechnicalItem
from jangter.tendering.queries import NoticeDetail, NoticeSummary

T = TypeVar("T")

Won = Field(strict=True, gt=0, le=10**15, description="Whole won, greater than zero")


class TechnicalItemIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1, max_length=100, examples=["사업 이해도"])
    points: Decimal = Field(gt=0, le=100, description="The item's maximum points")


class NoticeIn(BaseModel):
    """A draft notice, as the procurement officer writes it. Times carry their UTC offset (e.g. +09:00)."""

    model_config = ConfigDict(extra="forbid")

    title: str = Field(min_length=1, max_length=300, examples=["청사 냉난방기 교체 공사"])
    description: str = Field(default="", max_length=20_000)
    category: Category
    contract_method: ContractMethod = ContractMethod.GENERAL_COMPETITIVE
    demand_agency_id: int | None = Field(default=None, description="수요기관; null: the issuing agency")
    region: str = Field(
        examples=["11"],
        description="참가제한지역: only firms with their head office here may bid (00 nationwide, 11 Seoul, …)",
    )
    base_amount: int = Won
    estimated_price: int = Won
    a_value: int = Field(default=0, strict=True, ge=0, description="A값 for works (mandatory costs)")
    reserve_range_pct: Decimal | None = Field(default=None, description="±% of the base; null: the rule set's")
    award_floor_rate: Decimal | None = Field(default=None, description="%; null: derived from the rule set")
    bid_start_at: AwareDatetime
    deadline_at: AwareDatetime
    opening_at: AwareDatetime
    committee_quorum: int = Field(default=3, ge=2, le=7, description="k of the k-of-n opening committee")
    committee_size: int = Field(default=5, ge=2, le=7, description="n: committee members who hold a share")
    pq_allowed: bool = Field(default=True, description="Bids may be sealed with the post-quantum hybrid suite")
    bid_bond: BidBond = Field(
        default=BidBond.UNDERTAKING,
        description="입찰보증금: undertaking (지급각서, given by bidding; where the rule set allows it) or guarantee "
        "(an institution's bid-bond guarantee must reach Jangter before the firm bids)",
    )
    order_plan: str | None = Field(
        default=None,
        pattern=r"^R\d{2}DD\d{8}$",
        description="The order-plan item (발주계획, R26DD…) the notice is published against; required to publish "
        "unless the rule set exempts it (koneps-rules §2.1)",
    )
    pre_specification: str | None = Field(
        default=None,
        pattern=r"^R\d{2}BD\d{8}$",
        description="The pre-specification (사전규격, R26BD…) the notice follows (koneps-rules §2.2)",
    )
    award_method: AwardMethod = Field(
        default=AwardMethod.QUALIFICATION_REVIEW,
        description="qualification_review (적격심사, default), lowest_price (the lowest bid at or above the floor) "
        "or negotiated (협상에 의한 계약: technical proposals, then prices)",
    )
    software_project: bool = Field(default=False, description="negotiated: a public software project (90 : 10)")
    differential_step: Decimal | None = Field(
        default=None, description="negotiated: the 차등점수제 step in points (≤ the rule set's maximum); null: off"
    )
    technical_items: list[TechnicalItemIn] = Field(
        default_factory=list,
        max_length=20,
        description="negotiated: the technical items; their points add up to the technical maximum (80 or 90)",
    )

    def to_terms(self) -> NoticeTerms:
        fields = self.model_dump(exclude={"technical_items"})
        items = tuple(TechnicalItem(i.name, i.points) for i in self.technical_items)
        return NoticeTerms(**fields, technical_items=items)


class NoticeAmendIn(BaseModel):
    """정정공고: only these fields may change; the reason is required."""

    model_config = ConfigDict(extra="forbid")

    reason: str = Field(min_length=1, max_length=2000)
    title: str | None = Field(default=None, min_length=1, max_length=300)
    description: str | None = Field(default=None, max_length=20_000)
    region: str | None = None
    demand_agency_id: int | None = None
    bid_start_at: AwareDatetime | None = None
    deadline_at: AwareDatetime | None = None
    opening_at: AwareDatetime | None = None

    def changes(self) -> dict[str, Any]:
        return self.model_dump(exclude={"reason"}, exclude_none=True)


class ReasonIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    reason: str = Field(min_length=1, max_length=2000)


class TimetableIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    bid_start_at: AwareDatetime
    deadline_at: AwareDatetime
    opening_at: AwareDatetime


class RuledOut(BaseModel):
    value: Decimal | int
    rule: str
    version: str
    source: str

    @classmethod
    def of(cls, ruled: Ruled[Any] | None) -> RuledOut | None:
        if ruled is None:
            return None
        return cls(value=ruled.value, rule=ruled.rule, version=ruled.version, source=ruled.source)


class OrgRef(BaseModel):
    id: int
    name: str


class NoticeSummaryOut(BaseModel):
    number: str
    order: int
    display_number: str
    kind: NoticeKind
    status: NoticeStatus
    title: str
    category: Category
    agency: OrgRef
    region: str
    base_amount: int
    bid_start_at: AwareDatetime
    deadline_at: AwareDatetime
    opening_at: AwareDatetime
    published_at: AwareDatetime | None

    @classmethod
    def of(cls, n: NoticeSummary) -> NoticeSummaryOut:
        return cls(**cls.fields(n))

    @staticmethod
    def fields(n: NoticeSummary) -> dict[str, Any]:
        return {
            "number": n.number,
            "order": n.order,
            "display_number": n.display_number,
            "kind": n.kind,
            "status": n.status,
            "title": n.title,
            "category": n.category,
            "agency": OrgRef(id=n.agency_id, name=n.agency_name),
            "region": n.region,
            "base_amount": n.base_amount,
            "bid_start_at": n.bid_start_at,
            "deadline_at": n.deadline_at,
            "opening_at": n.opening_at,
            "published_at": n.published_at,
        }


class RevisionOut(BaseModel):
    order: int
    kind: NoticeKind
    reason: str | None
    created_at: AwareDatetime


class OpeningKeyOut(BaseModel):
    """Seal bids to this key (``jangter bid seal`` does it for you). Check ``fingerprint`` before sealing."""

    round: int
    fingerprint: str = Field(description="SHA-256 over the public keys; the opening checks the rebuilt key against it")
    p256: str = Field(description="DHKEM(P-256) public key, uncompressed point, hex")
    pq_mlkem768: str = Field(description="ML-KEM-768 encapsulation key of the post-quantum hybrid suite, hex")
    pq_x25519: str = Field(description="X25519 half of the post-quantum hybrid suite, hex")
    pq_allowed: bool
    quorum: int = Field(description="k: committee members needed to open")
    size: int = Field(description="n: committee members holding a share")
    price_commitment: str = Field(description="SHA-256 commitment to the 15 preliminary prices and a nonce")


class NoticeOut(NoticeSummaryOut):
    description: str
    contract_method: ContractMethod
    demand_agency: OrgRef
    estimated_price: int
    a_value: int
    round: int
    reserve_range_pct: RuledOut | None = Field(description="The range in force and the rule that set it")
    award_floor_rate: RuledOut | None = Field(description="The floor rate in force and the rule that set it")
    minimum_announcement_days: RuledOut | None
    rule_set_version: str | None
    first_published_at: AwareDatetime | None
    closed_at: AwareDatetime | None
    cancelled_at: AwareDatetime | None
    cancel_reason: str | None
    revisions: list[RevisionOut]
    bid_count: int | None = Field(description="Bids received in this round; shown to the issuing agency only")
    committee_quorum: int
    committee_size: int
    pq_allowed: bool
    opening_key: OpeningKeyOut | None = Field(description="The current round's opening key (None for a draft)")
    award_method: AwardMethod
    bid_bond: BidBond
    order_plan: str | None = Field(description="The order-plan item (발주계획) it was published against")
    pre_specification: str | None = Field(description="The pre-specification (사전규격) it follows")
    bid_bond_guarantee: RuledOut | None = Field(
        default=None,
        description="guarantee notices: the bid-bond guarantee each bidder brings (the bond on the top of the "
        "reserve price's range: the sealed amounts stay sealed)",
    )
    rebid_no: int = Field(description="재입찰 번호 (rbidNo): 0 for the original round, then 1, 2 …")
    technical_max: RuledOut | None = Field(
        default=None, description="negotiated: the technical maximum (the price maximum is 100 minus it) and its rule"
    )
    technical_items: list[TechnicalItemIn] = Field(default_factory=list)
    differential_step: Decimal | None = None
    software_project: bool = False

    @classmethod
    def of_detail(cls, n: NoticeDetail) -> NoticeOut:
        summary = NoticeSummaryOut.of(n).model_dump()
        return cls(
            **summary,
            description=n.description,
            contract_method=n.contract_method,
            demand_agency=OrgRef(id=n.demand_agency_id, name=n.demand_agency_name),
            estimated_price=n.estimated_price,
            a_value=n.a_value,
            round=n.round,
            reserve_range_pct=RuledOut.of(n.effective_reserve_range),
            award_floor_rate=RuledOut.of(n.effective_floor_rate),
            minimum_announcement_days=RuledOut.of(n.minimum_period),
            rule_set_version=n.rule_set_version,
            first_published_at=n.first_published_at,
            closed_at=n.closed_at,
            cancelled_at=n.cancelled_at,
            cancel_reason=n.cancel_reason,
            revisions=[
                RevisionOut(order=r.order, kind=r.kind, reason=r.reason, created_at=r.created_at) for r in n.revisions
            ],
            bid_count=n.bid_count,
            committee_quorum=n.committee_quorum,
            committee_size=n.committee_size,
            pq_allowed=n.pq_allowed,
            opening_key=None if n.opening_key is None else OpeningKeyOut(**vars(n.opening_key)),
            award_method=n.award_method,
            bid_bond=n.bid_bond,
            order_plan=n.order_plan,
            pre_specification=n.pre_specification,
            bid_bond_guarantee=RuledOut.of(n.bid_bond_guarantee),
            rebid_no=n.rebid_no,
            technical_max=RuledOut.of(n.technical_max),
            technical_items=[TechnicalItemIn(name=name, points=points) for name, points in n.technical_items],
            differential_step=n.differential_step,
            software_project=n.software_project,
        )


class PageOut(BaseModel, Generic[T]):
    items: list[T]
    next_cursor: str | None = Field(description="Pass as ?cursor= for the next page; null on the last page")


class TitlePiece(BaseModel):
    text: str
    match: bool = Field(description="True where a query word matched (show it highlighted)")


class NoticeHitOut(NoticeSummaryOut):
    title_marked: list[TitlePiece]


class SearchInfoOut(BaseModel):
    mode: str = Field(description="engine | list | number | fallback")
    sort: str
    engine: str | None = Field(description="sqlite-fts5 or postgresql-tsvector, when the engine answered")
    problem: str | None = Field(description="Why the fallback answered: timeout, error or breaker_open")


class SearchPageOut(BaseModel):
    items: list[NoticeHitOut]
    next_cursor: str | None = Field(description="Pass as ?cursor= for the next page; null on the last page")
    search: SearchInfoOut

    @classmethod
    def of(cls, result: SearchResult) -> SearchPageOut:
        return cls(
            items=[
                NoticeHitOut(
                    **NoticeSummaryOut.fields(h.notice),
                    title_marked=[TitlePiece(text=t, match=m) for t, m in h.title],
                )
                for h in result.hits
            ],
            next_cursor=result.next_cursor,
            search=SearchInfoOut(
                mode=result.mode.value, sort=result.sort.value, engine=result.engine, problem=result.problem
            ),
        )
