"""Presenting an opening share is a decisive act (issue #6 point 3; security.md AT-15): from a browser, each
committee member shows a fresh check of their own, with their passkey within identity.step_up_minutes, or a code
from their authenticator app as a counted fallback (koneps-rules §1.4)."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import timedelta

import pyotp
import pytest
from sqlalchemy import select

from jangter.bidding.orm import Bid
from jangter.evaluation import service as evaluation
from jangter.identity import fallback, passkeys
from jangter.identity.domain.roles import Actor
from jangter.identity.security_log import SecurityEvent
from jangter.kernel.clock import OffsetClock
from jangter.kernel.context import AppContext, StepUpPolicy
from jangter.kernel.errors import DomainError
from tests.integration.test_passkeys import RP, register
from tests.softkey import SoftAuthenticator
from tests.support import OPENING, World, actor_by_email, make_world


def setting(ctx: AppContext, clock: OffsetClock) -> tuple[AppContext, World, str, Actor]:
    ctx = replace(ctx, step_up=StepUpPolicy.REQUIRED)
    world = make_world(ctx, firms=2)
    number = world.publish()
    world.bid(number, 0, 90_000_000, (1, 2))
    world.bid(number, 1, 91_000_000, (2, 3))
    clock.set(OPENING)
    official = replace(world.official, session_kind="browser", verified_at=clock.now())
    return ctx, world, number, official


def devices(ctx: AppContext, world: World) -> list[SoftAuthenticator]:
    out = []
    for credential in world.committee[:3]:
        device = SoftAuthenticator(RP.id, RP.origin)
        register(ctx, actor_by_email(ctx, credential.email), device)
        out.append(device)
    return out


def proof(ctx: AppContext, email: str, device: SoftAuthenticator, number: str) -> str:
    ceremony = passkeys.presence_options(ctx, RP, email, number)
    return passkeys.verify_presence(ctx, RP, ceremony.challenge_id, json.dumps(device.get(ceremony.options)), number)


def sealed(ctx: AppContext) -> bool:
    with ctx.db.reading() as session:
        return all(b.amount is None for b in session.scalars(select(Bid)))


def refusals(ctx: AppContext) -> list[tuple[str, str, object]]:
    with ctx.db.reading() as session:
        rows = session.scalars(select(SecurityEvent).order_by(SecurityEvent.id)).all()
        return [(e.kind, e.outcome, e.detail.get("act")) for e in rows]


def test_members_without_a_fresh_check_of_their_own_open_nothing(ctx: AppContext, clock: OffsetClock) -> None:
    ctx, world, number, official = setting(ctx, clock)
    with pytest.raises(DomainError) as refused:
        evaluation.open_bids(ctx, official, number, world.committee[:3])
    assert (refused.value.code, refused.value.status) == ("member_step_up_required", 403)
    assert "개찰위원0" in refused.value.message_ko
    assert sealed(ctx)
    assert refusals(ctx) == [("step_up", "refused", "committee_share")]


def test_each_member_verifies_with_their_own_passkey_and_the_bids_open(ctx: AppContext, clock: OffsetClock) -> None:
    ctx, world, number, official = setting(ctx, clock)
    keys = devices(ctx, world)
    members = world.committee[:3]
    proofs = [proof(ctx, m.email, d, number) for m, d in zip(members, keys, strict=True)]
    # A member's proof does not stand for another member, nor for another notice; a forged one stands for nobody.
    swapped = [
        replace(members[0], proof=proofs[1]),
        *[replace(m, proof=p) for m, p in zip(members[1:], proofs[1:], strict=True)],
    ]
    other_notice = proof(ctx, members[0].email, keys[0], "R26BK99999999")
    forged = proofs[0][:-1] + ("0" if proofs[0][-1] != "0" else "1")
    for first in (swapped[0], replace(members[0], proof=other_notice), replace(members[0], proof=forged)):
        with pytest.raises(DomainError) as refused:
            evaluation.open_bids(ctx, official, number, [first, *swapped[1:]])
        assert refused.value.code == "member_step_up_required"
    assert sealed(ctx)
    # Another member's passkey cannot make a member's proof.
    ceremony = passkeys.presence_options(ctx, RP, members[0].email, number)
    with pytest.raises(DomainError) as wrong_key:
        passkeys.verify_presence(ctx, RP, ceremony.challenge_id, json.dumps(keys[1].get(ceremony.options)), number)
    assert wrong_key.value.code == "passkey_not_verified"
    evaluation.open_bids(ctx, official, number, [replace(m, proof=p) for m, p in zip(members, proofs, strict=True)])
    assert not sealed(ctx)


def test_a_proof_older_than_the_window_is_stale(ctx: AppContext, clock: OffsetClock) -> None:
    ctx, world, number, official = setting(ctx, clock)
    keys = devices(ctx, world)
    members = world.committee[:3]
    proofs = [proof(ctx, m.email, d, number) for m, d in zip(members, keys, strict=True)]
    clock.advance(timedelta(minutes=31))  # identity.step_up_minutes = 30
    official = replace(official, verified_at=clock.now())
    with pytest.raises(DomainError) as refused:
        evaluation.open_bids(ctx, official, number, [replace(m, proof=p) for m, p in zip(members, proofs, strict=True)])
    assert refused.value.code == "member_step_up_required"
    with ctx.db.reading() as session:
        event = session.scalars(select(SecurityEvent).where(SecurityEvent.kind == "step_up")).one()
    assert event.detail["stale"] is True and event.subject == number


def test_a_member_without_a_passkey_uses_the_authenticator_app_and_it_counts_as_a_fallback(
    ctx: AppContext, clock: OffsetClock
) -> None:
    ctx, world, number, official = setting(ctx, clock)
    apps = []
    for credential in world.committee[:3]:
        member = actor_by_email(ctx, credential.email)
        totp = pyotp.TOTP(fallback.start_enrolment(ctx, member).secret)
        fallback.confirm_enrolment(ctx, member, totp.at(clock.now() - timedelta(seconds=30)))
        apps.append(totp)
    members = [replace(c, code=app.at(clock.now())) for c, app in zip(world.committee[:3], apps, strict=True)]
    with pytest.raises(DomainError) as refused:
        evaluation.open_bids(ctx, official, number, [replace(members[0], code="000000"), *members[1:]])
    assert refused.value.code == "otp_invalid"
    assert sealed(ctx)
    evaluation.open_bids(ctx, official, number, members)
    assert not sealed(ctx)
    assert fallback.status(ctx, actor_by_email(ctx, members[0].email)).used == 1
    with ctx.db.reading() as session:
        flagged = session.scalars(
            select(SecurityEvent).where(SecurityEvent.kind == "fallback", SecurityEvent.outcome == "flagged")
        ).all()
    assert len(flagged) == 3
    assert {e.detail["act"] for e in flagged} == {"committee_share"} and {e.subject for e in flagged} == {number}


def test_scripts_and_machine_clients_are_not_asked(ctx: AppContext, clock: OffsetClock) -> None:
    """The API's opening carries no browser ceremony: the bid official's token was issued for it (ADR 0006)."""
    ctx, world, number, _ = setting(ctx, clock)
    evaluation.open_bids(ctx, replace(world.official, session_kind="api"), number, world.committee[:3])
    assert not sealed(ctx)
