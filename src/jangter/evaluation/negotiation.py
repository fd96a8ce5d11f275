"""협상에 의한 계약 (koneps-rules §4; ADR 0005), one transaction per use case.

1. Before the deadline each firm submits a technical proposal (제안서, in the clear) and a sealed price (the bid).
2. After the deadline the agency's evaluators (평가위원) score every proposal item by item, each on their own
   sheet; an evaluator's submitted sheet is final and nobody sees another's before the close.
3. The officer closes the technical evaluation: raw scores (evaluator averages, trimmed when the rule set says),
   eligibility (≥ 85 % of the technical maximum), the 차등점수제 when the notice chose a step. The scores and the
   proposals' hashes go into the public log — before any price is known.
4. The opening unseals the prices; only technically eligible firms at or below the reserve price are priced
   (§4 formulas, the reserve price as the reference); the totals give the negotiation order (opengRank).
5. The officer negotiates in that order: an agreement names the winner (then awarded as usual); a broken
   negotiation moves on to the next; when every one is broken the tender fails.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal, InvalidOperation

from sqlalchemy import func, select
from sqlalchemy.orm import Session, defer

from jangter.bidding.orm import Bid
from jangter.evaluation import records
from jangter.evaluation.domain import negotiated
from jangter.evaluation.domain.ranking import FailureReason
from jangter.evaluation.orm import EvaluationSheet, NegotiationEntry, Opening, TechnicalEvaluation, TechnicalProposal
from jangter.identity.domain.roles import Actor, OrgKind, Role, require_approved_supplier, require_role
from jangter.identity.orm import Organisation, Person
from jangter.identity.service import audit_actor, participation_problem_in
from jangter.kernel import audit
from jangter.kernel.context import AppContext
from jangter.kernel.errors import Conflict, DomainError, FieldProblem, Forbidden, NotFound, ValidationProblems
from jangter.kernel.procurement import AwardMethod
from jangter.rules.domain import RuleSet
from jangter.tendering.domain.notice import NoticeStatus
from jangter.tendering.orm import Notice
from jangter.tendering.service import close_notice_if_due, load_notice

PROPOSAL_MAX_BYTES = 20 * 1024 * 1024  # 20 MB, the size Nara Jangter allows per attachment


class Outcome:
    AGREED = "agreed"  # 협상 성립
    BROKEN = "broken"  # 협상 결렬


OUTCOME_LABELS = {Outcome.AGREED: ("협상 성립", "Agreed"), Outcome.BROKEN: ("협상 결렬", "Broken off")}


def _negotiated(session: Session, number: str, actor: Actor | None, *roles: Role, agency: bool) -> Notice:
    """The notice, once the actor may act on it: the roles, of the notice's agency when ``agency``; a draft is
    nobody else's business (not found). Only then is it checked to be a negotiated notice, so a refusal says
    nothing about a notice the actor may not see."""
    notice = load_notice(session, number, for_update=True)
    if agency:
        require_role(actor, *roles, org_id=notice.agency_id)
    else:
        require_role(actor, *roles)
        if notice.status == NoticeStatus.DRAFT.value:
            raise NotFound("공고", "Notice", code="notice_not_found")
    if notice.award_method != AwardMethod.NEGOTIATED.value:
        raise Conflict(
            "not_negotiated",
            "협상에 의한 계약 공고가 아닙니다.",
            "This notice is not a negotiated contract.",
        )
    return notice


def items_of(notice: Notice) -> list[tuple[str, Decimal]]:
    return [(name, Decimal(points)) for name, points in notice.technical_items or ()]


def technical_max(rules: RuleSet, notice: Notice) -> Decimal:
    return negotiated.technical_maximum(rules.negotiated, software_project=notice.software_project)


def _closed(session: Session, notice: Notice) -> TechnicalEvaluation | None:
    return session.get(TechnicalEvaluation, (notice.id, notice.round))


# --- 1. proposals --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ProposalReceipt:
    filename: str
    size: int
    sha256: str
    submitted_at: datetime


def _clean_filename(name: str) -> str:
    base = re.split(r"[\\/]", name.strip())[-1]
    base = re.sub(r"[\x00-\x1f]", "", base)[:200]
    return base or "proposal"


def submit_proposal(
    ctx: AppContext, actor: Actor | None, number: str, filename: str, media_type: str, content: bytes
) -> ProposalReceipt:
    """A firm's technical proposal for the current round; a new one replaces the last until the deadline."""
    now = ctx.clock.now()
    bidder = require_role(actor, Role.BIDDER, Role.COMPANY_ADMIN)
    require_approved_supplier(bidder)
    if not content:
        raise DomainError(
            "proposal_empty", "제안서 파일을 첨부하십시오.", "Please attach the proposal file.", field="proposal"
        )
    if len(content) > PROPOSAL_MAX_BYTES:
        raise DomainError(
            "proposal_too_large",
            f"제안서는 {PROPOSAL_MAX_BYTES // 1024 // 1024} MB 이하여야 합니다.",
            f"The proposal must be at most {PROPOSAL_MAX_BYTES // 1024 // 1024} MB.",
            field="proposal",
            status=413,
        )
    with ctx.uow() as uow:
        session = uow.session
        notice = _negotiated(session, number, bidder, Role.BIDDER, Role.COMPANY_ADMIN, agency=False)
        close_notice_if_due(session, notice, now)
        if notice.status != NoticeStatus.PUBLISHED.value or now >= notice.deadline_at:
            raise Conflict(
                "bidding_closed",
                "제안서 제출이 마감되었습니다.",
                "The proposal deadline has passed.",
            )
        if now < notice.bid_start_at:
            raise Conflict(
                "bidding_not_started",
                "제안서 제출 기간이 아직 시작되지 않았습니다.",
                "Proposals are not accepted before the bidding period starts.",
            )
        if refused := participation_problem_in(session, bidder.org_id, notice.category, notice.region):
            raise refused
        row = session.scalars(
            select(TechnicalProposal)
            .options(defer(TechnicalProposal.content))  # replaced, never read
            .where(
                TechnicalProposal.notice_id == notice.id,
                TechnicalProposal.round == notice.round,
                TechnicalProposal.firm_id == bidder.org_id,
            )
        ).one_or_none()
        if row is None:
            row = TechnicalProposal(notice_id=notice.id, round=notice.round, firm_id=bidder.org_id)
            session.add(row)
        row.filename = _clean_filename(filename)
        row.media_type = (media_type or "application/octet-stream")[:100]
        row.content = content
        row.sha256 = hashlib.sha256(content).hexdigest()
        row.size = len(content)
        row.submitted_at = now
        row.submitted_by = bidder.person_id
        audit.record(
            session,
            at=now,
            actor=audit_actor(bidder),
            action="proposal.submit",
            entity_type="notice",
            entity_id=number,
            after={"round": notice.round, "firm_id": bidder.org_id, "sha256": row.sha256, "size": row.size},
        )
        receipt = ProposalReceipt(row.filename, row.size, row.sha256, now)
        uow.commit()
    return receipt


