"""The releases of a contracting process, rebuilt from what the database records (no write path publishes them).

Each release has a stable ``id`` (``{ocid}-{stage}-…``) and the real ``date`` of the event it reports, so building
them twice gives the same releases, and a release never changes once its event has happened (a rejected or
withdrawn record aside). What is sealed or personal is never read here: the bids come from the public opening
results (``evaluation.queries.opening_results``, which returns nothing for a round not yet opened), the people
behind the organisations are never named, and drafts are not processes.

| event (table) | release id | tag |
|---|---|---|
| order-plan item published (``order_plan``) | ``-planning`` | planning |
| 차수 000 published / re-announced (``notice_revision``) | ``-tender-{order}`` | tender |
| 정정공고 (``notice_revision``, kind change) | ``-tender-{order}`` | tenderAmendment |
| deadline moved after an outage (``postponement``) | ``-postponement-{id}`` | tenderUpdate |
| re-bid: a new round of the same 차수 (``opening_key``) | ``-rebid-{round}`` | tenderUpdate |
| opening of a round (``opening``) | ``-opening-{round}`` | tenderUpdate |
| award of a round (``opening.awarded_at``) | ``-award-{round}`` | award |
| private contract after a failure (``private_contract``) | ``-award-private`` | award |
| cancellation (``notice.cancelled_at``) | ``-cancellation`` | tenderCancellation |
| a contract version signed by both (``contract_version``) | ``-contract-{version}`` | contract, contractAmendment |
| a contract guarantee accepted (``guarantee``) | ``-guarantee-{reference}`` | contractUpdate |
| a payment made (``payment_claim``) | ``-payment-{seq}`` | implementation |
| termination (``contract.terminated_at``) | ``-termination`` | contractTermination |
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from jangter.bidding.orm import OpeningKey
from jangter.contracting.domain.guarantee import GuaranteeKind, GuaranteeStatus
from jangter.contracting.orm import Contract, ContractVersion, Guarantee
from jangter.evaluation import queries as results
from jangter.evaluation.domain.award_floor import award_floor_rate
from jangter.evaluation.domain.negotiated import technical_maximum
from jangter.evaluation.orm import NegotiationEntry, PrivateContract
from jangter.helpdesk.incident_orm import Postponement
from jangter.identity.orm import Organisation
from jangter.kernel import translog
from jangter.kernel.context import AppContext
from jangter.kernel.errors import DomainError, NotFound
from jangter.kernel.procurement import Category
from jangter.opendata.ocds import mapping
from jangter.opendata.ocds.ids import ocid as make_ocid
from jangter.opendata.ocds.mapping import Amendment, Org, PublicBid, when
from jangter.payments.orm import PaymentClaim
from jangter.planning.orm import OrderPlan
from jangter.rules.domain import RuleSet
from jangter.tendering.domain.notice import NoticeKind, NoticeStatus
from jangter.tendering.orm import Notice, NoticeRevision

#: Guarantees published with the contract: the agency accepted them (a request, an issued guarantee the agency
#: has not decided on, and a rejected one are not published; bid bonds never are: they would name a bidder
#: before the opening).
PUBLISHED_GUARANTEES = (GuaranteeStatus.ACCEPTED, GuaranteeStatus.RELEASED, GuaranteeStatus.CLAIMED)
CONTRACT_GUARANTEES = (GuaranteeKind.CONTRACT_DEPOSIT, GuaranteeKind.ADVANCE_PAYMENT, GuaranteeKind.DEFECT_REPAIR)

# Order of releases that share a date (the events of one transaction).
_PLANNING, _TENDER, _POSTPONE, _REBID, _OPENING, _AWARD, _CANCEL, _CONTRACT, _GUARANTEE, _PAYMENT, _END = range(11)


@dataclass
class _Event:
    at: datetime
    rank: int
    suffix: str
    tags: list[str]
    body: dict[str, Any]
    parties: list[tuple[Org, str]] = field(default_factory=list)


def _org(row: Organisation) -> Org:
    return Org(row.id, row.name, row.kind, row.business_number, row.agency_code, row.name_en)


class _Orgs:
    """Organisations read once per process."""

    def __init__(self, session: Session) -> None:
        self._session = session
        self._cache: dict[int, Org] = {}

    def __call__(self, org_id: int) -> Org:
        if org_id not in self._cache:
            row = self._session.get(Organisation, org_id)
            if row is None:  # a foreign key: cannot happen
                raise NotFound("기관", "Organisation")
            self._cache[org_id] = _org(row)
        return self._cache[org_id]


def _rules(ctx: AppContext, version: str | None) -> RuleSet | None:
    if not version:
        return None
    try:
        return ctx.rules.version(version)
    except (DomainError, KeyError):
        return None


def _price_terms(rules: RuleSet | None, snapshot: dict[str, Any]) -> dict[str, Any]:
    """What the tender announces of the reserve-price draw and the award floor (the figures come after)."""
    out: dict[str, Any] = {}
    if rules is not None:
        stated = snapshot.get("reserve_range_pct")
        out["preliminaryPrices"] = {
            "round": int(snapshot["round"]),
            "total": rules.reserve_price.slots,
            "drawn": rules.reserve_price.drawn,
            "rangePercent": mapping.number(Decimal(stated) if stated else rules.reserve_price.range_pct),
        }
        negotiated = snapshot.get("award_method") == "negotiated"
        if not negotiated:
            stated_floor = snapshot.get("award_floor_rate")
            try:
                rate = award_floor_rate(
                    rules,
                    Category(snapshot["category"]),
                    int(snapshot["estimated_price"]),
                    Decimal(stated_floor) if stated_floor else None,
                )
            except DomainError:
                rate = None
            if rate is not None:
                out["awardFloor"] = {
                    "rate": mapping.number(rate.value),
                    "rule": f"{rate.rule} ({rate.version}; {rate.source})",
                }
        else:
            evaluation: dict[str, Any] = {
                "technicalMaximum": mapping.number(
                    technical_maximum(rules.negotiated, software_project=bool(snapshot.get("software_project")))
                )
            }
            if snapshot.get("differential_step"):
                evaluation["differentialStep"] = mapping.number(Decimal(snapshot["differential_step"]))
            out["technicalEvaluation"] = evaluation
    return out


def _tender_events(
    ctx: AppContext, session: Session, notice: Notice, agency: Org, buyer: Org, orgs: _Orgs
) -> tuple[list[_Event], set[int]]:
    events: list[_Event] = []
    history: list[Amendment] = []
    rounds: set[int] = set()
    revisions = session.scalars(
        select(NoticeRevision).where(NoticeRevision.notice_id == notice.id).order_by(NoticeRevision.order)
    ).all()
    for revision in revisions:
        snapshot = revision.snapshot
        rounds.add(int(snapshot["round"]))
        tender = mapping.tender_terms(snapshot, notice_number=notice.number)
        tender["procuringEntity"] = agency.reference()
        tender["rebidNumber"] = 0
        tender |= _price_terms(_rules(ctx, snapshot.get("rule_set_version")), snapshot)
        kind = NoticeKind(revision.kind)
        if kind is NoticeKind.CHANGE:
            history.append(Amendment(revision.order, revision.created_at, revision.reason))
        if history:
            tender["amendments"] = mapping.amendments(history)
        demand = orgs(int(snapshot["demand_agency_id"])) if snapshot.get("demand_agency_id") else buyer
        events.append(
            _Event(
                revision.created_at,
                _TENDER,
                f"tender-{revision.order:03d}",
                ["tenderAmendment"] if kind is NoticeKind.CHANGE else ["tender"],
                {"buyer": demand.reference(), "tender": tender},
                [(agency, "procuringEntity"), (demand, "buyer")],
            )
        )
    for moved in session.scalars(
        select(Postponement).where(Postponement.notice_id == notice.id).order_by(Postponement.id)
    ):
        events.append(
            _Event(
                moved.at,
                _POSTPONE,
                f"postponement-{moved.id}",
                ["tenderUpdate"],
                {
                    "tender": {
                        "id": notice.number,
                        "status": "active",
                        "tenderPeriod": {"endDate": when(moved.new_deadline)},
                        "bidOpening": {"date": when(moved.new_opening)},
                    }
                },
            )
        )
    # A re-bid (재입찰) opens a new round of the same 차수 without a new announcement: its dates are in the log.
    published = {int(body["round"]): body for body in translog.events(session, "notice.published", notice.number)}
    for key in session.scalars(select(OpeningKey).where(OpeningKey.notice_id == notice.id).order_by(OpeningKey.round)):
        if key.round in rounds or key.round not in published:
            continue
        body = published[key.round]
        events.append(
            _Event(
                key.created_at,
                _REBID,
                f"rebid-{key.round}",
                ["tenderUpdate"],
                {
                    "tender": {
                        "id": notice.number,
                        "status": "active",
                        "round": key.round,
                        "rebidNumber": int(body.get("rebid_no") or 0),
                        "tenderPeriod": {
                            "startDate": when(datetime.fromisoformat(body["bid_start_at"])),
                            "endDate": when(datetime.fromisoformat(body["deadline_at"])),
                        },
                        "bidOpening": {"date": when(datetime.fromisoformat(body["opening_at"]))},
                        "preliminaryPrices": {"round": key.round},
                    }
                },
            )
        )
    if notice.cancelled_at is not None:
        tender = {"id": notice.number, "status": "cancelled"}
        if notice.cancel_reason:
            tender["cancellationReason"] = notice.cancel_reason
        events.append(_Event(notice.cancelled_at, _CANCEL, "cancellation", ["tenderCancellation"], {"tender": tender}))
    return events, rounds


def _negotiation_scores(session: Session, notice: Notice, round_no: int) -> dict[int, NegotiationEntry]:
    return {
        e.firm_id: e
        for e in session.scalars(
            select(NegotiationEntry).where(NegotiationEntry.notice_id == notice.id, NegotiationEntry.round == round_no)
        )
    }


def _opening_events(
    ctx: AppContext, session: Session, notice: Notice, orgs: _Orgs
) -> tuple[list[_Event], dict[int, tuple[str, Org, int]]]:
    """The opened rounds, from the public results only; and each award's (id, supplier, amount) by round."""
    events: list[_Event] = []
    awards: dict[int, tuple[str, Org, int]] = {}
    for result in sorted(results.opening_results(ctx, notice.number), key=lambda r: r.round):
        scores = _negotiation_scores(session, notice, result.round)
        bids = []
        for row in result.bids:
            entry = scores.get(row.firm_id)
            bids.append(
                PublicBid(
                    firm=orgs(row.firm_id),
                    received_at=row.received_at,
                    valid=row.status.value == "valid",
                    amount=row.amount,
                    rate=row.rate,
                    picks=tuple(p for p in (row.pick_1, row.pick_2) if p is not None),
                    rank=row.rank,
                    standing=row.standing.value if row.standing else None,
                    invalid_reason=row.invalid_reason,
                    technical_raw=entry.raw_technical if entry else None,
                    technical=entry.technical if entry else None,
                    technical_eligible=entry.eligible if entry else None,
                    price_score=entry.price_score if entry else None,
                    total=entry.total if entry else None,
                )
            )
        tender: dict[str, Any] = {
            "id": notice.number,
            "status": "unsuccessful" if result.failure_reason else "active",
            "bidOpening": {"date": when(result.opened_at)},
        }
        if result.prices:
            tender["preliminaryPrices"] = {
                "round": result.round,
                "prices": [
                    {
                        "id": str(p.slot),
                        "value": mapping.value(p.amount),
                        "pickCount": p.pick_count,
                        "drawn": p.drawn,
                    }
                    for p in result.prices
                ],
            }
        if result.reserve_price is not None:
            tender["reservePrice"] = mapping.value(result.reserve_price)
        floor: dict[str, Any] = {}
        if result.floor_rate is not None:
            floor["rate"] = mapping.number(result.floor_rate)
        if result.floor_rate_rule:
            floor["rule"] = result.floor_rate_rule
        if result.floor_price is not None:
            floor["price"] = mapping.value(result.floor_price)
        if floor:
            tender["awardFloor"] = floor
        events.append(
            _Event(
                result.opened_at,
                _OPENING,
                f"opening-{result.round}",
                ["tenderUpdate"],
                {
                    "tender": tender,
                    "bids": {
                        "statistics": mapping.bid_statistics(
                            result.round, result.opened_at, result.bid_count, result.valid_bid_count
                        ),
                        "details": [mapping.bid_detail(result.round, b) for b in bids],
                    },
                },
                [(b.firm, "tenderer") for b in bids],
            )
        )
        winner = result.winner
        if result.awarded_at is not None and winner is not None and winner.amount is not None:
            supplier = orgs(winner.firm_id)
            award_id = f"{notice.number}-{result.round}"
            awards[result.round] = (award_id, supplier, winner.amount)
            events.append(
                _Event(
                    result.awarded_at,
                    _AWARD,
                    f"award-{result.round}",
                    ["award"],
                    {
                        "tender": {"id": notice.number, "status": "complete"},
                        "awards": [
                            {
                                "id": award_id,
                                "title": notice.title,
                                "status": "active",
                                "date": when(result.awarded_at),
                                "value": mapping.value(winner.amount),
                                "suppliers": [supplier.reference()],
                                "relatedBid": mapping.bid_id(result.round, supplier),
                            }
                        ],
                    },
                    [(supplier, "supplier")],
                )
            )
    private = session.scalars(select(PrivateContract).where(PrivateContract.notice_id == notice.id)).one_or_none()
    if private is not None:
        supplier = orgs(private.firm_id)
        award_id = f"{notice.number}-private"
        awards[0] = (award_id, supplier, private.amount)
        events.append(
            _Event(
                private.decided_at,
                _AWARD,
                "award-private",
                ["award"],
                {
                    "awards": [
                        {
                            "id": award_id,
                            "title": notice.title,
                            "description": f"수의계약 (private contract after a failed tender): {private.reason}",
                            "status": "active",
                            "date": when(private.decided_at),
                            "value": mapping.value(private.amount),
                            "suppliers": [supplier.reference()],
                        }
                    ]
                },
                [(supplier, "supplier")],
            )
        )
    return events, awards


