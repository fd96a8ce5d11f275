"""A firm's members (issue #6 point 1): the company administrator invites a colleague by e-mail with the roles
to give; the colleague accepts with their own name and password; members leave or are removed. Every step is
audited. Agencies' people are still added by the operator (``service.add_member``).
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import ForeignKey, String, select, update
from sqlalchemy.orm import Mapped, mapped_column

from jangter.identity import security_log
from jangter.identity.domain.roles import ROLES_BY_KIND, Actor, OrgKind, Role, require_role
from jangter.identity.orm import LoginSession, Organisation, Person, PersonRole
from jangter.identity.service import NewPerson, _add_person, audit_actor, normal_email
from jangter.kernel import audit
from jangter.kernel.context import AppContext
from jangter.kernel.db import Base, BigIntPK, JSONType, UTCDateTime
from jangter.kernel.errors import Conflict, DomainError, NotFound
from jangter.notifications import outbox

INVITATION_DAYS = 7


class Invitation(Base):
    __tablename__ = "invitation"

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True, autoincrement=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    email: Mapped[str] = mapped_column(String(254))
    roles: Mapped[list[str]] = mapped_column(JSONType)
    invited_by: Mapped[int] = mapped_column(ForeignKey("person.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    accepted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _admin_of(actor: Actor | None, org_id: int) -> Actor:
    return require_role(actor, Role.COMPANY_ADMIN, org_id=org_id)


def invite(ctx: AppContext, actor: Actor | None, org_id: int, email: str, roles: frozenset[Role], base_url: str) -> str:
    """Invite a colleague; the link goes by e-mail (through the outbox). Returns the invitation's link."""
    admin = _admin_of(actor, org_id)
    now = ctx.clock.now()
    email = normal_email(email)
    if "@" not in email or len(email) > 254:
        raise DomainError(
            "email_invalid", "이메일 주소가 올바르지 않습니다.", "The e-mail address is not valid.", field="email"
        )
    if not roles or not roles <= ROLES_BY_KIND[OrgKind.SUPPLIER]:
        raise DomainError(
            "roles_invalid", "줄 수 없는 역할입니다.", "These roles cannot be given in a firm.", field="roles"
        )
    token = secrets.token_urlsafe(32)
    link = f"{base_url.rstrip('/')}/invitations/{token}"
    with ctx.uow() as uow:
        session = uow.session
        existing = session.execute(
            select(Person.id, Person.org_id, Organisation.kind)
            .join(Organisation, Organisation.id == Person.org_id)
            .where(Person.email == email)
        ).first()
    if existing is not None and existing.org_id != org_id and existing.kind == OrgKind.SUPPLIER.value:
        # One person acts for one firm (koneps-rules §1.4; security.md AT-15: a shared agent is refused and logged).
        security_log.record(
            ctx,
            kind="member.other_firm",
            outcome=security_log.Outcome.REFUSED,
            person_id=admin.person_id,
            org_id=org_id,
            subject=email,
            detail={"person_id": existing.id, "their_firm_id": existing.org_id, "rule": "one person, one firm"},
        )
        raise Conflict(
            "person_in_other_firm",
            "이 사람은 이미 다른 업체의 구성원입니다. 한 사람은 한 업체만 대리할 수 있습니다.",
            "This person is already a member of another firm; a person may act for one firm only.",
            field="email",
        )
    with ctx.uow() as uow:
        session = uow.session
        if existing is not None:
            raise Conflict(
                "email_taken", "이미 등록된 이메일입니다.", "This e-mail address is already registered.", field="email"
            )
        org = session.get(Organisation, org_id)
        assert org is not None
        row = Invitation(
            token_hash=_hash(token),
            org_id=org_id,
            email=email,
            roles=sorted(r.value for r in roles),
            invited_by=admin.person_id,
            created_at=now,
            expires_at=now + timedelta(days=INVITATION_DAYS),
        )
        session.add(row)
        session.flush()
        audit.record(
            session,
            at=now,
            actor=audit_actor(admin),
            action="member.invite",
            entity_type="organisation",
            entity_id=str(org_id),
            after={"email": email, "roles": row.roles, "invitation": row.id},
        )
        outbox.enqueue(
            session,
            key=f"invitation:{row.id}",
            to=email,
            subject=f"[장터] {org.name}에서 초대했습니다 / {org.name} invites you to Jangter",
            body=(
                f"{admin.name}님이 {org.name}의 구성원으로 초대했습니다. {INVITATION_DAYS}일 안에 아래 주소에서 "
                f"이름과 비밀번호를 정하여 가입하십시오.\n"
                f"{admin.name} invites you to join {org.name}. Within {INVITATION_DAYS} days, open this link and "
                f"choose your name and password:\n\n{link}\n"
            ),
            at=now,
        )
        uow.commit()
    return link


