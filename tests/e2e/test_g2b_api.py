"""The Korean open-data API (issue #10 point 3) against its contract: ``../shared/reference/g2b-openapi/`` (the PPS
swagger documents, the field lists of ``operations.json``, the guides' real XML examples and the real JSON
responses). For every implemented operation, on a demo-like dataset: the same envelope, the same item fields in
the same order, every value a string; the result codes of no data and of bad parameters; paging; XML."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import update

from jangter.contracting.domain.contract import ContractStatus
from jangter.contracting.orm import Contract, ContractVersion
from jangter.evaluation.queries import opening_results
from jangter.kernel.clock import OffsetClock
from jangter.kernel.context import AppContext
from jangter.kernel.procurement import Category
from jangter.opendata.g2b.envelope import ERROR_ROOT
from jangter.opendata.g2b.fields import FIELDS
from jangter.opendata.g2b.operations import OPERATIONS, SERVICES
from jangter.planning import prespecs
from jangter.planning.prespec_domain import DraftSpec
from tests.shared_material import SHARED
from tests.support import OPENING, World, insert_contract, make_world

REFERENCE = SHARED / "reference" / "g2b-openapi"
NOVEMBER = {"inqryBgnDt": "202611010000", "inqryEndDt": "202611302359"}
SHORT = {"Thng": Category.GOODS, "Servc": Category.SERVICES, "Cnstwk": Category.WORKS}


def reference(*parts: str) -> Path:
    path = REFERENCE.joinpath(*parts)
    assert path.exists(), f"the PPS reference bundle is missing: {path} (a clone needs ../shared next to it)"
    return path


def reference_operations() -> dict[str, dict[str, Any]]:
    document = json.loads(reference("operations.json").read_text(encoding="utf-8"))
    return {op["operation"]: op for service in document["services"] for op in service["operations"]}


def swagger_fields(service: str, operation: str) -> set[str]:
    """The item properties of the operation's 200 response in the PPS swagger document."""
    document = json.loads(reference("swagger", f"{service}.swagger.json").read_text(encoding="utf-8"))
    schema = document["paths"][f"/{operation}"]["get"]["responses"]["200"]["schema"]

    def find_item(node: Any) -> dict[str, Any] | None:
        if isinstance(node, dict):
            properties = node.get("properties", {})
            if "item" in properties:
                return properties["item"]  # type: ignore[no-any-return]
            for child in properties.values():
                found = find_item(child)
                if found is not None:
                    return found
        return None

    item = find_item(schema)
    assert item is not None, operation
    return set(item["properties"])


def example_fields(service: str, operation: str) -> set[str]:
    """The element names of the items of the guide's real XML example (truncated examples: what is there)."""
    text = reference("samples", "official-guide-xml", f"{service}.{operation}.xml").read_text(encoding="utf-8")
    names: set[str] = set()
    start = text.find("<item>")
    while start != -1:
        end = text.find("</item>", start)
        chunk = text[start + 6 : end if end != -1 else len(text)]
        for part in chunk.split("<")[1:]:
            name = part.split(">")[0].split(" ")[0].rstrip("/")
            if name and not name.startswith("/"):
                names.add(name)
        start = text.find("<item>", end) if end != -1 else -1
    return names


def example_order(service: str, operation: str) -> list[str]:
    text = reference("samples", "official-guide-xml", f"{service}.{operation}.xml").read_text(encoding="utf-8")
    first = text[text.find("<item>") + 6 :].split("</item>")[0]
    names: list[str] = []
    for part in first.split("<")[1:]:
        name = part.split(">")[0].split(" ")[0].rstrip("/")
        if name and not name.startswith("/") and name not in names:
            names.append(name)
    return names


def json_sample_fields(service: str, operation: str) -> set[str]:
    names: set[str] = set()
    for path in reference("samples", "json").glob(f"{service}.{operation}.*.json"):
        document = json.loads(path.read_text(encoding="utf-8"))
        rows = document["response"]["body"]["items"] if "response" in document else document
        names |= {key for row in rows for key in row}
    return names


def awarded(world: World, number: str) -> int:
    """The winner's organisation."""
    result = opening_results(world.ctx, number)[0]
    assert result.winner is not None
    return result.winner.firm_id


def sign(ctx: AppContext, number: str) -> None:
    """Both parties have signed (the signing ceremony itself is tested in tests/integration/test_contracts.py)."""
    with ctx.uow() as uow:
        contract_id = uow.session.scalars(
            update(Contract)
            .where(Contract.number == number)
            .values(status=ContractStatus.ACTIVE.value, version=1)
            .returning(Contract.id)
        ).one()
        uow.session.execute(
            update(ContractVersion)
            .where(ContractVersion.contract_id == contract_id, ContractVersion.version == 1)
            .values(state="signed", supplier_signed_at=ctx.clock.now(), agency_signed_at=ctx.clock.now())
        )
        uow.commit()


