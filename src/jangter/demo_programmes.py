"""Demo programmes (issue #9 point 3).

1. The 2022 e-government support programme (2022년 전자정부지원사업) as its announcement counts it: 11 projects worth
   ₩69.4bn, 5 public services and 6 administrative ones, first- and third-stage, new and continuing, one of them a
   long-term continuing contract; and its briefing in January 2022 with questions asked in advance and live. The
   announcement's counts and total are kept; the project names and the split of the budget are illustrative.
2. A 2027 programme of the Ministry whose projects are the demo's own order-plan items, so the page shows budget
   against what was ordered; its briefing is on now, with answers published and one question waiting (the browser
   test answers it and watches it appear on the live page).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

from sqlalchemy import select

from jangter.identity.domain.roles import Actor
from jangter.kernel.calendar import SEOUL
from jangter.kernel.context import AppContext
from jangter.planning import programmes
from jangter.planning.orm import OrderPlan
from jangter.planning.programme_domain import DraftBriefing, DraftProgramme, DraftProject, ServiceType, Technology
from jangter.tendering.orm import Notice

PUBLIC, ADMIN = ServiceType.PUBLIC, ServiceType.ADMINISTRATIVE
T = Technology

#: (title, running agency, budget, type, stage, continuing, multi-year, technologies)
EGOV_2022: list[tuple[str, str, int, ServiceType, int, bool, bool, tuple[Technology, ...]]] = [
    ("국민비서 서비스 고도화", "행정안전부", 9_800_000_000, PUBLIC, 3, True, False, (T.AI, T.MOBILE)),
    ("디지털 원패스 통합인증 확대", "행정안전부", 5_200_000_000, PUBLIC, 1, False, False, (T.MOBILE,)),
    ("지능형 민원상담 챗봇 구축", "국민권익위원회", 6_100_000_000, PUBLIC, 1, False, False, (T.AI,)),
    ("모바일 신분증 연계 서비스 확산", "행정안전부", 7_400_000_000, PUBLIC, 3, True, False, (T.MOBILE, T.BLOCKCHAIN)),
    ("재난안전 정보 통합 알림 서비스", "행정안전부", 4_900_000_000, PUBLIC, 1, False, False, (T.BIG_DATA, T.CLOUD)),
    ("범정부 클라우드 전환", "행정안전부", 12_600_000_000, ADMIN, 3, True, True, (T.CLOUD,)),
    ("지능형 예산집행 분석 시스템", "기획재정부", 5_500_000_000, ADMIN, 1, False, False, (T.AI, T.BIG_DATA)),
    ("공공데이터 통합 품질관리 플랫폼", "행정안전부", 4_300_000_000, ADMIN, 1, False, False, (T.BIG_DATA,)),
    ("전자결재 클라우드 통합", "인사혁신처", 5_800_000_000, ADMIN, 3, True, False, (T.CLOUD,)),
    ("조달 데이터 지능형 분석", "조달청", 3_900_000_000, ADMIN, 1, False, False, (T.AI, T.BIG_DATA)),
    ("사물인터넷 기반 시설물 안전관리", "국토교통부", 3_900_000_000, ADMIN, 1, False, False, (T.IOT,)),
]
EGOV_2022_BUDGET = 69_400_000_000


def _seoul(year: int, month: int, day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=SEOUL)


def seed(ctx: AppContext, at: Callable[[datetime], None], now: datetime, officer: Actor, firms: list[Actor]) -> None:
    """``officer``: the Ministry's procurement officer (the programmes' manager and moderator); ``firms``: approved
    firms' administrators who ask."""
    _egov_2022(ctx, at, officer, firms)
    _programme_2027(ctx, at, now, officer, firms)


