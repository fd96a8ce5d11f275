"""Public statistics over time (issue #9 point 6) on a real database: notices, openings, failed bids, awards,
contracts and payments per Seoul day, week and month, filtered by agency type and category, and the same rules as
the contract totals (``payments/totals.py``)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest

from jangter.contracting import service as contracting
from jangter.helpdesk import tickets as helpdesk
from jangter.helpdesk.domain import NewTicket, TicketCategory, TicketKind
from jangter.identity.domain.roles import Role
from jangter.identity.keys import register_committee_key
from jangter.identity.service import NewPerson, actor_of_person, add_member
from jangter.kernel.calendar import SEOUL, seoul_date
from jangter.kernel.clock import OffsetClock
from jangter.kernel.context import AppContext
from jangter.kernel.procurement import Category, Jurisdiction
from jangter.kernel.transfers import FileExport
from jangter.opendata.domain.periods import Granularity
from jangter.opendata.domain.request import StatisticsRequest
from jangter.opendata.statistics import SOURCES, Statistics, compute, to_csv
from jangter.payments import service as payments
from jangter.payments import subcontracts, totals
from jangter.payments.domain.ledger import PaymentKind, Recipient, Share
from jangter.tendering import queries
from tests.integration.test_payments import in_force, invoice
from tests.support import COMMITTEE_PASSPHRASE, PASSWORD, World

#: A second timetable for notices published after the first opening: closes Friday 20 November 2026.
LATER = {
    "deadline_at": datetime(2026, 11, 20, 10, 0, tzinfo=SEOUL),
    "opening_at": datetime(2026, 11, 20, 11, 0, tzinfo=SEOUL),
}
#: 00:30 on Monday 16 November in Seoul is still Sunday 15 November in UTC: the payment belongs to week 47.
PAID_AT = datetime(2026, 11, 16, 0, 30, tzinfo=SEOUL)


@pytest.fixture
def story(ctx: AppContext, clock: OffsetClock, tmp_path: Path) -> tuple[World, int, int, int]:
    """Week 45 (2–8 Nov): a goods notice of the national agency. Week 46: it is opened, awarded and its contract
    signed (11 Nov); a second goods notice (national) and a works notice of the local agency (Seoul) are published.
    Week 47: the contract's first payment, split with a subcontractor, at 00:30 on Monday; the second goods notice
    opens with a single bid and fails (20 Nov).

    Returns the world, the contract amount, what was paid and the subcontractor's share."""
    world, number, prime, inspector, finance = in_force(ctx, clock, firms=3)
    assert seoul_date(clock.now()) == date(2026, 11, 11)  # the opening, the award and the contract
    failing = world.publish(title="청사 복사용지 구매", **LATER)
    world.bid(failing, 0, 89_000_000, (3, 9))
    local_agency = world.other_officer.org_id
    for i in range(5):  # the local agency's opening committee, for its notice to be published
        member = NewPerson(f"local{i}@gov.kr", f"위원{i}", PASSWORD, frozenset({Role.OPENING_COMMITTEE}))
        person = actor_of_person(ctx, add_member(ctx, world.operator, local_agency, member))
        register_committee_key(ctx, person, COMMITTEE_PASSPHRASE)
    local = replace(world, officer=world.other_officer, jurisdiction=Jurisdiction.LOCAL)
    local.publish(title="서울시청 주차장 포장 공사", category=Category.WORKS, **LATER)
    helpdesk.file_ticket(  # week 46: a firm cannot sign in
        ctx,
        world.firms[0],
        NewTicket(TicketKind.ERROR_REPORT, TicketCategory.AUTHENTICATION, "로그인 오류", "인증서 오류"),
    )

    ctx = replace(ctx, transfers=FileExport(tmp_path))
    amount = contracting.get_contract(ctx, prime, number).amount
    sub_firm = next(f for f in world.firms if f.org_id != prime.org_id)
    sub = subcontracts.register(
        ctx,
        prime,
        number,
        business_number=sub_firm.org_business_number or "",
        scope="조명기구 설치",
        amount=amount // 5,
        direct_payment=True,
    )
    seq = payments.report_delivery(ctx, prime, number, final=False, description="1차분")
    payments.inspect(ctx, inspector, number, seq, passed=True)
    half = amount // 2
    shares = (Share(Recipient.SUBCONTRACTOR, amount // 10, sub),)
    payments.claim(ctx, prime, number, PaymentKind.PROGRESS, half, invoice(half), delivery=seq, shares=shares)
    clock.set(PAID_AT)
    payments.pay(ctx, finance, number, 1)
    inquiry = NewTicket(
        TicketKind.INQUIRY, TicketCategory.REGISTRATION, "등록 문의", "서류", "홍길동", "hong@example.kr"
    )
    helpdesk.file_ticket(ctx, None, inquiry)  # Monday 00:30 in Seoul, Sunday in UTC: week 47
    net = payments.payments_of(ctx, prime, number).claims[0].net

    clock.set(LATER["opening_at"])
    world.open(failing)
    assert queries.get_notice(ctx, failing, None).status.value == "failed"
    return world, amount, net, amount // 10


def weekly(ctx: AppContext, **filters: object) -> Statistics:
    request = StatisticsRequest(date(2026, 11, 2), date(2026, 11, 22), Granularity.WEEK)
    return compute(ctx, replace(request, **filters))  # type: ignore[arg-type]


def values(stats: Statistics) -> dict[str, tuple[int, ...]]:
    return {s.spec.key: s.values for s in stats.series}


def test_each_event_counts_in_the_seoul_week_it_happened(ctx: AppContext, story: tuple[World, int, int, int]) -> None:
    _, amount, net, to_sub = story
    stats = weekly(ctx)
    assert [b.key for b in stats.buckets] == ["2026-W45", "2026-W46", "2026-W47"]
    assert values(stats) == {
        "notices": (1, 2, 0),
        "openings": (0, 1, 1),
        "failed": (0, 0, 1),
        "awards": (0, 1, 0),
        "contracts": (0, 1, 0),
        "contract_amount": (0, amount, 0),
        "paid_to_primes": (0, 0, net - to_sub),
        "paid_to_subcontractors": (0, 0, to_sub),
        "inquiries_registration": (0, 0, 1),
        "inquiries_authentication": (0, 1, 0),
        "inquiries_bidding": (0, 0, 0),
        "inquiries_payment": (0, 0, 0),
        "inquiries_search": (0, 0, 0),
        "inquiries_other": (0, 0, 0),
    }


def test_days_and_months_fold_the_same_events(ctx: AppContext, story: tuple[World, int, int, int]) -> None:
    _, amount, net, to_sub = story
    days = compute(ctx, StatisticsRequest(date(2026, 11, 15), date(2026, 11, 16), Granularity.DAY))
    assert values(days)["paid_to_primes"] == (0, net - to_sub)  # Monday in Seoul, though Sunday in UTC
    assert values(days)["paid_to_subcontractors"] == (0, to_sub)
    assert values(days)["inquiries_registration"] == (0, 1)  # filed on Monday in Seoul too
    sunday = compute(ctx, StatisticsRequest(date(2026, 11, 1), date(2026, 11, 15), Granularity.DAY))
    assert sunday.get("paid_to_primes").total == 0  # the period ends at midnight in Seoul
    month = compute(ctx, StatisticsRequest(date(2026, 11, 1), date(2026, 11, 30), Granularity.MONTH))
    assert [b.key for b in month.buckets] == ["2026-11"]
    assert {k: v[0] for k, v in values(month).items()} == {
        "notices": 3,
        "openings": 2,
        "failed": 1,
        "awards": 1,
        "contracts": 1,
        "contract_amount": amount,
        "paid_to_primes": net - to_sub,
        "paid_to_subcontractors": to_sub,
        "inquiries_registration": 1,
        "inquiries_authentication": 1,
        "inquiries_bidding": 0,
        "inquiries_payment": 0,
        "inquiries_search": 0,
        "inquiries_other": 0,
    }


def test_filters_keep_one_agency_type_or_one_category(ctx: AppContext, story: tuple[World, int, int, int]) -> None:
    _, amount, _, to_sub = story
    local = values(weekly(ctx, agency_type=Jurisdiction.LOCAL))
    assert local["notices"] == (0, 1, 0)
    assert all(v == (0, 0, 0) for k, v in local.items() if k != "notices" and not k.startswith("inquiries_"))
    assert local["inquiries_registration"] == (0, 0, 1)  # tickets have no agency type: not narrowed
    national = values(weekly(ctx, agency_type=Jurisdiction.NATIONAL))
    assert national["notices"] == (1, 1, 0)
    assert national["contract_amount"] == (0, amount, 0)
    assert national["paid_to_subcontractors"] == (0, 0, to_sub)
    works = values(weekly(ctx, category=Category.WORKS))
    assert works["notices"] == (0, 1, 0)
    assert works["openings"] == works["contracts"] == works["paid_to_subcontractors"] == (0, 0, 0)
    goods_national = values(weekly(ctx, category=Category.GOODS, agency_type=Jurisdiction.NATIONAL))
    assert goods_national["notices"] == (1, 1, 0)
    assert goods_national["failed"] == (0, 0, 1)
    assert values(weekly(ctx, category=Category.SERVICES, agency_type=Jurisdiction.NATIONAL))["notices"] == (0, 0, 0)


def test_over_all_time_the_series_add_up_to_the_contract_totals(
    ctx: AppContext, story: tuple[World, int, int, int]
) -> None:
    stats = compute(ctx, StatisticsRequest(date(2026, 1, 1), date(2026, 12, 31), Granularity.MONTH))
    figures = totals.totals(ctx)
    assert stats.get("contracts").total == figures.contracts_signed
    assert stats.get("contract_amount").total == figures.contracts_signed_amount
    assert stats.get("paid_to_primes").total == figures.paid_to_primes
    assert stats.get("paid_to_subcontractors").total == figures.paid_to_subcontractors
    assert figures.paid_to_subcontractors > 0


def test_the_csv_has_a_header_and_one_row_per_bucket(ctx: AppContext, story: tuple[World, int, int, int]) -> None:
    _, amount, _, _ = story
    text = to_csv(weekly(ctx))
    assert text.startswith("\ufeff")
    rows = [line.split(",") for line in text.removeprefix("\ufeff").splitlines()]
    assert rows[0] == ["bucket", "start", "end", *(spec.key for source in SOURCES for spec in source.series)]
    assert [r[:3] for r in rows[1:]] == [
        ["2026-W45", "2026-11-02", "2026-11-08"],
        ["2026-W46", "2026-11-09", "2026-11-15"],
        ["2026-W47", "2026-11-16", "2026-11-22"],
    ]
    assert rows[2][3:8] == ["2", "1", "0", "1", "1"]  # notices, openings, failed, awards, contracts
    assert rows[2][8] == str(amount)


def test_before_anything_happened_every_bucket_is_zero(ctx: AppContext, story: tuple[World, int, int, int]) -> None:
    stats = compute(ctx, StatisticsRequest(date(2026, 10, 1), date(2026, 10, 31), Granularity.DAY))
    assert len(stats.buckets) == 31
    assert all(s.values == (0,) * 31 for s in stats.series)
    assert stats.request.first + timedelta(days=30) == stats.buckets[-1].end