def dataset(ctx: AppContext, clock: OffsetClock) -> dict[str, Any]:
    """Per business type: an order plan and a pre-specification, a notice with two bids opened and awarded, and its
    contract signed; plus a services notice still sealed."""
    world = make_world(ctx, firms=2)
    numbers: dict[str, Any] = {"world": world, "notice": {}, "contract": {}, "spec": {}}
    for short, category in SHORT.items():
        spec = DraftSpec(f"{category.value} 사전규격", category, 90_909_090, "규격서 초안")
        numbers["spec"][short] = prespecs.publish(ctx, world.officer, spec)
        numbers["notice"][short] = world.publish(title=f"청사 {category.value} 조달 시험", category=category)
    numbers["sealed"] = world.publish(title="봉인된 용역 입찰", category=Category.SERVICES)
    for short, number in numbers["notice"].items():
        lift = 4_000_000 if short == "Cnstwk" else 0
        world.bid(number, 0, 89_100_000 + lift, (1, 5))
        world.bid(number, 1, 88_700_000 + lift, (2, 6))
    world.bid(numbers["sealed"], 0, 87_654_321, (3, 7))
    numbers["sealed_amount"] = "87654321"
    clock.set(OPENING)
    for short, number in numbers["notice"].items():
        world.open(number)
        world.award(number)
        contract = insert_contract(ctx, number, world.officer, awarded(world, number))
        sign(ctx, contract)
        numbers["contract"][short] = contract
    clock.set(OPENING + timedelta(hours=1))
    return numbers


def key_params(operation: str, data: dict[str, Any]) -> dict[str, str]:
    """A query of the operation's key mode that finds this dataset's row of the operation's business type."""
    short = next((s for s in ("Cnstwk", "Servc", "Thng") if s in operation), "Thng")
    notice = data["notice"][short]
    if operation == "getOpengResultListInfoOpengCompt":
        return {"bidNtceNo": data["notice"]["Thng"]}
    if operation.startswith("getBidPblancListInfo"):
        return (
            {"inqryDiv": "1", **NOVEMBER, "bidNtceNm": "조달 시험"}
            if "PPSSrch" in operation
            else {
                "inqryDiv": "2",
                "bidNtceNo": notice,
            }
        )
    if operation.startswith(("getOpengResultListInfo", "getScsbidListSttus")):
        if "PreparPcDetail" in operation:
            return {"inqryDiv": "2", "bidNtceNo": notice}
        return (
            {"inqryDiv": "3", "bidNtceNo": notice} if "PPSSrch" in operation else {"inqryDiv": "4", "bidNtceNo": notice}
        )
    if operation.startswith("getCntrctInfoList"):
        return {"inqryDiv": "2", "untyCntrctNo": data["contract"][short]}
    if operation.startswith("getPublicPrcureThngInfo"):
        return {"inqryDiv": "2", "bfSpecRgstNo": data["spec"][short]}
    assert operation.startswith("getOrderPlanSttusList"), operation
    return (
        {"orderBgnYm": "202601", "orderEndYm": "202612"}
        if "PPSSrch" in operation
        else {
            "inqryDiv": "1",
            "orderBgnYm": "202601",
            "orderEndYm": "202612",
            **NOVEMBER,
        }
    )


def call(client: TestClient, service: str, operation: str, params: dict[str, str]) -> Any:
    response = client.get(f"{SERVICES[service]}/{operation}", params={"ServiceKey": "인증키", "type": "json", **params})
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("application/json")
    return response.json()


def check_envelope(document: Any) -> list[dict[str, Any]]:
    """The success envelope of the real JSON responses: the same keys, in the same order, and the same types."""
    sample = json.loads(
        reference(
            "samples", "json", "BidPublicInfoService.getBidPblancListPPIFnlRfpIssAtchFileInfo.c0z0c.json"
        ).read_text(encoding="utf-8")
    )
    assert list(document) == list(sample) == ["response"]
    assert list(document["response"]) == list(sample["response"])
    assert document["response"]["header"] == sample["response"]["header"] == {"resultCode": "00", "resultMsg": "정상"}
    body = document["response"]["body"]
    assert list(body) == list(sample["response"]["body"]) == ["items", "numOfRows", "pageNo", "totalCount"]
    for key in ("numOfRows", "pageNo", "totalCount"):
        assert type(body[key]) is int
    assert isinstance(body["items"], list) and body["items"]
    return body["items"]


