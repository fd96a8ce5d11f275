"""REST routes for sign-in, firm registration and review, agencies and members."""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated

from fastapi import APIRouter, Depends, Request, Response
from fastapi.security import OAuth2PasswordRequestForm

from jangter.identity import keys, security_log, service
from jangter.identity.domain.firm_profile import Licence
from jangter.identity.domain.registration_number import is_valid_brn
from jangter.identity.domain.roles import OrgKind, RegistrationStatus, Role, Scope, require_role
from jangter.identity.schemas import (
    AgencyIn,
    CommitteeKeyIn,
    CommitteeKeyOut,
    FirmRegistrationIn,
    MemberIn,
    MeOut,
    OrgOut,
    ReviewIn,
    SigningKeyIn,
    SigningKeyOut,
    TokenOut,
)
from jangter.kernel.errors import DomainError, NotFound
from jangter.web.http import (
    ApiActor,
    Ctx,
    anonymous_idempotency_claim,
    client_where,
    get_settings,
    idempotency_claim,
)

router = APIRouter(prefix="/api/v1", tags=["identity"])


def normalise_brn_or_raw(text: str) -> str:
    digits = "".join(c for c in text if c.isdigit())
    return digits if is_valid_brn(digits) else text


@router.post("/auth/token", response_model=TokenOut, summary="Sign in with e-mail and password; get a bearer token")
def token(ctx: Ctx, request: Request, form: Annotated[OAuth2PasswordRequestForm, Depends()]) -> TokenOut:
    hours = get_settings(request).api_token_hours
    where = client_where(request)
    known = {s.value for s in Scope}
    unknown = [s for s in form.scopes if s not in known]
    if unknown:
        raise DomainError(
            "invalid_scope",
            f"알 수 없는 권한 범위(scope)입니다: {' '.join(unknown)} (가능: {' '.join(sorted(known))})",
            f"Unknown scope: {' '.join(unknown)} (known: {' '.join(sorted(known))})",
            field="scope",
            status=400,
        )
    scopes = frozenset(Scope(s) for s in form.scopes) if form.scopes else None
    try:
        issued = service.sign_in(
            ctx,
            form.username,
            form.password,
            kind=service.SessionKind.API,
            lifetime=timedelta(hours=hours),
            ip=where.ip,
            user_agent=request.headers.get("user-agent"),
            scopes=scopes,
        )
    except DomainError as exc:
        security_log.record(
            ctx,
            kind="sign_in",
            outcome=security_log.Outcome.REFUSED,
            where=where,
            subject=form.username,
            detail={"code": exc.code, "method": "api_token"},
        )
        raise
    return TokenOut(
        access_token=issued.token,
        expires_at=issued.expires_at,
        scope=" ".join(sorted(s.value for s in scopes)) if scopes else " ".join(sorted(known)),
    )


@router.post("/auth/logout", status_code=204, summary="Revoke the bearer token")
def logout(ctx: Ctx, actor: ApiActor, request: Request) -> Response:
    require_role(actor, *Role)
    token = request.headers["authorization"].partition(" ")[2].strip()
    service.sign_out(ctx, token)
    return Response(status_code=204)


@router.get("/me", response_model=MeOut, summary="Who the token belongs to")
def me(actor: ApiActor) -> MeOut:
    return MeOut.of(require_role(actor, *Role))


@router.post("/firms", status_code=201, response_model=OrgOut, summary="Apply to register a supplier firm")
def register_firm(ctx: Ctx, body: FirmRegistrationIn, request: Request, response: Response) -> OrgOut:
    # Anonymous callers: the key is scoped to the business number, which only one firm can hold.
    claim = anonymous_idempotency_claim(
        request,
        f"POST /firms {normalise_brn_or_raw(body.business_number)}",
        # Neither the password nor the resident number goes into the stored fingerprint.
        body.model_dump(mode="json", exclude={"admin": {"password"}, "proprietor_number": True}),
    )
    firm_id = service.register_firm(
        ctx,
        service.FirmRegistration(
            name=body.name,
            business_number=body.business_number,
            business_form=body.business_form,
            corporate_number=body.corporate_number,
            proprietor_number=body.proprietor_number,
            representative=body.representative,
            address=body.address,
            region=body.region,
            supplies=frozenset(body.supplies),
            supply_regions=frozenset(body.supply_regions),
            licences=tuple(Licence(x.code, x.name, x.number) for x in body.licences),
            admin=service.NewPerson(
                email=body.admin.email,
                name=body.admin.name,
                password=body.admin.password,
                roles=frozenset({Role.COMPANY_ADMIN, Role.BIDDER}),
            ),
        ),
        claim,
        client_where(request),
    )
    response.headers["Location"] = f"/api/v1/firms/{firm_id}"
    return OrgOut.of(service.get_org(ctx, firm_id))


