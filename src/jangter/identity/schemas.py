"""API shapes of organisations, people and tokens."""

from __future__ import annotations

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from jangter.identity.domain.registration_number import format_brn
from jangter.identity.domain.roles import Actor, OrgKind, RegistrationStatus, Role
from jangter.identity.service import OrgView
from jangter.kernel.procurement import Jurisdiction


class TokenOut(BaseModel):
    access_token: str
    token_type: str = "bearer"  # noqa: S105 - the OAuth 2 token type, not a secret
    expires_at: AwareDatetime
    scope: str = Field(
        default="account bid manage read",
        description="What the token may do: read (GET), bid (bids, proposals), manage (an agency's acts), account",
    )


class MeOut(BaseModel):
    person_id: int
    name: str
    roles: list[Role]
    organisation_id: int
    organisation_kind: OrgKind
    organisation_name: str
    registration_status: RegistrationStatus

    @classmethod
    def of(cls, a: Actor) -> MeOut:
        return cls(
            person_id=a.person_id,
            name=a.name,
            roles=sorted(a.roles),
            organisation_id=a.org_id,
            organisation_kind=a.org_kind,
            organisation_name=a.org_name,
            registration_status=a.org_status,
        )


class PersonIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    email: str = Field(max_length=254, examples=["bid@example.co.kr"])
    name: str = Field(min_length=1, max_length=100)
    password: str = Field(min_length=1, max_length=256)


class MemberIn(PersonIn):
    roles: list[Role] = Field(min_length=1)


class FirmRegistrationIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: str = Field(min_length=1, max_length=200)
    business_number: str = Field(
        max_length=20, examples=["124-81-00998"], description="사업자등록번호, checked by its check digit"
    )
    corporate_number: str | None = Field(default=None, description="법인등록번호 (13 digits) for corporations")
    representative: str = Field(min_length=1, max_length=100)
    address: str = Field(min_length=1, max_length=300)
    region: str = Field(examples=["11"])
    admin: PersonIn


class ReviewIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    decision: RegistrationStatus
    reason: str | None = Field(default=None, max_length=2000)


class AgencyIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: str = Field(min_length=1, max_length=200)
    name_en: str | None = Field(default=None, max_length=200)
    agency_code: str = Field(min_length=1, max_length=20)
    jurisdiction: Jurisdiction
    region: str
    business_number: str | None = None


class OrgOut(BaseModel):
    id: int
    kind: OrgKind
    name: str
    name_en: str | None
    agency_code: str | None
    jurisdiction: Jurisdiction | None
    business_number: str | None = Field(description="XXX-YY-ZZZZZ")
    representative: str | None
    region: str | None
    registration_status: RegistrationStatus
    status_reason: str | None

    @classmethod
    def of(cls, o: OrgView) -> OrgOut:
        return cls(
            id=o.id,
            kind=o.kind,
            name=o.name,
            name_en=o.name_en,
            agency_code=o.agency_code,
            jurisdiction=o.jurisdiction,
            business_number=format_brn(o.business_number) if o.business_number else None,
            representative=o.representative,
            region=o.region,
            registration_status=o.registration_status,
            status_reason=o.status_reason,
        )


class SigningKeyIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    public_key: str = Field(description="Raw Ed25519 public key, 32 bytes, base64 (`jangter bid keygen` prints it)")


class SigningKeyOut(BaseModel):
    key_id: str
    created_at: AwareDatetime
    revoked_at: AwareDatetime | None


class CommitteeKeyIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    passphrase: str = Field(min_length=1, max_length=256, description="Only you know it; you type it at openings")


class CommitteeKeyOut(BaseModel):
    public_key: str = Field(description="X25519 public key (hex) that your shares of opening keys are sealed to")
