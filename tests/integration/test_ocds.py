"""OCDS from the records of a process: nothing sealed before the opening, the contract's releases, and validity."""

import json
from datetime import date, timedelta
from pathlib import Path

from sqlalchemy import select

from jangter.contracting.orm import Contract, ContractVersion, Guarantee
from jangter.identity.orm import Organisation
from jangter.kernel.clock import OffsetClock
from jangter.kernel.context import AppContext
from jangter.opendata.ocds import packages, records
from jangter.opendata.ocds.releases import releases
from jangter.payments.orm import PaymentClaim
from jangter.tendering import service as tendering
from tests.ocds_check import validate_document
from tests.support import OPENING, award_goods_notice, insert_contract, make_world


def test_nothing_of_a_bid_is_published_before_the_opening_and_everything_public_after(
    ctx: AppContext, clock: OffsetClock, tmp_path: Path
) -> None:
    world = make_world(ctx, firms=2)
    number = world.publish()
    world.bid(number, 0, 91_234_567, (3, 11))
    world.bid(number, 1, 90_765_432, (4, 12))
    firms = {f.org_business_number or "" for f in world.firms}
    with ctx.db.reading() as session:
        names = set(session.scalars(select(Organisation.name).where(Organisation.kind == "supplier")))

    before = records.record(releases(ctx, number))
    text = json.dumps(before, ensure_ascii=False)
    assert "bids" not in before["compiledRelease"]
    for secret in ("91234567", "90765432", "picks", "tenderer", "validBids", *firms, *names):
        assert secret not in text, secret
    assert [r["tag"] for r in before["releases"]] == [["planning"], ["tender"]]

    clock.set(OPENING + timedelta(minutes=5))  # the deadline has passed: still sealed until the committee opens
    assert json.dumps(records.record(releases(ctx, number)), ensure_ascii=False) == text

    world.open(number)
    after = records.record(releases(ctx, number))
    compiled = after["compiledRelease"]
    amounts = {d["value"]["amount"] for d in compiled["bids"]["details"]}
    assert amounts == {91_234_567, 90_765_432}
    assert {tuple(d["picks"]) for d in compiled["bids"]["details"]} == {(3, 11), (4, 12)}
    assert {p["identifier"]["id"] for p in compiled["parties"] if "tenderer" in p["roles"]} == firms
    assert len(compiled["tender"]["preliminaryPrices"]["prices"]) == 15
    assert compiled["tender"]["reservePrice"]["currency"] == "KRW"
    ok, output = validate_document(packages.record_package(ctx, [after], "http://testserver/r"), tmp_path / "r.json")
    assert ok, output


def test_an_amendment_and_a_cancellation_are_releases_with_their_reasons(ctx: AppContext, tmp_path: Path) -> None:
    world = make_world(ctx, firms=1)
    number = world.publish()
    tendering.amend(ctx, world.officer, number, {"title": "정정된 제목"}, "오타 정정")
    tendering.cancel(ctx, world.officer, number, "예산 삭감")
    items = releases(ctx, number)
    assert [r["tag"] for r in items] == [["planning"], ["tender"], ["tenderAmendment"], ["tenderCancellation"]]
    assert items[2]["tender"]["amendments"] == [{"id": "001", "date": items[2]["date"], "rationale": "오타 정정"}]
    compiled = records.compile_releases(items)
    assert compiled["tender"]["title"] == "정정된 제목"
    assert compiled["tender"]["status"] == "cancelled"
    assert compiled["tender"]["cancellationReason"] == "예산 삭감"
    assert len({r["id"] for r in items}) == len(items)
    assert items == releases(ctx, number)  # rebuilt the same
    ok, output = validate_document(packages.release_package(ctx, items, "http://testserver/p"), tmp_path / "p.json")
    assert ok, output


