"""Building blocks for integration and end-to-end tests: a small world of people made through the use cases."""

from __future__ import annotations

import functools
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from jangter.bidding.ceremony import Credential
from jangter.bidding.domain.envelope import SuiteId
from jangter.bidding.service import Receipt, submit_bid
from jangter.client import sealing
from jangter.client.sealing import NoticeKey
from jangter.evaluation.queries import review_view
from jangter.evaluation.service import decide_award, enter_review, open_bids
from jangter.identity.domain.firm_profile import BusinessForm, Licence
from jangter.identity.domain.registration_number import brn_check_digit, corporate_check_digit
from jangter.identity.domain.roles import Actor, RegistrationStatus, Role
from jangter.identity.keys import register_committee_key, register_signing_key
from jangter.identity.service import (
    FirmRegistration,
    NewAgency,
    NewPerson,
    actor_of_person,
    add_member,
    bootstrap_operator,
    create_agency,
    register_firm,
    review_firm,
)
from jangter.kernel.calendar import SEOUL, seoul_date
from jangter.kernel.clock import OffsetClock
from jangter.kernel.context import AppContext
from jangter.kernel.procurement import AwardMethod, Category, ContractMethod, Jurisdiction
from jangter.planning import prespecs
from jangter.planning import service as planning
from jangter.planning.domain import PlanItem
from jangter.planning.prespec_domain import DraftSpec, needed
from jangter.tendering import queries
from jangter.tendering import service as tendering
from jangter.tendering.domain.terms import NoticeTerms

PASSWORD = "correct-horse-battery"

#: A deadline that satisfies every rule when published at the scenario start (Mon 2 Nov 2026 09:00):
#: Wednesday 11 Nov 2026 10:00 is a working day, on the hour, 9 calendar days later.
DEADLINE = datetime(2026, 11, 11, 10, 0, tzinfo=SEOUL)
OPENING = DEADLINE + timedelta(hours=1)


def brn(first_nine: str) -> str:
    return first_nine + str(brn_check_digit(first_nine))


def corporate_number(first_twelve: str) -> str:
    return first_twelve + str(corporate_check_digit(first_twelve))


def resident_number(serial: int) -> str:
    """A well-formed resident registration number (born 1 Jan 1980) for a test proprietor."""
    return f"8001011{serial:06d}"


def firm_registration(name: str, first_nine: str, admin_email: str, **changes: Any) -> FirmRegistration:
    """An application from a corporation registered for every category, nationwide, with one licence."""
    base = FirmRegistration(
        name=name,
        business_number=brn(first_nine),
        business_form=BusinessForm.CORPORATION,
        corporate_number=corporate_number("110111" + first_nine[-6:]),
        proprietor_number=None,
        representative="대표",
        address="서울특별시 중구 세종대로 110",
        region="11",
        supplies=frozenset(c.value for c in Category),
        supply_regions=frozenset({"00"}),
        licences=(Licence("0003", "토목공사업", f"서울-{first_nine[-4:]}"),),
        admin=NewPerson(admin_email, "관리자", PASSWORD, frozenset({Role.COMPANY_ADMIN, Role.BIDDER})),
    )
    return replace(base, **changes)


def firm_body(name: str, business_number: str, admin_email: str, **changes: Any) -> dict[str, Any]:
    """The API's registration body for the same kind of firm as :func:`firm_registration`."""
    return {
        "name": name,
        "business_number": business_number,
        "business_form": "corporation",
        "corporate_number": corporate_number("110111" + business_number.replace("-", "")[-7:-1]),
        "representative": "대표",
        "address": "서울특별시 중구 세종대로 110",
        "region": "11",
        "supplies": ["goods", "services", "works"],
        "supply_regions": ["00"],
        "licences": [{"code": "0003", "name": "토목공사업", "number": "서울-0001"}],
        "admin": {"email": admin_email, "name": "관리자", "password": PASSWORD},
    } | changes


def terms(**changes: Any) -> NoticeTerms:
    base = NoticeTerms(
        title="청사 냉난방기 교체 공사",
        description="시험용 공고",
        category=Category.GOODS,
        contract_method=ContractMethod.GENERAL_COMPETITIVE,
        demand_agency_id=None,
        region="11",
        base_amount=100_000_000,
        estimated_price=90_909_090,
        a_value=0,
        reserve_range_pct=None,
        award_floor_rate=None,
        bid_start_at=datetime(2026, 11, 2, 9, 0, tzinfo=SEOUL),
        deadline_at=DEADLINE,
        opening_at=OPENING,
    )
    return replace(base, **changes)


