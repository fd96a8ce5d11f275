"""Contracts from the award to two signatures and an amendment (issue #8 point 1; koneps-rules §5; DESIGN §2).

The contract PDF is checked as a person would: its text (``pdftotext``), its signatures with a standard tool
(``pdfsig`` from poppler) and with pyHanko against Jangter's document-signing CA.
"""

from __future__ import annotations

import json
import subprocess
from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path

import pytest
from cryptography import x509
from sqlalchemy import select, text

from jangter.contracting import service as contracting
from jangter.contracting.document import check
from jangter.contracting.domain.contract import ContractStatus, VersionState
from jangter.identity import passkeys
from jangter.identity import service as identity
from jangter.identity.domain.roles import Actor
from jangter.identity.security_log import SecurityEvent
from jangter.kernel.clock import OffsetClock
from jangter.kernel.context import AppContext, StepUpPolicy
from jangter.kernel.errors import DomainError
from jangter.kernel.money import won_in_words
from jangter.kernel.procurement import Category
from tests.softkey import SoftAuthenticator
from tests.support import PASSWORD, World, award_goods_notice, make_world

RP = passkeys.RelyingParty(id="jangter.example", name="Jangter", origin="https://jangter.example")
TERMS = contracting.DraftTerms(date(2026, 12, 1), date(2027, 3, 31), "LED 조명기구 1,200개 납품 및 설치")


def refused(code: str, call: object, *args: object) -> None:
    with pytest.raises(DomainError) as exc:
        call(*args)  # type: ignore[operator]
    assert exc.value.code == code, exc.value


def awarded(world: World, clock: OffsetClock) -> tuple[str, Actor]:
    return award_goods_notice(world, clock), world.firms[0]


def winner(world: World, ctx: AppContext, contract: str) -> Actor:
    firm_id = contracting.get_contract(ctx, world.officer, contract).firm_id
    return next(f for f in world.firms if f.org_id == firm_id)


def pdftext(pdf: bytes, folder: Path) -> str:
    path = folder / "contract.pdf"
    path.write_bytes(pdf)
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True).stdout


def pdfsig(pdf: bytes, folder: Path) -> str:
    path = folder / "signed.pdf"
    path.write_bytes(pdf)
    return subprocess.run(["pdfsig", str(path)], capture_output=True, text=True, check=False).stdout


