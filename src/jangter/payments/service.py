"""Inspection and payment (issue #8 point 3; koneps-rules §6).

The firm reports a delivery or the completion; the agency's inspector passes or fails it (with reasons) by the
inspection due day; the firm claims payment for passed work (or the advance, against an accepted advance-payment
guarantee) with its electronic tax invoice; the finance officer orders the payment by the payment due day, after a
fresh passkey check in a browser. What may be paid is the ledger's rule (``payments/domain/ledger.py``). The order
goes to the bank through ``ctx.transfers`` after the commit (and again from the worker until it is handed over).
Overdue inspections and payments show on the agency's list and are mailed to the people responsible, once.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from jangter.contracting import guarantees
from jangter.contracting.domain.contract import ContractAction, ContractStatus, advance_limit, days_late, delay_penalty
from jangter.contracting.domain.contract import transition as contract_transition
from jangter.contracting.domain.guarantee import ContractEnd, GuaranteeKind, GuaranteeStatus
from jangter.contracting.orm import Contract, Guarantee
from jangter.contracting.service import load_contract, require_party
from jangter.identity import step_up
from jangter.identity.domain.roles import Actor, Role, require_role
from jangter.identity.orm import Organisation
from jangter.identity.service import audit_actor, people_with
from jangter.kernel import audit, counters, translog
from jangter.kernel.calendar import seoul_date
from jangter.kernel.context import AppContext
from jangter.kernel.errors import Conflict, DomainError, NotFound
from jangter.kernel.procurement import Category
from jangter.kernel.transfers import TransferOrder
from jangter.notifications import outbox
from jangter.payments import subcontracts
from jangter.payments.domain.deadlines import inspection_due, payment_due
from jangter.payments.domain.ledger import (
    Ledger,
    Paid,
    PaymentKind,
    Share,
    check_split,
    next_payment,
    with_prime,
)
from jangter.payments.orm import DeliveryReport, PaymentClaim, PaymentShare, Subcontract
from jangter.rules.domain import RuleSet

log = logging.getLogger("jangter.payments")


def _require_active(contract: Contract) -> None:
    if contract.status != ContractStatus.ACTIVE.value:
        raise Conflict(
            "contract_not_active",
            "계약보증이 확인되어 이행 중인 계약에서만 할 수 있습니다.",
            "Only a contract in force (its deposit secured) is delivered and paid.",
        )


def report_delivery(ctx: AppContext, actor: Actor | None, number: str, *, final: bool, description: str) -> int:
    """납품·준공 신고 by the firm; returns the report's number. The inspection is due by the rule set."""
    now = ctx.clock.now()
    with ctx.uow() as uow:
        session = uow.session
        contract = load_contract(session, number, for_update=True)
        firm = require_role(require_party(actor, contract), Role.COMPANY_ADMIN, Role.BIDDER, org_id=contract.firm_id)
        _require_active(contract)
        if not description.strip():
            raise DomainError(
                "description_required", "납품 내용을 입력하십시오.", "Say what was delivered.", field="description"
            )
        waiting = session.scalar(
            select(DeliveryReport.seq).where(
                DeliveryReport.contract_id == contract.id, DeliveryReport.status == "reported"
            )
        )
        if waiting is not None:
            raise Conflict(
                "inspection_pending",
                f"검사를 기다리는 신고(제{waiting}회)가 있습니다.",
                f"Report {waiting} is still waiting for its inspection.",
            )
        rules = ctx.rules.version(contract.rule_set_version)
        due = inspection_due(rules, seoul_date(now))
        seq = counters.next_seq(session, DeliveryReport.seq, DeliveryReport.contract_id == contract.id)
        session.add(
            DeliveryReport(
                contract_id=contract.id,
                seq=seq,
                final=final,
                description=description.strip(),
                reported_at=now,
                reported_by=firm.person_id,
                inspection_due=due.value,
                status="reported",
            )
        )
        audit.record(
            session,
            at=now,
            actor=audit_actor(firm),
            action="delivery.report",
            entity_type="contract",
            entity_id=number,
            after={"seq": seq, "final": final, "inspection_due": due.value.isoformat(), "rule": due.rule},
        )
        uow.commit()
        return seq


