"""Passkeys through the use cases with a software authenticator: register several, sign in with one, user
verification required, single-use challenges, cloned authenticators refused (issue #6 point 2; security.md AT-15)."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import replace
from datetime import timedelta

import pytest
from sqlalchemy import select

from jangter.bidding.service import submit_bid
from jangter.identity import passkeys, service
from jangter.identity.domain.roles import Actor
from jangter.identity.security_log import SecurityEvent
from jangter.kernel.clock import OffsetClock
from jangter.kernel.context import AppContext, StepUpPolicy
from jangter.kernel.errors import DomainError
from tests.softkey import SoftAuthenticator, b64url
from tests.support import PASSWORD, make_world

RP = passkeys.RelyingParty(id="jangter.example", name="Jangter", origin="https://jangter.example")
HOURS = timedelta(hours=8)


def register(ctx: AppContext, actor: Actor, device: SoftAuthenticator, name: str = "노트북") -> None:
    ceremony = passkeys.registration_options(ctx, actor, RP)
    credential = device.create(ceremony.options)
    passkeys.register_passkey(ctx, actor, RP, ceremony.challenge_id, json.dumps(credential), name)


def sign_in(ctx: AppContext, device: SoftAuthenticator, origin: str | None = None) -> service.IssuedSession:
    ceremony = passkeys.authentication_options(ctx, RP)
    credential = device.get(ceremony.options, origin)
    return passkeys.sign_in_with_passkey(ctx, RP, ceremony.challenge_id, json.dumps(credential), lifetime=HOURS)


def refused(code: str, call: Callable[..., object], *args: object, **kwargs: object) -> None:
    with pytest.raises(DomainError) as exc:
        call(*args, **kwargs)
    assert exc.value.code == code


def test_a_person_registers_two_passkeys_and_signs_in_with_either(ctx: AppContext) -> None:
    world = make_world(ctx, firms=1)
    bidder = world.firms[0]
    laptop, phone = SoftAuthenticator(RP.id, RP.origin), SoftAuthenticator(RP.id, RP.origin)
    register(ctx, bidder, laptop, "사무실 노트북")
    register(ctx, bidder, phone, "휴대전화")
    assert [p.name for p in passkeys.list_passkeys(ctx, bidder)] == ["사무실 노트북", "휴대전화"]
    for device in (laptop, phone):
        issued = sign_in(ctx, device)
        assert issued.actor.person_id == bidder.person_id
        assert service.resolve_session(ctx, issued.token, idle=None) is not None
    sessions = service.list_sessions(ctx, bidder, None)
    assert [s.method for s in sessions] == ["passkey", "passkey"]
    assert passkeys.list_passkeys(ctx, bidder)[0].last_used_at is not None
    refused("passkey_already_registered", register, ctx, bidder, laptop)  # the same authenticator twice


def test_user_verification_is_required_at_registration_and_at_sign_in(ctx: AppContext) -> None:
    world = make_world(ctx, firms=1)
    unverified = SoftAuthenticator(RP.id, RP.origin, user_verified=False)
    refused("passkey_not_verified", register, ctx, world.firms[0], unverified)
    device = SoftAuthenticator(RP.id, RP.origin)
    register(ctx, world.firms[0], device)
    device.user_verified = False  # a touch without fingerprint, face or PIN
    refused("passkey_not_verified", sign_in, ctx, device)
    assert service.list_sessions(ctx, world.firms[0], None) == []


def test_challenges_are_single_use_bound_to_the_origin_and_expire(ctx: AppContext, clock: OffsetClock) -> None:
    world = make_world(ctx, firms=1)
    device = SoftAuthenticator(RP.id, RP.origin)
    register(ctx, world.firms[0], device)
    ceremony = passkeys.authentication_options(ctx, RP)
    credential = json.dumps(device.get(ceremony.options))
    passkeys.sign_in_with_passkey(ctx, RP, ceremony.challenge_id, credential, lifetime=HOURS)
    refused(  # a replayed assertion
        "passkey_challenge_invalid",
        passkeys.sign_in_with_passkey,
        ctx,
        RP,
        ceremony.challenge_id,
        credential,
        lifetime=HOURS,
    )
    refused("passkey_not_verified", sign_in, ctx, device, "https://phishing.example")  # another site's page
    ceremony = passkeys.authentication_options(ctx, RP)
    clock.set(clock.now() + passkeys.CHALLENGE_LIFETIME + timedelta(seconds=1))
    refused(
        "passkey_challenge_invalid",
        passkeys.sign_in_with_passkey,
        ctx,
        RP,
        ceremony.challenge_id,
        json.dumps(device.get(ceremony.options)),
        lifetime=HOURS,
    )


def test_a_cloned_authenticator_whose_counter_goes_back_is_refused(ctx: AppContext) -> None:
    world = make_world(ctx, firms=1)
    device = SoftAuthenticator(RP.id, RP.origin)
    register(ctx, world.firms[0], device)
    sign_in(ctx, device)
    sign_in(ctx, device)  # counter 2
    device.counter = 0  # the copy next signs with counter 1
    refused("passkey_not_verified", sign_in, ctx, device)


def test_a_registration_challenge_belongs_to_the_person_who_asked(ctx: AppContext) -> None:
    world = make_world(ctx, firms=2)
    device = SoftAuthenticator(RP.id, RP.origin)
    ceremony = passkeys.registration_options(ctx, world.firms[0], RP)
    credential = json.dumps(device.create(ceremony.options))
    refused(
        "passkey_challenge_invalid",
        passkeys.register_passkey,
        ctx,
        world.firms[1],
        RP,
        ceremony.challenge_id,
        credential,
        "남의 것",
    )


def test_only_the_owner_removes_a_passkey_and_a_removed_one_signs_nobody_in(ctx: AppContext) -> None:
    world = make_world(ctx, firms=2)
    device = SoftAuthenticator(RP.id, RP.origin)
    register(ctx, world.firms[0], device)
    [mine] = passkeys.list_passkeys(ctx, world.firms[0])
    refused("not_found", passkeys.remove_passkey, ctx, world.firms[1], mine.id)
    passkeys.remove_passkey(ctx, world.firms[0], mine.id)
    refused("passkey_not_verified", sign_in, ctx, device)


def test_sessions_are_listed_and_a_revoked_one_stops_working(ctx: AppContext) -> None:
    world = make_world(ctx, firms=1)
    email = "bid0@firm.kr"
    first = service.sign_in(ctx, email, PASSWORD, kind="browser", lifetime=HOURS, ip="10.0.0.1")
    second = service.sign_in(ctx, email, PASSWORD, kind="api", lifetime=HOURS)
    listed = service.list_sessions(ctx, world.firms[0], first.token)
    assert {s.kind for s in listed} == {"browser", "api"} and [s.current for s in listed].count(True) == 1
    target = next(s for s in listed if s.kind == "api")
    refused("not_found", service.revoke_session, ctx, world.firms[0], "0" * 16)
    service.revoke_session(ctx, world.firms[0], target.id)
    assert service.resolve_session(ctx, second.token, idle=None) is None
    assert service.resolve_session(ctx, first.token, idle=None) is not None


def browser_actor(ctx: AppContext, issued: service.IssuedSession) -> Actor:
    actor = service.resolve_session(ctx, issued.token, idle=None)
    assert actor is not None
    return actor


def test_a_bid_from_a_stale_session_needs_a_fresh_passkey_check(ctx: AppContext, clock: OffsetClock) -> None:
    """security.md AT-15: a session older than the step-up window re-verifies (koneps-rules §1.4: 30 minutes)."""
    world = make_world(ctx, firms=1)
    number = world.publish()
    device = SoftAuthenticator(RP.id, RP.origin)
    register(ctx, world.firms[0], device)
    password_session = service.sign_in(ctx, "bid0@firm.kr", PASSWORD, kind="browser", lifetime=HOURS)
    bidder = browser_actor(ctx, password_session)
    document = world.seal(number, 0, 90_000_000, (1, 2))
    refused("step_up_required", submit_bid, ctx, bidder, number, document)  # a password alone is not a step-up

    ceremony = passkeys.step_up_options(ctx, bidder, RP)
    passkeys.step_up(
        ctx, bidder, password_session.token, RP, ceremony.challenge_id, json.dumps(device.get(ceremony.options))
    )
    clock.set(clock.now() + timedelta(minutes=29))
    submit_bid(ctx, browser_actor(ctx, password_session), number, document)  # within 30 minutes

    other = world.publish()
    clock.set(clock.now() + timedelta(minutes=2))  # 31 minutes after the check: stale again
    refused(
        "step_up_required",
        submit_bid,
        ctx,
        browser_actor(ctx, password_session),
        other,
        world.seal(other, 0, 1, (1, 2)),
    )
    with ctx.db.reading() as session:
        kinds = [e.kind for e in session.scalars(select(SecurityEvent).order_by(SecurityEvent.id))]
    assert kinds == ["step_up", "step_up"]


def test_a_passkey_sign_in_counts_as_the_check_and_api_tokens_are_not_asked(ctx: AppContext) -> None:
    world = make_world(ctx, firms=1)
    number = world.publish()
    device = SoftAuthenticator(RP.id, RP.origin)
    register(ctx, world.firms[0], device)
    by_passkey = browser_actor(ctx, sign_in(ctx, device))
    assert by_passkey.verified_at is not None
    submit_bid(ctx, by_passkey, number, world.seal(number, 0, 90_000_000, (1, 2)))
    other = world.publish()
    api = service.sign_in(ctx, "bid0@firm.kr", PASSWORD, kind="api", lifetime=HOURS)
    submit_bid(ctx, browser_actor(ctx, api), other, world.seal(other, 0, 90_000_000, (1, 2)))  # signed by the firm key


def test_the_step_up_uses_only_the_persons_own_passkeys(ctx: AppContext) -> None:
    world = make_world(ctx, firms=2)
    mine, theirs = SoftAuthenticator(RP.id, RP.origin), SoftAuthenticator(RP.id, RP.origin)
    register(ctx, world.firms[0], mine)
    register(ctx, world.firms[1], theirs)
    issued = service.sign_in(ctx, "bid0@firm.kr", PASSWORD, kind="browser", lifetime=HOURS)
    ceremony = passkeys.step_up_options(ctx, world.firms[0], RP)
    credential = json.dumps(theirs.get(ceremony.options))  # a colleague's (or a broker's) finger
    refused(
        "passkey_not_verified",
        passkeys.step_up,
        ctx,
        world.firms[0],
        issued.token,
        RP,
        ceremony.challenge_id,
        credential,
    )
    assert browser_actor(ctx, issued).verified_at is None
    refused("passkey_required", passkeys.step_up_options, ctx, world.officer, RP)  # nothing to verify with


def test_policy_required_asks_everyone_and_off_asks_no_one(ctx: AppContext) -> None:
    world = make_world(ctx, firms=1)
    number = world.publish()
    issued = service.sign_in(ctx, "bid0@firm.kr", PASSWORD, kind="browser", lifetime=HOURS)
    bidder = browser_actor(ctx, issued)
    strict = replace(ctx, step_up=StepUpPolicy.REQUIRED)  # no passkey registered, yet asked
    refused("step_up_required", submit_bid, strict, bidder, number, world.seal(number, 0, 90_000_000, (1, 2)))
    relaxed = replace(ctx, step_up=StepUpPolicy.OFF)
    submit_bid(relaxed, bidder, number, world.seal(number, 0, 90_000_000, (1, 2)))


def test_the_bidder_signs_the_sealed_bid_itself_and_anyone_can_check_it_later(ctx: AppContext) -> None:
    """Issue #6 point 3: the passkey assertion's challenge is the sealed bid's hash, so the biometric step is also
    the bidder's signature on that bid; it counts as the step-up even from a stale session."""
    import base64
    import hashlib

    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import ec
    from webauthn.helpers import base64url_to_bytes, decode_credential_public_key, decoded_public_key_to_cryptography

    from jangter.bidding.orm import Bid
    from jangter.bidding.service import PersonSignature

    world = make_world(ctx, firms=2)
    strict = replace(ctx, step_up=StepUpPolicy.REQUIRED)
    device = SoftAuthenticator(RP.id, RP.origin)
    register(ctx, world.firms[0], device)
    _, bidder = browser(strict)
    number, other = world.publish(), world.publish()
    document = world.seal(number, 0, 90_000_000, (1, 2))
    digest = hashlib.sha256(base64.b64decode(document["ciphertext"])).digest()
    assertion = json.dumps(device.get({"challenge": b64url(digest)}))

    elsewhere = world.seal(other, 0, 91_000_000, (1, 2))  # the same signature on another bid is worthless
    refused(
        "bid_passkey_invalid",
        submit_bid,
        strict,
        bidder,
        other,
        elsewhere,
        person_signature=PersonSignature(RP, assertion),
    )
    stranger = SoftAuthenticator(RP.id, RP.origin)  # another person's passkey (a broker's finger)
    register(ctx, world.firms[1], stranger)
    foreign = json.dumps(stranger.get({"challenge": b64url(digest)}))
    refused(
        "bid_passkey_invalid",
        submit_bid,
        strict,
        bidder,
        number,
        document,
        person_signature=PersonSignature(RP, foreign),
    )

    receipt = submit_bid(strict, bidder, number, document, person_signature=PersonSignature(RP, assertion))
    assert receipt.person_signed
    with ctx.db.reading() as session:
        kept = session.scalars(select(Bid.person_signature).where(Bid.public_id == receipt.receipt_id)).one()
    assert kept is not None
    client_data = base64url_to_bytes(kept["client_data_json"])
    assert json.loads(client_data)["challenge"] == b64url(digest)  # it signed this very bid
    public_key = decoded_public_key_to_cryptography(
        decode_credential_public_key(base64url_to_bytes(kept["public_key"]))
    )
    assert isinstance(public_key, ec.EllipticCurvePublicKey)
    public_key.verify(
        base64url_to_bytes(kept["signature"]),
        base64url_to_bytes(kept["authenticator_data"]) + hashlib.sha256(client_data).digest(),
        ec.ECDSA(hashes.SHA256()),
    )


