"""Demo data: three agencies, a dozen firms and notices in every state, made through the real use cases.

The loader travels in time with its own clock, so past notices were genuinely published, bid on before their
deadlines, opened and awarded under the rules, exactly as a user would have done it. Every demo account uses
the password ``DEMO_PASSWORD``.
"""

from __future__ import annotations

import base64
import logging
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from rich.progress import Progress
from sqlalchemy import func, select

from jangter import demo_programmes
from jangter.bidding.ceremony import Credential
from jangter.bidding.service import submit_bid
from jangter.client import sealing
from jangter.contracting import guarantees
from jangter.contracting import service as contracting
from jangter.evaluation.negotiation import submit_proposal
from jangter.evaluation.queries import review_view
from jangter.evaluation.service import decide_award, enter_review, open_bids
from jangter.helpdesk import faq as helpdesk_faq
from jangter.helpdesk import incidents
from jangter.helpdesk import queue as helpdesk_queue
from jangter.helpdesk import tickets as helpdesk
from jangter.helpdesk.domain import NewTicket, TicketAction, TicketCategory, TicketKind
from jangter.helpdesk.incident_domain import DraftIncident, Function
from jangter.identity.domain.firm_profile import BusinessForm, Licence
from jangter.identity.domain.registration_number import brn_check_digit, corporate_check_digit
from jangter.identity.domain.roles import Actor, RegistrationStatus, Role
from jangter.identity.keys import register_committee_key, register_signing_key
from jangter.identity.orm import Organisation, Person
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
from jangter.kernel.calendar import SEOUL, WorkingCalendar, seoul_date
from jangter.kernel.clock import OffsetClock
from jangter.kernel.context import AppContext
from jangter.kernel.db import Database
from jangter.kernel.procurement import AwardMethod, BidBond, Category, ContractMethod, Jurisdiction
from jangter.kernel.randomness import SeededRandomSource
from jangter.planning import prespecs
from jangter.planning import service as planning
from jangter.planning.domain import PlanItem
from jangter.planning.prespec_domain import DraftSpec, needed
from jangter.search import watch
from jangter.tendering import queries
from jangter.tendering import service as tendering
from jangter.tendering.domain.notice import NoticeStatus
from jangter.tendering.domain.terms import NoticeTerms, default_items
from jangter.tendering.domain.timetable import Timetable
from jangter.tendering.orm import Notice

log = logging.getLogger("jangter.demo")

DEMO_PASSWORD = "jangter-demo-2026"  # noqa: S105 - published in the README for the demo
DEMO_PASSPHRASE = "committee-demo-2026"  # noqa: S105 - published in the README for the demo
COMMITTEE_SIZE = 5


@dataclass(frozen=True)
class DemoFirm:
    slug: str
    name: str
    first_nine: str
    representative: str
    region: str
    address: str
    licensed: tuple[tuple[str, str], ...] = ()

    @property
    def business_number(self) -> str:
        return self.first_nine + str(brn_check_digit(self.first_nine))

    @property
    def form(self) -> BusinessForm:
        return BusinessForm.CORPORATION if "(주)" in self.name else BusinessForm.SOLE_PROPRIETOR

    @property
    def corporate_number(self) -> str | None:
        if self.form is not BusinessForm.CORPORATION:
            return None
        first_twelve = "1101" + self.first_nine[:8]
        return first_twelve + str(corporate_check_digit(first_twelve))

    @property
    def proprietor_number(self) -> str | None:
        # A made-up, well-formed number (born 1 Jan 1975); the platform keeps only its keyed hash.
        return None if self.form is BusinessForm.CORPORATION else "7501011" + self.first_nine[:6]

    @property
    def licences(self) -> tuple[Licence, ...]:
        return tuple(Licence(code, name, f"{self.region}-{self.first_nine[-4:]}") for code, name in self.licensed)