@dataclass(frozen=True)
class ProposalFile:
    filename: str
    media_type: str
    content: bytes


def proposal_file(ctx: AppContext, actor: Actor | None, number: str, firm_id: int) -> ProposalFile:
    """The firm reads its own proposal at any time; the notice's agency (evaluators and officials) after the
    deadline; nobody else."""
    if actor is None:
        raise DomainError("login_required", "로그인이 필요합니다.", "Please sign in first.", status=401)
    with ctx.db.reading() as session:
        notice = load_notice(session, number)
        own_firm = actor.org_kind is OrgKind.SUPPLIER and actor.org_id == firm_id
        readers = (Role.EVALUATOR, Role.PROCUREMENT_OFFICER, Role.BID_OFFICIAL)
        agency_after_deadline = (
            actor.org_id == notice.agency_id
            and any(actor.has(role) for role in readers)
            and ctx.clock.now() >= notice.deadline_at
        )
        if not (own_firm or agency_after_deadline):
            raise Forbidden(
                "proposal_not_readable",
                "제안서는 마감 후 공고기관의 평가위원과 담당자만 열람할 수 있습니다.",
                "Proposals can be read only by the notice's evaluators and officials, after the deadline.",
            )
        row = session.scalars(
            select(TechnicalProposal).where(
                TechnicalProposal.notice_id == notice.id,
                TechnicalProposal.round == notice.round,
                TechnicalProposal.firm_id == firm_id,
            )
        ).one_or_none()
        if row is None:
            raise NotFound("제안서", "The proposal")
        return ProposalFile(row.filename, row.media_type, row.content)


