"""REST routes for delivery, inspection, payment claims and payment orders, and an agency's overdue list."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Path
from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from jangter.payments import service
from jangter.payments.domain.ledger import PaymentKind
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


class ClaimIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    kind: PaymentKind
    amount: int = Field(ge=1, description="The amount claimed (won, VAT included)")
    delivery: int | None = Field(
        default=None, ge=1, description="The passed delivery report it is for (not for advances)"
    )
    invoice: InvoiceIn


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
    net: int = Field(description="What is paid out: the amount less the advance it gives back")
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
    service.claim(ctx, actor, number, body.kind, body.amount, invoice, delivery=body.delivery)
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
