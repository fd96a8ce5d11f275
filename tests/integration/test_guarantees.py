"""Electronic guarantees over real HTTP with ``jangter guarantor`` as the institution (issue #8 point 2 and its
reliability points; koneps-rules §5: the institution sends the guarantee straight to the agency's system).

Jangter is served by uvicorn in this process; the guarantor is its own process with its own database. The test is
the worker (it runs the call outbox when it wants) and the clerk (it uses the clerk's page over HTTP).
"""

from __future__ import annotations

import csv
import json
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import httpx2 as httpx
import pytest
import uvicorn
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlalchemy import func, select, text

from jangter.app import create_app
from jangter.config import Environment, Settings
from jangter.contracting import closing, guarantees
from jangter.contracting import service as contracting
from jangter.contracting.domain.contract import ContractStatus
from jangter.contracting.domain.guarantee import ContractEnd, GuaranteeKind, GuaranteeStatus
from jangter.guarantor.app import signed
from jangter.identity.domain.roles import Role
from jangter.identity.security_log import SecurityEvent
from jangter.identity.service import NewPerson, add_member
from jangter.kernel.clock import OffsetClock
from jangter.kernel.context import AppContext
from jangter.kernel.errors import DomainError
from jangter.kernel.transfers import FileExport
from jangter.notifications import calls
from jangter.payments import service as payments
from jangter.payments.domain.ledger import PaymentKind
from jangter.payments.orm import PaymentClaim
from tests.support import OPENING as OPENING_AT
from tests.support import PASSWORD as PEOPLE_PASSWORD
from tests.support import World, actor_by_email, award_goods_notice, make_world, public_b64

PASSWORD = "clerk-pass"
TERMS = contracting.DraftTerms(date(2026, 12, 1), date(2027, 3, 31), "LED 조명기구 납품")


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _wait(check: Callable[[], bool], seconds: float = 20) -> None:
    deadline = time.monotonic() + seconds
    while not check():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.1)


class JangterServer:
    """Jangter's app over real HTTP on a fixed port; can be stopped and started again (an outage)."""

    def __init__(self, ctx: AppContext, settings: Settings) -> None:
        self.ctx, self.settings, self.port = ctx, settings, _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.server: uvicorn.Server | None = None
        self.thread: threading.Thread | None = None

    def start(self) -> None:
        app = create_app(self.settings, self.ctx, run_worker=False)
        self.server = uvicorn.Server(
            uvicorn.Config(app, host="127.0.0.1", port=self.port, log_level="warning", lifespan="on")
        )
        self.thread = threading.Thread(target=self.server.run, daemon=True)
        self.thread.start()
        _wait(lambda: self.server is not None and self.server.started)

    def stop(self) -> None:
        assert self.server is not None and self.thread is not None
        self.server.should_exit = True
        self.thread.join(timeout=10)


@dataclass
class Institution:
    key: Ed25519PrivateKey
    key_file: Path
    database: Path
    port: int
    jangter: JangterServer
    process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        jangter = str(Path(sys.executable).parent / "jangter")
        self.process = subprocess.Popen(
            [
                jangter,
                "guarantor",
                "serve",
                "--key-file",
                str(self.key_file),
                "--jangter-url",
                self.jangter.url,
                "--database-url",
                f"sqlite:///{self.database}",
                "--port",
                str(self.port),
                "--jangter-key",
                self.jangter.ctx.signer.public_bytes.hex(),
            ],
            env=os.environ | {"GUARANTOR_CLERK_PASSWORD": PASSWORD},
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )

        def up() -> bool:
            try:
                return httpx.get(f"{self.url}/healthz", timeout=1).status_code == 200
            except httpx.HTTPError:
                return False

        _wait(up)

    def kill(self) -> None:
        assert self.process is not None
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=10)

    def clerk_page(self) -> str:
        answer = httpx.get(self.url + "/", auth=("clerk", PASSWORD), timeout=5)
        answer.raise_for_status()
        return answer.text

    def approve(self, request_id: int, amount: int | None = None) -> None:
        data = {"amount": str(amount) if amount is not None else ""}
        answer = httpx.post(f"{self.url}/requests/{request_id}/approve", data=data, auth=("clerk", PASSWORD), timeout=5)
        assert answer.status_code == 303, answer.text

    def rows(self) -> list[Any]:
        import sqlite3

        with sqlite3.connect(self.database) as connection:
            return connection.execute("SELECT id, jangter_reference, status FROM request ORDER BY id").fetchall()