def inspect(ctx: AppContext, actor: Actor | None, number: str, seq: int, *, passed: bool, reasons: str = "") -> None:
    """검사: the agency's inspector passes the delivery, or fails it with the reasons."""
    now = ctx.clock.now()
    with ctx.uow() as uow:
        session = uow.session
        contract = load_contract(session, number)
        inspector = require_role(require_party(actor, contract), Role.INSPECTOR, org_id=contract.agency_id)
        report = session.scalars(
            select(DeliveryReport)
            .where(DeliveryReport.contract_id == contract.id, DeliveryReport.seq == seq)
            .with_for_update()
        ).one_or_none()
        if report is None:
            raise NotFound("납품 신고", "Delivery report", code="delivery_not_found")
        if report.status != "reported":
            raise Conflict("already_inspected", "이미 검사한 신고입니다.", "This delivery has been inspected.")
        if not passed and not reasons.strip():
            raise DomainError(
                "reasons_required", "불합격 사유를 입력하십시오.", "Give the reasons it failed.", field="reasons"
            )
        report.status = "passed" if passed else "failed"
        report.inspected_at, report.inspected_by, report.reasons = now, inspector.person_id, reasons.strip() or None
        audit.record(
            session,
            at=now,
            actor=audit_actor(inspector),
            action="delivery.inspect",
            entity_type="contract",
            entity_id=number,
            after={"seq": seq, "status": report.status, "late": seoul_date(now) > report.inspection_due},
            reason=reasons.strip() or None,
        )
        uow.commit()


def _accepted(session: Session, contract: Contract, kind: GuaranteeKind) -> bool:
    return (
        session.scalar(
            select(Guarantee.id).where(
                Guarantee.contract_id == contract.id,
                Guarantee.kind == kind.value,
                Guarantee.status == GuaranteeStatus.ACCEPTED.value,
            )
        )
        is not None
    )


def _require_defect_guarantee(session: Session, rules: RuleSet, contract: Contract) -> None:
    """Where the rule set says so, the final payment waits for an accepted defect-repair guarantee."""
    if (
        contract.defect_class is not None
        and rules.contracts.defect_guarantee_before_final
        and not _accepted(session, contract, GuaranteeKind.DEFECT_REPAIR)
    ):
        raise Conflict(
            "defect_guarantee_required",
            "준공금은 하자보수보증서가 승인된 뒤에 청구합니다.",
            "The final payment is claimed once a defect-repair guarantee has been accepted.",
        )


@dataclass(frozen=True)
class TaxInvoice:
    """The electronic tax invoice's data the claim carries (전자세금계산서)."""

    number: str
    issued_on: date
    supply_amount: int
    vat: int


def ledger_of(session: Session, ctx: AppContext, contract: Contract, *, paid_only: bool = False) -> Ledger:
    """The contract's ledger: every claim made (paid or not), or only those paid."""
    rules = ctx.rules.version(contract.rule_set_version)
    query = select(PaymentClaim).where(PaymentClaim.contract_id == contract.id).order_by(PaymentClaim.seq)
    if paid_only:
        query = query.where(PaymentClaim.status == "paid")
    claims = session.scalars(query).all()
    paid = tuple(Paid(PaymentKind(c.kind), c.gross, c.advance_returned, c.delay_penalty) for c in claims)
    return Ledger(contract.amount, advance_limit(rules, contract.amount).value, paid)


