"""Bidding use cases: receive a sealed bid and return a signed receipt; read one's own receipts.

The server never sees a bid's content: it checks the envelope (framing, suite, lengths, binding to notice, 차수
and firm, and the firm's signature), stores the ciphertext, queues a ``bid.received`` event for the public log and
signs a receipt over that event. The deadline is decided by the database clock when the transaction commits: on
PostgreSQL a deferred constraint trigger checks ``jangter_now()`` at COMMIT (migration ``0001``); on SQLite a commit
guard checks it as the last statement before COMMIT, under the write lock held since BEGIN IMMEDIATE (and an insert
trigger refuses late rows from any other client). The application checks the deadline first only to answer early
with a friendlier message; it is never the authority.
"""

from __future__ import annotations

import json
import secrets
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from functools import partial
from typing import Any, cast

from sqlalchemy import Table, bindparam, insert, select, text, type_coerce, update
from sqlalchemy.exc import DBAPIError, IntegrityError
from sqlalchemy.orm import Session

from jangter.bidding.domain import envelope as env
from jangter.bidding.domain.bid import BidStatus
from jangter.bidding.orm import Bid
from jangter.contracting.domain.guarantee import GuaranteeKind, GuaranteeStatus
from jangter.contracting.orm import Guarantee
from jangter.identity import passkeys, security_log, step_up
from jangter.identity.domain import firm_profile
from jangter.identity.domain.roles import Actor, Role, require_approved_supplier, require_role
from jangter.identity.keys import FirmSigningKey
from jangter.identity.orm import Organisation, Person
from jangter.identity.security_log import Where
from jangter.identity.service import audit_actor
from jangter.kernel import audit, idempotency, merkle, translog
from jangter.kernel.canonical import canonical_json
from jangter.kernel.context import AppContext
from jangter.kernel.db import DeadlinePassed, UTCDateTime, is_deadline_violation, sql_now
from jangter.kernel.errors import Conflict, DomainError, NotFound
from jangter.kernel.idempotency import IdempotencyClaim
from jangter.kernel.ids import display_number
from jangter.kernel.procurement import BidBond
from jangter.kernel.signing import PlatformSigner
from jangter.rules.domain import SameOrigin
from jangter.tendering.domain.notice import NoticeStatus
from jangter.tendering.orm import Notice

ENVELOPE_V1 = "envelope-v1"


@dataclass(frozen=True)
class Receipt:
    """What the bidder keeps: the platform's signature over the ``bid.received`` log event. No amount, ever."""

    receipt_id: str
    notice_number: str
    notice_order: int
    round: int
    firm_name: str
    business_number: str
    bidder_name: str
    received_at: datetime
    ciphertext_sha256: str
    suite: str
    leaf: str  # the exact log event (canonical JSON)
    leaf_hash: str
    signature: str  # Ed25519 by the platform over ``leaf``
    platform_key_id: str
    person_signed: bool = False  # the bidder signed this bid with their own passkey

    @property
    def display_notice(self) -> str:
        return display_number(self.notice_number, self.notice_order)


def receipt_event(
    *,
    notice: str,
    order: int,
    round_no: int,
    firm: str,
    ciphertext_sha256: str,
    suite: str,
    received_at: datetime,
    receipt_id: str,
) -> dict[str, Any]:
    return {
        "ciphertext_sha256": ciphertext_sha256,
        "firm": firm,
        "order": order,
        "receipt": receipt_id,
        "received_at": received_at.isoformat(),
        "round": round_no,
        "suite": suite,
    }


def event_body(notice_number: str, event: dict[str, Any]) -> bytes:
    """The exact bytes of a bid's ``bid.received`` log event (the integrator writes the same bytes later)."""
    return canonical_json({"event": "bid.received", "subject": notice_number, **event})


