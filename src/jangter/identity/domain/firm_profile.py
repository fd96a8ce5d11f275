"""What a firm registers besides its numbers (koneps-rules §1.2): its legal form, the categories and regions it
supplies, and its licences (업종 등록); and who may take part in a notice because of them.

Korea registers a firm for goods, works and/or services (물품·공사·용역) and a notice may be limited to firms whose
head office is in one region (참가제한지역, the API's ``prtcptLmtRgnCd``; ``00`` = nationwide).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

from jangter.kernel.errors import DomainError
from jangter.kernel.procurement import REGIONS, Category

NATIONWIDE = "00"
MAX_LICENCES = 20


class BusinessForm(StrEnum):
    CORPORATION = "corporation"  # 법인사업자: gives its 법인등록번호
    SOLE_PROPRIETOR = "sole_proprietor"  # 개인사업자: one firm per person (koneps-rules §1.2)


BUSINESS_FORM_LABELS: dict[BusinessForm, tuple[str, str]] = {
    BusinessForm.CORPORATION: ("법인사업자", "Corporation"),
    BusinessForm.SOLE_PROPRIETOR: ("개인사업자", "Sole proprietor"),
}

#: Industry codes (업종코드, 4 digits) seen in the public data portal's notices, offered as suggestions; a firm may
#: enter any 4-digit code with its name.
LICENCE_SUGGESTIONS: dict[str, str] = {
    "0003": "토목공사업",
    "6202": "기계설비ㆍ가스공사업",
    "1494": "일반소방공사감리업(전기)",
}


@dataclass(frozen=True)
class Licence:
    """A licence or registration the firm holds: industry code (업종코드), its name, and the licence's number."""

    code: str
    name: str
    number: str


_CODE = re.compile(r"^[0-9]{4}$")


def check_supplies(values: Iterable[str]) -> frozenset[Category]:
    chosen = {v.strip() for v in values if v.strip()}
    if not chosen or not chosen <= {c.value for c in Category}:
        raise DomainError(
            "supplies_required",
            "공급 분야(물품·용역·공사)를 하나 이상 고르십시오.",
            "Choose at least one category you supply (goods, services, works).",
            field="supplies",
        )
    return frozenset(Category(v) for v in chosen)


def check_supply_regions(values: Iterable[str]) -> frozenset[str]:
    """Regions the firm supplies; ``00`` (nationwide) stands alone."""
    chosen = {v.strip() for v in values if v.strip()}
    if not chosen or not chosen <= REGIONS.keys():
        raise DomainError(
            "supply_regions_required",
            "공급 지역을 하나 이상 고르십시오 (전국 포함).",
            "Choose at least one region you supply (or nationwide).",
            field="supply_regions",
        )
    return frozenset({NATIONWIDE}) if NATIONWIDE in chosen else frozenset(chosen)


def check_licences(licences: Iterable[Licence]) -> tuple[Licence, ...]:
    """Each licence needs a 4-digit industry code, a name and its number; a code appears once."""
    out: list[Licence] = []
    for i, raw in enumerate(licences):
        licence = Licence(raw.code.strip(), raw.name.strip(), raw.number.strip())
        if not (licence.code or licence.name or licence.number):
            continue  # an empty row of the form
        field = f"licence_{i}"
        if not _CODE.match(licence.code):
            raise DomainError(
                "licence_code_malformed",
                "업종코드는 숫자 4자리입니다 (예: 0003).",
                "An industry code has 4 digits (e.g. 0003).",
                field=field,
            )
        if not licence.name or len(licence.name) > 100 or not licence.number or len(licence.number) > 40:
            raise DomainError(
                "licence_incomplete",
                "업종명과 등록번호를 입력하십시오 (업종명 100자, 등록번호 40자 이내).",
                "Enter the licence's name and its number (up to 100 and 40 characters).",
                field=field,
            )
        if any(o.code == licence.code for o in out):
            raise DomainError(
                "licence_duplicate",
                f"업종코드 {licence.code}를 두 번 입력했습니다.",
                f"Industry code {licence.code} is entered twice.",
                field=field,
            )
        out.append(licence)
    if len(out) > MAX_LICENCES:
        raise DomainError(
            "licences_too_many",
            f"업종은 {MAX_LICENCES}개까지 등록할 수 있습니다.",
            f"Up to {MAX_LICENCES} licences can be registered.",
            field="licences",
        )
    return tuple(out)


def encode(values: Iterable[str]) -> str:
    return ",".join(sorted(values))


def decode(text: str | None) -> tuple[str, ...]:
    return tuple(v for v in (text or "").split(",") if v)


def participation_problem(
    *, supplies: Iterable[str], head_office: str | None, category: str, notice_region: str
) -> DomainError | None:
    """Why a firm may not take part in a notice: it is not registered for the notice's category, or the notice
    is limited to firms whose head office is in another region. ``None`` when it may."""
    if category not in set(supplies):
        return DomainError(
            "not_registered_for_category",
            "이 분야(물품·용역·공사)의 입찰참가자격이 등록되어 있지 않습니다. 업체 정보에서 공급 분야를 확인하십시오.",
            "Your firm is not registered to bid for this category (goods, services, works); check the categories "
            "in your firm's registration.",
            status=403,
        )
    if notice_region != NATIONWIDE and head_office != notice_region:
        name_ko, name_en = REGIONS.get(notice_region, (notice_region, notice_region))
        return DomainError(
            "region_restricted",
            f"이 공고는 본사 소재지가 {name_ko}인 업체만 참가할 수 있습니다 (지역제한).",
            f"Only firms with their head office in {name_en} may take part in this notice (regional restriction).",
            status=403,
        )
    return None
