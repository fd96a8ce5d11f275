"""The opening (개찰) and the award (낙찰자 결정), one transaction each.

At the opening the bid official unseals every bid of the round. With fewer valid bids than the rule requires
the notice fails and no price is revealed (단독응찰 stays sealed). Otherwise the preliminary prices are
revealed, the picks counted, the reserve price drawn, the floor price computed, every bid ranked, and the
lowest bid between the floor and the reserve price becomes the winner-to-be; the award confirms it.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Mapping, Sequence
from contextlib import ExitStack
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import cast

from sqlalchemy import Table, and_, bindparam, func, select, text, update
from sqlalchemy.orm import Session

from jangter.bidding import ceremony, unsealing
from jangter.bidding.ceremony import Credential
from jangter.bidding.domain import envelope as env
from jangter.bidding.domain.bid import BidStatus
from jangter.bidding.domain.envelope import Envelope, SuiteId
from jangter.bidding.domain.opening_key import OpeningPrivateKeys
from jangter.bidding.orm import Bid, OpeningKey
from jangter.contracting.domain.deposits import contract_deposit
from jangter.evaluation import negotiation, records, review
from jangter.evaluation.domain import price_commitment, qualification
from jangter.evaluation.domain.award_floor import award_floor_rate, floor_price, floor_tier
from jangter.evaluation.domain.failed_bids import AfterFailure, FailedRound, Option, options_after_failure
from jangter.evaluation.domain.ranking import BidAmount, FailureReason, failure_before_opening, rank_bids
from jangter.evaluation.domain.reserve_price import draw_reserve_price
from jangter.evaluation.orm import Opening, PreliminaryPrice, PrivateContract, ReviewScore
from jangter.identity import security_log, step_up
from jangter.identity.domain.registration_number import normalise_brn
from jangter.identity.domain.roles import Actor, OrgKind, Role, require_role
from jangter.identity.keys import FirmSigningKey
from jangter.identity.orm import Organisation
from jangter.identity.service import audit_actor
from jangter.kernel import audit, translog
from jangter.kernel.calendar import seoul_date
from jangter.kernel.context import AppContext
from jangter.kernel.errors import Conflict, DomainError, FieldProblem, ValidationProblems
from jangter.kernel.lottery import seed_from
from jangter.kernel.money import require_won
from jangter.kernel.procurement import AwardMethod, Category, Jurisdiction
from jangter.rules.domain import FloorTier, RuleSet
from jangter.tendering.domain.notice import NoticeAction, NoticeStatus, transition
from jangter.tendering.domain.timetable import Timetable
from jangter.tendering.orm import Notice
from jangter.tendering.service import close_notice_if_due, load_notice, rebid_round

log = logging.getLogger("jangter.opening")


def opening_seed(notice: Notice, ciphertext_hashes: Sequence[str]) -> bytes:
    """The public seed of the tie lotteries: the notice, its round and every sealed bid's hash."""
    return seed_from([notice.number, str(notice.round), *sorted(ciphertext_hashes)])


@dataclass
class _RoundBid:
    """A bid of the round being opened, read once and written back once (an opening touches every bid)."""

    id: int
    public_id: str
    content_hash: str
    sealed: unsealing.Sealed
    status: str = BidStatus.SEALED.value
    amount: int | None = None
    picks: tuple[int, ...] = ()
    invalid_reason: str | None = None
    rate: Decimal | None = None
    standing: str | None = None
    rank: int | None = None
    firm_id: int = 0

    def record(self, outcome: unsealing.Opened | unsealing.Refused) -> bool:
        if isinstance(outcome, unsealing.Refused):
            self.status, self.invalid_reason = BidStatus.INVALID.value, outcome.reason
            return False
        self.status, self.amount, self.picks = BidStatus.VALID.value, outcome.amount, outcome.picks
        return True

    def row(self) -> dict[str, object]:
        return {
            "b_id": self.id,
            "status": self.status,
            "amount": self.amount,
            "pick_1": self.picks[0] if self.picks else None,
            "pick_2": self.picks[1] if len(self.picks) > 1 else None,
            "invalid_reason": self.invalid_reason,
            "rate": self.rate,
            "standing": self.standing,
            "rank": self.rank,
        }


