"""Bid bonds (입찰보증금, issue #8 point 2; koneps-rules §3.5 and §5).

A notice takes the bond as a payment undertaking (지급각서: bidding is the promise, where the rule set allows it) or
as an institution's guarantee that must reach Jangter before the firm bids. The guarantee is asked on the top of
the reserve price's range so the sealed amount stays sealed ([U] docs/rules.md), confirmed by the system when it
arrives, released once the tender has moved on (losers at the award, the winner once it signs, everyone when the
tender fails), and claimed — or, under an undertaking, owed — when the winner never signs.
"""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlalchemy import select

from jangter.contracting import closing, guarantees
from jangter.contracting import service as contracting
from jangter.contracting.domain.guarantee import ContractEnd, GuaranteeKind, GuaranteeStatus
from jangter.guarantor.app import signed
from jangter.identity.domain.roles import Actor
from jangter.kernel.calendar import seoul_date
from jangter.kernel.clock import OffsetClock
from jangter.kernel.context import AppContext
from jangter.kernel.errors import DomainError
from jangter.kernel.procurement import BidBond
from jangter.notifications.calls import OutboxCall
from jangter.notifications.outbox import OutboxMail
from jangter.tendering import queries
from tests.integration.test_payments import TERMS
from tests.support import OPENING, World, make_world, public_b64


def refused(code: str, call: object, *args: object, **kwargs: object) -> None:
    with pytest.raises(DomainError) as exc:
        call(*args, **kwargs)  # type: ignore[operator]
    assert exc.value.code == code, exc.value


def issue(ctx: AppContext, key: Ed25519PrivateKey, reference: str, number: str, firm: Actor, amount: int) -> None:
    """The institution's signed message, as `jangter guarantor` sends it."""
    message = {
        "type": "guarantee.issued",
        "request": reference,
        "reference": f"GTR-{reference}",
        "kind": "bid_bond",
        "contract": number,
        "firm_business_number": firm.org_business_number,
        "amount": amount,
        "valid_from": "2026-11-02",
        "valid_until": "2027-01-31",
    }
    guarantees.receive_issued(ctx, signed(key, message))


def bonded_world(ctx: AppContext) -> tuple[World, str, int, Ed25519PrivateKey]:
    world = make_world(ctx, firms=3)
    key = Ed25519PrivateKey.generate()
    new = guarantees.NewInstitution("서울보증보험(시험)", "104-81-00000", "http://127.0.0.1:9", public_b64(key))
    institution = guarantees.register_institution(ctx, world.operator, new)
    number = world.publish(title="청사 LED 조명 교체 구매", bid_bond=BidBond.GUARANTEE)
    return world, number, institution, key


def bond_of(ctx: AppContext, firm: Actor, number: str) -> guarantees.GuaranteeView:
    [view] = guarantees.bid_bonds_of(ctx, firm, number)
    return view


def test_a_guarantee_notice_takes_bids_only_from_firms_whose_bid_bond_has_arrived(
    ctx: AppContext, clock: OffsetClock
) -> None:
    world, number, institution, key = bonded_world(ctx)
    detail = queries.get_notice(ctx, number, None)
    # koneps-rules §3.5: 5 % of the bid; asked on the top of the ±2 % range of the ₩100,000,000 base: ₩102,000,000
    assert detail.bid_bond is BidBond.GUARANTEE and detail.bid_bond_guarantee is not None
    assert detail.bid_bond_guarantee.value == 5_100_000
    refused("bid_bond_required", world.bid, number, 0, 89_100_000, (1, 5))

    firm = world.firms[0]
    refused("role_required", guarantees.request_bid_bond, ctx, world.officer, number, institution)
    reference = guarantees.request_bid_bond(ctx, firm, number, institution)
    refused("guarantee_open", guarantees.request_bid_bond, ctx, firm, number, institution)
    view = bond_of(ctx, firm, number)
    assert (view.kind, view.status, view.amount_required) == (
        GuaranteeKind.BID_BOND,
        GuaranteeStatus.REQUESTED,
        5_100_000,
    )
    with ctx.db.reading() as session:
        call = session.scalars(select(OutboxCall).where(OutboxCall.key == f"guarantee-request:{reference}")).one()
    message = json.loads(call.body)["message"]
    assert message["contract"] == number and message["kind"] == "bid_bond"
    assert message["cover_until"] == (seoul_date(OPENING) + timedelta(days=30)).isoformat()  # [U] 30 days
    refused("bid_bond_required", world.bid, number, 0, 89_100_000, (1, 5))  # asked is not enough

    with pytest.raises(DomainError) as short:
        issue(ctx, key, reference, number, firm, 5_099_999)
    assert short.value.code == "guarantee_mismatch"
    issue(ctx, key, reference, number, firm, 5_100_000)
    assert bond_of(ctx, firm, number).status is GuaranteeStatus.ACCEPTED  # confirmed by the system (§5)
    refused("bid_bond_confirmed_by_system", guarantees.decide, ctx, world.officer, reference, True)
    world.bid(number, 0, 89_100_000, (1, 5))
    assert [v.reference for v in guarantees.bid_bonds_of(ctx, world.officer, number)] == [reference]
    assert guarantees.bid_bonds_of(ctx, world.firms[1], number) == []  # another firm sees only its own


