"""Totals of contracts, guarantees and payments, for the statistics page (issue #8 point 5): public figures only
(counts and sums), nothing about a single contract.

What counts as a signed contract, a paid claim and a subcontractor's share of a payment is said once here
(:func:`contract_signed`, :func:`claim_paid`, :func:`subcontractor_share`, :func:`to_primes`); the statistics over
time (``opendata/statistics.py``) use the same rules, so their sums over all time are these totals."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import ColumnElement, func, select

from jangter.contracting.domain.contract import ContractStatus
from jangter.contracting.domain.guarantee import GuaranteeStatus
from jangter.contracting.orm import Contract, Guarantee
from jangter.kernel.context import AppContext
from jangter.payments.domain.ledger import Recipient
from jangter.payments.orm import PaymentClaim, PaymentShare

SIGNED = (ContractStatus.SIGNED_BY_AGENCY, ContractStatus.ACTIVE, ContractStatus.COMPLETED)
ISSUED = (GuaranteeStatus.ISSUED, GuaranteeStatus.ACCEPTED, GuaranteeStatus.RELEASED, GuaranteeStatus.CLAIMED)


def contract_signed() -> ColumnElement[bool]:
    """Both parties signed the contract and it was not terminated (its amount: ``Contract.amount``, in force)."""
    return Contract.status.in_([s.value for s in SIGNED])


def claim_paid() -> ColumnElement[bool]:
    """The claim was paid (what was paid out: ``PaymentClaim.net``)."""
    return PaymentClaim.status == "paid"


def subcontractor_share() -> ColumnElement[bool]:
    """A share of a payment that goes to a subcontractor (directly or through the prime)."""
    return PaymentShare.recipient == Recipient.SUBCONTRACTOR.value


def to_primes(paid: int, to_subcontractors: int) -> int:
    """What was paid to the primes: the rest of the payment, with labour and materials (하도급지킴이)."""
    return paid - to_subcontractors


@dataclass(frozen=True)
class Totals:
    contracts_signed: int
    contracts_signed_amount: int
    guarantees_issued: int
    guarantees_issued_amount: int
    payments: int
    paid: int  # everything paid out
    paid_to_subcontractors: int  # the subcontractors' shares of what was paid (directly or through the prime)
    paid_to_subcontractors_directly: int
    paid_to_primes: int  # the rest: primes, labour and materials

    def as_dict(self) -> dict[str, int]:
        return dict(vars(self))


def totals(ctx: AppContext) -> Totals:
    with ctx.db.reading() as session:
        signed = session.execute(
            select(func.count(), func.coalesce(func.sum(Contract.amount), 0)).where(contract_signed())
        ).one()
        issued = session.execute(
            select(func.count(), func.coalesce(func.sum(Guarantee.amount), 0)).where(
                Guarantee.status.in_([s.value for s in ISSUED])
            )
        ).one()
        paid = session.execute(
            select(func.count(), func.coalesce(func.sum(PaymentClaim.net), 0)).where(claim_paid())
        ).one()
        subs = session.execute(
            select(
                func.coalesce(func.sum(PaymentShare.amount), 0),
                func.coalesce(func.sum(PaymentShare.amount).filter(PaymentShare.direct.is_(True)), 0),
            )
            .join(PaymentClaim, PaymentClaim.id == PaymentShare.claim_id)
            .where(claim_paid(), subcontractor_share())
        ).one()
    to_subs = int(subs[0])
    return Totals(
        contracts_signed=int(signed[0]),
        contracts_signed_amount=int(signed[1]),
        guarantees_issued=int(issued[0]),
        guarantees_issued_amount=int(issued[1] or 0),
        payments=int(paid[0]),
        paid=int(paid[1]),
        paid_to_subcontractors=to_subs,
        paid_to_subcontractors_directly=int(subs[1]),
        paid_to_primes=to_primes(int(paid[1]), to_subs),
    )