def bid_event_body(bid: Bid, notice_number: str, business_number: str) -> bytes:
    return event_body(
        notice_number,
        receipt_event(
            notice=notice_number,
            order=bid.notice_order,
            round_no=bid.round,
            firm=business_number,
            ciphertext_sha256=bid.content_hash,
            suite=bid.suite,
            received_at=bid.received_at,
            receipt_id=bid.public_id,
        ),
    )


class BidEvents:
    """The log's source of ``bid.received`` events: bids not yet logged, read straight from their table, so that
    submitting a bid writes one row fewer (the integrator writes the same bytes the receipt signed)."""

    def unlogged(self, session: Session, limit: int) -> list[translog.Candidate]:
        rows = session.execute(
            select(Bid, Notice.number, Organisation.business_number)
            .join(Notice, Notice.id == Bid.notice_id)
            .join(Organisation, Organisation.id == Bid.firm_id)
            .where(Bid.log_index.is_(None))
            .order_by(Bid.id)
            .limit(limit)
        ).all()

        def mark(bid_id: int) -> Callable[[int], None]:
            def logged(index: int) -> None:
                session.execute(update(Bid).where(Bid.id == bid_id).values(log_index=index))

            return logged

        return [
            translog.Candidate(
                bid.received_at, "bid.received", number, bid_event_body(bid, number, brn or ""), mark(bid.id)
            )
            for bid, number, brn in rows
        ]


def deadline_passed() -> DomainError:
    return DomainError(
        "bid_deadline_passed",
        "입찰 마감시각이 지나 입찰서를 받을 수 없습니다.",
        "The bid deadline has passed; the bid was not accepted.",
        status=409,
    )


def _already_bid() -> Conflict:
    return Conflict(
        "bid_already_submitted",
        "이 업체는 이 공고에 이미 입찰했습니다 (업체당 1건).",
        "This firm has already bid on this notice (one bid per firm).",
    )


_NOTICES = cast(Table, Notice.__table__)
_BIDS = cast(Table, Bid.__table__)
_SIGNING_KEYS = cast(Table, FirmSigningKey.__table__)
_KEY_FOR_BID = (
    select(_SIGNING_KEYS.c.public_key)
    .where(
        _SIGNING_KEYS.c.key_id == bindparam("key_id"),
        _SIGNING_KEYS.c.firm_id == bindparam("firm_id"),
        _SIGNING_KEYS.c.revoked_at.is_(None),
    )
    .scalar_subquery()
)
_GUARANTEES = cast(Table, Guarantee.__table__)
#: The firm's bid bond for the notice, accepted (a notice that takes the bond as a guarantee, koneps-rules §3.5).
_BOND_FOR_BID = (
    select(_GUARANTEES.c.id)
    .where(
        _GUARANTEES.c.notice_id == _NOTICES.c.id,
        _GUARANTEES.c.firm_id == bindparam("firm_id"),
        _GUARANTEES.c.kind == GuaranteeKind.BID_BOND.value,
        _GUARANTEES.c.status == GuaranteeStatus.ACCEPTED.value,
    )
    .exists()
)
_ORGS = cast(Table, Organisation.__table__)
_FIRM_PROFILE = select(_ORGS.c.supplies, _ORGS.c.region).where(_ORGS.c.id == bindparam("firm_id"))
#: The notice, the firm's signing key and what the firm is registered for, in one round trip (the hot path).
_NOTICE_FOR_BID = select(
    type_coerce(sql_now(), UTCDateTime()).label("db_now"),
    _KEY_FOR_BID.label("signing_key"),
    _FIRM_PROFILE.with_only_columns(_ORGS.c.supplies).scalar_subquery().label("firm_supplies"),
    _FIRM_PROFILE.with_only_columns(_ORGS.c.region).scalar_subquery().label("firm_region"),
    _NOTICES.c.category,
    _NOTICES.c.region,
    _NOTICES.c.id,
    _NOTICES.c.status,
    _NOTICES.c.deadline_at,
    _NOTICES.c.bid_start_at,
    _NOTICES.c.round,
    _NOTICES.c.order,
    _NOTICES.c.pq_allowed,
    _NOTICES.c.bid_bond,
    _BOND_FOR_BID.label("bid_bond_accepted"),
    _NOTICES.c.rule_set_version,
).where(_NOTICES.c.number == bindparam("number"))

