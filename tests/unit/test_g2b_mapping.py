"""The Korean open-data API's pure parts: parameters and their result codes, the envelope in JSON and XML, and the
mappings from Jangter's views to the portal's items (CONTRACT.md in ../shared/reference/g2b-openapi/)."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from collections.abc import Callable
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from jangter.bidding.domain.bid import BidStatus
from jangter.evaluation.domain.ranking import FailureReason, Standing
from jangter.evaluation.queries import OpeningResult, ResultRow
from jangter.kernel.procurement import Category
from jangter.opendata.g2b import contracts, formats, notices, plans, prespecs, results
from jangter.opendata.g2b.envelope import (
    ERROR_ROOT,
    Page,
    ProviderError,
    ResultCode,
    error_document,
    success_document,
    to_json,
    to_xml,
)
from jangter.opendata.g2b.fields import FIELDS
from jangter.opendata.g2b.params import Params
from jangter.opendata.g2b.views import (
    Agency,
    Bidder,
    ContractView,
    NoticeView,
    OpeningView,
    PlanView,
    PriceView,
    SpecView,
)

AGENCY = Agency("1741000", "행정안전부", "national")
DEMAND = Agency("6110000", "서울특별시", "local")
PUBLISHED = datetime(2026, 11, 2, 0, 0, 5, tzinfo=UTC)  # 09:00:05 in Seoul


def notice(**changes: object) -> NoticeView:
    base = {
        "number": "R26BK00000012",
        "order": 0,
        "kind": "registration",
        "status": "published",
        "title": "청사 LED 조명 교체 구매",
        "category": Category.GOODS,
        "contract_method": "general_competitive",
        "award_method": "qualification_review",
        "agency": AGENCY,
        "demand": DEMAND,
        "region": "11",
        "base_amount": 100_000_000,
        "estimated_price": 90_909_090,
        "a_value": 0,
        "reserve_range_pct": Decimal("2.000"),
        "floor_rate": Decimal("87.745"),
        "bid_start_at": PUBLISHED,
        "deadline_at": datetime(2026, 11, 11, 1, 0, tzinfo=UTC),
        "opening_at": datetime(2026, 11, 11, 2, 0, tzinfo=UTC),
        "published_at": PUBLISHED,
        "first_published_at": PUBLISHED,
        "updated_at": PUBLISHED,
        "cancelled_at": None,
        "reannounced": False,
        "order_plan": "R26DD00000003",
        "pre_specification": None,
        "price_slots": 15,
        "price_drawn": 4,
    }
    return NoticeView(**(base | changes))  # type: ignore[arg-type]


def opening(**changes: object) -> OpeningView:
    base = {
        "notice": notice(),
        "round": 1,
        "notice_order": 0,
        "rebid_no": 0,
        "opened_at": datetime(2026, 11, 11, 2, 3, 2, tzinfo=UTC),
        "bid_count": 25,
        "failure_reason": None,
        "reserve_price": 100_120_000,
        "awarded_at": datetime(2026, 11, 12, 5, 0, tzinfo=UTC),
        "first": Bidder("주식회사 그린", "6158193504", "김성원", 88_700_000, Decimal("88.594")),
        "winner": Bidder("주식회사 그린", "6158193504", "김성원", 88_700_000, Decimal("88.594")),
    }
    return OpeningView(**(base | changes))  # type: ignore[arg-type]


# --- parameters -----------------------------------------------------------------------------------------------------


def refused(params: dict[str, str], call: Callable[[Params], object]) -> str:
    with pytest.raises(ProviderError) as caught:
        call(Params(params))
    return caught.value.code.value


def test_a_window_is_korean_time_to_the_last_minute_included() -> None:
    window = Params({"inqryBgnDt": "202507010000", "inqryEndDt": "202507012359"}).window(required=True)
    assert window is not None
    assert window.start == datetime(2025, 6, 30, 15, 0, tzinfo=UTC)
    assert window.end == datetime(2025, 7, 1, 15, 0, tzinfo=UTC)  # 23:59 included
    full_month = Params({"inqryBgnDt": "202501010000", "inqryEndDt": "202501312359"})
    assert full_month.window(required=True) is not None


@pytest.mark.parametrize(
    ("params", "call", "code"),
    [
        ({}, lambda p: p.inqry_div("123"), "08"),
        ({"inqryDiv": "4"}, lambda p: p.inqry_div("123"), "07"),
        ({"inqryDiv": "12"}, lambda p: p.inqry_div("123"), "07"),
        ({}, lambda p: p.window(required=True), "08"),
        ({"inqryBgnDt": "202507010000"}, lambda p: p.window(required=False), "08"),
        ({"inqryBgnDt": "2025070100", "inqryEndDt": "202507012359"}, lambda p: p.window(required=True), "06"),
        ({"inqryBgnDt": "202502300000", "inqryEndDt": "202503012359"}, lambda p: p.window(required=True), "06"),
        ({"inqryBgnDt": "202507020000", "inqryEndDt": "202507012359"}, lambda p: p.window(required=True), "07"),
        ({"inqryBgnDt": "202507010000", "inqryEndDt": "202508010001"}, lambda p: p.window(required=True), "07"),
        ({"orderBgnYm": "202613", "orderEndYm": "202612"}, lambda p: p.months(required=True), "06"),
        ({"orderBgnYm": "202606", "orderEndYm": "202605"}, lambda p: p.months(required=True), "07"),
        ({"numOfRows": "1000"}, lambda p: p.paging(), "07"),
        ({"pageNo": "0"}, lambda p: p.paging(), "07"),
        ({"pageNo": "-1"}, lambda p: p.paging(), "07"),
        ({"presmptPrceBgn": "1e9"}, lambda p: p.amount("presmptPrceBgn"), "07"),
        ({"bidClseExcpYn": "X"}, lambda p: p.flag("bidClseExcpYn"), "07"),
    ],
)
def test_bad_parameters_get_the_portals_codes(
    params: dict[str, str], call: Callable[[Params], object], code: str
) -> None:
    assert refused(params, call) == code


def test_defaults_empty_values_and_type() -> None:
    params = Params({"pageNo": "", "numOfRows": " ", "type": "JSON", "bidNtceNo": ""})
    assert params.paging() == (1, 10) and params.wants_json() and params.text("bidNtceNo") is None
    assert not Params({}).wants_json() and not Params({"type": "xml"}).wants_json()
    assert Params({"numOfRows": "999", "pageNo": "3"}).paging() == (3, 999)


# --- envelope -------------------------------------------------------------------------------------------------------


def test_the_envelope_in_json_and_xml() -> None:
    page = Page([{"bidNtceNo": "R26BK00000012", "bidNtceOrd": "000", "refNo": ""}], 1, 10, 1)
    document = json.loads(to_json(success_document(page)))
    assert document == {
        "response": {
            "header": {"resultCode": "00", "resultMsg": "정상"},
            "body": {
                "items": [{"bidNtceNo": "R26BK00000012", "bidNtceOrd": "000", "refNo": ""}],
                "numOfRows": 10,
                "pageNo": 1,
                "totalCount": 1,
            },
        }
    }
    root = ET.fromstring(to_xml(success_document(page)))
    assert [c.tag for c in root] == ["header", "body"] and root.findtext("body/totalCount") == "1"
    assert [c.tag for c in root.find("body/items/item")] == ["bidNtceNo", "bidNtceOrd", "refNo"]  # type: ignore[union-attr]
    assert root.findtext("body/items/item/refNo") == ""
    empty = success_document(Page([], 2, 5, 0))
    assert empty["response"]["header"] == {"resultCode": "03", "resultMsg": "NODATA_ERROR"}
    assert empty["response"]["body"]["items"] == ""
    assert success_document(Page([], 9, 5, 3))["response"]["header"]["resultCode"] == "00"  # past the last page
    assert json.loads(to_json(error_document(ResultCode.OUT_OF_RANGE))) == {
        ERROR_ROOT: {"header": {"resultCode": "07", "resultMsg": "입력범위값 초과 에러"}}
    }
    assert ET.fromstring(to_xml(error_document(ResultCode.DATE_FORMAT))).findtext("header/resultCode") == "06"
    escaped = to_xml(success_document(Page([{"bidNtceNm": "A&B <C>"}], 1, 1, 1)))
    assert ET.fromstring(escaped).findtext("body/items/item/bidNtceNm") == "A&B <C>"


# --- formats and shapes ---------------------------------------------------------------------------------------------


def test_formats() -> None:
    assert formats.instant(PUBLISHED) == "2026-11-02 09:00:05" and formats.instant(None) == ""
    assert formats.day(datetime(2026, 11, 11, 16, 0, tzinfo=UTC)) == "2026-11-12" and formats.day(date(2026, 1, 2))
    assert formats.rate(Decimal("87.745")) == "87.745" and formats.rate(Decimal("90.000")) == "90"
    assert formats.order(1) == "001" and formats.number(None) == "" and formats.yn(True) == "Y"


def test_shape_gives_every_field_in_order_and_drops_others() -> None:
    item = formats.shape("getOpengResultListInfoServc", {"bidNtceNo": "R26BK00000012", "bdgtAmt": "1"})
    assert list(item) == list(FIELDS["getOpengResultListInfoServc"])
    assert item["bidNtceNo"] == "R26BK00000012" and "bdgtAmt" not in item
    assert all(v == "" for k, v in item.items() if k != "bidNtceNo")


BID_NOTICES = ("getBidPblancListInfo{}", "getBidPblancListInfo{}BsisAmount")
OPENINGS = (
    "getOpengResultListInfo{}",
    "getOpengResultListInfo{}PreparPcDetail",
    "getScsbidListSttus{}",
    "getScsbidListSttus{}PPSSrch",
)
FAMILIES: dict[str, tuple[tuple[str, ...], Callable[[], dict[str, str]]]] = {
    "notice": (BID_NOTICES, lambda: notices.notice_values(notice(), "https://jangter.kr")),
    "base": (BID_NOTICES, lambda: notices.base_amount_values(notice())),
    "opening": (OPENINGS, lambda: results.opening_values(opening())),
    "price": (
        OPENINGS,
        lambda: results.price_values(PriceView(opening(), 1, 101_000_000, 3, True, 8)),
    ),
    "award": (OPENINGS, lambda: results.award_values(opening())),
}


@pytest.mark.parametrize("family", sorted(FAMILIES))
def test_a_mapper_names_only_fields_of_its_operations(family: str) -> None:
    """A misspelt field would silently become ``""``: every name a mapper gives exists in an operation of its
    service."""
    patterns, values = FAMILIES[family]
    known = set().union(*(FIELDS[p.format(t)] for p in patterns for t in ("Thng", "Servc", "Cnstwk")))
    assert set(values()) <= known


def test_a_notice_as_the_portal_writes_it() -> None:
    item = notices.notice_item("getBidPblancListInfoThng", notice(), "https://jangter.kr/")
    assert (item["bidNtceNo"], item["bidNtceOrd"], item["ntceKindNm"], item["reNtceYn"]) == (
        "R26BK00000012",
        "000",
        "등록공고",
        "N",
    )
    assert (item["bidNtceDt"], item["bidClseDt"], item["opengDt"]) == (
        "2026-11-02 09:00:05",
        "2026-11-11 10:00:00",
        "2026-11-11 11:00:00",
    )
    assert (item["ntceInsttCd"], item["dminsttNm"], item["presmptPrce"], item["sucsfbidLwltRate"]) == (
        "1741000",
        "서울특별시",
        "90909090",
        "87.745",
    )
    assert item["bidNtceDtlUrl"] == "https://jangter.kr/notices/R26BK00000012"
    assert item["orderPlanUntyNo"] == "R26DD00000003" and item["bfSpecRgstNo"] == "" and item["chgDt"] == ""
    assert item["ntceInsttOfclNm"] == item["ntceInsttOfclEmailAdrs"] == item["exctvNm"] == ""
    changed = notices.notice_item(
        "getBidPblancListInfoCnstwk", notice(order=1, kind="change", change_reason="개찰일시 변경"), "x"
    )
    assert (changed["bidNtceOrd"], changed["ntceKindNm"], changed["chgNtceRsn"]) == ("001", "변경공고", "개찰일시 변경")
    assert notices.kind_name(notice(status="cancelled")) == "취소공고"
    negotiated = notices.notice_values(notice(award_method="negotiated", floor_rate=None), "x")
    assert negotiated["sucsfbidLwltRate"] == "" and negotiated["sucsfbidMthdNm"] == "협상에 의한 계약"
    base = notices.base_amount_item("getBidPblancListInfoCnstwkBsisAmount", notice(a_value=3_000_000))
    assert (base["bssamt"], base["rsrvtnPrceRngBgnRate"], base["rsrvtnPrceRngEndRate"]) == ("100000000", "-2", "+2")
    assert base["bidPrceCalclAYn"] == "Y"


def test_opening_results_prices_and_awards() -> None:
    item = results.opening_item("getOpengResultListInfoThng", opening(rebid_no=1))
    assert item["opengCorpInfo"] == "주식회사 그린^6158193504^김성원^88700000^88.594"
    assert (item["rbidNo"], item["rbidNtceNo"], item["progrsDivCdNm"], item["rsrvtnPrceFileExistnceYn"]) == (
        "001",
        "001",
        "개찰완료",
        "Y",
    )
    assert item["opengDt"] == item["inptDt"] == "2026-11-11 11:03:02"
    failed = results.opening_item(
        "getOpengResultListInfoServc", opening(failure_reason="single_bid", reserve_price=None, first=None)
    )
    assert (failed["progrsDivCdNm"], failed["opengCorpInfo"], failed["opengRsltNtcCntnts"]) == ("유찰", "", "단독응찰")
    assert failed["rsrvtnPrceFileExistnceYn"] == "N"
    price = results.price_item(
        "getOpengResultListInfoServcPreparPcDetail", PriceView(opening(), 3, 101_000_000, 2, True, 8)
    )
    assert (price["compnoRsrvtnPrceSno"], price["bsisPlnprc"], price["drwtYn"], price["drwtNum"]) == (
        "3",
        "101000000",
        "Y",
        "2",
    )
    assert (price["plnprc"], price["bssamt"], price["totRsrvtnPrceNum"], price["bssamtBssUpNum"]) == (
        "100120000",
        "100000000",
        "15",
        "8",
    )
    award = results.award_item("getScsbidListSttusServc", opening())
    assert (award["bidwinnrNm"], award["sucsfbidAmt"], award["sucsfbidRate"], award["fnlSucsfDate"]) == (
        "주식회사 그린",
        "88700000",
        "88.594",
        "2026-11-12",
    )
    assert award["bidwinnrAdrs"] == award["bidwinnrTelNo"] == award["fnlSucsfCorpOfcl"] == ""


def test_the_ranking_of_an_opening() -> None:
    def row(rank: int | None, standing: Standing | None, status: BidStatus = BidStatus.VALID) -> ResultRow:
        return ResultRow(
            rank, 1, "시험업체", "1208000001", "대표", 88_000_000, Decimal("88.100"), 2, 6,
            datetime(2026, 11, 10, 0, 40, 35, tzinfo=UTC), status, standing,
            None if status is BidStatus.VALID else "서명 불일치", "h", False,
        )  # fmt: skip

    result = OpeningResult(
        2, 1, "v", datetime(2026, 11, 11, tzinfo=UTC), 3, 3, None, 100, Decimal(87), None, None, 0,
        None, False, (), (), None, None, None, None, None, (),
    )  # fmt: skip
    first = results.bidder_item(
        "getOpengResultListInfoOpengCompt", "R26BK00000012", result, 1, row(1, Standing.ELIGIBLE)
    )
    assert (first["opengRank"], first["bidNtceOrd"], first["rbidNo"], first["bidprcrt"], first["rmrk"]) == (
        "1",
        "001",
        "001",
        "88.1",
        "",
    )
    assert (first["drwtNo1"], first["drwtNo2"], first["bidprcDt"]) == ("2", "6", "2026-11-10 09:40:35")
    below = results.bidder_values("R26BK00000012", result, 0, row(None, Standing.BELOW_FLOOR))
    assert below["opengRank"] == "" and below["rmrk"] == "낙찰하한선 미달"
    invalid = results.bidder_values("R26BK00000012", result, 0, row(None, None, BidStatus.INVALID))
    assert invalid["rmrk"] == "서명 불일치"
    failed = OpeningResult(**(vars(result) | {"failure_reason": FailureReason.NO_ELIGIBLE_BID}))
    assert results.bidder_values("R", failed, 0, row(None, None))["opengRsltDivNm"] == "유찰"


def test_contracts_pre_specifications_and_order_plans() -> None:
    view = ContractView(
        "R26TA00000001", "R26BK00000012", "청사 주차장 포장 공사", Category.WORKS, "active", 93_000_000,
        Decimal("10.000"), date(2026, 12, 1), date(2027, 3, 31), datetime(2026, 11, 20, 1, 0, tzinfo=UTC),
        datetime(2026, 11, 20, 1, 0, tzinfo=UTC), DEMAND, "시험업체 1", "1208000011", "대표1",
    )  # fmt: skip
    item = contracts.contract_item("getCntrctInfoListCnstwk", view, "https://jangter.kr")
    assert (item["untyCntrctNo"], item["bsnsDivNm"], item["cnstwkNm"], item["totCntrctAmt"]) == (
        "R26TA00000001",
        "공사",
        "청사 주차장 포장 공사",
        "93000000",
    )
    assert (item["cntrctCnclsDate"], item["cbgnDate"], item["ttalCcmpltDate"], item["grntymnyRate"]) == (
        "2026-11-20",
        "2026-12-01",
        "2027-03-31",
        "10",
    )
    assert (item["baseLawNm"], item["cntrctInsttJrsdctnDivNm"], item["ntceNo"]) == (
        "지방계약법",
        "지자체",
        "R26BK00000012",
    )
    assert item["corpList"].startswith("[1^주계약업체^단독^시험업체 1^") and item["corpList"].endswith("^1208000011]")
    assert item["cntrctInsttOfclNm"] == item["cntrctInsttOfclTelNo"] == "" and "cntrctNm" not in item

    spec = SpecView(
        "R26BD00000001", "청사 보안 시스템", Category.SERVICES, 300_000_000, AGENCY, PUBLISHED,
        datetime(2026, 11, 9, 14, 59, tzinfo=UTC), ("R26BK00000012",),
    )  # fmt: skip
    item = prespecs.spec_item("getPublicPrcureThngInfoServc", spec, "https://jangter.kr")
    assert (item["bfSpecRgstNo"], item["bsnsDivNm"], item["prdctClsfcNoNm"], item["orderInsttNm"]) == (
        "R26BD00000001",
        "용역",
        "청사 보안 시스템",
        "행정안전부",
    )
    assert (item["rcptDt"], item["opninRgstClseDt"], item["bidNtceNoList"]) == (
        "2026-11-02 09:00:05",
        "2026-11-09 23:59:00",
        "R26BK00000012",
    )
    assert item["asignBdgtAmt"] == "" and item["ofclNm"] == item["ofclTelNo"] == ""

    plan = PlanView(
        "R26DD00000003", "시험 발주계획", Category.GOODS, 2026, 4, None, 110_000_000, "general_competitive",
        AGENCY, PUBLISHED, (),
    )  # fmt: skip
    item = plans.plan_item("getOrderPlanSttusListThng", plan, "https://jangter.kr")
    assert (item["bsnsDivCd"], item["bsnsDivNm"], item["orderYear"], item["orderMnth"]) == ("01", "물품", "2026", "")
    assert (item["sumOrderAmt"], item["ntceNticeYn"], item["jrsdctnDivNm"], item["nticeDt"]) == (
        "110000000",
        "N",
        "국가기관",
        "2026-11-02 09:00:05",
    )
    assert item["orderPlanDtlUrl"] == "https://jangter.kr/order-plans/R26DD00000003"
    assert item["ofclNm"] == item["telNo"] == item["deptNm"] == ""