# --- 2. evaluators' sheets ----------------------------------------------------------------------------------


def _after_deadline(session: Session, notice: Notice, now: datetime) -> None:
    close_notice_if_due(session, notice, now)
    if notice.status != NoticeStatus.CLOSED.value:
        raise Conflict(
            "evaluation_not_open",
            "기술평가는 제안서 마감 후 개찰 전에만 할 수 있습니다.",
            "The technical evaluation takes place after the proposal deadline and before the opening.",
        )
    if _closed(session, notice) is not None:
        raise Conflict(
            "evaluation_closed",
            "기술평가가 이미 마감되었습니다.",
            "The technical evaluation has already been closed.",
        )


def _proposals(session: Session, notice: Notice) -> list[TechnicalProposal]:
    return list(
        session.scalars(
            select(TechnicalProposal)
            .options(defer(TechnicalProposal.content))  # the files can be large; read one at a time
            .where(TechnicalProposal.notice_id == notice.id, TechnicalProposal.round == notice.round)
            .order_by(TechnicalProposal.submitted_at, TechnicalProposal.id)
        )
    )


def _read_points(
    items: Sequence[tuple[str, Decimal]],
    firms: Mapping[int, str],
    scores: Mapping[int, Mapping[str, str]],
    *,
    full: bool,
) -> dict[int, dict[str, Decimal]]:
    """Parse the points, marking each bad field (``score-<firm>-<item index>``); a submitted sheet is complete."""
    problems: list[FieldProblem] = []
    parsed: dict[int, dict[str, Decimal]] = {}
    unknown = set(scores) - set(firms)
    if unknown:
        raise DomainError(
            "unknown_proposal",
            "제안서를 내지 않은 업체의 점수가 있습니다.",
            "There are points for a firm that submitted no proposal.",
        )
    for firm, firm_name in firms.items():
        given = scores.get(firm, {})
        extra = set(given) - {name for name, _ in items}
        if extra:
            raise DomainError(
                "unknown_item",
                f"알 수 없는 평가항목: {', '.join(sorted(extra))}",
                f"Unknown evaluation items: {', '.join(sorted(extra))}",
            )
        for index, (name, maximum) in enumerate(items):
            raw = str(given.get(name, "")).strip()
            if not raw:
                if full:
                    problems.append(
                        FieldProblem(
                            f"score-{firm}-{index}",
                            "score_required",
                            f"{firm_name} · {name}: 점수를 입력하십시오.",
                            f"{firm_name} · {name}: please enter the points.",
                        )
                    )
                continue
            try:
                value = Decimal(raw)
            except InvalidOperation:
                value = Decimal(-1)
            if not value.is_finite() or not Decimal(0) <= value <= maximum or value != round(value, 2):
                problems.append(
                    FieldProblem(
                        f"score-{firm}-{index}",
                        "score_invalid",
                        f"{firm_name} · {name}: 0점 이상 {maximum.normalize():f}점 이하로, 소수 둘째 자리까지 "
                        "입력하십시오.",
                        f"{firm_name} · {name}: enter 0 to {maximum.normalize():f} points, at most two decimals.",
                    )
                )
                continue
            parsed.setdefault(firm, {})[name] = value
    if problems:
        raise ValidationProblems(problems)
    return parsed


