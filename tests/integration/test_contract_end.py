"""How a contract ends, and what becomes of its guarantees (issue #8 points 2 and 3; koneps-rules §5).

The winner signs within the rule set's days of the award (addendum-free [U] 10 days, 시행령 §69) or the signature
shows as overdue; a contract is terminated for the firm's fault (the contract deposit is claimed) or by agreement
(released), and an advance not yet settled is claimed from its guarantee; the final payment releases the contract
and advance guarantees and has the delay penalty (지체상금, capped at 30 %) deducted; a works contract's
defect-repair guarantee (시행규칙 §72 rates, addendum Q8) is asked for after the final inspection, accepted before the
final payment, and released when its defect period ends. Every release and claim is a signed message to the
institution through the call outbox.
"""

from __future__ import annotations

import base64
import json
from dataclasses import replace
from datetime import timedelta
from decimal import ROUND_FLOOR, Decimal
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from sqlalchemy import select, text

from jangter.contracting import closing, guarantees
from jangter.contracting import service as contracting
from jangter.contracting.domain.contract import ContractStatus
from jangter.contracting.domain.guarantee import ContractEnd, GuaranteeKind, GuaranteeStatus
from jangter.kernel.calendar import seoul_date
from jangter.kernel.canonical import canonical_json
from jangter.kernel.clock import OffsetClock
from jangter.kernel.context import AppContext
from jangter.kernel.procurement import Category
from jangter.kernel.transfers import FileExport
from jangter.notifications.calls import OutboxCall
from jangter.notifications.outbox import OutboxMail
from jangter.payments import service as payments
from jangter.payments.domain.ledger import PaymentKind
from jangter.rules.domain import DefectClass
from tests.integration.test_payments import TERMS, guaranteed, in_force, invoice, refused
from tests.support import award_goods_notice, make_world


def _calls(ctx: AppContext, prefix: str) -> list[OutboxCall]:
    with ctx.db.reading() as session:
        rows = session.scalars(select(OutboxCall).where(OutboxCall.key.startswith(prefix)).order_by(OutboxCall.id))
        return list(rows)


def _statuses(ctx: AppContext, firm: object, number: str) -> dict[GuaranteeKind, GuaranteeStatus]:
    return {v.kind: v.status for v in guarantees.for_contract(ctx, firm, number)}  # type: ignore[arg-type]


def test_the_firm_signs_by_the_award_day_plus_the_rule_sets_days_or_it_shows_as_overdue(
    ctx: AppContext, clock: OffsetClock
) -> None:
    """koneps-rules §5 / docs/rules.md: contracts.contract_days [U] 10 days from the award (시행령 §69)."""
    world = make_world(ctx, firms=2)
    notice = award_goods_notice(world, clock)
    awarded = seoul_date(clock.now())
    number = contracting.draft(ctx, world.officer, notice, TERMS)
    view = contracting.get_contract(ctx, world.officer, number)
    assert view.sign_by == awarded + timedelta(days=10)
    assert view.defect_class is None  # national goods: no defect-repair guarantee (시행규칙 §72 lists works)
    clock.set(clock.now() + timedelta(days=10))
    assert [o.what for o in payments.overdue(ctx, world.officer.org_id, seoul_date(clock.now()))] == []
    clock.advance(timedelta(days=1))
    [late] = payments.overdue(ctx, world.officer.org_id, seoul_date(clock.now()))
    assert (late.contract, late.what, late.due, late.days_late) == (number, "signature", view.sign_by, 1)
    assert payments.alert_overdue(ctx) == 1  # to the agency's procurement officer, who may cancel the award
    assert payments.alert_overdue(ctx) == 0  # once
    with ctx.db.reading() as session:
        [mail] = session.scalars(select(OutboxMail).where(OutboxMail.key.startswith("overdue:signature:"))).all()
    assert mail.to_addr == "officer@gov.kr" and number in mail.subject

    firm = next(f for f in world.firms if f.org_id == view.firm_id)
    contracting.sign(ctx, firm, number, 1)
    assert payments.overdue(ctx, world.officer.org_id, seoul_date(clock.now())) == []


