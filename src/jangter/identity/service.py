"""Identity use cases: sign-in, sessions and tokens, firm registration and its review, onboarding people."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import bindparam, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from jangter.identity import security_log
from jangter.identity.domain import firm_profile
from jangter.identity.domain.firm_profile import BusinessForm, Licence
from jangter.identity.domain.registration_number import (
    normalise_brn,
    normalise_corporate_number,
    normalise_resident_number,
)
from jangter.identity.domain.roles import (
    ROLES_BY_KIND,
    Actor,
    OrgKind,
    RegistrationStatus,
    Role,
    Scope,
    require_role,
)
from jangter.identity.orm import FirmLicence, LoginSession, Organisation, Person, PersonRole
from jangter.identity.passwords import DUMMY_HASH, check_policy, hash_password, verify_password
from jangter.kernel import audit, idempotency
from jangter.kernel.audit import AuditActor
from jangter.kernel.context import AppContext
from jangter.kernel.db import UnitOfWork
from jangter.kernel.errors import Conflict, DomainError, NotFound, ValidationProblems
from jangter.kernel.idempotency import IdempotencyClaim
from jangter.kernel.procurement import REGIONS, Jurisdiction
from jangter.notifications import outbox

MAX_FAILED_LOGINS = 5
LOCKOUT = timedelta(minutes=15)


class SessionKind:
    BROWSER = "browser"
    API = "api"


def people_with(session: Session, org_id: int, *roles: Role) -> list[tuple[int, str]]:
    """The active people of an organisation who hold one of the roles: (person id, e-mail), once each."""
    rows = session.execute(
        select(Person.id, Person.email)
        .join(PersonRole, PersonRole.person_id == Person.id)
        .where(Person.org_id == org_id, Person.active.is_(True), PersonRole.role.in_([r.value for r in roles]))
        .distinct()
        .order_by(Person.id)
    ).all()
    return [(r.id, r.email) for r in rows]


def audit_actor(actor: Actor | None) -> AuditActor:
    if actor is None:
        return audit.SYSTEM
    return AuditActor(actor.person_id, f"{actor.name} ({actor.org_name})")


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("ascii")).hexdigest()


def _actor_of(person: Person) -> Actor:
    org = person.organisation
    return Actor(
        person_id=person.id,
        name=person.name,
        org_id=org.id,
        org_kind=OrgKind(org.kind),
        org_name=org.name,
        org_status=RegistrationStatus(org.registration_status),
        roles=frozenset(Role(r.role) for r in person.roles),
        org_business_number=org.business_number,
    )


def normal_email(email: str) -> str:
    return email.strip().lower()


# --- sign-in and sessions -------------------------------------------------------------------------------


@dataclass(frozen=True)
class IssuedSession:
    token: str
    expires_at: datetime
    actor: Actor


def _bad_credentials() -> DomainError:
    return DomainError(
        "invalid_credentials",
        "이메일 또는 비밀번호가 맞지 않습니다.",
        "The e-mail or password is not correct.",
        field="password",
        status=401,
    )


def _authenticate(uow: UnitOfWork, email: str, password: str, now: datetime) -> Person:
    """The person whose password this is, or a refusal; failures are counted (five lock for 15 minutes).

    Failed attempts are committed even though the caller then fails, so that the count survives the refusal.
    """
    person = uow.session.scalars(select(Person).where(Person.email == normal_email(email))).one_or_none()
    if person is None:
        verify_password(DUMMY_HASH, password)
        raise _bad_credentials()
    if person.locked_until is not None and person.locked_until > now:
        raise DomainError(
            "account_locked",
            "로그인 실패가 반복되어 계정이 잠시 잠겼습니다. 15분 후에 다시 시도하십시오.",
            "Too many failed sign-ins: the account is locked for 15 minutes.",
            status=429,
        )
    if not person.active or not verify_password(person.password_hash, password):
        person.failed_logins += 1
        if person.failed_logins >= MAX_FAILED_LOGINS:
            person.locked_until = now + LOCKOUT
            person.failed_logins = 0
            audit.record(
                uow.session,
                at=now,
                actor=AuditActor(person.id, person.name),
                action="person.lock",
                entity_type="person",
                entity_id=str(person.id),
                reason="repeated failed sign-in",
            )
        uow.commit()
        raise _bad_credentials()
    person.failed_logins = 0
    person.locked_until = None
    return person


def sign_in(
    ctx: AppContext,
    email: str,
    password: str,
    *,
    kind: str,
    lifetime: timedelta,
    ip: str | None = None,
    user_agent: str | None = None,
    scopes: frozenset[Scope] | None = None,
) -> IssuedSession:
    """Check the password and open a session (an API token may be limited to ``scopes``)."""
    now = ctx.clock.now()
    with ctx.uow() as uow:
        person = _authenticate(uow, email, password, now)
        issued = open_session(
            uow.session, person, kind=kind, lifetime=lifetime, now=now, method="password", ip=ip, user_agent=user_agent
        )
        if scopes is not None:
            uow.session.execute(
                update(LoginSession)
                .where(LoginSession.token_hash == token_hash(issued.token))
                .values(scopes=" ".join(sorted(s.value for s in scopes)))
            )
        uow.commit()
    return issued


def open_session(
    session: Session,
    person: Person,
    *,
    kind: str,
    lifetime: timedelta,
    now: datetime,
    method: str,
    ip: str | None,
    user_agent: str | None,
) -> IssuedSession:
    """A new session for a person who has just proved who they are (password or passkey)."""
    token = secrets.token_urlsafe(32)
    session.add(
        LoginSession(
            token_hash=token_hash(token),
            person_id=person.id,
            kind=kind,
            created_at=now,
            last_seen_at=now,
            expires_at=now + lifetime,
            method=method,
            verified_at=now if method == "passkey" else None,  # a passkey sign-in verified the user
            ip=ip,
            user_agent=(user_agent or "")[:300] or None,
        )
    )
    return IssuedSession(token=token, expires_at=now + lifetime, actor=_actor_of(person))


def reauthenticate(ctx: AppContext, email: str, password: str) -> Actor:
    """A fresh check of a person's password for a decisive act (step-up), without opening a session."""
    now = ctx.clock.now()
    with ctx.uow() as uow:
        person = _authenticate(uow, email, password, now)
        actor = _actor_of(person)
        uow.commit()
    return actor