def test_every_operation_has_the_portals_envelope_fields_and_types(
    client: TestClient, ctx: AppContext, clock: OffsetClock
) -> None:
    data = dataset(ctx, clock)
    contract = reference_operations()
    assert len(OPERATIONS) == 40
    for (service, operation), _op in sorted(OPERATIONS.items()):
        items = check_envelope(call(client, service, operation, key_params(operation, data)))
        documented = [field["name"] for field in contract[operation]["fields"]]
        for item in items:
            assert list(item) == list(FIELDS[operation]), operation  # every field, in the guide's order
            assert {d.lower() for d in documented} <= {k.lower() for k in item}, operation
            assert all(type(value) is str for value in item.values()), operation
        keys = {key.lower() for key in items[0]}
        assert {name.lower() for name in swagger_fields(service, operation)} <= keys, operation
        example = example_fields(service, operation)
        assert example <= set(items[0]), operation
        assert [k for k in items[0] if k in example] == [k for k in example_order(service, operation) if k in items[0]]
        assert json_sample_fields(service, operation) <= set(items[0]), operation
        if "bidNtceNo" in items[0] and operation != "getOpengResultListInfoOpengCompt":
            assert items[0]["bidNtceNo"] in data["notice"].values() and items[0]["bidNtceOrd"] == "000"


def test_what_the_items_say(client: TestClient, ctx: AppContext, clock: OffsetClock) -> None:
    data = dataset(ctx, clock)
    goods = data["notice"]["Thng"]
    notice = call(client, "BidPublicInfoService", "getBidPblancListInfoThng", {"inqryDiv": "2", "bidNtceNo": goods})
    item = notice["response"]["body"]["items"][0]
    assert (item["bidNtceNo"], item["bidNtceOrd"], item["ntceKindNm"]) == (goods, "000", "등록공고")
    assert (item["ntceInsttCd"], item["ntceInsttNm"], item["presmptPrce"]) == ("1741000", "행정안전부", "90909090")
    assert item["bidNtceDt"] == "2026-11-02 09:00:00" and item["bidClseDt"] == "2026-11-11 10:00:00"
    assert (item["totPrdprcNum"], item["drwtPrdprcNum"], item["prearngPrceDcsnMthdNm"]) == ("15", "4", "복수예가")
    assert item["sucsfbidLwltRate"].replace(".", "").isdigit() and 80 < float(item["sucsfbidLwltRate"]) < 90
    assert item["ntceInsttOfclNm"] == item["ntceInsttOfclTelNo"] == item["ntceInsttOfclEmailAdrs"] == ""  # no people

    ranking = call(client, "ScsbidInfoService", "getOpengResultListInfoOpengCompt", {"bidNtceNo": goods})
    rows = ranking["response"]["body"]["items"]
    assert [r["opengRank"] for r in rows] == ["1", "2"] and [r["bidprcAmt"] for r in rows] == ["88700000", "89100000"]
    assert rows[0]["prcbdrNm"] == "시험업체 1" and rows[0]["prcbdrCeoNm"] == "대표1" and rows[0]["drwtNo1"] == "2"
    result = call(client, "ScsbidInfoService", "getOpengResultListInfoThng", {"inqryDiv": "4", "bidNtceNo": goods})
    opened = result["response"]["body"]["items"][0]
    assert opened["prtcptCnum"] == "2" and opened["progrsDivCdNm"] == "개찰완료"
    assert opened["opengCorpInfo"].split("^")[:4] == ["시험업체 1", rows[0]["prcbdrBizno"], "대표1", "88700000"]
    prices = call(
        client, "ScsbidInfoService", "getOpengResultListInfoThngPreparPcDetail", {"inqryDiv": "2", "bidNtceNo": goods}
    )
    body = prices["response"]["body"]
    assert body["totalCount"] == 15 and [p["compnoRsrvtnPrceSno"] for p in body["items"][:3]] == ["1", "2", "3"]
    assert sum(p["drwtYn"] == "Y" for p in body["items"]) == 4 and len({p["plnprc"] for p in body["items"]}) == 1
    award = call(client, "ScsbidInfoService", "getScsbidListSttusThng", {"inqryDiv": "4", "bidNtceNo": goods})
    won = award["response"]["body"]["items"][0]
    assert (won["bidwinnrNm"], won["sucsfbidAmt"], won["fnlSucsfDate"]) == ("시험업체 1", "88700000", "2026-11-11")
    assert won["bidwinnrAdrs"] == won["bidwinnrTelNo"] == ""
    contract = call(client, "CntrctInfoService", "getCntrctInfoListThng", {"inqryDiv": "1", **NOVEMBER})
    signed = contract["response"]["body"]["items"]
    assert [c["untyCntrctNo"] for c in signed] == [data["contract"]["Thng"]]
    assert (
        signed[0]["ntceNo"] == goods
        and signed[0]["totCntrctAmt"] == "90000000"
        and "시험업체 1" in signed[0]["corpList"]
    )


