"""ScsbidInfoService (낙찰정보서비스): opened rounds, their bidders in rank order, their preliminary prices, and awards.

Pure. Nothing here exists before the opening: the rows come from opened rounds only, and the prices from rounds
whose prices were revealed. Winners' addresses and telephones are not given (a sole proprietor's are personal).
"""

from __future__ import annotations

from jangter.bidding.domain.bid import BidStatus
from jangter.evaluation.domain.ranking import FAILURE_LABELS, STANDING_LABELS, FailureReason, Standing
from jangter.evaluation.queries import OpeningResult, ResultRow
from jangter.kernel.procurement import AWARD_METHOD_LABELS, AwardMethod
from jangter.opendata.g2b import formats as f
from jangter.opendata.g2b.envelope import Item
from jangter.opendata.g2b.views import Bidder, OpeningView, PriceView

OPENED = "개찰완료"
FAILED = "유찰"
#: bidClsfcNo: Jangter notices have one lot.
LOT = "0"


def _round(view: OpeningView) -> dict[str, str]:
    notice = view.notice
    return {
        "bidNtceNo": notice.number,
        "bidNtceOrd": f.order(view.notice_order),
        "bidClsfcNo": LOT,
        "rbidNo": f.order(view.rebid_no),
        "rbidNtceNo": f.order(view.rebid_no),
        "bidNtceNm": notice.title,
        "ntceInsttCd": notice.agency.code,
        "ntceInsttNm": notice.agency.name,
        "dminsttCd": notice.demand.code,
        "dminsttNm": notice.demand.name,
    }


def corp_info(bidder: Bidder | None) -> str:
    """개찰업체정보 of the first-ranked bid: ``name^bizno^ceo^amount^rate`` (CONTRACT.md §6.2)."""
    if bidder is None:
        return ""
    parts = (bidder.name, bidder.business_number, bidder.representative, f.number(bidder.amount), f.rate(bidder.rate))
    return "^".join(parts)


def progress(failure_reason: str | None) -> str:
    return FAILED if failure_reason else OPENED


def opening_values(view: OpeningView) -> dict[str, str]:
    failure = view.failure_reason
    return _round(view) | {
        "opengDt": f.instant(view.opened_at),
        "prtcptCnum": str(view.bid_count),
        "opengCorpInfo": corp_info(view.first) if view.reserve_price is not None else "",
        "progrsDivCdNm": progress(failure),
        "inptDt": f.instant(view.opened_at),
        "rsrvtnPrceFileExistnceYn": f.yn(view.reserve_price is not None),
        "opengRsltNtcCntnts": FAILURE_LABELS[FailureReason(failure)][0] if failure else "",
    }


def opening_item(operation: str, view: OpeningView) -> Item:
    return f.shape(operation, opening_values(view))


def remark(row: ResultRow) -> str:
    """비고: why a bid cannot win (낙찰하한선 미달, 예정가격 초과, an invalid bid's reason); ``""`` otherwise."""
    if row.status is not BidStatus.VALID:
        return row.invalid_reason or "무효"
    if row.standing is not None and row.standing is not Standing.ELIGIBLE:
        return STANDING_LABELS[row.standing][0]
    return ""


def bidder_values(number: str, result: OpeningResult, rebid_no: int, row: ResultRow) -> dict[str, str]:
    """One bid of an opened round (개찰순위), as public as the opening results page."""
    return {
        "opengRsltDivNm": progress(result.failure_reason.value if result.failure_reason else None),
        "bidNtceNo": number,
        "bidNtceOrd": f.order(result.notice_order),
        "bidClsfcNo": LOT,
        "rbidNo": f.order(rebid_no),
        "opengRank": f.number(row.rank),
        "prcbdrBizno": row.business_number,
        "prcbdrNm": row.firm_name,
        "prcbdrCeoNm": row.representative,
        "bidprcAmt": f.number(row.amount),
        "bidprcrt": f.rate(row.rate),
        "rmrk": remark(row),
        "drwtNo1": f.number(row.pick_1),
        "drwtNo2": f.number(row.pick_2),
        "bidprcDt": f.instant(row.received_at),
    }


def bidder_item(operation: str, number: str, result: OpeningResult, rebid_no: int, row: ResultRow) -> Item:
    return f.shape(operation, bidder_values(number, result, rebid_no, row))


def price_values(row: PriceView) -> dict[str, str]:
    view = row.opening
    notice = view.notice
    return _round(view) | {
        "plnprc": f.number(view.reserve_price),
        "bssamt": str(notice.base_amount),
        "totRsrvtnPrceNum": f.number(notice.price_slots),
        "compnoRsrvtnPrceSno": str(row.slot),
        "bsisPlnprc": str(row.amount),
        "drwtYn": f.yn(row.drawn),
        "drwtNum": str(row.pick_count),
        "bidwinrSlctnAplBssCntnts": AWARD_METHOD_LABELS[AwardMethod(notice.award_method)][0],
        "rlOpengDt": f.instant(view.opened_at),
        "bssamtBssUpNum": str(row.above_base),
        "inptDt": f.instant(view.opened_at),
    }


def price_item(operation: str, row: PriceView) -> Item:
    return f.shape(operation, price_values(row))


def award_values(view: OpeningView) -> dict[str, str]:
    winner = view.winner
    return _round(view) | {
        "prtcptCnum": str(view.bid_count),
        "bidwinnrNm": winner.name if winner else "",
        "bidwinnrBizno": winner.business_number if winner else "",
        "bidwinnrCeoNm": winner.representative if winner else "",
        "sucsfbidAmt": f.number(winner.amount) if winner else "",
        "sucsfbidRate": f.rate(winner.rate) if winner else "",
        "rlOpengDt": f.instant(view.opened_at),
        "rgstDt": f.instant(view.awarded_at),
        "fnlSucsfDate": f.day(view.awarded_at),
    }


def award_item(operation: str, view: OpeningView) -> Item:
    return f.shape(operation, award_values(view))