@router.get("/firms", response_model=list[OrgOut], summary="Firms by registration status (operator)")
def list_firms(ctx: Ctx, actor: ApiActor, status: RegistrationStatus | None = None) -> list[OrgOut]:
    require_role(actor, Role.OPERATOR)
    return [OrgOut.of(o) for o in service.list_orgs(ctx, OrgKind.SUPPLIER, status)]


@router.get("/firms/{firm_id}", response_model=OrgOut, summary="One firm")
def get_firm(ctx: Ctx, actor: ApiActor, firm_id: int) -> OrgOut:
    org = service.get_org(ctx, firm_id)
    visible = org.registration_status is RegistrationStatus.APPROVED or (
        actor is not None and (actor.has(Role.OPERATOR) or actor.org_id == firm_id)
    )
    if org.kind is not OrgKind.SUPPLIER or not visible:
        raise NotFound("업체", "Firm")
    return OrgOut.of(org)


@router.post("/firms/{firm_id}/review", response_model=OrgOut, summary="Approve, hold or reject (operator)")
def review_firm(ctx: Ctx, actor: ApiActor, firm_id: int, body: ReviewIn) -> OrgOut:
    service.review_firm(ctx, actor, firm_id, body.decision, body.reason)
    return OrgOut.of(service.get_org(ctx, firm_id))


@router.get("/agencies", response_model=list[OrgOut], summary="Agencies")
def list_agencies(ctx: Ctx) -> list[OrgOut]:
    return [OrgOut.of(o) for o in service.list_orgs(ctx, OrgKind.AGENCY)]


@router.post("/agencies", status_code=201, response_model=OrgOut, summary="Onboard an agency (operator)")
def create_agency(ctx: Ctx, actor: ApiActor, body: AgencyIn, request: Request) -> OrgOut:
    claim = idempotency_claim(request, actor, "POST /agencies", body.model_dump(mode="json"))
    agency_id = service.create_agency(
        ctx,
        actor,
        service.NewAgency(
            name=body.name,
            name_en=body.name_en,
            agency_code=body.agency_code,
            jurisdiction=body.jurisdiction,
            region=body.region,
            business_number=body.business_number,
        ),
        claim,
    )
    return OrgOut.of(service.get_org(ctx, agency_id))


@router.post(
    "/organisations/{org_id}/members",
    status_code=201,
    response_model=MeOut,
    summary="Add a person (company administrator for the firm; operator for agencies)",
)
def add_member(ctx: Ctx, actor: ApiActor, org_id: int, body: MemberIn, request: Request) -> MeOut:
    claim = idempotency_claim(
        request, actor, f"POST /organisations/{org_id}/members", body.model_dump(mode="json", exclude={"password"})
    )
    person_id = service.add_member(
        ctx,
        actor,
        org_id,
        service.NewPerson(email=body.email, name=body.name, password=body.password, roles=frozenset(body.roles)),
        claim,
    )
    return MeOut.of(service.actor_of_person(ctx, person_id))


@router.post(
    "/firms/{firm_id}/signing-keys",
    status_code=201,
    response_model=SigningKeyOut,
    summary="Register the firm's bid-signing key (company administrator only)",
)
def add_signing_key(ctx: Ctx, actor: ApiActor, firm_id: int, body: SigningKeyIn) -> SigningKeyOut:
    kid = keys.register_signing_key(ctx, actor, firm_id, body.public_key)
    return next(
        SigningKeyOut(key_id=k.key_id, created_at=k.created_at, revoked_at=k.revoked_at)
        for k in keys.list_signing_keys(ctx, actor, firm_id)
        if k.key_id == kid
    )


@router.get("/firms/{firm_id}/signing-keys", response_model=list[SigningKeyOut], summary="The firm's signing keys")
def list_signing_keys(ctx: Ctx, actor: ApiActor, firm_id: int) -> list[SigningKeyOut]:
    return [
        SigningKeyOut(key_id=k.key_id, created_at=k.created_at, revoked_at=k.revoked_at)
        for k in keys.list_signing_keys(ctx, actor, firm_id)
    ]


@router.post("/firms/{firm_id}/signing-keys/{key_id}/revoke", status_code=204, summary="Revoke a signing key")
def revoke_signing_key(ctx: Ctx, actor: ApiActor, firm_id: int, key_id: str) -> Response:
    keys.revoke_signing_key(ctx, actor, firm_id, key_id)
    return Response(status_code=204)


@router.put(
    "/me/committee-key",
    response_model=CommitteeKeyOut,
    summary="Make your opening-committee key, protected by a passphrase only you know",
)
def put_committee_key(ctx: Ctx, actor: ApiActor, body: CommitteeKeyIn) -> CommitteeKeyOut:
    return CommitteeKeyOut(public_key=keys.register_committee_key(ctx, actor, body.passphrase).hex())
