"""The implemented operations: for each, its query modes (``inqryDiv``), its filters and its mapping.

An operation reads its parameters (``params.Params``, refusing with 06/07/08), asks ``queries`` for one page and
maps the rows to items. Business types: ``Thng`` goods (물품), ``Servc`` services (용역), ``Cnstwk`` works (공사);
Jangter has no foreign procurement (외자, ``Frgcpt``) nor "other" notices (``Etc``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from jangter.evaluation.queries import opening_results
from jangter.kernel.context import AppContext
from jangter.kernel.errors import NotFound
from jangter.kernel.ids import is_notice_number
from jangter.kernel.procurement import REGIONS, Category
from jangter.opendata.g2b import contracts, notices, plans, prespecs, queries, results
from jangter.opendata.g2b.envelope import Item, ProviderError, ResultCode
from jangter.opendata.g2b.params import MonthRange, Params, Window, parse_month

SERVICES: dict[str, str] = {
    "BidPublicInfoService": "/1230000/ad/BidPublicInfoService",
    "ScsbidInfoService": "/1230000/as/ScsbidInfoService",
    "CntrctInfoService": "/1230000/ao/CntrctInfoService",
    "HrcspSsstndrdInfoService": "/1230000/ao/HrcspSsstndrdInfoService",
    "OrderPlanSttusService": "/1230000/ao/OrderPlanSttusService",
}

BUSINESS_TYPES: dict[str, Category] = {"Thng": Category.GOODS, "Servc": Category.SERVICES, "Cnstwk": Category.WORKS}


@dataclass(frozen=True)
class Request:
    """What an operation needs besides its parameters."""

    ctx: AppContext
    params: Params
    offset: int
    limit: int

    @property
    def base_url(self) -> str:
        return self.ctx.base_url


Run = Callable[[str, Category, Request], tuple[int, list[Item]]]


@dataclass(frozen=True)
class Operation:
    service: str
    name: str
    category: Category | None
    run: Run
    summary: str


# --- shared parameter readers ---------------------------------------------------------------------------------------


def notice_number(params: Params, name: str = "bidNtceNo") -> str:
    """A notice number as the portal sends it (``R26BK00000001``); a display form ``…-000`` is accepted too."""
    value = params.required(name).upper()
    return value[:13] if len(value) == 17 and value[13] == "-" and is_notice_number(value[:13]) else value


#: Filters on data Jangter does not hold: given, they match no notice (Jangter's notices have no reference,
#: procurement request, 업종 limit or product classification, and none is international or MAS).
UNHELD = ("refNo", "prcrmntReqNo", "indstrytyCd", "indstrytyNm", "dtilPrdctClsfcNo")


def notice_search(params: Params, *, ctx: AppContext) -> queries.NoticeSearch:
    """The portal's search filters (PPSSrch) on notices."""
    nothing = any(params.text(name) for name in UNHELD)
    nothing = nothing or params.text("intrntnlDivCd") not in (None, "1") or params.flag("masYn") is True
    regions: tuple[str, ...] | None = None
    code = params.text("prtcptLmtRgnCd")
    if code is not None:
        regions = (code,)
    name = params.text("prtcptLmtRgnNm")
    if name is not None:
        wanted = name.replace(" ", "")
        named = tuple(c for c, (ko, _en) in REGIONS.items() if wanted in ko.replace(" ", ""))
        regions = named if regions is None else tuple(c for c in regions if c in named)
    open_only = params.flag("bidClseExcpYn")
    return queries.NoticeSearch(
        title=params.text("bidNtceNm"),
        agency_code=params.text("ntceInsttCd"),
        agency_name=params.text("ntceInsttNm"),
        demand_code=params.text("dminsttCd"),
        demand_name=params.text("dminsttNm"),
        regions=regions,
        price_min=params.amount("presmptPrceBgn"),
        price_max=params.amount("presmptPrceEnd"),
        open_only_at=ctx.clock.now() if open_only else None,
        winner_business_number=params.text("bizno"),
        nothing=nothing,
    )


def _mode(params: Params, modes: dict[str, str | None]) -> tuple[str | None, Window | None, str | None]:
    """``inqryDiv`` → (time column, window, key parameter): a mode is a time column (its window required) or,
    for ``None``, the key parameter named in ``keys``."""
    div = params.inqry_div("".join(modes))
    column = modes[div]
    if column is None:
        return None, None, div
    return column, params.window(required=True), None


# --- BidPublicInfoService -------------------------------------------------------------------------------------------