def _round_bids(session: Session, notice: Notice) -> list[_RoundBid]:
    """Every bid of the round with its envelope, the firm's registered number and the public key it was signed with
    (a revoked key too: a bid signed while the key was valid stays verifiable), in one query."""
    rows = session.execute(
        select(
            Bid.id,
            Bid.public_id,
            Bid.content_hash,
            Bid.suite,
            Bid.notice_order,
            Bid.payload,
            Bid.key_id,
            Bid.signature,
            Bid.firm_id,
            Organisation.business_number,
            FirmSigningKey.public_key,
        )
        .join(Organisation, Organisation.id == Bid.firm_id)
        .outerjoin(FirmSigningKey, and_(FirmSigningKey.firm_id == Bid.firm_id, FirmSigningKey.key_id == Bid.key_id))
        .where(Bid.notice_id == notice.id, Bid.round == notice.round)
        .order_by(Bid.received_at, Bid.id)
    )
    return [
        _RoundBid(
            bid_id,
            public_id,
            content_hash,
            unsealing.Sealed(
                Envelope(env.VERSION, SuiteId(suite), notice.number, order, brn or "", payload, kid, signature),
                public_key or b"",
            ),
            firm_id=firm_id,
        )
        for bid_id, public_id, content_hash, suite, order, payload, kid, signature, firm_id, brn, public_key in rows
    ]


_WRITTEN = ("status", "amount", "pick_1", "pick_2", "invalid_reason", "rate", "standing", "rank")
_PG_TYPES = ("text", "bigint", "integer", "integer", "text", "numeric", "text", "integer")


def _write_back(session: Session, bids: Sequence[_RoundBid]) -> None:
    """Every bid's outcome in one statement: on PostgreSQL an UPDATE … FROM unnest(arrays); on SQLite (in-process,
    no round trips) one prepared UPDATE executed for all rows."""
    if not bids:
        return
    rows = [b.row() for b in bids]
    connection = session.connection()
    if connection.dialect.name == "postgresql":
        columns = ", ".join(f"{name} = v.{name}" for name in _WRITTEN)
        arrays = ", ".join(f"CAST(:{name} AS {kind}[])" for name, kind in zip(_WRITTEN, _PG_TYPES, strict=True))
        statement = text(
            f"UPDATE bid SET {columns} FROM unnest(CAST(:b_id AS bigint[]), {arrays}) "  # noqa: S608 -- fixed names
            f"AS v(id, {', '.join(_WRITTEN)}) WHERE bid.id = v.id"
        )
        connection.execute(statement, {name: [r[name] for r in rows] for name in ("b_id", *_WRITTEN)})
        return
    table = cast(Table, Bid.__table__)
    connection.execute(
        update(table).where(table.c.id == bindparam("b_id")).values({name: bindparam(name) for name in _WRITTEN}),
        rows,
    )


def _reveal_prices(session: Session, notice: Notice, keys: OpeningPrivateKeys) -> tuple[list[int], bytes]:
    """The preliminary prices, checked against the commitment in the public log and in the database (AT-14)."""
    record = session.get(OpeningKey, (notice.id, notice.round))
    assert record is not None
    logged = [e for e in translog.events(session, "notice.published", notice.number) if e["round"] == notice.round]
    try:
        if not logged or logged[-1]["price_commitment"] != record.price_commitment:
            raise ceremony.PricesTampered("the stored commitment differs from the one in the public log")
        return ceremony.reveal_prices(record, keys, notice.number)
    except ceremony.PricesTampered as exc:
        raise _Blocked(notice.round, str(exc)) from None


def _raise_alert(ctx: AppContext, official: Actor, number: str, round_no: int, reason: str) -> None:
    """Record a blocked opening in the audit trail and the public log (its own transaction: it must outlive the
    refusal)."""
    log.error("OPENING BLOCKED notice=%s round=%s: %s", number, round_no, reason)
    now = ctx.clock.now()
    with ctx.uow() as uow:
        audit.record(
            uow.session,
            at=now,
            actor=audit_actor(official),
            action="notice.opening_blocked",
            entity_type="notice",
            entity_id=number,
            after={"round": round_no},
            reason=reason,
        )
        translog.append(uow.session, "notice.opening_blocked", number, {"round": round_no, "reason": reason}, now)
        uow.commit()


