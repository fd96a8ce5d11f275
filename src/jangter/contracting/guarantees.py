"""Electronic guarantees (issue #8 point 2; koneps-rules §5; ADR 0011).

The firm asks an institution for a guarantee on its contract; Jangter sends the request to the institution's API
through the call outbox (signed with the platform key), so the firm sees "waiting for the institution" and nothing
is lost while the institution is away. The institution sends the guarantee straight to Jangter
(``POST /api/v1/guarantees/issued``), signed with its own Ed25519 key: Jangter checks the signature and that the
guarantee answers the request (kind, contract, firm, amount, period); a repeated message is recognised by the
institution's reference and answered the same; anything else is refused and written to the security log. The
agency accepts or rejects it; an accepted contract deposit puts the contract in force.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from jangter.bidding.orm import Bid
from jangter.contracting.domain import guarantee as g
from jangter.contracting.domain.contract import ContractAction, ContractStatus, advance_limit
from jangter.contracting.domain.contract import transition as contract_transition
from jangter.contracting.domain.deposits import bid_bond, bid_bond_ceiling, defect_deposit
from jangter.contracting.orm import Contract, Guarantee, GuaranteeInstitution
from jangter.contracting.service import load_contract, require_party
from jangter.evaluation.orm import Opening
from jangter.identity import security_log
from jangter.identity.domain.registration_number import normalise_brn
from jangter.identity.domain.roles import (
    Actor,
    OrgKind,
    RegistrationStatus,
    Role,
    require_approved_supplier,
    require_role,
)
from jangter.identity.orm import Organisation
from jangter.identity.service import audit_actor
from jangter.kernel import audit, counters, translog
from jangter.kernel.audit import SYSTEM
from jangter.kernel.calendar import seoul_date
from jangter.kernel.canonical import canonical_json
from jangter.kernel.context import AppContext
from jangter.kernel.errors import Conflict, DomainError, NotFound
from jangter.kernel.procurement import BidBond
from jangter.kernel.signing import verify_signature
from jangter.notifications import calls
from jangter.payments.orm import DeliveryReport
from jangter.rules.domain import DefectClass
from jangter.tendering.domain.notice import NoticeStatus
from jangter.tendering.orm import Notice
from jangter.tendering.service import load_notice


@dataclass(frozen=True)
class NewInstitution:
    name: str
    business_number: str
    api_url: str
    public_key: str  # Ed25519, raw 32 bytes, base64


def _key_id(raw: bytes) -> str:
    return hashlib.sha256(raw).hexdigest()[:16]


def register_institution(ctx: AppContext, actor: Actor | None, new: NewInstitution) -> int:
    """The operator onboards a guarantee institution: its name and number, its API, and its signing key."""
    operator = require_role(actor, Role.OPERATOR)
    brn = normalise_brn(new.business_number)
    try:
        raw = base64.b64decode(new.public_key, validate=True)
    except (binascii.Error, ValueError):
        raw = b""
    if len(raw) != 32:
        raise DomainError(
            "public_key_invalid",
            "서명 공개키는 Ed25519 원시 공개키(32바이트, base64)여야 합니다.",
            "The signing key must be a raw Ed25519 public key (32 bytes, base64).",
            field="public_key",
        )
    if not new.api_url.startswith(("https://", "http://")):
        raise DomainError("api_url_invalid", "API 주소를 입력하십시오.", "Give the API's URL.", field="api_url")
    now = ctx.clock.now()
    with ctx.uow() as uow:
        org = Organisation(
            kind=OrgKind.GUARANTOR.value,
            name=new.name.strip(),
            business_number=brn,
            registration_status=RegistrationStatus.APPROVED.value,
            created_at=now,
            updated_at=now,
        )
        uow.session.add(org)
        try:
            uow.session.flush()
        except IntegrityError:
            raise Conflict(
                "institution_exists",
                "같은 사업자등록번호의 기관이 이미 있습니다.",
                "An organisation with this business number already exists.",
                field="business_number",
            ) from None
        uow.session.add(
            GuaranteeInstitution(
                org_id=org.id,
                api_url=new.api_url.rstrip("/"),
                public_key=new.public_key,
                key_id=_key_id(raw),
                created_at=now,
            )
        )
        audit.record(
            uow.session,
            at=now,
            actor=audit_actor(operator),
            action="guarantor.register",
            entity_type="organisation",
            entity_id=str(org.id),
            after={"name": org.name, "api_url": new.api_url, "key_id": _key_id(raw)},
        )
        uow.commit()
        return org.id


@dataclass(frozen=True)
class InstitutionView:
    id: int
    name: str
    business_number: str | None


def institutions(ctx: AppContext) -> list[InstitutionView]:
    with ctx.db.reading() as session:
        rows = session.execute(
            select(Organisation.id, Organisation.name, Organisation.business_number)
            .join(GuaranteeInstitution, GuaranteeInstitution.org_id == Organisation.id)
            .order_by(Organisation.name)
        ).all()
    return [InstitutionView(r.id, r.name, r.business_number) for r in rows]


def signed(ctx: AppContext, message: dict[str, Any]) -> dict[str, Any]:
    """A message from Jangter: the message, the platform key's id and its Ed25519 signature over the canonical
    JSON of the message."""
    return {
        "message": message,
        "key_id": ctx.signer.key_id,
        "signature": base64.b64encode(ctx.signer.sign(canonical_json(message))).decode(),
    }


def _wanted(ctx: AppContext, session: Session, contract: Contract, kind: g.GuaranteeKind) -> tuple[int, date]:
    """How much the guarantee must cover, and until when: the contract deposit and the advance until the contract's
    end; the defect deposit, once the completion passed its inspection, for the defect period of its work type."""
    rules = ctx.rules.version(contract.rule_set_version)
    if kind is g.GuaranteeKind.CONTRACT_DEPOSIT:
        return contract.deposit, contract.ends_on
    if kind is g.GuaranteeKind.ADVANCE_PAYMENT:
        return advance_limit(rules, contract.amount).value, contract.ends_on
    if contract.defect_class is None:
        raise Conflict(
            "no_guarantee_due", "이 계약에는 하자보수보증이 필요하지 않습니다.", "No defect guarantee is due here."
        )
    completed = session.scalar(
        select(DeliveryReport.inspected_at).where(
            DeliveryReport.contract_id == contract.id, DeliveryReport.final.is_(True), DeliveryReport.status == "passed"
        )
    )
    if completed is None:
        raise Conflict(
            "guarantee_kind_not_yet",
            "하자보수보증은 준공 검사에 합격한 뒤에 요청합니다.",
            "A defect-repair guarantee is asked for once the completion has passed its inspection.",
            field="kind",
        )
    defect_class = DefectClass(contract.defect_class)
    deposit = defect_deposit(rules, defect_class, contract.amount).value.amount
    return deposit, g.years_after(seoul_date(completed), rules.contracts.defect_years[defect_class])


def _tell(
    ctx: AppContext,
    session: Session,
    institution: GuaranteeInstitution,
    path: str,
    key: str,
    message: dict[str, Any],
) -> None:
    """Queue a message for the institution's API, signed with the platform key; the worker delivers it after the
    commit and retries until the institution takes it (``notifications/calls.py``)."""
    calls.enqueue(session, key=key, url=f"{institution.api_url}/{path}", body=signed(ctx, message), at=ctx.clock.now())


@dataclass(frozen=True)
class _Ask:
    """One request to an institution: what it is for (a contract, or a notice for a bid bond) and how much."""

    kind: g.GuaranteeKind
    number: str  # the contract's number, or the notice's for a bid bond
    title: str
    firm_id: int
    agency_id: int
    amount: int
    cover_until: date
    contract_id: int | None = None
    notice_id: int | None = None


def _institution(session: Session, institution_id: int) -> GuaranteeInstitution:
    institution = session.get(GuaranteeInstitution, institution_id)
    if institution is None or session.get(Organisation, institution_id) is None:
        raise DomainError(
            "institution_unknown", "보증기관을 선택하십시오.", "Choose a guarantee institution.", field="institution"
        )
    return institution


def _send(ctx: AppContext, session: Session, ask: _Ask, institution_id: int, admin: Actor) -> str:
    """Record the request and queue it for the institution (signed, through the call outbox); Jangter's reference."""
    now = ctx.clock.now()
    institution = _institution(session, institution_id)
    if ask.amount <= 0:
        raise Conflict("no_guarantee_due", "필요한 보증금이 없습니다.", "No guarantee is due here.")
    subject = Guarantee.contract_id == ask.contract_id if ask.contract_id else Guarantee.notice_id == ask.notice_id
    open_one = session.scalar(
        select(Guarantee.reference).where(
            subject,
            Guarantee.firm_id == ask.firm_id,
            Guarantee.kind == ask.kind.value,
            Guarantee.status.in_([s.value for s in g.OPEN]),
        )
    )
    if open_one is not None:
        raise Conflict(
            "guarantee_open",
            f"이미 진행 중인 보증 요청이 있습니다 ({open_one}).",
            f"A guarantee of this kind is already under way ({open_one}).",
        )
    year = seoul_date(now).year
    reference = f"G{year % 100:02d}{counters.next_value(session, f'guarantee:{year}'):09d}"
    session.add(
        Guarantee(
            reference=reference,
            kind=ask.kind.value,
            contract_id=ask.contract_id,
            notice_id=ask.notice_id,
            firm_id=ask.firm_id,
            agency_id=ask.agency_id,
            institution_id=institution_id,
            amount_required=ask.amount,
            cover_until=ask.cover_until,
            status=g.GuaranteeStatus.REQUESTED.value,
            requested_at=now,
            requested_by=admin.person_id,
        )
    )
    firm = session.get(Organisation, ask.firm_id)
    agency = session.get(Organisation, ask.agency_id)
    assert firm is not None
    assert agency is not None
    message = {
        "type": "guarantee.request",
        "request": reference,
        "kind": ask.kind.value,
        "contract": ask.number,  # the number the guarantee quotes: the contract's, or the notice's for a bid bond
        "title": ask.title,
        "firm": {"business_number": firm.business_number, "name": firm.name},
        "creditor": {"name": agency.name, "agency_code": agency.agency_code},
        "amount": ask.amount,
        "cover_until": ask.cover_until.isoformat(),
        "requested_at": now.isoformat(),
    }
    _tell(ctx, session, institution, "requests", f"guarantee-request:{reference}", message)
    audit.record(
        session,
        at=now,
        actor=audit_actor(admin),
        action="guarantee.request",
        entity_type="notice" if ask.notice_id else "contract",
        entity_id=ask.number,
        after={"reference": reference, "kind": ask.kind.value, "institution_id": institution_id, "amount": ask.amount},
    )
    return reference