def save_scores(
    ctx: AppContext, actor: Actor | None, number: str, scores: Mapping[int, Mapping[str, str]], *, submit: bool
) -> None:
    """An evaluator saves their points (a draft may be partial); ``submit`` makes the sheet final and complete."""
    now = ctx.clock.now()
    with ctx.uow() as uow:
        session = uow.session
        notice = _negotiated(session, number, actor, Role.EVALUATOR, agency=True)
        evaluator = require_role(actor, Role.EVALUATOR)
        _after_deadline(session, notice, now)
        firm_ids = [p.firm_id for p in _proposals(session, notice)]
        names = dict(
            session.execute(select(Organisation.id, Organisation.name).where(Organisation.id.in_(firm_ids))).all()
        )
        firms = {firm: names.get(firm, str(firm)) for firm in firm_ids}
        sheets = {
            s.firm_id: s
            for s in session.scalars(
                select(EvaluationSheet).where(
                    EvaluationSheet.notice_id == notice.id,
                    EvaluationSheet.round == notice.round,
                    EvaluationSheet.evaluator_id == evaluator.person_id,
                )
            )
        }
        if any(s.submitted_at is not None for s in sheets.values()):
            raise Conflict(
                "sheet_submitted",
                "이미 제출한 평가표는 고칠 수 없습니다.",
                "A submitted sheet cannot be changed.",
            )
        points = _read_points(items_of(notice), firms, scores, full=submit)
        for firm in firms:
            sheet = sheets.get(firm)
            if sheet is None:
                sheet = EvaluationSheet(
                    notice_id=notice.id, round=notice.round, evaluator_id=evaluator.person_id, firm_id=firm
                )
                session.add(sheet)
            sheet.items = {name: str(value) for name, value in points.get(firm, {}).items()}
            sheet.saved_at = now
            sheet.submitted_at = now if submit else None
        if submit:
            audit.record(
                session,
                at=now,
                actor=audit_actor(evaluator),
                action="evaluation.submit",
                entity_type="notice",
                entity_id=number,
                after={"round": notice.round, "sheets": {str(f): sheets_items(points, f) for f in firms}},
            )
        uow.commit()


def sheets_items(points: Mapping[int, Mapping[str, Decimal]], firm: int) -> dict[str, str]:
    return {name: str(value) for name, value in points.get(firm, {}).items()}


# --- 3. the close of the technical evaluation ---------------------------------------------------------------


def close_technical_evaluation(ctx: AppContext, actor: Actor | None, number: str) -> None:
    now = ctx.clock.now()
    with ctx.uow() as uow:
        session = uow.session
        notice = _negotiated(session, number, actor, Role.PROCUREMENT_OFFICER, Role.BID_OFFICIAL, agency=True)
        official = require_role(actor, Role.PROCUREMENT_OFFICER, Role.BID_OFFICIAL)
        _after_deadline(session, notice, now)
        rules = ctx.rules.version(notice.rule_set_version or "")
        proposals = _proposals(session, notice)
        submitted = [
            (sheet, name)
            for sheet, name in session.execute(
                select(EvaluationSheet, Person.name)
                .join(Person, Person.id == EvaluationSheet.evaluator_id)
                .where(
                    EvaluationSheet.notice_id == notice.id,
                    EvaluationSheet.round == notice.round,
                    EvaluationSheet.submitted_at.is_not(None),
                )
            ).all()
        ]
        evaluators = sorted({(name, sheet.evaluator_id) for sheet, name in submitted})
        needed = rules.negotiated.min_evaluators
        if proposals and len(evaluators) < needed:
            raise Conflict(
                "too_few_evaluators",
                f"평가표를 제출한 평가위원이 {needed}명 이상이어야 합니다 "
                f"(negotiated.min_evaluators · {rules.version}).",
                f"At least {needed} evaluators must have submitted their sheets "
                f"(negotiated.min_evaluators · {rules.version}).",
            )
        items = [name for name, _ in items_of(notice)]
        by_firm: dict[str, list[Mapping[str, Decimal]]] = {}
        for sheet, _ in submitted:
            by_firm.setdefault(str(sheet.firm_id), []).append({k: Decimal(v) for k, v in sheet.items.items()})
        maximum = technical_max(rules, notice)
        bidders = {
            str(firm)
            for firm in session.scalars(
                select(Bid.firm_id).where(Bid.notice_id == notice.id, Bid.round == notice.round).distinct()
            )
        }
        results = negotiated.evaluate_technical(
            {str(p.firm_id): by_firm.get(str(p.firm_id), []) for p in proposals if str(p.firm_id) in by_firm},
            items,
            maximum,
            notice.differential_step,
            rules.negotiated,
            competing=bidders,  # a firm that proposed without a sealed price takes no differential rank
        )
        hashes = {p.firm_id: p.sha256 for p in proposals}
        for firm, result in results.items():
            session.add(
                NegotiationEntry(
                    notice_id=notice.id,
                    round=notice.round,
                    firm_id=int(firm),
                    proposal_sha256=hashes[int(firm)],
                    raw_technical=result.raw,
                    technical=result.technical,
                    eligible=result.eligible,
                )
            )
        session.add(
            TechnicalEvaluation(
                notice_id=notice.id,
                round=notice.round,
                rule_set_version=rules.version,
                technical_max=maximum,
                differential_step=notice.differential_step,
                evaluators=[name for name, _ in evaluators],
                closed_at=now,
                closed_by=official.person_id,
            )
        )
        event = technical_event(notice, rules, maximum, len(evaluators), hashes, results, bidders)
        records.record(
            session, official, now, number, "notice.technical_evaluated", "notice.technical_evaluated", event
        )
        uow.commit()