_SESSION_ACTOR = (
    select(
        LoginSession.expires_at,
        LoginSession.last_seen_at,
        LoginSession.revoked_at,
        LoginSession.kind,
        LoginSession.verified_at,
        LoginSession.fallback_until,
        LoginSession.scopes,
        Person.id,
        Person.name,
        Person.active,
        Organisation.id,
        Organisation.kind,
        Organisation.name,
        Organisation.registration_status,
        Organisation.business_number,
        PersonRole.role,
    )
    .join(Person, Person.id == LoginSession.person_id)
    .join(Organisation, Organisation.id == Person.org_id)
    .outerjoin(PersonRole, PersonRole.person_id == Person.id)
    .where(LoginSession.token_hash == bindparam("token_hash"))
)


def resolve_session(ctx: AppContext, token: str, *, idle: timedelta | None) -> Actor | None:
    """The actor behind a session token, or ``None`` if it is unknown, expired, idle too long or revoked.

    One query (a row per role) on the hot path of every authenticated request. Browser sessions (``idle`` set)
    record when they were last seen, at most once a minute; API tokens expire by their absolute lifetime only.
    """
    now = ctx.clock.now()
    hashed = token_hash(token)
    with ctx.db.reading() as session:
        rows = session.connection().execute(_SESSION_ACTOR, {"token_hash": hashed}).all()
    if not rows:
        return None
    (
        expires_at,
        last_seen_at,
        revoked_at,
        session_kind,
        verified_at,
        fallback_until,
        scopes,
        person_id,
        name,
        active,
        org_id,
        kind,
        org_name,
        status,
        brn,
        _,
    ) = rows[0]
    if revoked_at is not None or expires_at <= now or not active:
        return None
    if idle is not None:
        if last_seen_at + idle <= now:
            return None
        if now - last_seen_at > timedelta(minutes=1):
            with ctx.uow() as uow:
                uow.session.execute(
                    update(LoginSession).where(LoginSession.token_hash == hashed).values(last_seen_at=now)
                )
                uow.commit()
    return Actor(
        person_id=person_id,
        name=name,
        org_id=org_id,
        org_kind=OrgKind(kind),
        org_name=org_name,
        org_status=RegistrationStatus(status),
        roles=frozenset(Role(str(row[-1])) for row in rows if row[-1]),
        org_business_number=brn,
        session_kind=session_kind,
        verified_at=verified_at,
        fallback_until=fallback_until,
        scopes=frozenset(scopes.split()) if scopes is not None else None,
    )