def _contract_events(
    session: Session, notice: Notice, awards: dict[int, tuple[str, Org, int]], orgs: _Orgs
) -> list[_Event]:
    contract = session.scalars(select(Contract).where(Contract.notice_id == notice.id)).one_or_none()
    if contract is None:
        return []
    signed = [
        v
        for v in session.scalars(
            select(ContractVersion).where(ContractVersion.contract_id == contract.id).order_by(ContractVersion.version)
        )
        if v.supplier_signed_at is not None and v.agency_signed_at is not None
    ]
    if not signed:
        return []  # nothing is public before both parties have signed
    award = awards.get(0 if contract.source == "private_contract" else contract.round)
    supplier, buyer = orgs(contract.firm_id), orgs(contract.agency_id)
    # OCDS wants the award of every contract entry (the award of a contract is always published before it)
    ref: dict[str, Any] = {"id": contract.number, "awardID": award[0] if award else f"{notice.number}-{contract.round}"}
    base = ref | {"title": contract.title}
    events: list[_Event] = []
    history: list[Amendment] = []
    first_signed: datetime | None = None
    for version in signed:
        at = max(version.supplier_signed_at or version.drafted_at, version.agency_signed_at or version.drafted_at)
        first_signed = first_signed or at
        block = base | {
            "status": "active",
            "period": {"startDate": mapping.day_start(version.starts_on), "endDate": mapping.day_end(version.ends_on)},
            "value": mapping.value(version.amount),
            "dateSigned": when(at),
        }
        if version.version > 1:
            history.append(Amendment(version.version, at, version.reason))
            block["amendments"] = mapping.amendments(history)
        events.append(
            _Event(
                at,
                _CONTRACT,
                f"contract-{version.version}",
                ["contract"] if version.version == 1 else ["contractAmendment"],
                {"contracts": [block]},
                [(supplier, "supplier"), (buyer, "buyer")],
            )
        )
    assert first_signed is not None
    for guarantee in session.scalars(
        select(Guarantee)
        .where(
            Guarantee.contract_id == contract.id,
            Guarantee.kind.in_([k.value for k in CONTRACT_GUARANTEES]),
            Guarantee.status.in_([s.value for s in PUBLISHED_GUARANTEES]),
        )
        .order_by(Guarantee.id)
    ):
        if guarantee.decided_at is None or guarantee.amount is None:
            continue
        institution = orgs(guarantee.institution_id)
        item: dict[str, Any] = {
            "id": guarantee.reference,
            "type": "suretyBond",
            "obligations": mapping.OBLIGATIONS[guarantee.kind],
            "value": mapping.value(guarantee.amount),
            "guarantor": institution.reference(),
        }
        if guarantee.issued_at is not None:
            item["date"] = when(guarantee.issued_at)
        if guarantee.valid_from is not None and guarantee.valid_until is not None:
            item["period"] = {
                "startDate": mapping.day_start(guarantee.valid_from),
                "endDate": mapping.day_end(guarantee.valid_until),
            }
        events.append(
            _Event(
                max(guarantee.decided_at, first_signed),
                _GUARANTEE,
                f"guarantee-{guarantee.reference}",
                ["contractUpdate"],
                {"contracts": [ref | {"guarantees": [item]}]},
                [(institution, "guarantor")],
            )
        )
    for claim in session.scalars(
        select(PaymentClaim)
        .where(PaymentClaim.contract_id == contract.id, PaymentClaim.status == "paid")
        .order_by(PaymentClaim.seq)
    ):
        assert claim.paid_at is not None
        block = ref | {
            "implementation": {
                "transactions": [
                    {
                        "id": f"{contract.number}-P{claim.seq:03d}",
                        "date": when(claim.paid_at),
                        "value": mapping.value(claim.net),
                        "payer": buyer.reference(),
                        "payee": supplier.reference(),
                    }
                ]
            },
        }
        tags = ["implementation"]
        if claim.kind == "final" and contract.status == "completed":
            block["status"] = "terminated"  # the final payment completes the contract
            tags.append("contractUpdate")
        events.append(
            _Event(max(claim.paid_at, first_signed), _PAYMENT, f"payment-{claim.seq:03d}", tags, {"contracts": [block]})
        )
    if contract.terminated_at is not None:
        events.append(
            _Event(
                max(contract.terminated_at, first_signed),
                _END,
                "termination",
                ["contractTermination"],
                {"contracts": [ref | {"status": "terminated"}]},
            )
        )
    return events