#: Another firm's bid in the same round from the same address or device (koneps-rules §1.4).
_SAME_ORIGIN = (
    select(_BIDS.c.firm_id, _BIDS.c.client_ip, _BIDS.c.device_id)
    .where(
        _BIDS.c.notice_id == bindparam("notice_id"),
        _BIDS.c.round == bindparam("round"),
        _BIDS.c.firm_id != bindparam("firm_id"),
        (_BIDS.c.client_ip == bindparam("ip")) | (_BIDS.c.device_id == bindparam("device")),
    )
    .limit(1)
)

#: The receipt time is the database clock at insert (``jangter_now()``), never the application's.
_INSERT_BID = insert(_BIDS).values(received_at=sql_now()).returning(_BIDS.c.id, _BIDS.c.received_at)


def _deadline_guard(bid_id: int, session: Session) -> None:
    """SQLite: re-check the deadline by the database clock as the last statement before COMMIT."""
    late = session.execute(
        select(Bid.id).join(Notice, Notice.id == Bid.notice_id).where(Bid.id == bid_id, sql_now() > Notice.deadline_at)
    ).first()
    if late is not None:
        raise DeadlinePassed(f"bid {bid_id} reached COMMIT after the deadline")


@dataclass(frozen=True)
class PersonSignature:
    """A passkey assertion over the sealed bid's hash, from the bid form, and the site it was made for."""

    rp: passkeys.RelyingParty
    credential: str  # the assertion as JSON


class Refusal(Exception):
    """A bid refused for who or where it came from: the error to answer, and the security event to keep (written
    after the bid's transaction has rolled back)."""

    def __init__(self, error: DomainError, event: dict[str, Any]) -> None:
        super().__init__(error.code)
        self.error = error
        self.event = event


def same_origin_refused(shared: str) -> DomainError:
    what_ko, what_en = (
        ("같은 PC(기기)", "the same device") if shared == "device" else ("같은 IP 주소", "the same IP address")
    )
    return Conflict(
        "same_origin_bid",
        f"이 공고에는 이미 다른 업체가 {what_ko}에서 입찰했습니다. 한 공고에는 같은 PC·같은 IP에서 한 업체만 "
        "입찰할 수 있습니다 (대리입찰 방지).",
        f"Another firm has already bid in this tender from {what_en}; one tender takes one firm's bid per device "
        "and per IP address (against proxy bidding).",
    )


def _check_origin(
    ctx: AppContext, session: Session, notice: Any, bidder: Actor, where: Where, number: str
) -> dict[str, Any] | None:
    """One firm per device and per IP address in a tender (koneps-rules §1.4), refused or flagged as the notice's
    rule set says. Returns the security event to record with the bid when it is only flagged."""
    if where.ip is None and where.device is None:
        return None
    rules = ctx.rules.version(notice.rule_set_version).identity
    policy = {"ip": rules.same_ip, "device": rules.same_device}
    if all(p is SameOrigin.OFF for p in policy.values()):
        return None
    connection = session.connection()
    if connection.dialect.name == "postgresql":  # two firms from one address at the same instant: one waits
        # One round trip for both locks, in a statement of its own: the lookup's snapshot must come after them.
        keys = [f"{notice.id}:{notice.round}:{k}" for k in (where.ip, where.device) if k is not None]
        connection.execute(_ORIGIN_LOCK, {"a": keys[0], "b": keys[-1]})
    other = connection.execute(
        _SAME_ORIGIN,
        {
            "notice_id": notice.id,
            "round": notice.round,
            "firm_id": bidder.org_id,
            "ip": where.ip,
            "device": where.device,
        },
    ).first()
    if other is None:
        return None
    shared = "device" if where.device is not None and other.device_id == where.device else "ip"
    if policy[shared] is SameOrigin.OFF:
        return None
    event: dict[str, Any] = {
        "kind": f"bid.same_{shared}",
        "where": security_log.Where(where.ip, where.device),
        "person_id": bidder.person_id,
        "org_id": bidder.org_id,
        "subject": number,
        "detail": {"other_firm_id": other.firm_id, "round": notice.round, "rule": f"identity.same_{shared}"},
    }
    if where.demo:
        event["detail"]["demo"] = True
    if policy[shared] is SameOrigin.REFUSE and not where.demo:
        raise Refusal(same_origin_refused(shared), {**event, "outcome": security_log.Outcome.REFUSED})
    return {**event, "outcome": security_log.Outcome.FLAGGED}