def _notices(
    op: str, category: Category, req: Request, modes: dict[str, str | None], search: bool
) -> tuple[int, list[Item]]:
    column, window, _key = _mode(req.params, modes)
    number = notice_number(req.params) if column is None else None
    found = queries.notices(
        req.ctx,
        category,
        when=column or "published",
        window=window,
        number=number,
        search=notice_search(req.params, ctx=req.ctx) if search else None,
        offset=req.offset,
        limit=req.limit,
    )
    return found.total, [notices.notice_item(op, view, req.base_url) for view in found.rows]


def notice_list(op: str, category: Category, req: Request) -> tuple[int, list[Item]]:
    """inqryDiv 1 등록일시 (the current 차수's publication), 2 bidNtceNo, 3 변경일시."""
    return _notices(op, category, req, {"1": "published", "2": None, "3": "changed"}, search=False)


def notice_search_op(op: str, category: Category, req: Request) -> tuple[int, list[Item]]:
    """inqryDiv 1 공고게시일시, 2 개찰일시 (the scheduled opening); with the portal's filters."""
    return _notices(op, category, req, {"1": "published", "2": "opening"}, search=True)


def base_amounts(op: str, category: Category, req: Request) -> tuple[int, list[Item]]:
    """inqryDiv 1 입력일시 (publication), 2 bidNtceNo."""
    column, window, _key = _mode(req.params, {"1": "published", "2": None})
    number = notice_number(req.params) if column is None else None
    found = queries.notices(
        req.ctx,
        category,
        when="published",
        window=window,
        number=number,
        search=None,
        offset=req.offset,
        limit=req.limit,
    )
    return found.total, [notices.base_amount_item(op, view) for view in found.rows]


# --- ScsbidInfoService ----------------------------------------------------------------------------------------------


def _openings(
    op: str, category: Category, req: Request, modes: dict[str, str | None], *, search: bool, awarded: bool
) -> tuple[int, list[Item]]:
    column, window, _key = _mode(req.params, modes)
    number = notice_number(req.params) if column is None else None
    found = queries.openings(
        req.ctx,
        category,
        when=column or "opened",
        window=window,
        number=number,
        search=notice_search(req.params, ctx=req.ctx) if search else None,
        awarded_only=awarded,
        offset=req.offset,
        limit=req.limit,
    )
    if awarded:
        return found.total, [results.award_item(op, view) for view in found.rows]
    return found.total, [results.opening_item(op, view) for view in found.rows]


def opening_list(op: str, category: Category, req: Request) -> tuple[int, list[Item]]:
    """inqryDiv 1 입력일시 and 3 개찰일시 (both: when the round was opened), 2 공고일시, 4 bidNtceNo."""
    modes = {"1": "opened", "2": "published", "3": "opened", "4": None}
    return _openings(op, category, req, modes, search=False, awarded=False)


def opening_search(op: str, category: Category, req: Request) -> tuple[int, list[Item]]:
    """inqryDiv 1 공고일시, 2 개찰일시, 3 bidNtceNo; with the portal's filters."""
    modes = {"1": "published", "2": "opened", "3": None}
    return _openings(op, category, req, modes, search=True, awarded=False)


def award_list(op: str, category: Category, req: Request) -> tuple[int, list[Item]]:
    """inqryDiv 1 등록일시 (the award), 2 공고일시, 3 개찰일시, 4 bidNtceNo."""
    modes = {"1": "awarded", "2": "published", "3": "opened", "4": None}
    return _openings(op, category, req, modes, search=False, awarded=True)


def award_search(op: str, category: Category, req: Request) -> tuple[int, list[Item]]:
    """inqryDiv 1 공고게시일시, 2 개찰일시, 3 bidNtceNo; with the portal's filters and the winner's ``bizno``."""
    modes = {"1": "published", "2": "opened", "3": None}
    return _openings(op, category, req, modes, search=True, awarded=True)


def preliminary_prices(op: str, category: Category, req: Request) -> tuple[int, list[Item]]:
    """inqryDiv 1 입력일시 (the opening), 2 bidNtceNo: the 15 prices of each opened round, once revealed."""
    column, window, _key = _mode(req.params, {"1": "opened", "2": None})
    number = notice_number(req.params) if column is None else None
    found = queries.prices(req.ctx, category, window=window, number=number, offset=req.offset, limit=req.limit)
    return found.total, [results.price_item(op, row) for row in found.rows]