def open_bids(
    ctx: AppContext,
    actor: Actor | None,
    number: str,
    committee: Sequence[Credential] = (),
    where: security_log.Where | None = None,
) -> None:
    """개찰. With fewer valid bids than the rule needs, the round fails without any key being rebuilt; otherwise
    ``committee`` (k members present together) rebuilds the opening key, and every bid is decrypted at once."""
    official = require_role(actor, Role.BID_OFFICIAL)
    window = _require_fresh(ctx, official, number, "open", where)
    # From a browser, each member shows a fresh check of their own (issue #6 point 3); machine clients are not asked.
    verify = ceremony.Verification(number, window, where) if official.session_kind == "browser" else None
    try:
        present = ceremony.present_members(ctx, committee, verify=verify)
    except DomainError as exc:
        _record_refusal(ctx, official, number, exc)
        raise
    open_presented(ctx, official, number, present)


def open_presented(ctx: AppContext, actor: Actor | None, number: str, committee: Sequence[ceremony.Present]) -> None:
    """The opening once the committee members have passed their step-up (:func:`ceremony.present_members`)."""
    official = require_role(actor, Role.BID_OFFICIAL)
    try:
        _open(ctx, official, number, committee)
    except _Blocked as blocked:  # the opening's transaction is rolled back; the alert outlives it
        _raise_alert(ctx, official, number, blocked.round, blocked.reason)
        raise DomainError(
            "prices_tampered",
            "예비가격이 공고 때 약속(commitment)한 값과 다릅니다. 개찰을 중단하고 경보를 기록했습니다.",
            "The preliminary prices differ from the commitment made at publication: the opening is stopped and "
            "an alert was recorded.",
            status=409,
        ) from None
    except DomainError as exc:
        _record_refusal(ctx, official, number, exc)
        raise


class _Blocked(Exception):
    def __init__(self, round_no: int, reason: str) -> None:
        super().__init__(reason)
        self.round = round_no
        self.reason = reason


REFUSALS_TO_RECORD = {
    "opening_too_early",
    "bidding_still_open",
    "quorum_not_met",
    "fingerprint_mismatch",
    "not_a_committee_member",
    "passphrase_wrong",
    "share_unreadable",
    "invalid_credentials",
    "account_locked",
}


def _record_refusal(ctx: AppContext, official: Actor, number: str, exc: DomainError) -> None:
    """Every refused opening attempt leaves a record (who, when, why), in its own transaction."""
    if exc.code not in REFUSALS_TO_RECORD:
        return
    log.warning("opening refused notice=%s by=%s code=%s", number, official.person_id, exc.code)
    with ctx.uow() as uow:
        audit.record(
            uow.session,
            at=ctx.clock.now(),
            actor=audit_actor(official),
            action="notice.open_refused",
            entity_type="notice",
            entity_id=number,
            reason=exc.code,
        )
        uow.commit()


