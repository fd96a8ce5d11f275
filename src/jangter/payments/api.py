"""REST routes for delivery, inspection, payment claims and payment orders, and an agency's overdue list."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Path
from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from jangter.kernel.calendar import seoul_date
from jangter.payments import service, subcontracts, totals
from jangter.payments.domain.ledger import PaymentKind, Recipient, Share
from jangter.web.http import ApiActor, Ctx

router = APIRouter(prefix="/api/v1", tags=["inspection and payment"])

Seq = Annotated[int, Path(ge=1, le=100_000)]


class DeliveryIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    final: bool = Field(description="True for the completion (준공), false for a part (기성)")
    description: str = Field(max_length=4000)


class InspectionIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    passed: bool
    reasons: str = Field(default="", max_length=4000, description="Required when it fails")


class InvoiceIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    number: str = Field(max_length=40, description="전자세금계산서 승인번호")
    issued_on: date
    supply_amount: int = Field(ge=0)
    vat: int = Field(ge=0)


class ShareIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    recipient: Recipient
    subcontract: str | None = Field(default=None, max_length=24, description="The subcontract's number")
    amount: int = Field(ge=0)


class ClaimIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    kind: PaymentKind
    amount: int = Field(ge=1, description="The amount claimed (won, VAT included)")
    delivery: int | None = Field(
        default=None, ge=1, description="The passed delivery report it is for (not for advances)"
    )
    invoice: InvoiceIn
    shares: list[ShareIn] = Field(
        default_factory=list,
        max_length=100,
        description="How the payment is split (subcontractors, labour, materials); the prime gets what is left",
    )


class DeliveryOut(BaseModel):
    seq: int
    final: bool
    description: str
    reported_at: AwareDatetime
    inspection_due: date
    status: str = Field(description="reported | passed | failed")
    inspected_at: AwareDatetime | None
    reasons: str | None


class ClaimOut(BaseModel):
    seq: int
    kind: PaymentKind
    delivery: int | None
    amount: int
    advance_returned: int
    days_late: int = Field(description="Days the completion was reported after the contract's end (final payment)")
    delay_penalty: int = Field(description="지체상금 deducted from this payment (final payment)")
    net: int = Field(description="What is paid out: the amount less the advance it gives back and the delay penalty")
    invoice_number: str
    claimed_at: AwareDatetime
    payment_due: date
    status: str = Field(description="claimed | paid")
    paid_at: AwareDatetime | None
    transfer_reference: str | None


class PaymentsOut(BaseModel):
    deliveries: list[DeliveryOut]
    claims: list[ClaimOut]
    work_paid: int
    net_paid: int
    advance_outstanding: int
    remaining: int

    @classmethod
    def of(cls, v: service.PaymentsView) -> PaymentsOut:
        return cls(
            deliveries=[DeliveryOut(**vars(d)) for d in v.deliveries],
            claims=[
                ClaimOut(
                    seq=c.seq,
                    kind=c.kind,
                    delivery=c.delivery_seq,
                    amount=c.gross,
                    advance_returned=c.advance_returned,
                    days_late=c.days_late,
                    delay_penalty=c.delay_penalty,
                    net=c.net,
                    invoice_number=c.invoice_number,
                    claimed_at=c.claimed_at,
                    payment_due=c.payment_due,
                    status=c.status,
                    paid_at=c.paid_at,
                    transfer_reference=c.transfer_reference,
                )
                for c in v.claims
            ],
            work_paid=v.work_paid,
            net_paid=v.net_paid,
            advance_outstanding=v.advance_outstanding,
            remaining=v.remaining,
        )


class OverdueOut(BaseModel):
    contract: str
    what: str = Field(description="inspection | payment")
    seq: int
    due: date
    days_late: int


@router.get("/contracts/{number}/payments", response_model=PaymentsOut, summary="Deliveries, inspections and payments")
def payments(ctx: Ctx, actor: ApiActor, number: str) -> PaymentsOut:
    return PaymentsOut.of(service.payments_of(ctx, actor, number))


@router.post(
    "/contracts/{number}/deliveries", status_code=201, response_model=PaymentsOut, summary="Report a delivery (firm)"
)
def report(ctx: Ctx, actor: ApiActor, number: str, body: DeliveryIn) -> PaymentsOut:
    service.report_delivery(ctx, actor, number, final=body.final, description=body.description)
    return PaymentsOut.of(service.payments_of(ctx, actor, number))


@router.post(
    "/contracts/{number}/deliveries/{seq}/inspection",
    response_model=PaymentsOut,
    summary="Record the inspection: pass, or fail with the reasons (inspector)",
)
def inspection(ctx: Ctx, actor: ApiActor, number: str, seq: Seq, body: InspectionIn) -> PaymentsOut:
    service.inspect(ctx, actor, number, seq, passed=body.passed, reasons=body.reasons)
    return PaymentsOut.of(service.payments_of(ctx, actor, number))


@router.post(
    "/contracts/{number}/claims",
    status_code=201,
    response_model=PaymentsOut,
    summary="Claim payment with the tax invoice's data (the firm's company administrator)",
)
def claim(ctx: Ctx, actor: ApiActor, number: str, body: ClaimIn) -> PaymentsOut:
    invoice = service.TaxInvoice(
        body.invoice.number, body.invoice.issued_on, body.invoice.supply_amount, body.invoice.vat
    )
    shares = tuple(Share(x.recipient, x.amount, x.subcontract) for x in body.shares)
    service.claim(ctx, actor, number, body.kind, body.amount, invoice, delivery=body.delivery, shares=shares)
    return PaymentsOut.of(service.payments_of(ctx, actor, number))


@router.post(
    "/contracts/{number}/claims/{seq}/pay",
    response_model=PaymentsOut,
    summary="Order the payment of a claim (finance officer; step-up from a browser)",
)
def pay(ctx: Ctx, actor: ApiActor, number: str, seq: Seq) -> PaymentsOut:
    service.pay(ctx, actor, number, seq)
    return PaymentsOut.of(service.payments_of(ctx, actor, number))


@router.get("/agency/overdue", response_model=list[OverdueOut], summary="The agency's overdue inspections and payments")
def overdue(ctx: Ctx, actor: ApiActor) -> list[OverdueOut]:
    return [OverdueOut(**vars(o)) for o in service.overdue_for(ctx, actor)]


class SubcontractIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    business_number: str = Field(max_length=12, description="The subcontractor's business registration number")
    scope: str = Field(max_length=2000)
    amount: int = Field(ge=1)
    direct_payment: bool = Field(description="The three parties agreed that the agency pays the subcontractor directly")


class SubcontractOut(BaseModel):
    number: str
    contract: str
    contract_title: str
    prime: str
    firm: dict[str, int | str]
    scope: str
    amount: int
    direct_payment: bool
    paid: int = Field(description="Paid to the subcontractor (directly, or passed on by the prime)")
    due: int = Field(description="Paid to the prime for it and not passed on yet")
    late: bool = Field(description="A share was not passed on by its due day")

    @classmethod
    def of(cls, v: subcontracts.SubcontractView) -> SubcontractOut:
        return cls(
            number=v.number,
            contract=v.contract,
            contract_title=v.contract_title,
            prime=v.prime_name,
            firm={"id": v.firm_id, "name": v.firm_name},
            scope=v.scope,
            amount=v.amount,
            direct_payment=v.direct_payment,
            paid=v.paid,
            due=v.due,
            late=v.late,
        )


class ShareOut(BaseModel):
    id: int
    claim: int
    recipient: Recipient
    subcontract: str | None
    amount: int
    direct: bool
    pass_on_due: date | None
    passed_on_at: AwareDatetime | None


class SubcontractsOut(BaseModel):
    subcontracts: list[SubcontractOut]
    shares: list[ShareOut]


def _subcontracts(ctx: Ctx, actor: ApiActor, number: str) -> SubcontractsOut:
    subs, shares = subcontracts.for_contract(ctx, actor, number, seoul_date(ctx.clock.now()))
    return SubcontractsOut(
        subcontracts=[SubcontractOut.of(v) for v in subs],
        shares=[
            ShareOut(
                id=x.id,
                claim=x.claim_seq,
                recipient=x.recipient,
                subcontract=x.subcontract,
                amount=x.amount,
                direct=x.direct,
                pass_on_due=x.pass_on_due,
                passed_on_at=x.passed_on_at,
            )
            for x in shares
        ],
    )


@router.get(
    "/contracts/{number}/subcontracts", response_model=SubcontractsOut, summary="Subcontracts and payment shares"
)
def contract_subcontracts(ctx: Ctx, actor: ApiActor, number: str) -> SubcontractsOut:
    return _subcontracts(ctx, actor, number)


@router.post(
    "/contracts/{number}/subcontracts",
    status_code=201,
    response_model=SubcontractsOut,
    summary="Register a subcontract (the prime's company administrator)",
)
def register_subcontract(ctx: Ctx, actor: ApiActor, number: str, body: SubcontractIn) -> SubcontractsOut:
    subcontracts.register(
        ctx,
        actor,
        number,
        business_number=body.business_number,
        scope=body.scope,
        amount=body.amount,
        direct_payment=body.direct_payment,
    )
    return _subcontracts(ctx, actor, number)


@router.post(
    "/contracts/{number}/shares/{share}/passed-on",
    response_model=SubcontractsOut,
    summary="The prime reports it passed a subcontractor's share on",
)
def passed_on(ctx: Ctx, actor: ApiActor, number: str, share: Seq) -> SubcontractsOut:
    subcontracts.passed_on(ctx, actor, number, share)
    return _subcontracts(ctx, actor, number)


@router.get("/me/subcontracts", response_model=list[SubcontractOut], summary="My firm's subcontracts, as subcontractor")
def my_subcontracts(ctx: Ctx, actor: ApiActor) -> list[SubcontractOut]:
    return [SubcontractOut.of(v) for v in subcontracts.mine(ctx, actor, seoul_date(ctx.clock.now()))]


class TotalsOut(BaseModel):
    contracts_signed: int = Field(description="Contracts both parties have signed")
    contracts_signed_amount: int
    guarantees_issued: int
    guarantees_issued_amount: int
    payments: int
    paid: int = Field(description="Everything paid out (won)")
    paid_to_subcontractors: int
    paid_to_subcontractors_directly: int
    paid_to_primes: int = Field(description="Paid to primes (with labour and materials)")


@router.get("/statistics/contracts", response_model=TotalsOut, summary="Totals of contracts, guarantees and payments")
def contract_totals(ctx: Ctx) -> TotalsOut:
    return TotalsOut(**totals.totals(ctx).as_dict())