FIRMS = [
    DemoFirm(
        "hanbit", "(주)한빛건설", "120815432", "김한빛", "11", "서울특별시 중구 세종대로 110", (("0003", "토목공사업"),)
    ),
    DemoFirm("daehan", "대한정보기술(주)", "214867201", "이대한", "11", "서울특별시 강남구 테헤란로 152"),
    DemoFirm("saebyeol", "새별전기(주)", "305861127", "박새별", "30", "대전광역시 서구 둔산로 100"),
    DemoFirm("pureun", "푸른환경산업", "410223318", "최푸른", "41", "경기도 양평군 양평읍 양근로 1"),
    DemoFirm("mirae", "(주)미래소프트", "220879045", "정미래", "41", "경기도 성남시 분당구 판교역로 235"),
    DemoFirm(
        "donghae",
        "동해토건(주)",
        "227810334",
        "강동해",
        "51",
        "강원특별자치도 강릉시 경강로 2100",
        (("0003", "토목공사업"),),
    ),
    DemoFirm("garam", "가람기계", "314045566", "윤가람", "44", "충청남도 천안시 서북구 공단1로 50"),
    DemoFirm("seouldata", "(주)서울데이터", "211886620", "한서울", "11", "서울특별시 마포구 월드컵북로 400"),
    DemoFirm("namdo", "남도조경", "409129981", "오남도", "46", "전라남도 무안군 삼향읍 오룡길 1"),
    DemoFirm("hangyeol", "한결사무기기", "128302457", "서한결", "41", "경기도 고양시 일산동구 중앙로 1275"),
    DemoFirm(
        "bareun",
        "(주)바른설비",
        "135817789",
        "임바른",
        "28",
        "인천광역시 남동구 정각로 29",
        (("6202", "기계설비ㆍ가스공사업"),),
    ),
    DemoFirm("uri", "우리출판인쇄", "101903312", "문우리", "11", "서울특별시 종로구 종로 1"),
]

AGENCIES = [
    ("mois", "행정안전부", "Ministry of the Interior and Safety", "1741000", Jurisdiction.NATIONAL, "36"),
    ("seoul", "서울특별시", "Seoul Metropolitan Government", "6110000", Jurisdiction.LOCAL, "11"),
    ("yp21", "경기도 양평군", "Yangpyeong County", "4183000", Jurisdiction.LOCAL, "41"),
]


def _deadline_on_or_after(calendar: WorkingCalendar, day: date, hour: int) -> datetime:
    while not calendar.is_working_day(day):
        day += timedelta(days=1)
    return datetime(day.year, day.month, day.day, hour, tzinfo=SEOUL)


def _latest_deadline_before(calendar: WorkingCalendar, instant: datetime) -> datetime:
    local = instant.astimezone(SEOUL)
    day, hour = local.date(), min(local.hour - 1, 17)
    while True:
        if calendar.is_working_day(day) and hour >= 10:
            return datetime(day.year, day.month, day.day, hour, tzinfo=SEOUL)
        day -= timedelta(days=1)
        hour = 17