def technical_event(
    notice: Notice,
    rules: RuleSet,
    maximum: Decimal,
    evaluator_count: int,
    hashes: Mapping[int, str],
    results: Mapping[str, negotiated.TechnicalResult],
    bidders: Collection[str],
) -> dict[str, object]:
    """What the public log keeps of the close: enough to recompute eligibility and the differential scores."""
    return {
        "round": notice.round,
        "rule_set_version": rules.version,
        "technical_max": str(maximum),
        "threshold_pct": str(rules.negotiated.technical_threshold_pct),
        "differential_step": None if notice.differential_step is None else str(notice.differential_step),
        "trim_extremes": rules.negotiated.trim_extremes,
        "evaluators": evaluator_count,
        "firms": [
            {
                "firm_id": firm,
                "proposal_sha256": sha,
                "raw": str(results[str(firm)].raw) if str(firm) in results else None,
                "technical": str(results[str(firm)].technical) if str(firm) in results else None,
                "eligible": results[str(firm)].eligible if str(firm) in results else False,
                "bid": str(firm) in bidders,
            }
            for firm, sha in sorted(hashes.items())
        ],
    }


def counted_bids(session: Session, notice: Notice) -> Callable[[int], bool]:
    """Which firms' bids count towards the minimum number of tenders: all, or for a negotiated round only the
    firms that submitted a technical proposal."""
    if notice.award_method != AwardMethod.NEGOTIATED.value:
        return lambda firm_id: True
    proposers = set(
        session.scalars(
            select(TechnicalProposal.firm_id).where(
                TechnicalProposal.notice_id == notice.id, TechnicalProposal.round == notice.round
            )
        )
    )
    return proposers.__contains__


def require_technical_closed(session: Session, notice: Notice) -> None:
    """The opening of a negotiated round waits for the technical evaluation (prices stay sealed until then)."""
    if notice.award_method == AwardMethod.NEGOTIATED.value and _closed(session, notice) is None:
        raise Conflict(
            "technical_evaluation_open",
            "기술평가를 마감한 뒤에 가격을 개찰할 수 있습니다.",
            "The prices can be opened only after the technical evaluation is closed.",
        )


# --- 4. the opening -----------------------------------------------------------------------------------------


@dataclass
class OpenedBid:
    """What the opening hands over of each valid bid (the opening's own record is updated in place)."""

    id: int
    key: str
    firm_id: int
    amount: int
    standing: str | None = None
    rate: Decimal | None = None
    rank: int | None = None


def rank_at_opening(
    session: Session,
    notice: Notice,
    rules: RuleSet,
    reserve_price: int,
    bids: Sequence[OpenedBid],
    lottery_seed: bytes,
) -> tuple[FailureReason | None, dict[str, object]]:
    """Price scores, totals and the negotiation order; returns the failure (no eligible bid) and what the log
    records so anyone can recompute the order (``draw_check``)."""
    entries = {
        e.firm_id: e
        for e in session.scalars(
            select(NegotiationEntry).where(
                NegotiationEntry.notice_id == notice.id, NegotiationEntry.round == notice.round
            )
        )
    }
    price_max = negotiated.price_maximum(rules.negotiated, software_project=notice.software_project)
    ranking = negotiated.rank_negotiated(
        [negotiated.PricedBid(b.key, str(b.firm_id), b.amount) for b in bids],
        {
            str(firm): negotiated.TechnicalResult(e.raw_technical, e.technical, e.eligible)
            for firm, e in entries.items()
        },
        reserve_price=reserve_price,
        price_max=price_max,
        rules=rules.negotiated,
        lottery_seed=lottery_seed,
    )
    by_key = {b.key: b for b in bids}
    for bid in bids:
        bid.standing = ranking.standing[bid.key].value
        bid.rate = ranking.rate[bid.key]
    for rank, proposal in enumerate(ranking.order, start=1):
        bid = by_key[proposal.key]
        bid.rank = rank
        entry = entries[bid.firm_id]
        entry.bid_id, entry.rank = bid.id, rank
        entry.price_score, entry.total = proposal.price, proposal.total
    revealed: dict[str, object] = {
        "award_method": AwardMethod.NEGOTIATED.value,
        "price_max": str(price_max),
        "technical": {
            b.key: {
                "firm_id": b.firm_id,
                "raw": str(entries[b.firm_id].raw_technical),
                "technical": str(entries[b.firm_id].technical),
                "eligible": entries[b.firm_id].eligible,
            }
            for b in bids
            if b.firm_id in entries
        },
        "negotiation_order": [
            {"receipt": p.key, "technical": str(p.technical), "price": str(p.price), "total": str(p.total)}
            for p in ranking.order
        ],
    }
    return (None if ranking.order else FailureReason.NO_ELIGIBLE_BID), revealed