def _planning_event(session: Session, notice: Notice, agency: Org) -> list[_Event]:
    if notice.order_plan is None:
        return []
    plan = session.scalars(select(OrderPlan).where(OrderPlan.number == notice.order_plan)).one_or_none()
    if plan is None:
        return []
    planning: dict[str, Any] = {
        "budget": {
            "id": plan.number,
            "description": f"발주계획 {plan.year}년 {plan.quarter}분기: {plan.title}",
            "amount": mapping.value(plan.amount),
        }
    }
    if plan.description:
        planning["rationale"] = plan.description
    return [
        _Event(
            plan.published_at,
            _PLANNING,
            "planning",
            ["planning"],
            {
                "planning": planning,
                "tender": {
                    "id": notice.number,
                    "title": plan.title,
                    "status": "planned",
                    "mainProcurementCategory": mapping.CATEGORIES[plan.category],
                    "procuringEntity": agency.reference(),
                },
            },
            [(agency, "procuringEntity")],
        )
    ]


def load_notice(session: Session, number: str) -> Notice:
    notice = session.scalars(select(Notice).where(Notice.number == number)).one_or_none()
    if notice is None or notice.status == NoticeStatus.DRAFT.value or notice.first_published_at is None:
        raise NotFound("공고", "Notice", code="notice_not_found")
    return notice


