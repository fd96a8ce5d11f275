"""Reading opening results: public once a round is opened (names, prices, picks, ranks, the draw's inputs)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from sqlalchemy import select

from jangter.bidding.domain.bid import BidStatus
from jangter.bidding.orm import Bid, OpeningKey
from jangter.evaluation import review
from jangter.evaluation.domain import qualification
from jangter.evaluation.domain.draw_check import DrawCheck, NotRecomputable, recompute, round_events, technical_event
from jangter.evaluation.domain.ranking import FailureReason, Standing
from jangter.evaluation.orm import Opening, PreliminaryPrice, PrivateContract, ReviewScore
from jangter.identity.domain.roles import Actor
from jangter.identity.orm import Organisation
from jangter.kernel import translog
from jangter.kernel.context import AppContext
from jangter.kernel.errors import DomainError, NotFound
from jangter.kernel.procurement import AwardMethod
from jangter.tendering.domain.notice import NoticeStatus
from jangter.tendering.orm import Notice


@dataclass(frozen=True)
class PriceRow:
    slot: int
    amount: int
    pick_count: int
    drawn: bool


@dataclass(frozen=True)
class ResultRow:
    rank: int | None
    firm_id: int
    firm_name: str
    business_number: str
    representative: str
    amount: int | None
    rate: Decimal | None
    pick_1: int | None
    pick_2: int | None
    received_at: datetime
    status: BidStatus
    standing: Standing | None
    invalid_reason: str | None
    content_hash: str
    winner: bool


@dataclass(frozen=True)
class OpeningResult:
    round: int
    notice_order: int
    rule_set_version: str
    opened_at: datetime
    bid_count: int
    valid_bid_count: int
    failure_reason: FailureReason | None
    reserve_price: int | None
    floor_rate: Decimal | None
    floor_rate_rule: str | None
    floor_price: int | None
    a_value: int
    seed: str | None
    reserve_tie_broken: bool
    prices: tuple[PriceRow, ...]
    bids: tuple[ResultRow, ...]
    awarded_at: datetime | None
    price_nonce: str | None  # revealed at the opening
    slot_seed: str | None
    price_commitment: str | None  # made at publication
    key_fingerprint: str | None
    committee_present: tuple[str, ...]
    award_rule_set_version: str | None = None
    contract_deposit_rate: Decimal | None = None
    contract_deposit: int | None = None

    @property
    def winner(self) -> ResultRow | None:
        return next((b for b in self.bids if b.winner), None)


def _order_key(row: ResultRow) -> tuple[int, int, int]:
    standing_order = {
        Standing.ELIGIBLE: 0,
        Standing.BELOW_FLOOR: 1,
        Standing.ABOVE_RESERVE: 2,
        Standing.BELOW_TECHNICAL: 3,
        Standing.NO_PROPOSAL: 4,
        None: 5,
    }
    amount = row.amount or 0
    secondary = -amount if row.standing is Standing.BELOW_FLOOR else amount
    return (standing_order[row.standing], row.rank or 0, secondary)


def opening_results(ctx: AppContext, number: str) -> list[OpeningResult]:
    """Every opened round of a notice, latest first. Nothing is returned for a round not yet opened."""
    with ctx.db.reading() as session:
        notice = session.scalars(select(Notice).where(Notice.number == number)).one_or_none()
        if notice is None or notice.status == "draft":
            raise NotFound("공고", "Notice", code="notice_not_found")
        results = []
        for opening in session.scalars(
            select(Opening).where(Opening.notice_id == notice.id).order_by(Opening.round.desc())
        ):
            revealed = opening.reserve_price is not None
            key = session.get(OpeningKey, (notice.id, opening.round))
            prices = (
                tuple(
                    PriceRow(p.slot, p.amount, p.pick_count or 0, bool(p.drawn))
                    for p in session.scalars(
                        select(PreliminaryPrice)
                        .where(PreliminaryPrice.notice_id == notice.id, PreliminaryPrice.round == opening.round)
                        .order_by(PreliminaryPrice.slot)
                    )
                )
                if revealed
                else ()
            )
            rows = session.execute(
                select(Bid, Organisation)
                .join(Organisation, Organisation.id == Bid.firm_id)
                .where(Bid.notice_id == notice.id, Bid.round == opening.round)
            ).all()
            bids = tuple(
                sorted(
                    (
                        ResultRow(
                            rank=b.rank,
                            firm_id=o.id,
                            firm_name=o.name,
                            business_number=o.business_number or "",
                            representative=o.representative or "",
                            amount=b.amount if b.status == BidStatus.VALID.value else None,
                            rate=b.rate,
                            pick_1=b.pick_1,
                            pick_2=b.pick_2,
                            received_at=b.received_at,
                            status=BidStatus(b.status),
                            standing=Standing(b.standing) if b.standing else None,
                            invalid_reason=b.invalid_reason,
                            content_hash=b.content_hash,
                            winner=opening.winner_bid_id == b.id and opening.awarded_at is not None,
                        )
                        for b, o in rows
                    ),
                    key=_order_key,
                )
            )
            results.append(
                OpeningResult(
                    round=opening.round,
                    notice_order=opening.notice_order,
                    rule_set_version=opening.rule_set_version,
                    opened_at=opening.opened_at,
                    bid_count=opening.bid_count,
                    valid_bid_count=opening.valid_bid_count,
                    failure_reason=FailureReason(opening.failure_reason) if opening.failure_reason else None,
                    reserve_price=opening.reserve_price,
                    floor_rate=opening.floor_rate,
                    floor_rate_rule=opening.floor_rate_rule,
                    floor_price=opening.floor_price,
                    a_value=opening.a_value,
                    seed=opening.tie_break_seed,
                    reserve_tie_broken=opening.reserve_tie_broken,
                    prices=prices,
                    bids=bids,
                    awarded_at=opening.awarded_at,
                    price_nonce=opening.price_nonce,
                    slot_seed=opening.slot_seed,
                    price_commitment=key.price_commitment if key else None,
                    key_fingerprint=key.fingerprint if key else None,
                    committee_present=tuple(opening.committee_present or ()),
                    award_rule_set_version=opening.award_rule_set_version,
                    contract_deposit_rate=opening.contract_deposit_rate,
                    contract_deposit=opening.contract_deposit,
                )
            )
        return results


def draw_check(ctx: AppContext, number: str, round_no: int | None = None) -> DrawCheck:
    """The opening of a round recomputed from the public log alone (the latest opened round by default)."""
    with ctx.db.reading() as session:
        if session.scalar(select(Notice.id).where(Notice.number == number)) is None:
            raise NotFound("공고", "Notice", code="notice_not_found")
        events = [
            (kind, body)
            for kind in ("notice.published", "notice.technical_evaluated", "notice.opened")
            for body in translog.events(session, kind, number)
        ]
    try:
        published, opened = round_events(events, round_no)
    except NotRecomputable:
        raise DomainError(
            "draw_not_available",
            "아직 예비가격이 공개된 개찰이 없습니다.",
            "No opening of this notice has revealed its preliminary prices yet.",
            status=404,
        ) from None
    rules = ctx.rules.version(opened["terms"]["rule_set_version"])
    return recompute(number, published, opened, rules, technical_event(events, opened["round"]))


@dataclass(frozen=True)
class PrivateContractView:
    round: int
    firm_name: str
    business_number: str
    amount: int
    price_cap: int
    reason: str
    rule: str
    rule_set_version: str
    contract_deposit_rate: Decimal
    contract_deposit: int
    decided_at: datetime


def private_contract(ctx: AppContext, number: str) -> PrivateContractView | None:
    """The private contract a failed notice ended in, if any (public, like an award)."""
    with ctx.db.reading() as session:
        row = session.execute(
            select(PrivateContract, Organisation)
            .join(Notice, Notice.id == PrivateContract.notice_id)
            .join(Organisation, Organisation.id == PrivateContract.firm_id)
            .where(Notice.number == number)
        ).one_or_none()
    if row is None:
        return None
    contract, firm = row
    return PrivateContractView(
        contract.round,
        firm.name,
        firm.business_number or "",
        contract.amount,
        contract.price_cap,
        contract.reason,
        contract.rule,
        contract.rule_set_version,
        contract.contract_deposit_rate,
        contract.contract_deposit,
        contract.decided_at,
    )


@dataclass(frozen=True)
class ReviewItemView:
    key: str
    title_ko: str
    title_en: str
    maximum: Decimal


@dataclass(frozen=True)
class ReviewRow:
    order: int
    receipt: str
    firm_name: str
    business_number: str
    amount: int
    ratio_pct: Decimal
    price_score: Decimal
    items: dict[str, Decimal] | None  # None: not entered yet
    non_price: Decimal | None
    total: Decimal | None
    state: str  # winner | failed | next | waiting | not_reached


@dataclass(frozen=True)
class ReviewView:
    round: int
    rule_set_version: str
    formula: str
    pass_mark: Decimal
    other_points: Decimal
    items: tuple[ReviewItemView, ...]
    rows: tuple[ReviewRow, ...]
    winner: str | None


def review_view(ctx: AppContext, actor: Actor | None, number: str) -> ReviewView | None:
    """The qualification review of the latest opened round: agency staff see it as it goes, everyone after the
    award (or after the tender failed at the review). ``None`` when the notice has no review to show."""
    with ctx.db.reading() as session:
        notice = session.scalars(select(Notice).where(Notice.number == number)).one_or_none()
        if notice is None or notice.award_method != AwardMethod.QUALIFICATION_REVIEW.value:
            return None
        staff = actor is not None and actor.org_id == notice.agency_id
        if not staff and notice.status not in (NoticeStatus.AWARDED.value, NoticeStatus.FAILED.value):
            return None
        opening = session.scalars(
            select(Opening).where(Opening.notice_id == notice.id, Opening.round == notice.round)
        ).one_or_none()
        if opening is None or opening.reserve_price is None:
            return None
        rules = ctx.rules.version(notice.rule_set_version or "")
        tier, outcome = review.outcome(session, notice, rules, opening)
        bids = review.candidates(session, notice)
        firms = {
            o.id: o for o in session.scalars(select(Organisation).where(Organisation.id.in_({b.firm_id for b in bids})))
        }
        scores = {
            s.bid_id: s
            for s in session.scalars(
                select(ReviewScore).where(ReviewScore.notice_id == notice.id, ReviewScore.round == notice.round)
            )
        }
    reviewed = {r.key: r for r in outcome.reviews}
    rows = []
    for i, bid in enumerate(bids, start=1):
        amount = bid.amount or 0
        ratio = qualification.bid_ratio(amount, opening.reserve_price, opening.a_value)
        done = reviewed.get(bid.public_id)
        if done is not None:
            state = "winner" if done.passed else "failed"
        elif bid.public_id == outcome.waiting_for:
            state = "next"
        else:
            state = "not_reached" if outcome.winner else "waiting"
        score = scores.get(bid.id)
        firm = firms[bid.firm_id]
        rows.append(
            ReviewRow(
                order=i,
                receipt=bid.public_id,
                firm_name=firm.name,
                business_number=firm.business_number or "",
                amount=amount,
                ratio_pct=ratio,
                price_score=qualification.price_score(tier, ratio, floor_above_pivot=rules.award.floor_above_pivot),
                items={k: Decimal(v) for k, v in score.items.items()} if score else None,
                non_price=done.non_price if done else None,
                total=done.total if done else None,
                state=state,
            )
        )
    return ReviewView(
        round=notice.round,
        rule_set_version=rules.version,
        formula=f"{tier.price_points} − {tier.slope} × |{tier.pivot} − r|",
        pass_mark=tier.pass_mark,
        other_points=tier.other_points,
        items=tuple(
            ReviewItemView(i.key, i.title_ko, i.title_en, rules.award.item_maximum(i, tier))
            for i in rules.award.non_price_items
        ),
        rows=tuple(rows),
        winner=outcome.winner,
    )