@pytest.fixture
def jangter(ctx: AppContext, database_url: str, tmp_path: Path) -> Iterator[JangterServer]:
    settings = Settings(
        env=Environment.TEST, database_url=database_url, secret_key="g" * 40, var_dir=tmp_path, embedded_worker=False
    )
    server = JangterServer(replace(ctx, transfers=FileExport(tmp_path / "transfers")), settings)
    server.start()
    yield server
    if server.server is not None and not server.server.should_exit:
        server.stop()


@pytest.fixture
def institution(jangter: JangterServer, tmp_path: Path) -> Iterator[Institution]:
    key = Ed25519PrivateKey.generate()
    key_file = tmp_path / "guarantor.pem"
    key_file.write_bytes(
        key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    running = Institution(key, key_file, tmp_path / "guarantor.db", _free_port(), jangter)
    running.start()
    yield running
    if running.process is not None and running.process.poll() is None:
        running.kill()


def setup(ctx: AppContext, clock: OffsetClock, institution: Institution) -> tuple[World, str, int, Any]:
    """A contract both have signed, and the institution onboarded by the operator."""
    world = make_world(ctx, firms=2)
    notice = award_goods_notice(world, clock)
    number = contracting.draft(ctx, world.officer, notice, TERMS)
    firm_id = contracting.get_contract(ctx, world.officer, number).firm_id
    firm = next(f for f in world.firms if f.org_id == firm_id)
    contracting.sign(ctx, firm, number, 1)
    contracting.sign(ctx, world.officer, number, 1)
    new = guarantees.NewInstitution("서울보증보험(시험)", "104-81-00000", institution.url, public_b64(institution.key))
    institution_id = guarantees.register_institution(ctx, world.operator, new)
    return world, number, institution_id, firm


def status_of(ctx: AppContext, firm: Any, number: str) -> guarantees.GuaranteeView:
    [view] = guarantees.for_contract(ctx, firm, number)
    return view


def test_a_guarantee_goes_from_the_firm_to_the_institution_and_back_to_the_agency_over_http(
    ctx: AppContext, clock: OffsetClock, institution: Institution
) -> None:
    world, number, institution_id, firm = setup(ctx, clock, institution)
    kind = GuaranteeKind.CONTRACT_DEPOSIT
    with pytest.raises(DomainError) as refused:
        guarantees.request(ctx, world.officer, number, kind, institution_id)  # the firm asks, not the agency
    assert refused.value.code == "role_required"
    reference = guarantees.request(ctx, firm, number, kind, institution_id)
    view = status_of(ctx, firm, number)
    assert view.status is GuaranteeStatus.REQUESTED and not view.sent  # "waiting for the institution"
    assert view.amount_required == contracting.get_contract(ctx, firm, number).deposit

    assert calls.deliver_due(ctx) == (1, 0)  # the worker's pass: the request reaches the institution
    assert status_of(ctx, firm, number).sent
    page = institution.clerk_page()
    assert reference in page and number in page
    [(request_id, jangter_reference, state)] = institution.rows()
    assert (jangter_reference, state) == (reference, "pending")
    institution.approve(request_id)
    _wait(lambda: status_of(ctx, firm, number).status is GuaranteeStatus.ISSUED)  # sent on by the institution
    issued = status_of(ctx, firm, number)
    assert issued.amount == issued.amount_required and issued.institution_reference is not None
    assert issued.valid_until is not None and issued.valid_until >= TERMS.ends_on

    with pytest.raises(DomainError) as refused:
        guarantees.decide(ctx, firm, reference, accept=True)  # the agency decides
    assert refused.value.code == "role_required"
    assert contracting.get_contract(ctx, firm, number).status is ContractStatus.SIGNED_BY_AGENCY
    guarantees.decide(ctx, world.officer, reference, accept=True)
    assert status_of(ctx, firm, number).status is GuaranteeStatus.ACCEPTED
    assert contracting.get_contract(ctx, firm, number).status is ContractStatus.ACTIVE  # the deposit is secured
    with ctx.db.reading() as session:
        logged = session.execute(text("SELECT kind FROM log_pending WHERE subject = :n"), {"n": number}).scalars().all()
    assert "guarantee.issued" in logged


def test_nothing_is_lost_or_doubled_when_the_institution_or_jangter_is_down(
    ctx: AppContext, clock: OffsetClock, institution: Institution
) -> None:
    """Issue #8 Reliability: kill the guarantee service and the worker mid-flow; every guarantee completes exactly
    once when they return."""
    _world, number, institution_id, firm = setup(ctx, clock, institution)
    institution.kill()  # the institution is down when the request goes out
    reference = guarantees.request(ctx, firm, number, GuaranteeKind.CONTRACT_DEPOSIT, institution_id)
    assert calls.deliver_due(ctx) == (0, 1)
    with ctx.db.reading() as session:
        call = calls.pending(session, f"guarantee-request:{reference}")
        assert call is not None and call.attempts == 1 and call.last_error and call.delivered_at is None
    assert calls.deliver_due(ctx) == (0, 0)  # backing off: not due yet
    assert not status_of(ctx, firm, number).sent
    institution.start()  # back, with its own database
    clock.advance(timedelta(seconds=30))
    assert calls.deliver_due(ctx) == (1, 0)
    # The worker dies after the institution's "OK" and before its commit: the call is made again on the next pass.
    with ctx.uow() as uow:
        uow.session.execute(text("UPDATE outbox_call SET delivered_at = NULL"))
        uow.commit()
    assert calls.deliver_due(ctx) == (1, 0)
    assert [row[1:] for row in institution.rows()] == [(reference, "pending")]  # recognised: one request

    institution.jangter.stop()  # now Jangter is down while the institution sends the guarantee
    institution.approve(institution.rows()[0][0])
    time.sleep(1.5)
    assert "장터 전달 대기" in institution.clerk_page()  # the institution keeps it and retries
    institution.jangter.start()
    _wait(lambda: status_of(ctx, firm, number).status is GuaranteeStatus.ISSUED, seconds=30)
    _wait(lambda: "장터에 전달됨" in institution.clerk_page(), seconds=30)
    with ctx.db.reading() as session:
        issued_audits = session.scalar(
            text("SELECT count(*) FROM audit_record WHERE action = 'guarantee.issued' AND entity_id = :n"),
            {"n": number},
        )
    assert issued_audits == 1


def test_a_replayed_message_is_recognised_and_a_mismatched_or_forged_one_refused_and_logged(
    ctx: AppContext, clock: OffsetClock, institution: Institution
) -> None:
    _world, number, institution_id, firm = setup(ctx, clock, institution)
    reference = guarantees.request(ctx, firm, number, GuaranteeKind.CONTRACT_DEPOSIT, institution_id)
    wanted = status_of(ctx, firm, number)
    message = {
        "type": "guarantee.issued",
        "request": reference,
        "reference": "GTR-TEST-1",
        "kind": "contract_deposit",
        "contract": number,
        "firm_business_number": firm.org_business_number,
        "amount": wanted.amount_required - 1,  # short by a won
        "valid_from": "2026-11-24",
        "valid_until": "2027-05-31",
    }
    url = institution.jangter.url + "/api/v1/guarantees/issued"
    short = httpx.post(url, json=signed(institution.key, message), timeout=5)
    assert short.status_code == 422 and short.json()["code"] == "guarantee_mismatch"
    other = httpx.post(url, json=signed(institution.key, message | {"contract": "R26TA99999999"}), timeout=5)
    assert other.status_code == 422 and "contract" in other.json()["detail"]
    forged = httpx.post(url, json=signed(Ed25519PrivateKey.generate(), message), timeout=5)
    assert forged.status_code == 401 and forged.json()["code"] == "signature_invalid"
    unknown = httpx.post(url, json=signed(institution.key, message | {"request": "G26999999999"}), timeout=5)
    assert unknown.status_code == 404
    assert status_of(ctx, firm, number).status is GuaranteeStatus.REQUESTED  # none of them changed anything

    good = signed(institution.key, message | {"amount": wanted.amount_required})
    first = httpx.post(url, json=good, timeout=5)
    again = httpx.post(url, json=good, timeout=5)  # a replay
    assert first.status_code == again.status_code == 200 and first.json() == again.json()
    another = httpx.post(
        url,
        json=signed(institution.key, message | {"reference": "GTR-TEST-2", "amount": wanted.amount_required}),
        timeout=5,
    )
    assert another.status_code == 409
    with ctx.db.reading() as session:
        codes = [
            e.detail["code"] for e in session.scalars(select(SecurityEvent).where(SecurityEvent.kind == "guarantee"))
        ]
        audits = session.scalar(
            select(func.count()).select_from(text("audit_record")).where(text("action = 'guarantee.issued'"))
        )
    assert codes == [
        "guarantee_mismatch",
        "guarantee_mismatch",
        "signature_invalid",
        "guarantee_request_unknown",
        "guarantee_already_issued",
    ]
    assert audits == 1
    assert json.loads(json.dumps(status_of(ctx, firm, number).amount)) == wanted.amount_required


def test_from_the_award_to_a_direct_subcontractor_payment_through_the_api_with_the_institution_over_http(
    ctx: AppContext, clock: OffsetClock, institution: Institution, tmp_path: Path
) -> None:
    """Issue #8 "done when": award → contract and both signatures → guarantee from ``jangter guarantor`` → delivery,
    inspection, claim with a subcontractor's share → payment with the subcontractor paid directly; over HTTP."""
    world = make_world(ctx, firms=3)
    notice = award_goods_notice(world, clock)
    for email, role in (("inspector@gov.kr", Role.INSPECTOR), ("finance@gov.kr", Role.FINANCE_OFFICER)):
        add_member(
            ctx, world.operator, world.officer.org_id, NewPerson(email, email, PEOPLE_PASSWORD, frozenset({role}))
        )
    new = guarantees.NewInstitution("서울보증보험(시험)", "104-81-00000", institution.url, public_b64(institution.key))
    institution_id = guarantees.register_institution(ctx, world.operator, new)
    api = institution.jangter.url + "/api/v1"

    def token(email: str) -> dict[str, str]:
        answer = httpx.post(f"{api}/auth/token", data={"username": email, "password": PEOPLE_PASSWORD}, timeout=10)
        assert answer.status_code == 200, answer.text
        return {"Authorization": f"Bearer {answer.json()['access_token']}"}

    def call(method: str, path: str, who: dict[str, str], expect: int = 200, **kwargs: Any) -> Any:
        answer = httpx.request(method, f"{api}{path}", headers=who, timeout=15, **kwargs)
        assert answer.status_code == expect, (path, answer.status_code, answer.text)
        return answer.json() if answer.content else None

    officer, inspector, finance = token("officer@gov.kr"), token("inspector@gov.kr"), token("finance@gov.kr")
    body = {"starts_on": "2026-12-01", "ends_on": "2027-03-31", "deliverables": "LED 조명기구 1,200개 납품 및 설치"}
    contract = call("POST", f"/notices/{notice}/contract", officer, 201, json=body)
    number, amount = contract["number"], contract["amount"]
    emails = {f.org_id: f"bid{i}@firm.kr" for i, f in enumerate(world.firms)}
    firm = token(emails[contract["firm"]["id"]])
    sub_firm = next(f for f in world.firms if f.org_id != contract["firm"]["id"])
    call("POST", f"/contracts/{number}/versions/1/sign", firm)
    assert call("POST", f"/contracts/{number}/versions/1/sign", officer)["status"] == "signed_by_agency"
    checks = call("GET", f"/contracts/{number}/versions/1/signatures", firm)
    assert [c["intact"] and c["valid"] and c["trusted"] for c in checks] == [True, True]

    [asked] = call(
        "POST",
        f"/contracts/{number}/guarantees",
        firm,
        201,
        json={"kind": "contract_deposit", "institution_id": institution_id},
    )
    assert asked["status"] == "requested" and not asked["sent_to_institution"]
    assert calls.deliver_due(ctx) == (1, 0)  # the worker's pass
    [(request_id, _, _)] = institution.rows()
    institution.approve(request_id)
    _wait(lambda: call("GET", f"/contracts/{number}/guarantees", officer)[0]["status"] == "issued")
    call("POST", f"/guarantees/{asked['reference']}/accept", officer, 204)
    assert call("GET", f"/contracts/{number}", firm)["status"] == "active"

    subs = call(
        "POST",
        f"/contracts/{number}/subcontracts",
        firm,
        201,
        json={
            "business_number": sub_firm.org_business_number,
            "scope": "설치",
            "amount": amount // 5,
            "direct_payment": True,
        },
    )
    sub = subs["subcontracts"][0]["number"]
    call("POST", f"/contracts/{number}/deliveries", firm, 201, json={"final": True, "description": "준공"})
    call("POST", f"/contracts/{number}/deliveries/1/inspection", inspector, json={"passed": True})
    supply = amount * 10 // 11
    claim = {
        "kind": "final",
        "amount": amount,
        "delivery": 1,
        "invoice": {
            "number": "20270331-41000000-00000009",
            "issued_on": "2027-03-31",
            "supply_amount": supply,
            "vat": amount - supply,
        },
        "shares": [{"recipient": "subcontractor", "subcontract": sub, "amount": amount // 5}],
    }
    call("POST", f"/contracts/{number}/claims", firm, 201, json=claim)
    paid = call("POST", f"/contracts/{number}/claims/1/pay", finance)
    assert paid["remaining"] == 0 and paid["net_paid"] == amount
    assert call("GET", f"/contracts/{number}", firm)["status"] == "completed"
    [bank_file] = (tmp_path / "transfers").glob("transfers-*.csv")
    with bank_file.open(encoding="utf-8") as handle:
        lines = {line["reference"]: int(line["amount_won"]) for line in csv.DictReader(handle)}
    assert lines == {f"{number}-P001": amount - amount // 5, f"{number}-P001-S01": amount // 5}
    mine = call("GET", "/me/subcontracts", token(emails[sub_firm.org_id]))
    assert [(m["number"], m["paid"]) for m in mine] == [(sub, amount // 5)]
    figures = call("GET", "/statistics/contracts", {})
    assert figures["paid_to_subcontractors_directly"] == amount // 5 and figures["guarantees_issued"] == 1

    # Completed: the contract deposit is released, and the institution is told (its clerk sees it).
    [released] = call("GET", f"/contracts/{number}/guarantees", firm)
    assert released["status"] == "released" and not released["institution_told"]
    assert calls.deliver_due(ctx) == (1, 0)
    assert call("GET", f"/contracts/{number}/guarantees", firm)[0]["institution_told"]
    assert "해제됨" in institution.clerk_page()


def test_a_claim_reaches_the_institution_once_even_when_it_was_down_and_forged_or_unknown_notices_are_refused(
    ctx: AppContext, clock: OffsetClock, institution: Institution
) -> None:
    """A termination for the firm's default claims the contract deposit (koneps-rules §5; 시행령 §51): the claim
    waits while the institution is down, arrives once, and the institution refuses what Jangter did not sign or
    what it never issued."""
    world, number, institution_id, firm = setup(ctx, clock, institution)
    reference = guarantees.request(ctx, firm, number, GuaranteeKind.CONTRACT_DEPOSIT, institution_id)
    assert calls.deliver_due(ctx) == (1, 0)
    institution.approve(institution.rows()[0][0])
    _wait(lambda: status_of(ctx, firm, number).status is GuaranteeStatus.ISSUED)
    guarantees.decide(ctx, world.officer, reference, accept=True)

    institution.kill()
    closing.terminate(ctx, world.officer, number, ContractEnd.TERMINATED_FIRM_FAULT, "착공 지연 후 이행 포기")
    assert status_of(ctx, firm, number).status is GuaranteeStatus.CLAIMED
    assert calls.deliver_due(ctx) == (0, 1)  # down: kept, retried later
    assert not status_of(ctx, firm, number).told
    institution.start()
    clock.advance(timedelta(seconds=30))
    assert calls.deliver_due(ctx) == (1, 0)
    with ctx.uow() as uow:  # the worker died after the institution's "OK", before its commit
        uow.session.execute(text("UPDATE outbox_call SET delivered_at = NULL WHERE key LIKE 'guarantee-claimed:%'"))
        uow.commit()
    assert calls.deliver_due(ctx) == (1, 0)  # sent again, recognised there
    assert status_of(ctx, firm, number).told
    page = institution.clerk_page()
    deposit = contracting.get_contract(ctx, firm, number).deposit
    assert page.count("보증금 청구") == 1 and f"₩{deposit:,}" in page and "착공 지연" in page

    with ctx.db.reading() as session:
        [body] = session.execute(text("SELECT body FROM outbox_call WHERE key LIKE 'guarantee-claimed:%'")).scalars()
    envelope = json.loads(body)
    url = institution.url + "/notices"
    assert httpx.post(url, json=envelope, timeout=5).json()["status"] == "already_received"
    forged = signed(Ed25519PrivateKey.generate(), envelope["message"])
    assert httpx.post(url, json=forged, timeout=5).status_code == 401
    unknown = guarantees.signed(ctx, envelope["message"] | {"request": "G26999999999"})
    assert httpx.post(url, json=unknown, timeout=5).status_code == 404
    released = guarantees.signed(ctx, envelope["message"] | {"type": "guarantee.released"})
    assert httpx.post(url, json=released, timeout=5).status_code == 409  # claimed already: not released too


class WorkerProcess:
    """``jangter worker`` as its own process on the test's database, killed with SIGKILL whenever the test likes."""

    def __init__(self, database_url: str, var_dir: Path, signer: Any) -> None:
        self.database_url, self.var_dir = database_url, var_dir
        var_dir.mkdir(parents=True, exist_ok=True)
        (var_dir / "platform-signing-key.pem").write_bytes(  # the platform's key, as the server's
            signer.private_key.private_bytes(
                serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
            )
        )
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        env = os.environ | {
            "JANGTER_ENV": "test",
            "JANGTER_SECRET_KEY": "w" * 40,
            "JANGTER_DATABASE_URL": self.database_url,
            "JANGTER_VAR_DIR": str(self.var_dir),
            "JANGTER_WORKER_INTERVAL_SECONDS": "0.2",
        }
        jangter = str(Path(sys.executable).parent / "jangter")
        self.process = subprocess.Popen(
            [jangter, "worker"], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True
        )

    def kill(self) -> None:
        assert self.process is not None
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=10)


class BankDown:
    def send(self, orders: list[Any]) -> None:
        raise ConnectionError("the bank's channel is down")


def _kill_until(
    worker: WorkerProcess, done: Callable[[], bool], pending: Callable[[], int], between: Callable[[], None]
) -> list[int]:
    """Start the worker and SIGKILL it again and again (the first time early, before its first pass is through)
    until ``done``; returns how much was still pending at each kill."""
    at_kill = []
    pauses = iter([0.5, 0.9, 1.4, 2.0, 2.5, 3.0, 3.0, 3.0, 4.0, 4.0, 5.0, 5.0, 6.0, 6.0, 8.0, 8.0])
    while not done():
        pause = next(pauses, None)
        assert pause is not None, "the work did not complete"
        worker.start()
        time.sleep(pause)
        worker.kill()
        at_kill.append(pending())
        between()
    return at_kill


def test_a_worker_killed_again_and_again_still_delivers_every_request_and_payment_exactly_once(
    ctx: AppContext, clock: OffsetClock, institution: Institution, database_url: str, tmp_path: Path
) -> None:
    """Issue #8 Reliability with a real worker process: SIGKILL in the middle of delivering guarantee requests and
    handing payment orders to the bank; when it returns, every request reached the institution once and every
    payment is in the bank file once."""
    world = make_world(ctx, firms=2)
    numbers = [world.publish(title=f"청사 조명 교체 구매 {i}") for i in range(3)]
    for number in numbers:
        world.bid(number, 0, 89_100_000, (1, 5))
        world.bid(number, 1, 88_700_000, (2, 6))
    clock.set(OPENING_AT)
    contracts = []
    for number in numbers:
        world.open(number)
        world.award(number)
        contract = contracting.draft(ctx, world.officer, number, TERMS)
        firm = next(
            f for f in world.firms if f.org_id == contracting.get_contract(ctx, world.officer, contract).firm_id
        )
        contracting.sign(ctx, firm, contract, 1)
        contracting.sign(ctx, world.officer, contract, 1)
        contracts.append((contract, firm))
    new = guarantees.NewInstitution("서울보증보험(시험)", "104-81-00000", institution.url, public_b64(institution.key))
    institution_id = guarantees.register_institution(ctx, world.operator, new)
    references = [
        guarantees.request(ctx, firm, contract, GuaranteeKind.CONTRACT_DEPOSIT, institution_id)
        for contract, firm in contracts
    ]
    worker = WorkerProcess(database_url, tmp_path / "worker-var", ctx.signer)

    def undelivered() -> int:
        with ctx.db.reading() as session:
            return int(
                session.scalar(
                    select(func.count()).select_from(calls.OutboxCall).where(calls.OutboxCall.delivered_at.is_(None))
                )
                or 0
            )

    def approve_pending() -> None:
        for request_id, _, state in institution.rows():
            if state == "pending":
                institution.approve(request_id)

    kills = _kill_until(worker, lambda: undelivered() == 0, undelivered, approve_pending)
    approve_pending()
    assert kills[0] == len(contracts)  # the first kill came before anything was delivered
    assert sorted(row[1] for row in institution.rows()) == sorted(references)  # each request there, once
    for (contract, firm), reference in zip(contracts, references, strict=True):

        def issued(number: str = contract, who: Any = firm) -> bool:
            return status_of(ctx, who, number).status is GuaranteeStatus.ISSUED

        _wait(issued)
        guarantees.decide(ctx, world.officer, reference, accept=True)

    inspector_email, finance_email = "inspector@gov.kr", "finance@gov.kr"
    for email, role in ((inspector_email, Role.INSPECTOR), (finance_email, Role.FINANCE_OFFICER)):
        add_member(
            ctx, world.operator, world.officer.org_id, NewPerson(email, email, PEOPLE_PASSWORD, frozenset({role}))
        )
    inspector, finance = actor_by_email(ctx, inspector_email), actor_by_email(ctx, finance_email)
    down = replace(ctx, transfers=BankDown())
    nets = {}
    for contract, firm in contracts:
        amount = contracting.get_contract(ctx, firm, contract).amount
        final = payments.report_delivery(ctx, firm, contract, final=True, description="전량 납품")
        payments.inspect(ctx, inspector, contract, final, passed=True)
        supply = amount * 10 // 11
        invoice = payments.TaxInvoice("20261201-41000000-00000001", date(2026, 12, 1), supply, amount - supply)
        payments.claim(ctx, firm, contract, PaymentKind.FINAL, amount, invoice, delivery=final)
        nets[payments.pay(down, finance, contract, 1)] = amount  # paid; the bank's channel is down: not handed over

    def unexported() -> int:
        with ctx.db.reading() as session:
            return int(
                session.scalar(select(func.count()).select_from(PaymentClaim).where(PaymentClaim.exported_at.is_(None)))
                or 0
            )

    kills += _kill_until(worker, lambda: unexported() == 0, unexported, lambda: None)
    [bank_file] = (tmp_path / "worker-var" / "transfers").glob("transfers-*.csv")
    with bank_file.open(encoding="utf-8") as handle:
        lines = [(line["reference"], int(line["amount_won"])) for line in csv.DictReader(handle)]
    assert sorted(lines) == sorted(nets.items())  # every payment once, at its amount
    assert len(kills) >= 2