# --- 5. the negotiation -------------------------------------------------------------------------------------


def record_negotiation(
    ctx: AppContext, actor: Actor | None, number: str, firm_id: int, *, agreed: bool, note: str
) -> None:
    """Record the outcome of negotiating with the next firm in order (협상 성립 / 결렬)."""
    now = ctx.clock.now()
    note = note.strip()
    with ctx.uow() as uow:
        session = uow.session
        notice = _negotiated(session, number, actor, Role.PROCUREMENT_OFFICER, Role.BID_OFFICIAL, agency=True)
        official = require_role(actor, Role.PROCUREMENT_OFFICER, Role.BID_OFFICIAL)
        if notice.status != NoticeStatus.OPENED.value:
            raise Conflict(
                "negotiation_closed",
                "협상은 개찰 후 낙찰자 결정 전에만 기록할 수 있습니다.",
                "Negotiations are recorded after the opening and before the award.",
            )
        ranked = list(
            session.scalars(
                select(NegotiationEntry)
                .where(
                    NegotiationEntry.notice_id == notice.id,
                    NegotiationEntry.round == notice.round,
                    NegotiationEntry.rank.is_not(None),
                )
                .order_by(NegotiationEntry.rank)
            )
        )
        if any(e.outcome == Outcome.AGREED for e in ranked):
            raise Conflict(
                "negotiation_agreed",
                "이미 협상이 성립되었습니다. 낙찰자를 결정하십시오.",
                "A negotiation has already been agreed; confirm the award.",
            )
        current = next((e for e in ranked if e.outcome is None), None)
        if current is None or current.firm_id != firm_id:
            raise Conflict(
                "negotiation_out_of_order",
                "협상은 협상순위대로 합니다. 지금은 이 업체와 협상할 차례가 아닙니다.",
                "Negotiations follow the ranking; it is not this firm's turn.",
            )
        if not agreed and not note:
            raise DomainError(
                "negotiation_reason_required",
                "협상 결렬 사유를 입력하십시오.",
                "Please give the reason the negotiation broke off.",
                field="note",
            )
        if len(note) > 2000:
            raise DomainError(
                "note_too_long", "2,000자 이내로 입력하십시오.", "At most 2,000 characters.", field="note"
            )
        current.outcome = Outcome.AGREED if agreed else Outcome.BROKEN
        current.outcome_note = note or None
        current.decided_at, current.decided_by = now, official.person_id
        opening = session.scalars(
            select(Opening).where(Opening.notice_id == notice.id, Opening.round == notice.round)
        ).one()
        event: dict[str, object] = {
            "round": notice.round,
            "firm_id": firm_id,
            "rank": current.rank,
            "outcome": current.outcome,
            "note": current.outcome_note,
        }
        if agreed:
            opening.winner_bid_id = current.bid_id
        elif current is ranked[-1]:  # everyone in the order broke off
            records.fail_after_opening(notice, opening, now, event)
        records.record(session, official, now, number, "notice.negotiation", "notice.negotiated", event)
        uow.commit()


# --- the read model -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ProposalRow:
    firm_id: int
    firm_name: str
    filename: str
    size: int
    sha256: str
    submitted_at: datetime