def request(ctx: AppContext, actor: Actor | None, number: str, kind: g.GuaranteeKind, institution_id: int) -> str:
    """The firm's company administrator asks an institution for a guarantee on the contract; returns Jangter's
    reference. The request goes out through the call outbox."""
    if kind is g.GuaranteeKind.BID_BOND:
        raise DomainError(
            "guarantee_kind_invalid",
            "입찰보증서는 공고에서 요청합니다.",
            "A bid bond is asked for on its notice.",
            field="kind",
        )
    with ctx.uow() as uow:
        session = uow.session
        contract = load_contract(session, number, for_update=True)
        admin = require_role(require_party(actor, contract), Role.COMPANY_ADMIN, org_id=contract.firm_id)
        closed = ContractStatus(contract.status) in (ContractStatus.COMPLETED, ContractStatus.TERMINATED)
        if ContractStatus(contract.status) is ContractStatus.TERMINATED or (
            closed and kind is not g.GuaranteeKind.DEFECT_REPAIR
        ):
            raise Conflict("contract_closed", "끝난 계약입니다.", "This contract is closed.")
        _institution(session, institution_id)
        amount, cover_until = _wanted(ctx, session, contract, kind)
        ask = _Ask(
            kind,
            contract.number,
            contract.title,
            contract.firm_id,
            contract.agency_id,
            amount,
            cover_until,
            contract_id=contract.id,
        )
        reference = _send(ctx, session, ask, institution_id, admin)
        uow.commit()
        return reference