@dataclass(frozen=True)
class SessionView:
    id: str  # the first 16 hex digits of the token's hash: enough to name it, useless to use it
    kind: str
    method: str
    created_at: datetime
    last_seen_at: datetime
    expires_at: datetime
    ip: str | None
    user_agent: str | None
    current: bool


def list_sessions(ctx: AppContext, actor: Actor, current_token: str | None) -> list[SessionView]:
    """A person's live sessions (browsers and API tokens), newest first."""
    now = ctx.clock.now()
    current = token_hash(current_token) if current_token else None
    with ctx.db.reading() as session:
        rows = session.scalars(
            select(LoginSession)
            .where(
                LoginSession.person_id == actor.person_id,
                LoginSession.revoked_at.is_(None),
                LoginSession.expires_at > now,
            )
            .order_by(LoginSession.created_at.desc())
            .limit(100)
        ).all()
        return [
            SessionView(
                r.token_hash[:16],
                r.kind,
                r.method,
                r.created_at,
                r.last_seen_at,
                r.expires_at,
                r.ip,
                r.user_agent,
                r.token_hash == current,
            )
            for r in rows
        ]


def revoke_session(ctx: AppContext, actor: Actor, session_id: str) -> None:
    """End one of the person's own sessions (a lost laptop, a leaked token)."""
    now = ctx.clock.now()
    if len(session_id) != 16 or not all(c in "0123456789abcdef" for c in session_id):
        raise NotFound("세션", "The session")
    with ctx.uow() as uow:
        row = uow.session.scalars(
            select(LoginSession).where(
                LoginSession.person_id == actor.person_id,
                LoginSession.token_hash.startswith(session_id),
                LoginSession.revoked_at.is_(None),
            )
        ).first()
        if row is None:
            raise NotFound("세션", "The session")
        row.revoked_at = now
        audit.record(
            uow.session,
            at=now,
            actor=audit_actor(actor),
            action="session.revoke",
            entity_type="person",
            entity_id=str(actor.person_id),
            after={"session": session_id, "kind": row.kind},
        )
        uow.commit()


def sign_out(ctx: AppContext, token: str) -> None:
    with ctx.uow() as uow:
        uow.session.execute(
            update(LoginSession)
            .where(LoginSession.token_hash == token_hash(token), LoginSession.revoked_at.is_(None))
            .values(revoked_at=ctx.clock.now())
        )
        uow.commit()


# --- organisations and people ---------------------------------------------------------------------------


@dataclass(frozen=True)
class NewPerson:
    email: str
    name: str
    password: str
    roles: frozenset[Role]