def claim(
    ctx: AppContext,
    actor: Actor | None,
    number: str,
    kind: PaymentKind,
    gross: int,
    invoice: TaxInvoice,
    *,
    delivery: int | None = None,
    shares: tuple[Share, ...] = (),
) -> int:
    """대가 청구 by the firm: the advance (against an accepted advance-payment guarantee), or payment for a passed
    delivery (the final one for the completion), with how the payment is split between the prime, its
    subcontractors, labour and materials (all to the prime when not said). Returns the claim's number; the payment
    is due by the rule set."""
    now = ctx.clock.now()
    with ctx.uow() as uow:
        session = uow.session
        contract = load_contract(session, number, for_update=True)
        firm = require_role(require_party(actor, contract), Role.COMPANY_ADMIN, org_id=contract.firm_id)
        _require_active(contract)
        if invoice.supply_amount + invoice.vat != gross or invoice.supply_amount < 0 or invoice.vat < 0:
            raise DomainError(
                "invoice_not_total",
                "세금계산서의 공급가액과 세액의 합이 청구금액과 다릅니다.",
                "The tax invoice's supply amount and VAT do not add up to the amount claimed.",
                field="invoice",
            )
        if not invoice.number.strip():
            raise DomainError(
                "invoice_required",
                "세금계산서 승인번호를 입력하십시오.",
                "Give the tax invoice's number.",
                field="invoice",
            )
        report = None
        if kind is not PaymentKind.ADVANCE:
            report = session.scalars(
                select(DeliveryReport).where(
                    DeliveryReport.contract_id == contract.id, DeliveryReport.seq == (delivery or 0)
                )
            ).one_or_none()
            claimed = report is not None and session.scalar(
                select(PaymentClaim.id).where(PaymentClaim.delivery_id == report.id)
            )
            if report is None or report.status != "passed" or claimed:
                raise Conflict(
                    "delivery_not_claimable",
                    "검사에 합격하고 아직 청구하지 않은 납품만 청구할 수 있습니다.",
                    "Only a delivery that passed its inspection and is not yet claimed can be claimed.",
                    field="delivery",
                )
            if (kind is PaymentKind.FINAL) != report.final:
                raise Conflict(
                    "final_needs_completion",
                    "준공금은 준공 검사에 합격한 뒤에 청구합니다.",
                    "The final payment is claimed for the completion, and only for it.",
                    field="kind",
                )
        rules = ctx.rules.version(contract.rule_set_version)
        late, penalty = 0, 0
        if kind is PaymentKind.FINAL:
            assert report is not None
            _require_defect_guarantee(session, rules, contract)
            late = days_late(contract.ends_on, seoul_date(report.reported_at))
            penalty = delay_penalty(rules, Category(contract.category), contract.amount, late).value.amount
        payment = next_payment(
            ledger_of(session, ctx, contract),
            kind,
            gross,
            advance_guaranteed=_accepted(session, contract, GuaranteeKind.ADVANCE_PAYMENT),
            penalty=penalty,
        )
        split = check_split(payment.net, with_prime(payment.net, shares), subcontracts.room(session, contract.id))
        due = payment_due(rules, ctx.calendar, seoul_date(now))
        seq = counters.next_seq(session, PaymentClaim.seq, PaymentClaim.contract_id == contract.id)
        row = PaymentClaim(
            contract_id=contract.id,
            seq=seq,
            kind=kind.value,
            delivery_id=None if report is None else report.id,
            gross=gross,
            advance_returned=payment.advance_returned,
            days_late=late,
            delay_penalty=payment.penalty,
            net=payment.net,
            invoice_number=invoice.number.strip(),
            invoice_issued_on=invoice.issued_on,
            supply_amount=invoice.supply_amount,
            vat=invoice.vat,
            claimed_at=now,
            claimed_by=firm.person_id,
            payment_due=due.value,
            status="claimed",
        )
        session.add(row)
        session.flush()
        subcontracts.write_shares(session, contract, row, split)
        audit.record(
            session,
            at=now,
            actor=audit_actor(firm),
            action="payment.claim",
            entity_type="contract",
            entity_id=number,
            after={
                "seq": seq,
                "kind": kind.value,
                "gross": gross,
                "advance_returned": payment.advance_returned,
                "days_late": late,
                "delay_penalty_due": penalty,
                "delay_penalty": payment.penalty,
                "net": payment.net,
                "payment_due": due.value.isoformat(),
                "shares": [[x.recipient.value, x.subcontract, x.amount] for x in split],
            },
        )
        uow.commit()
        return seq