def test_bid_bonds_are_released_when_the_tender_moves_on_and_the_winners_is_claimed_when_it_never_signs(
    ctx: AppContext, clock: OffsetClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    world, number, institution, key = bonded_world(ctx)
    references = {}
    for i, amount in ((1, 88_700_000), (0, 89_100_000)):  # the lower bid (the winner) asks first: the lower id
        firm = world.firms[i]
        references[i] = guarantees.request_bid_bond(ctx, firm, number, institution)
        issue(ctx, key, references[i], number, firm, 5_100_000)
        world.bid(number, i, amount, (1 + i, 5 + i))
    clock.set(OPENING)
    world.open(number)
    assert guarantees.release_bid_bonds(ctx) == 0  # opened, not yet awarded: both still answer
    world.award(number)
    contract = contracting.draft(ctx, world.officer, number, TERMS)
    view = contracting.get_contract(ctx, world.officer, number=contract)
    winner = next(i for i, f in enumerate(world.firms) if f.org_id == view.firm_id)
    loser = 1 - winner
    assert references[winner] < references[loser]
    monkeypatch.setattr(guarantees, "BATCH", 1)  # the winner's bond, still held, fills the first batch alone
    assert guarantees.release_bid_bonds(ctx) == 1
    assert bond_of(ctx, world.firms[loser], number).status is GuaranteeStatus.RELEASED
    assert bond_of(ctx, world.firms[winner], number).status is GuaranteeStatus.ACCEPTED

    clock.set(clock.now() + timedelta(days=11))  # the winner let the signing deadline pass
    closing.terminate(ctx, world.officer, contract, ContractEnd.TERMINATED_FIRM_FAULT, "계약 체결 기한 경과")
    claimed = bond_of(ctx, world.firms[winner], number)
    assert claimed.status is GuaranteeStatus.CLAIMED
    with ctx.db.reading() as session:
        call = session.scalars(
            select(OutboxCall).where(OutboxCall.key == f"guarantee-claimed:{claimed.reference}")
        ).one()
    # 5 % of the winning bid, rounded up to the won, within the guarantee
    assert json.loads(call.body)["message"]["amount"] == -(-view.amount * 5 // 100)
    assert contracting.get_contract(ctx, world.officer, contract).bid_bond_forfeit is None  # claimed, not owed
    assert guarantees.release_bid_bonds(ctx) == 0


def test_a_winner_that_never_signs_owes_the_bond_of_its_payment_undertaking(
    ctx: AppContext, clock: OffsetClock
) -> None:
    world = make_world(ctx, firms=2)
    number = world.publish(title="청사 LED 조명 교체 구매")  # the default: 지급각서
    assert queries.get_notice(ctx, number, None).bid_bond is BidBond.UNDERTAKING
    world.bid(number, 0, 89_100_000, (1, 5))
    world.bid(number, 1, 88_700_000, (2, 6))
    clock.set(OPENING)
    world.open(number)
    world.award(number)
    contract = contracting.draft(ctx, world.officer, number, TERMS)
    view = contracting.get_contract(ctx, world.officer, contract)
    closing.terminate(ctx, world.officer, contract, ContractEnd.TERMINATED_FIRM_FAULT, "계약 체결 거부")
    owed = -(-view.amount * 5 // 100)  # koneps-rules §3.5: 5 % of the bid
    assert contracting.get_contract(ctx, world.officer, contract).bid_bond_forfeit == owed
    with ctx.db.reading() as session:
        [mail] = session.scalars(select(OutboxMail).where(OutboxMail.key.startswith("contract-terminated:"))).all()
    assert f"₩{owed:,}" in mail.body and "지급각서" in mail.body


def test_a_firm_that_signed_is_never_charged_its_bid_bond(ctx: AppContext, clock: OffsetClock) -> None:
    world, number, institution, key = bonded_world(ctx)
    for i, amount in ((0, 89_100_000), (1, 88_700_000)):
        reference = guarantees.request_bid_bond(ctx, world.firms[i], number, institution)
        issue(ctx, key, reference, number, world.firms[i], 5_100_000)
        world.bid(number, i, amount, (1 + i, 5 + i))
    clock.set(OPENING)
    world.open(number)
    world.award(number)
    contract = contracting.draft(ctx, world.officer, number, TERMS)
    firm = next(f for f in world.firms if f.org_id == contracting.get_contract(ctx, world.officer, contract).firm_id)
    contracting.sign(ctx, firm, contract, 1)
    assert guarantees.release_bid_bonds(ctx) == 2  # the loser's, and the winner's now that it has signed
    closing.terminate(ctx, world.officer, contract, ContractEnd.TERMINATED_FIRM_FAULT, "착수 거부")
    assert bond_of(ctx, firm, number).status is GuaranteeStatus.RELEASED
    assert contracting.get_contract(ctx, firm, contract).bid_bond_forfeit is None
