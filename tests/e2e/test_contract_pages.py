"""Contract pages over HTTP (issue #8 point 5): the agency drafts from the award, the firm and then the agency sign,
both read the PDF and the signature check, the agency amends; errors next to the field; strangers see nothing."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from fastapi.testclient import TestClient

from jangter.contracting import guarantees
from jangter.contracting import service as contracting
from jangter.guarantor.app import signed
from jangter.kernel.clock import OffsetClock
from jangter.kernel.context import AppContext
from jangter.kernel.procurement import BidBond, Category
from jangter.kernel.transfers import FileExport
from jangter.payments import service as payments
from jangter.payments import subcontracts
from tests.e2e.test_pages import csrf_of, error_next_to, sign_in
from tests.integration.test_payments import in_force
from tests.support import award_goods_notice, make_world, public_b64


def test_a_contract_goes_from_the_award_to_two_signatures_and_an_amendment_through_the_pages(
    client: TestClient, ctx: AppContext, clock: OffsetClock
) -> None:
    world = make_world(ctx, firms=2)
    notice = award_goods_notice(world, clock)
    sign_in(client, "officer@gov.kr")
    assert f'href="/agency/notices/{notice}/contract"' in client.get(f"/agency/notices/{notice}").text
    form = client.get(f"/agency/notices/{notice}/contract")
    assert form.status_code == 200 and "계약서 작성" in form.text
    bad = client.post(
        f"/agency/notices/{notice}/contract",
        data={"csrf": csrf_of(form.text), "starts_on": "2026-12-01", "ends_on": "2026-11-01", "deliverables": "x"},
    )
    assert bad.status_code == 422
    assert "계약 종료일이 시작일보다 빠릅니다" in error_next_to(bad.text, "ends_on")
    assert 'value="2026-12-01"' in bad.text  # nothing typed is lost
    made = client.post(
        f"/agency/notices/{notice}/contract",
        data={
            "csrf": csrf_of(form.text),
            "starts_on": "2026-12-01",
            "ends_on": "2027-03-31",
            "deliverables": "LED 조명기구 1,200개 납품 및 설치",
        },
        follow_redirects=False,
    )
    assert made.status_code == 303
    number = re.search(r"/contracts/(R\d\dTA\d{8})", made.headers["location"]).group(1)  # type: ignore[union-attr]
    page = client.get(made.headers["location"])
    assert "계약서를 만들었습니다" in page.text and "업체의 서명을 기다리고 있습니다" in page.text
    assert number in client.get("/contracts").text

    bids = client.get(f"/api/v1/notices/{notice}/results").json()[0]["bids"]
    firm_id = next(b["firm_id"] for b in bids if b["winner"])
    firm_email = {f.org_id: f"bid{i}@firm.kr" for i, f in enumerate(world.firms)}[firm_id]
    other_email = next(f"bid{i}@firm.kr" for i, f in enumerate(world.firms) if f.org_id != firm_id)
    client.cookies.clear()
    sign_in(client, other_email)
    assert client.get(f"/contracts/{number}").status_code == 404  # another firm: no such contract
    client.cookies.clear()
    sign_in(client, firm_email)
    page = client.get(f"/contracts/{number}")
    assert f'action="/contracts/{number}/versions/1/sign"' in page.text
    signed = client.post(f"/contracts/{number}/versions/1/sign", data={"csrf": csrf_of(page.text)})
    assert signed.status_code == 200 and "서명했습니다" in signed.text
    pdf = client.get(f"/contracts/{number}/versions/1/pdf")
    assert pdf.headers["content-type"] == "application/pdf" and pdf.content.startswith(b"%PDF")

    client.cookies.clear()
    sign_in(client, "officer@gov.kr")
    page = client.get(f"/contracts/{number}")
    signed = client.post(f"/contracts/{number}/versions/1/sign", data={"csrf": csrf_of(page.text)})
    assert "서명했습니다" in signed.text and "계약보증금(보증서)이 확인되면" in signed.text
    check = client.get(f"/contracts/{number}/versions/1/signatures")
    assert check.text.count("✔ 유효") == 2 and "✘" not in check.text

    no_reason = client.post(
        f"/contracts/{number}/amendments", data={"csrf": csrf_of(signed.text), "amount": "", "ends_on": "2027-04-30"}
    )
    assert no_reason.status_code == 422
    assert "변경 사유를 입력하십시오" in error_next_to(no_reason.text, "reason")
    english = client.post(
        f"/contracts/{number}/amendments?lang=en",
        data={"csrf": csrf_of(signed.text), "amount": "-5", "ends_on": "", "reason": "more lamps"},
    )
    assert "positive whole number of won" in error_next_to(english.text, "amount")
    amended = client.post(
        f"/contracts/{number}/amendments",
        data={"csrf": csrf_of(signed.text), "amount": "", "ends_on": "2027-04-30", "reason": "설치 일정 연장"},
    )
    assert amended.status_code == 200 and "변경계약서를 만들었습니다" in amended.text and "제2판" in amended.text


def test_the_firm_asks_for_a_guarantee_and_the_agency_rejects_it_with_a_reason_through_the_pages(
    client: TestClient, ctx: AppContext, clock: OffsetClock
) -> None:
    world = make_world(ctx, firms=2)
    notice = award_goods_notice(world, clock)
    number = contracting.draft(
        ctx, world.officer, notice, contracting.DraftTerms(date(2026, 12, 1), date(2027, 3, 31), "납품")
    )
    firm_id = contracting.get_contract(ctx, world.officer, number).firm_id
    firm_index = next(i for i, f in enumerate(world.firms) if f.org_id == firm_id)
    key = Ed25519PrivateKey.generate()
    new = guarantees.NewInstitution("서울보증보험(시험)", "104-81-00000", "http://127.0.0.1:9", public_b64(key))
    institution_id = guarantees.register_institution(ctx, world.operator, new)
    sign_in(client, f"bid{firm_index}@firm.kr")
    page = client.get(f"/contracts/{number}")
    assert "보증서 발급 요청" in page.text and "서울보증보험(시험)" in page.text
    asked = client.post(
        f"/contracts/{number}/guarantees",
        data={"csrf": csrf_of(page.text), "kind": "contract_deposit", "institution": str(institution_id)},
    )
    assert asked.status_code == 200 and "보증기관에 요청했습니다" in asked.text
    assert "보증기관 처리 대기" in asked.text and "보증기관에 요청을 전달하는 중입니다" in asked.text  # not sent yet
    [view] = guarantees.for_contract(ctx, world.firms[firm_index], number)
    message = {
        "type": "guarantee.issued",
        "request": view.reference,
        "reference": "GTR-1",
        "kind": "contract_deposit",
        "contract": number,
        "firm_business_number": world.firms[firm_index].org_business_number,
        "amount": view.amount_required,
        "valid_from": "2026-11-24",
        "valid_until": "2027-05-31",
    }
    assert client.post("/api/v1/guarantees/issued", json=signed(key, message)).status_code == 200
    client.cookies.clear()
    sign_in(client, "officer@gov.kr")
    page = client.get(f"/contracts/{number}")
    assert "발급됨 · 기관 확인 대기" in page.text
    no_reason = client.post(f"/guarantees/{view.reference}/reject", data={"csrf": csrf_of(page.text), "reason": ""})
    assert no_reason.status_code == 422
    assert "반려 사유를 입력하십시오" in no_reason.text and 'aria-describedby="reject-error-' in no_reason.text
    rejected = client.post(
        f"/guarantees/{view.reference}/reject", data={"csrf": csrf_of(page.text), "reason": "보증기간 부족"}
    )
    assert "보증서를 반려했습니다" in rejected.text and "보증기간 부족" in rejected.text


def test_delivery_inspection_claim_and_payment_through_the_pages(
    client: TestClient, ctx: AppContext, clock: OffsetClock, tmp_path: Path
) -> None:
    world, number, firm, _, _ = in_force(ctx, clock)
    app_ctx = client.app.state.ctx  # type: ignore[attr-defined]
    client.app.state.ctx = replace(app_ctx, transfers=FileExport(tmp_path))  # type: ignore[attr-defined]
    firm_email = {f.org_id: f"bid{i}@firm.kr" for i, f in enumerate(world.firms)}[firm.org_id]
    sign_in(client, firm_email)
    page = client.get(f"/contracts/{number}")
    assert "납품·준공 신고" in page.text and "대가 청구" in page.text
    reported = client.post(
        f"/contracts/{number}/deliveries", data={"csrf": csrf_of(page.text), "description": "1차분 600개", "final": ""}
    )
    assert "신고했습니다" in reported.text and "검사 대기" in reported.text
    client.cookies.clear()
    sign_in(client, "inspector@gov.kr")
    page = client.get(f"/contracts/{number}")
    no_reasons = client.post(
        f"/contracts/{number}/deliveries/1/inspection", data={"csrf": csrf_of(page.text), "passed": "no", "reasons": ""}
    )
    assert no_reasons.status_code == 422 and "불합격 사유를 입력하십시오" in error_next_to(no_reasons.text, "reasons")
    passed = client.post(
        f"/contracts/{number}/deliveries/1/inspection", data={"csrf": csrf_of(page.text), "passed": "yes"}
    )
    assert "검사 결과를 기록했습니다" in passed.text and "합격" in passed.text
    client.cookies.clear()
    sign_in(client, firm_email)
    page = client.get(f"/contracts/{number}")
    form = {
        "csrf": csrf_of(page.text),
        "kind": "progress",
        "delivery": "1",
        "amount": "11,000,000",
        "invoice_number": "20261201-41000000-00000001",
        "invoice_date": "2026-12-01",
        "supply": "10,000,000",
        "vat": "999,999",
    }
    bad = client.post(f"/contracts/{number}/claims", data=form)
    assert bad.status_code == 422 and "공급가액과 세액의 합" in bad.text and 'value="11,000,000"' in bad.text
    claimed = client.post(f"/contracts/{number}/claims", data=form | {"vat": "1,000,000"})
    assert "청구했습니다" in claimed.text and "지급 대기" in claimed.text
    client.cookies.clear()
    clock.advance(timedelta(days=6))  # koneps-rules §6: payment within 5 days of the claim
    sign_in(client, "finance@gov.kr")
    listed = client.get("/contracts")
    assert "기한이 지난 서명·검사·지급" in listed.text and "1일 경과" in listed.text
    page = client.get(f"/contracts/{number}")
    paid = client.post(f"/contracts/{number}/claims/1/pay", data={"csrf": csrf_of(page.text)})
    assert "지급을 명령했습니다" in paid.text and f"{number}-P001" in paid.text
    assert "기한이 지난" not in client.get("/contracts").text


def test_the_prime_registers_a_subcontract_splits_a_claim_and_the_subcontractor_sees_it(
    client: TestClient, ctx: AppContext, clock: OffsetClock, tmp_path: Path
) -> None:
    world, number, firm, inspector, _ = in_force(ctx, clock, firms=3)
    emails = {f.org_id: f"bid{i}@firm.kr" for i, f in enumerate(world.firms)}
    sub_firm = next(f for f in world.firms if f.org_id != firm.org_id)
    sign_in(client, emails[firm.org_id])
    page = client.get(f"/contracts/{number}")
    bad = client.post(
        f"/contracts/{number}/subcontracts",
        data={"csrf": csrf_of(page.text), "business_number": "123", "scope": "설치", "sub_amount": "5,000,000"},
    )
    assert bad.status_code == 422 and error_next_to(bad.text, "business_number")
    made = client.post(
        f"/contracts/{number}/subcontracts",
        data={
            "csrf": csrf_of(page.text),
            "business_number": sub_firm.org_business_number or "",
            "scope": "조명기구 설치",
            "sub_amount": "5,000,000",
            "direct_payment": "yes",
        },
    )
    assert (
        "하도급 계약을 등록했습니다" in made.text and f"{number}-S01" in made.text and "발주기관 직접지급" in made.text
    )
    seq = payments.report_delivery(ctx, firm, number, final=False, description="1차분")
    payments.inspect(ctx, inspector, number, seq, passed=True)
    page = client.get(f"/contracts/{number}")
    claimed = client.post(
        f"/contracts/{number}/claims",
        data={
            "csrf": csrf_of(page.text),
            "kind": "progress",
            "delivery": str(seq),
            "amount": "11,000,000",
            "invoice_number": "20261201-41000000-00000002",
            "invoice_date": "2026-12-01",
            "supply": "10,000,000",
            "vat": "1,000,000",
            f"share_{number}-S01": "3,000,000",
            "labour": "500,000",
        },
    )
    assert "청구했습니다" in claimed.text
    _, shares = subcontracts.for_contract(ctx, firm, number, date(2026, 12, 1))
    assert {(x.recipient.value, x.subcontract, x.amount) for x in shares} >= {
        ("subcontractor", f"{number}-S01", 3_000_000),
        ("labour", None, 500_000),
    }
    client.cookies.clear()
    sign_in(client, emails[sub_firm.org_id])
    mine = client.get("/my/subcontracts")
    assert f"{number}-S01" in mine.text and "조명기구 설치" in mine.text


def test_the_agency_terminates_a_contract_through_the_page_and_both_sides_see_why(
    client: TestClient, ctx: AppContext, clock: OffsetClock
) -> None:
    world, number, firm, _, _ = in_force(ctx, clock)
    sign_in(client, "officer@gov.kr")
    page = client.get(f"/contracts/{number}")
    assert f'action="/contracts/{number}/termination"' in page.text
    no_fault = client.post(f"/contracts/{number}/termination", data={"csrf": csrf_of(page.text), "reason": "불이행"})
    assert no_fault.status_code == 422 and "목록에서 선택하십시오" in error_next_to(no_fault.text, "fault")
    assert "불이행" in no_fault.text  # what was typed stays
    no_reason = client.post(
        f"/contracts/{number}/termination?lang=en",
        data={"csrf": csrf_of(page.text), "fault": "firm_fault", "reason": ""},
    )
    assert "Please give the reason" in error_next_to(no_reason.text, "termination_reason")
    done = client.post(
        f"/contracts/{number}/termination",
        data={"csrf": csrf_of(page.text), "fault": "firm_fault", "reason": "납품 기한 경과 후 이행 거부"},
    )
    assert done.status_code == 200 and "계약을 해지했습니다" in done.text
    # The deposit is claimed (시행령 §51); no advance was paid, so its guarantee is released.
    assert "계약상대자 귀책" in done.text and done.text.count("<td>보증금 청구") == 1 and "<td>해제" in done.text
    assert "보증기관 통지 대기" in done.text  # the worker has not told the institutions yet
    assert f'action="/contracts/{number}/termination"' not in done.text
    client.cookies.clear()
    firm_email = {f.org_id: f"bid{i}@firm.kr" for i, f in enumerate(world.firms)}[firm.org_id]
    sign_in(client, firm_email)
    seen = client.get(f"/contracts/{number}")
    assert "해지되었습니다" in seen.text and "납품 기한 경과 후 이행 거부" in seen.text
    assert "납품·준공 신고" not in seen.text  # nothing more is delivered


def test_a_works_contract_is_drafted_with_its_defect_work_type(
    client: TestClient, ctx: AppContext, clock: OffsetClock
) -> None:
    world = make_world(ctx, firms=2)
    notice = award_goods_notice(world, clock, Category.WORKS)
    sign_in(client, "officer@gov.kr")
    form = client.get(f"/agency/notices/{notice}/contract")
    assert 'name="defect_class"' in form.text and "도로·하천·상하수도 관로·일반 건축 등" in form.text
    data = {"csrf": csrf_of(form.text), "starts_on": "2026-12-01", "ends_on": "2027-06-30", "deliverables": "포장"}
    bad = client.post(f"/agency/notices/{notice}/contract", data=data | {"defect_class": "goods"})
    assert bad.status_code == 422 and "공종을 선택하십시오" in error_next_to(bad.text, "defect_class")
    made = client.post(f"/agency/notices/{notice}/contract", data=data | {"defect_class": "general"})
    assert "계약서를 만들었습니다" in made.text and "도로·하천·상하수도 관로·일반 건축 등" in made.text
    assert "업체 서명 기한" in made.text and "2026-11-21" in made.text  # award day + 10 days (koneps-rules §5, [U])


def test_the_bid_form_states_the_undertaking_or_asks_for_the_bid_bond_guarantee(
    client: TestClient, ctx: AppContext, clock: OffsetClock
) -> None:
    """koneps-rules §3.5: the bond as a payment undertaking (지급각서) or as a guarantee before the bid."""
    world = make_world(ctx, firms=1)
    plain = world.publish(title="청사 LED 조명 교체 구매")
    bonded = world.publish(title="청사 CCTV 교체 구매", bid_bond=BidBond.GUARANTEE)
    key = Ed25519PrivateKey.generate()
    new = guarantees.NewInstitution("서울보증보험(시험)", "104-81-00000", "http://127.0.0.1:9", public_b64(key))
    guarantees.register_institution(ctx, world.operator, new)
    assert "지급각서 (입찰 참가로 갈음)" in client.get(f"/notices/{plain}").text
    public = client.get(f"/notices/{bonded}").text
    assert "보증서 전자납부" in public and "5,100,000원" in public  # 5 % of ₩102,000,000 (base + 2 %)

    sign_in(client, "bid0@firm.kr")
    form = client.get(f"/notices/{plain}/bid")
    assert 'id="undertaking"' in form.text and "입찰금액의 5%를 입찰보증금으로 납부" in form.text
    form = client.get(f"/notices/{bonded}/bid")
    assert "입찰보증서가 접수되기 전에는 입찰할 수 없습니다" in form.text
    bad = client.post(f"/notices/{bonded}/bid-bond", data={"csrf": csrf_of(form.text), "institution": "x"})
    assert bad.status_code == 422 and error_next_to(bad.text, "institution")
    asked = client.post(
        f"/notices/{bonded}/bid-bond",
        data={"csrf": csrf_of(form.text), "institution": str(guarantees.institutions(ctx)[0].id)},
    )
    assert asked.status_code == 200 and "입찰보증서를 요청했습니다" in asked.text
    assert "보증기관 처리 대기" in asked.text and 'action="/notices/' + bonded + '/bid-bond"' not in asked.text

    client.cookies.clear()
    sign_in(client, "officer@gov.kr")
    draft_form = client.get("/agency/notices/new")
    assert 'name="bid_bond"' in draft_form.text and "보증서 전자납부" in draft_form.text