def request_bid_bond(ctx: AppContext, actor: Actor | None, notice_number: str, institution_id: int) -> str:
    """입찰보증서: before bidding on a notice that takes the bond as a guarantee, the firm's company administrator
    asks an institution for one, on the highest bid that can win (the sealed amount stays sealed); Jangter accepts
    it by itself when it arrives and answers the request (koneps-rules §5: bid guarantees are confirmed by the
    system)."""
    admin = require_role(actor, Role.COMPANY_ADMIN)
    require_approved_supplier(admin)
    now = ctx.clock.now()
    with ctx.uow() as uow:
        session = uow.session
        notice = load_notice(session, notice_number, for_update=True)
        if notice.bid_bond != BidBond.GUARANTEE.value:
            raise Conflict(
                "bid_bond_not_needed",
                "이 공고는 입찰보증금을 지급각서로 갈음합니다. 보증서가 필요하지 않습니다.",
                "This notice takes the bid bond as a payment undertaking; no guarantee is needed.",
            )
        if notice.status != NoticeStatus.PUBLISHED.value or now >= notice.deadline_at:
            raise Conflict("notice_not_open", "입찰을 받고 있는 공고가 아닙니다.", "This notice is not open for bids.")
        rules = ctx.rules.version(notice.rule_set_version or "")
        amount = bid_bond_ceiling(rules, notice.base_amount, notice.reserve_range_pct).value.amount
        cover_until = seoul_date(notice.opening_at) + timedelta(days=rules.deposits.bid_bond_cover_days)
        ask = _Ask(
            g.GuaranteeKind.BID_BOND,
            notice.number,
            notice.title,
            admin.org_id,
            notice.agency_id,
            amount,
            cover_until,
            notice_id=notice.id,
        )
        reference = _send(ctx, session, ask, institution_id, admin)
        uow.commit()
        return reference


