"""Subcontractors (issue #8 point 4; koneps-rules §6, 하도급지킴이).

The prime registers its subcontracts (the subcontractor, the scope, the amount, and whether the three parties agreed
to direct payment). Each claim may split its payment between the prime, subcontractors, labour and materials
(``ledger.check_split``). At payment, a subcontractor with a three-party agreement is paid by the agency directly
(its own line in the transfer file); otherwise the prime is paid and must pass the share on within
``contracts.pass_on_days``, which it reports, and which the agency sees when it is late. A subcontractor signs in
and sees what is due and paid to it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from jangter.contracting.domain.contract import ContractStatus
from jangter.contracting.orm import Contract
from jangter.contracting.service import load_contract, require_party
from jangter.identity.domain.registration_number import normalise_brn
from jangter.identity.domain.roles import Actor, OrgKind, RegistrationStatus, Role, require_role
from jangter.identity.orm import Organisation
from jangter.identity.service import audit_actor
from jangter.kernel import audit
from jangter.kernel.context import AppContext
from jangter.kernel.errors import Conflict, DomainError, NotFound
from jangter.kernel.money import require_won
from jangter.payments.domain.ledger import Recipient, Share
from jangter.payments.orm import PaymentClaim, PaymentShare, Subcontract


def register(
    ctx: AppContext,
    actor: Actor | None,
    number: str,
    *,
    business_number: str,
    scope: str,
    amount: int,
    direct_payment: bool,
) -> str:
    """The prime's company administrator registers a subcontract; returns its number."""
    now = ctx.clock.now()
    with ctx.uow() as uow:
        session = uow.session
        contract = load_contract(session, number, for_update=True)
        prime = require_role(require_party(actor, contract), Role.COMPANY_ADMIN, org_id=contract.firm_id)
        if contract.status in (ContractStatus.COMPLETED.value, ContractStatus.TERMINATED.value):
            raise Conflict("contract_closed", "끝난 계약입니다.", "This contract is closed.")
        require_won(amount, "amount")
        if not scope.strip():
            raise DomainError(
                "scope_required", "하도급 범위를 입력하십시오.", "Say what is subcontracted.", field="scope"
            )
        brn = normalise_brn(business_number)
        firm = session.scalars(select(Organisation).where(Organisation.business_number == brn)).one_or_none()
        if (
            firm is None
            or firm.kind != OrgKind.SUPPLIER.value
            or firm.registration_status != RegistrationStatus.APPROVED.value
            or firm.id == contract.firm_id
        ):
            raise DomainError(
                "subcontractor_not_registered",
                "등록이 승인된 다른 조달업체여야 합니다.",
                "The subcontractor must be another firm whose registration is approved.",
                field="business_number",
            )
        total = session.scalar(
            select(func.coalesce(func.sum(Subcontract.amount), 0)).where(Subcontract.contract_id == contract.id)
        )
        if int(total or 0) + amount > contract.amount:
            raise DomainError(
                "over_contract_amount",
                f"하도급 금액의 합이 계약금액(₩{contract.amount:,})을 넘습니다.",
                f"The subcontracts would add up to more than the contract (₩{contract.amount:,}).",
                field="amount",
            )
        count = session.scalar(
            select(func.count()).select_from(Subcontract).where(Subcontract.contract_id == contract.id)
        )
        sub = Subcontract(
            number=f"{contract.number}-S{(count or 0) + 1:02d}",
            contract_id=contract.id,
            firm_id=firm.id,
            scope=scope.strip(),
            amount=amount,
            direct_payment=direct_payment,
            registered_at=now,
            registered_by=prime.person_id,
        )
        session.add(sub)
        audit.record(
            session,
            at=now,
            actor=audit_actor(prime),
            action="subcontract.register",
            entity_type="contract",
            entity_id=number,
            after={"subcontract": sub.number, "firm_id": firm.id, "amount": amount, "direct_payment": direct_payment},
        )
        uow.commit()
        return sub.number


def room(session: Session, contract_id: int) -> dict[str, int]:
    """What each subcontract of the contract has left to be paid, by its number."""
    subs = session.scalars(select(Subcontract).where(Subcontract.contract_id == contract_id)).all()
    paid = {
        sub_id: int(total or 0)
        for sub_id, total in session.execute(
            select(PaymentShare.subcontract_id, func.sum(PaymentShare.amount))
            .where(PaymentShare.subcontract_id.is_not(None))
            .group_by(PaymentShare.subcontract_id)
        )
    }
    return {s.number: s.amount - int(paid.get(s.id, 0) or 0) for s in subs}


def write_shares(session: Session, contract: Contract, claim: PaymentClaim, shares: tuple[Share, ...]) -> None:
    """The claim's split (checked by the caller), one row per part."""
    subs = {s.number: s for s in session.scalars(select(Subcontract).where(Subcontract.contract_id == contract.id))}
    for share in shares:
        sub = subs.get(share.subcontract or "")
        session.add(
            PaymentShare(
                claim_id=claim.id,
                recipient=share.recipient.value,
                subcontract_id=None if sub is None else sub.id,
                amount=share.amount,
                direct=sub is not None and sub.direct_payment,
            )
        )


