"""The access matrix, generated from ``docs/permissions.md``: every route × every role × own and other objects
(issue #6 point 6; security.md AT-12: 0 cross-tenant reads or writes)."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from jangter.app import create_app
from jangter.config import Settings
from jangter.helpdesk import faq, incidents, tickets
from jangter.helpdesk import queue as hd_queue
from jangter.helpdesk.domain import Attachment, NewTicket, TicketCategory, TicketKind
from jangter.helpdesk.incident_domain import DraftIncident, Function
from jangter.identity.domain.roles import Actor, Role
from jangter.identity.service import NewPerson, add_member
from jangter.kernel.audit import AuditRecord
from jangter.kernel.context import AppContext
from jangter.kernel.procurement import Category
from jangter.planning import prespecs, programmes
from jangter.planning.prespec_domain import DraftSpec
from jangter.planning.programme_domain import DraftBriefing, DraftProgramme, DraftProject, ServiceType
from jangter.tendering import queries
from jangter.tendering import service as tendering
from tests.support import PASSWORD, actor_by_email, all_routes, insert_contract, make_world, terms

DOC = Path(__file__).resolve().parents[2] / "docs" / "permissions.md"
ROLES = (
    "anonymous",
    "bidder",
    "admin",
    "officer",
    "official",
    "committee",
    "evaluator",
    "inspector",
    "finance",
    "operator",
    "auditor",
)
EMAILS = {
    "bidder": "bidonly@firm.kr",
    "admin": "adminonly@firm.kr",
    "officer": "officer@gov.kr",
    "official": "official@gov.kr",
    "committee": "committee0@gov.kr",
    "evaluator": "evaluator0@gov.kr",
    "inspector": "inspector@gov.kr",
    "finance": "finance@gov.kr",
    "operator": "operator@pps.go.kr",
    "auditor": "auditor@pps.go.kr",
}
REFUSED = {401, 403, 404, 405, 422}


@dataclass(frozen=True)
class Rule:
    method: str
    path: str
    who: frozenset[str]
    scope: str

    def allows(self, role: str, variant: str) -> bool:
        if role not in self.who:
            return False
        if self.scope == "reporter":  # a ticket: its reporter's own, and every ticket for an operator
            return variant == "own" or role == "operator"
        return variant == "own" or self.scope not in ("own", "public")


def read_matrix() -> list[Rule]:
    rules = []
    for line in DOC.read_text(encoding="utf-8").splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) != 4 or cells[0] not in ("GET", "POST", "PUT", "DELETE", "PATCH"):
            continue
        method, path, who, scope = cells
        names = {w.strip() for w in who.split(",")}
        if "anyone" in names:
            names = set(ROLES)
        elif "signed-in" in names:
            names = set(ROLES) - {"anonymous"}
        unknown = names - set(ROLES)
        assert not unknown, f"{method} {path}: unknown roles {unknown}"
        scope = scope.rstrip("¹²³ ")  # a footnote mark
        assert scope in ("any", "own", "public", "credentials", "reporter", "—"), (
            f"{method} {path}: unknown scope {scope}"
        )
        rules.append(Rule(method, path, frozenset(names), scope))
    return rules


MATRIX = read_matrix()


def test_every_route_has_exactly_one_rule(settings: Settings, ctx: AppContext) -> None:
    app = create_app(settings, ctx, run_worker=False)
    routes = {(m, p) for p, methods in all_routes(app) for m in methods - {"HEAD"}}
    written = [(r.method, r.path) for r in MATRIX]
    assert len(written) == len(set(written)), "a route is written twice in docs/permissions.md"
    assert routes - set(written) == set(), "routes without a rule in docs/permissions.md"
    assert set(written) - routes == set(), "rules for routes that do not exist"


def programme_with_briefing(ctx: AppContext, officer: Actor) -> tuple[int, int]:
    """A programme of the officer's agency with one project and a briefing two days on (questions in advance)."""
    programme = programmes.create(ctx, officer, DraftProgramme("전자정부지원사업", 2027, 1_000_000_000))
    project = DraftProject("과제", "행정안전부", 500_000_000, ServiceType.PUBLIC, 1, False, False)
    programmes.add_project(ctx, officer, programme, project)
    start = ctx.clock.now() + timedelta(days=2)
    briefing = DraftBriefing("설명회", start, start + timedelta(hours=2), "", (1,))
    return programme, programmes.schedule_briefing(ctx, officer, programme, briefing)