@dataclass(frozen=True)
class EntryRow:
    firm_id: int
    firm_name: str
    receipt: str | None
    amount: int | None
    raw_technical: Decimal
    technical: Decimal
    eligible: bool
    price_score: Decimal | None
    total: Decimal | None
    rank: int | None
    outcome: str | None
    note: str | None
    is_next: bool  # the firm to negotiate with now


@dataclass(frozen=True)
class EvaluatorRow:
    name: str
    submitted: bool


@dataclass(frozen=True)
class NegotiationView:
    number: str
    status: NoticeStatus
    rule_set_version: str
    technical_max: Decimal
    price_max: Decimal
    threshold_pct: Decimal
    differential_step: Decimal | None
    max_step: Decimal
    ties: str  # how equal raw scores rank (TieRanking)
    trim_extremes: bool
    min_evaluators: int
    items: list[tuple[str, Decimal]]
    deadline_passed: bool
    proposals: list[ProposalRow]  # the agency after the deadline; a firm sees its own
    evaluators: list[EvaluatorRow]  # the agency
    closed: bool
    entries: list[EntryRow]  # after the close; prices after the opening
    my_sheet: dict[int, dict[str, str]]  # the evaluator's own points
    my_sheet_submitted: bool
    can_score: bool
    can_close: bool
    can_negotiate: bool


def negotiation_view(ctx: AppContext, actor: Actor | None, number: str) -> NegotiationView | None:
    """What the actor may see of a negotiated notice's evaluation and negotiation (None for other notices)."""
    now = ctx.clock.now()
    with ctx.db.reading() as session:
        notice = load_notice(session, number)
        if notice.award_method != AwardMethod.NEGOTIATED.value or notice.rule_set_version is None:
            return None
        rules = ctx.rules.version(notice.rule_set_version)
        status = NoticeStatus(notice.status)
        if status is NoticeStatus.PUBLISHED and now >= notice.deadline_at:
            status = NoticeStatus.CLOSED  # the chronograph closes it on the next write
        agency = actor is not None and actor.org_id == notice.agency_id
        firm = actor.org_id if actor is not None and actor.org_kind is OrgKind.SUPPLIER else None
        all_proposals = _proposals(session, notice)
        names = dict(
            session.execute(
                select(Organisation.id, Organisation.name).where(
                    Organisation.id.in_([p.firm_id for p in all_proposals])
                )
            ).all()
        )
        proposals = [
            ProposalRow(p.firm_id, names.get(p.firm_id, ""), p.filename, p.size, p.sha256, p.submitted_at)
            for p in all_proposals
            if (agency and now >= notice.deadline_at) or p.firm_id == firm
        ]
        closed = _closed(session, notice) is not None
        evaluators: list[EvaluatorRow] = []
        if agency:
            submitted: dict[str, bool] = {}
            for name, at in session.execute(
                select(Person.name, EvaluationSheet.submitted_at)
                .join(Person, Person.id == EvaluationSheet.evaluator_id)
                .where(EvaluationSheet.notice_id == notice.id, EvaluationSheet.round == notice.round)
            ).all():
                submitted[name] = submitted.get(name, False) or at is not None
            evaluators = [EvaluatorRow(n, s) for n, s in sorted(submitted.items())]
        my_sheet: dict[int, dict[str, str]] = {}
        my_submitted = False
        if actor is not None and agency and actor.has(Role.EVALUATOR):
            for sheet in session.scalars(
                select(EvaluationSheet).where(
                    EvaluationSheet.notice_id == notice.id,
                    EvaluationSheet.round == notice.round,
                    EvaluationSheet.evaluator_id == actor.person_id,
                )
            ):
                my_sheet[sheet.firm_id] = dict(sheet.items)
                my_submitted = my_submitted or sheet.submitted_at is not None
        entries: list[EntryRow] = []
        if closed:
            bids = {
                bid_id: (receipt, amount)
                for bid_id, receipt, amount in session.execute(
                    select(Bid.id, Bid.public_id, Bid.amount)
                    .join(NegotiationEntry, NegotiationEntry.bid_id == Bid.id)
                    .where(NegotiationEntry.notice_id == notice.id, NegotiationEntry.round == notice.round)
                ).all()
            }
            rows = list(
                session.scalars(
                    select(NegotiationEntry).where(
                        NegotiationEntry.notice_id == notice.id, NegotiationEntry.round == notice.round
                    )
                )
            )
            rows.sort(key=lambda e: (e.rank is None, e.rank or 0, not e.eligible, -e.technical, e.firm_id))
            waiting = next((e for e in rows if e.rank is not None and e.outcome is None), None)
            agreed = any(e.outcome == Outcome.AGREED for e in rows)
            entries = [
                EntryRow(
                    e.firm_id,
                    names.get(e.firm_id, ""),
                    bids[e.bid_id][0] if e.bid_id in bids else None,
                    bids[e.bid_id][1] if e.bid_id in bids else None,
                    e.raw_technical,
                    e.technical,
                    e.eligible,
                    e.price_score,
                    e.total,
                    e.rank,
                    e.outcome,
                    e.outcome_note,
                    e is waiting and not agreed and status is NoticeStatus.OPENED,
                )
                for e in rows
            ]
        evaluation_time = status is NoticeStatus.CLOSED and not closed
        return NegotiationView(
            number=number,
            status=status,
            rule_set_version=rules.version,
            technical_max=technical_max(rules, notice),
            price_max=negotiated.price_maximum(rules.negotiated, software_project=notice.software_project),
            threshold_pct=rules.negotiated.technical_threshold_pct,
            differential_step=notice.differential_step,
            max_step=rules.negotiated.differential_max_step,
            ties=rules.negotiated.differential_ties.value,
            trim_extremes=rules.negotiated.trim_extremes,
            min_evaluators=rules.negotiated.min_evaluators,
            items=items_of(notice),
            deadline_passed=now >= notice.deadline_at,
            proposals=proposals,
            evaluators=evaluators,
            closed=closed,
            entries=entries,
            my_sheet=my_sheet,
            my_sheet_submitted=my_submitted,
            can_score=evaluation_time and agency and actor is not None and actor.has(Role.EVALUATOR),
            can_close=evaluation_time
            and agency
            and actor is not None
            and (actor.has(Role.PROCUREMENT_OFFICER) or actor.has(Role.BID_OFFICIAL)),
            can_negotiate=status is NoticeStatus.OPENED
            and agency
            and actor is not None
            and (actor.has(Role.PROCUREMENT_OFFICER) or actor.has(Role.BID_OFFICIAL)),
        )