def ranking(op: str, _category: Category, req: Request) -> tuple[int, list[Item]]:
    """개찰완료 목록: every bid of one opened round in the order of the results page. ``bidNtceNo`` required;
    ``bidNtceOrd`` and ``rbidNo`` choose the round (default: the latest opened)."""
    params = req.params
    number = notice_number(params)
    order, rebid = params.text("bidNtceOrd"), params.text("rbidNo")
    for name, value in (("bidNtceOrd", order), ("rbidNo", rebid), ("bidClsfcNo", params.text("bidClsfcNo"))):
        if value is not None and not value.isdigit():
            raise ProviderError(ResultCode.OUT_OF_RANGE, name)
    if params.text("bidClsfcNo") not in (None, "0"):
        return 0, []
    try:
        rounds = opening_results(req.ctx, number)
    except NotFound:
        return 0, []
    ordered = sorted(rounds, key=lambda r: r.round)
    numbered = [(r, sum(1 for o in ordered if o.notice_order == r.notice_order and o.round < r.round)) for r in ordered]
    chosen = [
        (r, n)
        for r, n in numbered
        if (order is None or r.notice_order == int(order)) and (rebid is None or n == int(rebid))
    ]
    if not chosen:
        return 0, []
    result, rebid_no = chosen[-1]
    rows = list(result.bids)
    page = rows[req.offset : req.offset + req.limit]
    return len(rows), [results.bidder_item(op, number, result, rebid_no, row) for row in page]


# --- CntrctInfoService ----------------------------------------------------------------------------------------------


def contract_list(op: str, category: Category, req: Request) -> tuple[int, list[Item]]:
    """inqryDiv 1 등록일시 (both parties signed), 2 untyCntrctNo (Jangter's contract number, R26TA…)."""
    div = req.params.inqry_div("12")
    window = req.params.window(required=True) if div == "1" else None
    number = req.params.required("untyCntrctNo").upper() if div == "2" else None
    found = queries.contracts(req.ctx, category, window=window, number=number, offset=req.offset, limit=req.limit)
    return found.total, [contracts.contract_item(op, view, req.base_url) for view in found.rows]


# --- HrcspSsstndrdInfoService ---------------------------------------------------------------------------------------


def spec_list(op: str, category: Category, req: Request) -> tuple[int, list[Item]]:
    """inqryDiv 1 등록일시 and 3 변경일시 (a pre-specification does not change: both its publication), 2
    bfSpecRgstNo."""
    div = req.params.inqry_div("123")
    window = req.params.window(required=True) if div in "13" else None
    number = req.params.required("bfSpecRgstNo").upper() if div == "2" else None
    found = queries.specs(req.ctx, category, window=window, number=number, offset=req.offset, limit=req.limit)
    return found.total, [prespecs.spec_item(op, view, req.base_url) for view in found.rows]


def spec_search(op: str, category: Category, req: Request) -> tuple[int, list[Item]]:
    """inqryDiv 1 접수일시 (the window optional), 2 bfSpecRgstNo, 3 refNo (Jangter has none: no match); the
    institution filters all name the publishing agency (it is its own demand institution)."""
    params = req.params
    div = params.inqry_div("123")
    window = params.window(required=False)
    number = params.required("bfSpecRgstNo").upper() if div == "2" else params.text("bfSpecRgstNo")
    nothing = div == "3" or params.flag("swBizObjYn") is True or params.text("dtilPrdctClsfcNo") is not None
    codes = {c for c in (params.text("ntceInsttCd"), params.text("dminsttCd")) if c}
    names = [n for n in (params.text("ntceInsttNm"), params.text("dminsttNm")) if n]
    found = queries.specs(
        req.ctx,
        category,
        window=window,
        number=number.upper() if number else None,
        title=params.text("prdctClsfcNoNm"),
        agency_code=codes.pop() if len(codes) == 1 else None,
        agency_name=names[0] if names else None,
        nothing=nothing or len(codes) > 1,
        offset=req.offset,
        limit=req.limit,
    )
    return found.total, [prespecs.spec_item(op, view, req.base_url) for view in found.rows]


# --- OrderPlanSttusService ------------------------------------------------------------------------------------------


def plan_list(op: str, category: Category, req: Request) -> tuple[int, list[Item]]:
    """inqryDiv 1 발주년월 (orderBgnYm … orderEndYm) and 게시일시 (the window), 2 orderPlanUntyNo."""
    params = req.params
    div = params.inqry_div("12")
    months = params.months(required=True) if div == "1" else None
    window = params.window(required=True) if div == "1" else None
    number = params.required("orderPlanUntyNo").upper() if div == "2" else None
    found = queries.plans(
        req.ctx,
        category,
        months=months,
        window=window,
        number=number,
        agency_code=params.text("orderInsttCd"),
        agency_name=params.text("orderInsttNm"),
        offset=req.offset,
        limit=req.limit,
    )
    return found.total, [plans.plan_item(op, view, req.base_url) for view in found.rows]