def releases(ctx: AppContext, number: str) -> list[dict[str, Any]]:
    """Every release of a notice's process, oldest first. A draft (or an unknown number) is ``notice_not_found``."""
    with ctx.db.reading() as session:
        notice = load_notice(session, number)
        process = make_ocid(notice.number, ctx.ocid_prefix)
        orgs = _Orgs(session)
        agency, buyer = orgs(notice.agency_id), orgs(notice.demand_agency_id)
        tender_events, _ = _tender_events(ctx, session, notice, agency, buyer, orgs)
        opening_events, awards = _opening_events(ctx, session, notice, orgs)
        events = [
            *_planning_event(session, notice, agency),
            *tender_events,
            *opening_events,
            *_contract_events(session, notice, awards, orgs),
        ]
    events.sort(key=lambda e: (e.at, e.rank, e.suffix))
    roles: dict[str, tuple[Org, set[str]]] = {}
    out = []
    for event in events:
        if "buyer" not in event.body:
            event.parties.append((buyer, "buyer"))
        for org, role in event.parties:
            roles.setdefault(org.party_id, (org, set()))[1].add(role)
        release: dict[str, Any] = {
            "ocid": process,
            "id": f"{process}-{event.suffix}",
            "date": when(event.at),
            "tag": event.tags,
            "initiationType": "tender",
            "language": "ko",
            # every organisation known so far, with all its roles: the compiled release keeps the last list
            "parties": [org.party(r) for _, (org, r) in sorted(roles.items())],
        }
        release |= copy.deepcopy(event.body)
        release.setdefault("buyer", buyer.reference())
        out.append(release)
    return out