def _open(ctx: AppContext, official: Actor, number: str, committee: Sequence[ceremony.Present]) -> None:
    started = time.perf_counter()
    now = ctx.clock.now()
    with ctx.uow() as uow, ExitStack() as stack:
        session = uow.session
        notice = load_notice(session, number, for_update=True)
        require_role(official, Role.BID_OFFICIAL, org_id=notice.agency_id)
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
        # A large round's unsealing workers boot while the bids are read and the key is rebuilt.
        count = session.scalar(
            select(func.count()).select_from(Bid).where(Bid.notice_id == notice.id, Bid.round == notice.round)
        )
        unsealer = stack.enter_context(unsealing.Unsealer(count or 0))
        bids = _round_bids(session, notice)
        read = unsealed = time.perf_counter()
        seed = opening_seed(notice, [b.content_hash for b in bids])
        opening = Opening(
            notice_id=notice.id,
            round=notice.round,
            notice_order=notice.order,
            rule_set_version=rules.version,
            opened_at=now,
            opened_by=official.person_id,
            bid_count=len(bids),
            valid_bid_count=len(bids),
            a_value=notice.a_value,
            tie_break_seed=seed.hex(),
        )
        # 협상에 의한 계약: a sealed price without a technical proposal is not a tender (ADR 0005).
        counts = negotiation.counted_bids(session, notice)
        failure = failure_before_opening(len([b for b in bids if counts(b.firm_id)]), rules.award.min_valid_bids)
        if failure is None:  # a round that fails anyway does not wait for the technical evaluation
            negotiation.require_technical_closed(session, notice)
        revealed: dict[str, object] = {}
        if failure is None:
            rebuilt = ceremony.reconstruct(
                session, notice_id=notice.id, number=number, round_no=notice.round, members=committee
            )
            try:
                prices, nonce = _reveal_prices(session, notice, rebuilt.keys)
                outcomes = unsealer.open(
                    [b.sealed for b in bids],
                    bytes(rebuilt.master),
                    slots=rules.reserve_price.slots,
                    picks_per_bid=rules.reserve_price.picks_per_bid,
                )
            finally:
                rebuilt.wipe()
            stack.close()  # the workers are done: they are gone before the writing starts
            unsealed = time.perf_counter()
            valid = [b for b, outcome in zip(bids, outcomes, strict=True) if b.record(outcome)]
            opening.valid_bid_count = len(valid)
            opening.committee_present = [m.name for m in rebuilt.members]
            for name, fitted in [(m.name, True) for m in rebuilt.members] + [(r, False) for r in rebuilt.rejected]:
                translog.append(
                    session,
                    "notice.share_presented",
                    number,
                    {"round": notice.round, "member": name, "fitted": fitted},
                    now,
                )
            slot_seed = price_commitment.slot_seed(nonce, [b.content_hash for b in bids])
            opening.price_nonce, opening.slot_seed = nonce.hex(), slot_seed.hex()
            revealed = {
                # What anyone needs to recompute the draw (evaluation/domain/draw_check.py), beside the bids below.
                "terms": {
                    "category": notice.category,
                    "estimated_price": notice.estimated_price,
                    "a_value": notice.a_value,
                    "award_floor_rate": None if notice.award_floor_rate is None else str(notice.award_floor_rate),
                    "rule_set_version": rules.version,
                    "award_method": notice.award_method,
                },
                "lottery_seed": seed.hex(),
                "prices": prices,
                "nonce": nonce.hex(),
                "slot_seed": slot_seed.hex(),
                "committee": opening.committee_present,
                "rejected_shares": list(rebuilt.rejected),
            }
            failure = failure_before_opening(len([b for b in valid if counts(b.firm_id)]), rules.award.min_valid_bids)
            if failure is None:
                in_slots = price_commitment.assign_slots(prices, slot_seed)
                failure = _draw_and_rank(
                    session, notice, opening, in_slots, valid, seed, rules_version=rules.version, ctx=ctx
                )
                if notice.award_method == AwardMethod.NEGOTIATED.value:
                    failure, negotiated_revealed = _rank_negotiated(session, notice, opening, valid, seed, rules)
                    revealed["negotiation"] = negotiated_revealed
            _write_back(session, bids)
        opening.failure_reason = failure.value if failure else None
        session.add(opening)
        before = notice.status
        notice.status = transition(
            NoticeStatus(notice.status), NoticeAction.FAIL if failure else NoticeAction.OPEN
        ).value
        notice.updated_at = now
        summary = {
            "round": notice.round,
            "bid_count": len(bids),
            "valid_bid_count": opening.valid_bid_count,
            "reserve_price": opening.reserve_price,
            "floor_price": opening.floor_price,
            "failure_reason": opening.failure_reason,
        }
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
                **summary,
                "committee": revealed.get("committee"),
                "rejected_shares": revealed.get("rejected_shares"),
            },
        )
        if opening.floor_rate is not None:
            revealed["floor_rate"] = str(opening.floor_rate)
        translog.append(
            session,
            "notice.opened",
            number,
            {
                **summary,
                **revealed,
                "bids": [
                    {
                        "receipt": b.public_id,
                        "ciphertext_sha256": b.content_hash,
                        "status": b.status,
                        "amount": b.amount,
                        "picks": list(b.picks),
                        "rank": b.rank,
                        "invalid_reason": b.invalid_reason,
                    }
                    for b in bids
                ],
            },
            now,
        )
        uow.commit()
    log.info(
        "opened %s round %s: %d bids (%d valid) in %.2f s — read %.2f, key and unsealing %.2f, rank and write %.2f",
        number,
        notice.round,
        len(bids),
        opening.valid_bid_count,
        time.perf_counter() - started,
        read - started,
        unsealed - read,
        time.perf_counter() - unsealed,
    )


