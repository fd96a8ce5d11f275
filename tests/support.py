"""Building blocks for integration and end-to-end tests: a small world of people made through the use cases."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import Any

from jangter.bidding.service import Receipt, SubmitBid, submit_bid
from jangter.identity.domain.registration_number import brn_check_digit
from jangter.identity.domain.roles import Actor, RegistrationStatus, Role
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
from jangter.kernel.calendar import SEOUL
from jangter.kernel.context import AppContext
from jangter.kernel.procurement import Category, ContractMethod, Jurisdiction
from jangter.tendering import service as tendering
from jangter.tendering.domain.terms import NoticeTerms

PASSWORD = "correct-horse-battery"

#: A deadline that satisfies every rule when published at the scenario start (Mon 2 Nov 2026 09:00):
#: Wednesday 11 Nov 2026 10:00 is a working day, on the hour, 9 calendar days later.
DEADLINE = datetime(2026, 11, 11, 10, 0, tzinfo=SEOUL)
OPENING = DEADLINE + timedelta(hours=1)


def brn(first_nine: str) -> str:
    return first_nine + str(brn_check_digit(first_nine))


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


@dataclass
class World:
    ctx: AppContext
    operator: Actor
    officer: Actor
    official: Actor
    other_officer: Actor
    firms: list[Actor] = field(default_factory=list)
    pending_firm: Actor | None = None

    def publish(self, **changes: Any) -> str:
        number = tendering.create_draft(self.ctx, self.officer, terms(**changes))
        tendering.publish(self.ctx, self.officer, number)
        return number

    def bid(self, number: str, firm: int, amount: int, picks: tuple[int, int]) -> Receipt:
        return submit_bid(self.ctx, self.firms[firm], SubmitBid(number, amount, picks))


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
    for i in range(firms + 1):
        firm_id = register_firm(
            ctx,
            FirmRegistration(
                name=f"시험업체 {i}",
                business_number=brn(f"1208{i:05d}"),
                corporate_number=None,
                representative=f"대표{i}",
                address="서울특별시 중구 세종대로 110",
                region="11",
                admin=NewPerson(
                    f"bid{i}@firm.kr", f"입찰자{i}", PASSWORD, frozenset({Role.BIDDER, Role.COMPANY_ADMIN})
                ),
            ),
        )
        if i < firms:
            review_firm(ctx, operator, firm_id, RegistrationStatus.APPROVED, None)

        actor = _actor_by_email(ctx, f"bid{i}@firm.kr")
        if i < firms:
            world.firms.append(actor)
        else:
            world.pending_firm = actor
    return world


def _actor_by_email(ctx: AppContext, email: str) -> Actor:
    from sqlalchemy import select

    from jangter.identity.orm import Person

    with ctx.db.reading() as session:
        person_id = session.scalars(select(Person.id).where(Person.email == email)).one()
    return actor_of_person(ctx, person_id)