#: Order-plan filters on data Jangter does not hold: given, they match nothing.
PLAN_UNHELD = ("bsnsTyCd", "bsnsTyNm", "insttLctNm", "cnsttyDivNm", "dtilPrdctClsfcNo")


def plan_search(op: str, category: Category, req: Request) -> tuple[int, list[Item]]:
    """Every parameter optional: the order months (either bound alone is open on the other side), the posting
    window, the institution, ``bizNm``; Jangter's items are all 자체조달 and none is under an agreement (협정)."""
    params = req.params
    begin, end = params.text("orderBgnYm"), params.text("orderEndYm")
    months = None
    if begin is not None or end is not None:
        first = parse_month(begin, "orderBgnYm") if begin else 0
        last = parse_month(end, "orderEndYm") if end else 999999
        if last < first:
            raise ProviderError(ResultCode.OUT_OF_RANGE, "orderEndYm")
        months = MonthRange(first, last)
    nothing = any(params.text(name) for name in PLAN_UNHELD) or params.flag("agrmntYn") is True
    nothing = nothing or params.text("prcrmntMethd") not in (None, "자체조달")
    found = queries.plans(
        req.ctx,
        category,
        months=months,
        window=params.window(required=False),
        number=None,
        agency_code=params.text("orderInsttCd"),
        agency_name=params.text("orderInsttNm"),
        title=params.text("bizNm"),
        nothing=nothing,
        offset=req.offset,
        limit=req.limit,
    )
    return found.total, [plans.plan_item(op, view, req.base_url) for view in found.rows]


# --- the registry ---------------------------------------------------------------------------------------------------

_FAMILIES: tuple[tuple[str, str, Run, str], ...] = (
    ("BidPublicInfoService", "getBidPblancListInfo{t}", notice_list, "입찰공고목록 ({k})"),
    ("BidPublicInfoService", "getBidPblancListInfo{t}PPSSrch", notice_search_op, "입찰공고 검색 ({k})"),
    ("BidPublicInfoService", "getBidPblancListInfo{t}BsisAmount", base_amounts, "입찰공고 기초금액 ({k})"),
    ("ScsbidInfoService", "getOpengResultListInfo{t}", opening_list, "개찰결과 목록 ({k})"),
    ("ScsbidInfoService", "getOpengResultListInfo{t}PPSSrch", opening_search, "개찰결과 검색 ({k})"),
    ("ScsbidInfoService", "getOpengResultListInfo{t}PreparPcDetail", preliminary_prices, "개찰결과 예비가격상세 ({k})"),
    ("ScsbidInfoService", "getScsbidListSttus{t}", award_list, "낙찰된 목록 현황 ({k})"),
    ("ScsbidInfoService", "getScsbidListSttus{t}PPSSrch", award_search, "낙찰 현황 검색 ({k})"),
    ("CntrctInfoService", "getCntrctInfoList{t}", contract_list, "계약현황 ({k})"),
    ("HrcspSsstndrdInfoService", "getPublicPrcureThngInfo{t}", spec_list, "사전규격 목록 ({k})"),
    ("HrcspSsstndrdInfoService", "getPublicPrcureThngInfo{t}PPSSrch", spec_search, "사전규격 검색 ({k})"),
    ("OrderPlanSttusService", "getOrderPlanSttusList{t}", plan_list, "발주계획현황 ({k})"),
    ("OrderPlanSttusService", "getOrderPlanSttusList{t}PPSSrch", plan_search, "발주계획현황 검색 ({k})"),
)

_KO = {"Thng": "물품", "Servc": "용역", "Cnstwk": "공사"}


def _registry() -> dict[tuple[str, str], Operation]:
    found: dict[tuple[str, str], Operation] = {}
    for service, pattern, run, summary in _FAMILIES:
        for short, category in BUSINESS_TYPES.items():
            name = pattern.format(t=short)
            found[(service, name)] = Operation(service, name, category, run, summary.format(k=_KO[short]))
    found[("ScsbidInfoService", "getOpengResultListInfoOpengCompt")] = Operation(
        "ScsbidInfoService", "getOpengResultListInfoOpengCompt", None, ranking, "개찰결과 개찰완료 목록 (개찰순위)"
    )
    return found


OPERATIONS = _registry()


def of_service(service: str) -> list[Operation]:
    return [op for (s, _n), op in OPERATIONS.items() if s == service]


def run(operation: Operation, ctx: AppContext, params: Params) -> tuple[int, int, int, list[Item]]:
    """(pageNo, numOfRows, totalCount, items) of one call."""
    page_no, rows = params.paging()
    request = Request(ctx, params, (page_no - 1) * rows, rows)
    total, items = operation.run(operation.name, operation.category or Category.GOODS, request)
    return page_no, rows, total, items