def test_the_contract_its_guarantee_and_its_payments_follow_the_award(
    ctx: AppContext, clock: OffsetClock, tmp_path: Path
) -> None:
    world = make_world(ctx, firms=2)
    number = award_goods_notice(world, clock)
    contract_number = insert_contract(ctx, number, world.officer, world.firms[1].org_id, amount=88_700_000)
    assert [r["tag"] for r in releases(ctx, number)][-1] == ["award"]  # drafted: not public yet

    now = ctx.clock.now()
    with ctx.uow() as uow:
        contract = uow.session.scalars(select(Contract).where(Contract.number == contract_number)).one()
        version = uow.session.scalars(select(ContractVersion).where(ContractVersion.contract_id == contract.id)).one()
        version.supplier_signed_at = now + timedelta(hours=1)
        assert [r["tag"] for r in releases(ctx, number)][-1] == ["award"]  # one signature is not a contract
        version.agency_signed_at = now + timedelta(hours=2)
        contract.status, contract.version = "active", 1
        institution = Organisation(
            kind="guarantor", name="건설공제조합", registration_status="approved", created_at=now, updated_at=now
        )
        uow.session.add(institution)
        uow.session.flush()
        uow.session.add(
            Guarantee(
                reference="G26-000001",
                kind="contract_deposit",
                contract_id=contract.id,
                firm_id=contract.firm_id,
                agency_id=contract.agency_id,
                institution_id=institution.id,
                amount_required=8_870_000,
                cover_until=date(2027, 3, 31),
                status="accepted",
                requested_at=now + timedelta(hours=3),
                requested_by=world.firms[1].person_id,
                amount=8_870_000,
                valid_from=date(2026, 12, 1),
                valid_until=date(2027, 3, 31),
                issued_at=now + timedelta(hours=4),
                decided_at=now + timedelta(hours=5),
                decided_by=world.officer.person_id,
            )
        )
        uow.session.add(
            PaymentClaim(
                contract_id=contract.id,
                seq=1,
                kind="final",
                gross=88_700_000,
                advance_returned=0,
                net=88_700_000,
                invoice_number="20261201-00000001-00000001",
                invoice_issued_on=date(2026, 12, 1),
                supply_amount=80_636_364,
                vat=8_063_636,
                claimed_at=now + timedelta(days=1),
                claimed_by=world.firms[1].person_id,
                payment_due=date(2026, 12, 10),
                status="paid",
                paid_at=now + timedelta(days=2),
                paid_by=world.officer.person_id,
            )
        )
        contract.status = "completed"
        uow.commit()

    items = releases(ctx, number)
    assert [r["tag"] for r in items][-3:] == [["contract"], ["contractUpdate"], ["implementation", "contractUpdate"]]
    compiled = records.compile_releases(items)
    (block,) = compiled["contracts"]
    assert block["awardID"] == compiled["awards"][0]["id"]
    assert block["value"] == {"amount": 88_700_000, "currency": "KRW"}
    assert block["status"] == "terminated"
    assert block["guarantees"][0]["obligations"] == "fulfillment"
    (payment,) = block["implementation"]["transactions"]
    assert payment["value"]["amount"] == 88_700_000
    assert {p["name"]: p["roles"] for p in compiled["parties"]}["건설공제조합"] == ["guarantor"]
    text = json.dumps(items, ensure_ascii=False)
    assert "20261201-00000001-00000001" not in text  # the tax invoice is not published
    ok, output = validate_document(packages.release_package(ctx, items, "http://testserver/p"), tmp_path / "p.json")
    assert ok, output


def test_the_validator_refuses_what_jangters_extension_forbids(ctx: AppContext, tmp_path: Path) -> None:
    """The check can fail: a rank that is not an integer breaks only Jangter's own extension schema."""
    world = make_world(ctx, firms=1)
    items = releases(ctx, world.publish())
    items[-1]["bids"] = {"details": [{"id": "1-x", "rank": "first"}]}
    ok, output = validate_document(packages.release_package(ctx, items, "http://testserver/p"), tmp_path / "p.json")
    assert not ok
    assert "rank" in output


def test_changed_processes_are_those_with_a_release_since(ctx: AppContext, clock: OffsetClock) -> None:
    world = make_world(ctx, firms=1)
    first = world.publish()
    since = ctx.clock.now() + timedelta(minutes=1)
    clock.set(since + timedelta(minutes=1))
    second = world.publish()
    assert packages.changed_processes(ctx, since) == [f"{ctx.ocid_prefix}-{second}"]
    tendering.cancel(ctx, world.officer, first, "취소")
    assert set(packages.changed_processes(ctx, since)) == {f"{ctx.ocid_prefix}-{first}", f"{ctx.ocid_prefix}-{second}"}