def browser(ctx: AppContext) -> tuple[str, Actor]:
    issued = service.sign_in(ctx, "bid0@firm.kr", PASSWORD, kind="browser", lifetime=HOURS)
    return issued.token, browser_actor(ctx, issued)


def test_opening_and_awarding_from_a_browser_need_a_fresh_check_too(ctx: AppContext, clock: OffsetClock) -> None:
    """Issue #6 point 3: presenting the opening and the award are decisive acts (the official's own session must be
    fresh, and each committee member shows a fresh check of their own)."""
    from jangter.evaluation.service import decide_award, open_bids
    from jangter.kernel.procurement import AwardMethod
    from tests.support import OPENING, actor_by_email

    world = make_world(ctx, firms=2)
    strict = replace(ctx, step_up=StepUpPolicy.REQUIRED)
    number = world.publish(award_method=AwardMethod.LOWEST_PRICE)
    for firm in range(2):
        world.bid(number, firm, 90_000_000 + firm * 100_000, (1 + firm, 5 + firm))
    clock.set(OPENING)
    issued = service.sign_in(ctx, "official@gov.kr", PASSWORD, kind="browser", lifetime=HOURS)
    official = browser_actor(ctx, issued)
    refused("step_up_required", open_bids, strict, official, number, world.committee[:3])
    device = SoftAuthenticator(RP.id, RP.origin)
    register(ctx, world.official, device)
    ceremony = passkeys.step_up_options(ctx, official, RP)
    passkeys.step_up(ctx, official, issued.token, RP, ceremony.challenge_id, json.dumps(device.get(ceremony.options)))
    members = []
    for member in world.committee[:3]:  # each member verifies with their own passkey (test_committee_presence)
        key = SoftAuthenticator(RP.id, RP.origin)
        register(ctx, actor_by_email(ctx, member.email), key)
        presence = passkeys.presence_options(ctx, RP, member.email, number)
        credential = json.dumps(key.get(presence.options))
        members.append(
            replace(member, proof=passkeys.verify_presence(ctx, RP, presence.challenge_id, credential, number))
        )
    open_bids(strict, browser_actor(ctx, issued), number, members)
    clock.set(clock.now() + timedelta(minutes=31))
    refused("step_up_required", decide_award, strict, browser_actor(ctx, issued), number)
    decide_award(strict, world.official, number)  # outside a browser session (a script): not asked
    with ctx.db.reading() as session:
        acts = [e.detail["act"] for e in session.scalars(select(SecurityEvent).where(SecurityEvent.kind == "step_up"))]
    assert acts == ["open", "award"]