def pay(ctx: AppContext, actor: Actor | None, number: str, seq: int) -> str:
    """지급: the finance officer orders the payment of a claim; returns the transfer's reference. From a browser it
    needs a fresh passkey check. The final payment completes the contract."""
    if actor is not None:
        with ctx.db.reading() as session:
            contract = load_contract(session, number)
            require_party(actor, contract)
            window = ctx.rules.version(contract.rule_set_version).identity.step_up_minutes
        step_up.require_fresh(ctx, actor, window, act="pay", subject=number)
    if ctx.transfers is None:
        raise Conflict(
            "no_transfer_channel", "은행 이체 경로가 설정되지 않았습니다.", "No bank transfer channel is set up."
        )
    now = ctx.clock.now()
    with ctx.uow() as uow:
        session = uow.session
        contract = load_contract(session, number, for_update=True)
        officer = require_role(require_party(actor, contract), Role.FINANCE_OFFICER, org_id=contract.agency_id)
        row = session.scalars(
            select(PaymentClaim).where(PaymentClaim.contract_id == contract.id, PaymentClaim.seq == seq)
        ).one_or_none()
        if row is None:
            raise NotFound("대가 청구", "Payment claim", code="claim_not_found")
        if row.status != "claimed":
            raise Conflict("already_paid", "이미 지급했습니다.", "This claim has been paid.")
        row.status = "paid"
        row.paid_at, row.paid_by = now, officer.person_id
        row.transfer_reference = f"{number}-P{seq:03d}"
        pass_on_due = seoul_date(now) + timedelta(
            days=ctx.rules.version(contract.rule_set_version).contracts.pass_on_days
        )
        for share in session.scalars(select(PaymentShare).where(PaymentShare.claim_id == row.id)):
            if share.subcontract_id is not None and not share.direct:
                share.pass_on_due = pass_on_due
        if row.kind == PaymentKind.FINAL.value:
            contract.status = contract_transition(ContractStatus(contract.status), ContractAction.COMPLETE).value
            contract.updated_at = now
            guarantees.settle(ctx, session, contract, ContractEnd.COMPLETED, 0, None)
        audit.record(
            session,
            at=now,
            actor=audit_actor(officer),
            action="payment.pay",
            entity_type="contract",
            entity_id=number,
            after={"seq": seq, "net": row.net, "transfer": row.transfer_reference, "contract_status": contract.status},
        )
        translog.append(
            session,
            "payment.paid",
            number,
            {"seq": seq, "kind": row.kind, "gross": row.gross, "net": row.net, "firm_id": contract.firm_id},
            now,
        )
        uow.commit()
        reference = row.transfer_reference
    export_transfers_quietly(ctx)
    return reference


def export_transfers(ctx: AppContext) -> int:
    """Hand the paid orders not yet handed over to the bank channel; returns how many claims. A subcontractor with a
    three-party agreement gets its own line (direct payment); the rest goes to the prime."""
    if ctx.transfers is None:
        return 0
    with ctx.db.reading() as session:
        rows = session.execute(
            select(
                PaymentClaim.id,
                PaymentClaim.transfer_reference,
                PaymentClaim.paid_at,
                PaymentClaim.net,
                Contract.number,
                Organisation.name,
                Organisation.business_number,
            )
            .join(Contract, Contract.id == PaymentClaim.contract_id)
            .join(Organisation, Organisation.id == Contract.firm_id)
            .where(PaymentClaim.status == "paid", PaymentClaim.exported_at.is_(None))
            .order_by(PaymentClaim.id)
        ).all()
        orders = []
        for r in rows:
            day, memo = seoul_date(r.paid_at), f"계약 {r.number} 대가"
            direct = session.execute(
                select(PaymentShare.amount, Subcontract.number, Organisation.name, Organisation.business_number)
                .join(Subcontract, Subcontract.id == PaymentShare.subcontract_id)
                .join(Organisation, Organisation.id == Subcontract.firm_id)
                .where(PaymentShare.claim_id == r.id, PaymentShare.direct.is_(True))
                .order_by(PaymentShare.id)
            ).all()
            to_prime = r.net - sum(d.amount for d in direct)
            if to_prime:
                orders.append(
                    TransferOrder(str(r.transfer_reference), day, r.business_number or "", r.name, to_prime, memo)
                )
            for d in direct:
                suffix = d.number.rsplit("-", 1)[-1]
                orders.append(
                    TransferOrder(
                        f"{r.transfer_reference}-{suffix}",
                        day,
                        d.business_number or "",
                        d.name,
                        d.amount,
                        memo + " (하도급 직접지급)",
                    )
                )
    if not rows:
        return 0
    ctx.transfers.send(orders)  # a crash after this and before the commit sends them again: same references
    with ctx.uow() as uow:
        for r in rows:
            claim_row = uow.session.get(PaymentClaim, r.id)
            assert claim_row is not None
            claim_row.exported_at = ctx.clock.now()
        uow.commit()
    return len(rows)


