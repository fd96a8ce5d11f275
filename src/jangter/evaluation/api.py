"""REST routes for the opening and the award, and the public results."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from fastapi import APIRouter
from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from jangter.bidding.ceremony import Credential
from jangter.evaluation import queries, service
from jangter.evaluation.domain.failed_bids import AfterFailure
from jangter.evaluation.schemas import OpeningResultOut
from jangter.identity.domain.roles import Actor
from jangter.kernel.errors import DomainError
from jangter.kernel.ids import parse_notice_reference
from jangter.tendering import queries as tendering_queries
from jangter.tendering.domain.timetable import Timetable
from jangter.tendering.schemas import NoticeOut, TimetableIn
from jangter.web.http import ApiActor, Ctx

router = APIRouter(prefix="/api/v1", tags=["opening and award"])


def _latest(ctx: Ctx, number: str) -> OpeningResultOut:
    return OpeningResultOut.of(queries.opening_results(ctx, number)[0])


class CommitteeMemberIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    email: str = Field(max_length=254)
    password: str = Field(max_length=256, description="Checked afresh (step-up)")
    passphrase: str = Field(max_length=256, description="Unlocks the member's committee key")


class OpenIn(BaseModel):
    """The committee members present at the opening: k of them rebuild the opening key together."""

    model_config = ConfigDict(extra="forbid")
    committee: list[CommitteeMemberIn] = Field(default_factory=list, max_length=7)


@router.post(
    "/notices/{reference}/open",
    response_model=OpeningResultOut,
    summary="Open the bids (bid official, at or after the opening time)",
)
def open_bids(ctx: Ctx, actor: ApiActor, reference: str, body: OpenIn | None = None) -> OpeningResultOut:
    number = parse_notice_reference(reference)[0]
    committee = [Credential(m.email, m.password, m.passphrase) for m in (body.committee if body else [])]
    service.open_bids(ctx, actor, number, committee)
    return _latest(ctx, number)


@router.post(
    "/notices/{reference}/award",
    response_model=OpeningResultOut,
    summary="Confirm the first-ranked bid as the winner (낙찰자 결정)",
)
def award(ctx: Ctx, actor: ApiActor, reference: str) -> OpeningResultOut:
    number = parse_notice_reference(reference)[0]
    service.decide_award(ctx, actor, number)
    return _latest(ctx, number)


@router.get(
    "/notices/{reference}/results",
    response_model=list[OpeningResultOut],
    summary="Opening results of every round, latest first (empty before the opening)",
)
def results(ctx: Ctx, reference: str) -> list[OpeningResultOut]:
    number = parse_notice_reference(reference)[0]
    return [OpeningResultOut.of(r) for r in queries.opening_results(ctx, number)]


class DrawStepOut(BaseModel):
    key: str = Field(description="commitment, lottery_seed, slot_seed, valid_bids, reserve_price, floor_rate, …")
    title_ko: str
    title_en: str
    formula: str
    published: Any = Field(description="What the platform published in the log")
    recomputed: Any = Field(description="What the formula gives from the logged inputs")
    ok: bool


class DrawCheckOut(BaseModel):
    notice: str
    round: int
    rule_set_version: str
    ok: bool = Field(description="Every step recomputes to what was published")
    prices: list[int] = Field(description="The 15 preliminary prices in interval order, as committed")
    slots: list[int] = Field(description="The price in each slot (1–15) after the draw's permutation")
    counts: list[int] = Field(description="How many valid bids picked each slot")
    drawn_slots: list[int]
    steps: list[DrawStepOut]


@router.get(
    "/notices/{reference}/draw-check",
    response_model=DrawCheckOut,
    summary="The opening recomputed from the public log alone: commitment, seeds, reserve price, floor, ranking",
)
def draw_check(ctx: Ctx, reference: str, round: int | None = None) -> DrawCheckOut:
    number = parse_notice_reference(reference)[0]
    check = queries.draw_check(ctx, number, round)
    return DrawCheckOut(
        notice=check.notice,
        round=check.round,
        rule_set_version=check.rule_set_version,
        ok=check.ok,
        prices=list(check.prices),
        slots=list(check.slots),
        counts=list(check.counts),
        drawn_slots=list(check.drawn_slots),
        steps=[
            DrawStepOut(
                key=s.key,
                title_ko=s.title_ko,
                title_en=s.title_en,
                formula=s.formula,
                published=_plain(s.published),
                recomputed=_plain(s.recomputed),
                ok=s.ok,
            )
            for s in check.steps
        ],
    )


def _plain(value: object) -> object:
    return str(value) if isinstance(value, Decimal) else value


class AfterFailureOptionOut(BaseModel):
    action: AfterFailure = Field(description="rebid (재입찰), reannounce (재공고) or private_contract (수의계약)")
    allowed: bool
    why_ko: str
    why_en: str
    rule: str = Field(description="The rule-set key, version and source that decided")


@router.get(
    "/notices/{reference}/after-failure",
    response_model=list[AfterFailureOptionOut],
    summary="After a failed tender: what the rules in force today allow, and why (agency staff)",
)
def after_failure(ctx: Ctx, actor: ApiActor, reference: str) -> list[AfterFailureOptionOut]:
    number = parse_notice_reference(reference)[0]
    return [
        AfterFailureOptionOut(action=o.action, allowed=o.allowed, why_ko=o.why_ko, why_en=o.why_en, rule=o.rule)
        for o in service.options_after(ctx, actor, number)
    ]


@router.post(
    "/notices/{reference}/rebid",
    response_model=NoticeOut,
    summary="재입찰: a new round of the failed notice with the same preliminary prices (procurement officer)",
)
def rebid(ctx: Ctx, actor: ApiActor, reference: str, body: TimetableIn) -> NoticeOut:
    number = parse_notice_reference(reference)[0]
    service.rebid(ctx, actor, number, Timetable(body.bid_start_at, body.deadline_at, body.opening_at))
    return NoticeOut.of_detail(tendering_queries.get_notice(ctx, number, actor))


class PrivateContractIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    business_number: str = Field(max_length=20, description="The firm's business registration number")
    amount: int = Field(description="Whole won, not above the original terms")
    reason: str = Field(max_length=2000)


class PrivateContractOut(BaseModel):
    round: int
    firm_name: str
    business_number: str
    amount: int
    price_cap: int = Field(description="The original price the contract may not exceed")
    reason: str
    rule: str
    rule_set_version: str
    contract_deposit_rate: Decimal
    contract_deposit: int
    decided_at: AwareDatetime


@router.post(
    "/notices/{reference}/private-contract",
    response_model=PrivateContractOut,
    summary="수의계약 after a failed tender, when the rules in force allow it (procurement officer)",
)
def award_private_contract(ctx: Ctx, actor: ApiActor, reference: str, body: PrivateContractIn) -> PrivateContractOut:
    number = parse_notice_reference(reference)[0]
    service.award_private_contract(
        ctx, actor, number, service.PrivateContractTerms(body.business_number, body.amount, body.reason)
    )
    return get_private_contract(ctx, reference)


@router.get(
    "/notices/{reference}/private-contract",
    response_model=PrivateContractOut,
    summary="The private contract a failed notice ended in (404 when there is none)",
)
def get_private_contract(ctx: Ctx, reference: str) -> PrivateContractOut:
    number = parse_notice_reference(reference)[0]
    view = queries.private_contract(ctx, number)
    if view is None:
        raise DomainError(
            "no_private_contract",
            "이 공고에는 수의계약이 없습니다.",
            "This notice has no private contract.",
            status=404,
        )
    return PrivateContractOut(**vars(view))


class ReviewItemOut(BaseModel):
    key: str
    title_ko: str
    title_en: str
    maximum: Decimal


class ReviewRowOut(BaseModel):
    order: int = Field(description="Review order: lowest eligible bid first")
    receipt: str
    firm_name: str
    business_number: str
    amount: int
    ratio_pct: Decimal = Field(description="(bid − A) ÷ (reserve − A) × 100, ratio rounded at its 5th decimal")
    price_score: Decimal
    items: dict[str, Decimal] | None = Field(description="Non-price points entered; null until entered")
    non_price: Decimal | None
    total: Decimal | None
    state: str = Field(description="winner, failed, next (to be reviewed), waiting, not_reached")


class ReviewOut(BaseModel):
    round: int
    rule_set_version: str
    formula: str
    pass_mark: Decimal
    other_points: Decimal
    items: list[ReviewItemOut]
    rows: list[ReviewRowOut]
    winner: str | None


class ReviewIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    items: dict[str, str] = Field(
        description='Points per non-price item as decimal strings, e.g. {"track_record": "5", "management": "4.5"}'
    )


def _review(ctx: Ctx, actor: Actor | None, number: str) -> ReviewOut:
    view = queries.review_view(ctx, actor, number)
    if view is None:
        raise DomainError(
            "no_review_to_show",
            "볼 수 있는 적격심사가 없습니다.",
            "There is no qualification review to show (not opened, not a reviewed notice, or not yet public).",
            status=404,
        )
    return ReviewOut(
        round=view.round,
        rule_set_version=view.rule_set_version,
        formula=view.formula,
        pass_mark=view.pass_mark,
        other_points=view.other_points,
        items=[ReviewItemOut(**vars(i)) for i in view.items],
        rows=[ReviewRowOut(**vars(r)) for r in view.rows],
        winner=view.winner,
    )


@router.get(
    "/notices/{reference}/review",
    response_model=ReviewOut,
    summary="적격심사 of the latest round: the agency sees it as it goes; everyone after the award",
)
def get_review(ctx: Ctx, actor: ApiActor, reference: str) -> ReviewOut:
    return _review(ctx, actor, parse_notice_reference(reference)[0])


@router.put(
    "/notices/{reference}/review/{receipt}",
    response_model=ReviewOut,
    summary="Enter or correct a bid's non-price points (agency); the first bid in order that passes is the winner",
)
def put_review(ctx: Ctx, actor: ApiActor, reference: str, receipt: str, body: ReviewIn) -> ReviewOut:
    number = parse_notice_reference(reference)[0]
    service.enter_review(ctx, actor, number, receipt, body.items)
    return _review(ctx, actor, number)