def test_nothing_sealed_shows_and_drafts_stay_hidden(client: TestClient, ctx: AppContext, clock: OffsetClock) -> None:
    world = make_world(ctx, firms=2)
    sealed = world.publish(title="봉인된 용역 입찰", category=Category.SERVICES)
    draft = world.draft(title="작성 중 공고", category=Category.SERVICES)
    world.bid(sealed, 0, 87_654_321, (3, 7))
    world.bid(sealed, 1, 87_000_000, (4, 8))
    seen = ""
    for (service, operation), _op in OPERATIONS.items():
        for params in ({"inqryDiv": "4", "bidNtceNo": sealed}, {"inqryDiv": "2", "bidNtceNo": sealed}, NOVEMBER):
            response = client.get(
                f"{SERVICES[service]}/{operation}", params={"type": "json", "inqryDiv": "1", **params}
            )
            seen += response.text
    assert "87654321" not in seen and "87000000" not in seen
    for operation in (
        "getOpengResultListInfoServc",
        "getScsbidListSttusServc",
        "getOpengResultListInfoServcPreparPcDetail",
    ):
        answer = call(client, "ScsbidInfoService", operation, {"inqryDiv": "1", **NOVEMBER})
        assert answer["response"]["header"]["resultCode"] == "03"
    listed = call(client, "BidPublicInfoService", "getBidPblancListInfoServc", {"inqryDiv": "1", **NOVEMBER})
    assert [i["bidNtceNo"] for i in listed["response"]["body"]["items"]] == [sealed]
    assert draft not in seen
    ranking = call(client, "ScsbidInfoService", "getOpengResultListInfoOpengCompt", {"bidNtceNo": sealed})
    assert ranking["response"]["header"]["resultCode"] == "03"
    clock.set(OPENING)
    world.open(sealed)
    ranking = call(client, "ScsbidInfoService", "getOpengResultListInfoOpengCompt", {"bidNtceNo": sealed})
    assert {r["bidprcAmt"] for r in ranking["response"]["body"]["items"]} == {"87654321", "87000000"}


def test_result_codes_as_the_portal_sends_them(client: TestClient, ctx: AppContext) -> None:
    make_world(ctx, firms=1)
    path = f"{SERVICES['BidPublicInfoService']}/getBidPblancListInfoThng"
    empty = json.loads(reference("samples", "json", "empty.NODATA.gofixture.json").read_text(encoding="utf-8"))
    nothing = client.get(path, params={"type": "json", "inqryDiv": "1", "numOfRows": "5", **NOVEMBER}).json()
    assert nothing == empty  # the real empty answer, byte for byte as JSON
    too_long = json.loads(reference("samples", "json", "error.provider-ResponseError-07.gofixture.json").read_text())
    month_and_a_day = {"inqryBgnDt": "202611010000", "inqryEndDt": "202612022359"}
    assert client.get(path, params={"type": "json", "inqryDiv": "1", **month_and_a_day}).json() == too_long
    cases = {
        "08": [{"inqryDiv": "1"}, {}, {"inqryDiv": "2"}, {"inqryDiv": "1", "inqryBgnDt": "202611010000"}],
        "06": [
            {"inqryDiv": "1", "inqryBgnDt": "2026-11-01", "inqryEndDt": "202611302359"},
            {"inqryDiv": "1", "inqryBgnDt": "202613010000", "inqryEndDt": "202611302359"},
        ],
        "07": [
            {"inqryDiv": "9", **NOVEMBER},
            {"inqryDiv": "1", "inqryBgnDt": "202611300000", "inqryEndDt": "202611010000"},
            {"inqryDiv": "1", "numOfRows": "1000", **NOVEMBER},
            {"inqryDiv": "1", "pageNo": "0", **NOVEMBER},
            {"inqryDiv": "1", "numOfRows": "ten", **NOVEMBER},
        ],
    }
    for code, queries in cases.items():
        for params in queries:
            response = client.get(path, params={"type": "json", **params})
            assert response.status_code == 200
            body = response.json()
            assert list(body) == [ERROR_ROOT] and body[ERROR_ROOT]["header"]["resultCode"] == code, (params, body)
    xml = client.get(path, params={"inqryDiv": "9", **NOVEMBER})  # the default type is XML
    root = ET.fromstring(xml.content)
    assert xml.headers["content-type"].startswith("application/xml") and root.tag == ERROR_ROOT
    assert root.findtext("header/resultCode") == "07" and root.findtext("header/resultMsg") == "입력범위값 초과 에러"
    unknown = client.get(f"{SERVICES['BidPublicInfoService']}/getBidPblancListInfoFrgcpt", params={"type": "json"})
    assert (
        unknown.status_code == 404 and ET.fromstring(unknown.content).findtext("cmmMsgHeader/returnReasonCode") == "12"
    )
    assert client.get(path).headers.get("set-cookie") is None  # no device cookie for API clients