def _refuse(
    ctx: AppContext,
    code: str,
    ko: str,
    en: str,
    status: int,
    subject: str,
    detail: dict[str, Any],
    org_id: int | None = None,
) -> DomainError:
    security_log.record(
        ctx,
        kind="guarantee",
        outcome=security_log.Outcome.REFUSED,
        org_id=org_id,
        subject=subject,
        detail={"code": code, **detail},
    )
    return DomainError(code, ko, en, status=status)


def _day(value: object) -> date:
    return date.fromisoformat(str(value))


def receive_issued(ctx: AppContext, envelope: dict[str, Any]) -> str:
    """An institution's signed message saying it issued a guarantee. Returns Jangter's reference of the guarantee.
    The same message (or another with the same institution reference) again gets the same answer."""
    message = envelope.get("message")
    key_id = str(envelope.get("key_id", ""))
    signature = str(envelope.get("signature", ""))
    if not isinstance(message, dict) or message.get("type") != "guarantee.issued":
        raise DomainError("message_invalid", "보증서 메시지 형식이 아닙니다.", "Not a guarantee message.", status=422)
    with ctx.db.reading() as session:
        institution = session.scalars(
            select(GuaranteeInstitution).where(GuaranteeInstitution.key_id == key_id)
        ).one_or_none()
    try:
        raw_signature = base64.b64decode(signature, validate=True)
    except (binascii.Error, ValueError):
        raw_signature = b""
    if institution is None or not verify_signature(
        base64.b64decode(institution.public_key), canonical_json(message), raw_signature
    ):
        raise _refuse(
            ctx,
            "signature_invalid",
            "서명을 확인할 수 없습니다.",
            "The message's signature does not verify against a registered institution's key.",
            401,
            str(message.get("request", ""))[:40],
            {"key_id": key_id[:16]},
        )
    reference = str(message.get("request", ""))
    try:
        issued = g.Issued(
            reference=str(message["reference"])[:64],
            kind=str(message["kind"]),
            contract=str(message["contract"]),
            firm_business_number=str(message["firm_business_number"]),
            amount=int(message["amount"]),
            valid_from=_day(message["valid_from"]),
            valid_until=_day(message["valid_until"]),
        )
    except (KeyError, ValueError, TypeError) as exc:
        raise DomainError(
            "message_invalid", "보증서 메시지에 빠진 항목이 있습니다.", f"The message is incomplete: {exc}", status=422
        ) from None
    now = ctx.clock.now()
    refusal: tuple[str, str, str, int, dict[str, Any]] | None = None
    with ctx.uow() as uow:
        session = uow.session
        row = session.scalars(select(Guarantee).where(Guarantee.reference == reference).with_for_update()).one_or_none()
        if row is None or row.institution_id != institution.org_id:
            refusal = (
                "guarantee_request_unknown",
                "이 기관에 요청된 보증이 아닙니다.",
                "Jangter asked this institution for no such guarantee.",
                404,
                {"institution_reference": issued.reference, "contract": issued.contract},
            )
        elif row.institution_reference is not None:
            if row.institution_reference == issued.reference:
                return row.reference  # a repeat: already taken
            refusal = (
                "guarantee_already_issued",
                "이미 다른 보증서로 발급된 요청입니다.",
                "This request was already answered with another guarantee.",
                409,
                {"institution_reference": issued.reference, "earlier": row.institution_reference},
            )
        else:
            refusal = _issue(session, row, issued, envelope, now)
            if refusal is None:
                uow.commit()
                return row.reference
    # Refused: nothing was written; the refusal goes to the security log in a transaction of its own.
    code, ko, en, status, detail = refusal
    raise _refuse(ctx, code, ko, en, status, reference[:40], detail, institution.org_id)


def _number_of(session: Session, row: Guarantee) -> str:
    """The number the guarantee quotes: its contract's, or its notice's for a bid bond."""
    if row.contract_id is not None:
        contract = session.get(Contract, row.contract_id)
        assert contract is not None
        return contract.number
    notice = session.get(Notice, row.notice_id)
    assert notice is not None
    return notice.number


