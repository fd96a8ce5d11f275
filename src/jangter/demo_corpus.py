"""A large corpus of notices for search at scale (issue #7 point 4): ``jangter demo --notices 1000000``.

Deterministic by seed. Titles are put together from Korean procurement vocabulary (about one in ten in English),
with agencies, regions, categories, amounts and dates spread as in real notice lists. The notices are written in
bulk, straight into the tables, and are for searching: they are published or closed, but have no preliminary
prices or opening key, so nobody can bid on them. The search index is built at the end, with a progress bar.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import datetime, timedelta

from sqlalchemy import func, insert, select, update

from jangter.identity.domain.roles import OrgKind, RegistrationStatus
from jangter.identity.orm import Organisation, Person
from jangter.kernel.calendar import SEOUL
from jangter.kernel.context import AppContext
from jangter.kernel.counters import Counter
from jangter.kernel.ids import Stage, make_number
from jangter.kernel.procurement import REGIONS, Category, ContractMethod, Jurisdiction
from jangter.search import index
from jangter.tendering.domain.notice import NoticeKind, NoticeStatus
from jangter.tendering.orm import Notice

BATCH = 5_000
AGENCIES = 300

PLACES = [
    "정부세종청사",
    "서울시청",
    "부산항",
    "인천공항",
    "대전청사",
    "광주시청",
    "울산시청",
    "세종시",
    "제주도청",
    "경기도청",
    "강원도청",
    "충북도청",
    "충남도청",
    "전북도청",
    "전남도청",
    "경북도청",
    "경남도청",
    "한강공원",
    "국립중앙도서관",
    "시립미술관",
    "보건소",
    "주민센터",
    "소방서",
    "경찰서",
    "교육청",
    "초등학교",
    "중학교",
    "고등학교",
    "국립대학교",
    "공공도서관",
    "문화회관",
    "체육관",
    "하수처리장",
    "정수장",
    "청사",
    "별관",
    "본관",
    "종합운동장",
    "복지관",
    "병원",
]
OBJECTS = {
    Category.GOODS: [
        "사무용 복합기",
        "노트북",
        "데스크톱 컴퓨터",
        "LED 조명",
        "냉난방기",
        "공기청정기",
        "책상",
        "의자",
        "서버",
        "네트워크 장비",
        "보안장비",
        "CCTV",
        "소방장비",
        "제설제",
        "의약품",
        "교과서",
        "전기차",
        "드론",
        "태양광 패널",
        "모니터",
        "복사용지",
        "차량",
        "구급차",
        "방역물품",
        "정보보호 솔루션",
    ],
    Category.SERVICES: [
        "정보시스템 통합유지보수",
        "시설관리",
        "청소",
        "경비",
        "방역",
        "홈페이지 구축",
        "데이터베이스 구축",
        "학술연구",
        "설계",
        "감리",
        "교육운영",
        "행사대행",
        "홍보물 제작",
        "번역",
        "콜센터 운영",
        "차세대 시스템 구축",
        "클라우드 전환",
        "인공지능 플랫폼 구축",
        "빅데이터 분석",
        "수목 관리",
        "급식",
        "통학버스 운행",
    ],
    Category.WORKS: [
        "도로 포장",
        "하수관로 정비",
        "상수도 관로 교체",
        "청사 리모델링",
        "옥상 방수",
        "외벽 도색",
        "내진 보강",
        "주차장 확장",
        "교량 보수",
        "하천 정비",
        "둘레길 조성",
        "체육관 신축",
        "어린이집 증축",
        "전기설비 개선",
        "소방시설 보강",
        "승강기 교체",
        "석축 보수",
        "농어촌도로 확포장",
        "배수지 신설",
        "공원 조성",
    ],
}
ACTIONS = {
    Category.GOODS: ["구매", "구입", "구매 (단가계약)", "교체 구매", "임차"],
    Category.SERVICES: ["용역", "사업", "위탁용역", "운영 용역", "구축 사업"],
    Category.WORKS: ["공사", "공사 (긴급)", "정비공사", "개량공사", "보수공사"],
}
ENGLISH = {
    Category.GOODS: ["Purchase of office equipment", "LED lighting replacement", "Supply of laptops and monitors"],
    Category.SERVICES: ["Cloud migration services", "Website development", "Facility management services"],
    Category.WORKS: ["Road resurfacing works", "Roof waterproofing works", "Seismic retrofit of the annex"],
}
DESCRIPTIONS = [
    "입찰참가자격: 나라장터 입찰참가자격 등록업체. 세부 내용은 과업지시서를 참조하십시오.",
    "하자담보 책임기간 2년. 공동수급 허용. 지역의무 공동도급 비율 40% 이상.",
    "제안요청서에 따라 기술 제안서와 가격 입찰서를 제출하십시오.",
    "납품장소: 수요기관 지정장소. 납품기한: 계약일로부터 60일.",
    "See the statement of work for details. Joint bidding allowed.",
]


def title_of(rng: random.Random, category: Category, year: int) -> str:
    if rng.random() < 0.1:
        return f"{rng.choice(ENGLISH[category])} ({rng.choice(PLACES)})"
    prefix = f"{year}년 " if rng.random() < 0.3 else ""
    return f"{prefix}{rng.choice(PLACES)} {rng.choice(OBJECTS[category])} {rng.choice(ACTIONS[category])}"


def _agencies(ctx: AppContext, rng: random.Random, now: datetime) -> list[int]:
    """The agencies the corpus is spread over: the ones there are, and generated ones up to ``AGENCIES``."""
    with ctx.uow() as uow:
        ids = list(uow.session.scalars(select(Organisation.id).where(Organisation.kind == OrgKind.AGENCY.value)))
        regions = [code for code in REGIONS if code != "00"]
        rows = [
            {
                "kind": OrgKind.AGENCY.value,
                "name": f"{rng.choice(PLACES).removesuffix('청사')} 사업소 {i:03d}",
                "agency_code": f"C{i:06d}",
                "jurisdiction": rng.choice([Jurisdiction.NATIONAL.value, Jurisdiction.LOCAL.value]),
                "region": rng.choice(regions),
                "registration_status": RegistrationStatus.APPROVED.value,
                "created_at": now,
                "updated_at": now,
            }
            for i in range(max(0, AGENCIES - len(ids)))
        ]
        if rows:
            uow.session.execute(insert(Organisation), rows)
        uow.commit()
        return list(uow.session.scalars(select(Organisation.id).where(Organisation.kind == OrgKind.AGENCY.value)))


def _reserve_numbers(ctx: AppContext, year: int, count: int) -> int:
    """Take ``count`` serial numbers of ``year`` at once; returns the first."""
    name = f"notice:{year}"
    with ctx.uow() as uow:
        current = uow.session.scalar(select(Counter.value).where(Counter.name == name))
        if current is None:
            uow.session.add(Counter(name=name, value=count))
            first = 1
        else:
            uow.session.execute(update(Counter).where(Counter.name == name).values(value=Counter.value + count))
            first = current + 1
        uow.commit()
    return first


def generate(
    ctx: AppContext,
    count: int,
    *,
    seed: int = 2026,
    progress: Callable[[str, int, int], None] | None = None,
) -> int:
    """Write ``count`` notices and index them; returns how many notices the index holds."""
    rng = random.Random(seed)  # noqa: S311 - demo data, deterministic by seed; nothing secret
    now = ctx.clock.now()
    agencies = _agencies(ctx, random.Random(seed + 1), now)  # noqa: S311 - its own stream: titles stay the same
    with ctx.db.reading() as session:
        author = session.scalar(select(func.min(Person.id)))
    if author is None:
        raise ValueError("load the demo first (jangter demo): the corpus needs someone to have written it")
    year = now.astimezone(SEOUL).year
    first = _reserve_numbers(ctx, year, count)
    if first + count >= 10**8:
        raise ValueError("too many notices for one year's numbers")
    regions = list(REGIONS)
    weights = [30] + [4] * (len(regions) - 1)  # most notices are open nationwide
    categories = [Category.GOODS, Category.SERVICES, Category.WORKS]
    done = 0
    while done < count:
        rows = []
        for i in range(done, min(done + BATCH, count)):
            category = rng.choice(categories)
            published = now - timedelta(days=730 * (1 - (i + rng.random()) / count))  # in order of number
            deadline = (published + timedelta(days=rng.randint(7, 40))).replace(minute=0, second=0, microsecond=0)
            base = int(10 ** rng.uniform(7, 10.3)) // 1000 * 1000
            agency = rng.choice(agencies)
            status = NoticeStatus.PUBLISHED if deadline > now else NoticeStatus.CLOSED
            rows.append(
                {
                    "number": make_number(Stage.BID, year, first + i),
                    "order": 0,
                    "kind": NoticeKind.REGISTRATION.value,
                    "round": 1,
                    "status": status.value,
                    "title": title_of(rng, category, published.year),
                    "description": rng.choice(DESCRIPTIONS),
                    "category": category.value,
                    "contract_method": ContractMethod.GENERAL_COMPETITIVE.value,
                    "agency_id": agency,
                    "demand_agency_id": agency,
                    "region": rng.choices(regions, weights)[0],
                    "base_amount": base,
                    "estimated_price": base * 10 // 11,
                    "a_value": 0,
                    "bid_start_at": published,
                    "deadline_at": deadline,
                    "opening_at": deadline + timedelta(hours=1),
                    "created_by": author,
                    "created_at": published,
                    "updated_at": published,
                    "published_at": published,
                    "first_published_at": published,
                    "closed_at": deadline if status is NoticeStatus.CLOSED else None,
                }
            )
        with ctx.uow() as uow:
            uow.session.execute(insert(Notice), rows)
            uow.commit()
        done += len(rows)
        if progress is not None:
            progress("notices", done, count)
    return index.reindex(ctx, (lambda d, t: progress("index", d, t)) if progress else None)
