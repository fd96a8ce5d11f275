"""Inspection and payment (issue #8 point 3; koneps-rules §5 advance, §6 inspection within 14 days and payment within
5 days): a contract in force is delivered in two parts, inspected (one fails with its reasons), claimed with the tax
invoice, paid with the advance settled, the orders handed to the bank file; late inspections and payments show on
the agency's list and are mailed once."""

from __future__ import annotations

import csv
from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlalchemy import select, text

from jangter.contracting import guarantees
from jangter.contracting import service as contracting
from jangter.contracting.domain.contract import ContractStatus
from jangter.contracting.domain.guarantee import GuaranteeKind
from jangter.guarantor.app import signed
from jangter.identity import service as identity
from jangter.identity.domain.roles import Actor, Role
from jangter.identity.security_log import SecurityEvent
from jangter.identity.service import NewPerson, add_member
from jangter.kernel.calendar import seoul_date
from jangter.kernel.clock import OffsetClock
from jangter.kernel.context import AppContext, StepUpPolicy
from jangter.kernel.errors import DomainError
from jangter.kernel.procurement import Category
from jangter.kernel.transfers import FileExport
from jangter.notifications.outbox import OutboxMail
from jangter.payments import service as payments
from jangter.payments import subcontracts, totals
from jangter.payments.domain.ledger import PaymentKind, Recipient, Share
from jangter.rules.domain import DefectClass
from jangter.worker import run_due_events_once
from tests.support import PASSWORD, World, actor_by_email, award_goods_notice, make_world, public_b64

TERMS = contracting.DraftTerms(date(2026, 12, 1), date(2027, 3, 31), "LED 조명기구 1,200개 납품 및 설치")


def refused(code: str, call: object, *args: object, **kwargs: object) -> None:
    with pytest.raises(DomainError) as exc:
        call(*args, **kwargs)  # type: ignore[operator]
    assert exc.value.code == code, exc.value


def guaranteed(
    ctx: AppContext,
    world: World,
    number: str,
    firm: Actor,
    key: Ed25519PrivateKey,
    institution: int,
    kind: GuaranteeKind,
    valid_until: str = "2027-06-30",
) -> None:
    """The institution issues the guarantee asked for (its signed message, as `jangter guarantor` sends it) and the
    agency accepts it."""
    reference = guarantees.request(ctx, firm, number, kind, institution)
    view = next(v for v in guarantees.for_contract(ctx, firm, number) if v.reference == reference)
    message = {
        "type": "guarantee.issued",
        "request": reference,
        "reference": f"GTR-{reference}",
        "kind": kind.value,
        "contract": number,
        "firm_business_number": firm.org_business_number,
        "amount": view.amount_required,
        "valid_from": "2026-11-24",
        "valid_until": valid_until,
    }
    guarantees.receive_issued(ctx, signed(key, message))
    guarantees.decide(ctx, world.officer, reference, accept=True)


def in_force(
    ctx: AppContext,
    clock: OffsetClock,
    firms: int = 2,
    *,
    category: Category = Category.GOODS,
    defect_class: DefectClass | None = None,
    key: Ed25519PrivateKey | None = None,
) -> tuple[World, str, Actor, Actor, Actor]:
    """A contract in force with its deposit and advance guarantees accepted (from the institution of ``key``),
    and the agency's inspector and finance officer."""
    world = make_world(ctx, firms=firms)
    notice = award_goods_notice(world, clock, category)
    number = contracting.draft(ctx, world.officer, notice, replace(TERMS, defect_class=defect_class))
    firm_id = contracting.get_contract(ctx, world.officer, number).firm_id
    firm = next(f for f in world.firms if f.org_id == firm_id)
    contracting.sign(ctx, firm, number, 1)
    contracting.sign(ctx, world.officer, number, 1)
    key = key or Ed25519PrivateKey.generate()
    new = guarantees.NewInstitution("서울보증보험(시험)", "104-81-00000", "http://127.0.0.1:9", public_b64(key))
    institution = guarantees.register_institution(ctx, world.operator, new)
    guaranteed(ctx, world, number, firm, key, institution, GuaranteeKind.CONTRACT_DEPOSIT)
    assert contracting.get_contract(ctx, firm, number).status is ContractStatus.ACTIVE
    guaranteed(ctx, world, number, firm, key, institution, GuaranteeKind.ADVANCE_PAYMENT)
    staff = {}
    for email, role in (("inspector@gov.kr", Role.INSPECTOR), ("finance@gov.kr", Role.FINANCE_OFFICER)):
        add_member(ctx, world.operator, world.officer.org_id, NewPerson(email, email, PASSWORD, frozenset({role})))
        staff[role] = actor_by_email(ctx, email)
    return world, number, firm, staff[Role.INSPECTOR], staff[Role.FINANCE_OFFICER]