@dataclass(frozen=True)
class QueueItem:
    number: str
    title: str
    deadline_at: datetime
    proposals: int
    submitted: bool  # this evaluator's sheet is in


def evaluation_queue(ctx: AppContext, actor: Actor | None, limit: int = 100) -> list[QueueItem]:
    """The agency's negotiated notices past their deadline whose technical evaluation is still open."""
    evaluator = require_role(actor, Role.EVALUATOR)
    now = ctx.clock.now()
    with ctx.db.reading() as session:
        notices = session.scalars(
            select(Notice)
            .outerjoin(
                TechnicalEvaluation,
                (TechnicalEvaluation.notice_id == Notice.id) & (TechnicalEvaluation.round == Notice.round),
            )
            .where(
                Notice.agency_id == evaluator.org_id,
                Notice.award_method == AwardMethod.NEGOTIATED.value,
                Notice.status.in_([NoticeStatus.PUBLISHED.value, NoticeStatus.CLOSED.value]),
                Notice.deadline_at <= now,
                TechnicalEvaluation.notice_id.is_(None),
            )
            .order_by(Notice.deadline_at)
            .limit(limit)
        ).all()
        ids = [n.id for n in notices]
        proposals = dict(
            session.execute(
                select(TechnicalProposal.notice_id, func.count())
                .join(Notice, (Notice.id == TechnicalProposal.notice_id) & (Notice.round == TechnicalProposal.round))
                .where(TechnicalProposal.notice_id.in_(ids))
                .group_by(TechnicalProposal.notice_id)
            ).all()
        )
        mine = set(
            session.scalars(
                select(EvaluationSheet.notice_id)
                .join(Notice, (Notice.id == EvaluationSheet.notice_id) & (Notice.round == EvaluationSheet.round))
                .where(
                    EvaluationSheet.notice_id.in_(ids),
                    EvaluationSheet.evaluator_id == evaluator.person_id,
                    EvaluationSheet.submitted_at.is_not(None),
                )
            )
        )
        items = [QueueItem(n.number, n.title, n.deadline_at, proposals.get(n.id, 0), n.id in mine) for n in notices]
        return items
