"""Contracts: drafted from an award, signed by the firm and then the agency, amended by signed versions (issue #8).

Each signature is a PAdES signature in the contract's PDF, made for the person who signs (their document-signing
certificate, ADR 0010) after a fresh passkey check in a browser (``identity.step_up_minutes`` of the contract's
rules; scripts and API clients are not asked, as for bids). The firm's company administrator signs for the firm,
the agency's procurement officer (계약관) for the agency. Every step is audited; a version both have signed goes to
the public log with the hash of the signed PDF.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from jangter.bidding.orm import Bid
from jangter.contracting import document
from jangter.contracting.domain.contract import (
    ContractAction,
    ContractStatus,
    Terms,
    VersionState,
    advance_limit,
    check_terms,
    next_version_state,
    sign_by,
    transition,
)
from jangter.contracting.domain.deposits import defect_class_for
from jangter.contracting.orm import Contract, ContractVersion
from jangter.evaluation.orm import Opening, PrivateContract
from jangter.identity import certificates, step_up
from jangter.identity.domain.roles import Actor, Role, require_role
from jangter.identity.orm import Organisation
from jangter.identity.service import audit_actor
from jangter.kernel import audit, counters, translog
from jangter.kernel.calendar import seoul_date
from jangter.kernel.context import AppContext
from jangter.kernel.errors import Conflict, DomainError, NotFound
from jangter.kernel.ids import Stage, display_number, make_number
from jangter.kernel.procurement import Category
from jangter.rules.domain import DefectClass, RuleSet
from jangter.tendering.domain.notice import NoticeStatus
from jangter.tendering.orm import Notice
from jangter.tendering.service import load_notice


@dataclass(frozen=True)
class DraftTerms:
    starts_on: date
    ends_on: date
    deliverables: str
    defect_class: DefectClass | None = None  # works: the defect guarantee's work type (그 밖의 공사 when not said)


@dataclass(frozen=True)
class Amendment:
    reason: str
    amount: int | None = None
    ends_on: date | None = None


def load_contract(session: Session, number: str, *, for_update: bool = False) -> Contract:
    query = select(Contract).where(Contract.number == number)
    if for_update:
        query = query.with_for_update()
    contract = session.scalars(query).one_or_none()
    if contract is None:
        raise NotFound("계약", "Contract", code="contract_not_found")
    return contract


def _party(org: Organisation) -> document.Party:
    return document.Party(org.name, org.business_number, org.representative, org.address)


def _awarded(session: Session, notice: Notice) -> tuple[str, int, int, str, Decimal, int, datetime]:
    """What the award (or the private contract) fixed: source, firm, amount, rule set, deposit rate, deposit, and
    when it was decided."""
    opening = session.scalars(
        select(Opening).where(Opening.notice_id == notice.id, Opening.round == notice.round)
    ).one_or_none()
    if opening is not None and opening.awarded_at is not None and opening.winner_bid_id is not None:
        winner = session.get(Bid, opening.winner_bid_id)
        assert winner is not None
        assert winner.amount is not None
        assert opening.award_rule_set_version
        assert opening.contract_deposit is not None
        assert opening.contract_deposit_rate is not None
        return (
            "award",
            winner.firm_id,
            winner.amount,
            opening.award_rule_set_version,
            opening.contract_deposit_rate,
            opening.contract_deposit,
            opening.awarded_at,
        )
    private = session.scalars(select(PrivateContract).where(PrivateContract.notice_id == notice.id)).one_or_none()
    if private is not None:
        return (
            "private_contract",
            private.firm_id,
            private.amount,
            private.rule_set_version,
            private.contract_deposit_rate,
            private.contract_deposit,
            private.decided_at,
        )
    raise Conflict("not_awarded", "낙찰자가 결정된 공고만 계약할 수 있습니다.", "Only an awarded notice is contracted.")


def _document(
    session: Session, ctx: AppContext, contract: Contract, version: ContractVersion, previous: Contract | None
) -> document.ContractDocument:
    rules = ctx.rules.version(contract.rule_set_version)
    category = Category(contract.category)
    notice = session.get(Notice, contract.notice_id)
    agency = session.get(Organisation, contract.agency_id)
    firm = session.get(Organisation, contract.firm_id)
    assert notice is not None
    assert agency is not None
    assert firm is not None
    return document.ContractDocument(
        number=contract.number,
        version=version.version,
        category=category,
        title=contract.title,
        notice=display_number(notice.number, notice.order),
        agency=_party(agency),
        firm=_party(firm),
        amount=version.amount,
        starts_on=version.starts_on,
        ends_on=version.ends_on,
        deliverables=contract.deliverables,
        deposit_rate=contract.deposit_rate,
        deposit=contract.deposit,
        delay_per_mille=rules.contracts.delay_per_mille[category],
        delay_cap_pct=rules.contracts.delay_cap_pct,
        advance_limit=advance_limit(rules, version.amount).value,
        inspection_days=rules.deadlines.inspection_days,
        payment_days=rules.deadlines.payment_days,
        rule_set_version=rules.version,
        drafted_at=version.drafted_at,
        reason=version.reason,
        previous_amount=None if previous is None else previous.amount,
        previous_ends_on=None if previous is None else previous.ends_on,
    )


def _new_version(
    session: Session, ctx: AppContext, contract: Contract, number: int, terms: Terms, reason: str | None, actor: Actor
) -> ContractVersion:
    now = ctx.clock.now()
    version = ContractVersion(
        contract_id=contract.id,
        version=number,
        state=VersionState.DRAFTED.value,
        amount=terms.amount,
        starts_on=terms.starts_on,
        ends_on=terms.ends_on,
        reason=reason,
        drafted_at=now,
        drafted_by=actor.person_id,
    )
    previous = contract if number > 1 else None
    pdf = document.render(_document(session, ctx, contract, version, previous))
    version.pdf = pdf
    version.unsigned_sha256 = version.pdf_sha256 = hashlib.sha256(pdf).hexdigest()
    session.add(version)
    session.flush()
    return version


def draft(ctx: AppContext, actor: Actor | None, notice_number: str, terms: DraftTerms) -> str:
    """계약서 작성: the agency's procurement officer drafts the contract of an awarded notice (or of its private
    contract) on the amount and deposit the award fixed; returns the contract number."""
    now = ctx.clock.now()
    with ctx.uow() as uow:
        session = uow.session
        notice = load_notice(session, notice_number, for_update=True)
        officer = require_role(actor, Role.PROCUREMENT_OFFICER, org_id=notice.agency_id)
        if notice.status != NoticeStatus.AWARDED.value:
            raise Conflict(
                "not_awarded", "낙찰자가 결정된 공고만 계약할 수 있습니다.", "Only an awarded notice is contracted."
            )
        if session.scalar(select(Contract.number).where(Contract.notice_id == notice.id)) is not None:
            raise Conflict(
                "contract_exists", "이 공고의 계약서가 이미 있습니다.", "This notice already has a contract."
            )
        source, firm_id, amount, rule_set, deposit_rate, deposit, awarded_at = _awarded(session, notice)
        check_terms(Terms(amount, terms.starts_on, terms.ends_on))
        rules = ctx.rules.version(rule_set)
        defect_class = defect_class_for(rules, Category(notice.category), terms.defect_class)
        deadline = sign_by(rules, seoul_date(awarded_at))
        year = seoul_date(now).year
        contract = Contract(
            number=make_number(Stage.CONTRACT, year, counters.next_value(session, f"contract:{year}")),
            notice_id=notice.id,
            round=notice.round,
            source=source,
            agency_id=notice.agency_id,
            firm_id=firm_id,
            title=notice.title,
            category=notice.category,
            status=ContractStatus.DRAFTED.value,
            version=0,
            amount=amount,
            starts_on=terms.starts_on,
            ends_on=terms.ends_on,
            deliverables=terms.deliverables.strip(),
            rule_set_version=rule_set,
            deposit_rate=deposit_rate,
            deposit=deposit,
            sign_by=deadline.value,
            defect_class=None if defect_class is None else defect_class.value,
            created_at=now,
            created_by=officer.person_id,
            updated_at=now,
        )
        session.add(contract)
        session.flush()
        version = _new_version(session, ctx, contract, 1, Terms(amount, terms.starts_on, terms.ends_on), None, officer)
        audit.record(
            session,
            at=now,
            actor=audit_actor(officer),
            action="contract.draft",
            entity_type="contract",
            entity_id=contract.number,
            after={
                "notice": notice.number,
                "firm_id": firm_id,
                "amount": amount,
                "starts_on": terms.starts_on.isoformat(),
                "ends_on": terms.ends_on.isoformat(),
                "deposit": deposit,
                "sign_by": deadline.value.isoformat(),
                "defect_class": None if defect_class is None else defect_class.value,
                "rule_set_version": rule_set,
                "pdf_sha256": version.unsigned_sha256,
            },
        )
        uow.commit()
        return contract.number


def _rules(ctx: AppContext, contract: Contract) -> RuleSet:
    return ctx.rules.version(contract.rule_set_version)


def _require_fresh(ctx: AppContext, actor: Actor, number: str) -> None:
    """A signature from a browser needs a fresh passkey check (the contract's ``identity.step_up_minutes``)."""
    with ctx.db.reading() as session:
        contract = load_contract(session, number)
        require_party(actor, contract)
        window = _rules(ctx, contract).identity.step_up_minutes
    step_up.require_fresh(ctx, actor, window, act="contract_sign", subject=number)


def require_party(actor: Actor | None, contract: Contract) -> Actor:
    """Someone of the firm or of the agency (another organisation's contract is not found). Every act and read on a
    contract, its guarantees, payments and subcontracts starts here."""
    if actor is None:
        raise DomainError("login_required", "로그인이 필요합니다.", "Please sign in first.", status=401)
    if actor.org_id not in (contract.firm_id, contract.agency_id):
        raise NotFound("계약", "Contract", code="contract_not_found")
    return actor


def sign(ctx: AppContext, actor: Actor | None, number: str, version_number: int) -> None:
    """Sign one version of the contract: the firm (its company administrator) first, then the agency (its
    procurement officer). The agency's signature on the first version concludes the contract; on an amendment it
    puts the new terms in force."""
    if actor is not None:
        _require_fresh(ctx, actor, number)
    now = ctx.clock.now()
    with ctx.uow() as uow:
        session = uow.session
        contract = load_contract(session, number, for_update=True)
        party = require_party(actor, contract)
        supplier = party.org_id == contract.firm_id
        signer = require_role(party, Role.COMPANY_ADMIN if supplier else Role.PROCUREMENT_OFFICER)
        version = session.scalars(
            select(ContractVersion).where(
                ContractVersion.contract_id == contract.id, ContractVersion.version == version_number
            )
        ).one_or_none()
        if version is None:
            raise NotFound("계약서 판", "Contract version", code="contract_version_not_found")
        status = ContractStatus(contract.status)
        if status in (ContractStatus.COMPLETED, ContractStatus.TERMINATED):
            transition(status, ContractAction.SUPPLIER_SIGN if supplier else ContractAction.AGENCY_SIGN)
        state = next_version_state(VersionState(version.state), supplier=supplier)
        identity = certificates.signing_identity(session, ctx.signer, signer.person_id, now)
        side = "supplier" if supplier else "agency"
        reason = "계약상대자 서명 (supplier)" if supplier else "발주기관 서명 (agency)"
        version.pdf = document.sign(version.pdf, identity, f"{side}-v{version.version}", reason)
        version.pdf_sha256 = hashlib.sha256(version.pdf).hexdigest()
        version.state = state.value
        before = {"status": contract.status, "version_state": VersionState(version.state).value}
        if supplier:
            version.supplier_signed_at, version.supplier_signed_by = now, signer.person_id
            if version.version == 1:
                contract.status = transition(status, ContractAction.SUPPLIER_SIGN).value
        else:
            version.agency_signed_at, version.agency_signed_by = now, signer.person_id
            if version.version == 1:
                new_status = transition(status, ContractAction.AGENCY_SIGN)
                if contract.deposit == 0:  # nothing to secure: in force at once
                    new_status = transition(new_status, ContractAction.SECURE)
                contract.status = new_status.value
            else:
                transition(status, ContractAction.AMEND)
            contract.version = version.version
            contract.amount, contract.starts_on, contract.ends_on = version.amount, version.starts_on, version.ends_on
        contract.updated_at = now
        audit.record(
            session,
            at=now,
            actor=audit_actor(signer),
            action=f"contract.sign_{side}",
            entity_type="contract",
            entity_id=number,
            before=before,
            after={
                "status": contract.status,
                "version": version.version,
                "version_state": version.state,
                "pdf_sha256": version.pdf_sha256,
                "certificate": certificates.fingerprint(identity.certificate),
            },
        )
        if state is VersionState.SIGNED:
            translog.append(
                session,
                "contract.signed",
                number,
                {
                    "version": version.version,
                    "notice_id": contract.notice_id,
                    "firm_id": contract.firm_id,
                    "amount": version.amount,
                    "ends_on": version.ends_on.isoformat(),
                    "pdf_sha256": version.pdf_sha256,
                },
                now,
            )
        uow.commit()


def amend(ctx: AppContext, actor: Actor | None, number: str, change: Amendment) -> int:
    """변경계약: the agency drafts a new version with a new amount and/or end date and the reason; both sign it
    again, and until then the terms in force stay as they were. Returns the new version's number."""
    now = ctx.clock.now()
    with ctx.uow() as uow:
        session = uow.session
        contract = load_contract(session, number, for_update=True)
        officer = require_role(require_party(actor, contract), Role.PROCUREMENT_OFFICER, org_id=contract.agency_id)
        transition(ContractStatus(contract.status), ContractAction.AMEND)
        pending = session.scalar(
            select(ContractVersion.version).where(
                ContractVersion.contract_id == contract.id, ContractVersion.state != VersionState.SIGNED.value
            )
        )
        if pending is not None:
            raise Conflict(
                "amendment_pending",
                f"서명이 끝나지 않은 변경계약서(제{pending}판)가 있습니다.",
                f"Version {pending} is not signed by both yet.",
            )
        if not change.reason.strip():
            raise DomainError("reason_required", "변경 사유를 입력하십시오.", "Please give the reason.", field="reason")
        terms = Terms(
            change.amount if change.amount is not None else contract.amount,
            contract.starts_on,
            change.ends_on if change.ends_on is not None else contract.ends_on,
        )
        check_terms(terms)
        if terms.amount == contract.amount and terms.ends_on == contract.ends_on:
            raise DomainError(
                "nothing_changed",
                "계약금액이나 계약종료일 중 하나는 바뀌어야 합니다.",
                "Change the amount or the end date.",
                field="amount",
            )
        latest = session.scalar(
            select(ContractVersion.version)
            .where(ContractVersion.contract_id == contract.id)
            .order_by(ContractVersion.version.desc())
            .limit(1)
        )
        version = _new_version(session, ctx, contract, (latest or 0) + 1, terms, change.reason.strip(), officer)
        contract.updated_at = now
        audit.record(
            session,
            at=now,
            actor=audit_actor(officer),
            action="contract.amend",
            entity_type="contract",
            entity_id=number,
            before={"amount": contract.amount, "ends_on": contract.ends_on.isoformat()},
            after={
                "version": version.version,
                "amount": terms.amount,
                "ends_on": terms.ends_on.isoformat(),
                "pdf_sha256": version.unsigned_sha256,
            },
            reason=change.reason.strip(),
        )
        uow.commit()
        return version.version


def contract_of_notice(ctx: AppContext, notice_number: str) -> str | None:
    """The number of the notice's contract, if it has one (for the agency's notice page)."""
    with ctx.db.reading() as session:
        return session.scalar(
            select(Contract.number).join(Notice, Notice.id == Contract.notice_id).where(Notice.number == notice_number)
        )


def _seen_by(actor: Actor | None, contract: Contract) -> None:
    """The parties read a contract and its document; anyone else is told it does not exist. (What the public may
    know of contracts, 계약정보공개, comes with the open data of issue #10.)"""
    require_party(actor, contract)


@dataclass(frozen=True)
class VersionView:
    version: int
    state: VersionState
    amount: int
    starts_on: date
    ends_on: date
    reason: str | None
    pdf_sha256: str
    drafted_at: datetime
    supplier_signed_at: datetime | None
    agency_signed_at: datetime | None


@dataclass(frozen=True)
class ContractView:
    number: str
    notice_number: str
    notice_display: str
    title: str
    category: Category
    status: ContractStatus
    source: str
    agency_id: int
    agency_name: str
    firm_id: int
    firm_name: str
    amount: int
    starts_on: date
    ends_on: date
    deliverables: str
    deposit_rate: str
    deposit: int
    rule_set_version: str
    version: int
    versions: tuple[VersionView, ...]
    sign_by: date | None
    bid_bond_forfeit: int | None
    defect_class: DefectClass | None
    terminated_at: datetime | None
    termination_fault: str | None
    termination_reason: str | None
    created_at: datetime
    updated_at: datetime


def _view(session: Session, contract: Contract) -> ContractView:
    notice = session.get(Notice, contract.notice_id)
    agency = session.get(Organisation, contract.agency_id)
    firm = session.get(Organisation, contract.firm_id)
    assert notice is not None
    assert agency is not None
    assert firm is not None
    versions = session.scalars(
        select(ContractVersion).where(ContractVersion.contract_id == contract.id).order_by(ContractVersion.version)
    )
    return ContractView(
        number=contract.number,
        notice_number=notice.number,
        notice_display=display_number(notice.number, notice.order),
        title=contract.title,
        category=Category(contract.category),
        status=ContractStatus(contract.status),
        source=contract.source,
        agency_id=agency.id,
        agency_name=agency.name,
        firm_id=firm.id,
        firm_name=firm.name,
        amount=contract.amount,
        starts_on=contract.starts_on,
        ends_on=contract.ends_on,
        deliverables=contract.deliverables,
        deposit_rate=f"{contract.deposit_rate.normalize():f}",
        deposit=contract.deposit,
        rule_set_version=contract.rule_set_version,
        version=contract.version,
        versions=tuple(
            VersionView(
                v.version,
                VersionState(v.state),
                v.amount,
                v.starts_on,
                v.ends_on,
                v.reason,
                v.pdf_sha256,
                v.drafted_at,
                v.supplier_signed_at,
                v.agency_signed_at,
            )
            for v in versions
        ),
        sign_by=contract.sign_by,
        bid_bond_forfeit=contract.bid_bond_forfeit,
        defect_class=None if contract.defect_class is None else DefectClass(contract.defect_class),
        terminated_at=contract.terminated_at,
        termination_fault=contract.termination_fault,
        termination_reason=contract.termination_reason,
        created_at=contract.created_at,
        updated_at=contract.updated_at,
    )


def get_contract(ctx: AppContext, actor: Actor | None, number: str) -> ContractView:
    with ctx.db.reading() as session:
        contract = load_contract(session, number)
        _seen_by(actor, contract)
        return _view(session, contract)


def list_contracts(ctx: AppContext, actor: Actor | None) -> list[ContractView]:
    """The contracts of the caller's organisation (firm or agency), newest first."""
    if actor is None:
        raise DomainError("login_required", "로그인이 필요합니다.", "Please sign in first.", status=401)
    with ctx.db.reading() as session:
        contracts = session.scalars(
            select(Contract)
            .where((Contract.firm_id == actor.org_id) | (Contract.agency_id == actor.org_id))
            .order_by(Contract.id.desc())
            .limit(200)
        ).all()
        return [_view(session, c) for c in contracts]


def version_pdf(ctx: AppContext, actor: Actor | None, number: str, version_number: int) -> bytes:
    """The PDF of one version, with the signatures made so far."""
    with ctx.db.reading() as session:
        contract = load_contract(session, number)
        _seen_by(actor, contract)
        pdf = session.scalar(
            select(ContractVersion.pdf).where(
                ContractVersion.contract_id == contract.id, ContractVersion.version == version_number
            )
        )
        if pdf is None:
            raise NotFound("계약서 판", "Contract version", code="contract_version_not_found")
        return bytes(pdf)


def signature_checks(
    ctx: AppContext, actor: Actor | None, number: str, version_number: int
) -> list[document.SignatureCheck]:
    """The signatures of one version, checked against Jangter's document-signing CA."""
    pdf = version_pdf(ctx, actor, number, version_number)
    with ctx.uow() as uow:
        ca = certificates.ca_certificate(uow.session, ctx.signer, ctx.clock.now())
        uow.commit()
    return document.check(pdf, ca)


def ca_pem(ctx: AppContext) -> bytes:
    """Jangter's document-signing CA certificate (public)."""
    with ctx.uow() as uow:
        ca = certificates.ca_certificate(uow.session, ctx.signer, ctx.clock.now())
        uow.commit()
    return certificates.pem(ca)
