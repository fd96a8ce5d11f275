"""Roles and organisation kinds, and the one place that says who may act for which organisation."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from jangter.kernel.errors import DomainError, Forbidden


class OrgKind(StrEnum):
    AGENCY = "agency"  # 수요기관 · 공고기관
    SUPPLIER = "supplier"  # 조달업체
    OPERATOR = "operator"  # 조달청 (the platform's operator)
    GUARANTOR = "guarantor"  # 보증기관 (a machine client: issues electronic guarantees)


class Role(StrEnum):
    PROCUREMENT_OFFICER = "procurement_officer"  # 계약관 · 공고 담당자
    BID_OFFICIAL = "bid_official"  # 입찰집행관
    OPENING_COMMITTEE = "opening_committee"  # 개찰위원 (holds a share of each opening key)
    EVALUATOR = "evaluator"  # 평가위원 (scores technical proposals of negotiated notices)
    INSPECTOR = "inspector"  # 검사관 (inspects deliveries; its acts come with contracts, issue #8)
    FINANCE_OFFICER = "finance_officer"  # 재무관 · 지출관 (pays; its acts come with payments, issue #8)
    COMPANY_ADMIN = "company_admin"  # 업체 관리자
    BIDDER = "bidder"  # 입찰 담당자
    OPERATOR = "operator"  # 운영자
    AUDITOR = "auditor"  # 감사인: reads the audit trail and the security log, changes nothing


ROLE_LABELS: dict[Role, tuple[str, str]] = {
    Role.PROCUREMENT_OFFICER: ("공고 담당자", "Procurement officer"),
    Role.BID_OFFICIAL: ("입찰집행관", "Bid official"),
    Role.OPENING_COMMITTEE: ("개찰위원", "Opening committee member"),
    Role.EVALUATOR: ("평가위원", "Proposal evaluator"),
    Role.INSPECTOR: ("검사관", "Inspector"),
    Role.FINANCE_OFFICER: ("재무관", "Finance officer"),
    Role.COMPANY_ADMIN: ("업체 관리자", "Company administrator"),
    Role.BIDDER: ("입찰 담당자", "Bidder"),
    Role.OPERATOR: ("운영자", "Operator"),
    Role.AUDITOR: ("감사인", "Auditor"),
}

#: Which roles a person of each kind of organisation may hold.
ROLES_BY_KIND: dict[OrgKind, frozenset[Role]] = {
    OrgKind.AGENCY: frozenset(
        {
            Role.PROCUREMENT_OFFICER,
            Role.BID_OFFICIAL,
            Role.OPENING_COMMITTEE,
            Role.EVALUATOR,
            Role.INSPECTOR,
            Role.FINANCE_OFFICER,
        }
    ),
    OrgKind.SUPPLIER: frozenset({Role.COMPANY_ADMIN, Role.BIDDER}),
    OrgKind.OPERATOR: frozenset({Role.OPERATOR, Role.AUDITOR}),
    OrgKind.GUARANTOR: frozenset(),  # no people: the institution speaks by signed messages (ADR 0011)
}


class RegistrationStatus(StrEnum):
    """Supplier registration review (koneps-rules §1.2): 대기 / 승인 / 보류 / 반려."""

    WAITING = "waiting"
    APPROVED = "approved"
    ON_HOLD = "on_hold"
    REJECTED = "rejected"


REGISTRATION_LABELS: dict[RegistrationStatus, tuple[str, str]] = {
    RegistrationStatus.WAITING: ("대기", "Waiting"),
    RegistrationStatus.APPROVED: ("승인", "Approved"),
    RegistrationStatus.ON_HOLD: ("보류", "On hold"),
    RegistrationStatus.REJECTED: ("반려", "Rejected"),
}


@dataclass(frozen=True)
class Actor:
    """The person behind a request, as the use cases see them."""

    person_id: int
    name: str
    org_id: int
    org_kind: OrgKind
    org_name: str
    org_status: RegistrationStatus
    roles: frozenset[Role]
    org_business_number: str | None = None
    session_kind: str = ""  # browser | api ("" when acting outside a session, as in scripts and tests)
    verified_at: datetime | None = None  # the session's last fresh user verification (step-up)
    fallback_until: datetime | None = None  # an exception by the fallback path counts until then
    scopes: frozenset[str] | None = None  # an API token's scopes (None: not restricted)

    def has(self, role: Role) -> bool:
        return role in self.roles


def require_role(actor: Actor | None, *roles: Role, org_id: int | None = None) -> Actor:
    """The actor holds one of ``roles`` (and belongs to ``org_id`` when given), or the request is refused."""
    if actor is None:
        raise DomainError("login_required", "로그인이 필요합니다.", "Please sign in first.", status=401)
    if not any(actor.has(role) for role in roles):
        raise Forbidden(
            "role_required",
            "이 작업에 필요한 역할이 없습니다: " + ", ".join(ROLE_LABELS[r][0] for r in roles),
            "This needs one of these roles: " + ", ".join(ROLE_LABELS[r][1] for r in roles),
        )
    if org_id is not None and actor.org_id != org_id:
        raise Forbidden(
            "other_organisation",
            "다른 기관의 공고입니다.",
            "This belongs to another organisation.",
        )
    return actor


def require_approved_supplier(actor: Actor) -> None:
    if actor.org_kind is not OrgKind.SUPPLIER or actor.org_status is not RegistrationStatus.APPROVED:
        raise Forbidden(
            "firm_not_approved",
            "입찰참가자격 등록이 승인된 업체만 입찰할 수 있습니다.",
            "Only firms whose registration has been approved may bid.",
        )


class Scope(StrEnum):
    """What an API token may do (OAuth 2 ``scope``); a token asked without scopes may do all its person may."""

    READ = "read"  # every GET
    BID = "bid"  # submit sealed bids and proposals
    MANAGE = "manage"  # an agency's acts: notices, opening, award, reviews, evaluations, negotiations
    CONTRACT = "contract"  # contracts: drafting, signing, amending (either party)
    ACCOUNT = "account"  # firms, members, signing keys, committee keys, agencies


def scope_for(method: str, path: str) -> Scope | None:
    """The scope an API call needs (``None``: any token, e.g. signing out)."""
    if path == "/api/v1/auth/logout":
        return None
    if method == "POST" and (
        path == "/api/v1/tickets" or (path.startswith("/api/v1/tickets/") and path.endswith("/replies"))
    ):
        return None  # anyone may ask the helpdesk, and write again on their own ticket, whatever the token is for
    if method in ("GET", "HEAD"):
        return Scope.READ
    if path.endswith("/bids") or path.endswith("/proposal"):
        return Scope.BID
    if path.startswith(("/api/v1/firms", "/api/v1/organisations", "/api/v1/agencies", "/api/v1/me")):
        return Scope.ACCOUNT
    if path.startswith(("/api/v1/contracts", "/api/v1/guarantees")) or path.endswith("/contract"):
        return Scope.CONTRACT
    if path.startswith("/api/v1/institutions"):
        return Scope.ACCOUNT
    return Scope.MANAGE