def invoice(amount: int, number: str = "20261201-41000000-00000001") -> payments.TaxInvoice:
    supply = amount * 10 // 11
    return payments.TaxInvoice(number, date(2026, 12, 1), supply, amount - supply)


def test_a_contract_is_delivered_inspected_claimed_and_paid_with_the_advance_settled(
    ctx: AppContext, clock: OffsetClock, tmp_path: Path
) -> None:
    world, number, firm, inspector, finance = in_force(ctx, clock)
    ctx = replace(ctx, transfers=FileExport(tmp_path / "transfers"))
    amount = contracting.get_contract(ctx, firm, number).amount
    advance = amount * 70 // 100  # koneps-rules §5: up to 70 %, against the accepted advance-payment guarantee
    refused(
        "advance_over_limit", payments.claim, ctx, firm, number, PaymentKind.ADVANCE, advance + 1, invoice(advance + 1)
    )
    payments.claim(ctx, firm, number, PaymentKind.ADVANCE, advance, invoice(advance))
    refused("role_required", payments.pay, ctx, world.officer, number, 1)  # the finance officer pays
    assert payments.pay(ctx, finance, number, 1) == f"{number}-P001"

    part = payments.report_delivery(ctx, firm, number, final=False, description="1차분 600개 납품")
    refused("inspection_pending", payments.report_delivery, ctx, firm, number, final=True, description="나머지")
    refused("reasons_required", payments.inspect, ctx, inspector, number, part, passed=False)
    payments.inspect(ctx, inspector, number, part, passed=False, reasons="규격 미달 32개")
    refused(
        "delivery_not_claimable",
        payments.claim,
        ctx,
        firm,
        number,
        PaymentKind.PROGRESS,
        1_000,
        invoice(1_000),
        delivery=part,
    )
    part = payments.report_delivery(ctx, firm, number, final=False, description="1차분 600개 재납품")
    refused("role_required", payments.inspect, ctx, world.officer, number, part, passed=True)
    payments.inspect(ctx, inspector, number, part, passed=True)
    half = amount // 2
    refused(
        "invoice_not_total",
        payments.claim,
        ctx,
        firm,
        number,
        PaymentKind.PROGRESS,
        half,
        invoice(half - 1),
        delivery=part,
    )
    payments.claim(ctx, firm, number, PaymentKind.PROGRESS, half, invoice(half), delivery=part)
    payments.pay(ctx, finance, number, 2)
    view = payments.payments_of(ctx, firm, number)
    assert view.claims[1].advance_returned == advance * half // amount  # the advance settled in proportion
    # koneps-rules §6: payment within 5 days of a valid claim (calendar days: addendum Q8 [U])
    assert view.claims[1].payment_due == seoul_date(view.claims[1].claimed_at) + timedelta(days=5)

    done = payments.report_delivery(ctx, firm, number, final=True, description="준공: 나머지 600개 설치 완료")
    payments.inspect(ctx, inspector, number, done, passed=True)
    refused("final_not_remaining", payments.claim, ctx, firm, number, PaymentKind.FINAL, 1, invoice(1), delivery=done)
    rest = amount - half
    payments.claim(ctx, firm, number, PaymentKind.FINAL, rest, invoice(rest), delivery=done)
    payments.pay(ctx, finance, number, 3)
    view = payments.payments_of(ctx, firm, number)
    assert view.net_paid == amount and view.advance_outstanding == 0 and view.remaining == 0  # to the won
    assert contracting.get_contract(ctx, firm, number).status is ContractStatus.COMPLETED
    refused("contract_not_active", payments.report_delivery, ctx, firm, number, final=True, description="x")

    [bank_file] = (tmp_path / "transfers").glob("transfers-*.csv")
    with bank_file.open(encoding="utf-8") as handle:
        lines = list(csv.DictReader(handle))
    assert [line["reference"] for line in lines] == [f"{number}-P001", f"{number}-P002", f"{number}-P003"]
    assert sum(int(line["amount_won"]) for line in lines) == amount
    assert payments.export_transfers(ctx) == 0  # each order handed over once
    with ctx.db.reading() as session:
        paid = session.execute(text("SELECT count(*) FROM log_pending WHERE kind = 'payment.paid'")).scalar_one()
    assert paid == 3