class _Demo:
    def __init__(self, ctx: AppContext, key_dir: Path | None) -> None:
        self.clock = OffsetClock()
        self.db = Database(ctx.db.url, self.clock, pool_size=2)
        self.ctx = AppContext(
            db=self.db,
            clock=self.clock,
            calendar=ctx.calendar,
            rules=ctx.rules,
            rng=SeededRandomSource(2026),
            signer=ctx.signer,
        )
        self.real_now = ctx.clock.now()
        self.bid_rng = SeededRandomSource(11)
        self.people: dict[str, Actor] = {}
        self.firms: list[Actor] = []
        self.firm_keys: list[Ed25519PrivateKey] = []
        self.committee: dict[str, list[Credential]] = {}
        self.key_dir = key_dir

    def at(self, instant: datetime) -> None:
        self.clock.set(instant)

    def setup_organisations(self, advance: Callable[[], None]) -> None:
        self.at(self.real_now - timedelta(days=120))
        operator_id = bootstrap_operator(
            self.ctx,
            "조달청",
            NewPerson("operator@pps.go.kr", "조달청 운영자", DEMO_PASSWORD, frozenset({Role.OPERATOR})),
        )
        operator = actor_of_person(self.ctx, operator_id)
        self.people["operator"] = operator
        add_member(
            self.ctx,
            operator,
            operator.org_id,
            NewPerson("auditor@pps.go.kr", "조달청 감사인", DEMO_PASSWORD, frozenset({Role.AUDITOR})),
        )
        advance()
        for slug, name, name_en, code, jurisdiction, region in AGENCIES:
            agency_id = create_agency(self.ctx, operator, NewAgency(name, name_en, code, jurisdiction, region))
            for who, label, role in (
                ("officer", "계약 담당", Role.PROCUREMENT_OFFICER),
                ("official", "입찰집행관", Role.BID_OFFICIAL),
            ):
                person_id = add_member(
                    self.ctx,
                    operator,
                    agency_id,
                    NewPerson(f"{who}@{slug}.go.kr", f"{name} {label}", DEMO_PASSWORD, frozenset({role})),
                )
                self.people[f"{who}@{slug}"] = actor_of_person(self.ctx, person_id)
            for i in range(1, 4):  # 평가위원 for negotiated notices
                person_id = add_member(
                    self.ctx,
                    operator,
                    agency_id,
                    NewPerson(
                        f"evaluator{i}@{slug}.go.kr", f"{name} 평가위원 {i}", DEMO_PASSWORD, frozenset({Role.EVALUATOR})
                    ),
                )
                self.people[f"evaluator{i}@{slug}"] = actor_of_person(self.ctx, person_id)
            for i in range(1, COMMITTEE_SIZE + 1):
                email = f"committee{i}@{slug}.go.kr"
                member = actor_of_person(
                    self.ctx,
                    add_member(
                        self.ctx,
                        operator,
                        agency_id,
                        NewPerson(email, f"{name} 개찰위원 {i}", DEMO_PASSWORD, frozenset({Role.OPENING_COMMITTEE})),
                    ),
                )
                register_committee_key(self.ctx, member, DEMO_PASSPHRASE)
                self.committee.setdefault(slug, []).append(Credential(email, DEMO_PASSWORD, DEMO_PASSPHRASE))
            advance()
        for firm in FIRMS:
            firm_id = register_firm(
                self.ctx,
                FirmRegistration(
                    name=firm.name,
                    business_number=firm.business_number,
                    business_form=firm.form,
                    corporate_number=firm.corporate_number,
                    proprietor_number=firm.proprietor_number,
                    representative=firm.representative,
                    address=firm.address,
                    region=firm.region,
                    supplies=frozenset(c.value for c in Category),
                    supply_regions=frozenset({"00"}),
                    licences=firm.licences,
                    admin=NewPerson(
                        f"bid@{firm.slug}.example",
                        f"{firm.representative}",
                        DEMO_PASSWORD,
                        frozenset({Role.COMPANY_ADMIN, Role.BIDDER}),
                    ),
                ),
            )
            if firm.slug != "uri":  # one registration waits for the operator, to show the review page
                review_firm(self.ctx, operator, firm_id, RegistrationStatus.APPROVED, None)
            with self.db.reading() as session:
                person_id = session.scalars(select(Person.id).where(Person.org_id == firm_id)).one()
            actor = actor_of_person(self.ctx, person_id)
            pem, key = sealing.generate_signing_key()
            register_signing_key(self.ctx, actor, firm_id, sealing.public_key_b64(key))
            if self.key_dir is not None:
                self.key_dir.mkdir(parents=True, exist_ok=True)
                path = self.key_dir / f"{firm.slug}.pem"
                path.write_bytes(pem)
                path.chmod(0o600)
            self.firms.append(actor)
            self.firm_keys.append(key)
            advance()
        self.setup_guarantor(operator)

    def setup_guarantor(self, operator: Actor) -> None:
        """A sandbox guarantee institution: its key in the demo key folder, its API where ``jangter guarantor serve``
        listens by default (README: try a guarantee)."""
        key = Ed25519PrivateKey.generate()
        if self.key_dir is not None:
            self.key_dir.mkdir(parents=True, exist_ok=True)
            path = self.key_dir / "guarantor.pem"
            path.write_bytes(
                key.private_bytes(
                    serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
                )
            )
            path.chmod(0o600)
        raw = key.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
        guarantees.register_institution(
            self.ctx,
            operator,
            guarantees.NewInstitution(
                "장터보증 (sandbox)", "104-81-12340", "http://127.0.0.1:8100", base64.b64encode(raw).decode()
            ),
        )

    def notice(
        self,
        agency: str,
        title: str,
        category: Category,
        base: int,
        *,
        published: datetime,
        deadline: datetime,
        description: str = "",
        a_value: int = 0,
        region: str = "00",
        opening_delay: timedelta = timedelta(hours=1),
        publish: bool = True,
        **extra: Any,
    ) -> str:
        estimated = base * 10 // 11
        jurisdiction = next(j for slug, *_, j, _ in AGENCIES if slug == agency)
        rules = self.ctx.rules.in_force(jurisdiction, seoul_date(published))
        if "pre_specification" not in extra and needed(rules, category, estimated):
            # koneps-rules §2.2: the draft specification went out for opinions a week before
            self.at(published - timedelta(days=8))
            spec = DraftSpec(
                title, category, estimated, f"{title} 규격서 (초안). 세부 내용은 과업지시서를 참조하십시오."
            )
            extra["pre_specification"] = prespecs.publish(self.ctx, self.people[f"officer@{agency}"], spec)
        self.at(published - timedelta(minutes=30))
        officer = self.people[f"officer@{agency}"]
        terms = NoticeTerms(
            title=title,
            description=description,
            category=category,
            contract_method=ContractMethod.GENERAL_COMPETITIVE,
            demand_agency_id=None,
            region=region,
            base_amount=base,
            estimated_price=estimated,
            a_value=a_value,
            reserve_range_pct=None,
            award_floor_rate=None,
            bid_start_at=published,
            deadline_at=deadline,
            opening_at=deadline + opening_delay,
        )
        if "order_plan" not in extra:  # koneps-rules §2.1: the agency's order plan lists the project first
            extra["order_plan"] = self.plan(agency, title, category, base, seoul_date(published))
        number = tendering.create_draft(self.ctx, officer, replace(terms, **extra))
        if publish:
            self.at(published)
            tendering.publish(self.ctx, officer, number)
        return number

    def plan(self, agency: str, title: str, category: Category, amount: int, day: date) -> str:
        """One item of the agency's order plan (발주계획) for the quarter of ``day``."""
        quarter = (day.month - 1) // 3 + 1
        item = PlanItem(day.year, quarter, title, category, ContractMethod.GENERAL_COMPETITIVE, amount, day.month)
        return planning.publish_item(self.ctx, self.people[f"officer@{agency}"], item)

    def bids(
        self,
        number: str,
        base: int,
        firms: list[Actor],
        start: datetime,
        low: float = 0.89,
        high: float = 0.97,
    ) -> None:
        for i, firm in enumerate(firms):
            self.at(start + timedelta(hours=2 * i + 1, minutes=self.bid_rng.randbelow(50)))
            permille = int(low * 1000) + self.bid_rng.randbelow(int((high - low) * 1000))
            amount = base * permille // 1000 // 1000 * 1000 + self.bid_rng.randbelow(1000) * 10
            first = 1 + self.bid_rng.randbelow(15)
            second = 1 + (first + self.bid_rng.randbelow(14)) % 15
            detail = queries.get_notice(self.ctx, number, None)
            assert detail.opening_key is not None
            notice_key = sealing.NoticeKey.from_api(
                {"number": number, "order": detail.order, "opening_key": vars(detail.opening_key)}
            )
            key = self.firm_keys[self.firms.index(firm)]
            envelope = sealing.seal(
                notice_key, firm=firm.org_business_number or "", amount=amount, picks=(first, second), signing_key=key
            )
            submit_bid(self.ctx, firm, number, envelope.as_document())

    def open_and_award(self, number: str, agency: str, opening: datetime, award: bool) -> None:
        self.at(opening + timedelta(minutes=5))
        open_bids(self.ctx, self.people[f"official@{agency}"], number, self.committee[agency][:3])
        # The slots of the preliminary prices depend on the sealed bids' hashes, so the reserve price varies from
        # one demo to the next; should every bid miss the floor, the notice simply stays failed.
        if award and queries.get_notice(self.ctx, number, None).status is NoticeStatus.OPENED:
            self.at(opening + timedelta(hours=1))
            self.review(number, agency)
            self.at(opening + timedelta(hours=2))
            decide_award(self.ctx, self.people[f"official@{agency}"], number)

    def contract(self, number: str, agency: str, awarded: datetime, *, agency_signs: bool = False) -> None:
        """The contract of an awarded notice, drafted by the agency and signed by the firm: the agency's officer
        signs it in the demo (계약 → 전자서명), or here already when ``agency_signs`` (a contract signed weeks ago,
        for the statistics page)."""
        self.at(awarded + timedelta(days=1))
        start = seoul_date(awarded) + timedelta(days=7)
        terms = contracting.DraftTerms(start, start + timedelta(days=120), "과업지시서에 따른 용역 수행 및 결과물 납품")
        contract = contracting.draft(self.ctx, self.people[f"officer@{agency}"], number, terms)
        firm_id = contracting.get_contract(self.ctx, self.people[f"officer@{agency}"], contract).firm_id
        with self.db.reading() as session:
            admin = session.scalars(select(Person.id).where(Person.org_id == firm_id).order_by(Person.id)).first()
        assert admin is not None
        self.at(awarded + timedelta(days=2))
        contracting.sign(self.ctx, actor_of_person(self.ctx, admin), contract, 1)
        if agency_signs:
            self.at(awarded + timedelta(days=3))
            contracting.sign(self.ctx, self.people[f"officer@{agency}"], contract, 1)

    def review(self, number: str, agency: str) -> None:
        """적격심사 as an agency would do it: the lowest bid's management status falls short, so the review moves on
        to the next bid, which passes with full marks."""
        official = self.people[f"official@{agency}"]
        view = review_view(self.ctx, official, number)
        if view is None:
            return
        for i, row in enumerate(view.rows):
            share = Decimal("0.4") if i == 0 and len(view.rows) > 1 else Decimal(1)
            points = {item.key: str((item.maximum * share).quantize(Decimal("0.1"))) for item in view.items}
            if enter_review(self.ctx, official, number, row.receipt, points).winner:
                return