def export_transfers_quietly(ctx: AppContext) -> None:
    try:
        export_transfers(ctx)
    except Exception:
        log.warning("handing payment orders to the bank channel failed; the worker will retry", exc_info=True)


@dataclass(frozen=True)
class Overdue:
    contract: str
    what: str  # signature (the firm's, by sign_by) | inspection | payment | pass_on (the prime passing a share on)
    seq: int
    due: date
    days_late: int


def overdue(ctx: AppContext, agency_id: int, today: date) -> list[Overdue]:
    """Signatures, inspections and payments of an agency past their due day (서명·검사·지급 지연)."""
    with ctx.db.reading() as session:
        unsigned = session.execute(
            select(Contract.number, Contract.sign_by).where(
                Contract.agency_id == agency_id,
                Contract.status == ContractStatus.DRAFTED.value,
                Contract.sign_by < today,
            )
        ).all()
        inspections = session.execute(
            select(Contract.number, DeliveryReport.seq, DeliveryReport.inspection_due)
            .join(Contract, Contract.id == DeliveryReport.contract_id)
            .where(
                Contract.agency_id == agency_id,
                DeliveryReport.status == "reported",
                DeliveryReport.inspection_due < today,
            )
        ).all()
        payments = session.execute(
            select(Contract.number, PaymentClaim.seq, PaymentClaim.payment_due)
            .join(Contract, Contract.id == PaymentClaim.contract_id)
            .where(Contract.agency_id == agency_id, PaymentClaim.status == "claimed", PaymentClaim.payment_due < today)
        ).all()
        passing = session.execute(
            select(Contract.number, PaymentClaim.seq, PaymentShare.pass_on_due)
            .join(PaymentClaim, PaymentClaim.id == PaymentShare.claim_id)
            .join(Contract, Contract.id == PaymentClaim.contract_id)
            .where(
                Contract.agency_id == agency_id,
                PaymentShare.direct.is_(False),
                PaymentShare.passed_on_at.is_(None),
                PaymentShare.pass_on_due < today,
            )
        ).all()
    late = [Overdue(n, "signature", 1, d, (today - d).days) for n, d in unsigned if d is not None]
    late += [Overdue(n, "inspection", s, d, (today - d).days) for n, s, d in inspections]
    late += [Overdue(n, "pass_on", s, d, (today - d).days) for n, s, d in passing if d is not None]
    late += [Overdue(n, "payment", s, d, (today - d).days) for n, s, d in payments]
    return sorted(late, key=lambda o: (o.due, o.contract, o.what, o.seq))


def overdue_for(ctx: AppContext, actor: Actor | None) -> list[Overdue]:
    staff = require_role(actor, Role.PROCUREMENT_OFFICER, Role.INSPECTOR, Role.FINANCE_OFFICER)
    return overdue(ctx, staff.org_id, seoul_date(ctx.clock.now()))


