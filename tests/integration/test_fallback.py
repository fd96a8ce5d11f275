"""The fallback path (koneps-rules §1.4: 예외적용, at most twice, 48 hours each; security.md AT-15: the fallback is
blocked once the limit is reached): an authenticator app (TOTP) and one-time recovery codes."""

from __future__ import annotations

from datetime import timedelta

import pyotp
import pytest
from sqlalchemy import select

from jangter.bidding.service import submit_bid
from jangter.identity import fallback, service
from jangter.identity.domain.roles import Actor
from jangter.identity.security_log import SecurityEvent
from jangter.kernel.clock import OffsetClock
from jangter.kernel.context import AppContext, StepUpPolicy
from jangter.kernel.errors import DomainError
from tests.support import PASSWORD, World, make_world

HOURS = timedelta(hours=72)  # long enough to outlive the 48-hour exception


def enrol(ctx: AppContext, actor: Actor, clock: OffsetClock) -> tuple[pyotp.TOTP, list[str]]:
    enrolment = fallback.start_enrolment(ctx, actor)
    assert enrolment.uri.startswith("otpauth://totp/") and "Jangter" in enrolment.uri
    totp = pyotp.TOTP(enrolment.secret)
    codes = fallback.confirm_enrolment(ctx, actor, totp.at(clock.now()))
    return totp, codes


def browser(ctx: AppContext) -> tuple[str, Actor]:
    issued = service.sign_in(ctx, "bid0@firm.kr", PASSWORD, kind="browser", lifetime=HOURS)
    actor = service.resolve_session(ctx, issued.token, idle=None)
    assert actor is not None
    return issued.token, actor


def strict(ctx: AppContext) -> AppContext:
    from dataclasses import replace

    return replace(ctx, step_up=StepUpPolicy.REQUIRED)


def fresh_bid(world: World, ctx: AppContext, token: str, number: str) -> None:
    actor = service.resolve_session(ctx, token, idle=None)
    assert actor is not None
    submit_bid(ctx, actor, number, world.seal(number, 0, 90_000_000, (1, 2)))


def test_a_code_from_the_app_stands_in_for_48_hours_and_only_twice(ctx: AppContext, clock: OffsetClock) -> None:
    world = make_world(ctx, firms=1)
    ctx = strict(ctx)
    notices = [world.publish() for _ in range(4)]
    token, bidder = browser(ctx)
    totp, codes = enrol(ctx, bidder, clock)
    assert len(codes) == 10 and len(set(codes)) == 10
    with pytest.raises(DomainError) as refused:
        fresh_bid(world, ctx, token, notices[0])
    assert refused.value.code == "step_up_required"

    clock.set(clock.now() + timedelta(minutes=1))
    until = fallback.fallback_step_up(ctx, bidder, token, totp.at(clock.now()))
    assert abs(until - (clock.now() + timedelta(hours=48))) < timedelta(seconds=5)  # identity.fallback_hours
    fresh_bid(world, ctx, token, notices[0])
    clock.set(clock.now() + timedelta(hours=47))
    fresh_bid(world, ctx, token, notices[1])  # still within the exception
    clock.set(clock.now() + timedelta(hours=2))
    with pytest.raises(DomainError) as refused:
        fresh_bid(world, ctx, token, notices[2])
    assert refused.value.code == "step_up_required"

    fallback.fallback_step_up(ctx, bidder, token, codes[0])  # the second use: a recovery code
    with pytest.raises(DomainError) as refused:  # the third: the limit (identity.fallback_max = 2)
        fallback.fallback_step_up(ctx, bidder, token, codes[1])
    assert refused.value.code == "fallback_limit_reached"
    status = fallback.status(ctx, bidder)
    assert (status.used, status.allowed, status.recovery_left) == (2, 2, 9)  # the refused code was not spent
    with ctx.db.reading() as session:
        logged = [(e.kind, e.outcome) for e in session.scalars(select(SecurityEvent).order_by(SecurityEvent.id))]
    assert logged.count(("fallback", "flagged")) == 2 and logged[-1] == ("fallback", "refused")


def test_wrong_reused_and_expired_codes_are_refused(ctx: AppContext, clock: OffsetClock) -> None:
    make_world(ctx, firms=1)
    token, bidder = browser(ctx)
    with pytest.raises(DomainError) as refused:
        fallback.fallback_step_up(ctx, bidder, token, "123456")
    assert refused.value.code == "otp_not_enrolled"
    totp, codes = enrol(ctx, bidder, clock)
    with pytest.raises(DomainError) as refused:  # the code that confirmed the enrolment is spent
        fallback.fallback_step_up(ctx, bidder, token, totp.at(clock.now()))
    assert refused.value.code == "otp_invalid"
    old = totp.at(clock.now() - timedelta(minutes=5))  # five minutes old: expired
    with pytest.raises(DomainError) as refused:
        fallback.fallback_step_up(ctx, bidder, token, old)
    assert refused.value.code == "otp_invalid"
    with pytest.raises(DomainError) as refused:
        fallback.fallback_step_up(ctx, bidder, token, "not-a-code")
    assert refused.value.code == "otp_invalid"
    clock.set(clock.now() + timedelta(minutes=1))
    fallback.fallback_step_up(ctx, bidder, token, codes[3].upper().replace("-", ""))  # typed without dashes
    with pytest.raises(DomainError) as refused:  # a recovery code is good once
        fallback.fallback_step_up(ctx, bidder, token, codes[3])
    assert refused.value.code == "otp_invalid"
    with pytest.raises(DomainError) as refused:  # enrolled: a second enrolment is refused
        fallback.start_enrolment(ctx, bidder)
    assert refused.value.code == "otp_enrolled"


def test_the_app_secret_is_sealed_at_rest_and_an_older_bare_secret_still_works(
    ctx: AppContext, clock: OffsetClock
) -> None:
    from jangter.identity.orm import TotpSecret

    world = make_world(ctx, firms=1)
    bidder = world.firms[0]
    enrolment = fallback.start_enrolment(ctx, bidder)
    with ctx.db.reading() as session:
        row = session.get(TotpSecret, bidder.person_id)
        assert row is not None
        stored = row.secret
    assert stored.startswith("v1:") and enrolment.secret not in stored
    totp = pyotp.TOTP(enrolment.secret)
    fallback.confirm_enrolment(ctx, bidder, totp.at(clock.now()))
    with ctx.uow() as uow:  # a secret stored bare, before sealing existed
        legacy = uow.session.get(TotpSecret, bidder.person_id)
        assert legacy is not None
        legacy.secret = enrolment.secret
        uow.commit()
    token, actor = browser(ctx)
    clock.advance(timedelta(seconds=30))
    fallback.fallback_step_up(ctx, actor, token, totp.at(clock.now()))
    assert fallback.status(ctx, actor).used == 1
