"""API shapes of organisations, people and tokens."""

from __future__ import annotations

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from jangter.identity.domain.firm_profile import BusinessForm
from jangter.identity.domain.registration_number import format_brn
from jangter.identity.domain.roles import Actor, OrgKind, RegistrationStatus, Role
from jangter.identity.service import OrgView
from jangter.kernel.procurement import Category, Jurisdiction


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


class LicenceIO(BaseModel):
    model_config = ConfigDict(extra="forbid")
    code: str = Field(max_length=4, examples=["0003"], description="업종코드 (industry code, 4 digits)")
    name: str = Field(max_length=100, examples=["토목공사업"])
    number: str = Field(max_length=40, examples=["서울-01-2345"], description="The licence's registration number")


class FirmRegistrationIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: str = Field(min_length=1, max_length=200)
    business_number: str = Field(
        max_length=20, examples=["124-81-00998"], description="사업자등록번호, checked by its check digit"
    )
    business_form: BusinessForm = Field(description="corporation (법인) or sole_proprietor (개인)")
    corporate_number: str | None = Field(
        default=None, max_length=20, description="법인등록번호 (13 digits), required for corporations"
    )
    proprietor_number: str | None = Field(
        default=None,
        max_length=20,
        description="대표자 주민등록번호, required for sole proprietors: only a keyed hash is kept, to register one "
        "firm per person",
    )
    representative: str = Field(min_length=1, max_length=100)
    address: str = Field(min_length=1, max_length=300)
    region: str = Field(examples=["11"], description="Head office region (소재지)")
    supplies: list[Category] = Field(min_length=1, examples=[["goods", "services"]])
    supply_regions: list[str] = Field(min_length=1, examples=[["00"]], description='Region codes; "00" nationwide')
    licences: list[LicenceIO] = Field(default_factory=list, max_length=20)
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
    region: str | None = Field(description="Head office region (소재지)")
    registration_status: RegistrationStatus
    status_reason: str | None
    business_form: BusinessForm | None = None
    supplies: list[Category] = Field(default_factory=list, description="Firms: categories registered for")
    supply_regions: list[str] = Field(default_factory=list, description="Firms: regions supplied")
    licences: list[LicenceIO] = Field(default_factory=list)

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
            business_form=o.business_form,
            supplies=[Category(c) for c in o.supplies],
            supply_regions=list(o.supply_regions),
            licences=[LicenceIO(code=x.code, name=x.name, number=x.number) for x in o.licences],
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