_ORIGIN_LOCK = text(
    "SELECT pg_advisory_xact_lock(hashtextextended(:a, 0)), pg_advisory_xact_lock(hashtextextended(:b, 0))"
)


def _check_open(status: str, deadline_at: datetime, bid_start_at: datetime, now: datetime) -> None:
    if status == NoticeStatus.DRAFT.value:
        raise NotFound("공고", "Notice", code="notice_not_found")
    if status != NoticeStatus.PUBLISHED.value or now > deadline_at:
        if status in (NoticeStatus.PUBLISHED.value, NoticeStatus.CLOSED.value):
            raise deadline_passed()
        raise Conflict("notice_not_open", "입찰을 받고 있는 공고가 아닙니다.", "This notice is not open for bids.")
    if now < bid_start_at:
        raise Conflict("bidding_not_started", "아직 입찰 개시 전입니다.", "Bidding has not started yet.")


def _sign(signer: PlatformSigner, leaf: bytes) -> str:
    return signer.sign(leaf).hex()


def submit_bid(
    ctx: AppContext,
    actor: Actor | None,
    notice_number: str,
    document: Mapping[str, Any],
    claim: IdempotencyClaim | None = None,
    where: Where | None = None,
    person_signature: PersonSignature | None = None,
) -> Receipt:
    """Receive a sealed bid. The hot path of the platform, kept to a few round trips.

    One bid per firm per bidding round is enforced by a unique constraint; a retry with the same Idempotency-Key
    gets the first receipt back, also when the two requests race.
    """
    bidder = require_role(actor, Role.BIDDER)
    require_approved_supplier(bidder)
    envelope = env.parse(document)
    now = ctx.clock.now()
    try:
        with ctx.uow() as uow:
            session = uow.session
            if claim is not None and (earlier := idempotency.find(session, claim)) is not None:
                return get_receipt(ctx, bidder, earlier.resource_id)
            connection = session.connection()
            notice = connection.execute(
                _NOTICE_FOR_BID, {"number": notice_number, "key_id": envelope.key_id, "firm_id": bidder.org_id}
            ).one_or_none()
            if notice is None:
                raise NotFound("공고", "Notice", code="notice_not_found")
            # The early answer uses the database clock too: a skewed application server changes nothing.
            _check_open(notice.status, notice.deadline_at, notice.bid_start_at, notice.db_now)
            env.check_binding(envelope, notice=notice_number, order=notice.order, firm=bidder.org_business_number or "")
            if refused := firm_profile.participation_problem(
                supplies=firm_profile.decode(notice.firm_supplies),
                head_office=notice.firm_region,
                category=notice.category,
                notice_region=notice.region,
            ):
                raise refused
            if notice.bid_bond == BidBond.GUARANTEE.value and not notice.bid_bond_accepted:
                raise Conflict(
                    "bid_bond_required",
                    "이 공고는 입찰보증서가 필요합니다. 보증기관에 입찰보증서를 요청하고, 보증서가 장터에 접수된 뒤에 "
                    "입찰하십시오.",
                    "This notice needs a bid-bond guarantee: ask an institution for one, and bid once it has reached "
                    "Jangter.",
                )
            if envelope.suite is env.SuiteId.PQ and not notice.pq_allowed:
                raise DomainError(
                    "suite_not_allowed",
                    "이 공고는 양자내성 암호 방식을 받지 않습니다. p256으로 봉인하십시오.",
                    "This notice does not accept the post-quantum suite; seal with p256.",
                    field="envelope",
                )
            public_key = notice.signing_key
            signature_problem = None
            if public_key is None:
                signature_problem = DomainError(
                    "signing_key_unknown",
                    "등록되지 않았거나 폐기된 서명 키입니다. 업체 관리자가 키를 등록해야 합니다.",
                    "The signing key is not registered for this firm (or was revoked).",
                    field="envelope",
                )
            elif not env.verify_signature(envelope, public_key):
                signature_problem = DomainError(
                    "signature_invalid",
                    "입찰서 서명이 맞지 않습니다. 다시 봉인하여 서명하십시오.",
                    "The bid's signature does not verify; seal and sign it again.",
                    field="envelope",
                )
            if signature_problem is not None:  # a revoked key or a forged signature: the security log keeps it
                raise Refusal(
                    signature_problem,
                    {
                        "kind": "bid.signature",
                        "outcome": security_log.Outcome.REFUSED,
                        "where": where,
                        "person_id": bidder.person_id,
                        "org_id": bidder.org_id,
                        "subject": notice_number,
                        "detail": {"code": signature_problem.code, "key_id": envelope.key_id},
                    },
                )
            where = where or Where()
            window = ctx.rules.version(notice.rule_set_version).identity.step_up_minutes
            signed = None
            if person_signature is not None:  # the bidder's passkey signed this very bid: that is the step-up
                signed = passkeys.verify_bid_signature(
                    session,
                    bidder.person_id,
                    person_signature.rp,
                    envelope.ciphertext_sha256,
                    person_signature.credential,
                    now,
                )
            elif step_up.needs_step_up(ctx, bidder, window):
                raise Refusal(
                    step_up.step_up_required(window),
                    {
                        "kind": "step_up",
                        "outcome": security_log.Outcome.REFUSED,
                        "where": where,
                        "person_id": bidder.person_id,
                        "org_id": bidder.org_id,
                        "subject": notice_number,
                        "detail": {"act": "bid", "window_minutes": window, "rule": "identity.step_up_minutes"},
                    },
                )
            flagged = _check_origin(ctx, session, notice, bidder, where, notice_number)
            public_id = secrets.token_hex(16)
            bid_id, received_at = connection.execute(
                _INSERT_BID,
                {
                    "public_id": public_id,
                    "notice_id": notice.id,
                    "round": notice.round,
                    "notice_order": notice.order,
                    "firm_id": bidder.org_id,
                    "bidder_id": bidder.person_id,
                    "payload": envelope.ciphertext,
                    "payload_format": ENVELOPE_V1,
                    "suite": envelope.suite.value,
                    "key_id": envelope.key_id,
                    "signature": envelope.signature,
                    "content_hash": envelope.ciphertext_sha256,
                    "status": BidStatus.SEALED.value,
                    "client_ip": where.ip,
                    "device_id": where.device,
                    "person_signature": signed,
                },
            ).one()
            if flagged is not None:
                flagged["detail"]["receipt"] = public_id
                security_log.add(session, at=now, **flagged)
            event = receipt_event(
                notice=notice_number,
                order=notice.order,
                round_no=notice.round,
                firm=envelope.firm,
                ciphertext_sha256=envelope.ciphertext_sha256,
                suite=envelope.suite.value,
                received_at=received_at,
                receipt_id=public_id,
            )
            body = event_body(notice_number, event)
            audit.record(
                session,
                at=now,
                actor=audit_actor(bidder),
                action="bid.submit",
                entity_type="bid",
                entity_id=public_id,
                after={
                    "notice": notice_number,
                    "round": notice.round,
                    "firm_id": bidder.org_id,
                    "ciphertext_sha256": envelope.ciphertext_sha256,
                },
            )
            if claim is not None:
                idempotency.remember(session, claim, resource_type="bid", resource_id=public_id, at=now)
            if ctx.db.dialect == "sqlite":
                uow.add_commit_guard(partial(_deadline_guard, bid_id))
            uow.commit()
    except Refusal as refused:
        security_log.record(ctx, **refused.event)
        raise refused.error from None
    except DeadlinePassed:
        raise deadline_passed() from None
    except DBAPIError as exc:
        if is_deadline_violation(exc):
            raise deadline_passed() from None
        if not isinstance(exc, IntegrityError):
            raise
        # The firm has bid already — or a concurrent retry with the same key got there first: replay it.
        if claim is not None:
            with ctx.db.reading() as session:
                earlier = idempotency.find(session, claim)
            if earlier is not None:
                return get_receipt(ctx, bidder, earlier.resource_id)
        raise _already_bid() from None
    return Receipt(
        receipt_id=public_id,
        notice_number=notice_number,
        notice_order=notice.order,
        round=notice.round,
        firm_name=bidder.org_name,
        business_number=bidder.org_business_number or "",
        bidder_name=bidder.name,
        received_at=received_at,
        ciphertext_sha256=envelope.ciphertext_sha256,
        suite=envelope.suite.value,
        leaf=body.decode("utf-8"),
        leaf_hash=merkle.leaf_hash(body).hex(),
        signature=_sign(ctx.signer, body),
        platform_key_id=ctx.signer.key_id,
        person_signed=signed is not None,
    )