def demo_helpdesk(demo: _Demo, now: datetime) -> None:
    operator = demo.people["operator"]
    ctx = demo.ctx
    demo.at(now - timedelta(days=3))
    helpdesk_queue.add_canned(
        ctx,
        operator,
        "인증서 재설치 안내",
        "공동인증서 보안 프로그램을 지운 뒤 다시 설치하고, 브라우저를 모두 닫았다가 다시 로그인해 주십시오. "
        "같은 메시지가 나오면 화면 캡처를 첨부해 다시 알려 주십시오.",
        TicketCategory.AUTHENTICATION,
    )
    helpdesk_queue.add_canned(
        ctx,
        operator,
        "입찰보증금 지급각서 안내",
        "입찰보증금은 입찰서 제출 시 지급각서로 갈음합니다. 낙찰 후 계약을 체결하지 않으면 보증금을 납부해야 합니다.",
        TicketCategory.BIDDING,
    )
    registration = helpdesk.file_ticket(
        ctx,
        None,
        NewTicket(
            TicketKind.INQUIRY,
            TicketCategory.REGISTRATION,
            "대표자가 바뀌었는데 업체 정보는 어떻게 고치나요?",
            "지난달 대표자가 변경되었습니다. 입찰참가자격 등록 정보를 어떻게 바꿔야 하는지 알려 주십시오. "
            "(주)한빛테크 이영희",
            name="이영희",
            email="lee@hanbit-tech.example",
            page_url="/register",
        ),
    )
    demo.at(now - timedelta(days=2, hours=20))
    helpdesk_queue.assign(ctx, operator, registration.number)
    answer = (
        "업체 관리자로 로그인한 뒤 업체 정보 변경을 신청하고, 변경된 사업자등록증을 첨부해 주십시오. "
        "운영자가 확인하면 승인 메일을 보내 드립니다."
    )
    helpdesk_queue.answer(ctx, operator, registration.number, answer)
    helpdesk_queue.change_status(ctx, operator, registration.number, TicketAction.CLOSE)
    helpdesk_faq.publish_from_ticket(
        ctx, operator, registration.number, "대표자가 바뀌면 업체 정보는 어떻게 고치나요?", answer
    )
    with demo.db.reading() as session:
        notice = session.scalar(
            select(Notice.number).where(Notice.status == NoticeStatus.PUBLISHED.value).order_by(Notice.id).limit(1)
        )
    demo.at(now - timedelta(hours=26))
    bond = helpdesk.file_ticket(
        ctx,
        demo.firms[2],
        NewTicket(
            TicketKind.INQUIRY,
            TicketCategory.BIDDING,
            "입찰보증금을 따로 납부해야 하나요?",
            "이 공고에 입찰하려고 합니다. 입찰보증금을 현금으로 내야 하는지, 지급각서로 되는지 궁금합니다.",
            page_url=f"/notices/{notice}" if notice else "",
            notice=notice or "",
        ),
    )
    demo.at(now - timedelta(hours=22))
    helpdesk_queue.assign(ctx, operator, bond.number)
    helpdesk_queue.add_note(ctx, operator, bond.number, "공고의 입찰보증금 조건 확인 후 답변 예정")
    demo.at(now - timedelta(hours=3))
    helpdesk.file_ticket(
        ctx,
        None,
        NewTicket(
            TicketKind.ERROR_REPORT,
            TicketCategory.AUTHENTICATION,
            "로그인하면 '인증서를 찾을 수 없습니다'가 나옵니다",
            "어제까지 되던 공동인증서 로그인이 오늘 아침부터 안 됩니다. "
            "인증서는 USB에 있고, 크롬과 엣지 모두 같습니다.",
            name="최민수",
            email="choi@example.kr",
            page_url="/login",
        ),
    )