def _draw_and_rank(
    session: Session,
    notice: Notice,
    opening: Opening,
    in_slots: Sequence[int],
    valid: Sequence[_RoundBid],
    seed: bytes,
    *,
    rules_version: str,
    ctx: AppContext,
) -> FailureReason | None:
    rules = ctx.rules.version(rules_version)
    draw = draw_reserve_price(in_slots, [b.picks for b in valid], rules.reserve_price, lottery_seed=seed)
    session.add_all(
        PreliminaryPrice(
            notice_id=notice.id,
            round=notice.round,
            slot=slot,
            amount=amount,
            pick_count=draw.counts[slot - 1],
            drawn=slot in draw.drawn_slots,
        )
        for slot, amount in enumerate(in_slots, start=1)
    )
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
    if ranking.winner is not None and notice.award_method == AwardMethod.LOWEST_PRICE.value:
        opening.winner_bid_id = by_key[ranking.winner].id  # 적격심사 names its winner only after the review
    return ranking.failure


def _rank_negotiated(
    session: Session, notice: Notice, opening: Opening, valid: Sequence[_RoundBid], seed: bytes, rules: RuleSet
) -> tuple[FailureReason | None, dict[str, object]]:
    """협상에 의한 계약: no award floor; the negotiation order replaces the price ranking (koneps-rules §4)."""
    opening.floor_rate = opening.floor_price = opening.floor_rate_rule = None
    opened = [negotiation.OpenedBid(b.id, b.public_id, b.firm_id, b.amount or 0) for b in valid]
    failure, revealed = negotiation.rank_at_opening(session, notice, rules, opening.reserve_price or 0, opened, seed)
    for bid, result in zip(valid, opened, strict=True):
        bid.standing, bid.rate, bid.rank = result.standing, result.rate, result.rank
    return failure, revealed


def _require_fresh(
    ctx: AppContext, actor: Actor, number: str, act: str, where: security_log.Where | None = None
) -> int:
    """Decisive acts from a browser need a fresh passkey check (identity.step_up_minutes of the notice's rules);
    returns that window in minutes."""
    with ctx.db.reading() as session:
        notice = load_notice(session, number)
        require_role(actor, *Role, org_id=notice.agency_id)  # someone else's notice: refused before any hint
        window = ctx.rules.version(notice.rule_set_version or "").identity.step_up_minutes
    step_up.require_fresh(ctx, actor, window, act=act, subject=number, where=where)
    return window