COMMITTEE_PASSPHRASE = "committee-passphrase-2026"


@dataclass
class World:
    ctx: AppContext
    operator: Actor
    officer: Actor
    official: Actor
    other_officer: Actor
    committee: list[Credential] = field(default_factory=list)
    evaluators: list[Actor] = field(default_factory=list)
    firms: list[Actor] = field(default_factory=list)
    firm_keys: list[Ed25519PrivateKey] = field(default_factory=list)
    pending_firm: Actor | None = None
    jurisdiction: Jurisdiction = Jurisdiction.NATIONAL

    def plan(self, category: Category = Category.GOODS, officer: Actor | None = None) -> str:
        """An order-plan item of the agency (koneps-rules §2.1: a notice is published against one)."""
        return plan_item(self.ctx, officer or self.officer, category)

    def closed_spec(self, category: Category, estimated_price: int, officer: Actor | None = None) -> str:
        """A pre-specification published ten days ago, so its opinion period is over (koneps-rules §2.2)."""
        clock = self.ctx.clock
        assert isinstance(clock, OffsetClock)
        back = clock.now()
        clock.set(back - timedelta(days=10))
        try:
            spec = DraftSpec("시험 사전규격", category, estimated_price, "규격서 초안")
            return prespecs.publish(self.ctx, officer or self.officer, spec)
        finally:
            clock.set(back)

    def draft(self, **changes: Any) -> str:
        """A draft notice of the agency, against a fresh order-plan item of its category, and after a closed
        pre-specification where the rule set needs one, unless they are given."""
        wanted = terms(**changes)
        changes.setdefault("order_plan", self.plan(wanted.category))
        rules = self.ctx.rules.in_force(self.jurisdiction, seoul_date(self.ctx.clock.now()))
        if "pre_specification" not in changes and needed(rules, wanted.category, wanted.estimated_price):
            changes["pre_specification"] = self.closed_spec(wanted.category, wanted.estimated_price)
        return tendering.create_draft(self.ctx, self.officer, terms(**changes))

    def publish(self, **changes: Any) -> str:
        number = self.draft(**changes)
        tendering.publish(self.ctx, self.officer, number)
        return number

    def notice_key(self, number: str) -> NoticeKey:
        detail = queries.get_notice(self.ctx, number, None)
        assert detail.opening_key is not None
        return NoticeKey.from_api({"number": number, "order": detail.order, "opening_key": vars(detail.opening_key)})

    def seal(
        self, number: str, firm: int, amount: int, picks: tuple[int, ...], suite: SuiteId = SuiteId.P256
    ) -> dict[str, Any]:
        actor = self.firms[firm]
        envelope = sealing.seal(
            self.notice_key(number),
            firm=actor.org_business_number or "",
            amount=amount,
            picks=picks,
            signing_key=self.firm_keys[firm],
            suite=suite,
        )
        return envelope.as_document()

    def bid(
        self, number: str, firm: int, amount: int, picks: tuple[int, ...], suite: SuiteId = SuiteId.P256
    ) -> Receipt:
        return submit_bid(self.ctx, self.firms[firm], number, self.seal(number, firm, amount, picks, suite))

    def open(self, number: str, members: int = 3) -> None:
        open_bids(self.ctx, self.official, number, self.committee[:members])

    def review(self, number: str) -> None:
        """적격심사 with full non-price marks, in review order, until a bid passes (koneps-rules §3.3)."""
        while (view := review_view(self.ctx, self.official, number)) is not None and view.winner is None:
            waiting = [row for row in view.rows if row.state == "next"]
            if not waiting:
                return
            full = {item.key: str(item.maximum) for item in view.items}
            enter_review(self.ctx, self.official, number, waiting[0].receipt, full)

    def award(self, number: str) -> None:
        """Review (when the notice has a qualification review) and confirm the winner."""
        if queries.get_notice(self.ctx, number, None).award_method is AwardMethod.QUALIFICATION_REVIEW:
            self.review(number)
        decide_award(self.ctx, self.official, number)


