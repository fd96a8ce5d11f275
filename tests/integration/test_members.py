"""A firm's members (issue #6 point 1): the company administrator invites by e-mail and gives roles, the colleague
joins with their own password, members leave or are removed, every step audited."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from jangter.identity import members, service
from jangter.identity.domain.roles import Role
from jangter.kernel.audit import AuditRecord
from jangter.kernel.clock import OffsetClock
from jangter.kernel.context import AppContext
from jangter.kernel.errors import DomainError
from jangter.notifications.outbox import OutboxMail
from tests.support import PASSWORD, make_world

BASE = "https://jangter.example"


def token_of(link: str) -> str:
    return link.rsplit("/", 1)[1]


def test_an_invited_colleague_joins_with_their_own_password_and_can_bid(ctx: AppContext) -> None:
    world = make_world(ctx, firms=1)
    admin = world.firms[0]
    link = members.invite(ctx, admin, admin.org_id, "Colleague@Firm.kr", frozenset({Role.BIDDER}), BASE)
    assert link.startswith(f"{BASE}/invitations/")
    with ctx.db.reading() as session:
        [mail] = session.scalars(select(OutboxMail).where(OutboxMail.to_addr == "colleague@firm.kr")).all()
    assert link in mail.body and admin.org_name in mail.subject
    view = members.invitation(ctx, token_of(link))
    assert (view.email, view.roles) == ("colleague@firm.kr", (Role.BIDDER,))
    person_id = members.accept(ctx, token_of(link), "새 동료", PASSWORD)
    colleague = service.actor_of_person(ctx, person_id)
    assert colleague.org_id == admin.org_id and colleague.roles == frozenset({Role.BIDDER})
    number = world.publish()
    from jangter.bidding.service import submit_bid

    submit_bid(ctx, colleague, number, world.seal(number, 0, 90_000_000, (1, 2)))  # bids for the firm
    with pytest.raises(DomainError) as refused:  # the link is spent
        members.accept(ctx, token_of(link), "또", PASSWORD)
    assert refused.value.code == "invitation_invalid"
    listed = {m.email: m.roles for m in members.list_members(ctx, admin, admin.org_id)}
    assert listed["colleague@firm.kr"] == (Role.BIDDER,)
    with ctx.db.reading() as session:
        actions = session.scalars(select(AuditRecord.action).where(AuditRecord.action.like("member.%"))).all()
    assert sorted(actions) == ["member.invite", "member.join"]


def test_invitations_expire_and_are_checked(ctx: AppContext, clock: OffsetClock) -> None:
    world = make_world(ctx, firms=2)
    admin = world.firms[0]
    with pytest.raises(DomainError) as refused:  # an agency role cannot be given in a firm
        members.invite(ctx, admin, admin.org_id, "x@firm.kr", frozenset({Role.BID_OFFICIAL}), BASE)
    assert refused.value.code == "roles_invalid"
    with pytest.raises(DomainError) as refused:  # already somebody's e-mail (an agency's officer)
        members.invite(ctx, admin, admin.org_id, "officer@gov.kr", frozenset({Role.BIDDER}), BASE)
    assert refused.value.code == "email_taken"
    with pytest.raises(DomainError) as refused:  # only for one's own firm
        members.invite(ctx, admin, world.firms[1].org_id, "y@firm.kr", frozenset({Role.BIDDER}), BASE)
    assert refused.value.code == "other_organisation"
    link = members.invite(ctx, admin, admin.org_id, "late@firm.kr", frozenset({Role.BIDDER}), BASE)
    clock.set(clock.now() + timedelta(days=members.INVITATION_DAYS, minutes=1))
    with pytest.raises(DomainError) as refused:
        members.accept(ctx, token_of(link), "늦은 사람", PASSWORD)
    assert refused.value.code == "invitation_invalid"


def test_members_are_removed_or_leave_but_the_last_administrator_stays(ctx: AppContext) -> None:
    world = make_world(ctx, firms=2)
    admin = world.firms[0]
    link = members.invite(ctx, admin, admin.org_id, "c@firm.kr", frozenset({Role.BIDDER}), BASE)
    colleague_id = members.accept(ctx, token_of(link), "동료", PASSWORD)
    issued = service.sign_in(ctx, "c@firm.kr", PASSWORD, kind="browser", lifetime=timedelta(hours=1))
    with pytest.raises(DomainError) as refused:  # another firm's administrator
        members.remove(ctx, world.firms[1], world.firms[1].org_id, colleague_id)
    assert refused.value.code == "not_found"
    members.remove(ctx, admin, admin.org_id, colleague_id)
    assert service.resolve_session(ctx, issued.token, idle=None) is None  # signed out at once
    with pytest.raises(DomainError):
        service.sign_in(ctx, "c@firm.kr", PASSWORD, kind="browser", lifetime=timedelta(hours=1))
    with pytest.raises(DomainError) as refused:  # the only administrator cannot leave the firm locked
        members.remove(ctx, admin, admin.org_id, admin.person_id, leaving=True)
    assert refused.value.code == "last_admin"
    second = members.invite(ctx, admin, admin.org_id, "a2@firm.kr", frozenset({Role.COMPANY_ADMIN}), BASE)
    second_id = members.accept(ctx, token_of(second), "둘째 관리자", PASSWORD)
    members.remove(ctx, admin, admin.org_id, admin.person_id, leaving=True)  # now it may
    listed = members.list_members(ctx, service.actor_of_person(ctx, second_id), admin.org_id)
    assert {m.person_id: m.active for m in listed}[admin.person_id] is False


def test_a_person_of_another_firm_cannot_be_made_an_agent_of_a_second_firm(ctx: AppContext) -> None:
    """security.md AT-15: one natural person registered as agent for two competing bidders is refused and logged
    (koneps-rules §1.4: one person may not act for two firms in a tender)."""
    from jangter.identity.security_log import SecurityEvent

    world = make_world(ctx, firms=2)
    other_admin = world.firms[1]
    with pytest.raises(DomainError) as refused:
        members.invite(ctx, other_admin, other_admin.org_id, "BID0@firm.kr", frozenset({Role.BIDDER}), BASE)
    assert (refused.value.code, refused.value.field, refused.value.status) == ("person_in_other_firm", "email", 409)
    with ctx.db.reading() as session:
        [event] = session.scalars(select(SecurityEvent).where(SecurityEvent.kind == "member.other_firm")).all()
        invitations = session.scalars(select(OutboxMail).where(OutboxMail.key.like("invitation:%"))).all()
    assert event.outcome == "refused" and event.org_id == other_admin.org_id
    assert event.detail["their_firm_id"] == world.firms[0].org_id
    assert invitations == []  # no invitation was sent
    with pytest.raises(DomainError) as again:  # an address already in one's own firm is simply taken
        members.invite(ctx, world.firms[0], world.firms[0].org_id, "bid0@firm.kr", frozenset({Role.BIDDER}), BASE)
    assert again.value.code == "email_taken"