def _add_person(session: Session, org: Organisation, new: NewPerson, now: datetime) -> Person:
    email = normal_email(new.email)
    if "@" not in email or len(email) > 254:
        raise DomainError(
            "email_invalid",
            "이메일 주소가 올바르지 않습니다.",
            "The e-mail address is not valid.",
            field="email",
        )
    if not new.name.strip():
        raise DomainError("name_required", "이름을 입력하십시오.", "Please enter a name.", field="name")
    allowed = ROLES_BY_KIND[OrgKind(org.kind)]
    if not new.roles or not new.roles <= allowed:
        raise DomainError(
            "roles_invalid",
            "이 기관에 줄 수 없는 역할입니다.",
            "These roles cannot be given in this organisation.",
            field="roles",
        )
    check_policy(new.password, email=email)
    if session.scalar(select(func.count()).select_from(Person).where(Person.email == email)):
        raise Conflict(
            "email_taken",
            "이미 등록된 이메일입니다.",
            "This e-mail address is already registered.",
            field="email",
        )
    person = Person(
        org_id=org.id,
        email=email,
        name=new.name.strip(),
        password_hash=hash_password(new.password),
        active=True,
        failed_logins=0,
        created_at=now,
    )
    person.roles = [PersonRole(role=role.value) for role in sorted(new.roles)]
    session.add(person)
    session.flush()
    return person


@dataclass(frozen=True)
class FirmRegistration:
    """An application for registration (입찰참가자격 등록신청, koneps-rules §1.2).

    A corporation gives its corporate registration number; a sole proprietor gives their resident registration
    number, which is kept only as a keyed hash so that a person registers one firm. ``region`` is the head office's.
    """

    name: str
    business_number: str
    business_form: BusinessForm
    corporate_number: str | None
    proprietor_number: str | None
    representative: str
    address: str
    region: str
    supplies: frozenset[str]
    supply_regions: frozenset[str]
    licences: tuple[Licence, ...]
    admin: NewPerson


def proprietor_key(ctx: AppContext, resident_number: str) -> str:
    """The keyed hash (HMAC-SHA256 under a key derived from the platform key) that stands for a sole proprietor:
    equal for the same person, and useless to anyone without the platform key."""
    return hmac.new(ctx.signer.derive_key("proprietor"), resident_number.encode(), hashlib.sha256).hexdigest()


def register_firm(
    ctx: AppContext,
    reg: FirmRegistration,
    claim: IdempotencyClaim | None = None,
    where: security_log.Where | None = None,
) -> int:
    """A firm applies for registration (입찰참가자격 등록신청); it waits for the operator's review. A refused
    application (a wrong number, a firm already registered) is kept in the security log; nothing else is."""
    try:
        return _register_firm(ctx, reg, claim)
    except (DomainError, ValidationProblems) as exc:
        codes = [p.code for p in exc.problems] if isinstance(exc, ValidationProblems) else [exc.code]
        security_log.record(
            ctx,
            kind="registration",
            outcome=security_log.Outcome.REFUSED,
            where=where,
            subject=reg.business_number[:20],
            detail={"codes": codes, "email": reg.admin.email[:100]},
        )
        raise