@dataclass(frozen=True)
class InvitationView:
    org_name: str
    email: str
    roles: tuple[Role, ...]


def _open_invitation(session: object, token: str, now: datetime) -> Invitation:
    row = session.scalars(  # type: ignore[attr-defined]
        select(Invitation).where(Invitation.token_hash == _hash(token))
    ).one_or_none()
    if row is None or row.accepted_at is not None or row.expires_at <= now:
        raise DomainError(
            "invitation_invalid",
            "초대가 없거나 이미 쓰였거나 만료되었습니다. 업체 관리자에게 다시 초대해 달라고 하십시오.",
            "The invitation does not exist, was used already or has expired; ask your administrator again.",
            status=404,
        )
    invitation: Invitation = row
    return invitation


def invitation(ctx: AppContext, token: str) -> InvitationView:
    with ctx.db.reading() as session:
        row = _open_invitation(session, token, ctx.clock.now())
        org = session.get(Organisation, row.org_id)
        assert org is not None
        return InvitationView(org.name, row.email, tuple(Role(r) for r in row.roles))


def accept(ctx: AppContext, token: str, name: str, password: str) -> int:
    """The invited person joins with their own name and password; the invitation is then spent."""
    now = ctx.clock.now()
    with ctx.uow() as uow:
        session = uow.session
        row = _open_invitation(session, token, now)
        org = session.get(Organisation, row.org_id)
        assert org is not None
        person = _add_person(
            session, org, NewPerson(row.email, name, password, frozenset(Role(r) for r in row.roles)), now
        )
        row.accepted_at = now
        audit.record(
            session,
            at=now,
            actor=audit.AuditActor(person.id, person.name),
            action="member.join",
            entity_type="organisation",
            entity_id=str(org.id),
            after={"person": person.id, "roles": row.roles, "invitation": row.id},
        )
        uow.commit()
        return person.id


@dataclass(frozen=True)
class MemberView:
    person_id: int
    name: str
    email: str
    roles: tuple[Role, ...]
    active: bool


def list_members(ctx: AppContext, actor: Actor | None, org_id: int) -> list[MemberView]:
    _admin_of(actor, org_id)
    with ctx.db.reading() as session:
        people = session.scalars(select(Person).where(Person.org_id == org_id).order_by(Person.name, Person.id)).all()
        return [
            MemberView(p.id, p.name, p.email, tuple(sorted(Role(r.role) for r in p.roles)), p.active) for p in people
        ]


def remove(ctx: AppContext, actor: Actor | None, org_id: int, person_id: int, *, leaving: bool = False) -> None:
    """Remove a member (the administrator) or leave (the member themself). The last active administrator stays,
    so that nobody can lock the firm out. The person's sessions end at once."""
    if leaving:
        me = require_role(actor, *Role, org_id=org_id)
        if me.person_id != person_id:
            raise NotFound("구성원", "The member")
        who = me
    else:
        who = _admin_of(actor, org_id)
    now = ctx.clock.now()
    with ctx.uow() as uow:
        session = uow.session
        person = session.get(Person, person_id, with_for_update=True)
        if person is None or person.org_id != org_id or not person.active:
            raise NotFound("구성원", "The member")
        admins = session.scalars(
            select(Person.id)
            .join(PersonRole, PersonRole.person_id == Person.id)
            .where(Person.org_id == org_id, Person.active.is_(True), PersonRole.role == Role.COMPANY_ADMIN.value)
        ).all()
        if list(admins) == [person_id]:
            raise Conflict(
                "last_admin",
                "마지막 업체 관리자는 떠나거나 삭제될 수 없습니다. 먼저 다른 관리자를 초대하십시오.",
                "The last company administrator cannot leave or be removed; invite another administrator first.",
            )
        person.active = False
        session.execute(
            update(LoginSession)
            .where(LoginSession.person_id == person_id, LoginSession.revoked_at.is_(None))
            .values(revoked_at=now)
        )
        audit.record(
            session,
            at=now,
            actor=audit_actor(who),
            action="member.leave" if leaving else "member.remove",
            entity_type="organisation",
            entity_id=str(org_id),
            before={"person": person_id, "active": True},
            after={"person": person_id, "active": False},
        )
        uow.commit()