def alert_overdue(ctx: AppContext) -> int:
    """Mail each overdue inspection to the agency's inspectors and each overdue payment to its finance officers,
    once per item (the outbox's key); returns how many messages were queued."""
    today = seoul_date(ctx.clock.now())
    now = ctx.clock.now()
    with ctx.db.reading() as session:
        agencies = session.scalars(
            select(Contract.agency_id).where(Contract.status != ContractStatus.COMPLETED.value).distinct()
        ).all()
    queued = 0
    for agency_id in agencies:
        items = overdue(ctx, agency_id, today)
        if not items:
            continue
        with ctx.uow() as uow:
            for item in items:
                if item.what == "pass_on":
                    continue  # the prime's duty: shown to the agency, not mailed to its staff
                role, label_ko = {
                    "signature": (Role.PROCUREMENT_OFFICER, "업체 계약 서명"),
                    "inspection": (Role.INSPECTOR, "검사"),
                    "payment": (Role.FINANCE_OFFICER, "대가 지급"),
                }[item.what]
                people = people_with(uow.session, agency_id, role)
                due = item.due.isoformat()
                for person_id, email in people:
                    queued += outbox.enqueue(
                        uow.session,
                        key=f"overdue:{item.what}:{item.contract}:{item.seq}:{person_id}",
                        to=email,
                        subject=f"[장터] {label_ko} 기한 경과: 계약 {item.contract} (제{item.seq}회)",
                        body=(
                            f"계약 {item.contract}의 제{item.seq}회 {label_ko} 기한({due})이 지났습니다.\n"
                            f"{ctx.base_url}/contracts/{item.contract}\n\n"
                            f"The {item.what} no. {item.seq} of contract {item.contract} was due on {due}."
                        ),
                        at=now,
                    )
            uow.commit()
    return queued


@dataclass(frozen=True)
class DeliveryView:
    seq: int
    final: bool
    description: str
    reported_at: datetime
    inspection_due: date
    status: str
    inspected_at: datetime | None
    reasons: str | None


@dataclass(frozen=True)
class ClaimView:
    seq: int
    kind: PaymentKind
    delivery_seq: int | None
    gross: int
    advance_returned: int
    days_late: int
    delay_penalty: int
    net: int
    invoice_number: str
    claimed_at: datetime
    payment_due: date
    status: str
    paid_at: datetime | None
    transfer_reference: str | None


@dataclass(frozen=True)
class PaymentsView:
    deliveries: tuple[DeliveryView, ...]
    claims: tuple[ClaimView, ...]
    work_paid: int
    net_paid: int
    advance_outstanding: int
    remaining: int


def payments_of(ctx: AppContext, actor: Actor | None, number: str) -> PaymentsView:
    with ctx.db.reading() as session:
        contract = load_contract(session, number)
        require_party(actor, contract)
        reports = session.scalars(
            select(DeliveryReport).where(DeliveryReport.contract_id == contract.id).order_by(DeliveryReport.seq)
        ).all()
        seq_of = {r.id: r.seq for r in reports}
        claims = session.scalars(
            select(PaymentClaim).where(PaymentClaim.contract_id == contract.id).order_by(PaymentClaim.seq)
        ).all()
        ledger = ledger_of(session, ctx, contract)
    return PaymentsView(
        tuple(
            DeliveryView(
                r.seq, r.final, r.description, r.reported_at, r.inspection_due, r.status, r.inspected_at, r.reasons
            )
            for r in reports
        ),
        tuple(
            ClaimView(
                c.seq,
                PaymentKind(c.kind),
                seq_of.get(c.delivery_id) if c.delivery_id else None,
                c.gross,
                c.advance_returned,
                c.days_late,
                c.delay_penalty,
                c.net,
                c.invoice_number,
                c.claimed_at,
                c.payment_due,
                c.status,
                c.paid_at,
                c.transfer_reference,
            )
            for c in claims
        ),
        ledger.work_paid,
        sum(c.net for c in claims if c.status == "paid"),
        ledger.advance_outstanding,
        ledger.work_remaining,
    )