def _issue(
    session: Session, row: Guarantee, issued: g.Issued, envelope: dict[str, Any], now: datetime
) -> tuple[str, str, str, int, dict[str, Any]] | None:
    """Record the issued guarantee on its request; or why it cannot be (nothing written then). A bid bond is
    accepted at once: the system confirms bid guarantees (koneps-rules §5)."""
    number = _number_of(session, row)
    firm = session.get(Organisation, row.firm_id)
    assert firm is not None
    wanted = g.Wanted(
        row.reference,
        g.GuaranteeKind(row.kind),
        number,
        firm.business_number or "",
        row.amount_required,
        row.cover_until,
    )
    problems = g.mismatches(wanted, issued)
    if problems:
        return (
            "guarantee_mismatch",
            "보증서가 요청과 맞지 않습니다: " + ", ".join(problems),
            "The guarantee does not answer the request: " + ", ".join(problems),
            422,
            {"problems": problems, "institution_reference": issued.reference, "contract": issued.contract},
        )
    row.status = g.transition(g.GuaranteeStatus(row.status), g.GuaranteeAction.ISSUE).value
    row.institution_reference = issued.reference
    row.amount = issued.amount
    row.valid_from, row.valid_until = issued.valid_from, issued.valid_until
    row.document = canonical_json(envelope).decode()
    row.issued_at = now
    entity = "notice" if row.contract_id is None else "contract"
    audit.record(
        session,
        at=now,
        actor=SYSTEM,
        action="guarantee.issued",
        entity_type=entity,
        entity_id=number,
        after={"reference": row.reference, "institution_reference": issued.reference, "amount": issued.amount},
    )
    translog.append(
        session,
        "guarantee.issued",
        number,
        {"reference": row.reference, "kind": row.kind, "institution_id": row.institution_id, "amount": issued.amount},
        now,
    )
    if row.kind == g.GuaranteeKind.BID_BOND.value:
        row.status = g.transition(g.GuaranteeStatus(row.status), g.GuaranteeAction.ACCEPT).value
        row.decided_at = now
        audit.record(
            session,
            at=now,
            actor=SYSTEM,
            action="guarantee.accept",
            entity_type=entity,
            entity_id=number,
            after={"status": row.status, "reference": row.reference},
            reason="입찰보증서 자동 확인 (bid bonds are confirmed by the system)",
        )
    return None


def decide(ctx: AppContext, actor: Actor | None, reference: str, accept: bool, reason: str = "") -> None:
    """The agency's procurement officer accepts or rejects an issued guarantee (보증서 확인). An accepted contract
    deposit puts a contract both have signed in force."""
    now = ctx.clock.now()
    with ctx.uow() as uow:
        session = uow.session
        row = session.scalars(select(Guarantee).where(Guarantee.reference == reference).with_for_update()).one_or_none()
        if row is None or actor is None or actor.org_id not in (row.agency_id, row.firm_id):
            require_role(actor, Role.PROCUREMENT_OFFICER)
            raise NotFound("보증서", "Guarantee", code="guarantee_not_found")
        officer = require_role(actor, Role.PROCUREMENT_OFFICER, org_id=row.agency_id)
        if row.contract_id is None:
            raise Conflict(
                "bid_bond_confirmed_by_system",
                "입찰보증서는 시스템이 자동으로 확인합니다.",
                "Bid bonds are confirmed by the system.",
            )
        if not accept and not reason.strip():
            raise DomainError("reason_required", "반려 사유를 입력하십시오.", "Please give the reason.", field="reason")
        before = row.status
        action = g.GuaranteeAction.ACCEPT if accept else g.GuaranteeAction.REJECT
        row.status = g.transition(g.GuaranteeStatus(row.status), action).value
        row.decided_at, row.decided_by, row.reason = now, officer.person_id, reason.strip() or None
        contract = session.get(Contract, row.contract_id)
        assert contract is not None
        if (
            accept
            and row.kind == g.GuaranteeKind.CONTRACT_DEPOSIT.value
            and contract.status == ContractStatus.SIGNED_BY_AGENCY.value
        ):
            contract.status = contract_transition(ContractStatus(contract.status), ContractAction.SECURE).value
            contract.updated_at = now
        audit.record(
            session,
            at=now,
            actor=audit_actor(officer),
            action=f"guarantee.{action.value}",
            entity_type="contract",
            entity_id=contract.number,
            before={"status": before},
            after={"status": row.status, "reference": reference, "contract_status": contract.status},
            reason=reason.strip() or None,
        )
        uow.commit()