def load_demo(ctx: AppContext, *, force: bool = False, key_dir: Path | None = None) -> bool:
    """Fill an empty database with the demo. Returns ``False`` (and does nothing) if it has data already.

    The firms' signing keys (PKCS#8 PEM) are written to ``key_dir`` so that a demo bidder can load theirs in the
    bid form; every committee member's opening passphrase is ``DEMO_PASSPHRASE``.
    """
    with ctx.db.reading() as session:
        if session.scalar(select(func.count()).select_from(Organisation)) and not force:
            return False
    demo = _Demo(ctx, key_dir)
    cal = ctx.calendar
    now = demo.real_now
    today = seoul_date(now)

    def day(offset: int) -> date:
        return today + timedelta(days=offset)

    def morning(d: date) -> datetime:
        return datetime(d.year, d.month, d.day, 9, tzinfo=SEOUL)

    firms = demo.firms
    with Progress() as progress:
        task = progress.add_task("기관·업체·사람 / organisations and people", total=1 + len(AGENCIES) + len(FIRMS))
        demo.setup_organisations(lambda: progress.advance(task))
        approved = firms[:11]
        steps = progress.add_task("공고·입찰·개찰 / notices, bids, openings", total=13)

        # 1-2. Awarded long ago (works with A value; services).
        for title, agency, category, base, a_value, offset, group in (
            (
                "정부세종청사 6동 냉난방기 교체 공사",
                "mois",
                Category.WORKS,
                842_000_000,
                31_500_000,
                -60,
                approved[:6],
            ),
            (
                "2026년 서울시 공공자전거 정비 용역",
                "seoul",
                Category.SERVICES,
                318_000_000,
                0,
                -45,
                approved[3:9],
            ),
        ):
            published = morning(day(offset))
            deadline = _deadline_on_or_after(cal, day(offset + 9), 10)
            number = demo.notice(
                agency,
                title,
                category,
                base,
                published=published,
                deadline=deadline,
                a_value=a_value,
                region="00",
                description=f"{title}에 관한 입찰공고입니다. 세부 내용은 과업지시서를 참조하십시오.",
            )
            demo.bids(number, base, group, published)
            demo.open_and_award(number, agency, deadline + timedelta(hours=1), award=True)
            if queries.get_notice(demo.ctx, number, None).status is NoticeStatus.AWARDED:
                # Seoul's waits for the officer's signature (README); the ministry's was signed long ago.
                demo.contract(number, agency, deadline + timedelta(hours=3), agency_signs=agency == "mois")
            progress.advance(steps)

        # 3. Opened, award still to be confirmed.
        published = morning(day(-26))
        deadline = _deadline_on_or_after(cal, day(-7), 14)
        number = demo.notice(
            "yp21",
            "양평군 용문면 농어촌도로 포장 공사",
            Category.WORKS,
            1_264_000_000,
            published=published,
            deadline=deadline,
            a_value=52_000_000,
            region="00",
        )
        demo.bids(
            number,
            1_264_000_000,
            [approved[0], approved[5], approved[3], approved[10], approved[8]],
            published,
            low=0.90,  # well above the floor (88.745 % of the reserve price less A) whatever the draw
            high=0.95,
        )
        demo.open_and_award(number, "yp21", deadline + timedelta(hours=1), award=False)
        progress.advance(steps)

        # 3b. 협상에 의한 계약: proposals and sealed prices in, the evaluators' scoring still to do.
        published = morning(day(-50))
        deadline = _deadline_on_or_after(cal, day(-5), 10)
        number = demo.notice(
            "mois",
            "차세대 전자민원 시스템 구축 사업 (협상에 의한 계약)",
            Category.SERVICES,
            1_650_000_000,
            published=published,
            deadline=deadline,
            opening_delay=timedelta(days=10),
            region="00",
            description="제안요청서에 따라 기술 제안서와 가격 입찰서를 제출하십시오. 기술 80 : 가격 20, 차등점수 1점.",
            award_method=AwardMethod.NEGOTIATED,
            technical_items=default_items(Decimal(80)),
            differential_step=Decimal(1),
        )
        for i, firm in enumerate([approved[1], approved[4], approved[7]]):
            demo.at(published + timedelta(days=20 + i))
            proposal = f"%PDF-1.4\n% {firm.org_name} 기술 제안서 (demo)\n".encode()
            submit_proposal(demo.ctx, firm, number, f"제안서_{firm.org_name}.pdf", "application/pdf", proposal)
        demo.bids(number, 1_650_000_000, [approved[1], approved[4], approved[7]], published, low=0.85, high=0.95)
        progress.advance(steps)

        # 4. Failed: a single bid (단독응찰), then re-announced and open again.
        published = morning(day(-25))
        deadline = _deadline_on_or_after(cal, day(-16), 11)
        number = demo.notice(
            "mois",
            "재난안전통신망 단말기 유지보수 용역",
            Category.SERVICES,
            96_000_000,
            published=published,
            deadline=deadline,
        )
        demo.bids(number, 96_000_000, [approved[1]], published)
        demo.open_and_award(number, "mois", deadline + timedelta(hours=1), award=False)
        demo.at(max(deadline + timedelta(days=1), now - timedelta(days=1)))
        reopened = _deadline_on_or_after(cal, seoul_date(demo.clock.now()) + timedelta(days=8), 15)
        tendering.reannounce(
            demo.ctx,
            demo.people["officer@mois"],
            number,
            Timetable(demo.clock.now(), reopened, reopened + timedelta(hours=1)),
        )
        progress.advance(steps)

        # 5. Failed: no bids at all.
        published = morning(day(-20))
        deadline = _deadline_on_or_after(cal, day(-11), 16)
        number = demo.notice(
            "seoul",
            "서울시립도서관 전산장비 구매",
            Category.GOODS,
            57_200_000,
            published=published,
            deadline=deadline,
            region="11",
        )
        demo.open_and_award(number, "seoul", deadline + timedelta(hours=1), award=False)
        progress.advance(steps)

        # 6. Closed: the deadline has passed, the bid official has not opened yet (open it yourself).
        deadline = _latest_deadline_before(cal, now)
        published = morning(seoul_date(deadline) - timedelta(days=9))
        number = demo.notice(
            "mois",
            "청사 방호 및 시설관리 용역",
            Category.SERVICES,
            184_000_000,
            published=published,
            deadline=deadline,
            opening_delay=timedelta(0),
        )
        demo.bids(number, 184_000_000, [approved[1], approved[4], approved[7]], published)
        progress.advance(steps)

        # 7-11. Open for bids, some with sealed bids already; one amended (차수 001).
        for title, agency, category, base, days, hour, group, region in (
            (
                "2027년 행정안전부 정보시스템 통합유지보수 용역",
                "mois",
                Category.SERVICES,
                1_480_000_000,
                12,
                10,
                [approved[1], approved[4]],
                "00",
            ),
            ("사무용 복합기 구매 (40대)", "mois", Category.GOODS, 148_500_000, 9, 11, [approved[9]], "00"),
            ("서울특별시청 본관 LED 조명 교체 구매", "seoul", Category.GOODS, 86_900_000, 10, 14, [], "11"),
            (
                "양평군 상수도 관로 정비 공사",
                "yp21",
                Category.WORKS,
                688_000_000,
                11,
                10,
                [approved[3], approved[9]],  # 지역제한: firms with their head office in Gyeonggi
                "41",
            ),
            ("서울 한강공원 수목 관리 용역", "seoul", Category.SERVICES, 74_800_000, 13, 15, [], "11"),
        ):
            published = now - timedelta(hours=6)
            deadline = _deadline_on_or_after(cal, seoul_date(published) + timedelta(days=days), hour)
            number = demo.notice(
                agency,
                title,
                category,
                base,
                published=published,
                deadline=deadline,
                region=region,
                a_value=base // 25 if category is Category.WORKS else 0,
                description=f"{title}. 입찰참가자격: 나라장터 입찰참가자격 등록업체.",
                # one notice takes the bid bond as a guarantee: a firm asks the sandbox institution before bidding
                bid_bond=BidBond.GUARANTEE if title.startswith("서울특별시청 본관") else BidBond.UNDERTAKING,
            )
            demo.bids(number, base, group, published)
            progress.advance(steps)
        demo.at(now - timedelta(minutes=10))
        tendering.amend(
            demo.ctx,
            demo.people["officer@seoul"],
            number,
            {"title": "서울 한강공원 수목 관리 및 병해충 방제 용역"},
            "과업 범위 명칭 정정",
        )

        # 11b. Order plans of the coming quarter, not yet noticed (발주계획, koneps-rules §2.1).
        demo.at(now - timedelta(hours=3))
        ahead = seoul_date(now) + timedelta(days=92)
        plans = {}
        for agency, title, category, amount in (
            ("mois", "2027년 정부청사 출입관리시스템 고도화 용역", Category.SERVICES, 2_350_000_000),
            ("mois", "행정안전부 노후 PC 교체 구매 (600대)", Category.GOODS, 870_000_000),
            ("seoul", "서울시 공공자전거 대여소 확충 공사", Category.WORKS, 1_420_000_000),
            ("seoul", "서울시 청사 방역 소독 용역", Category.SERVICES, 96_000_000),
            ("yp21", "양평군 농촌도로 재포장 공사", Category.WORKS, 640_000_000),
        ):
            plans[title] = demo.plan(agency, title, category, amount, ahead)

        # 11c. Pre-specifications (사전규격, koneps-rules §2.2): one closed without opinions (its notice may follow),
        # one open for opinions: one answered, one waiting.
        demo.at(now - timedelta(days=10))
        title = "행정안전부 노후 PC 교체 구매 (600대)"
        prespecs.publish(
            demo.ctx,
            demo.people["officer@mois"],
            DraftSpec(
                title,
                Category.GOODS,
                790_909_090,
                "데스크톱 PC 600대 (CPU 8코어 이상, 메모리 16GB 이상, SSD 512GB 이상)",
                order_plan=plans[title],
            ),
        )
        demo.at(now - timedelta(days=2))
        title = "2027년 정부청사 출입관리시스템 고도화 용역"
        spec = prespecs.publish(
            demo.ctx,
            demo.people["officer@mois"],
            DraftSpec(
                title,
                Category.SERVICES,
                2_136_363_636,
                "1. 사업 목적: 정부청사 출입관리시스템의 노후 장비 교체와 모바일 출입증 도입\n"
                "2. 범위: 출입통제 게이트 48식, 방문객 예약 시스템, 모바일 출입증 앱\n"
                "3. 주요 요구사항: 얼굴인식 출입 (오인식률 0.001% 이하), 기존 출입카드 호환",
                order_plan=plans[title],
            ),
        )
        demo.at(now - timedelta(days=1, hours=20))
        prespecs.file_opinion(
            demo.ctx, approved[1], spec, "얼굴인식 오인식률 요건(0.001%)의 시험 기준을 밝혀 주십시오."
        )
        prespecs.file_opinion(
            demo.ctx, approved[4], spec, "출입게이트를 특정 규격으로 정하지 말고 동등 이상 제품을 허용해 주십시오."
        )
        demo.at(now - timedelta(days=1))
        prespecs.answer(
            demo.ctx,
            demo.people["officer@mois"],
            spec,
            1,
            "KS X ISO/IEC 19795-1에 따른 공인시험 결과로 확인합니다. 규격서에 명시하겠습니다.",
        )

        # 11d. E-government programmes and their briefings: the 2022 programme of the seed, and a 2027 one whose
        # briefing is live now (issue #9 point 3).
        demo_programmes.seed(demo.ctx, demo.at, now, demo.people["officer@mois"], approved[:3])

        # 11e. An outage of bid submission a day ago (koneps-rules §2.6): the notice closing in it was postponed by
        # the operator, its bidders and its watcher told; /status lists the incident and the notice says why.
        outage = _latest_deadline_before(cal, now - timedelta(hours=26))
        title = "행정안전부 청사 출입증 발급기 구매"
        number = demo.notice(
            "mois", title, Category.GOODS, 96_800_000, published=outage - timedelta(days=10), deadline=outage
        )
        demo.bids(number, 96_800_000, [approved[2], approved[5]], outage - timedelta(days=10))
        demo.at(outage - timedelta(days=1))
        watch.watch(demo.ctx, approved[7], number)
        demo.at(outage + timedelta(hours=1))
        with demo.db.reading() as session:
            operator_id = session.scalar(select(Person.id).where(Person.email == "operator@pps.go.kr"))
        assert operator_id is not None
        operator = actor_of_person(demo.ctx, operator_id)
        incident = incidents.declare(
            demo.ctx,
            operator,
            DraftIncident(
                "입찰서 제출 장애 (전자서명 검증 서버 응답 지연)",
                outage - timedelta(minutes=40),
                outage + timedelta(minutes=20),
                frozenset({Function.BIDDING}),
                "전자서명 검증 서버의 응답이 늦어 입찰서 제출이 실패했습니다. 서버를 증설해 복구했습니다.",
            ),
        )
        incidents.postpone(demo.ctx, operator, incident)
        # 11d. The helpdesk (고객지원, issue #9 point 4): canned answers; a registration inquiry answered, closed and
        # made an FAQ entry; a bid-bond question being worked; a sign-in error report waiting for its first answer.
        demo_helpdesk(demo, now)

        # 12. Cancelled, and a draft nobody else can see.
        demo.at(now - timedelta(hours=2))
        number = demo.notice(
            "yp21",
            "양평군청 주차장 확장 공사",
            Category.WORKS,
            233_000_000,
            published=now - timedelta(hours=2),
            deadline=_deadline_on_or_after(cal, day(10), 10),
            region="41",
            a_value=9_000_000,
        )
        demo.at(now - timedelta(hours=1))
        tendering.cancel(demo.ctx, demo.people["officer@yp21"], number, "설계 변경으로 공고를 취소합니다.")
        demo.notice(
            "seoul",
            "2027년 서울시 청사 청소 용역 (작성중)",
            Category.SERVICES,
            412_000_000,
            published=now - timedelta(minutes=20),
            deadline=_deadline_on_or_after(cal, day(15), 10),
            region="11",
            publish=False,
        )
        progress.advance(steps)

    demo.at(now)
    demo.clock.set_offset(ctx.clock.offset())
    tendering.close_due_notices(demo.ctx)
    demo.db.dispose()
    return True