def test_pages_xml_and_search_filters(client: TestClient, ctx: AppContext, clock: OffsetClock) -> None:
    world = make_world(ctx, firms=1)
    numbers = []
    for i in range(5):
        clock.advance(timedelta(minutes=1))
        numbers.append(world.publish(title=f"청사 소모품 구매 {i}", estimated_price=50_000_000 + i * 10_000_000))
    path = f"{SERVICES['BidPublicInfoService']}/getBidPblancListInfoThng"
    seen = []
    for page in (1, 2, 3):
        body = call(
            client,
            "BidPublicInfoService",
            "getBidPblancListInfoThng",
            {"inqryDiv": "1", "numOfRows": "2", "pageNo": str(page), **NOVEMBER},
        )
        assert (body["response"]["body"]["totalCount"], body["response"]["body"]["pageNo"]) == (5, page)
        seen += [i["bidNtceNo"] for i in body["response"]["body"]["items"]]
    assert seen == numbers  # each once, in the order of registration
    past = call(
        client,
        "BidPublicInfoService",
        "getBidPblancListInfoThng",
        {"inqryDiv": "1", "numOfRows": "2", "pageNo": "4", **NOVEMBER},
    )
    assert past["response"]["header"]["resultCode"] == "00" and past["response"]["body"]["items"] == ""

    xml = client.get(path, params={"inqryDiv": "1", "numOfRows": "2", **NOVEMBER})
    root = ET.fromstring(xml.content)
    assert root.tag == "response" and root.findtext("header/resultMsg") == "정상"
    assert [child.tag for child in root.find("body")] == ["items", "numOfRows", "pageNo", "totalCount"]  # type: ignore[union-attr]
    items = root.findall("body/items/item")
    assert [i.findtext("bidNtceNo") for i in items] == numbers[:2]
    assert [child.tag for child in items[0]] == list(FIELDS["getBidPblancListInfoThng"])
    guide = reference("samples", "official-guide-xml", "BidPublicInfoService.getBidPblancListInfoThng.xml")
    sample = ET.fromstring(re.sub(r"&(?!amp;)", "&amp;", guide.read_text(encoding="utf-8")))  # the guide's bare &
    assert [c.tag for c in sample.find("body")] == [c.tag for c in root.find("body")]  # type: ignore[union-attr]

    search = "getBidPblancListInfoThngPPSSrch"

    def found(**params: str) -> list[str]:
        body = call(client, "BidPublicInfoService", search, {"inqryDiv": "1", **NOVEMBER, **params})["response"]["body"]
        return [i["bidNtceNo"] for i in body["items"]] if body["items"] else []

    assert found(bidNtceNm="소모품구매 3") == [numbers[3]]  # partial, spaces ignored
    assert found(ntceInsttNm="행정안전", presmptPrceBgn="70000000", presmptPrceEnd="80000000") == numbers[2:4]
    assert found(prtcptLmtRgnNm="서울") == numbers and found(prtcptLmtRgnCd="26") == []
    assert found(refNo="2026-1") == [] and found(intrntnlDivCd="2") == [] and found(intrntnlDivCd="1") == numbers
    clock.set(OPENING)
    assert found(bidClseExcpYn="Y") == []


@pytest.mark.parametrize("service", sorted(SERVICES))
def test_the_routes_are_documented(client: TestClient, service: str) -> None:
    schema = client.get("/api/openapi.json").json()
    route = schema["paths"][f"{SERVICES[service]}/{{operation}}"]["get"]
    assert route["tags"] == ["Korean open data (조달청 OpenAPI 호환)"]
    names = {name for (s, name) in OPERATIONS if s == service}
    assert set(route["parameters"][0]["schema"]["enum"]) == names