def close(
    ctx: AppContext,
    session: Session,
    row: Guarantee,
    action: g.GuaranteeAction,
    *,
    by: Actor | None,
    reason: str,
    amount: int,
) -> None:
    """Release or claim an accepted guarantee, in the caller's transaction, and tell its institution (a signed
    message through the call outbox: sent once the transaction commits, retried until the institution takes it)."""
    now = ctx.clock.now()
    number = _number_of(session, row)
    before = row.status
    row.status = g.transition(g.GuaranteeStatus(row.status), action).value
    row.closed_at, row.closed_by, row.close_reason = now, None if by is None else by.person_id, reason
    institution = session.get(GuaranteeInstitution, row.institution_id)
    assert institution is not None
    verb = "released" if action is g.GuaranteeAction.RELEASE else "claimed"
    message = {
        "type": f"guarantee.{verb}",
        "request": row.reference,
        "reference": row.institution_reference,
        "kind": row.kind,
        "contract": number,
        "amount": amount,
        "reason": reason,
        "at": now.isoformat(),
    }
    _tell(ctx, session, institution, "notices", f"guarantee-{verb}:{row.reference}", message)
    audit.record(
        session,
        at=now,
        actor=SYSTEM if by is None else audit_actor(by),
        action=f"guarantee.{action.value}",
        entity_type="notice" if row.contract_id is None else "contract",
        entity_id=number,
        before={"status": before},
        after={"status": row.status, "reference": row.reference, "amount": amount},
        reason=reason,
    )
    translog.append(
        session,
        f"guarantee.{verb}",
        number,
        {"reference": row.reference, "kind": row.kind, "institution_id": row.institution_id, "amount": amount},
        now,
    )


def settle(
    ctx: AppContext,
    session: Session,
    contract: Contract,
    end: g.ContractEnd,
    advance_outstanding: int,
    by: Actor | None,
    detail: str = "",
) -> None:
    """The contract ends: each accepted guarantee it holds is released or claimed (``guarantee.settle``); the
    institution is told why (with the officer's ``detail`` of a termination)."""
    rows = session.scalars(
        select(Guarantee)
        .where(Guarantee.contract_id == contract.id, Guarantee.status == g.GuaranteeStatus.ACCEPTED.value)
        .order_by(Guarantee.id)
        .with_for_update()
    ).all()
    for row in rows:
        kind = g.GuaranteeKind(row.kind)
        action = g.settle(kind, end, advance_outstanding)
        if action is None:
            continue
        guaranteed = row.amount or row.amount_required
        amount = g.claim_amount(kind, guaranteed, advance_outstanding) if action is g.GuaranteeAction.CLAIM else 0
        reason = {
            g.ContractEnd.COMPLETED: "계약 이행 완료 (contract completed)",
            g.ContractEnd.TERMINATED_FIRM_FAULT: "계약상대자 귀책 해지 (terminated for the firm's default)",
            g.ContractEnd.TERMINATED_AGREEMENT: "계약 해지 (terminated)",
        }[end] + (f": {detail}" if detail else "")
        close(ctx, session, row, action, by=by, reason=reason, amount=amount)


def close_defect(
    ctx: AppContext, actor: Actor | None, reference: str, *, claim: bool, reason: str, amount: int | None = None
) -> None:
    """The agency's procurement officer claims a defect-repair guarantee for a defect the firm did not repair (up to
    the guaranteed amount), or releases it early; at the end of its period Jangter releases it by itself."""
    with ctx.uow() as uow:
        session = uow.session
        row = session.scalars(select(Guarantee).where(Guarantee.reference == reference).with_for_update()).one_or_none()
        if row is None or actor is None or actor.org_id not in (row.agency_id, row.firm_id):
            require_role(actor, Role.PROCUREMENT_OFFICER)
            raise NotFound("보증서", "Guarantee", code="guarantee_not_found")
        officer = require_role(actor, Role.PROCUREMENT_OFFICER, org_id=row.agency_id)
        if row.kind != g.GuaranteeKind.DEFECT_REPAIR.value:
            raise Conflict(
                "guarantee_follows_contract",
                "계약·선금 보증은 계약이 끝날 때 자동으로 해제되거나 청구됩니다.",
                "Contract and advance guarantees are released or claimed with the contract's end.",
            )
        if not reason.strip():
            raise DomainError("reason_required", "사유를 입력하십시오.", "Please give the reason.", field="reason")
        guaranteed = row.amount or row.amount_required
        claimed = guaranteed if amount is None else amount
        if claim and (isinstance(claimed, bool) or not 0 < claimed <= guaranteed):
            raise DomainError(
                "claim_amount_invalid",
                f"청구 금액은 1원부터 보증금액(₩{guaranteed:,})까지입니다.",
                f"The claim is from ₩1 up to the guaranteed ₩{guaranteed:,}.",
                field="amount",
            )
        action = g.GuaranteeAction.CLAIM if claim else g.GuaranteeAction.RELEASE
        close(ctx, session, row, action, by=officer, reason=reason.strip(), amount=claimed if claim else 0)
        uow.commit()