def test_a_contract_is_drafted_from_the_award_signed_by_both_and_verifies(
    ctx: AppContext, clock: OffsetClock, tmp_path: Path
) -> None:
    world = make_world(ctx, firms=2)
    notice, _ = awarded(world, clock)
    refused("role_required", contracting.draft, ctx, world.official, notice, TERMS)  # 입찰집행관: not the 계약관
    refused("other_organisation", contracting.draft, ctx, world.other_officer, notice, TERMS)
    number = contracting.draft(ctx, world.officer, notice, TERMS)
    refused("contract_exists", contracting.draft, ctx, world.officer, notice, TERMS)
    view = contracting.get_contract(ctx, world.officer, number)
    firm = winner(world, ctx, number)
    loser = next(f for f in world.firms if f.org_id != firm.org_id)
    assert number.startswith("R26TA") and view.status is ContractStatus.DRAFTED and view.version == 0
    assert view.amount in (89_100_000, 88_700_000) and view.category is Category.GOODS
    assert view.deposit == view.amount // 10  # koneps-rules §5: 10 % for goods, from the award
    words = pdftext(contracting.version_pdf(ctx, firm, number, 1), tmp_path)
    assert "물품구매계약서" in words and f"금 {won_in_words(view.amount)}원정" in words
    assert "2026년 12월 1일부터 2027년 3월 31일까지" in words and "0.75/1,000" in words

    refused("supplier_signs_first", contracting.sign, ctx, world.officer, number, 1)
    refused("contract_not_found", contracting.sign, ctx, loser, number, 1)  # another firm: no such contract
    refused("contract_not_found", contracting.get_contract, ctx, loser, number)
    contracting.sign(ctx, firm, number, 1)
    refused("supplier_already_signed", contracting.sign, ctx, firm, number, 1)
    assert contracting.get_contract(ctx, firm, number).status is ContractStatus.SIGNED_BY_SUPPLIER
    contracting.sign(ctx, world.officer, number, 1)
    view = contracting.get_contract(ctx, world.officer, number)
    assert view.status is ContractStatus.SIGNED_BY_AGENCY  # the deposit is not secured yet (guarantees)
    assert view.version == 1 and view.versions[0].state is VersionState.SIGNED

    signed = contracting.version_pdf(ctx, world.officer, number, 1)
    ca = x509.load_pem_x509_certificate(contracting.ca_pem(ctx))
    checks = check(signed, ca)
    assert [c.field for c in checks] == ["supplier-v1", "agency-v1"]
    assert all(c.intact and c.valid and c.trusted for c in checks)
    assert [c.whole_file for c in checks] == [False, True]
    assert firm.name in checks[0].signer and world.officer.name in checks[1].signer
    report = pdfsig(signed, tmp_path)  # a standard tool: both signatures valid (it does not know our CA)
    assert report.count("Signature Validation: Signature is Valid.") == 2, report
    assert "Total document signed" in report

    tampered = bytearray(signed)
    tampered[len(signed) // 4] ^= 0x01  # one bit inside the document both signatures cover
    assert not any(c.intact for c in check(bytes(tampered), ca))
    with ctx.db.reading() as session:
        logged = session.execute(text("SELECT kind, subject FROM log_pending")).all()
    assert ("contract.signed", number) in [tuple(row) for row in logged]


def test_an_amendment_is_a_new_version_both_sign_before_it_is_in_force(
    ctx: AppContext, clock: OffsetClock, tmp_path: Path
) -> None:
    world = make_world(ctx, firms=2)
    notice, _ = awarded(world, clock)
    number = contracting.draft(ctx, world.officer, notice, TERMS)
    firm = winner(world, ctx, number)
    change = contracting.Amendment("설치 수량 증가 (1,200 → 1,320개)", amount=None, ends_on=date(2027, 4, 30))
    refused("contract_cannot_amend", contracting.amend, ctx, world.officer, number, change)  # not signed yet
    contracting.sign(ctx, firm, number, 1)
    contracting.sign(ctx, world.officer, number, 1)
    before = contracting.get_contract(ctx, firm, number)
    refused("role_required", contracting.amend, ctx, firm, number, change)  # the agency amends
    refused("nothing_changed", contracting.amend, ctx, world.officer, number, contracting.Amendment("같음"))
    refused("reason_required", contracting.amend, ctx, world.officer, number, replace(change, reason=" "))
    bigger = replace(change, amount=before.amount * 11 // 10)
    assert contracting.amend(ctx, world.officer, number, bigger) == 2
    refused("amendment_pending", contracting.amend, ctx, world.officer, number, bigger)
    pending = contracting.get_contract(ctx, firm, number)
    assert pending.amount == before.amount and pending.ends_on == before.ends_on and pending.version == 1
    assert "변경물품구매계약서 (제1차)" in pdftext(contracting.version_pdf(ctx, firm, number, 2), tmp_path)
    contracting.sign(ctx, firm, number, 2)
    contracting.sign(ctx, world.officer, number, 2)
    after = contracting.get_contract(ctx, firm, number)
    assert after.amount == before.amount * 11 // 10 and after.ends_on == date(2027, 4, 30) and after.version == 2
    assert after.status is ContractStatus.SIGNED_BY_AGENCY
    ca = x509.load_pem_x509_certificate(contracting.ca_pem(ctx))
    assert all(c.trusted and c.intact for c in check(contracting.version_pdf(ctx, firm, number, 2), ca))
    with ctx.db.reading() as session:
        actions = session.scalars(
            text("SELECT action FROM audit_record WHERE entity_type = 'contract' ORDER BY id")
        ).all()
    assert actions == [
        "contract.draft",
        "contract.sign_supplier",
        "contract.sign_agency",
        "contract.amend",
        "contract.sign_supplier",
        "contract.sign_agency",
    ]


def test_signing_from_a_stale_browser_session_needs_a_fresh_passkey_check(ctx: AppContext, clock: OffsetClock) -> None:
    """Issue #6 point 3 and security.md AT-15: signing a contract is a decisive act."""
    world = make_world(ctx, firms=2)
    notice, _ = awarded(world, clock)
    number = contracting.draft(ctx, world.officer, notice, TERMS)
    firm = winner(world, ctx, number)
    strict = replace(ctx, step_up=StepUpPolicy.REQUIRED)
    email = {f.org_id: f"bid{i}@firm.kr" for i, f in enumerate(world.firms)}[firm.org_id]
    issued = identity.sign_in(ctx, email, PASSWORD, kind="browser", lifetime=timedelta(hours=8))
    browser = identity.resolve_session(ctx, issued.token, idle=None)
    assert browser is not None
    refused("step_up_required", contracting.sign, strict, browser, number, 1)
    device = SoftAuthenticator(RP.id, RP.origin)
    ceremony = passkeys.registration_options(ctx, firm, RP)
    passkeys.register_passkey(ctx, firm, RP, ceremony.challenge_id, json.dumps(device.create(ceremony.options)), "폰")
    check_in = passkeys.step_up_options(ctx, browser, RP)
    passkeys.step_up(ctx, browser, issued.token, RP, check_in.challenge_id, json.dumps(device.get(check_in.options)))
    fresh = identity.resolve_session(ctx, issued.token, idle=None)
    contracting.sign(strict, fresh, number, 1)
    assert contracting.get_contract(ctx, firm, number).status is ContractStatus.SIGNED_BY_SUPPLIER
    with ctx.db.reading() as session:
        acts = [e.detail["act"] for e in session.scalars(select(SecurityEvent).where(SecurityEvent.kind == "step_up"))]
    assert acts == ["contract_sign"]
