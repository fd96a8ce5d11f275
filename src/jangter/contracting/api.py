"""REST routes for contracts: draft from an award, sign, amend, read, and the signed PDF."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Path, Response
from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from jangter.contracting import closing, guarantees, service
from jangter.contracting.domain.contract import STATUS_LABELS, VERSION_LABELS
from jangter.contracting.domain.guarantee import STATUS_LABELS as GUARANTEE_STATUS_LABELS
from jangter.contracting.domain.guarantee import ContractEnd, GuaranteeKind
from jangter.kernel.ids import parse_notice_reference
from jangter.rules.domain import DefectClass
from jangter.web.http import ApiActor, Ctx

router = APIRouter(prefix="/api/v1", tags=["contracts"])

VersionNumber = Annotated[int, Path(ge=1, le=10_000)]


class DraftIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    starts_on: date = Field(description="계약기간 시작일")
    ends_on: date = Field(description="계약기간 종료일 (납품·준공 기한)")
    deliverables: str = Field(default="", max_length=4000, description="계약 목적물: what is delivered or done")
    defect_class: DefectClass | None = Field(
        default=None, description="Works: the defect-repair guarantee's work type (그 밖의 공사 when left out)"
    )


class AmendmentIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    reason: str = Field(max_length=2000)
    amount: int | None = Field(default=None, ge=1, description="New contract amount (won)")
    ends_on: date | None = Field(default=None, description="New end date")


class VersionOut(BaseModel):
    version: int
    state: str = Field(description="drafted | signed_by_supplier | signed")
    state_ko: str
    amount: int
    starts_on: date
    ends_on: date
    reason: str | None
    pdf_sha256: str = Field(description="SHA-256 of the PDF as signed so far")
    pdf: str = Field(description="Where to download the PDF")
    drafted_at: AwareDatetime
    supplier_signed_at: AwareDatetime | None
    agency_signed_at: AwareDatetime | None


class ContractOut(BaseModel):
    number: str
    notice: str
    title: str
    category: str
    status: str = Field(description="drafted | signed_by_supplier | signed_by_agency | active | completed | terminated")
    status_ko: str
    source: str = Field(description="award | private_contract")
    agency: dict[str, int | str]
    firm: dict[str, int | str]
    amount: int = Field(description="In force (the first version's until both have signed it)")
    starts_on: date
    ends_on: date
    deliverables: str
    deposit_rate_pct: str
    deposit: int
    rule_set_version: str
    version: int = Field(description="The last version both have signed (0: none yet)")
    versions: list[VersionOut]
    sign_by: date | None = Field(description="The winner signs by this day (award day + the rule set's days)")
    defect_class: str | None = Field(description="The defect-repair guarantee's work type (none: not required)")
    bid_bond_forfeit: int | None = Field(
        description="Bid bond owed under the payment undertaking (지급각서) by a winner that never signed"
    )
    termination: dict[str, str] | None = Field(description="When, why and whose fault, once terminated")
    created_at: datetime
    updated_at: datetime

    @classmethod
    def of(cls, view: service.ContractView) -> ContractOut:
        return cls(
            number=view.number,
            notice=view.notice_display,
            title=view.title,
            category=view.category.value,
            status=view.status.value,
            status_ko=STATUS_LABELS[view.status][0],
            source=view.source,
            agency={"id": view.agency_id, "name": view.agency_name},
            firm={"id": view.firm_id, "name": view.firm_name},
            amount=view.amount,
            starts_on=view.starts_on,
            ends_on=view.ends_on,
            deliverables=view.deliverables,
            deposit_rate_pct=view.deposit_rate,
            deposit=view.deposit,
            rule_set_version=view.rule_set_version,
            version=view.version,
            versions=[
                VersionOut(
                    version=v.version,
                    state=v.state.value,
                    state_ko=VERSION_LABELS[v.state][0],
                    amount=v.amount,
                    starts_on=v.starts_on,
                    ends_on=v.ends_on,
                    reason=v.reason,
                    pdf_sha256=v.pdf_sha256,
                    pdf=f"/api/v1/contracts/{view.number}/versions/{v.version}/pdf",
                    drafted_at=v.drafted_at,
                    supplier_signed_at=v.supplier_signed_at,
                    agency_signed_at=v.agency_signed_at,
                )
                for v in view.versions
            ],
            sign_by=view.sign_by,
            defect_class=None if view.defect_class is None else view.defect_class.value,
            bid_bond_forfeit=view.bid_bond_forfeit,
            termination=None
            if view.terminated_at is None
            else {
                "at": view.terminated_at.isoformat(),
                "fault": view.termination_fault or "",
                "reason": view.termination_reason or "",
            },
            created_at=view.created_at,
            updated_at=view.updated_at,
        )


class SignatureOut(BaseModel):
    field: str
    signer: str
    intact: bool = Field(description="The bytes it covers are unchanged")
    valid: bool = Field(description="The signature is mathematically right")
    trusted: bool = Field(description="Its certificate chains to Jangter's document-signing CA")
    whole_file: bool = Field(description="Nothing was added after it (true for the last signature only)")
    signed_at: AwareDatetime | None


@router.post(
    "/notices/{reference}/contract",
    status_code=201,
    response_model=ContractOut,
    summary="Draft the contract of an awarded notice (procurement officer)",
)
def draft(ctx: Ctx, actor: ApiActor, reference: str, body: DraftIn, response: Response) -> ContractOut:
    number = service.draft(
        ctx,
        actor,
        parse_notice_reference(reference)[0],
        service.DraftTerms(body.starts_on, body.ends_on, body.deliverables, body.defect_class),
    )
    response.headers["Location"] = f"/api/v1/contracts/{number}"
    return ContractOut.of(service.get_contract(ctx, actor, number))


@router.get("/contracts", response_model=list[ContractOut], summary="My organisation's contracts, newest first")
def list_contracts(ctx: Ctx, actor: ApiActor) -> list[ContractOut]:
    return [ContractOut.of(v) for v in service.list_contracts(ctx, actor)]


@router.get("/contracts/{number}", response_model=ContractOut, summary="One contract with its versions")
def get_contract(ctx: Ctx, actor: ApiActor, number: str) -> ContractOut:
    return ContractOut.of(service.get_contract(ctx, actor, number))


@router.post(
    "/contracts/{number}/versions/{version}/sign",
    response_model=ContractOut,
    summary="Sign a version: the firm's company administrator first, then the agency's procurement officer",
    description="From a browser session this needs a fresh passkey check (step-up); the signature is a PAdES "
    "signature in the PDF, made with the signer's document-signing certificate.",
)
def sign(ctx: Ctx, actor: ApiActor, number: str, version: VersionNumber) -> ContractOut:
    service.sign(ctx, actor, number, version)
    return ContractOut.of(service.get_contract(ctx, actor, number))


@router.post(
    "/contracts/{number}/amendments",
    status_code=201,
    response_model=ContractOut,
    summary="Amend the amount or end date (a new version both sign again)",
)
def amend(ctx: Ctx, actor: ApiActor, number: str, body: AmendmentIn) -> ContractOut:
    service.amend(ctx, actor, number, service.Amendment(body.reason, body.amount, body.ends_on))
    return ContractOut.of(service.get_contract(ctx, actor, number))


@router.get(
    "/contracts/{number}/versions/{version}/pdf",
    response_class=Response,
    responses={200: {"content": {"application/pdf": {}}}},
    summary="The PDF of a version, with the signatures made so far",
)
def pdf(ctx: Ctx, actor: ApiActor, number: str, version: VersionNumber) -> Response:
    content = service.version_pdf(ctx, actor, number, version)
    return Response(
        content,
        media_type="application/pdf",
        headers={"Content-Disposition": f'inline; filename="{number}-v{version}.pdf"'},
    )


@router.get(
    "/contracts/{number}/versions/{version}/signatures",
    response_model=list[SignatureOut],
    summary="The signatures of a version, checked against Jangter's document-signing CA",
)
def signatures(ctx: Ctx, actor: ApiActor, number: str, version: VersionNumber) -> list[SignatureOut]:
    return [SignatureOut(**vars(c)) for c in service.signature_checks(ctx, actor, number, version)]


@router.get(
    "/documents/ca.pem",
    response_class=Response,
    responses={200: {"content": {"application/x-pem-file": {}}}},
    summary="Jangter's document-signing CA certificate (trust it to see contract signatures as valid)",
)
def ca(ctx: Ctx) -> Response:
    return Response(service.ca_pem(ctx), media_type="application/x-pem-file")


class InstitutionIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: str = Field(max_length=200)
    business_number: str = Field(max_length=12)
    api_url: str = Field(max_length=300, description="Where Jangter sends guarantee requests (…/requests is added)")
    public_key: str = Field(max_length=100, description="The institution's Ed25519 public key (raw 32 bytes, base64)")


class InstitutionOut(BaseModel):
    id: int
    name: str
    business_number: str | None


class GuaranteeIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    kind: GuaranteeKind
    institution_id: int = Field(ge=1)


class GuaranteeOut(BaseModel):
    reference: str
    kind: GuaranteeKind
    status: str = Field(description="requested | issued | accepted | rejected | released | claimed")
    status_ko: str
    institution: InstitutionOut
    amount_required: int
    amount: int | None
    institution_reference: str | None
    valid_from: date | None
    valid_until: date | None
    requested_at: AwareDatetime
    sent_to_institution: bool = Field(description="False while the institution's API has not taken the request")
    issued_at: AwareDatetime | None
    decided_at: AwareDatetime | None
    reason: str | None
    closed_at: AwareDatetime | None = Field(description="When it was released or claimed")
    close_reason: str | None
    institution_told: bool = Field(description="The institution has taken the release or claim")

    @classmethod
    def of(cls, v: guarantees.GuaranteeView) -> GuaranteeOut:
        return cls(
            reference=v.reference,
            kind=v.kind,
            status=v.status.value,
            status_ko=GUARANTEE_STATUS_LABELS[v.status][0],
            institution=InstitutionOut(id=v.institution_id, name=v.institution_name, business_number=None),
            amount_required=v.amount_required,
            amount=v.amount,
            institution_reference=v.institution_reference,
            valid_from=v.valid_from,
            valid_until=v.valid_until,
            requested_at=v.requested_at,
            sent_to_institution=v.sent,
            issued_at=v.issued_at,
            decided_at=v.decided_at,
            reason=v.reason,
            closed_at=v.closed_at,
            close_reason=v.close_reason,
            institution_told=v.told,
        )


class SignedMessageIn(BaseModel):
    message: dict[str, Any]
    key_id: str = Field(max_length=64)
    signature: str = Field(max_length=200, description="Ed25519 over the canonical JSON of `message`, base64")


class IssuedOut(BaseModel):
    reference: str = Field(description="Jangter's reference of the guarantee")
    status: str


class RejectIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    reason: str = Field(max_length=2000)


class ClaimIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    reason: str = Field(max_length=2000, description="The defect not repaired")
    amount: int | None = Field(default=None, ge=1, description="Won to claim (the whole guarantee when left out)")


Termination = Literal[ContractEnd.TERMINATED_FIRM_FAULT, ContractEnd.TERMINATED_AGREEMENT]


class TerminationIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    fault: Termination = Field(description="firm_fault: the firm did not perform; agreement: by agreement")
    reason: str = Field(max_length=2000)


@router.get("/institutions", response_model=list[InstitutionOut], summary="Guarantee institutions")
def list_institutions(ctx: Ctx) -> list[InstitutionOut]:
    return [InstitutionOut(**vars(i)) for i in guarantees.institutions(ctx)]


@router.post(
    "/institutions", status_code=201, response_model=InstitutionOut, summary="Onboard an institution (operator)"
)
def register_institution(ctx: Ctx, actor: ApiActor, body: InstitutionIn) -> InstitutionOut:
    org_id = guarantees.register_institution(
        ctx, actor, guarantees.NewInstitution(body.name, body.business_number, body.api_url, body.public_key)
    )
    return next(InstitutionOut(**vars(i)) for i in guarantees.institutions(ctx) if i.id == org_id)


@router.post(
    "/contracts/{number}/guarantees",
    status_code=201,
    response_model=list[GuaranteeOut],
    summary="Ask an institution for a guarantee on the contract (the firm's company administrator)",
)
def request_guarantee(ctx: Ctx, actor: ApiActor, number: str, body: GuaranteeIn) -> list[GuaranteeOut]:
    guarantees.request(ctx, actor, number, body.kind, body.institution_id)
    return [GuaranteeOut.of(v) for v in guarantees.for_contract(ctx, actor, number)]


@router.get("/contracts/{number}/guarantees", response_model=list[GuaranteeOut], summary="The contract's guarantees")
def contract_guarantees(ctx: Ctx, actor: ApiActor, number: str) -> list[GuaranteeOut]:
    return [GuaranteeOut.of(v) for v in guarantees.for_contract(ctx, actor, number)]


@router.post(
    "/guarantees/issued",
    response_model=IssuedOut,
    summary="An institution sends an issued guarantee (signed JSON; idempotent on the institution's reference)",
    description="The body is `{message, key_id, signature}`: `message` has `type: guarantee.issued`, `request` "
    "(Jangter's reference), `reference` (the institution's), `kind`, `contract`, `firm_business_number`, `amount`, "
    "`valid_from`, `valid_until`; `signature` is Ed25519 over its canonical JSON with the key the operator "
    "registered. A guarantee that does not answer its request is refused and logged.",
)
def issued(ctx: Ctx, body: SignedMessageIn) -> IssuedOut:
    reference = guarantees.receive_issued(ctx, body.model_dump())
    return IssuedOut(reference=reference, status="issued")


@router.post("/guarantees/{guarantee}/accept", status_code=204, summary="Accept an issued guarantee (agency)")
def accept(ctx: Ctx, actor: ApiActor, guarantee: str) -> Response:
    guarantees.decide(ctx, actor, guarantee, accept=True)
    return Response(status_code=204)


@router.post("/guarantees/{guarantee}/reject", status_code=204, summary="Reject an issued guarantee, with the reason")
def reject(ctx: Ctx, actor: ApiActor, guarantee: str, body: RejectIn) -> Response:
    guarantees.decide(ctx, actor, guarantee, accept=False, reason=body.reason)
    return Response(status_code=204)


@router.post(
    "/guarantees/{guarantee}/claim",
    status_code=204,
    summary="Claim a defect-repair guarantee for a defect not repaired (agency)",
)
def claim(ctx: Ctx, actor: ApiActor, guarantee: str, body: ClaimIn) -> Response:
    guarantees.close_defect(ctx, actor, guarantee, claim=True, reason=body.reason, amount=body.amount)
    return Response(status_code=204)


@router.post(
    "/guarantees/{guarantee}/release",
    status_code=204,
    summary="Release a defect-repair guarantee before its period ends (agency)",
)
def release(ctx: Ctx, actor: ApiActor, guarantee: str, body: RejectIn) -> Response:
    guarantees.close_defect(ctx, actor, guarantee, claim=False, reason=body.reason)
    return Response(status_code=204)


@router.post(
    "/contracts/{number}/termination",
    response_model=ContractOut,
    summary="Terminate the contract (procurement officer); its guarantees are released or claimed",
)
def terminate(ctx: Ctx, actor: ApiActor, number: str, body: TerminationIn) -> ContractOut:
    closing.terminate(ctx, actor, number, body.fault, body.reason)
    return ContractOut.of(service.get_contract(ctx, actor, number))


class BidBondIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    institution_id: int = Field(ge=1)


@router.post(
    "/notices/{reference}/bid-bond",
    status_code=201,
    response_model=list[GuaranteeOut],
    summary="Ask an institution for a bid-bond guarantee before bidding (firm's company administrator)",
)
def request_bid_bond(ctx: Ctx, actor: ApiActor, reference: str, body: BidBondIn) -> list[GuaranteeOut]:
    number = parse_notice_reference(reference)[0]
    guarantees.request_bid_bond(ctx, actor, number, body.institution_id)
    return [GuaranteeOut.of(v) for v in guarantees.bid_bonds_of(ctx, actor, number)]


@router.get(
    "/notices/{reference}/bid-bond",
    response_model=list[GuaranteeOut],
    summary="The notice's bid bonds: a firm's own, or all of them for the notice's agency",
)
def bid_bonds(ctx: Ctx, actor: ApiActor, reference: str) -> list[GuaranteeOut]:
    return [GuaranteeOut.of(v) for v in guarantees.bid_bonds_of(ctx, actor, parse_notice_reference(reference)[0])]