def release_expired(ctx: AppContext) -> int:
    """Release the defect-repair guarantees whose defect period has ended (the worker, daily); returns how many."""
    today = seoul_date(ctx.clock.now())
    released = 0
    with ctx.uow() as uow:
        session = uow.session
        rows = session.scalars(
            select(Guarantee)
            .where(
                Guarantee.kind == g.GuaranteeKind.DEFECT_REPAIR.value,
                Guarantee.status == g.GuaranteeStatus.ACCEPTED.value,
                Guarantee.cover_until < today,
            )
            .order_by(Guarantee.id)
            .limit(500)
            .with_for_update()
        ).all()
        for row in rows:
            reason = "하자담보책임기간 종료 (defect period ended)"
            close(ctx, session, row, g.GuaranteeAction.RELEASE, by=None, reason=reason, amount=0)
            released += 1
        uow.commit()
    return released


#: Why a bid bond is released, by where its tender went (koneps-rules §3.5: it answers for the winner's signature).
_BID_BOND_ENDS = {
    "lost": "낙찰자 결정 (not the winner)",
    "signed": "계약 체결 (the contract is signed)",
    "failed": "유찰 (the tender failed)",
    "cancelled": "공고 취소 (the notice was cancelled)",
    "agreement": "계약 해지 (terminated by agreement)",
}


def _bid_bond_end(session: Session, row: Guarantee, notice: Notice) -> str | None:
    """Whether an accepted bid bond has done its work, and why (None: it still answers for the winner)."""
    if notice.status in (NoticeStatus.FAILED.value, NoticeStatus.CANCELLED.value):
        return notice.status
    if notice.status != NoticeStatus.AWARDED.value:
        return None
    contract = session.scalars(select(Contract).where(Contract.notice_id == notice.id)).one_or_none()
    if contract is None:
        winner = session.scalar(
            select(Bid.firm_id)
            .join(Opening, Opening.winner_bid_id == Bid.id)
            .where(Opening.notice_id == notice.id, Opening.round == notice.round, Opening.awarded_at.is_not(None))
        )
        return "lost" if winner is not None and winner != row.firm_id else None
    if contract.firm_id != row.firm_id:
        return "lost"
    if contract.status == ContractStatus.TERMINATED.value:
        return "agreement" if contract.termination_fault == g.ContractEnd.TERMINATED_AGREEMENT.value else None
    return "signed" if contract.status != ContractStatus.DRAFTED.value else None


BATCH = 500  # bid bonds looked at per transaction


def release_bid_bonds(ctx: AppContext) -> int:
    """Release the bid bonds whose tender has moved on (the worker): every one but the winner's once the award is
    decided, the winner's once it has signed, all of them when the tender failed or was cancelled; returns how
    many. The winner's bond of a contract terminated unsigned for its default is claimed by the termination."""
    released, after = 0, 0
    while True:  # in batches; a winner's bond still waiting for its signature does not hold up the ones after it
        with ctx.uow() as uow:
            session = uow.session
            rows = session.execute(
                select(Guarantee, Notice)
                .join(Notice, Notice.id == Guarantee.notice_id)
                .where(
                    Guarantee.id > after,
                    Guarantee.kind == g.GuaranteeKind.BID_BOND.value,
                    Guarantee.status == g.GuaranteeStatus.ACCEPTED.value,
                    Notice.status.in_(
                        [NoticeStatus.AWARDED.value, NoticeStatus.FAILED.value, NoticeStatus.CANCELLED.value]
                    ),
                )
                .order_by(Guarantee.id)
                .limit(BATCH)
                .with_for_update(of=Guarantee)
            ).all()
            for row, notice in rows:
                end = _bid_bond_end(session, row, notice)
                if end is not None:
                    reason = _BID_BOND_ENDS[end]
                    close(ctx, session, row, g.GuaranteeAction.RELEASE, by=None, reason=reason, amount=0)
                    released += 1
            uow.commit()
        if len(rows) < BATCH:
            return released
        after = rows[-1][0].id