def test_a_contract_terminated_for_the_firms_default_claims_its_deposit_and_the_unsettled_advance(
    ctx: AppContext, clock: OffsetClock, tmp_path: Path
) -> None:
    world, number, firm, _inspector, finance = in_force(ctx, clock)
    ctx = replace(ctx, transfers=FileExport(tmp_path / "transfers"))
    amount = contracting.get_contract(ctx, firm, number).amount
    advance = amount * 30 // 100
    payments.claim(ctx, firm, number, PaymentKind.ADVANCE, advance, invoice(advance))
    payments.pay(ctx, finance, number, 1)
    part = payments.report_delivery(ctx, firm, number, final=False, description="1차분")
    payments.inspect(ctx, _inspector, number, part, passed=True)
    progress = amount // 4
    payments.claim(ctx, firm, number, PaymentKind.PROGRESS, progress, invoice(progress), delivery=part)
    returned = advance * progress // amount  # the advance given back by the progress claim (paid below)

    refused("role_required", closing.terminate, ctx, firm, number, ContractEnd.TERMINATED_FIRM_FAULT, "불이행")
    refused("fault_invalid", closing.terminate, ctx, world.officer, number, ContractEnd.COMPLETED, "불이행")
    refused("reason_required", closing.terminate, ctx, world.officer, number, ContractEnd.TERMINATED_FIRM_FAULT, " ")
    closing.terminate(ctx, world.officer, number, ContractEnd.TERMINATED_FIRM_FAULT, "납품 기한 60일 경과, 이행 거부")

    view = contracting.get_contract(ctx, firm, number)
    assert view.status is ContractStatus.TERMINATED and view.termination_fault == "firm_fault"
    assert _statuses(ctx, firm, number) == {
        GuaranteeKind.CONTRACT_DEPOSIT: GuaranteeStatus.CLAIMED,  # 계약보증금 국고귀속 (시행령 §51)
        GuaranteeKind.ADVANCE_PAYMENT: GuaranteeStatus.CLAIMED,  # the advance was not settled
    }
    deposit_call, advance_call = _calls(ctx, "guarantee-claimed:")
    deposit_message = json.loads(deposit_call.body)["message"]
    assert deposit_message["amount"] == view.deposit and deposit_message["type"] == "guarantee.claimed"
    # Only paid claims settle the advance: the unpaid progress claim has given nothing back yet.
    assert json.loads(advance_call.body)["message"]["amount"] == advance
    envelope = json.loads(advance_call.body)
    Ed25519PublicKey.from_public_bytes(ctx.signer.public_bytes).verify(
        base64.b64decode(envelope["signature"]), canonical_json(envelope["message"])
    )

    refused("contract_not_active", payments.report_delivery, ctx, firm, number, final=False, description="추가")
    payments.pay(ctx, finance, number, 2)  # the work done before stays payable
    assert payments.payments_of(ctx, firm, number).claims[1].advance_returned == returned
    refused("contract_not_active", payments.claim, ctx, firm, number, PaymentKind.PROGRESS, 1, invoice(1))
    refused(
        "contract_cannot_terminate",
        closing.terminate,
        ctx,
        world.officer,
        number,
        ContractEnd.TERMINATED_AGREEMENT,
        "x",
    )
    with ctx.db.reading() as session:
        mails = session.scalars(select(OutboxMail).where(OutboxMail.key.startswith("contract-terminated:"))).all()
        logged = session.execute(text("SELECT kind FROM log_pending WHERE subject = :n"), {"n": number}).scalars()
        kinds = list(logged)
    assert [m.to_addr for m in mails] == [f"bid{world.firms.index(firm)}@firm.kr"]
    assert "contract.terminated" in kinds and kinds.count("guarantee.claimed") == 2