def test_late_inspections_and_payments_are_listed_and_mailed_once(
    ctx: AppContext, clock: OffsetClock, tmp_path: Path
) -> None:
    world, number, firm, inspector, finance = in_force(ctx, clock)
    ctx = replace(ctx, transfers=FileExport(tmp_path / "transfers"))
    seq = payments.report_delivery(ctx, firm, number, final=False, description="1차분")
    assert payments.overdue_for(ctx, inspector) == []
    clock.advance(timedelta(days=15))  # koneps-rules §6: inspection within 14 days, the first day not counted
    [late] = payments.overdue_for(ctx, world.officer)
    assert (late.what, late.seq, late.days_late) == ("inspection", seq, 1)
    run_due_events_once(ctx)
    run_due_events_once(ctx)  # a second pass mails nothing new
    with ctx.db.reading() as session:
        mails = session.scalars(select(OutboxMail.to_addr).where(OutboxMail.subject.like("%기한 경과%"))).all()
    assert mails == ["inspector@gov.kr"]
    payments.inspect(ctx, inspector, number, seq, passed=True)
    amount = contracting.get_contract(ctx, firm, number).amount
    payments.claim(ctx, firm, number, PaymentKind.PROGRESS, amount // 4, invoice(amount // 4), delivery=seq)
    clock.advance(timedelta(days=6))  # payment within 5 days of the claim
    assert [o.what for o in payments.overdue_for(ctx, finance)] == ["payment"]
    run_due_events_once(ctx)
    with ctx.db.reading() as session:
        mails = session.scalars(
            select(OutboxMail.to_addr).where(OutboxMail.subject.like("%대가 지급 기한 경과%"))
        ).all()
    assert mails == ["finance@gov.kr"]


def test_paying_from_a_stale_browser_session_needs_a_fresh_passkey_check(
    ctx: AppContext, clock: OffsetClock, tmp_path: Path
) -> None:
    """Issue #6 point 3: paying is a decisive act (security.md AT-15)."""
    _, number, firm, inspector, _ = in_force(ctx, clock)
    ctx = replace(ctx, transfers=FileExport(tmp_path))
    amount = contracting.get_contract(ctx, firm, number).amount
    seq = payments.report_delivery(ctx, firm, number, final=False, description="1차분")
    payments.inspect(ctx, inspector, number, seq, passed=True)
    payments.claim(ctx, firm, number, PaymentKind.PROGRESS, amount // 4, invoice(amount // 4), delivery=seq)
    issued = identity.sign_in(ctx, "finance@gov.kr", PASSWORD, kind="browser", lifetime=timedelta(hours=8))
    browser = identity.resolve_session(ctx, issued.token, idle=None)
    strict = replace(ctx, step_up=StepUpPolicy.REQUIRED)
    refused("step_up_required", payments.pay, strict, browser, number, 1)
    assert payments.payments_of(ctx, firm, number).claims[0].status == "claimed"  # nothing was paid
    with ctx.db.reading() as session:
        acts = [e.detail["act"] for e in session.scalars(select(SecurityEvent).where(SecurityEvent.kind == "step_up"))]
    assert acts == ["pay"]


def test_subcontractors_are_paid_directly_or_through_the_prime_and_late_pass_ons_show(
    ctx: AppContext, clock: OffsetClock, tmp_path: Path
) -> None:
    """Issue #8 point 4 (koneps-rules §6, 하도급지킴이): the prime registers its subcontracts; a payment is split
    between the prime, subcontractors, labour and materials; with a three-party agreement the agency pays the
    subcontractor directly, otherwise the prime passes the share on within 15 days ([U] contracts.pass_on_days)
    or it shows late."""
    world, number, prime, inspector, finance = in_force(ctx, clock, firms=3)
    ctx = replace(ctx, transfers=FileExport(tmp_path))
    direct_firm, other_firm = [f for f in world.firms if f.org_id != prime.org_id]
    amount = contracting.get_contract(ctx, prime, number).amount
    refused(
        "subcontractor_not_registered",
        subcontracts.register,
        ctx,
        prime,
        number,
        business_number=prime.org_business_number,
        scope="자기 자신",
        amount=1,
        direct_payment=False,
    )
    refused(
        "role_required",
        subcontracts.register,
        ctx,
        world.officer,
        number,
        business_number=direct_firm.org_business_number,
        scope="설치",
        amount=1,
        direct_payment=True,
    )
    s1 = subcontracts.register(
        ctx,
        prime,
        number,
        business_number=direct_firm.org_business_number or "",
        scope="조명기구 설치",
        amount=amount // 5,
        direct_payment=True,
    )
    s2 = subcontracts.register(
        ctx,
        prime,
        number,
        business_number=other_firm.org_business_number or "",
        scope="배선 공사",
        amount=amount // 10,
        direct_payment=False,
    )
    refused(
        "over_contract_amount",
        subcontracts.register,
        ctx,
        prime,
        number,
        business_number=other_firm.org_business_number or "",
        scope="더",
        amount=amount,
        direct_payment=False,
    )
    seq = payments.report_delivery(ctx, prime, number, final=False, description="1차분")
    payments.inspect(ctx, inspector, number, seq, passed=True)
    half = amount // 2
    split = (
        Share(Recipient.SUBCONTRACTOR, amount // 10, s1),
        Share(Recipient.SUBCONTRACTOR, amount // 20, s2),
        Share(Recipient.LABOUR, 1_000_000),
        Share(Recipient.MATERIALS, 500_000),
    )
    over = (Share(Recipient.SUBCONTRACTOR, amount // 5 + 1, s1),)
    refused(
        "over_subcontract",
        payments.claim,
        ctx,
        prime,
        number,
        PaymentKind.PROGRESS,
        half,
        invoice(half),
        delivery=seq,
        shares=over,
    )
    payments.claim(ctx, prime, number, PaymentKind.PROGRESS, half, invoice(half), delivery=seq, shares=split)
    payments.pay(ctx, finance, number, 1)
    net = payments.payments_of(ctx, prime, number).claims[0].net
    [bank_file] = tmp_path.glob("transfers-*.csv")
    with bank_file.open(encoding="utf-8") as handle:
        lines = {line["reference"]: line for line in csv.DictReader(handle)}
    assert int(lines[f"{number}-P001-S01"]["amount_won"]) == amount // 10  # paid to the subcontractor directly
    assert lines[f"{number}-P001-S01"]["payee_business_number"] == direct_firm.org_business_number
    assert int(lines[f"{number}-P001"]["amount_won"]) == net - amount // 10  # the rest to the prime
    [direct_view] = subcontracts.mine(ctx, direct_firm, date(2026, 12, 1))
    assert (direct_view.paid, direct_view.due) == (amount // 10, 0)
    [other_view] = subcontracts.mine(ctx, other_firm, date(2026, 12, 1))
    assert (other_view.paid, other_view.due) == (0, amount // 20)  # with the prime, to be passed on
    clock.advance(timedelta(days=16))
    late = payments.overdue_for(ctx, world.officer)
    assert [(o.what, o.days_late) for o in late] == [("pass_on", 1)]
    _, shares = subcontracts.for_contract(ctx, prime, number, date(2026, 12, 1))
    pending = next(x for x in shares if x.subcontract == s2)
    subcontracts.passed_on(ctx, prime, number, pending.id)
    assert payments.overdue_for(ctx, world.officer) == []
    [other_view] = subcontracts.mine(ctx, other_firm, date(2026, 12, 1))
    assert (other_view.paid, other_view.due) == (amount // 20, 0)
    figures = totals.totals(ctx)  # issue #8 point 5: for the statistics page
    assert (figures.contracts_signed, figures.contracts_signed_amount) == (1, amount)
    assert figures.guarantees_issued == 2 and figures.payments == 1 and figures.paid == net
    assert figures.paid_to_subcontractors == amount // 10 + amount // 20
    assert figures.paid_to_subcontractors_directly == amount // 10
    assert figures.paid_to_primes == net - amount // 10 - amount // 20