def passed_on(ctx: AppContext, actor: Actor | None, number: str, share_id: int) -> None:
    """The prime reports it passed a subcontractor's share on (하도급대금 지급 확인)."""
    now = ctx.clock.now()
    with ctx.uow() as uow:
        session = uow.session
        contract = load_contract(session, number)
        prime = require_role(require_party(actor, contract), Role.COMPANY_ADMIN, org_id=contract.firm_id)
        share = session.get(PaymentShare, share_id)
        claim = None if share is None else session.get(PaymentClaim, share.claim_id)
        if share is None or claim is None or claim.contract_id != contract.id or share.subcontract_id is None:
            raise NotFound("하도급 대금", "Subcontractor share", code="share_not_found")
        if share.direct or share.pass_on_due is None:
            raise Conflict(
                "share_not_passed_on",
                "발주기관이 직접 지급하거나 아직 지급되지 않은 몫입니다.",
                "This share is paid by the agency directly, or not paid yet.",
            )
        if share.passed_on_at is not None:
            return
        share.passed_on_at = now
        audit.record(
            session,
            at=now,
            actor=audit_actor(prime),
            action="subcontract.passed_on",
            entity_type="contract",
            entity_id=number,
            after={"share": share.id, "amount": share.amount, "late": now.date() > share.pass_on_due},
        )
        uow.commit()


@dataclass(frozen=True)
class SubcontractView:
    number: str
    contract: str
    contract_title: str
    prime_name: str
    firm_id: int
    firm_name: str
    scope: str
    amount: int
    direct_payment: bool
    paid: int  # paid to it (directly, or passed on by the prime)
    due: int  # paid to the prime for it and not yet passed on
    late: bool  # a share not passed on by its due day


@dataclass(frozen=True)
class ShareView:
    id: int
    claim_seq: int
    recipient: Recipient
    subcontract: str | None
    amount: int
    direct: bool
    pass_on_due: date | None
    passed_on_at: datetime | None


def _views(session: Session, subs: list[Subcontract], today: date) -> list[SubcontractView]:
    views = []
    for sub in subs:
        contract = session.get(Contract, sub.contract_id)
        firm = session.get(Organisation, sub.firm_id)
        assert contract is not None
        assert firm is not None
        prime = session.get(Organisation, contract.firm_id)
        assert prime is not None
        rows = session.execute(
            select(PaymentShare, PaymentClaim.status)
            .join(PaymentClaim, PaymentClaim.id == PaymentShare.claim_id)
            .where(PaymentShare.subcontract_id == sub.id)
        ).all()
        paid = sum(s.amount for s, status in rows if status == "paid" and (s.direct or s.passed_on_at is not None))
        due = sum(s.amount for s, status in rows if status == "paid" and not s.direct and s.passed_on_at is None)
        late = any(
            status == "paid"
            and not s.direct
            and s.passed_on_at is None
            and s.pass_on_due is not None
            and s.pass_on_due < today
            for s, status in rows
        )
        views.append(
            SubcontractView(
                sub.number,
                contract.number,
                contract.title,
                prime.name,
                firm.id,
                firm.name,
                sub.scope,
                sub.amount,
                sub.direct_payment,
                paid,
                due,
                late,
            )
        )
    return views


def for_contract(
    ctx: AppContext, actor: Actor | None, number: str, today: date
) -> tuple[list[SubcontractView], list[ShareView]]:
    """A contract's subcontracts and the shares of its claims (its two parties)."""
    with ctx.db.reading() as session:
        contract = load_contract(session, number)
        require_party(actor, contract)
        subs = list(
            session.scalars(select(Subcontract).where(Subcontract.contract_id == contract.id).order_by(Subcontract.id))
        )
        number_of = {s.id: s.number for s in subs}
        shares = session.execute(
            select(PaymentShare, PaymentClaim.seq)
            .join(PaymentClaim, PaymentClaim.id == PaymentShare.claim_id)
            .where(PaymentClaim.contract_id == contract.id)
            .order_by(PaymentClaim.seq, PaymentShare.id)
        ).all()
        return _views(session, subs, today), [
            ShareView(
                s.id,
                seq,
                Recipient(s.recipient),
                number_of.get(s.subcontract_id) if s.subcontract_id else None,
                s.amount,
                s.direct,
                s.pass_on_due,
                s.passed_on_at,
            )
            for s, seq in shares
        ]


def mine(ctx: AppContext, actor: Actor | None, today: date) -> list[SubcontractView]:
    """The subcontracts of the caller's firm, as a subcontractor: what is due and paid to it."""
    firm = require_role(actor, Role.COMPANY_ADMIN, Role.BIDDER)
    with ctx.db.reading() as session:
        subs = list(
            session.scalars(
                select(Subcontract).where(Subcontract.firm_id == firm.org_id).order_by(Subcontract.id.desc())
            )
        )
        return _views(session, subs, today)