def _register_firm(ctx: AppContext, reg: FirmRegistration, claim: IdempotencyClaim | None) -> int:
    now = ctx.clock.now()
    brn = normalise_brn(reg.business_number)
    corporate, proprietor = _legal_identity(ctx, reg)
    for field, value in (
        ("name", reg.name),
        ("representative", reg.representative),
        ("address", reg.address),
    ):
        if not value.strip():
            raise DomainError("field_required", "필수 입력 항목입니다.", "This field is required.", field=field)
    if reg.region not in REGIONS or reg.region == firm_profile.NATIONWIDE:
        raise DomainError(
            "region_invalid", "본사 소재지를 선택하십시오.", "Please choose the head office's region.", field="region"
        )
    supplies = firm_profile.check_supplies(reg.supplies)
    supply_regions = firm_profile.check_supply_regions(reg.supply_regions)
    licences = firm_profile.check_licences(reg.licences)
    with ctx.uow() as uow:
        if claim is not None and (earlier := idempotency.find(uow.session, claim)) is not None:
            return int(earlier.resource_id)
        if uow.session.scalar(
            select(func.count()).select_from(Organisation).where(Organisation.business_number == brn)
        ):
            raise Conflict(
                "business_number_taken",
                "이미 등록된 사업자등록번호입니다.",
                "A firm with this business registration number is already registered.",
                field="business_number",
            )
        if proprietor is not None and uow.session.scalar(
            select(func.count()).select_from(Organisation).where(Organisation.proprietor_key == proprietor)
        ):
            raise _proprietor_taken()
        org = Organisation(
            kind=OrgKind.SUPPLIER.value,
            name=reg.name.strip(),
            business_number=brn,
            corporate_number=corporate,
            representative=reg.representative.strip(),
            address=reg.address.strip(),
            region=reg.region,
            business_form=reg.business_form.value,
            supplies=firm_profile.encode(supplies),
            supply_regions=firm_profile.encode(supply_regions),
            proprietor_key=proprietor,
            registration_status=RegistrationStatus.WAITING.value,
            created_at=now,
            updated_at=now,
        )
        uow.session.add(org)
        try:
            uow.session.flush()
        except IntegrityError:  # a concurrent application with the same business or resident number
            if proprietor is not None and uow.session.scalar(
                select(func.count()).select_from(Organisation).where(Organisation.proprietor_key == proprietor)
            ):
                raise _proprietor_taken() from None
            raise Conflict(
                "business_number_taken",
                "이미 등록된 사업자등록번호입니다.",
                "A firm with this business registration number is already registered.",
                field="business_number",
            ) from None
        uow.session.add_all(FirmLicence(org_id=org.id, code=x.code, name=x.name, number=x.number) for x in licences)
        admin = _add_person(uow.session, org, reg.admin, now)
        audit.record(
            uow.session,
            at=now,
            actor=AuditActor(admin.id, admin.name),
            action="firm.register",
            entity_type="organisation",
            entity_id=str(org.id),
            after={
                "name": org.name,
                "business_number": brn,
                "business_form": org.business_form,
                "supplies": org.supplies,
                "supply_regions": org.supply_regions,
                "licences": [x.code for x in licences],
                "registration_status": org.registration_status,
            },
        )
        if claim is not None:
            idempotency.remember(uow.session, claim, resource_type="organisation", resource_id=str(org.id), at=now)
        uow.commit()
        return org.id


def _legal_identity(ctx: AppContext, reg: FirmRegistration) -> tuple[str | None, str | None]:
    """(corporate number, proprietor key): a corporation gives its 법인등록번호; a sole proprietor their
    주민등록번호, which is turned into a keyed hash here and goes no further."""
    if reg.business_form is BusinessForm.CORPORATION:
        if not (reg.corporate_number or "").strip():
            raise DomainError(
                "corporate_number_required",
                "법인사업자는 법인등록번호를 입력해야 합니다.",
                "A corporation must give its corporate registration number.",
                field="corporate_number",
            )
        return normalise_corporate_number(reg.corporate_number or ""), None
    if not (reg.proprietor_number or "").strip():
        raise DomainError(
            "proprietor_number_required",
            "개인사업자는 대표자 주민등록번호를 입력해야 합니다 (한 사람이 한 업체만 등록할 수 있는지 확인하는 데만 "
            "쓰며, 번호는 저장하지 않습니다).",
            "A sole proprietor must give their resident registration number (used only to check that one person "
            "registers one firm; the number is not stored).",
            field="proprietor_number",
        )
    return None, proprietor_key(ctx, normalise_resident_number(reg.proprietor_number or ""))


def _proprietor_taken() -> Conflict:
    return Conflict(
        "proprietor_already_registered",
        "이 대표자는 이미 다른 개인사업자로 등록되어 있습니다. 개인사업자는 한 업체만 등록할 수 있습니다.",
        "This proprietor has already registered a firm as a sole proprietor; a sole proprietor may register only "
        "one firm.",
        field="proprietor_number",
    )