def test_a_contract_terminated_by_agreement_releases_its_guarantees(ctx: AppContext, clock: OffsetClock) -> None:
    world, number, firm, _inspector, _finance = in_force(ctx, clock)
    closing.terminate(ctx, world.officer, number, ContractEnd.TERMINATED_AGREEMENT, "사업 취소에 따른 합의 해지")
    assert _statuses(ctx, firm, number) == {
        GuaranteeKind.CONTRACT_DEPOSIT: GuaranteeStatus.RELEASED,
        GuaranteeKind.ADVANCE_PAYMENT: GuaranteeStatus.RELEASED,  # no advance was paid
    }
    assert [json.loads(c.body)["message"]["amount"] for c in _calls(ctx, "guarantee-released:")] == [0, 0]


def _penalty(amount: int, per_mille: str, days: int) -> int:
    return int((Decimal(amount) * Decimal(per_mille) * days / 1000).to_integral_value(ROUND_FLOOR))


@pytest.mark.parametrize("days_late", [0, 12, 500])
def test_the_final_payment_deducts_the_delay_penalty_capped_at_30_percent_and_releases_the_guarantees(
    ctx: AppContext, clock: OffsetClock, tmp_path: Path, days_late: int
) -> None:
    """koneps-rules §5: 지체상금 = amount × daily rate × days late (goods 0.75 ‰ [U]), at most 30 % of the amount."""
    world, number, firm, inspector, finance = in_force(ctx, clock)
    ctx = replace(ctx, transfers=FileExport(tmp_path / "transfers"))
    amount = contracting.get_contract(ctx, firm, number).amount
    clock.set(clock.now().replace(year=2027, month=3, day=31, hour=10) + timedelta(days=days_late))
    final = payments.report_delivery(ctx, firm, number, final=True, description="전량 납품")
    payments.inspect(ctx, inspector, number, final, passed=True)
    payments.claim(ctx, firm, number, PaymentKind.FINAL, amount, invoice(amount), delivery=final)
    [claim] = payments.payments_of(ctx, firm, number).claims
    expected = min(_penalty(amount, "0.75", days_late), amount * 30 // 100)
    assert (claim.days_late, claim.delay_penalty, claim.net) == (days_late, expected, amount - expected)
    if days_late == 500:
        assert _penalty(amount, "0.75", days_late) > amount * 30 // 100  # the cap is what applied

    payments.pay(ctx, finance, number, 1)
    assert contracting.get_contract(ctx, firm, number).status is ContractStatus.COMPLETED
    assert _statuses(ctx, firm, number) == {
        GuaranteeKind.CONTRACT_DEPOSIT: GuaranteeStatus.RELEASED,
        GuaranteeKind.ADVANCE_PAYMENT: GuaranteeStatus.RELEASED,
    }
    assert len(_calls(ctx, "guarantee-released:")) == 2
    del world


def test_a_works_contract_has_its_defect_guarantee_before_the_final_payment_and_released_after_the_period(
    ctx: AppContext, clock: OffsetClock, tmp_path: Path
) -> None:
    """koneps-rules §5 and addendum Q8: 하자보수보증금 3 % for roads and general buildings (시행규칙 §72); the
    defect period (general works: [U] 3 years) and the guarantee before the final payment ([U] 시행령 §62) are
    rule-set values (docs/rules.md)."""
    key = Ed25519PrivateKey.generate()
    world, number, firm, inspector, finance = in_force(
        ctx, clock, category=Category.WORKS, defect_class=DefectClass.GENERAL, key=key
    )
    ctx = replace(ctx, transfers=FileExport(tmp_path / "transfers"))
    view = contracting.get_contract(ctx, firm, number)
    assert view.defect_class is DefectClass.GENERAL
    institution = guarantees.institutions(ctx)[0].id
    refused("guarantee_kind_not_yet", guarantees.request, ctx, firm, number, GuaranteeKind.DEFECT_REPAIR, institution)
    final = payments.report_delivery(ctx, firm, number, final=True, description="준공")
    payments.inspect(ctx, inspector, number, final, passed=True)
    inspected_on = seoul_date(clock.now())
    refused(
        "defect_guarantee_required",
        payments.claim,
        ctx,
        firm,
        number,
        PaymentKind.FINAL,
        view.amount,
        invoice(view.amount),
        delivery=final,
    )
    guaranteed(ctx, world, number, firm, key, institution, GuaranteeKind.DEFECT_REPAIR, valid_until="2031-12-31")
    defect = next(v for v in guarantees.for_contract(ctx, firm, number) if v.kind is GuaranteeKind.DEFECT_REPAIR)
    assert defect.amount_required == -(-view.amount * 3 // 100)  # 3 %, rounded up to the won (never short)
    [request] = [c for c in _calls(ctx, "guarantee-request:") if defect.reference in c.key]
    assert (
        json.loads(request.body)["message"]["cover_until"]
        == inspected_on.replace(year=inspected_on.year + 3).isoformat()
    )

    payments.claim(ctx, firm, number, PaymentKind.FINAL, view.amount, invoice(view.amount), delivery=final)
    payments.pay(ctx, finance, number, 1)
    assert _statuses(ctx, firm, number)[GuaranteeKind.DEFECT_REPAIR] is GuaranteeStatus.ACCEPTED  # it runs on
    refused(
        "guarantee_follows_contract",
        guarantees.close_defect,
        ctx,
        world.officer,
        next(v.reference for v in guarantees.for_contract(ctx, firm, number) if v.kind.value == "contract_deposit"),
        claim=True,
        reason="x",
    )
    too_much = (defect.amount or 0) + 1
    refused(
        "claim_amount_invalid",
        guarantees.close_defect,
        ctx,
        world.officer,
        defect.reference,
        claim=True,
        reason="방수층 하자 미보수",
        amount=too_much,
    )
    refused("role_required", guarantees.close_defect, ctx, firm, defect.reference, claim=False, reason="x")

    clock.set(clock.now().replace(year=inspected_on.year + 3))  # the last day of the period: still held
    assert guarantees.release_expired(ctx) == 0
    clock.advance(timedelta(days=1))
    assert guarantees.release_expired(ctx) == 1
    assert guarantees.release_expired(ctx) == 0
    assert _statuses(ctx, firm, number)[GuaranteeKind.DEFECT_REPAIR] is GuaranteeStatus.RELEASED
    [released] = [c for c in _calls(ctx, "guarantee-released:") if defect.reference in c.key]
    assert "하자담보책임기간 종료" in json.loads(released.body)["message"]["reason"]


def test_the_agency_claims_a_defect_guarantee_for_a_defect_not_repaired(ctx: AppContext, clock: OffsetClock) -> None:
    key = Ed25519PrivateKey.generate()
    world, number, firm, inspector, _finance = in_force(ctx, clock, category=Category.WORKS, key=key)
    assert contracting.get_contract(ctx, firm, number).defect_class is DefectClass.OTHER  # not chosen: 2 %
    final = payments.report_delivery(ctx, firm, number, final=True, description="준공")
    payments.inspect(ctx, inspector, number, final, passed=True)
    institution = guarantees.institutions(ctx)[0].id
    guaranteed(ctx, world, number, firm, key, institution, GuaranteeKind.DEFECT_REPAIR, "2031-12-31")
    defect = next(v for v in guarantees.for_contract(ctx, firm, number) if v.kind is GuaranteeKind.DEFECT_REPAIR)
    guarantees.close_defect(
        ctx, world.officer, defect.reference, claim=True, reason="배수 불량 미보수", amount=1_000_000
    )
    [claimed] = _calls(ctx, "guarantee-claimed:")
    assert json.loads(claimed.body)["message"]["amount"] == 1_000_000
    assert _statuses(ctx, firm, number)[GuaranteeKind.DEFECT_REPAIR] is GuaranteeStatus.CLAIMED
    refused(
        "guarantee_cannot_release",
        guarantees.close_defect,
        ctx,
        world.officer,
        defect.reference,
        claim=False,
        reason="x",
    )
