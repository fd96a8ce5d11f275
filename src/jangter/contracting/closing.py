"""Ending a contract early: termination (계약 해지) by the agency's procurement officer (issue #8 points 2 and 3).

A contract not completed is terminated for the firm's fault (it did not sign by the deadline, or did not perform)
or by agreement. Its guarantees follow at once (``guarantee.settle``): the contract deposit is claimed only for the
firm's fault, the advance-payment guarantee only for an advance not yet settled; a winner that never signed forfeits
its bid bond (claimed from its guarantee, or owed under its payment undertaking); each institution is told through
the call outbox. The firm's administrators get a mail; the public log records the termination. Claims already made
stay payable: the work was done.
"""

from __future__ import annotations

from jangter.contracting import guarantees
from jangter.contracting.domain.contract import ContractAction, ContractStatus, transition
from jangter.contracting.domain.guarantee import FAULT_LABELS, ContractEnd
from jangter.contracting.service import load_contract, require_party
from jangter.identity import step_up
from jangter.identity.domain.roles import Actor, Role, require_role
from jangter.identity.service import audit_actor, people_with
from jangter.kernel import audit, translog
from jangter.kernel.context import AppContext
from jangter.kernel.errors import DomainError
from jangter.notifications import outbox
from jangter.payments.service import ledger_of


def terminate(ctx: AppContext, actor: Actor | None, number: str, fault: ContractEnd, reason: str) -> None:
    """해지: the contract ends now; from a browser, after a fresh passkey check."""
    if fault not in FAULT_LABELS:
        raise DomainError("fault_invalid", "해지 사유 구분을 선택하십시오.", "Say whose fault it is.", field="fault")
    if not reason.strip():
        raise DomainError("reason_required", "해지 사유를 입력하십시오.", "Please give the reason.", field="reason")
    if actor is not None:
        with ctx.db.reading() as session:
            contract = load_contract(session, number)
            require_role(require_party(actor, contract), Role.PROCUREMENT_OFFICER, org_id=contract.agency_id)
            window = ctx.rules.version(contract.rule_set_version).identity.step_up_minutes
        step_up.require_fresh(ctx, actor, window, act="contract_terminate", subject=number)
    now = ctx.clock.now()
    with ctx.uow() as uow:
        session = uow.session
        contract = load_contract(session, number, for_update=True)
        officer = require_role(require_party(actor, contract), Role.PROCUREMENT_OFFICER, org_id=contract.agency_id)
        before = contract.status
        unsigned = before == ContractStatus.DRAFTED.value
        contract.status = transition(ContractStatus(contract.status), ContractAction.TERMINATE).value
        contract.terminated_at, contract.terminated_by = now, officer.person_id
        contract.termination_fault, contract.termination_reason = fault.value, reason.strip()
        contract.updated_at = now
        outstanding = ledger_of(session, ctx, contract, paid_only=True).advance_outstanding
        guarantees.settle(ctx, session, contract, fault, outstanding, officer, reason.strip())
        forfeit = 0
        if unsigned and fault is ContractEnd.TERMINATED_FIRM_FAULT:
            forfeit = guarantees.forfeit_bid_bond(ctx, session, contract, officer)
        audit.record(
            session,
            at=now,
            actor=audit_actor(officer),
            action="contract.terminate",
            entity_type="contract",
            entity_id=number,
            before={"status": before},
            after={
                "status": contract.status,
                "fault": fault.value,
                "advance_outstanding": outstanding,
                "bid_bond_forfeited": forfeit,
            },
            reason=reason.strip(),
        )
        translog.append(
            session, "contract.terminated", number, {"fault": fault.value, "firm_id": contract.firm_id}, now
        )
        ko, en = FAULT_LABELS[fault]
        owed_ko = owed_en = ""
        if contract.bid_bond_forfeit:
            owed_ko = f"\n입찰보증금 지급각서에 따라 ₩{contract.bid_bond_forfeit:,}을 발주기관에 납부하여야 합니다."
            owed_en = (
                f" Under the payment undertaking, ₩{contract.bid_bond_forfeit:,} of bid bond is owed to the agency."
            )
        for person_id, email in people_with(session, contract.firm_id, Role.COMPANY_ADMIN):
            outbox.enqueue(
                session,
                key=f"contract-terminated:{number}:{person_id}",
                to=email,
                subject=f"[장터] 계약 {number} 해지 ({ko})",
                body=(
                    f"계약 {number} ({contract.title})이 해지되었습니다: {ko}.\n사유: {reason.strip()}{owed_ko}\n"
                    f"{ctx.base_url}/contracts/{number}\n\n"
                    f"Contract {number} was terminated ({en}). Reason: {reason.strip()}{owed_en}"
                ),
                at=now,
            )
        uow.commit()