_REVIEW: dict[RegistrationStatus, frozenset[RegistrationStatus]] = {
    RegistrationStatus.WAITING: frozenset(
        {RegistrationStatus.APPROVED, RegistrationStatus.ON_HOLD, RegistrationStatus.REJECTED}
    ),
    RegistrationStatus.ON_HOLD: frozenset({RegistrationStatus.APPROVED, RegistrationStatus.REJECTED}),
    RegistrationStatus.APPROVED: frozenset(),
    RegistrationStatus.REJECTED: frozenset(),
}


def review_firm(
    ctx: AppContext, actor: Actor | None, firm_id: int, decision: RegistrationStatus, reason: str | None
) -> None:
    """The operator approves, holds or rejects a registration; hold and reject need a reason."""
    operator = require_role(actor, Role.OPERATOR)
    now = ctx.clock.now()
    if decision is not RegistrationStatus.APPROVED and not (reason and reason.strip()):
        raise DomainError(
            "reason_required",
            "보류 또는 반려 사유를 입력하십시오.",
            "Please give the reason for holding or rejecting.",
            field="reason",
        )
    with ctx.uow() as uow:
        org = uow.session.get(Organisation, firm_id, with_for_update=True)
        if org is None or org.kind != OrgKind.SUPPLIER.value:
            raise NotFound("업체", "Firm")
        current = RegistrationStatus(org.registration_status)
        if decision not in _REVIEW[current]:
            raise Conflict(
                "registration_review_not_allowed",
                "이 등록 상태에서는 그 결정을 할 수 없습니다.",
                "That decision is not possible in the registration's current state.",
            )
        org.registration_status = decision.value
        org.status_reason = reason.strip() if reason else None
        org.updated_at = now
        audit.record(
            uow.session,
            at=now,
            actor=audit_actor(operator),
            action="firm.review",
            entity_type="organisation",
            entity_id=str(org.id),
            before={"registration_status": current.value},
            after={"registration_status": decision.value},
            reason=org.status_reason,
        )
        _tell_the_firm(uow.session, org, decision, now)
        uow.commit()


_DECISION_MAIL = {
    RegistrationStatus.APPROVED: ("승인되었습니다", "approved", "이제 입찰에 참가할 수 있습니다.", "You may now bid."),
    RegistrationStatus.ON_HOLD: ("보류되었습니다", "on hold", "사유를 확인하고 보완하십시오.", "See the reason below."),
    RegistrationStatus.REJECTED: ("반려되었습니다", "rejected", "사유를 확인하십시오.", "See the reason below."),
}


def _tell_the_firm(session: Session, org: Organisation, decision: RegistrationStatus, now: datetime) -> None:
    """The firm's administrators hear of the decision by e-mail (through the outbox, in this transaction)."""
    if decision not in _DECISION_MAIL:
        return
    ko, en, next_ko, next_en = _DECISION_MAIL[decision]
    admins = session.scalars(
        select(Person.email)
        .join(PersonRole, PersonRole.person_id == Person.id)
        .where(Person.org_id == org.id, PersonRole.role == Role.COMPANY_ADMIN.value, Person.active.is_(True))
    ).all()
    reason = f"\n사유 / Reason: {org.status_reason}\n" if org.status_reason else ""
    for email in admins:
        outbox.enqueue(
            session,
            key=f"firm-review:{org.id}:{decision.value}:{now.isoformat()}:{email}",
            to=email,
            subject=f"[장터] {org.name} 입찰참가자격 등록이 {ko} / Registration {en}",
            body=(
                f"{org.name} ({org.business_number}) 의 입찰참가자격 등록이 {ko}. {next_ko}\n"
                f"The registration of {org.name} ({org.business_number}) is {en}. {next_en}\n{reason}"
            ),
            at=now,
        )


@dataclass(frozen=True)
class NewAgency:
    name: str
    name_en: str | None
    agency_code: str
    jurisdiction: Jurisdiction
    region: str
    business_number: str | None = None