def decide_award(ctx: AppContext, actor: Actor | None, number: str) -> None:
    """낙찰자 결정: confirm the first-ranked bid as the winner."""
    if actor is not None:
        _require_fresh(ctx, actor, number, "award")
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
            if notice.award_method == AwardMethod.NEGOTIATED.value:
                raise Conflict(
                    "negotiation_not_agreed",
                    "협상이 아직 성립되지 않았습니다. 협상순위대로 협상 결과를 기록하십시오.",
                    "No negotiation has been agreed yet; record the negotiations in ranking order.",
                )
            if notice.award_method == AwardMethod.QUALIFICATION_REVIEW.value:
                raise Conflict(
                    "review_not_passed",
                    "적격심사를 통과한 입찰이 아직 없습니다. 심사 순서대로 비가격 점수를 입력하십시오.",
                    "No bid has passed the qualification review yet; enter the non-price points in review order.",
                )
            raise Conflict("no_winner", "낙찰 예정자가 없습니다.", "There is no bid to award.")
        winner = session.get(Bid, opening.winner_bid_id)
        assert winner is not None
        assert winner.amount is not None
        agency = session.get(Organisation, notice.agency_id)
        assert agency is not None
        # The deposit follows the rules in force on the award day, which a temporary measure may have changed.
        in_force = ctx.rules.in_force(Jurisdiction(agency.jurisdiction or "national"), seoul_date(now))
        deposit = contract_deposit(in_force, Category(notice.category), winner.amount)
        opening.award_rule_set_version = in_force.version
        opening.contract_deposit_rate = deposit.value.rate_pct
        opening.contract_deposit = deposit.value.amount
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
                "contract_deposit": deposit.value.amount,
                "deposit_rule": f"{deposit.rule} · {deposit.version} · {deposit.source}",
            },
        )
        translog.append(session, "notice.awarded", number, award_event(notice.round, winner, opening), now)
        uow.commit()


def award_event(round_no: int, winner: Bid, opening: Opening) -> dict[str, object]:
    """What the public log records of an award (and what the verifier compares the database with)."""
    return {
        "round": round_no,
        "winner_receipt": winner.public_id,
        "firm_id": winner.firm_id,
        "amount": winner.amount,
        "contract_deposit": opening.contract_deposit,
        "contract_deposit_rate": None if opening.contract_deposit_rate is None else str(opening.contract_deposit_rate),
        "rule_set_version": opening.award_rule_set_version,
    }


# --- after a failed tender -----------------------------------------------------------------------------


def _failed_round(session: Session, notice: Notice) -> FailedRound:
    opening = session.scalars(
        select(Opening).where(Opening.notice_id == notice.id, Opening.round == notice.round)
    ).one_or_none()
    if notice.status != NoticeStatus.FAILED.value or opening is None or opening.failure_reason is None:
        raise Conflict(
            "not_failed",
            "유찰된 공고에서만 할 수 있습니다.",
            "This can be done only after the tender failed.",
        )
    return FailedRound(
        FailureReason(opening.failure_reason),
        notice.reannounced,
        negotiated=notice.award_method == AwardMethod.NEGOTIATED.value,
    )


def _rules_today(ctx: AppContext, session: Session, notice: Notice) -> RuleSet:
    agency = session.get(Organisation, notice.agency_id)
    assert agency is not None
    return ctx.rules.in_force(Jurisdiction(agency.jurisdiction or "national"), seoul_date(ctx.clock.now()))


def options_after(ctx: AppContext, actor: Actor | None, number: str) -> list[Option]:
    """What the rules in force today allow after this notice's failed round, each with its reason."""
    with ctx.db.reading() as session:
        notice = load_notice(session, number)
        require_role(actor, Role.PROCUREMENT_OFFICER, Role.BID_OFFICIAL, org_id=notice.agency_id)
        return options_after_failure(_rules_today(ctx, session, notice), _failed_round(session, notice))


def _require_option(ctx: AppContext, session: Session, notice: Notice, action: AfterFailure) -> Option:
    options = options_after_failure(_rules_today(ctx, session, notice), _failed_round(session, notice))
    option = next(o for o in options if o.action is action)
    if not option.allowed:
        raise Conflict(f"{action.value}_not_allowed", option.why_ko, option.why_en)
    return option


def rebid(ctx: AppContext, actor: Actor | None, number: str, timetable: Timetable) -> None:
    """재입찰 with the round's preliminary prices, when the rules allow it."""
    with ctx.uow() as uow:
        session = uow.session
        notice = load_notice(session, number, for_update=True)
        officer = require_role(actor, Role.PROCUREMENT_OFFICER, org_id=notice.agency_id)
        _require_option(ctx, session, notice, AfterFailure.REBID)
        opened = [e for e in translog.events(session, "notice.opened", number) if e["round"] == notice.round]
        prices = [int(p) for p in opened[-1]["prices"]]  # revealed at the failed opening: the same 15 prices
        rebid_round(ctx, session, notice, officer, timetable, prices)
        uow.commit()


