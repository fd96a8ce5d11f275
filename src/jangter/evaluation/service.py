"""The opening (개찰) and the award (낙찰자 결정), one transaction each.

At the opening the bid official unseals every bid of the round. With fewer valid bids than the rule requires
the notice fails and no price is revealed (단독응찰 stays sealed). Otherwise the preliminary prices are
revealed, the picks counted, the reserve price drawn, the floor price computed, every bid ranked, and the
lowest bid between the floor and the reserve price becomes the winner-to-be; the award confirms it.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from jangter.bidding.domain.bid import BidStatus, PayloadError, decode_payload, validate_picks
from jangter.bidding.orm import Bid
from jangter.evaluation.domain.award_floor import award_floor_rate, floor_price
from jangter.evaluation.domain.ranking import BidAmount, FailureReason, failure_before_opening, rank_bids
from jangter.evaluation.domain.reserve_price import draw_reserve_price
from jangter.evaluation.orm import Opening, PreliminaryPrice
from jangter.identity.domain.roles import Actor, Role, require_role
from jangter.identity.service import audit_actor
from jangter.kernel import audit
from jangter.kernel.context import AppContext
from jangter.kernel.errors import Conflict, DomainError
from jangter.kernel.lottery import seed_from
from jangter.kernel.procurement import Category
from jangter.tendering.domain.notice import NoticeAction, NoticeStatus, transition
from jangter.tendering.orm import Notice
from jangter.tendering.service import close_notice_if_due, load_notice


def opening_seed(notice: Notice, bids: list[Bid]) -> bytes:
    """The public seed of every lottery at this opening: the notice, its round and every bid's content hash."""
    return seed_from([notice.number, str(notice.round), *sorted(b.content_hash for b in bids)])


def _unseal(bid: Bid, slots: int, picks_per_bid: int) -> bool:
    """Read a bid's content into its opened columns; an unreadable bid becomes invalid with the reason."""
    try:
        content = decode_payload(bid.payload)
        picks = validate_picks(content.picks, slots=slots, picks_per_bid=picks_per_bid)
    except (PayloadError, DomainError) as exc:
        bid.status = BidStatus.INVALID.value
        bid.invalid_reason = str(exc)
        return False
    bid.amount = content.amount
    bid.pick_1 = picks[0]
    bid.pick_2 = picks[1] if len(picks) > 1 else None
    bid.status = BidStatus.VALID.value
    return True


def open_bids(ctx: AppContext, actor: Actor | None, number: str) -> None:
    now = ctx.clock.now()
    with ctx.uow() as uow:
        session = uow.session
        notice = load_notice(session, number, for_update=True)
        official = require_role(actor, Role.BID_OFFICIAL, org_id=notice.agency_id)
        close_notice_if_due(session, notice, now)
        if notice.status == NoticeStatus.PUBLISHED.value:
            raise Conflict(
                "bidding_still_open",
                "입찰 마감 전에는 개찰할 수 없습니다.",
                "Bids cannot be opened before the deadline.",
            )
        transition(NoticeStatus(notice.status), NoticeAction.OPEN)
        if now < notice.opening_at:
            raise Conflict(
                "opening_too_early",
                "개찰시각 전에는 개찰할 수 없습니다.",
                "Bids cannot be opened before the opening time.",
            )
        rules = ctx.rules.version(notice.rule_set_version or "")
        bids = list(
            session.scalars(
                select(Bid)
                .where(Bid.notice_id == notice.id, Bid.round == notice.round)
                .order_by(Bid.received_at, Bid.id)
            )
        )
        seed = opening_seed(notice, bids)
        opening = Opening(
            notice_id=notice.id,
            round=notice.round,
            notice_order=notice.order,
            rule_set_version=rules.version,
            opened_at=now,
            opened_by=official.person_id,
            bid_count=len(bids),
            valid_bid_count=0,
            a_value=notice.a_value,
            tie_break_seed=seed.hex(),
        )
        failure = failure_before_opening(len(bids), rules.award.min_valid_bids)
        if failure is None:
            valid = [b for b in bids if _unseal(b, rules.reserve_price.slots, rules.reserve_price.picks_per_bid)]
            opening.valid_bid_count = len(valid)
            failure = failure_before_opening(len(valid), rules.award.min_valid_bids)
            if failure is None:
                failure = _draw_and_rank(session, notice, opening, valid, seed, rules_version=rules.version, ctx=ctx)
        else:
            opening.valid_bid_count = len(bids)
        opening.failure_reason = failure.value if failure else None
        session.add(opening)
        before = notice.status
        notice.status = transition(
            NoticeStatus(notice.status), NoticeAction.FAIL if failure else NoticeAction.OPEN
        ).value
        notice.updated_at = now
        audit.record(
            session,
            at=now,
            actor=audit_actor(official),
            action="notice.open",
            entity_type="notice",
            entity_id=number,
            before={"status": before},
            after={
                "status": notice.status,
                "round": notice.round,
                "bid_count": len(bids),
                "reserve_price": opening.reserve_price,
                "floor_price": opening.floor_price,
                "failure_reason": opening.failure_reason,
            },
        )
        uow.commit()