def make_world(ctx: AppContext, firms: int = 3, jurisdiction: Jurisdiction = Jurisdiction.NATIONAL) -> World:
    operator = actor_of_person(
        ctx,
        bootstrap_operator(
            ctx, "조달청", NewPerson("operator@pps.go.kr", "운영자", PASSWORD, frozenset({Role.OPERATOR}))
        ),
    )
    agency = create_agency(ctx, operator, NewAgency("행정안전부", None, "1741000", jurisdiction, "36"))
    other = create_agency(ctx, operator, NewAgency("서울특별시", None, "6110000", Jurisdiction.LOCAL, "11"))
    people = {}
    for key, org, role in (
        ("officer", agency, Role.PROCUREMENT_OFFICER),
        ("official", agency, Role.BID_OFFICIAL),
        ("other_officer", other, Role.PROCUREMENT_OFFICER),
    ):
        person = add_member(ctx, operator, org, NewPerson(f"{key}@gov.kr", key, PASSWORD, frozenset({role})))
        people[key] = actor_of_person(ctx, person)
    world = World(ctx, operator, people["officer"], people["official"], people["other_officer"])
    world.jurisdiction = jurisdiction
    for i in range(5):
        email = f"committee{i}@gov.kr"
        member = actor_of_person(
            ctx,
            add_member(
                ctx, operator, agency, NewPerson(email, f"개찰위원{i}", PASSWORD, frozenset({Role.OPENING_COMMITTEE}))
            ),
        )
        register_committee_key(ctx, member, COMMITTEE_PASSPHRASE)
        world.committee.append(Credential(email, PASSWORD, COMMITTEE_PASSPHRASE))
    for i in range(3):
        person = add_member(
            ctx,
            operator,
            agency,
            NewPerson(f"evaluator{i}@gov.kr", f"평가위원{i}", PASSWORD, frozenset({Role.EVALUATOR})),
        )
        world.evaluators.append(actor_of_person(ctx, person))
    for i in range(firms + 1):
        firm_id = register_firm(
            ctx,
            firm_registration(
                f"시험업체 {i}",
                f"1208{i:05d}",
                f"bid{i}@firm.kr",
                representative=f"대표{i}",
                admin=NewPerson(
                    f"bid{i}@firm.kr", f"입찰자{i}", PASSWORD, frozenset({Role.BIDDER, Role.COMPANY_ADMIN})
                ),
            ),
        )
        if i < firms:
            review_firm(ctx, operator, firm_id, RegistrationStatus.APPROVED, None)
        actor = actor_by_email(ctx, f"bid{i}@firm.kr")
        _, signing_key = sealing.generate_signing_key()
        register_signing_key(ctx, actor, firm_id, sealing.public_key_b64(signing_key))
        if i < firms:
            world.firms.append(actor)
            world.firm_keys.append(signing_key)
        else:
            world.pending_firm = actor
    return world


def actor_by_email(ctx: AppContext, email: str) -> Actor:
    from sqlalchemy import select

    from jangter.identity.orm import Person

    with ctx.db.reading() as session:
        person_id = session.scalars(select(Person.id).where(Person.email == email)).one()
    return actor_of_person(ctx, person_id)


def all_routes(app: Any) -> list[tuple[str, frozenset[str]]]:
    """Every HTTP route of the application as (path, methods), through included routers."""
    from starlette.routing import Route

    found: list[tuple[str, frozenset[str]]] = []

    def walk(routes: list[Any], prefix: str) -> None:
        for route in routes:
            if isinstance(route, Route):
                found.append((prefix + route.path, frozenset(route.methods or ())))
            elif hasattr(route, "original_router"):
                walk(route.original_router.routes, prefix + route.include_context.prefix)

    walk(app.routes, "")
    return found


@contextmanager
def search_engine_broken(ctx: AppContext) -> Iterator[None]:
    """The search engine's index is gone (SQLite: its FTS table dropped; PostgreSQL: its table renamed, and renamed
    back afterwards, because the PostgreSQL test database is shared by the tests of a run)."""
    from sqlalchemy import text

    postgres = ctx.db.engine.dialect.name == "postgresql"
    with ctx.uow() as uow:
        statement = "ALTER TABLE notice_search RENAME TO notice_search_broken" if postgres else "DROP TABLE notice_fts"
        uow.session.execute(text(statement))
        uow.commit()
    try:
        yield
    finally:
        if postgres:
            with ctx.uow() as uow:
                uow.session.execute(text("ALTER TABLE notice_search_broken RENAME TO notice_search"))
                uow.commit()