@dataclass(frozen=True)
class LogProof:
    """Where the receipt's event sits in the public log, once the integrator has placed it."""

    index: int
    tree_size: int
    inclusion: list[str]
    tree_head: dict[str, Any]


def get_receipt(ctx: AppContext, actor: Actor | None, receipt_id: str) -> Receipt:
    """A firm's member may read the firm's receipts; nobody else learns that the bid exists."""
    viewer = require_role(actor, Role.BIDDER, Role.COMPANY_ADMIN)
    with ctx.db.reading() as session:
        row = session.execute(
            select(Bid, Notice, Organisation)
            .join(Notice, Notice.id == Bid.notice_id)
            .join(Organisation, Organisation.id == Bid.firm_id)
            .where(Bid.public_id == receipt_id)
        ).one_or_none()
        if row is None or row[0].firm_id != viewer.org_id:
            raise NotFound("입찰 접수증", "Receipt", code="receipt_not_found")
        bid, notice, firm = row
        bidder_name = session.scalar(select(Person.name).where(Person.id == bid.bidder_id)) or ""
    body = bid_event_body(bid, notice.number, firm.business_number or "")
    return Receipt(
        receipt_id=bid.public_id,
        notice_number=notice.number,
        notice_order=bid.notice_order,
        round=bid.round,
        firm_name=firm.name,
        business_number=firm.business_number or "",
        bidder_name=bidder_name,
        received_at=bid.received_at,
        ciphertext_sha256=bid.content_hash,
        suite=bid.suite,
        leaf=body.decode("utf-8"),
        leaf_hash=merkle.leaf_hash(body).hex(),
        signature=_sign(ctx.signer, body),
        platform_key_id=ctx.signer.key_id,
        person_signed=bid.person_signature is not None,
    )


def log_proof(ctx: AppContext, receipt: Receipt) -> LogProof | None:
    """The inclusion proof of a receipt's event against the latest signed tree head (None until integrated)."""
    with ctx.db.reading() as session:
        entry = translog.entry_by_leaf(session, receipt.leaf_hash)
        head = translog.latest_head(session)
        if entry is None or head is None or head.size <= entry.index:
            return None
        return LogProof(entry.index, head.size, translog.inclusion(session, entry.index, head.size), head.as_dict())


def leaf_document(receipt: Receipt) -> dict[str, Any]:
    parsed: dict[str, Any] = json.loads(receipt.leaf)
    return parsed