@pytest.fixture
def world_clients(ctx: AppContext, settings: Settings) -> Any:
    world = make_world(ctx, firms=2)
    firm_a, firm_b = world.firms
    people = {
        key: add_member(ctx, world.operator, firm_a.org_id, NewPerson(EMAILS[key], key, PASSWORD, frozenset(roles)))
        for key, roles in (("bidder", {Role.BIDDER}), ("admin", {Role.COMPANY_ADMIN}))
    }
    auditor = NewPerson(EMAILS["auditor"], "감사인", PASSWORD, frozenset({Role.AUDITOR}))
    add_member(ctx, world.operator, world.operator.org_id, auditor)
    for key, agency_role in (("inspector", Role.INSPECTOR), ("finance", Role.FINANCE_OFFICER)):
        person = NewPerson(EMAILS[key], key, PASSWORD, frozenset({agency_role}))
        add_member(ctx, world.operator, world.officer.org_id, person)
    own_notice = world.publish()
    receipts = [world.bid(own_notice, i, 90_000_000 + i, (1 + i, 5 + i)).receipt_id for i in range(2)]
    other_draft = tendering.create_draft(ctx, world.other_officer, terms(title="다른 기관의 작성 중 공고"))
    own_plan = queries.get_notice(ctx, own_notice, None).order_plan
    other_plan = world.plan(officer=world.other_officer)
    spec = DraftSpec("청사 보안 시스템", Category.SERVICES, 300_000_000, "규격")
    own_spec = prespecs.publish(ctx, world.officer, spec)
    prespecs.file_opinion(ctx, firm_a, own_spec, "의견")
    other_spec = prespecs.publish(ctx, world.other_officer, spec)
    own_programme, own_briefing = programme_with_briefing(ctx, world.officer)
    programmes.ask(ctx, firm_a, own_briefing, "질의")
    other_programme, other_briefing = programme_with_briefing(ctx, world.other_officer)
    incident = incidents.declare(
        ctx, world.operator, DraftIncident("장애", ctx.clock.now(), None, frozenset({Function.BIDDING}))
    )
    own_contract = insert_contract(ctx, own_notice, world.officer, firm_a.org_id)
    bidder = actor_by_email(ctx, EMAILS["bidder"])
    trouble = NewTicket(TicketKind.ERROR_REPORT, TicketCategory.AUTHENTICATION, "로그인 오류", "빈 화면")
    png = Attachment("화면.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 16)
    own_ticket = tickets.file_ticket(ctx, bidder, replace(trouble, attachment=png)).number
    other_ticket = tickets.file_ticket(
        ctx, None, replace(trouble, name="비회원", email="guest@example.kr", attachment=png)
    )
    hd_queue.answer(ctx, world.operator, own_ticket, "캐시를 지우십시오.")
    canned = hd_queue.add_canned(ctx, world.operator, "캐시 안내", "캐시를 지우십시오.")
    faq_entry = faq.publish_from_ticket(ctx, world.operator, own_ticket, "로그인 후 빈 화면", "캐시를 지우십시오.")
    other_contract = insert_contract(ctx, other_draft, world.other_officer, firm_b.org_id)
    values = {
        "own": {
            "reference": own_notice,
            "receipt": receipts[0],
            "receipt_id": receipts[0],
            "firm_id": str(firm_a.org_id),
            "org_id": str(world.officer.org_id),
            "person_id": str(people["bidder"]),
            "number": own_contract,
            "version": "1",
            "plan": own_plan or "",
            "spec": own_spec,
            "opinion": "1",
            "incident": str(incident),
            "programme": str(own_programme),
            "briefing": str(own_briefing),
            "question": "1",
            "ticket": own_ticket,
            "canned_id": str(canned),
            "faq_id": str(faq_entry),
        },
        "other": {
            "reference": other_draft,
            "receipt": receipts[1],
            "receipt_id": receipts[1],
            "firm_id": str(firm_b.org_id),
            "org_id": str(world.other_officer.org_id),
            "person_id": str(firm_b.person_id),
            "number": other_contract,
            "version": "1",
            "plan": other_plan,
            "spec": other_spec,
            "opinion": "1",
            "incident": str(incident),
            "programme": str(other_programme),
            "briefing": str(other_briefing),
            "question": "1",
            "ticket": other_ticket.number,
            "canned_id": str(canned),
            "faq_id": str(faq_entry),
        },
    }
    app = create_app(settings, ctx, run_worker=False)
    clients: dict[str, tuple[TestClient, dict[str, str]]] = {}
    with TestClient(app, base_url="http://testserver") as anonymous:
        anonymous.get("/login")
        clients["anonymous"] = (anonymous, {})
        for role, email in EMAILS.items():
            client = TestClient(app, base_url="http://testserver")
            page = client.get("/login")
            csrf = client.cookies.get("jangter_csrf") or ""
            signed = client.post("/login", data={"email": email, "password": PASSWORD, "csrf": csrf})
            assert signed.status_code in (200, 303), (role, signed.text[:200])
            token = client.post("/api/v1/auth/token", data={"username": email, "password": PASSWORD}).json()
            clients[role] = (client, {"Authorization": f"Bearer {token['access_token']}"})
            assert page.status_code == 200
        yield clients, values


def _fill(path: str, values: dict[str, str]) -> str:
    defaults = {
        "lang": "ko",
        "key_id": "no-such-key",
        "passkey_id": "999999",
        "session_id": "0" * 16,
        "saved_id": "999999",
    }
    return re.sub(r"\{(\w+)\}", lambda m: values.get(m.group(1), defaults.get(m.group(1), "x")), path)


def _audit_count(ctx: AppContext) -> int:
    with ctx.db.reading() as session:
        return session.scalar(select(func.count()).select_from(AuditRecord)) or 0


@pytest.mark.parametrize("rule", MATRIX, ids=lambda r: f"{r.method} {r.path}")
def test_each_role_gets_what_the_matrix_says(rule: Rule, world_clients: Any, ctx: AppContext) -> None:
    clients, values = world_clients
    variants = ("own", "other") if "{" in rule.path else ("own",)
    failures = []
    for role in ROLES:
        client, bearer = clients[role]
        for variant in variants:
            path = _fill(rule.path, values[variant])
            api = path.startswith("/api/")
            csrf = client.cookies.get("jangter_csrf") or ""
            headers = {**(bearer if api else {}), "X-CSRF-Token": csrf}
            before = _audit_count(ctx)
            if rule.method == "GET":
                response = client.get(path, headers=headers, follow_redirects=False)
            elif api:
                response = client.request(rule.method, path, json={}, headers=headers, follow_redirects=False)
            else:
                response = client.request(
                    rule.method, path, data={"csrf": csrf}, headers=headers, follow_redirects=False
                )
            to_login = response.status_code == 303 and response.headers.get("location", "").startswith("/login")
            status = response.status_code
            if rule.allows(role, variant):
                wrong_credentials = rule.scope == "credentials" and status == 401  # the empty form we sent
                if (status in (401, 403) and not wrong_credentials) or to_login:
                    failures.append(f"{role}/{variant}: refused ({status}) but the matrix allows it")
            else:
                if not (status in REFUSED or to_login):
                    failures.append(f"{role}/{variant}: answered {status} but the matrix refuses it")
                if _audit_count(ctx) != before:
                    failures.append(f"{role}/{variant}: refused, yet something was written")
    assert not failures, f"{rule.method} {rule.path}: " + "; ".join(failures)
