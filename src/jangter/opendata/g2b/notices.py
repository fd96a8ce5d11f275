"""BidPublicInfoService (입찰공고정보서비스): a notice as the portal's bid-notice item, and its base amount.

Pure. What Jangter does not hold (officials, attached files, joint-supply terms, 업종 limits…) is left ``""``;
officials' names and contacts are personal data and are never given.
"""

from __future__ import annotations

from jangter.kernel.procurement import AWARD_METHOD_LABELS, CONTRACT_METHOD_LABELS, AwardMethod, ContractMethod
from jangter.opendata.g2b import formats as f
from jangter.opendata.g2b.envelope import Item
from jangter.opendata.g2b.views import NoticeView
from jangter.tendering.domain.notice import KIND_LABELS, NoticeKind, NoticeStatus

#: 등록유형명 of a notice registered in the e-procurement system itself (not relayed from another system).
OWN_REGISTRATION = "조달청 또는 나라장터 자체 공고건"
OPENING_PLACE = "장터 전자개찰"


def notice_url(base_url: str, number: str) -> str:
    return f"{base_url.rstrip('/')}/notices/{number}"


def kind_name(view: NoticeView) -> str:
    """공고종류명: 등록공고, 변경공고, 재공고, or 취소공고 for a cancelled notice."""
    if view.status == NoticeStatus.CANCELLED.value:
        return "취소공고"
    return KIND_LABELS[NoticeKind(view.kind)][0]


def notice_values(view: NoticeView, base_url: str) -> dict[str, str]:
    """Every field Jangter can fill, for any business type (``formats.shape`` keeps the operation's own)."""
    url = notice_url(base_url, view.number)
    changed = view.order > 0
    return {
        "bidNtceNo": view.number,
        "bidNtceOrd": f.order(view.order),
        "reNtceYn": f.yn(view.reannounced),
        "rgstTyNm": OWN_REGISTRATION,
        "ntceKindNm": kind_name(view),
        "intrbidYn": "N",
        "bidNtceDt": f.instant(view.published_at),
        "bidNtceNm": view.title,
        "ntceInsttCd": view.agency.code,
        "ntceInsttNm": view.agency.name,
        "dminsttCd": view.demand.code,
        "dminsttNm": view.demand.name,
        "bidMethdNm": "전자입찰",
        "cntrctCnclsMthdNm": CONTRACT_METHOD_LABELS[ContractMethod(view.contract_method)][0],
        "bidBeginDt": f.instant(view.bid_start_at),
        "bidClseDt": f.instant(view.deadline_at),
        "opengDt": f.instant(view.opening_at),
        "prearngPrceDcsnMthdNm": "복수예가" if view.price_slots else "",
        "totPrdprcNum": f.number(view.price_slots),
        "drwtPrdprcNum": f.number(view.price_drawn),
        "presmptPrce": str(view.estimated_price),
        "opengPlce": OPENING_PLACE,
        "bidNtceDtlUrl": url,
        "bidNtceUrl": url,
        "dsgntCmptYn": "N",
        "arsltCmptYn": "N",
        "orderPlanUntyNo": view.order_plan or "",
        "bfSpecRgstNo": view.pre_specification or "",
        "sucsfbidLwltRate": f.rate(view.floor_rate),
        "sucsfbidMthdNm": AWARD_METHOD_LABELS[AwardMethod(view.award_method)][0],
        "rgstDt": f.instant(view.published_at),
        "chgDt": f.instant(view.published_at) if changed else "",
        "chgNtceRsn": (view.change_reason or "") if changed else "",
    }


def notice_item(operation: str, view: NoticeView, base_url: str) -> Item:
    return f.shape(operation, notice_values(view, base_url))


def base_amount_values(view: NoticeView) -> dict[str, str]:
    """기초금액: the amount, when it was published, and the range of the preliminary prices around it."""
    spread = view.reserve_range_pct
    return {
        "bidNtceNo": view.number,
        "bidNtceOrd": f.order(view.order),
        "bidClsfcNo": "0",
        "bidNtceNm": view.title,
        "bssamt": str(view.base_amount),
        "bssamtOpenDt": f.instant(view.first_published_at),
        "rsrvtnPrceRngBgnRate": f"-{f.rate(spread)}" if spread is not None else "",
        "rsrvtnPrceRngEndRate": f"+{f.rate(spread)}" if spread is not None else "",
        "inptDt": f.instant(view.first_published_at),
        "bidPrceCalclAYn": f.yn(view.a_value > 0),
    }


def base_amount_item(operation: str, view: NoticeView) -> Item:
    return f.shape(operation, base_amount_values(view))