def forfeit_bid_bond(ctx: AppContext, session: Session, contract: Contract, officer: Actor) -> int:
    """The winner did not sign and the contract is terminated for its default: the bid bond is forfeited (5 % of
    its bid, koneps-rules §3.5) — claimed from its guarantee, or owed under its payment undertaking (지급각서).
    Returns the amount."""
    notice = session.get(Notice, contract.notice_id)
    assert notice is not None
    rules = ctx.rules.version(notice.rule_set_version or contract.rule_set_version)
    due = bid_bond(rules, contract.amount).value.amount
    if notice.bid_bond == BidBond.UNDERTAKING.value:
        contract.bid_bond_forfeit = due
        return due
    row = session.scalars(
        select(Guarantee)
        .where(
            Guarantee.notice_id == notice.id,
            Guarantee.firm_id == contract.firm_id,
            Guarantee.kind == g.GuaranteeKind.BID_BOND.value,
            Guarantee.status == g.GuaranteeStatus.ACCEPTED.value,
        )
        .with_for_update()
    ).one_or_none()
    if row is None:
        return 0
    amount = min(due, row.amount or row.amount_required)
    reason = "낙찰자 계약 미체결 (the winner did not sign)"
    close(ctx, session, row, g.GuaranteeAction.CLAIM, by=officer, reason=reason, amount=amount)
    return amount


def contract_of(ctx: AppContext, actor: Actor | None, reference: str) -> str:
    """The number of the guarantee's contract, for one of its two parties (anyone else: not found)."""
    with ctx.db.reading() as session:
        row = session.execute(
            select(Contract.number, Guarantee.firm_id, Guarantee.agency_id)
            .join(Contract, Contract.id == Guarantee.contract_id)
            .where(Guarantee.reference == reference)
        ).one_or_none()
    if actor is None:
        raise DomainError("login_required", "로그인이 필요합니다.", "Please sign in first.", status=401)
    if row is None or actor.org_id not in (row.firm_id, row.agency_id):
        raise NotFound("보증서", "Guarantee", code="guarantee_not_found")
    return str(row.number)


@dataclass(frozen=True)
class GuaranteeView:
    reference: str
    kind: g.GuaranteeKind
    status: g.GuaranteeStatus
    institution_id: int
    institution_name: str
    amount_required: int
    amount: int | None
    institution_reference: str | None
    valid_from: date | None
    valid_until: date | None
    requested_at: datetime
    issued_at: datetime | None
    decided_at: datetime | None
    reason: str | None
    sent: bool  # the request reached the institution
    closed_at: datetime | None  # released or claimed
    close_reason: str | None
    told: bool  # the institution has taken the release or claim


def for_contract(ctx: AppContext, actor: Actor | None, number: str) -> list[GuaranteeView]:
    """The guarantees of a contract (its two parties)."""
    with ctx.db.reading() as session:
        contract = load_contract(session, number)
        require_party(actor, contract)
        return _views(session, Guarantee.contract_id == contract.id)


def bid_bonds_of(ctx: AppContext, actor: Actor | None, notice_number: str) -> list[GuaranteeView]:
    """The bid bonds of a notice: a firm sees its own, the notice's agency all of them."""
    if actor is None:
        raise DomainError("login_required", "로그인이 필요합니다.", "Please sign in first.", status=401)
    with ctx.db.reading() as session:
        notice = load_notice(session, notice_number)
        if notice.status == NoticeStatus.DRAFT.value and actor.org_id != notice.agency_id:
            raise NotFound("공고", "Notice", code="notice_not_found")
        query = select(Guarantee.id).where(
            Guarantee.notice_id == notice.id, Guarantee.kind == g.GuaranteeKind.BID_BOND.value
        )
        if actor.org_id != notice.agency_id:
            query = query.where(Guarantee.firm_id == actor.org_id)
        return _views(session, Guarantee.id.in_(query))


def _told(session: Session, row: Guarantee) -> bool:
    if row.closed_at is None:
        return False
    verb = "claimed" if row.status == g.GuaranteeStatus.CLAIMED.value else "released"
    call = calls.pending(session, f"guarantee-{verb}:{row.reference}")
    return call is not None and call.delivered_at is not None


def _views(session: Session, which: ColumnElement[bool]) -> list[GuaranteeView]:
    rows = session.execute(
        select(Guarantee, Organisation.name)
        .join(Organisation, Organisation.id == Guarantee.institution_id)
        .where(which)
        .order_by(Guarantee.id)
    ).all()
    views = []
    for row, name in rows:
        call = calls.pending(session, f"guarantee-request:{row.reference}")
        views.append(
            GuaranteeView(
                row.reference,
                g.GuaranteeKind(row.kind),
                g.GuaranteeStatus(row.status),
                row.institution_id,
                name,
                row.amount_required,
                row.amount,
                row.institution_reference,
                row.valid_from,
                row.valid_until,
                row.requested_at,
                row.issued_at,
                row.decided_at,
                row.reason,
                call is not None and call.delivered_at is not None,
                row.closed_at,
                row.close_reason,
                _told(session, row),
            )
        )
    return views