def create_agency(ctx: AppContext, actor: Actor | None, new: NewAgency, claim: IdempotencyClaim | None = None) -> int:
    """Agencies are onboarded by the operator (they do not self-register)."""
    operator = require_role(actor, Role.OPERATOR)
    return _create_org(ctx, audit_actor(operator), OrgKind.AGENCY, new, claim)


def _create_org(ctx: AppContext, who: AuditActor, kind: OrgKind, new: NewAgency, claim: IdempotencyClaim | None) -> int:
    now = ctx.clock.now()
    brn = normalise_brn(new.business_number) if new.business_number else None
    if not new.name.strip():
        raise DomainError("field_required", "필수 입력 항목입니다.", "This field is required.", field="name")
    if new.region not in REGIONS:
        raise DomainError("region_invalid", "지역을 선택하십시오.", "Please choose a region.", field="region")
    with ctx.uow() as uow:
        if claim is not None and (earlier := idempotency.find(uow.session, claim)) is not None:
            return int(earlier.resource_id)
        org = Organisation(
            kind=kind.value,
            name=new.name.strip(),
            name_en=new.name_en,
            agency_code=new.agency_code,
            jurisdiction=new.jurisdiction.value,
            business_number=brn,
            region=new.region,
            registration_status=RegistrationStatus.APPROVED.value,
            created_at=now,
            updated_at=now,
        )
        uow.session.add(org)
        try:
            uow.session.flush()
        except IntegrityError:
            raise Conflict(
                "agency_exists",
                "같은 기관코드 또는 사업자등록번호의 기관이 이미 있습니다.",
                "An organisation with this code or business number already exists.",
                field="agency_code",
            ) from None
        audit.record(
            uow.session,
            at=now,
            actor=who,
            action=f"{kind.value}.create",
            entity_type="organisation",
            entity_id=str(org.id),
            after={"name": org.name, "agency_code": org.agency_code},
        )
        if claim is not None:
            idempotency.remember(uow.session, claim, resource_type="organisation", resource_id=str(org.id), at=now)
        uow.commit()
        return org.id


def bootstrap_operator(ctx: AppContext, org_name: str, person: NewPerson) -> int:
    """Create the operator organisation and its first operator (``jangter admin create-operator``)."""
    now = ctx.clock.now()
    with ctx.uow() as uow:
        org = uow.session.scalars(select(Organisation).where(Organisation.kind == OrgKind.OPERATOR.value)).first()
        if org is None:
            org = Organisation(
                kind=OrgKind.OPERATOR.value,
                name=org_name,
                agency_code="1230000",
                jurisdiction=Jurisdiction.NATIONAL.value,
                region="30",
                registration_status=RegistrationStatus.APPROVED.value,
                created_at=now,
                updated_at=now,
            )
            uow.session.add(org)
            uow.session.flush()
        added = _add_person(uow.session, org, person, now)
        audit.record(
            uow.session,
            at=now,
            actor=audit.SYSTEM,
            action="person.create",
            entity_type="person",
            entity_id=str(added.id),
            after={"email": added.email, "roles": sorted(person.roles)},
        )
        uow.commit()
        return added.id


def add_member(
    ctx: AppContext, actor: Actor | None, org_id: int, new: NewPerson, claim: IdempotencyClaim | None = None
) -> int:
    """A company administrator adds members to the firm; the operator adds people to agencies."""
    if actor is not None and actor.has(Role.OPERATOR):
        who = actor
    else:
        who = require_role(actor, Role.COMPANY_ADMIN, org_id=org_id)
    now = ctx.clock.now()
    with ctx.uow() as uow:
        if claim is not None and (earlier := idempotency.find(uow.session, claim)) is not None:
            return int(earlier.resource_id)
        org = uow.session.get(Organisation, org_id)
        if org is None:
            raise NotFound("기관", "Organisation")
        person = _add_person(uow.session, org, new, now)
        audit.record(
            uow.session,
            at=now,
            actor=audit_actor(who),
            action="person.create",
            entity_type="person",
            entity_id=str(person.id),
            after={"email": person.email, "org_id": org_id, "roles": sorted(r.value for r in new.roles)},
        )
        if claim is not None:
            idempotency.remember(uow.session, claim, resource_type="person", resource_id=str(person.id), at=now)
        uow.commit()
        return person.id