def _draw_and_rank(
    session: Session,
    notice: Notice,
    opening: Opening,
    valid: list[Bid],
    seed: bytes,
    *,
    rules_version: str,
    ctx: AppContext,
) -> FailureReason | None:
    rules = ctx.rules.version(rules_version)
    prices = list(
        session.scalars(
            select(PreliminaryPrice)
            .where(PreliminaryPrice.notice_id == notice.id, PreliminaryPrice.round == notice.round)
            .order_by(PreliminaryPrice.slot)
        )
    )
    draw = draw_reserve_price(
        [p.amount for p in prices],
        [tuple(x for x in (b.pick_1, b.pick_2) if x is not None) for b in valid],
        rules.reserve_price,
        lottery_seed=seed,
    )
    for price in prices:
        price.pick_count = draw.counts[price.slot - 1]
        price.drawn = price.slot in draw.drawn_slots
    rate = award_floor_rate(rules, Category(notice.category), notice.estimated_price, notice.award_floor_rate)
    floor = floor_price(draw.reserve_price, rate.value, notice.a_value, rules.award.floor_price_rounding)
    opening.reserve_price = draw.reserve_price
    opening.reserve_tie_broken = draw.tie_broken
    opening.floor_rate = rate.value
    opening.floor_rate_rule = f"{rate.rule} · {rate.version} · {rate.source}"
    opening.floor_price = floor
    ranking = rank_bids(
        [BidAmount(b.public_id, b.amount or 0) for b in valid],
        reserve_price=draw.reserve_price,
        floor_price=floor,
        lottery_seed=seed,
    )
    by_key = {b.public_id: b for b in valid}
    for ranked in ranking.bids:
        bid = by_key[ranked.key]
        bid.rate = ranked.rate
        bid.standing = ranked.standing.value
        bid.rank = ranked.rank
    if ranking.winner is not None:
        opening.winner_bid_id = by_key[ranking.winner].id
    return ranking.failure


def decide_award(ctx: AppContext, actor: Actor | None, number: str) -> None:
    """낙찰자 결정: confirm the first-ranked bid as the winner."""
    now = ctx.clock.now()
    with ctx.uow() as uow:
        session = uow.session
        notice = load_notice(session, number, for_update=True)
        official = require_role(actor, Role.BID_OFFICIAL, Role.PROCUREMENT_OFFICER, org_id=notice.agency_id)
        new_status = transition(NoticeStatus(notice.status), NoticeAction.AWARD)
        opening = session.scalars(
            select(Opening).where(Opening.notice_id == notice.id, Opening.round == notice.round)
        ).one()
        if opening.winner_bid_id is None:
            raise Conflict("no_winner", "낙찰 예정자가 없습니다.", "There is no bid to award.")
        winner = session.get(Bid, opening.winner_bid_id)
        assert winner is not None
        opening.awarded_at = now
        opening.awarded_by = official.person_id
        notice.status = new_status.value
        notice.updated_at = now
        audit.record(
            session,
            at=now,
            actor=audit_actor(official),
            action="notice.award",
            entity_type="notice",
            entity_id=number,
            before={"status": NoticeStatus.OPENED.value},
            after={
                "status": new_status.value,
                "winner_bid": winner.public_id,
                "winner_firm_id": winner.firm_id,
                "amount": winner.amount,
            },
        )
        uow.commit()