@dataclass(frozen=True)
class PrivateContractTerms:
    business_number: str
    amount: int
    reason: str


def award_private_contract(ctx: AppContext, actor: Actor | None, number: str, terms: PrivateContractTerms) -> None:
    """수의계약 after a failed tender, on the original terms: the price may not exceed the failed round's reserve
    price (or, when no price was opened, the base amount), and the contract deposit follows today's rules."""
    if actor is not None:
        _require_fresh(ctx, actor, number, "private_contract")
    now = ctx.clock.now()
    with ctx.uow() as uow:
        session = uow.session
        notice = load_notice(session, number, for_update=True)
        officer = require_role(actor, Role.PROCUREMENT_OFFICER, org_id=notice.agency_id)
        option = _require_option(ctx, session, notice, AfterFailure.PRIVATE_CONTRACT)
        problems: list[FieldProblem] = []
        if not terms.reason.strip():
            problems.append(
                FieldProblem("reason", "reason_required", "사유를 입력하십시오.", "Please give the reason.")
            )
        firm = None
        try:
            brn = normalise_brn(terms.business_number)
        except DomainError as exc:
            problems.append(FieldProblem("business_number", exc.code, exc.message_ko, exc.message_en))
            brn = None
        else:
            firm = session.scalars(select(Organisation).where(Organisation.business_number == brn)).one_or_none()
        if brn is not None and (
            firm is None or firm.kind != OrgKind.SUPPLIER.value or firm.registration_status != "approved"
        ):
            problems.append(
                FieldProblem(
                    "business_number",
                    "firm_not_registered",
                    "입찰참가자격이 승인된 업체의 사업자등록번호를 입력하십시오.",
                    "Enter the business number of a firm whose registration is approved.",
                )
            )
        opening = session.scalars(
            select(Opening).where(Opening.notice_id == notice.id, Opening.round == notice.round)
        ).one()
        cap = opening.reserve_price or notice.base_amount
        try:
            require_won(terms.amount, "amount")
        except DomainError as exc:
            problems.append(FieldProblem("amount", exc.code, exc.message_ko, exc.message_en))
        else:
            if terms.amount > cap:
                problems.append(
                    FieldProblem(
                        "amount",
                        "above_original_terms",
                        f"원래 조건의 가격({cap:,}원)을 넘을 수 없습니다 (시행령 §27②).",
                        f"The price may not exceed the original terms (₩{cap:,}; decree §27②).",
                    )
                )
        if problems:
            raise ValidationProblems(problems)
        assert firm is not None
        in_force = _rules_today(ctx, session, notice)
        deposit = contract_deposit(in_force, Category(notice.category), terms.amount)
        session.add(
            PrivateContract(
                notice_id=notice.id,
                round=notice.round,
                firm_id=firm.id,
                amount=terms.amount,
                price_cap=cap,
                reason=terms.reason.strip(),
                rule=option.rule,
                rule_set_version=in_force.version,
                contract_deposit_rate=deposit.value.rate_pct,
                contract_deposit=deposit.value.amount,
                decided_at=now,
                decided_by=officer.person_id,
            )
        )
        before = notice.status
        notice.status = transition(NoticeStatus(notice.status), NoticeAction.PRIVATE_CONTRACT).value
        notice.updated_at = now
        event = {
            "round": notice.round,
            "firm_id": firm.id,
            "amount": terms.amount,
            "price_cap": cap,
            "rule": option.rule,
            "contract_deposit": deposit.value.amount,
        }
        audit.record(
            session,
            at=now,
            actor=audit_actor(officer),
            action="notice.private_contract",
            entity_type="notice",
            entity_id=number,
            before={"status": before},
            after={"status": notice.status, **event, "reason": terms.reason.strip()},
        )
        translog.append(session, "notice.private_contract", number, event, now)
        uow.commit()


# --- qualification review (적격심사) --------------------------------------------------------------------


