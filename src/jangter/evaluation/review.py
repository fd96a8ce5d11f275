"""The qualification review of a round as the database holds it (shared by the use cases and the read models)."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from jangter.bidding.orm import Bid
from jangter.evaluation.domain import qualification
from jangter.evaluation.domain.award_floor import floor_tier
from jangter.evaluation.domain.ranking import Standing
from jangter.evaluation.orm import Opening, ReviewScore
from jangter.kernel.errors import DomainError
from jangter.kernel.procurement import Category
from jangter.rules.domain import FloorTier, RuleSet
from jangter.tendering.orm import Notice


def candidates(session: Session, notice: Notice) -> list[Bid]:
    """The bids under review, in review order: at or above the floor and not above the reserve price, lowest first
    (ties already ordered by the lottery at the opening)."""
    return list(
        session.scalars(
            select(Bid)
            .where(
                Bid.notice_id == notice.id,
                Bid.round == notice.round,
                Bid.standing == Standing.ELIGIBLE.value,
                Bid.rank.is_not(None),
            )
            .order_by(Bid.rank)
        )
    )


def outcome(
    session: Session, notice: Notice, rules: RuleSet, opening: Opening
) -> tuple[FloorTier, qualification.ReviewOutcome]:
    tier = floor_tier(rules, Category(notice.category), notice.estimated_price)
    if tier is None:
        raise DomainError(
            "review_formula_missing",
            "적용 규칙에 이 공고의 적격심사 산식이 없습니다.",
            "The rules have no qualification-review formula for this notice.",
            status=409,
        )
    bids = candidates(session, notice)
    scores = {
        s.bid_id: s
        for s in session.scalars(
            select(ReviewScore).where(ReviewScore.notice_id == notice.id, ReviewScore.round == notice.round)
        )
    }
    non_price = {
        b.public_id: [
            qualification.NonPriceItem(
                item.key, Decimal(scores[b.id].items.get(item.key, "0")), rules.award.item_maximum(item, tier)
            )
            for item in rules.award.non_price_items
        ]
        for b in bids
        if b.id in scores
    }
    outcome = qualification.review(
        [qualification.Candidate(b.public_id, b.amount or 0) for b in bids],
        non_price,
        tier,
        reserve_price=opening.reserve_price or 0,
        a_value=opening.a_value,
        floor_above_pivot=rules.award.floor_above_pivot,
    )
    return tier, outcome