def _egov_2022(ctx: AppContext, at: Callable[[datetime], None], officer: Actor, firms: list[Actor]) -> None:
    at(_seoul(2022, 1, 5, 10))
    programme = programmes.create(
        ctx,
        officer,
        DraftProgramme(
            "2022년 전자정부지원사업",
            2022,
            EGOV_2022_BUDGET,
            "행정안전부가 부처 공동 또는 대국민 전자정부 서비스를 지원하는 사업입니다. "
            "11개 과제 694억 원: 대국민 서비스 5개, 행정 서비스 6개 (1단계·3단계, 신규·계속, 장기계속계약 1개).",
        ),
    )
    for title, agency, budget, kind, stage, continuing, multi_year, techs in EGOV_2022:
        programmes.add_project(
            ctx, officer, programme, DraftProject(title, agency, budget, kind, stage, continuing, multi_year, techs)
        )
    start = _seoul(2022, 1, 20, 14)
    briefing = programmes.schedule_briefing(
        ctx,
        officer,
        programme,
        DraftBriefing(
            "2022년 전자정부지원사업 온라인 사업설명회",
            start,
            start + timedelta(hours=2),
            "https://www.youtube.com/@mois",
            tuple(range(1, len(EGOV_2022) + 1)),
            "온라인 (유튜브 생중계)",
        ),
    )
    at(_seoul(2022, 1, 12, 9))
    programmes.ask(ctx, firms[0], briefing, "국민비서 고도화 3단계의 발주 시기와 계약 방법은 어떻게 됩니까?", 1)
    at(_seoul(2022, 1, 14, 16))
    programmes.ask(
        ctx, firms[1], briefing, "범정부 클라우드 전환은 장기계속계약인데, 올해 차수 계약 금액은 얼마입니까?", 6
    )
    at(start + timedelta(minutes=35))
    programmes.ask(ctx, firms[2], briefing, "공동수급(공동이행 방식)이 허용됩니까?")
    at(start + timedelta(minutes=40))
    programmes.answer(
        ctx, officer, briefing, 1, "2분기에 협상에 의한 계약으로 발주할 예정입니다. 발주계획에 먼저 공개합니다."
    )
    at(start + timedelta(minutes=50))
    programmes.answer(
        ctx, officer, briefing, 2, "총사업비는 126억 원이며 올해 차수 계약은 배정예산 범위에서 체결합니다."
    )
    at(start + timedelta(minutes=55))
    programmes.answer(ctx, officer, briefing, 3, "허용됩니다. 분담이행 방식은 허용하지 않습니다.")


def _programme_2027(
    ctx: AppContext, at: Callable[[datetime], None], now: datetime, officer: Actor, firms: list[Actor]
) -> None:
    at(now - timedelta(days=3))
    with ctx.db.reading() as session:
        items = {
            title: (number, amount)
            for title, number, amount in session.execute(
                select(OrderPlan.title, OrderPlan.number, OrderPlan.amount).where(
                    OrderPlan.agency_id == officer.org_id, OrderPlan.status == "published"
                )
            ).all()
        }
        noticed = set(session.scalars(select(Notice.order_plan).where(Notice.order_plan.is_not(None))).all())
    wanted = [
        ("차세대 전자민원 시스템 구축", PUBLIC, 1, False, False, (T.CLOUD, T.AI), "차세대 전자민원 시스템"),
        ("정부청사 출입관리시스템 고도화", ADMIN, 3, True, False, (T.AI, T.MOBILE), "정부청사 출입관리시스템"),
        ("정보시스템 통합유지보수", ADMIN, 1, False, True, (T.CLOUD,), "정보시스템 통합유지보수"),
    ]
    chosen = []
    for title, kind, stage, continuing, multi_year, techs, words in wanted:
        match = sorted((n, a) for t, (n, a) in items.items() if words in t and (n in noticed or "출입" in words))
        if match:
            chosen.append((title, kind, stage, continuing, multi_year, techs, match[0]))
    budget = sum(amount for *_, (_, amount) in chosen) + 2_000_000_000
    programme = programmes.create(
        ctx,
        officer,
        DraftProgramme(
            "2027년 행정안전부 디지털정부 사업 (데모)",
            2027,
            budget,
            "데모 자료: 행정안전부의 발주계획에 연결된 과제로 예산 대비 발주·계약 실적을 보여 줍니다.",
        ),
    )
    for title, kind, stage, continuing, multi_year, techs, (number, amount) in chosen:
        project = DraftProject(
            title, "행정안전부", amount, kind, stage, continuing, multi_year, techs, plan_items=(number,)
        )
        programmes.add_project(ctx, officer, programme, project)
    at(now - timedelta(days=2))
    start = now - timedelta(minutes=20)
    briefing = programmes.schedule_briefing(
        ctx,
        officer,
        programme,
        DraftBriefing(
            "2027년 디지털정부 사업설명회 (실시간 질의응답)",
            start,
            start + timedelta(hours=2),
            "https://tv.example.go.kr/live/egov-2027",
            tuple(range(1, len(chosen) + 1)),
            "정부세종청사 6동 대회의실 · 온라인",
        ),
    )
    at(now - timedelta(days=1))
    programmes.ask(ctx, firms[0], briefing, "전자민원 시스템 구축에 기존 민원 데이터 이관이 포함됩니까?", 1)
    at(now - timedelta(minutes=15))
    programmes.ask(
        ctx, firms[1], briefing, "출입관리 고도화의 얼굴인식 성능 시험은 누가 합니까?", 2 if len(chosen) > 1 else None
    )
    at(now - timedelta(minutes=12))
    programmes.answer(ctx, officer, briefing, 1, "포함됩니다. 이관 대상은 약 3억 건이며 과업지시서에 범위를 밝힙니다.")
    at(now - timedelta(minutes=8))
    programmes.answer(ctx, officer, briefing, 2, "공인시험기관의 시험 성적서로 확인합니다.")
    at(now - timedelta(minutes=5))
    programmes.ask(ctx, firms[2], briefing, "유지보수 용역의 SLA 기준은 공개됩니까?")