@functools.cache
def sample_contract_pdf() -> bytes:
    """A contract document (rendered once per test run: embedding the font takes a third of a second)."""
    from jangter.contracting.document import ContractDocument, Party, render

    party = Party("시험기관", None, None, None)
    return render(
        ContractDocument(
            number="R26TA00000001",
            version=1,
            category=Category.GOODS,
            title="시험용 계약",
            notice="R26BK00000001-000",
            agency=party,
            firm=party,
            amount=90_000_000,
            starts_on=date(2026, 12, 1),
            ends_on=date(2027, 3, 31),
            deliverables="시험용 계약",
            deposit_rate=Decimal(10),
            deposit=9_000_000,
            delay_per_mille=Decimal("0.75"),
            delay_cap_pct=Decimal(30),
            advance_limit=63_000_000,
            inspection_days=14,
            payment_days=5,
            rule_set_version="national-2026.01.30",
            drafted_at=datetime(2026, 11, 24, tzinfo=SEOUL),
        )
    )


def insert_contract(ctx: AppContext, notice_number: str, officer: Actor, firm_id: int, amount: int = 90_000_000) -> str:
    """A drafted contract between the officer's agency and a firm, written straight to the tables with a sample
    document (for tests that need one without going through bids, the opening and the award)."""
    import hashlib

    from jangter.contracting.domain.contract import ContractStatus, VersionState
    from jangter.contracting.orm import Contract, ContractVersion
    from jangter.kernel import counters
    from jangter.kernel.ids import Stage, make_number
    from jangter.tendering.service import load_notice

    now = ctx.clock.now()
    with ctx.uow() as uow:
        notice = load_notice(uow.session, notice_number)
        contract = Contract(
            number=make_number(Stage.CONTRACT, now.year, counters.next_value(uow.session, f"contract:{now.year}")),
            notice_id=notice.id,
            round=notice.round,
            source="award",
            agency_id=notice.agency_id,
            firm_id=firm_id,
            title=notice.title,
            category=notice.category,
            status=ContractStatus.DRAFTED.value,
            version=0,
            amount=amount,
            starts_on=date(2026, 12, 1),
            ends_on=date(2027, 3, 31),
            deliverables="시험용 계약",
            rule_set_version=ctx.rules.in_force(Jurisdiction.NATIONAL, now.date()).version,
            deposit_rate=Decimal(10),
            deposit=amount // 10,
            created_at=now,
            created_by=officer.person_id,
            updated_at=now,
        )
        uow.session.add(contract)
        uow.session.flush()
        pdf = sample_contract_pdf()
        digest = hashlib.sha256(pdf).hexdigest()
        uow.session.add(
            ContractVersion(
                contract_id=contract.id,
                version=1,
                state=VersionState.DRAFTED.value,
                amount=amount,
                starts_on=contract.starts_on,
                ends_on=contract.ends_on,
                pdf=pdf,
                unsigned_sha256=digest,
                pdf_sha256=digest,
                drafted_at=now,
                drafted_by=officer.person_id,
            )
        )
        uow.commit()
        return contract.number


def plan_item(ctx: AppContext, officer: Actor, category: Category = Category.GOODS, amount: int = 110_000_000) -> str:
    """Publish an order-plan item for the officer's agency for Q4 2026; returns its number."""
    item = PlanItem(2026, 4, f"시험 발주계획 ({category.value})", category, ContractMethod.GENERAL_COMPETITIVE, amount)
    return planning.publish_item(ctx, officer, item)


def award_goods_notice(world: World, clock: Any, category: Category = Category.GOODS) -> str:
    """A goods (or other) notice with two bids, opened and awarded (the clock is moved to the opening)."""
    title = "청사 LED 조명 교체 구매" if category is Category.GOODS else "청사 주차장 포장 공사"
    number = world.publish(title=title, category=category)
    lift = 0 if category is Category.GOODS else 4_000_000  # above the higher floor rates of works
    world.bid(number, 0, 89_100_000 + lift, (1, 5))
    world.bid(number, 1, 88_700_000 + lift, (2, 6))
    clock.set(OPENING)
    world.open(number)
    world.award(number)
    return number


def public_b64(key: Ed25519PrivateKey) -> str:
    """An Ed25519 public key as Jangter registers it (raw 32 bytes, base64)."""
    import base64

    from cryptography.hazmat.primitives import serialization

    raw = key.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return base64.b64encode(raw).decode()