# --- reading -------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class OrgView:
    id: int
    kind: OrgKind
    name: str
    name_en: str | None
    agency_code: str | None
    jurisdiction: Jurisdiction | None
    business_number: str | None
    corporate_number: str | None
    representative: str | None
    address: str | None
    region: str | None
    registration_status: RegistrationStatus
    status_reason: str | None
    created_at: datetime
    business_form: BusinessForm | None = None
    supplies: tuple[str, ...] = ()
    supply_regions: tuple[str, ...] = ()
    licences: tuple[Licence, ...] = ()


def _org_view(org: Organisation, licences: tuple[Licence, ...] = ()) -> OrgView:
    return OrgView(
        id=org.id,
        kind=OrgKind(org.kind),
        name=org.name,
        name_en=org.name_en,
        agency_code=org.agency_code,
        jurisdiction=Jurisdiction(org.jurisdiction) if org.jurisdiction else None,
        business_number=org.business_number,
        corporate_number=org.corporate_number,
        representative=org.representative,
        address=org.address,
        region=org.region,
        registration_status=RegistrationStatus(org.registration_status),
        status_reason=org.status_reason,
        created_at=org.created_at,
        business_form=BusinessForm(org.business_form) if org.business_form else None,
        supplies=firm_profile.decode(org.supplies),
        supply_regions=firm_profile.decode(org.supply_regions),
        licences=licences,
    )


def get_org(ctx: AppContext, org_id: int) -> OrgView:
    with ctx.db.reading() as session:
        org = session.get(Organisation, org_id)
        if org is None:
            raise NotFound("기관", "Organisation")
        return _org_view(org, _licences(session, [org.id]).get(org.id, ()))


def participation_problem(ctx: AppContext, firm_id: int, category: str, notice_region: str) -> DomainError | None:
    """Why this firm may not take part in a notice of that category and participation region (None: it may)."""
    with ctx.db.reading() as session:
        return participation_problem_in(session, firm_id, category, notice_region)


def participation_problem_in(session: Session, firm_id: int, category: str, notice_region: str) -> DomainError | None:
    """:func:`participation_problem` inside the caller's transaction."""
    firm = session.get(Organisation, firm_id)
    if firm is None:
        raise NotFound("업체", "Firm")
    return firm_profile.participation_problem(
        supplies=firm_profile.decode(firm.supplies),
        head_office=firm.region,
        category=category,
        notice_region=notice_region,
    )


def _licences(session: Session, org_ids: list[int]) -> dict[int, tuple[Licence, ...]]:
    out: dict[int, list[Licence]] = {}
    if org_ids:
        rows = session.scalars(
            select(FirmLicence).where(FirmLicence.org_id.in_(org_ids)).order_by(FirmLicence.org_id, FirmLicence.code)
        )
        for row in rows:
            out.setdefault(row.org_id, []).append(Licence(row.code, row.name, row.number))
    return {k: tuple(v) for k, v in out.items()}


def list_orgs(ctx: AppContext, kind: OrgKind, status: RegistrationStatus | None = None) -> list[OrgView]:
    with ctx.db.reading() as session:
        query = select(Organisation).where(Organisation.kind == kind.value)
        if status is not None:
            query = query.where(Organisation.registration_status == status.value)
        orgs = list(session.scalars(query.order_by(Organisation.name)))
        licences = _licences(session, [o.id for o in orgs]) if kind is OrgKind.SUPPLIER else {}
        return [_org_view(o, licences.get(o.id, ())) for o in orgs]


def actor_of_person(ctx: AppContext, person_id: int) -> Actor:
    with ctx.db.reading() as session:
        person = session.get(Person, person_id)
        if person is None:
            raise NotFound("사용자", "Person")
        return _actor_of(person)