def enter_review(
    ctx: AppContext, actor: Actor | None, number: str, receipt: str, points: Mapping[str, str]
) -> qualification.ReviewOutcome:
    """Enter (or correct, before the award) a bid's non-price points; the review then names the first bid in
    order that passes, or — when every bid has been reviewed and none passes — the tender fails."""
    now = ctx.clock.now()
    with ctx.uow() as uow:
        session = uow.session
        notice = load_notice(session, number, for_update=True)
        official = require_role(actor, Role.PROCUREMENT_OFFICER, Role.BID_OFFICIAL, org_id=notice.agency_id)
        if notice.award_method != AwardMethod.QUALIFICATION_REVIEW.value:
            raise Conflict(
                "no_review", "이 공고는 적격심사 대상이 아닙니다.", "This notice has no qualification review."
            )
        if notice.status != NoticeStatus.OPENED.value:
            raise Conflict(
                "review_closed",
                "적격심사는 개찰 후 낙찰자 결정 전에만 할 수 있습니다.",
                "The review can be entered only after the opening and before the award.",
            )
        rules = ctx.rules.version(notice.rule_set_version or "")
        opening = session.scalars(
            select(Opening).where(Opening.notice_id == notice.id, Opening.round == notice.round)
        ).one()
        bid = next((b for b in review.candidates(session, notice) if b.public_id == receipt), None)
        if bid is None:
            raise DomainError(
                "not_under_review",
                "심사 대상 입찰이 아닙니다 (낙찰하한 이상·예정가격 이하의 유효 입찰만 심사합니다).",
                "This bid is not under review (only valid bids between the floor and the reserve price are).",
                status=404,
            )
        tier = floor_tier(rules, Category(notice.category), notice.estimated_price)
        assert tier is not None
        items = _read_items(rules, tier, points)
        score = session.get(ReviewScore, bid.id)
        if score is None:
            score = ReviewScore(bid_id=bid.id, notice_id=notice.id, round=notice.round, entered_by=official.person_id)
            session.add(score)
        score.items = {k: str(v) for k, v in items.items()}
        score.entered_at = now
        score.entered_by = official.person_id
        session.flush()
        _, outcome = review.outcome(session, notice, rules, opening)
        reviewed = next((r for r in outcome.reviews if r.key == receipt), None)
        by_key = {b.public_id: b for b in review.candidates(session, notice)}
        opening.winner_bid_id = by_key[outcome.winner].id if outcome.winner else None
        event: dict[str, object] = {
            "round": notice.round,
            "receipt": receipt,
            "items": score.items,
            "reviewed": None
            if reviewed is None
            else {"price_score": str(reviewed.price_score), "total": str(reviewed.total), "passed": reviewed.passed},
            "winner": outcome.winner,
        }
        failed = outcome.winner is None and outcome.waiting_for is None
        if failed:  # every bid under review was reviewed and none passed
            records.fail_after_opening(notice, opening, now, event)
        records.record(session, official, now, number, "notice.review", "notice.reviewed", event)
        uow.commit()
        return outcome


def _read_items(rules: RuleSet, tier: FloorTier, points: Mapping[str, str]) -> dict[str, Decimal]:
    problems: list[FieldProblem] = []
    values: dict[str, Decimal] = {}
    unknown = set(points) - {i.key for i in rules.award.non_price_items}
    if unknown:
        raise DomainError(
            "unknown_review_item",
            f"알 수 없는 심사 항목: {', '.join(sorted(unknown))}",
            f"Unknown review items: {', '.join(sorted(unknown))}",
        )
    for item in rules.award.non_price_items:
        maximum = rules.award.item_maximum(item, tier)
        raw = str(points.get(item.key, "")).strip()
        try:
            value = Decimal(raw)
        except InvalidOperation:
            value = Decimal(-1)
        if not raw or not value.is_finite() or not Decimal(0) <= value <= maximum:
            problems.append(
                FieldProblem(
                    f"item_{item.key}",
                    "review_points_invalid",
                    f"{item.title_ko}: 0점 이상 {maximum.normalize():f}점 이하로 입력하십시오.",
                    f"{item.title_en}: enter 0 to {maximum.normalize():f} points.",
                )
            )
        values[item.key] = value
    if problems:
        raise ValidationProblems(problems)
    return values
